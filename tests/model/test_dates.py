from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sviedka.model import Certainty, DateRange, PartialDate, Precision


@pytest.mark.parametrize(
    ("text", "precision", "first", "last"),
    [
        ("2021", Precision.YEAR, date(2021, 1, 1), date(2021, 12, 31)),
        ("2021-09", Precision.MONTH, date(2021, 9, 1), date(2021, 9, 30)),
        ("2024-02", Precision.MONTH, date(2024, 2, 1), date(2024, 2, 29)),
        ("2021-09-25", Precision.DAY, date(2021, 9, 25), date(2021, 9, 25)),
    ],
)
def test_a_partial_date_stands_for_every_day_it_may_be(
    text: str, precision: Precision, first: date, last: date
) -> None:
    d = PartialDate.parse(text)
    assert (d.precision, d.earliest(), d.latest(), str(d)) == (precision, first, last, text)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("2021-02-30", "has no day 30"),
        ("2021-13", "month 13 does not exist"),
        ("25.09.2021", "is not a date"),
        ("0999", "out of range"),
        ("", "is not a date"),
    ],
)
def test_impossible_dates_are_refused_with_the_reason(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        PartialDate.parse(text)


def test_sorting_puts_the_less_precise_of_two_same_start_dates_first() -> None:
    texts = ["2021-01-01", "2020-12", "2021", "2021-01", "2020"]
    ordered = [str(d) for d in sorted(PartialDate.parse(t) for t in texts)]
    assert ordered == ["2020", "2020-12", "2021", "2021-01", "2021-01-01"]


def test_before_is_certain_only_when_no_day_overlaps() -> None:
    year, sept = PartialDate.parse("2021"), PartialDate.parse("2021-09")
    assert not year.certainly_before(sept)
    assert year.possibly_before(sept)
    assert PartialDate.parse("2020").certainly_before(sept)
    assert not sept.possibly_before(PartialDate.parse("2021-09-01"))


@pytest.mark.parametrize(
    ("text", "day", "expected"),
    [
        ("2021-09-25/2022-01-10", date(2021, 9, 25), Certainty.YES),  # both ends inclusive
        ("2021-09-25/2022-01-10", date(2022, 1, 10), Certainty.YES),
        ("2021-09-25/2022-01-10", date(2022, 1, 11), Certainty.NO),
        ("2021-09/2022", date(2021, 9, 10), Certainty.MAYBE),  # arrest day unknown within Sept
        ("2021-09/2022", date(2021, 10, 1), Certainty.YES),
        ("2021-09/2022", date(2022, 6, 1), Certainty.MAYBE),  # release day unknown within 2022
        ("2021-09/..", date(2030, 1, 1), Certainty.YES),  # still held
        ("../2021-09", date(2021, 1, 1), Certainty.MAYBE),
        ("2021-09-25", date(2021, 9, 25), Certainty.YES),
    ],
)
def test_covers_answers_conservatively_when_a_bound_is_imprecise(
    text: str, day: date, expected: Certainty
) -> None:
    assert DateRange.parse(text).covers(day) is expected


def test_a_range_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="ends"):
        DateRange.parse("2022/2021-05")


@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)))
def test_every_real_day_round_trips_through_text(day: date) -> None:
    d = PartialDate.of(day)
    assert PartialDate.parse(str(d)) == d
    assert DateRange.parse(f"{d}/..").covers(day) is Certainty.YES
