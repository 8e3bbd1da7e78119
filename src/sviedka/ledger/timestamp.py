"""Trusted time for checkpoints: RFC 3161 timestamp tokens, fetched online, verified offline.

When a TSA URL is configured, each checkpoint's note text is sent, as its SHA-256, to the timestamp
authority; `request_token` returns the TSA's answer and `verify_token` checks it later without the
network, against the TSA certificates stored next to it (`tsa_chain_pem`).

What we store is the whole DER ``TimeStampResp`` exactly as the TSA sent it, not the bare token
inside it: rfc3161-client parses only responses, and ``openssl ts -verify -in`` reads them as they
are. ``openssl ts -reply -in resp.tsr -token_out`` extracts the token for tools that want it.

What a valid token proves: these exact bytes (the checkpoint, and so the tree it commits to)
existed no later than the token's time, to the accuracy the TSA states, *according to that TSA*.

What it does not prove: that the checkpoint did not exist long before; that anything in the log is
true; that the TSA's clock was right or its key uncompromised (we trust the TSA for both). It is
checked offline, so without revocation: a TSA certificate revoked after a key compromise still
verifies. Certificates are checked as of the token's own time, as RFC 3161 intends, so a token
outlives its TSA certificate; re-timestamp (RFC 4998) before the algorithms weaken.
"""

from __future__ import annotations

import hashlib
import http.client
import urllib.error
import urllib.request
from datetime import datetime
from typing import NamedTuple
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimeStampRequest,
    TimestampRequestBuilder,
    TimeStampResponse,
    VerifierBuilder,
    decode_timestamp_response,
)

from sviedka.errors import IntegrityFailure, Invalid, Unavailable

__all__ = ["request_token", "tsa_chain_pem", "verify_token"]

_SHA256 = x509.ObjectIdentifier("2.16.840.1.101.3.4.2.1")
_TIME_STAMPING = x509.oid.ExtendedKeyUsageOID.TIME_STAMPING
# A response is a few kilobytes; anything far larger is not one, and must not fill memory.
_MAX_RESPONSE = 1 << 20
_TOKEN = "The timestamp token"


# -- online: asking for a token ------------------------------------------------------------------


def request_token(tsa_url: str, data: bytes, *, timeout: float = 10) -> bytes:
    """Timestamp SHA-256(``data``) at ``tsa_url``; return the TSA's DER response, as it was sent.

    The request carries a random nonce and asks for the TSA's certificate. The answer must be
    granted, for this digest and this nonce. Its signature is not checked here: call
    `verify_token` with the TSA's stored chain before relying on it.

    Raises `Unavailable` when the TSA cannot be reached or will not answer, `IntegrityFailure`
    when it answers with something that is not a token for this request, and `Invalid` for a URL
    that is not http(s). Empty ``data`` is a `ValueError` (rfc3161-client refuses it).
    """
    where = _where(tsa_url)
    request = (
        TimestampRequestBuilder(nonce=True, cert_req=True)
        .data(data)
        .hash_algorithm(HashAlgorithm.SHA256)
        .build()
    )
    raw = _post(tsa_url, where, request.as_bytes(), timeout)
    response = _parse(raw, f"The answer from the timestamp authority at {where}")
    if response.status != PKIStatus.GRANTED:
        raise Unavailable(
            f"The timestamp authority at {where} did not grant a timestamp (status "
            f"{_status_name(response.status)}). Check that it accepts SHA-256 requests with a "
            "nonce, or try again later."
        )
    _check_answers(request, response, where)
    return raw


def _where(tsa_url: str) -> str:
    """Host and port, for messages: never the path or any credentials in the URL."""
    parts = urlsplit(tsa_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Invalid("Bad TSA URL.", {"tsa_url": "must be an http:// or https:// URL"})
    return parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"


def _post(url: str, where: str, query: bytes, timeout: float) -> bytes:
    headers = {"Content-Type": "application/timestamp-query"}
    request = urllib.request.Request(url, data=query, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            raw: bytes = answer.read(_MAX_RESPONSE + 1)
    except urllib.error.HTTPError as exc:
        exc.close()  # it holds the body, which we neither read nor repeat
        raise Unavailable(
            f"The timestamp authority at {where} answered HTTP {exc.code}. "
            "Try again later, or check the TSA URL."
        ) from None
    except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        raise Unavailable(
            f"Could not reach the timestamp authority at {where} ({reason}). "
            "Check the TSA URL and the network, then try again."
        ) from exc
    if len(raw) > _MAX_RESPONSE:
        raise IntegrityFailure(f"The answer from the timestamp authority at {where} is too large.")
    return raw


def _check_answers(request: TimeStampRequest, response: TimeStampResponse, where: str) -> None:
    """The token must be for our digest (else it timestamps other data) and carry our nonce
    (else it may be a replayed or cached token, with a time that is not now)."""
    ours, theirs = request.message_imprint, response.tst_info.message_imprint
    if (theirs.hash_algorithm, theirs.message) != (ours.hash_algorithm, ours.message):
        raise IntegrityFailure(
            f"The timestamp authority at {where} answered with a token for other data "
            "(message imprint mismatch). Do not use this TSA until that is explained."
        )
    if response.tst_info.nonce != request.nonce:
        raise IntegrityFailure(
            f"The timestamp authority at {where} answered with a token for another request "
            "(nonce mismatch). Do not use this TSA until that is explained."
        )


def _status_name(status: int) -> str:
    try:
        return PKIStatus(status).name.lower()
    except ValueError:
        return str(status)


# -- offline: checking a token -------------------------------------------------------------------


def verify_token(token: bytes, data: bytes, chain_pem: str) -> datetime:
    """Check that ``token`` (what `request_token` returned) is a TSA's signature over
    SHA-256(``data``) that chains to ``chain_pem``; return the time it states, in UTC.

    Offline: nothing is fetched, so nothing is checked for revocation. Raises `IntegrityFailure`
    naming the first check that failed.
    """
    response = _parse(token, _TOKEN)
    if response.status != PKIStatus.GRANTED:
        raise IntegrityFailure(f"{_TOKEN} was not granted by the TSA; it proves nothing.")
    imprint = response.tst_info.message_imprint
    if (imprint.hash_algorithm, imprint.message) != (_SHA256, hashlib.sha256(data).digest()):
        raise IntegrityFailure(f"{_TOKEN} is for other data (message imprint mismatch).")
    roots, intermediates = _trust(chain_pem)
    _require_timestamping(response)
    _verify_signature(response, data, roots, intermediates)
    return response.tst_info.gen_time


def _require_timestamping(response: TimeStampResponse) -> None:
    """RFC 3161 §2.3: the signer's certificate must have extendedKeyUsage timeStamping, alone
    and critical (as OpenSSL reads it; rfc3161-client allows other purposes beside it). The
    library checks too, but only we can say that this is what failed."""
    extensions = _signer_extensions(response)
    if extensions is None:
        return  # no certificate to judge: the signature check below fails and says why
    try:
        usage = extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except x509.ExtensionNotFound:
        usage = None
    if usage is None or not usage.critical or list(usage.value) != [_TIME_STAMPING]:
        raise IntegrityFailure(
            f"{_TOKEN} is not signed with a timestamping certificate "
            "(critical extendedKeyUsage timeStamping)."
        )


def _signer_extensions(response: TimeStampResponse) -> x509.Extensions | None:
    """The extensions of the certificate that signed the token, if the token carries it."""
    infos = list(response.signed_data.signer_infos)
    if len(infos) != 1:
        return None
    for der in response.signed_data.certificates:
        cert = x509.load_der_x509_certificate(der)
        if (cert.issuer, cert.serial_number) == (infos[0].issuer, infos[0].serial_number):
            return cert.extensions
    return None


def _verify_signature(
    response: TimeStampResponse,
    data: bytes,
    roots: list[x509.Certificate],
    intermediates: list[x509.Certificate],
) -> None:
    builder = VerifierBuilder(roots=roots, intermediates=intermediates)
    try:
        builder.build().verify_message(response, data)
    # VerificationError, or ValueError and cryptography's parse errors for damaged certificates:
    # whatever the library raises, the token does not verify.
    except Exception:
        raise IntegrityFailure(
            f"{_TOKEN} has an invalid signature or certificate chain: it was not signed by a TSA "
            "that the stored chain vouches for."
        ) from None


# -- the TSA's certificates ----------------------------------------------------------------------


def tsa_chain_pem(pem: str) -> str:
    """Normalise the TSA's CA certificates, as the TSA publishes them, for storing with tokens.

    Take these from the TSA out of band, never from a token: a token carries whatever
    certificates its signer chose, so checking it against them would prove nothing. Every
    certificate kept here is trusted for this TSA; the root must be among them.
    Raises `Invalid` for input that is not PEM certificates or has no root.
    """
    try:
        certs = _load_chain(pem)
    except ValueError as exc:
        raise Invalid("Bad TSA certificate chain.", {"tsa_chain": str(exc)}) from None
    return "".join(cert.public_bytes(Encoding.PEM).decode("ascii") for cert in certs)


def _load_chain(pem: str) -> list[x509.Certificate]:
    """The certificates in ``pem``, without duplicates; `ValueError` naming the problem."""
    try:
        certs = x509.load_pem_x509_certificates(pem.encode("ascii"))
    except (UnicodeEncodeError, ValueError):
        raise ValueError("not PEM certificates") from None
    unique = list({cert.public_bytes(Encoding.DER): cert for cert in certs}.values())
    if not any(cert.subject == cert.issuer for cert in unique):
        raise ValueError("no root (self-signed) certificate; include the TSA's root CA")
    return unique


def _trust(chain_pem: str) -> tuple[list[x509.Certificate], list[x509.Certificate]]:
    """Roots and intermediates from a stored chain. rfc3161-client trusts both alike."""
    try:
        certs = _load_chain(chain_pem)
    except ValueError as exc:
        raise IntegrityFailure(f"The stored TSA certificate chain is unusable: {exc}.") from None
    roots = [cert for cert in certs if cert.subject == cert.issuer]
    return roots, [cert for cert in certs if cert.subject != cert.issuer]


# -- parsing -------------------------------------------------------------------------------------


def _parse(raw: bytes, what: str) -> TimeStampResponse:
    """Decode a response. rfc3161-client decodes fields when they are read, so read here all
    that we use later: damage then fails here, as one clear error."""
    try:
        response = decode_timestamp_response(_sorted_certificates(raw))
        if response.status == PKIStatus.GRANTED:
            info = response.tst_info
            _ = (info.message_imprint.message, info.nonce, info.gen_time)
            _ = _signer_extensions(response)
    # ValueError from rfc3161-client; ValueError, InvalidVersion, DuplicateExtension ... from
    # cryptography for a damaged certificate. Whichever it is, these bytes are not a token.
    except Exception:
        raise IntegrityFailure(f"{what} is damaged or not a DER timestamp response.") from None
    return response


def _sorted_certificates(raw: bytes) -> bytes:
    """``raw`` with the token's certificate set in DER order.

    OpenSSL (and so many TSAs) writes that SET OF in the order it added the certificates, and
    rfc3161-client's strict DER parser refuses it. The set is outside the signature, so sorting
    it changes nothing signed; this copy only feeds the parser, and the TSA's bytes are what we
    keep. Input of another shape is returned as it is, for the parser to judge.
    """
    try:
        response = _elements(raw, 0, len(raw))[0]
        token = _elements(raw, *response.body)[1]  # status, timeStampToken
        content = _elements(raw, *token.body)[1]  # contentType, [0] content
        signed = _elements(raw, *content.body)[0]  # SignedData
        certificates = next(e for e in _elements(raw, *signed.body) if e.tag == 0xA0)
        ordered = sorted(raw[e.start : e.end] for e in _elements(raw, *certificates.body))
    except (IndexError, StopIteration, ValueError):
        return raw
    start, end = certificates.body
    return raw[:start] + b"".join(ordered) + raw[end:]


class _Element(NamedTuple):
    tag: int
    start: int
    body: tuple[int, int]
    end: int


def _elements(der: bytes, start: int, end: int) -> list[_Element]:
    """The DER elements laid end to end in ``der[start:end]`` (single-byte tags, as here)."""
    found = []
    while start < end:
        if start + 2 > end:
            raise ValueError("truncated")
        tag, size, body = der[start], der[start + 1], start + 2
        if size & 0x80:
            count = size & 0x7F
            size, body = int.from_bytes(der[body : body + count], "big"), body + count
        if body + size > end:
            raise ValueError("truncated")
        found.append(_Element(tag, start, (body, body + size), body + size))
        start = body + size
    return found
