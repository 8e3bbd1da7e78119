"""Write the SYNTHETIC sample list: a few hundred invented people in the shape of Viasna's export.

    .venv/bin/python tools/make_sample_list.py   # src/sviedka/data/sample/viasna-sample.csv

Everything is drawn from ``random.Random(SEED)``, so the file is the same on every run. The people,
judges and prosecutors are invented; the facilities are real Belarusian SIZOs, colonies and prisons,
named as lists name them. Every row says "SYNTHETIC" in its ``note`` column; the deliberately dirty
rows say what is wrong with them and whether the importer accepts or rejects them
(docs/import.md lists them). Dates are coherent (birth < arrest < verdict < release) except in the
dirty rows.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

SEED = 1962
PERSONS = 300
OUT = (
    Path(__file__).resolve().parents[1]
    / "src"
    / "sviedka"
    / "data"
    / "sample"
    / "viasna-sample.csv"
)
TODAY = date(2025, 10, 1)  # the list's "as of" date: nothing in it is later
FIRST_ARREST, LAST_ARREST = date(2020, 8, 9), date(2025, 6, 30)
HEADER = [
    "id", "url", "name", "status", "birthday", "gender", "arrested", "articles", "verdict_date",
    "decision", "penalty", "judge", "prosecutor", "prison", "declaration", "release_date", "died",
    "note",
]  # fmt: skip
NOTE = "SYNTHETIC sample row (invented person)"

MALE = [
    ("Сергей", "Сяргей"),
    ("Александр", "Аляксандр"),
    ("Дмитрий", "Дзмітрый"),
    ("Андрей", "Андрэй"),
    ("Николай", "Мікалай"),
    ("Игорь", "Ігар"),
    ("Максим", "Максім"),
    ("Павел", "Павел"),
    ("Виктор", "Віктар"),
    ("Юрий", "Юрый"),
    ("Олег", "Алег"),
    ("Денис", "Дзяніс"),
    ("Кирилл", "Кірыл"),
    ("Антон", "Антон"),
    ("Роман", "Раман"),
]
FEMALE = [
    ("Ольга", "Вольга"),
    ("Анна", "Ганна"),
    ("Елена", "Алена"),
    ("Наталья", "Наталля"),
    ("Татьяна", "Таццяна"),
    ("Екатерина", "Кацярына"),
    ("Ирина", "Ірына"),
    ("Мария", "Марыя"),
    ("Светлана", "Святлана"),
    ("Юлия", "Юлія"),
]
# Father's name: (ru male, ru female, be male, be female).
FATHERS = [
    ("Николаевич", "Николаевна", "Мікалаевіч", "Мікалаеўна"),
    ("Сергеевич", "Сергеевна", "Сяргеевіч", "Сяргееўна"),
    ("Викторович", "Викторовна", "Віктаравіч", "Віктараўна"),
    ("Иванович", "Ивановна", "Іванавіч", "Іванаўна"),
    ("Петрович", "Петровна", "Пятровіч", "Пятроўна"),
    ("Михайлович", "Михайловна", "Міхайлавіч", "Міхайлаўна"),
]
# Surnames: (ru male, ru female, be male, be female).
SURNAMES = [
    ("Коваленко", "Коваленко", "Каваленка", "Каваленка"),
    ("Шевчук", "Шевчук", "Шаўчук", "Шаўчук"),
    ("Новик", "Новик", "Новік", "Новік"),
    ("Козлов", "Козлова", "Казлоў", "Казлова"),
    ("Жук", "Жук", "Жук", "Жук"),
    ("Лукашевич", "Лукашевич", "Лукашэвіч", "Лукашэвіч"),
    ("Бондаренко", "Бондаренко", "Бандарэнка", "Бандарэнка"),
    ("Макаревич", "Макаревич", "Макарэвіч", "Макарэвіч"),
    ("Пашкевич", "Пашкевич", "Пашкевіч", "Пашкевіч"),
    ("Зайцев", "Зайцева", "Зайцаў", "Зайцава"),
    ("Гурский", "Гурская", "Гурскі", "Гурская"),
    ("Богданович", "Богданович", "Багдановіч", "Багдановіч"),
    ("Дубовский", "Дубовская", "Дубоўскі", "Дубоўская"),
    ("Карпенко", "Карпенко", "Карпенка", "Карпенка"),
    ("Сенкевич", "Сенкевич", "Сянкевіч", "Сянкевіч"),
    ("Мельник", "Мельник", "Мельнік", "Мельнік"),
]
JUDGES = [
    "Прокопчук И.В.",
    "Ярошевич А.Н.",
    "Литвинович Е.С.",
    "Сердюк О.М.",
    "Кравченко Д.А.",
    "Мазуренко Т.И.",
    "Рогович В.П.",
    "Цыбулько Н.Н.",
    "Абрамчик Л.К.",
    "Веремейчик С.Г.",
]
PROSECUTORS = [
    "Гончарик П.С.",
    "Лещинская М.А.",
    "Федорович К.К.",
    "Стасевич Р.Л.",
    "Юшкевич Г.В.",
    "Дроздович А.А.",
]
SIZOS = [
    "СИЗО №1 г. Минск",
    "СИЗО №8 г. Жодино",
    "СИЗО №3 г. Гомель",
    "СИЗО №7 г. Брест",
    "СИЗО №2 г. Витебск",
    "СИЗО №1 г. Гродно",
    "СИЗО №4 г. Могилёв",
    "СИЗО КГБ г. Минск",
]
COLONIES = [
    "ИК-15 г. Могилёв",
    "ИК-2 г. Бобруйск",
    "ИК-3 Витьба",
    "ИК-9 г. Горки",
    "ИК-1 г. Новополоцк",
    "ИК-17 г. Шклов",
    "ИК-22 Ивацевичи",
    "ИК-13 г. Глубокое",
    "ИК-11 г. Волковыск",
    "ИК-20 г. Мозырь",
]
WOMEN_COLONY = "ИК-4 г. Гомель"
PRISONS = ["Тюрьма №4 г. Могилёв", "Тюрьма №8 г. Жодино", "Тюрьма №1 г. Гродно"]
# Article, its parts (None: no parts), weight.
ARTICLES = [("342", (1, 2), 40), ("130", (1, 3), 12), ("369", (None,), 10),
            ("361-1", (1, 2, 3), 6), ("361-4", (None,), 4), ("368", (1,), 5), ("364", (None,), 5),
            ("293", (1, 2), 4), ("339", (1, 2), 5), ("361", (1, 3), 3), ("411", (None,), 2),
            ("289", (1,), 2), ("356", (None,), 2)]  # fmt: skip
TERMS = [
    (12, 6),
    (18, 8),
    (24, 12),
    (30, 8),
    (36, 12),
    (42, 6),
    (48, 8),
    (60, 8),
    (72, 5),
    (84, 4),
    (96, 3),
    (120, 2),
    (144, 1),
    (180, 1),
]  # (months, weight)
RU_MONTHS = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
]
BE_MONTHS = ["студзеня", "лютага", "сакавіка", "красавіка", "траўня", "чэрвеня", "ліпеня",
             "жніўня", "верасня", "кастрычніка", "лістапада", "снежня"]  # fmt: skip


@dataclass
class Row:
    cells: dict[str, str] = field(default_factory=dict)
    extra: list[str] = field(default_factory=list)  # cells past the header (a ragged row)
    short: bool = False  # written with fewer cells than the header


def main() -> None:
    rng = random.Random(SEED)
    ids = sorted(rng.sample(range(100, 9000), PERSONS))
    rows = [_row(rng, i) for i in ids]
    _dirty(rng, rows)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(HEADER)
        for number, row in enumerate(rows):
            if number == 150:
                writer.writerow([])  # a blank line, as exports sometimes have
            cells = [row.cells.get(h, "") for h in HEADER]
            writer.writerow(cells[:-3] if row.short else cells + row.extra)
    print(f"wrote {len(rows)} rows to {OUT}")


def _row(rng: random.Random, list_id: int) -> Row:
    female = rng.random() < 0.25
    be = rng.random() < 0.2  # most of Viasna's names are in Russian, some in Belarusian
    cells = {"id": str(list_id), "url": f"https://sample.invalid/prisoners/{list_id}"}
    cells["name"] = _name(rng, female, be)
    cells["gender"] = rng.choice(["f", "f", "ж"] if female else ["m", "m", "м"])
    born = date(rng.randint(1955, 2003), rng.randint(1, 12), rng.randint(1, 28))
    cells["birthday"] = str(born.year) if rng.random() < 0.1 else _dmy(born)
    arrested = FIRST_ARREST + timedelta(days=rng.randint(0, (LAST_ARREST - FIRST_ARREST).days))
    cells["arrested"] = _arrest_text(rng, arrested)
    cells["articles"] = _articles(rng)
    cells["declaration"] = f"https://sample.invalid/declarations/{arrested.year}-{list_id}"
    cells["note"] = NOTE
    status = rng.choices(["active", "former", "np"], weights=[55, 40, 5])[0]
    cells["status"] = status
    _course(rng, cells, status, arrested, female)
    if status == "np":
        cells["declaration"] = ""
    return Row(cells)


def _name(rng: random.Random, female: bool, be: bool) -> str:
    given = rng.choice(FEMALE if female else MALE)[1 if be else 0]
    father = rng.choice(FATHERS)[2 * be + female]
    family = rng.choice(SURNAMES)[2 * be + female]
    return f"{family} {given} {father}"


def _dmy(day: date) -> str:
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


def _arrest_text(rng: random.Random, day: date) -> str:
    style = rng.random()
    if style < 0.08:
        return f"{day.month:02d}.{day.year}"  # only the month is known
    if style < 0.12:
        return f"{day.day} {RU_MONTHS[day.month - 1]} {day.year}"
    if style < 0.15:
        return f"{day.day} {BE_MONTHS[day.month - 1]} {day.year}"
    if style < 0.2:
        return day.isoformat()
    return _dmy(day)


def _articles(rng: random.Random) -> str:
    codes, parts, weights = zip(*ARTICLES, strict=True)
    picked = rng.choices(range(len(codes)), weights=weights, k=rng.choice([1, 1, 1, 2]))
    charges = [(codes[i], rng.choice(parts[i])) for i in dict.fromkeys(picked)]
    style = rng.choice(["after", "after", "before", "art", "st"])
    return "; ".join(_charge(code, part, style) for code, part in charges)


def _charge(code: str, part: int | None, style: str) -> str:
    if part is None:
        return {"art": f"Art. {code}", "st": f"ст. {code}"}.get(style, code)
    return {
        "after": f"{code} ч.{part}",
        "before": f"ч. {part} ст. {code}",
        "art": f"Art. {code} part {part}",
        "st": f"ст.{code} ч.{part}",
    }[style]


def _course(
    rng: random.Random, cells: dict[str, str], status: str, arrested: date, female: bool
) -> None:
    """Verdict, sentence, facility and release, coherent with the status."""
    verdict = arrested + timedelta(days=rng.randint(45, 330))
    if verdict > TODAY:  # still awaiting trial, in a SIZO
        cells["prison"] = rng.choice(SIZOS)
        if status != "active":
            cells["status"] = "active"
        return
    _verdict(rng, cells, verdict)
    months = _months(cells.get("decision", ""))
    custodial = (
        "колони" in cells["decision"] or "ИК" in cells["decision"] or "тюрьм" in cells["decision"]
    )
    if status == "active" and custodial and _add_months(arrested, months) <= TODAY:
        status = cells["status"] = "former"  # the term is over: released by now
    if status == "active" and custodial:
        prison = (
            rng.choice(PRISONS)
            if "тюрьм" in cells["decision"]
            else (WOMEN_COLONY if female else rng.choice(COLONIES))
        )
        cells["prison"] = prison
        return
    if status == "active":  # a non-custodial sentence not yet served
        cells["prison"] = "at liberty before serving sentence"
        return
    _release(rng, cells, arrested, verdict, months, custodial, female)


def _verdict(rng: random.Random, cells: dict[str, str], verdict: date) -> None:
    cells["verdict_date"] = verdict.isoformat() if rng.random() < 0.15 else _dmy(verdict)
    cells["judge"] = rng.choice(JUDGES)
    cells["prosecutor"] = rng.choice(PROSECUTORS) if rng.random() < 0.8 else ""
    months = rng.choices([t for t, _ in TERMS], weights=[w for _, w in TERMS])[0]
    kind = rng.random()
    term = _term_text(months)
    if kind < 0.55:
        cells["decision"] = f"{term} колонии общего режима"
    elif kind < 0.7:
        cells["decision"] = f"{term} ИК усиленного режима"
    elif kind < 0.75:
        cells["decision"] = f"{term} пазбаўлення волі ў калоніі ўзмоцненага рэжыму"
    elif kind < 0.78:
        cells["decision"] = f"{term} тюрьмы"
    elif kind < 0.9:
        cells["decision"] = (
            f"{_term_text(min(months, 36))} ограничения свободы с направлением в ИУОТ"
        )
    elif kind < 0.95:
        cells["decision"] = f"{_term_text(min(months, 36))} домашней химии"
    else:
        cells["decision"] = "штраф"
    if rng.random() < 0.1:
        cells["penalty"] = f"штраф {rng.choice([50, 100, 200, 300])} базовых величин"


def _release(
    rng: random.Random,
    cells: dict[str, str],
    arrested: date,
    verdict: date,
    months: int,
    custodial: bool,
    female: bool,
) -> None:
    if not custodial:  # released at the verdict
        cells["release_date"] = _dmy(verdict)
        cells["prison"] = rng.choice(["освобожден", "released"])
        return
    served = _add_months(arrested, months)
    if rng.random() < 0.03:  # died in custody
        died = verdict + timedelta(
            days=rng.randint(30, max(31, (min(served, TODAY) - verdict).days))
        )
        cells["died"] = _dmy(min(died, TODAY))
        cells["prison"] = WOMEN_COLONY if female else rng.choice(COLONIES)
        return
    if served <= TODAY and rng.random() < 0.7:
        released, said = served, rng.choice(["освобожден", "released", "освобожден"])
    else:
        early = verdict + timedelta(
            days=rng.randint(30, max(31, (min(served, TODAY) - verdict).days))
        )
        released, said = min(early, TODAY), rng.choice(["помилован", "pardoned", "deported"])
    if rng.random() < 0.12:  # some lists keep the last facility and give the release date
        said = WOMEN_COLONY if female else rng.choice(COLONIES)
    cells["release_date"] = (
        _dmy(released) if rng.random() < 0.9 else f"{released.month:02d}.{released.year}"
    )
    cells["prison"] = said


def _months(decision: str) -> int:
    for months, _ in sorted(TERMS, reverse=True):
        if decision.startswith(_term_text(months) + " "):
            return months
    return 0


def _term_text(months: int) -> str:
    years, rest = divmod(months, 12)
    word = "год" if years == 1 else "года" if 2 <= years <= 4 else "лет"
    text = f"{years} {word}" if years else ""
    if rest:
        text = f"{years} г. {rest} мес." if years else f"{rest} мес."
    return text


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, min(day.day, 28))


DIRTY = [
    ("arrested", "31.02.2021", "impossible date; rejected on import"),
    ("verdict_date", "2021-13", "impossible month; rejected on import"),
    ("articles", "999 ч.1", "unknown article; rejected on import"),
    ("birthday", "12.03.84", "two-digit year; rejected on import"),
    ("gender", "?", "unknown gender; rejected on import"),
    ("release_date", "01.01.2019", "release before the arrest; rejected on import"),
    ("name", "", "no name; rejected on import"),
    ("arrested", "сентябрь 2021", "month name, nominative; accepted on import"),
    ("articles", "ст.342 ч.2; 130 ч.3", "two articles, mixed spellings; accepted on import"),
    ("status", " Active ", "status with spaces and a capital; accepted on import"),
]


def _dirty(rng: random.Random, rows: list[Row]) -> None:
    """Spoil a few rows on purpose, each saying so in its note."""
    picked = rng.sample(range(20, len(rows) - 20), len(DIRTY) + 4)
    for index, (column, value, what) in zip(picked, DIRTY, strict=False):
        row = rows[index]
        row.cells[column] = value
        row.cells["note"] = f"{NOTE}; deliberately dirty: {what}"
    more = picked[len(DIRTY) :]
    trailing = rows[more[0]]
    trailing.cells["name"] = f"  {trailing.cells['name']}   "
    trailing.cells["articles"] += "  "
    trailing.cells["note"] = f"{NOTE}; deliberately dirty: trailing spaces; accepted on import"
    ragged = rows[more[1]]
    ragged.extra = ["unexpected"]
    ragged.cells["note"] = f"{NOTE}; deliberately dirty: a cell past the header; rejected on import"
    short = rows[more[2]]
    short.short = True  # drops release_date, died and note: the note cannot say it, docs do
    duplicate = rows[more[3]]
    first = rows[more[3] - 1]
    duplicate.cells["id"] = first.cells["id"]
    duplicate.cells["url"] = first.cells["url"]
    duplicate.cells["note"] = f"{NOTE}; deliberately dirty: duplicate id; rejected on import"


if __name__ == "__main__":
    main()
