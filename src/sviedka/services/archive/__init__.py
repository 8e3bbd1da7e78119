"""The archive as a whole: its folder and config, keys and custodians, backup, verification, the
ledger (checkpoints, proofs, witnesses), grants and the audit, and the demo archive."""
