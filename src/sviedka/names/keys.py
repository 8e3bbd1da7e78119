"""Search keys: one script-independent token per word of a name.

``search_keys("Алесь Бяляцкі") == search_keys("Ales Bialiatski") == ["alas", "balack"]``. A
known given name gets the key of its name (Ганна and Anna share one); a patronymic gets its
father's name's key and a gender ending (Мікалаевіч = Nikolayevich); any other word gets its
skeleton
(:func:`~sviedka.names.phonetic.skeleton`). One-letter words (initials) get no key: a query
"А. Бяляцкі" looks for "balack" alone. The text is unmasked first
(:func:`~sviedka.names.confusables.unmask`): "Аlеs Віаlіаtskі" in look-alike letters, or Алесь
cut by a zero-width space, has the keys of its plain spelling.

Keys are derived data: when the rules or the vocabulary change, ``KEYS_VERSION`` changes and an
index built from keys must be rebuilt.
"""

from __future__ import annotations

from .confusables import unmask
from .phonetic import is_lacinka, skeleton, words
from .vocabulary import given_name, patronymic

__all__ = ["KEYS_VERSION", "search_keys", "word_key"]

KEYS_VERSION = 4  # 4: invisible characters dropped, look-alike letters folded (unmask)


def word_key(word: str, lacinka: bool | None = None) -> str:
    """The key of one word ("" for a word with no letters we can read).

    ``lacinka``: whether the text the word comes from is in Łacinka (see :func:`.phonetic`).
    """
    name = given_name(word, lacinka)
    if name is not None:
        return name.key
    father = patronymic(word, lacinka)
    return father.key if father is not None else skeleton(word, lacinka)


def search_keys(text: str) -> list[str]:
    """The distinct keys of the words of ``text``, in order; deterministic, lower-case ASCII."""
    keys: list[str] = []
    text = unmask(text)
    lacinka = is_lacinka(text)
    for word in words(text):
        if len(word) < 2:
            continue
        key = word_key(word, lacinka)
        if key and key not in keys:
            keys.append(key)
    return keys
