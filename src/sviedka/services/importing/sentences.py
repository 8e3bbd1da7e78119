"""Sentences as sheets write them ("3 года колонии общего режима", "2 г. 6 мес. ИК усиленного
режима", "штраф", "ограничение свободы"), to penalty, term and regime. The words stay verbatim in
``Sentence.text``; what is not recognised is left empty, never guessed."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["ReadSentence", "read_sentence"]

_I = re.IGNORECASE
# (penalty code, pattern), the first that matches wins: the more specific come first.
_PENALTIES = [
    ("life_imprisonment", r"пожизненн|пажыццёв|life"),
    ("death_penalty", r"смертн|смяротн|расстрел|расстрэл|death"),
    ("restriction_of_liberty_home", r"без\s+(?:направлени|накіраванн)|домашн|хатн|at\s+home"),
    (
        "restriction_of_liberty_open_facility",
        r"с\s+направлени|з\s+накіраванн|хими|хімі|ИУОТ|ПУАТ|open[- ]type",
    ),
    ("restriction_of_liberty", r"ограничени\w*\s+свобод|абмежаванн\w*\s+вол|restriction"),
    ("suspended_sentence", r"условн|умоўн|suspended"),
    ("deferred_sentence", r"отсрочк|адтэрмін|deferred"),
    (
        "deprivation_of_liberty",
        r"лишени\w*\s+свобод|пазбаўленн\w*\s+вол|колони|калоні|\bИК\b|\bПК\b|\bIK\b|тюрьм|турм"
        r"|imprisonment|colony|prison",
    ),
    ("correctional_labour", r"исправительн\w*\s+работ|папраўч\w*\s+работ|correctional\s+labou?r"),
    ("community_service", r"общественн\w*\s+работ|грамадск\w*\s+работ|community\s+service"),
    ("arrest", r"\bарест|\bарышт|\barrest"),
    ("fine", r"штраф|\bfine"),
    ("compulsory_treatment", r"принудительн|прымусов|compulsory"),
]
_REGIMES = [
    ("settlement", r"поселени|пасяленн|settlement"),
    ("prison", r"тюрьм|турм|prison"),
    ("general", r"общ\w*\s+режим|агульн\w*\s+рэжым|general"),
    ("enhanced", r"усиленн\w*\s+режим|[уў]змоцнен\w*\s+рэжым|enhanced|reinforced"),
    ("strict", r"строг\w*\s+режим|строг\w*\s+рэжым|strict"),
    ("special", r"особ\w*\s+режим|асаблів\w*\s+рэжым|special"),
]
_NUMBER = r"(\d+(?:[.,]5)?)"
_YEARS = re.compile(_NUMBER + r"\s*(?:год|года|лет|г\b|г\.|гад|гадоў|гады|years?|y\b)", _I)
_MONTHS = re.compile(r"(\d+)\s*(?:мес|месяц|months?|m\b)", _I)


@dataclass(frozen=True)
class ReadSentence:
    penalty: str | None  # a penalty_types code, or None if the words name none we know
    term_months: int | None
    regime: str | None


def read_sentence(text: str) -> ReadSentence:
    penalty = _first(_PENALTIES, text)
    regime = _first(_REGIMES, text) if penalty in ("deprivation_of_liberty", None) else None
    if penalty is None and regime is not None:
        penalty = "deprivation_of_liberty"  # "3 года общего режима": a regime is only for prison
    return ReadSentence(penalty, _term(text), regime)


def _first(table: list[tuple[str, str]], text: str) -> str | None:
    return next((code for code, pattern in table if re.search(pattern, text, _I)), None)


def _term(text: str) -> int | None:
    years, months = _YEARS.search(text), _MONTHS.search(text)
    if years is None and months is None:
        return None
    total = float(years.group(1).replace(",", ".")) * 12 if years else 0.0
    return int(total) + (int(months.group(1)) if months else 0)
