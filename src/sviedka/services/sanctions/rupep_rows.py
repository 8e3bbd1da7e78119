"""Reading one row of the RuPEP list (``ru_bl_peps_parsed.csv``), with its quirks.

The file (a scrape of rupep.org) has a header whose last two names are fused
(``LAST_POSITION_ENLAST_POSITION_RU``): six columns, the fifth being the position in English or,
for people without one, the category ("Family member"), the sixth the position in Russian,
"Organisation, title[, title…]". Quirks met in the real rows: zero-width spaces inside names,
no-break spaces, line breaks inside a position, an English position with its organisation missing
(", judge"), birth dates as dd.mm.yyyy, yyyy, mm.yyyy and dd.mm (no year: left out, with a
warning), organisation names that hold commas ("Комитет по труду, занятости и социальной защите
Витебского облисполкома, заместитель председателя").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...model import OrgKind, PartialDate

__all__ = [
    "BELARUS",
    "HEADER",
    "RupepRow",
    "belarus_related",
    "clean",
    "name_parts",
    "org_kind",
    "parse_birth_date",
    "parse_row",
    "split_like",
    "split_position",
]

HEADER = [
    "NAME_EN",
    "NAME_RU",
    "DOB",
    "TAXPAYER_NUM",
    "CATEGORY",
    "LAST_POSITION_ENLAST_POSITION_RU",
]
# A position is Belarus-related when it names the country, its capital or a regional centre, in
# Russian or English (both columns are searched: the English one sometimes lacks the place).
BELARUS = re.compile(
    r"Беларус|Белорус|Минск|Гомел|Гродн|Витеб|Могил|Брест"
    r"|Belarus|Minsk|Gomel|Homel|Grodno|Hrodna|Vitebsk|Viciebsk|Mogilev|Mahil|Brest",
)
_KINDS: tuple[tuple[OrgKind, str], ...] = (
    (OrgKind.SECURITY_SERVICE, r"КГБ|государственной безопасности"),
    (OrgKind.PROSECUTOR, r"прокуратур|^прокурор"),
    (OrgKind.INVESTIGATIVE_COMMITTEE, r"Следственн|\bУСК\b|^СУ\b"),
    (
        OrgKind.PENAL_FACILITY,
        r"исправительн|исполнения наказаний|\bДИН\b|СИЗО|следственный изолятор|колони|тюрьм",
    ),
    (OrgKind.POLICE, r"МВД|внутренних дел|милиц|ОМОН|\bУВД|\bОВД|РОВД|ГУБОП|быстрого реагирования"),
    (OrgKind.COURT, r"(^|\s)[Сс]уд\b|[Сс]уд\s|суда\b"),
    (
        OrgKind.MILITARY,
        r"Вооруж|войск|[Аа]рми|Генеральный штаб|воинская часть|[Вв]оенный комиссариат",
    ),
    (OrgKind.MEDIA, r"телерадио|Белтелерадио|газет|[Тт]елеканал|информационное агентство"),
    (OrgKind.COMPANY, r"^(ОАО|ООО|ЗАО|ОДО|УП|РУП|КУП|УК|ЧУП|СООО|ИООО|ИП)\b|^Совместное общество"),
    (
        OrgKind.GOVERNMENT,
        r"исполнительн|исполком|[Мм]инистерств|[Аа]дминистраци|[Сс]овет|Палата|Национального"
        r" собрания|комисси|таможн|[Кк]омитет|управлени|[Мм]ин[а-я]+ Республики|МЧС|Посольство",
    ),
    (OrgKind.POLITICAL_PARTY, r"\bпартия\b"),
)
_PATRONYMIC = re.compile(r"(вич|вна|чна|ична|оглы|кызы)$")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class RupepRow:
    row: int
    name_en: str
    name_ru: str
    birth: PartialDate | None
    organisation: str | None  # Russian
    organisation_en: str | None
    title: str | None  # Russian
    title_en: str | None
    warnings: tuple[str, ...] = ()


def clean(text: str) -> str:
    """Without zero-width characters, with one plain space for any run of whitespace."""
    text = text.replace("\u200b", "").replace("\ufeff", "").replace("\u00ad", "")
    return _SPACES.sub(" ", text).strip()


def belarus_related(cells: list[str]) -> bool:
    return len(cells) == len(HEADER) and bool(BELARUS.search(cells[4] + " " + cells[5]))


def parse_row(row: int, cells: list[str]) -> RupepRow:
    """One row as read; ``ValueError`` names what makes it unusable."""
    if len(cells) != len(HEADER):
        raise ValueError(f"has {len(cells)} columns, not {len(HEADER)}")
    name_en, name_ru, dob, _tax, en, ru = (clean(c) for c in cells)
    if not name_ru and not name_en:
        raise ValueError("has no name (NAME_EN and NAME_RU are empty)")
    birth, warnings = parse_birth_date(dob)
    org, title = split_position(ru)
    org_en, title_en = split_like(en, title)
    return RupepRow(row, name_en, name_ru, birth, org, org_en, title, title_en, warnings)


def parse_birth_date(text: str) -> tuple[PartialDate | None, tuple[str, ...]]:
    """dd.mm.yyyy, mm.yyyy or yyyy; anything else is left out with a warning."""
    if not text:
        return None, ()
    parts = text.split(".")
    if len(parts[-1]) == 4 and len(parts) <= 3 and all(p.isdigit() for p in parts):
        try:
            return PartialDate.parse("-".join(reversed(parts))), ()
        except ValueError:
            pass
    return None, (
        "the birth date (DOB) is not a whole date (dd.mm.yyyy, mm.yyyy or yyyy); left out",
    )


def split_position(text: str) -> tuple[str | None, str | None]:
    """ "Organisation, title, title" → (organisation, "title, title").

    Titles are written in lower case ("судья, председатель"); an organisation name starts with a
    capital and may hold commas. The title starts at the first part that starts in lower case and
    names no place in capitals ("занятости и социальной защите Витебского облисполкома" is still
    the organisation's name)."""
    parts = [p.strip() for p in text.split(",")]
    if not text or not any(parts):
        return None, None
    cut = _title_start(parts)
    org = ", ".join(p for p in parts[:cut] if p) or None
    title = ", ".join(p.strip('"«» ') for p in parts[cut:] if p.strip('"«» ')) or None
    return org, title


def _title_start(parts: list[str]) -> int:
    lower = [i for i, p in enumerate(parts) if p.lstrip('"«')[:1].islower()]
    for i in lower:
        if i > 0 and not re.search(r"\s[А-ЯЁA-Z]", parts[i]):
            return i
    if lower and lower[0] == 0:
        return 0  # ", judge": the organisation is missing
    if lower:
        return lower[0]
    return len(parts) - 1 if len(parts) > 1 else 1  # "…, Первый заместитель": a capital title


def split_like(english: str, title: str | None) -> tuple[str | None, str | None]:
    """The English position, cut where the Russian one is: English titles are often written with
    capitals ("…, First Deputy Chairperson"), so the Russian title's number of parts decides."""
    parts = [p.strip() for p in english.split(",")]
    if not english or not any(parts):
        return None, None
    size = len(title.split(",")) if title else 0
    if not parts[0]:
        return None, ", ".join(p for p in parts[1:] if p) or None
    if size == 0 or len(parts) <= size:
        return ", ".join(parts), None  # the English column often stops after the organisation
    cut = len(parts) - size
    return ", ".join(parts[:cut]), ", ".join(parts[cut:])


def org_kind(name: str) -> OrgKind:
    for kind, pattern in _KINDS:
        if re.search(pattern, name, re.IGNORECASE):
            return kind
    return OrgKind.OTHER


def name_parts(full: str) -> tuple[str | None, str | None, str | None]:
    """(given, patronymic, family) when the name is "Given Patronymic Family" in Russian."""
    words = full.split(" ")
    if len(words) == 3 and _PATRONYMIC.search(words[1]):
        return words[0], words[1], words[2]
    return None, None, None
