"""The HURIDOCS micro-thesauri: the SQL reader, the vocabularies, and the bundled copy.

Tests that need the OpenEvSys dumps read them from ``../shared/data`` (next to the project root);
they skip when the folder is absent, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from shared_data import unavailable
from sviedka.model.vocab import Vocabulary
from sviedka.vocab import huridocs_vocabularies
from sviedka.vocab.huridocs import (
    SOURCE,
    bundle_bytes,
    parse_huridocs,
    read_bundle,
    read_dump,
    read_inserts,
)
from sviedka.vocab.huridocs import vocabularies as to_vocabularies

DUMPS = Path(__file__).parents[3] / "shared" / "data" / "huridocs-microthesauri"
BUNDLE = Path(__file__).parents[2] / "src" / "sviedka" / "vocab" / "data" / "huridocs.json.gz"
HEADER = (
    "INSERT INTO `mt_vocab` (`vocab_number`, `huri_code`, `english`, `french`, `otherlanguages`, "
    "`list_code`, `visible`, `term_order`, `parent_vocab_number`, `term_level`) VALUES\n"
)
ROW = "('01000000000042', '010000000000', 'A', 'A', 'A', 42, 'y', 1, '0', 0)"
RUSSIAN = "INSERT INTO `mt_vocab_l10n` (`msgid`, `locale`, `msgstr`) VALUES\n"


@pytest.fixture(scope="module")
def dumps() -> Path:
    if not DUMPS.is_dir():
        unavailable(f"the HURIDOCS dumps in {DUMPS}")
    return DUMPS


@pytest.fixture(scope="module")
def vocabs(dumps: Path) -> list[Vocabulary]:
    return parse_huridocs(dumps)


@pytest.fixture(scope="module")
def by_name(vocabs: list[Vocabulary]) -> dict[str, Vocabulary]:
    return {vocab.name: vocab for vocab in vocabs}


def test_reader_keeps_every_tuple_of_the_dumps(dumps):
    # 4,524 tuples, one per line starting "('"; a naive regex finds 4,501, missing the 15 rows
    # with parent '' (lists 80-92) and the 8 with term_level -5 ("Other", "Unknown" ...).
    dump = read_dump(dumps)
    assert len(dump.terms) == 4524
    assert len(dump.russian) == 4513


def test_four_russian_labels_name_no_term(dumps):
    dump = read_dump(dumps)
    orphans = {msgid: dump.russian[msgid] for msgid in dump.orphan_russian()}
    assert orphans == {
        "01036800000015": "Южный Судан",
        "02016100000015": "Saint Barthélemy [Франция]",
        "02016200000015": "Saint-Martin  [Франция]",
        "04026600000015": "",
    }


def test_every_row_becomes_a_term(by_name):
    assert sum(len(vocab.terms) for vocab in by_name.values()) == 4524
    assert len(by_name) == 54


def test_lists_are_named_as_openevsys_names_them(by_name):
    assert list(by_name)[:4] == [
        "index_term",
        "violation_typology_terms",
        "rights_typology",
        "types_of_acts",
    ]
    assert list(by_name)[-6:] == [
        "sexual_orientation",
        "other_thesaurus",
        "list_80",
        "list_90",
        "list_91",
        "list_92",
    ]
    assert {vocab.source for vocab in by_name.values()} == {SOURCE}
    assert by_name["relavant_characteristics"].title == "Relevant characteristics"


def test_term_counts_per_list(by_name):
    counts = {name: len(vocab.terms) for name, vocab in by_name.items()}
    assert counts["types_of_acts"] == 532
    assert counts["other_thesaurus"] == 840
    assert counts["degrees_of_involvement"] == 23
    assert counts["list_80"] == 8


def test_summary_execution_sits_under_deliberate_killings(by_name):
    terms = {term.code: term for term in by_name["types_of_acts"].terms}
    summary = terms["010101010000"]
    assert (summary.labels["en"], summary.parent, summary.level) == (
        "Summary execution",
        "010101000000",
        3,
    )
    assert terms["010101000000"].labels["en"] == "Deliberate killings of specific individuals"


def test_reliability_has_six_grades_in_order(by_name):
    labels = [term.labels["en"] for term in by_name["reliability"].terms]
    assert labels == [
        "Highly reliable",
        "Likely reliable",
        "Unsure",
        "Likely unreliable",
        "Highly unreliable",
        "Unknown",
    ]


def test_arbitrary_arrest_has_labels_in_four_languages(by_name):
    (term,) = [t for t in by_name["index_term"].terms if t.labels["en"].startswith("Arbitrary arr")]
    assert term.labels == {
        "en": "Arbitrary arrest and detention",
        "fr": "Arrestation et détention arbitraires",
        "es": "Arresto y detención arbitrarios",
        "ru": "Произвольный арест и задержание",
    }


def test_russian_copies_of_english_are_dropped(by_name):
    # The Russian file repeats the English label for the untranslated "other thesaurus".
    assert not any("ru" in term.labels for term in by_name["other_thesaurus"].terms)
    assert (
        by_name["other_thesaurus"].terms[0].label("ru")
        == by_name["other_thesaurus"].terms[0].label()
    )


def test_codes_are_unique_and_parents_exist_in_each_list(by_name):
    for vocab in by_name.values():
        codes = [term.code for term in vocab.terms]
        assert len(codes) == len(set(codes)), vocab.name
        assert {term.parent for term in vocab.terms} - {None} <= set(codes), vocab.name


def test_bundled_file_matches_the_dumps(vocabs):
    rebuilt = bundle_bytes(vocabs)
    assert gzip.decompress(BUNDLE.read_bytes()) == gzip.decompress(rebuilt)


def test_bundle_round_trips_and_is_what_the_package_loads(vocabs):
    assert read_bundle(bundle_bytes(vocabs)) == vocabs
    assert huridocs_vocabularies() == vocabs


def test_bundle_bytes_do_not_depend_on_the_clock(vocabs):
    assert bundle_bytes(vocabs) == bundle_bytes(vocabs)
    assert bundle_bytes(vocabs)[4:8] == b"\0\0\0\0"  # gzip mtime


def test_reader_resolves_escapes_and_skips_other_statements():
    sql = (
        "SET NAMES 'utf8';\n/* comment; with ( */\n"
        "INSERT INTO t (a, b) VALUES ('it''s', 'a\\'b\\\\'), (NULL, -5), (\"x\"\"y\", 1.5);"
    )
    assert read_inserts(sql) == [
        ("t", {"a": "it's", "b": "a'b\\"}),
        ("t", {"a": None, "b": -5}),
        ("t", {"a": 'x"y', "b": 1.5}),
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("('1', 'broken)", "mysql-dbpopulate-mt.sql: line 2: unterminated quoted text"),
        ("('1', '2')", "mysql-dbpopulate-mt.sql: line 2: 2 value(s) for 10 column(s)"),
        (f"{ROW}\n{ROW}", "mysql-dbpopulate-mt.sql: line 3: expected ',' or ';', found '('"),
        ("(NOW())", "mysql-dbpopulate-mt.sql: line 2: expected ',' or ')', found '('"),
    ],
)
def test_malformed_sql_is_refused_with_file_and_line(tmp_path, row, message):
    (tmp_path / "mysql-dbpopulate-mt.sql").write_text(HEADER + row + ";\n", encoding="utf-8")
    (tmp_path / "mt_vocab_l10n.ru.sql").write_text(RUSSIAN + "('1', 'ru', 'x');", encoding="utf-8")
    with pytest.raises(ValueError) as caught:
        parse_huridocs(tmp_path)
    assert str(caught.value).startswith(message)


def test_statement_cut_off_at_the_end_is_refused():
    with pytest.raises(ValueError, match="ends in the middle of a statement"):
        read_inserts("INSERT INTO t (a) VALUES (1),")


def test_repeated_huri_code_in_a_list_is_refused(tmp_path):
    rows = [ROW, "('01000000000142', '010000000000', 'B', 'B', 'B', 42, 'y', 2, '0', 0)"]
    (tmp_path / "mysql-dbpopulate-mt.sql").write_text(HEADER + ",\n".join(rows) + ";")
    (tmp_path / "mt_vocab_l10n.ru.sql").write_text(RUSSIAN + "('01000000000042', 'ru', 'А');")
    with pytest.raises(ValueError, match=r"list 42 \(reliability\) repeats huri_code 010000000000"):
        to_vocabularies(read_dump(tmp_path))
