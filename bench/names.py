"""Name-matching accuracy: precision, recall and F1 of ``sviedka.names.name_similarity``.

Three labelled sets, each scored by our matcher and, when ``nomenklatura`` is installed (the
``dev`` extra), by OpenSanctions' LogicV2 in the same run:

1. ``nomenklatura-name-bench/cases.csv`` — 826 labelled pairs from OpenSanctions (persons,
   companies, vessels; 19 with Cyrillic). Split by a hash of the pair into a *dev* half (the
   rules were tuned looking at it) and a *held-out* half (only ever scored); both are printed.
2. RuPEP, Belarus-related persons — each person's Russian Cyrillic name against RuPEP's own
   Latin (recall), and hard negatives: a person's Russian name against the Latin name of
   another RuPEP person with the same given name and patronymic but another surname
   (false-positive rate).
3. A Belarusian ↔ Russian ↔ Latin set built from ``sviedka/names/data`` (surnames with their
   Russian and passport forms, given names): positives are one person's forms in different
   scripts and systems; negatives are the nearest other surname with the same given name, the
   same surname with another given name (siblings, spouses), and a random other person.

    .venv/bin/python bench/names.py                 # all three, ours and LogicV2
    .venv/bin/python bench/names.py --threshold 0.75 --no-logic
    .venv/bin/python bench/names.py --errors 20     # also print the worst misses per set

See ``docs/names.md`` for the figures and what was tuned on what.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sviedka.names import MATCH_THRESHOLD, name_similarity
from sviedka.names.data.surnames import SURNAMES
from sviedka.names.romanise import romanise
from sviedka.names.vocabulary import GivenName, given_names

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
BELARUS = re.compile(r"Беларус|Минск|Гомел|Гродн|Витеб|Могил|Брест|Belarus|Minsk")


@dataclass(frozen=True)
class Case:
    left: str
    right: str
    match: bool
    schema: str = "Person"
    part: str = ""  # the kind of pair

    @property
    def half(self) -> str:
        """ "dev" (tuned on) or "held-out" (only scored), by a hash of the pair."""
        digest = hashlib.sha256(f"{self.left}|{self.right}".encode()).digest()
        return "dev" if digest[0] % 2 == 0 else "held-out"


def nomenklatura_cases() -> list[Case]:
    path = DATA / "nomenklatura-name-bench" / "cases.csv"
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [
        Case(r["name1"], r["name2"], r["is_match"] == "true", r["schema"], r["case_group"])
        for r in rows
    ]


def rupep_rows() -> list[tuple[str, str, bool]]:
    """(Latin name, Russian name, Belarus-related) for every RuPEP row."""
    path = DATA / "rupep-ru-by" / "ru_bl_peps_parsed.csv"
    with path.open(encoding="utf-8") as fh:
        reader = csv.reader(fh)
        next(reader)  # the header fuses the last two names (see SOURCE.txt)
        return [
            (row[0].strip(), row[1].strip(), bool(BELARUS.search(" ".join(row[4:]))))
            for row in reader
            if len(row) >= 6 and row[0].strip() and row[1].strip()
        ]


def rupep_cases() -> list[Case]:
    rows = rupep_rows()
    belarus = [(en, ru) for en, ru, by in rows if by]
    cases = [Case(ru, en, True, part="same person") for en, ru in dict.fromkeys(belarus)]
    by_given: dict[tuple[str, str], list[tuple[str, str, str]]] = defaultdict(list)
    for en, ru, _ in rows:
        words = ru.replace("ё", "е").split()
        if len(words) == 3:
            by_given[(words[0], words[1])].append((words[2], en, ru))
    rng = random.Random(8)
    for _, ru in dict.fromkeys(belarus):
        words = ru.replace("ё", "е").split()
        if len(words) != 3:
            continue
        others = [o for o in by_given[(words[0], words[1])] if o[0] != words[2]]
        for _, other_en, _ in rng.sample(others, min(3, len(others))):
            cases.append(Case(ru, other_en, False, part="hard negative"))
    return cases


@dataclass(frozen=True)
class Surname:
    be: str
    ru: str
    latin: str

    @property
    def gender(self) -> str:
        return "f" if self.ru.endswith(("ая", "ова", "ева", "ёва", "ина", "ына")) else "m"


def surnames() -> list[Surname]:
    return [Surname(*line.split("|")) for line in SURNAMES.strip().splitlines()]


def _person_forms(given: GivenName, surname: Surname) -> dict[str, str]:
    be, ru = f"{given.be} {surname.be}", f"{surname.ru} {given.ru}"
    return {
        "be": be,
        "ru family-first": ru,
        "passport": f"{romanise(given.be, 'passport-be')} {surname.latin}",
        "bgn-ru": romanise(f"{given.ru} {surname.ru}", "bgn-ru"),
        "national": romanise(be, "national-be"),
        "lacinka": romanise(be, "lacinka-be"),
        "bgn-be": romanise(be, "bgn-be"),
        "initial": f"{given.be[0]}. {surname.be}",
    }


_POSITIVE_PAIRS = [
    ("be", "ru family-first"),
    ("be", "passport"),
    ("ru family-first", "passport"),
    ("be", "bgn-ru"),
    ("ru family-first", "national"),
    ("passport", "bgn-ru"),
    ("lacinka", "ru family-first"),
    ("bgn-be", "bgn-ru"),
    ("initial", "ru family-first"),
]


def vocabulary_cases() -> list[Case]:
    rng = random.Random(8)
    names = {g: [n for n in given_names() if n.gender == g] for g in "mf"}
    people = [(rng.choice(names[s.gender]), s) for s in surnames()]
    cases = []
    for given, surname in people:
        forms = _person_forms(given, surname)
        cases += [Case(forms[a], forms[b], True, part=f"{a} / {b}") for a, b in _POSITIVE_PAIRS]
        cases += _negatives(rng, given, surname, people, names)
    return cases


def _negatives(
    rng: random.Random,
    given: GivenName,
    surname: Surname,
    people: list[tuple[GivenName, Surname]],
    names: dict[str, list[GivenName]],
) -> Iterator[Case]:
    forms = _person_forms(given, surname)
    near = _nearest(surname, [s for s in surnames() if s.gender == surname.gender])
    other = _person_forms(given, near)
    yield Case(forms["be"], other["ru family-first"], False, part="same given, near surname")
    yield Case(forms["passport"], other["bgn-ru"], False, part="same given, near surname")
    sibling = rng.choice([n for n in names[given.gender] if n != given])
    yield Case(
        forms["ru family-first"],
        _person_forms(sibling, surname)["passport"],
        False,
        part="same surname, other given",
    )
    stranger_given, stranger = rng.choice([p for p in people if p[1] != surname])
    yield Case(
        forms["be"], _person_forms(stranger_given, stranger)["passport"], False, part="random"
    )


def _nearest(surname: Surname, pool: list[Surname]) -> Surname:
    from rapidfuzz.distance import Levenshtein

    others = [s for s in pool if s.latin != surname.latin and s.ru != surname.ru]
    return max(others, key=lambda s: Levenshtein.normalized_similarity(s.latin, surname.latin))


# -- scorers ----------------------------------------------------------------------------------


def ours(case: Case) -> float:
    return name_similarity(case.left, case.right)


def logic_v2() -> Callable[[Case], float] | None:
    try:
        from followthemoney import model
        from nomenklatura.matching import get_algorithm
    except ImportError:
        return None
    algorithm = get_algorithm("logic-v2")
    assert algorithm is not None
    config = algorithm.default_config()
    counter = iter(range(10**9))

    def entity(schema: str, name: str):  # type: ignore[no-untyped-def]
        proxy = model.make_entity(schema)
        proxy.id = f"e{next(counter)}"  # entities are cached by id: every one must be new
        proxy.add("name", name)
        return proxy

    def score(case: Case) -> float:
        left, right = entity(case.schema, case.left), entity(case.schema, case.right)
        return float(algorithm.compare(left, right, config).score)

    return score


# -- figures ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    n: int
    precision: float
    recall: float
    f1: float
    fpr: float
    seconds: float


def figures(cases: list[Case], scores: list[float], threshold: float, seconds: float) -> Figures:
    tp = sum(1 for c, s in zip(cases, scores, strict=True) if c.match and s >= threshold)
    fp = sum(1 for c, s in zip(cases, scores, strict=True) if not c.match and s >= threshold)
    fn = sum(1 for c, s in zip(cases, scores, strict=True) if c.match and s < threshold)
    negatives = sum(1 for c in cases if not c.match)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Figures(len(cases), precision, recall, f1, fp / negatives if negatives else 0.0, seconds)


def run(scorer: Callable[[Case], float], cases: list[Case]) -> tuple[list[float], float]:
    start = time.perf_counter()
    scores = [scorer(c) for c in cases]
    return scores, time.perf_counter() - start


def _row(label: str, f: Figures | None) -> str:
    if f is None:
        return f"{label:<10} {'(not installed)':>40}"
    per_pair = f"{f.seconds * 1000 / max(f.n, 1):>7.2f}" if f.seconds else ""
    return (
        f"{label:<10} {f.n:>5} {f.precision:>6.3f} {f.recall:>6.3f} {f.f1:>6.3f} "
        f"{f.fpr:>6.4f} {per_pair}"
    )


def report(
    title: str,
    cases: list[Case],
    scorers: dict[str, Callable[[Case], float] | None],
    thresholds: dict[str, float],
    errors: int,
) -> None:
    print(f"\n{title}")
    print(f"{'':<10} {'n':>5} {'P':>6} {'R':>6} {'F1':>6} {'FPR':>6} {'ms/pair':>7}")
    for name, scorer in scorers.items():
        if scorer is None:
            print(_row(name, None))
            continue
        scores, seconds = run(scorer, cases)
        print(_row(name, figures(cases, scores, thresholds[name], seconds)))
        for half in ("dev", "held-out"):
            idx = [i for i, c in enumerate(cases) if c.half == half]
            sub = figures([cases[i] for i in idx], [scores[i] for i in idx], thresholds[name], 0)
            print(_row(f"  {half}", sub))
        if errors and name == "ours":
            _print_errors(cases, scores, thresholds[name], errors)


def _print_errors(cases: list[Case], scores: list[float], threshold: float, n: int) -> None:
    wrong = [
        (abs(s - threshold), c, s)
        for c, s in zip(cases, scores, strict=True)
        if (s >= threshold) != c.match
    ]
    for _, case, score in sorted(wrong, key=lambda x: -x[0])[:n]:
        label = "FN" if case.match else "FP"
        print(f"    {label} {score:.3f} {case.left!r} / {case.right!r} [{case.part}, {case.half}]")


# -- tuning ----------------------------------------------------------------------------------

GRID = {
    "clash_same": (0.7, 0.8),
    "steep_same": (2.0, 3.0),
    "clash_cross": (0.8, 0.85, 0.9),
    "steep_cross": (4.0, 8.0),
    "first_letter": (0.0, 0.1),
    "both_lone": (0.5,),
    "missing_other": (0.3,),
}


def tune(threshold: float) -> int:
    """Grid search over ``GRID`` on the dev halves; the held-out halves are not looked at.

    Objective: the sum of the nomenklatura and vocabulary F1, among settings that keep RuPEP's
    dev recall ≥ 0.995 and hard-negative false-positive rate ≤ 0.008 (a margin under 0.01).
    """
    from dataclasses import replace
    from itertools import product

    from sviedka.names.parse import Kind
    from sviedka.names.score import TUNING

    dev = {
        key: [c for c in load() if c.half == "dev"]
        for key, load in (
            ("nomenklatura", nomenklatura_cases),
            ("rupep", rupep_cases),
            ("vocabulary", vocabulary_cases),
        )
    }
    results = []
    for values in product(*GRID.values()):
        setting = dict(zip(GRID, values, strict=True))
        missing = {**TUNING.missing, Kind.OTHER: setting.pop("missing_other")}
        tuning = replace(TUNING, missing=missing, **setting)
        f = {
            key: figures(cases, [name_similarity(c.left, c.right, tuning) for c in cases],
                         threshold, 0)
            for key, cases in dev.items()
        }  # fmt: skip
        ok = f["rupep"].recall >= 0.995 and f["rupep"].fpr <= 0.008
        results.append((ok, f["nomenklatura"].f1 + f["vocabulary"].f1, values, f))
    results.sort(key=lambda r: (r[0], r[1]), reverse=True)
    print("ok  objective  " + "  ".join(GRID) + "   nk-F1 voc-F1 rupep-R rupep-FPR")
    for ok, objective, values, f in results[:15]:
        print(
            f"{ok!s:<5} {objective:.3f}  {values}  {f['nomenklatura'].f1:.3f} "
            f"{f['vocabulary'].f1:.3f} {f['rupep'].recall:.3f} {f['rupep'].fpr:.4f}"
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threshold", type=float, default=MATCH_THRESHOLD)
    parser.add_argument("--no-logic", action="store_true", help="skip LogicV2")
    parser.add_argument("--errors", type=int, default=0, help="print the N worst misses")
    parser.add_argument("--sets", default="nomenklatura,rupep,vocabulary")
    parser.add_argument("--tune", action="store_true", help="search TUNING on the dev halves")
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        print(f"no shared data at {DATA}", file=sys.stderr)
        return 1
    if args.tune:
        return tune(args.threshold)
    scorers: dict[str, Callable[[Case], float] | None] = {"ours": ours}
    if not args.no_logic:
        scorers["LogicV2"] = logic_v2()
    thresholds = {"ours": args.threshold, "LogicV2": 0.7}
    print(f"threshold: ours {args.threshold}, LogicV2 0.7 (its own)")
    sets = {
        "nomenklatura": ("nomenklatura name bench", nomenklatura_cases),
        "rupep": ("RuPEP Belarus-related: Russian Cyrillic vs RuPEP Latin", rupep_cases),
        "vocabulary": ("Belarusian / Russian / Latin set from the vocabulary", vocabulary_cases),
    }
    for key in args.sets.split(","):
        title, load = sets[key]
        cases = load()
        report(title, cases, scorers, thresholds, args.errors)
        if key == "rupep":
            for part in ("same person", "hard negative"):
                subset = [c for c in cases if c.part == part]
                report(f"  RuPEP {part}s", subset, scorers, thresholds, args.errors)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
