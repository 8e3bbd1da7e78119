"""The transparency log: the latest signed checkpoint, signing a new one, inclusion proofs for a
record or a file, and consistency proofs between two sizes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from ....errors import NotFound
from ....ledger.checkpoints import CheckpointRecord
from ....services.archive import ledger
from ....services.archive.audit import audit_read
from ....services.archive.folder import Archive
from ....services.records.guarded import AUDITED
from ...config import API_PREFIX
from ...deps import PrincipalDep, client_ip, get_archive, keys_of

router = APIRouter(prefix=API_PREFIX, tags=["ledger"])

ArchiveDep = Annotated[Archive, Depends(get_archive)]


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
def latest_checkpoint(archive: ArchiveDep, me: PrincipalDep) -> dict[str, Any]:
    """The latest signed checkpoint (C2SP signed note): keep it to check the archive later."""
    found = ledger.latest(archive, me)
    if found is None:
        raise NotFound("The log has no checkpoint yet.")
    return _checkpoint(found)


@router.post("/ledger/checkpoint")
def sign_checkpoint(request: Request, archive: ArchiveDep, me: PrincipalDep) -> dict[str, Any]:
    """Sign the log's current head (needs the server's unlocked keys; 503 otherwise)."""
    return _checkpoint(ledger.checkpoint(archive, me, keys_of(request)))


@router.get("/ledger/proof/{ref}")
def proof(request: Request, archive: ArchiveDep, me: PrincipalDep, ref: str) -> dict[str, Any]:
    """An inclusion proof for a record's latest revision (by id) or a file's latest custody
    event (by sha256), against the latest checkpoint; checkable with tools/sviedka_verify.py.
    404, as for an unknown id, when the proof would name a record you may not read."""
    subject, bundle = ledger.proof_for(archive, me, ref)
    if subject.record.confidentiality in AUDITED:
        audit_read(archive.store, me, "proof", subject.record.id, ip=client_ip(request))
    return {"ok": True, "proof": bundle}


@router.get("/ledger/consistency")
def consistency(
    archive: ArchiveDep,
    me: PrincipalDep,
    old: Annotated[int, Query(ge=1, le=2**62)],
    new: Annotated[int, Query(ge=1, le=2**62)],
) -> dict[str, Any]:
    """A consistency proof: the log at size ``old`` is a prefix of the log at size ``new``."""
    return {"ok": True, "proof": ledger.consistency(archive, me, old, new)}
