"""File names as metadata: what is stored and shown, and what was entered.

A file name is whatever the sender's device said. It is never used as a path, so ``../`` is
harmless text, but it is shown in pages, answers and terminals, where control characters, bidi
controls (U+202E makes ``photo‮gpj.exe`` look like ``photoexe.jpg``) and other invisible
characters would deceive the reader. So the name stored in the Evidence record and shown
everywhere is ``safe_name``'s; the name exactly as entered, with every such character written as
``<U+202E>``, is kept in the file's ``ingested`` custody event (``entered_name``).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["entered_name", "is_invisible", "safe_name"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Characters that render as nothing (or as a blank) without being format characters.
_BLANKS = frozenset("\u034f\u115f\u1160\u2800\u3164\uffa0")
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Zl", "Zp"})  # format (bidi, zero-width), line breaks
_MAX = 255


def is_invisible(char: str) -> bool:
    """Bidi controls, zero-width and other format characters, line and paragraph separators,
    variation selectors and blank fillers."""
    code = ord(char)
    return (
        unicodedata.category(char) in _INVISIBLE_CATEGORIES
        or char in _BLANKS
        or 0xFE00 <= code <= 0xFE0F
        or 0xE0100 <= code <= 0xE01EF
    )


def safe_name(name: str) -> str:
    """The name to store and show: control characters (NUL included) and bytes that were not
    UTF-8 (lone surrogates from ``os.fsdecode``) as U+FFFD, invisible characters removed, at
    most 255 characters. Applying it twice changes nothing."""
    text = _CONTROL.sub("\ufffd", _decoded(name))
    return "".join(c for c in text if not is_invisible(c))[:_MAX] or "(unnamed)"


def entered_name(name: str) -> str:
    """The name as entered, losslessly but safe to show: each control or invisible character
    written as ``<U+XXXX>`` (at most 1,000 characters)."""
    text = _decoded(name)
    return "".join(
        f"<U+{ord(c):04X}>" if _CONTROL.match(c) or is_invisible(c) else c for c in text
    )[:1000]


def _decoded(name: str) -> str:
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that did not come from undecodable bytes
        raw = name.encode("utf-8", "replace")
    return raw.decode("utf-8", "replace")
