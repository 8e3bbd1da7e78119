"""The transparency log: the latest signed checkpoint, signing a new one, inclusion proofs for a
record or a file, and consistency proofs between two sizes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from ....errors import NotFound, Unavailable
from ....ledger.checkpoints import CheckpointRecord
from ....policy import Permission, principal_of
from ....services.accounts import User
from ....services.archive import ledger
from ....services.archive.audit import audit_read
from ....services.archive.folder import Archive
from ....services.records.guarded import AUDITED
from ...config import API_PREFIX
from ...deps import client_ip, get_archive, keys_of, require

router = APIRouter(prefix=API_PREFIX, tags=["ledger"])

ArchiveDep = Annotated[Archive, Depends(get_archive)]
Reader = Annotated[User, Depends(require(Permission.READ))]
Prover = Annotated[User, Depends(require(Permission.PROOF))]
Signer = Annotated[User, Depends(require(Permission.CHECKPOINT))]


def _checkpoint(found: CheckpointRecord) -> dict[str, Any]:
    return {
        "ok": True,
        "size": found.size,
        "root": found.root.hex(),
        "note": found.note,
        "at": found.at,
        "timestamped": found.timestamp_token is not None,
    }


@router.get("/ledger/checkpoint")
def latest_checkpoint(archive: ArchiveDep, user: Reader) -> dict[str, Any]:
    """The latest signed checkpoint (C2SP signed note): keep it to check the archive later."""
    found = ledger.latest(archive)
    if found is None:
        raise NotFound("The log has no checkpoint yet.")
    return _checkpoint(found)


@router.post("/ledger/checkpoint")
def sign_checkpoint(request: Request, archive: ArchiveDep, user: Signer) -> dict[str, Any]:
    """Sign the log's current head (needs the server's unlocked keys; 503 otherwise)."""
    keys = keys_of(request)
    if keys is None:
        raise Unavailable("The server was started without the archive keys; it cannot sign.")
    return _checkpoint(ledger.checkpoint(archive, keys))


@router.get("/ledger/proof/{ref}")
def proof(request: Request, archive: ArchiveDep, user: Prover, ref: str) -> dict[str, Any]:
    """An inclusion proof for a record's latest revision (by id) or a file's latest custody
    event (by sha256), against the latest checkpoint; checkable with tools/sviedka_verify.py.
    404, as for an unknown id, when the proof would name a record you may not read."""
    subject, bundle = ledger.proof_for(archive, principal_of(user), ref)
    if subject.record.confidentiality in AUDITED:
        audit_read(archive.store, user, "proof", subject.record.id, ip=client_ip(request))
    return {"ok": True, "proof": bundle}


@router.get("/ledger/consistency")
def consistency(
    archive: ArchiveDep,
    user: Prover,
    old: Annotated[int, Query(ge=1, le=2**62)],
    new: Annotated[int, Query(ge=1, le=2**62)],
) -> dict[str, Any]:
    """A consistency proof: the log at size ``old`` is a prefix of the log at size ``new``."""
    return {"ok": True, "proof": ledger.consistency(archive, old, new)}
