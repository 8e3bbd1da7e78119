"""The one-form case pages' fields, read from a submitted form into the service's input.

Field names are the keys of the problems ``services.records.cases`` reports (``arrest.date``,
``charges.1.article``), so each message is shown next to its field. Repeated rows (charges,
victims, perpetrators) are numbered from 0; a form shows at least ``ROWS`` of each.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import partial

from ...services.records.cases import (
    ChargeInput,
    DetentionCase,
    IncidentCase,
    PerpetratorInput,
    PersonInput,
    Pick,
    SourceInput,
    VictimInput,
)

__all__ = ["ROWS", "detention_case", "incident_case", "row_count", "values_of"]

ROWS = {"charges": 2, "victims": 2, "perpetrators": 2}
MAX_ROWS = 50
_ROW = re.compile(r"^(charges|victims|perpetrators)\.(\d+)\.")

Values = Mapping[str, str]


def values_of(form: Mapping[str, object]) -> dict[str, str]:
    """Text fields only (files and repeated keys are not part of these forms)."""
    return {k: v for k, v in form.items() if isinstance(v, str)}


def row_count(values: Values, group: str, *, more: bool = False) -> int:
    """How many rows of ``group`` to show: those sent, at least ``ROWS``, one more if asked."""
    numbers = [int(m.group(2)) for k in values if (m := _ROW.match(k)) and m.group(1) == group]
    sent = max(numbers, default=-1) + 1
    return min(max(sent, ROWS[group]) + (1 if more else 0), MAX_ROWS)


def _get(values: Values, key: str) -> str | None:
    value = values.get(key)
    return value if value and value.strip() else None


def _pick(values: Values, key: str) -> Pick:
    return Pick(id=_get(values, f"{key}.id"), name=_get(values, f"{key}.name"))


def _person(values: Values, key: str) -> PersonInput:
    def g(name: str) -> str | None:
        return _get(values, f"{key}.{name}")

    return PersonInput(
        id=g("id"),
        name=g("name"),
        lang=g("lang"),
        other_name=g("other_name"),
        other_lang=g("other_lang"),
        birth_date=g("birth_date"),
        gender=g("gender"),
        region=g("region"),
    )


def _source(values: Values) -> SourceInput:
    def g(name: str) -> str | None:
        return _get(values, f"source.{name}")

    return SourceInput(
        id=g("id"),
        title=g("title"),
        url=g("url"),
        reliability=g("reliability"),
        credibility=g("credibility"),
        locator=g("locator"),
    )


def detention_case(values: Values) -> DetentionCase:
    g = partial(_get, values)
    charges = tuple(
        ChargeInput(
            article=g(f"charges.{i}.article"),
            part=g(f"charges.{i}.part"),
            added=g(f"charges.{i}.added"),
        )
        for i in range(row_count(values, "charges"))
    )
    return DetentionCase(
        person=_person(values, "person"),
        source=_source(values),
        names_lang=g("names_lang"),
        confidentiality=g("confidentiality"),
        arrest_date=g("arrest.date"),
        arrest_place=g("arrest.place"),
        arrest_unit=_pick(values, "arrest.unit"),
        charges=charges,
        case_number=g("case.number"),
        court=_pick(values, "case.court"),
        judge=_pick(values, "case.judge"),
        prosecutor=_pick(values, "case.prosecutor"),
        verdict_date=g("case.verdict_date"),
        penalty=g("sentence.penalty"),
        term_months=g("sentence.term_months"),
        regime=g("sentence.regime"),
        sentence_date=g("sentence.date"),
        facility=_pick(values, "facility"),
        facility_type=g("facility.type"),
        placement_start=g("facility.start"),
        notes=g("notes"),
        reason=g("reason"),
    )


def incident_case(values: Values) -> IncidentCase:
    g = partial(_get, values)
    victims = tuple(
        VictimInput(
            person=_person(values, f"victims.{i}"),
            act_type=g(f"victims.{i}.act_type"),
            consequences=g(f"victims.{i}.consequences"),
        )
        for i in range(row_count(values, "victims"))
    )
    perpetrators = tuple(
        PerpetratorInput(who=_pick_person(values, i), role=g(f"perpetrators.{i}.role"))
        for i in range(row_count(values, "perpetrators"))
    )
    return IncidentCase(
        source=_source(values),
        event=Pick(id=g("event.id"), name=g("event.title")),
        names_lang=g("names_lang"),
        confidentiality=g("confidentiality"),
        start=g("event.start"),
        end=g("event.end"),
        place=g("event.place"),
        region=g("event.region"),
        description=g("event.description"),
        victims=victims,
        perpetrators=perpetrators,
        reason=g("reason"),
    )


def _pick_person(values: Values, i: int) -> Pick:
    key = f"perpetrators.{i}"
    return Pick(id=_get(values, f"{key}.id"), name=_get(values, f"{key}.name"))
