"""The importer reads its declared columns through the web forms' reader: one check, one message,
reported under the column's name."""

from __future__ import annotations

import pytest

from sviedka.model import Detention, Gender, PartialDate
from sviedka.model.paths import MAX_ROWS, resolve
from sviedka.services.importing.articles import Charged
from sviedka.services.importing.cells import DECLARED
from sviedka.services.importing.rows import RowRejected, read_row
from sviedka.services.records.forms import ROWS, Lookups, read_form

HEADER = ["name", "birthday", "gender", "arrested", "articles", "verdict_date"]
COLUMNS = {field: i for i, field in enumerate(HEADER)}
KNOWN = ("130", "342", "361")
LOOKUPS = Lookups(codes=lambda vocab: KNOWN, record=lambda *_: False)


def row(**cells: str) -> list[str]:
    return [cells.get(field, "") for field in HEADER]


def test_every_declared_column_names_a_value_of_the_model() -> None:
    for column, (cls, path) in DECLARED.items():
        leaf = resolve(cls, "charges.0.article" if column == "articles" else path)
        assert leaf.steps[0] == path.split(".")[0]


def test_declared_columns_are_read_through_the_reader() -> None:
    facts = read_row(
        2,
        row(name="A B", birthday="25.09.1962", gender="муж", arrested="09.2021",
            articles="ч.1 ст.342, 130 ч.3", verdict_date="2022"),
        COLUMNS, len(HEADER), KNOWN,
    )  # fmt: skip
    assert facts.dates["birthday"] == PartialDate(1962, 9, 25)
    assert facts.dates["arrested"] == PartialDate(2021, 9)
    assert facts.dates["verdict_date"] == PartialDate(2022)
    assert facts.gender is Gender.MALE
    assert facts.charges == [Charged("342", 1), Charged("130", 3)]


def test_too_many_charges_get_the_web_forms_message_under_the_column() -> None:
    charges = ", ".join(f"{a} ч.{p}" for a in KNOWN for p in range(1, 70))  # 207 charges
    with pytest.raises(RowRejected) as rejected:
        read_row(2, row(name="A B", articles=charges), COLUMNS, len(HEADER), KNOWN)
    web = read_form(Detention, {f"charges.{MAX_ROWS}.article": "342"}, LOOKUPS).problems
    assert web == {f"charges.{MAX_ROWS}.article": ROWS}
    assert rejected.value.reasons == [f"articles: {ROWS}"]


def test_an_article_the_vocabulary_lacks_is_refused_by_the_reader_and_named() -> None:
    with pytest.raises(RowRejected) as rejected:
        read_row(2, row(name="A B", articles="999 ч.1, 342, 999 ч.2"), COLUMNS, len(HEADER),
                 KNOWN)  # fmt: skip
    assert rejected.value.reasons == [
        "articles: unknown article(s) 999: not in the criminal_code_by vocabulary"
    ]
