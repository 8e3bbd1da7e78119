"""The ledger: an append-only RFC 9162 Merkle log over every revision and custody event.

- `sviedka.ledger.merkle`: tree hashing, stored-subtree roots and proofs, proof verification
  (pure functions, no I/O).
- `sviedka.ledger.note`: C2SP signed notes, checkpoints and cosignatures (Ed25519).

``tools/sviedka_verify.py`` re-implements the verifying half in one file, so that a court expert
can check a proof bundle without this package.
"""

from __future__ import annotations

__all__: list[str] = []
