"""The ledger: an append-only RFC 9162 Merkle log over every revision and custody event.

Pure code, no SQL: the log's rows, checkpoints and cosignatures are kept by
``sviedka.store.ledger``, which calls these.

- `sviedka.ledger.merkle`: tree hashing, stored-subtree roots and proofs, proof verification.
- `sviedka.ledger.note`: C2SP signed notes, checkpoints and cosignatures (Ed25519).
- `sviedka.ledger.timestamp`: RFC 3161 trusted timestamps of checkpoints.
- `sviedka.ledger.checkpoints`: what a checkpoint signs; proof and consistency bundles.
- `sviedka.ledger.verify`: the checks of a stored log, over plain rows.
- `sviedka.ledger.witness`: cosigning partners' checkpoints, checking their cosignatures.

``tools/sviedka_verify.py`` re-implements the verifying half in one file, so that a court expert
can check a proof bundle without this package.
"""

from __future__ import annotations

__all__: list[str] = []
