"""Evidence: one ingest for every way a file arrives, reading files back as a principal may,
export, custody and fixity.

- ``ingest``: ``ingest_file`` (the command line) and ``ingest_stream`` (uploads, ``uploading``),
  one use case;
- ``level``: what a file may be linked to and the level it gets (``Collection``);
- ``describe``: metadata, thumbnail and near-duplicates from a working copy (``workcopy``);
- ``reading``: the record and custody chain a principal may see; view and download events;
- ``streams``: a file's plaintext as an async stream, checked against its hash;
- ``fixity``: export, verification and re-encryption (the custodian's work);
- ``names``: file names as stored and shown; ``principal``: a user or the custodian.

Ingest needs no passphrase (files are encrypted to public keys); reading a file back does.
"""

from __future__ import annotations

from .describe import describe
from .fixity import check_vault, export, reencrypt_all
from .ingest import Ingested, Uploads, ingest_file, ingest_stream, uploading
from .level import Collection, raised_to_links
from .names import entered_name, safe_name
from .principal import Custodian, Principal
from .reading import custody_chain, log_access, readable_evidence, shown_evidence, visible_twins
from .streams import decrypted_chunks

__all__ = [
    "Collection",
    "Custodian",
    "Ingested",
    "Principal",
    "Uploads",
    "check_vault",
    "custody_chain",
    "decrypted_chunks",
    "describe",
    "entered_name",
    "export",
    "ingest_file",
    "ingest_stream",
    "log_access",
    "raised_to_links",
    "readable_evidence",
    "reencrypt_all",
    "safe_name",
    "shown_evidence",
    "uploading",
    "visible_twins",
]
