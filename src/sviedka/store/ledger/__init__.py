"""The transparency log's rows: entries, perfect-subtree nodes, checkpoints, cosignatures, and
the SQL that re-checks them. ``sviedka.ledger`` holds the pure half (Merkle hashing and proofs,
signed notes, timestamps, the checks over plain rows); these modules read and write.

- ``log``: the journal every writing transaction appends to; tree size, roots, stored nodes.
- ``checkpoints``: signing and keeping checkpoints; proof and consistency bundles.
- ``verify``: ``check_log``, the full re-check of the log against the tables it covers.
- ``witness``: cosigning partners' checkpoints, keeping partners' cosignatures of ours.
"""

from __future__ import annotations

__all__: list[str] = []
