"""The evidence vault: encrypted, content-addressed, write-once files, and the keys that open them.

``blobs`` stores the files, ``keys`` keeps ``keys.json`` (who can decrypt), ``crypto`` holds the
age recipes both use. Everything on disk opens with the stock ``age`` tool.
"""

from __future__ import annotations

from .blobs import Blob, BlobStore
from .keys import (
    Custodian,
    KeyFile,
    Unlocked,
    add_custodian,
    create_keys,
    load_keys,
    recover,
    remove_custodian,
    rotate,
    unlock,
)

__all__ = [
    "Blob",
    "BlobStore",
    "Custodian",
    "KeyFile",
    "Unlocked",
    "add_custodian",
    "create_keys",
    "load_keys",
    "recover",
    "remove_custodian",
    "rotate",
    "unlock",
]
