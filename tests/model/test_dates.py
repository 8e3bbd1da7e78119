from __future__ import annotations

from collections.abc import Callable
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


# -- what the tests above left unasserted (mutation testing: ``make mutation``) ---------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: PartialDate(10000), "the year is out of range (1000-9999)"),
        (lambda: PartialDate(999), "the year is out of range (1000-9999)"),
        (lambda: PartialDate(2021, None, 5), "a day needs a month"),
        (lambda: PartialDate(2021, 0), "month 0 does not exist"),
        (lambda: PartialDate(2021, 2, 29), "that month has no day 29"),
        (lambda: PartialDate(2021, 1, 0), "that month has no day 0"),
        (lambda: PartialDate.parse("2021-9"), "is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)"),
        (lambda: PartialDate.parse(2021), "is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)"),  # type: ignore[arg-type]
        (lambda: PartialDate.parse("2021-02-29"), "is not a real date: that month has no day 29"),
        (lambda: DateRange.parse(2021), "is not a date range"),  # type: ignore[arg-type]
        (
            lambda: DateRange.parse("2021/2022/2023"),
            "is not a date range (use START/END, '..' for an open end)",
        ),
        (lambda: DateRange.parse("2022/2021-05"), "the range ends before it starts"),
    ],
)
def test_bad_dates_and_ranges_are_refused_with_exactly_this_message(
    make: Callable[[], object], message: str
) -> None:
    with pytest.raises(ValueError) as refused:
        make()
    assert str(refused.value) == message


def test_the_first_and_last_possible_years_and_days_are_dates() -> None:
    assert (PartialDate(1000), PartialDate(9999, 12, 31)) == (
        PartialDate.parse("1000"),
        PartialDate.parse(" 9999-12-31 "),
    )
    assert PartialDate(2024, 2, 29).latest() == date(2024, 2, 29)
    assert PartialDate.of(date(2021, 9, 25)) == PartialDate(2021, 9, 25)


def test_a_date_is_not_before_itself_and_order_is_total() -> None:
    year, month = PartialDate(2021), PartialDate(2021, 1)
    assert (year < year, year <= year, year > year, year >= year) == (False, True, False, True)
    assert (year < month, month < year, month > year) == (True, False, True)
    assert PartialDate(2021).__lt__("2021") is NotImplemented
    with pytest.raises(TypeError):
        assert PartialDate(2021) < "2022"  # type: ignore[operator]


def test_a_date_is_certainly_before_only_the_day_after_its_last() -> None:
    sept = PartialDate(2021, 9)
    assert sept.certainly_before(PartialDate(2021, 10, 1))
    assert not sept.certainly_before(PartialDate(2021, 9, 30))
    assert sept.possibly_before(PartialDate(2021, 9, 2))
    assert not PartialDate(2021, 9, 2).possibly_before(PartialDate(2021, 9, 2))


@pytest.mark.parametrize(
    ("text", "start", "end", "written"),
    [
        ("2021-09-25", PartialDate(2021, 9, 25), PartialDate(2021, 9, 25), "2021-09-25"),
        ("2021", PartialDate(2021), PartialDate(2021), "2021"),
        ("2021-09/2022", PartialDate(2021, 9), PartialDate(2022), "2021-09/2022"),
        ("2020-08-09/..", PartialDate(2020, 8, 9), None, "2020-08-09/.."),
        ("2020-08-09/", PartialDate(2020, 8, 9), None, "2020-08-09/.."),
        ("../2021-09", None, PartialDate(2021, 9), "../2021-09"),
        ("/2021-09", None, PartialDate(2021, 9), "../2021-09"),
        (" .. / 2021 ", None, PartialDate(2021), "../2021"),
        ("../..", None, None, "../.."),
        ("2021/2021", PartialDate(2021), PartialDate(2021), "2021"),
        ("2021/2021-03", PartialDate(2021), PartialDate(2021, 3), "2021/2021-03"),
    ],
)
def test_a_range_parses_and_is_written_back(
    text: str, start: PartialDate | None, end: PartialDate | None, written: str
) -> None:
    parsed = DateRange.parse(text)
    assert (parsed, str(parsed)) == (DateRange(start, end), written)
    assert DateRange.parse(written) == parsed


def test_a_range_may_start_and_end_in_the_same_imprecise_period() -> None:
    assert DateRange(PartialDate(2021, 9, 25), PartialDate(2021, 9)).end == PartialDate(2021, 9)
    assert DateRange(PartialDate(2021, 9), PartialDate(2021, 9, 1)).start == PartialDate(2021, 9)
    assert str(DateRange()) == "../.."


@pytest.mark.parametrize(
    ("text", "day", "expected"),
    [
        ("2021-09-25", date(2021, 9, 24), Certainty.NO),  # a single day covers itself only
        ("2021-09-25", date(2021, 9, 26), Certainty.NO),
        ("2021-09", date(2021, 9, 1), Certainty.MAYBE),  # a single month: each day maybe
        ("2021-09", date(2021, 9, 30), Certainty.MAYBE),
        ("2021-09", date(2021, 8, 31), Certainty.NO),
        ("2021-09", date(2021, 10, 1), Certainty.NO),
        ("../2021-09", date(2021, 9, 30), Certainty.MAYBE),  # open start: never certain
        ("../2021-09", date(2021, 10, 1), Certainty.NO),
        ("../2021-09-25", date(1000, 1, 1), Certainty.MAYBE),
        ("../..", date(2021, 1, 1), Certainty.MAYBE),
        ("2021-09/..", date(2021, 8, 31), Certainty.NO),
        ("2021-09/..", date(2021, 9, 30), Certainty.YES),  # the start's last possible day
        ("2021-09/..", date(2021, 9, 29), Certainty.MAYBE),
        ("2021-09-25/2022", date(2022, 1, 1), Certainty.YES),  # the end's first possible day
        ("2021-09-25/2022", date(2022, 1, 2), Certainty.MAYBE),
        ("2021-09-25/2022", date(2022, 12, 31), Certainty.MAYBE),
        ("2021-09-25/2022", date(2023, 1, 1), Certainty.NO),
        ("2021-09/2022", date(2023, 1, 1), Certainty.NO),  # after an imprecise start
    ],
)
def test_covers_single_dates_and_open_starts(text: str, day: date, expected: Certainty) -> None:
    assert DateRange.parse(text).covers(day) is expected
