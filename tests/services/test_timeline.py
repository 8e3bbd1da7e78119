"""A detention as a timeline: facts in date order, partial dates shown as such, names resolved."""

from __future__ import annotations

from sviedka.model import (
    Arrest,
    Charge,
    CourtCase,
    Detention,
    DetentionEnd,
    EndMode,
    PartialDate,
    Placement,
    Punishment,
    Recognition,
    Sentence,
)
from sviedka.services.records.timeline import (
    TimelineEntry,
    date_text,
    detention_timeline,
    timeline_text,
)

D = PartialDate
NAMES = {"sizo": "SIZO No. 1, Minsk", "ik15": "IK-15, Mogilev", "j": "Judge A", "p": "Prosecutor B"}
LABELS = {"criminal_code_by": {"342": "Gross violation of public order"},
          "penalty_types": {"deprivation_of_liberty": "Deprivation of liberty"},
          "release_modes": {"pardon": "Pardon"}}  # fmt: skip


def test_a_detention_reads_as_dated_facts_in_order() -> None:
    detention = Detention(
        id="d",
        person="x",
        arrest=Arrest(date=D(2020, 9, 27), place="Minsk"),
        charges=(Charge(article="342", part=1, added=D(2020, 9, 28)),
                 Charge(article="130", part=3, added=D(2021, 3), dropped=D(2021, 6))),
        court_cases=(CourtCase(judge="j", prosecutor="p", verdict_date=D(2021, 2, 18)),),
        sentences=(Sentence(penalty="deprivation_of_liberty", date=D(2021, 2, 18),
                            term_months=30, text="2 г. 6 мес."),),
        placements=(Placement(facility="sizo", start=D(2020, 9, 29), end=D(2021, 4)),
                    Placement(facility="ik15", start=D(2021, 4))),
        punishments=(Punishment(kind="shizo", start=D(2022, 1, 5), days=10, facility="ik15"),),
        end=DetentionEnd(mode=EndMode.PARDON, date=D(2022)),
        recognition=Recognition(date=D(2020, 10, 5), by="NGOs", criteria=("b",)),
    )  # fmt: skip
    entries = detention_timeline(detention, NAMES, LABELS)
    assert [(date_text(e.date), e.kind, e.text) for e in entries] == [
        ("2020-09-27", "arrest", "Arrested in Minsk"),
        ("2020-09-28", "charge", "Charged under art. 342 part 1 (Gross violation of public order)"),
        ("2020-09-29", "placement", "Held in SIZO No. 1, Minsk"),
        ("2020-10-05", "recognition",
         "Recognised as a political prisoner by NGOs; PACE criteria b"),
        ("2021-02-18", "verdict",
         "Verdict (first instance); judge: Judge A; prosecutor: Prosecutor B"),
        ("2021-02-18", "sentence",
         "Sentenced: Deprivation of liberty, 2 years 6 months — “2 г. 6 мес.”"),
        ("2021-03 (month)", "charge", "Charged under art. 130 part 3"),
        ("2021-04 (month)", "left", "Left SIZO No. 1, Minsk"),
        ("2021-04 (month)", "transfer", "Transferred to IK-15, Mogilev (from SIZO No. 1, Minsk)"),
        ("2021-06 (month)", "charge_dropped", "Charge dropped: art. 130 part 3"),
        ("2022 (year)", "end", "Detention ended: Pardon"),
        ("2022-01-05", "punishment", "Punished: shizo, 10 days in IK-15, Mogilev"),
    ]  # fmt: skip


def test_undated_facts_stay_where_they_fall_in_the_course() -> None:
    detention = Detention(
        id="d",
        person="x",
        arrest=Arrest(date=D(2021, 9, 25)),
        charges=(Charge(article="342"),),
        sentences=(Sentence(penalty="fine", date=D(2022, 1)),),
        placements=(Placement(facility="unknown-id"),),
        end=DetentionEnd(mode=EndMode.OTHER),
    )
    entries = detention_timeline(detention)
    assert [(e.when, e.kind) for e in entries] == [
        ("2021-09-25", "arrest"),
        ("date unknown", "charge"),
        ("2022-01 (month)", "sentence"),
        ("date unknown", "placement"),
        ("date unknown", "end"),
    ]
    assert entries[3].text == "Held in unknown-id"  # an id without a name is shown as it is


def test_timeline_text_has_one_line_per_fact() -> None:
    detention = Detention(id="d1", person="x", arrest=Arrest(date=D(2021)))
    empty = Detention(id="d2", person="x")
    text = timeline_text([(detention, detention_timeline(detention)), (empty, [])])
    assert text == (
        "Timeline of detention d1:\n  2021 (year)          Arrested\n\n"
        "Timeline of detention d2:\n  (no facts recorded)"
    )
    assert TimelineEntry(None, "end", "x").when == "date unknown"
