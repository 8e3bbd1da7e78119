"""How alike two names are, 0..1, whatever their scripts and word order.

1. Each name is parsed into parts (:mod:`.parse`): given names, patronymics, initials,
   particles and other words (surnames, mostly).
2. Every part of one name is compared with every part of the other (:func:`part_similarity`):
   the same given name in any language is 1; an initial that fits a word ``initial``; other
   words by edit distance over their folded forms (:func:`~.phonetic.fold`: be/ru vowel
   correspondences removed), ``folded`` when they differ only by such correspondences.
3. Parts are paired greedily, best pair first: word order does not matter.
4. The score is the weighted mean over the pairs, a word one side has and the other lacks
   costing part of its weight — nothing for a patronymic or particle, which one side often
   omits. Then every paired name word that clearly differs (below ``clash``) multiplies the
   score by ``(similarity / clash) ** steep``: "Сергей Иванович Петров" is not "Сергей
   Иванович Сидоров" however much else agrees, nor Данченко Панченко.

The numbers in :data:`TUNING` were chosen on the *dev* halves of the benchmark sets
(``bench/names.py --tune``); the held-out halves were only scored. See ``docs/names.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz.distance import OSA, Levenshtein

from .parse import Kind, Part, initials, joined, parse
from .phonetic import fold

__all__ = [
    "MATCH_THRESHOLD",
    "TUNING",
    "Match",
    "Tuning",
    "match_names",
    "name_similarity",
    "part_similarity",
]

MATCH_THRESHOLD = 0.7


@dataclass(frozen=True)
class Tuning:
    folded: float = 0.97  # words equal once be/ru vowel correspondences are folded
    initial: float = 0.9  # an initial that fits the word
    other_given: float = 0.3  # two different known given names (by spelling, at most this)
    # A paired name word below ``clash`` is a different word and multiplies the score by
    # (similarity / clash) ** steep. When the two names are written alike — one script, every
    # other word spelt the same — the difference may be a slip of the keyboard (Angela Merkle):
    # lenient (``_same``). Otherwise the names were transliterated or converted between
    # languages, which the folding explains, so what is left is a real difference: strict.
    clash_cross: float = 0.9
    steep_cross: float = 8.0
    clash_same: float = 0.7
    steep_same: float = 2.0
    first_letter: float = 0.1  # taken off when words differ in their first letter
    # Name words left unpaired on *both* sides are words that differ (Abdul / Wali): each such
    # couple multiplies the score by this.
    both_lone: float = 0.5
    weight: dict[Kind, float] = field(
        default_factory=lambda: {
            Kind.OTHER: 1.0,
            Kind.GIVEN: 0.8,
            Kind.PATRONYMIC: 0.5,
            Kind.INITIAL: 0.3,
            Kind.PARTICLE: 0.2,
        }
    )
    missing: dict[Kind, float] = field(  # a lone word costs this share of its weight
        default_factory=lambda: {
            Kind.OTHER: 0.3,
            Kind.GIVEN: 0.5,
            Kind.PATRONYMIC: 0.0,
            Kind.INITIAL: 0.2,
            Kind.PARTICLE: 0.0,
        }
    )


TUNING = Tuning()


@dataclass(frozen=True)
class Match:
    score: float
    left: str
    right: str
    why: tuple[str, ...]


def _spelling(a: str, b: str, tuning: Tuning) -> float:
    if a == b:
        return 1.0
    fa, fb = fold(a), fold(b)
    if fa == fb:
        return tuning.folded
    similarity = OSA.normalized_similarity(fa, fb)  # a swap of two letters is one slip
    if fa[:1] != fb[:1]:
        similarity -= tuning.first_letter
    return max(similarity, 0.0)


def part_similarity(a: Part, b: Part, tuning: Tuning = TUNING) -> float:
    """How alike two parts are (0 when they cannot be the same part at all)."""
    if Kind.INITIAL in (a.kind, b.kind):
        if a.kind == b.kind:
            return 1.0 if initials(a) & initials(b) else 0.0
        full, initial = (b, a) if a.kind == Kind.INITIAL else (a, b)
        return tuning.initial if initials(initial) & initials(full) else 0.0
    if a.given is not None and b.given is not None:
        if a.given == b.given:
            return 1.0
        return tuning.other_given * _spelling(a.form, b.form, tuning)
    if {a.kind, b.kind} == {Kind.PATRONYMIC, Kind.GIVEN}:
        return 0.0
    if a.kind == b.kind == Kind.PATRONYMIC and a.key == b.key:
        return 1.0
    return _spelling(a.form, b.form, tuning)


Pair = tuple[int, int, float]


def _pairs(left: tuple[Part, ...], right: tuple[Part, ...], tuning: Tuning) -> list[Pair]:
    scored = [
        (i, j, part_similarity(a, b, tuning))
        for i, a in enumerate(left)
        for j, b in enumerate(right)
    ]
    scored.sort(key=lambda x: -x[2])
    used_l: set[int] = set()
    used_r: set[int] = set()
    chosen = []
    for i, j, s in scored:
        if i in used_l or j in used_r or s <= 0.0:
            continue
        used_l.add(i)
        used_r.add(j)
        chosen.append((i, j, s))
    return chosen


_NAMES = frozenset({Kind.OTHER, Kind.GIVEN, Kind.PATRONYMIC})
_LONE = _NAMES | {Kind.INITIAL}  # unpaired on both sides: the names differ there


def _is_name(a: Part, b: Part) -> bool:
    return a.kind in _NAMES and b.kind in _NAMES


def _clash(similarity: float, slip: bool, tuning: Tuning) -> float:
    clash = tuning.clash_same if slip else tuning.clash_cross
    steep = tuning.steep_same if slip else tuning.steep_cross
    return 1.0 if similarity >= clash else (similarity / clash) ** steep


def _score(
    left: tuple[Part, ...], right: tuple[Part, ...], tuning: Tuning
) -> tuple[float, list[Pair], list[Part]]:
    if not left or not right:
        return 0.0, [], []
    pairs = _pairs(left, right, tuning)
    weights = [max(tuning.weight[left[i].kind], tuning.weight[right[j].kind]) for i, j, _ in pairs]
    total = sum(w * s for w, (_, _, s) in zip(weights, pairs, strict=True))
    paired_l = {i for i, _, _ in pairs}
    paired_r = {j for _, j, _ in pairs}
    lone = [p for i, p in enumerate(left) if i not in paired_l]
    lone += [p for j, p in enumerate(right) if j not in paired_r]
    weight = sum(weights) + sum(tuning.weight[p.kind] * tuning.missing[p.kind] for p in lone)
    score = total / weight if weight else 0.0
    exact = [left[i].form == right[j].form for i, j, _ in pairs]
    for k, (i, j, s) in enumerate(pairs):
        if _is_name(left[i], right[j]):
            slip = left[i].script == right[j].script and all(exact[:k] + exact[k + 1 :])
            score *= _clash(s, slip, tuning)
    lone_l = sum(1 for i, p in enumerate(left) if i not in paired_l and p.kind in _LONE)
    lone_r = sum(1 for j, p in enumerate(right) if j not in paired_r and p.kind in _LONE)
    score *= tuning.both_lone ** min(lone_l, lone_r)
    return score, pairs, lone


def _joins(parts: tuple[Part, ...], other: tuple[Part, ...]) -> list[tuple[Part, ...]]:
    """``parts`` with two adjacent words joined, where the join spells a word of ``other``."""
    forms = [fold(p.form) for p in other]
    found = []
    for k in range(len(parts) - 1):
        merged = joined(parts[k], parts[k + 1])
        if any(Levenshtein.normalized_similarity(fold(merged.form), f) >= 0.8 for f in forms):
            found.append((*parts[:k], merged, *parts[k + 2 :]))
    return found


def _best(
    left: tuple[Part, ...], right: tuple[Part, ...], tuning: Tuning
) -> tuple[float, tuple[Part, ...], tuple[Part, ...], list[Pair], list[Part]]:
    """The best score over the names as written and with split words joined (SergeiLavrov)."""
    score, pairs, lone = _score(left, right, tuning)
    best = (score, left, right, pairs, lone)
    if len(left) == len(right) or score >= 0.95:
        return best
    longer, shorter = (left, right) if len(left) > len(right) else (right, left)
    for variant in _joins(longer, shorter):
        l2, r2 = (variant, shorter) if longer is left else (shorter, variant)
        score, pairs, lone = _score(l2, r2, tuning)
        if score > best[0]:
            best = (score, l2, r2, pairs, lone)
    return best


def _why(
    left: tuple[Part, ...], right: tuple[Part, ...], pairs: list[Pair], lone: list[Part]
) -> tuple[str, ...]:
    reasons = [f"{left[i].text} ~ {right[j].text} {s:.2f}" for i, j, s in pairs]
    reasons += [f"{p.text} unmatched" for p in lone]
    return tuple(reasons)


def name_similarity(a: str, b: str, tuning: Tuning = TUNING) -> float:
    """How alike two full names are, 0..1, across scripts and word orders."""
    return round(_best(parse(a), parse(b), tuning)[0], 4)


def match_names(a: Sequence[str], b: Sequence[str], tuning: Tuning = TUNING) -> Match:
    """The best-scoring pair of name forms between two people (each may have several forms).

    ``why`` lists each word pairing with its similarity and each unmatched word.
    """
    best = Match(0.0, "", "", ())
    for left in a:
        for right in b:
            score, pl, pr, pairs, lone = _best(parse(left), parse(right), tuning)
            if score > best.score:
                best = Match(round(score, 4), left, right, _why(pl, pr, pairs, lone))
    return best
