"""Sviedka's own vocabularies (YAML in ``sviedka/vocab/data``) and the combined list."""

from __future__ import annotations

import pytest

from sviedka.model.vocab import EndMode
from sviedka.vocab import all_vocabularies, huridocs_vocabularies
from sviedka.vocab.builtin import LANGUAGES, load_builtin, read_vocabulary

ARTICLES = [
    "130", "130-1", "130-2", "188", "189", "191", "193-1", "203-1", "218", "243", "285", "289",
    "290", "290-1", "290-2", "290-3", "290-4", "290-5", "293", "309", "339", "341", "342", "356",
    "357", "358", "361", "361-1", "361-2", "361-3", "361-4", "361-5", "363", "364", "365", "366",
    "367", "368", "369", "369-1", "370", "411",
]  # fmt: skip


def vocabulary(name: str):
    (found,) = [vocab for vocab in load_builtin() if vocab.name == name]
    return found


def codes(name: str) -> list[str]:
    return [term.code for term in vocabulary(name).terms]


def test_builtin_vocabularies_are_the_nine_lists():
    assert [vocab.name for vocab in load_builtin()] == [
        "criminal_code_by",
        "designation_lists",
        "facility_regimes",
        "facility_types",
        "pace_criteria",
        "penalty_types",
        "punishment_types",
        "regions_by",
        "release_modes",
    ]


def test_every_term_has_a_unique_code_and_english_belarusian_russian_labels():
    for vocab in load_builtin():
        assert len({term.code for term in vocab.terms}) == len(vocab.terms), vocab.name
        for term in vocab.terms:
            assert set(LANGUAGES) <= set(term.labels), (vocab.name, term.code)


def test_sources_say_the_lists_are_ours_and_not_official_text():
    for vocab in load_builtin():
        assert vocab.source.startswith("Sviedka's own list"), vocab.name
        assert "not" in vocab.source, vocab.name


def test_release_modes_are_exactly_the_end_modes():
    assert codes("release_modes") == [mode.value for mode in EndMode]


def test_criminal_code_lists_the_articles_of_political_cases():
    assert codes("criminal_code_by") == ARTICLES


def test_belarusian_labels_are_in_belarusian():
    labels = {term.code: term.labels for term in vocabulary("criminal_code_by").terms}
    assert labels["356"] == {
        "en": "High treason",
        "be": "Здрада дзяржаве",
        "ru": "Измена государству",
    }


def test_regions_are_the_iso_3166_2_codes_of_belarus():
    assert codes("regions_by") == ["BY-BR", "BY-HM", "BY-HO", "BY-HR", "BY-MA", "BY-MI", "BY-VI"]


def test_pace_criteria_are_a_to_e():
    assert codes("pace_criteria") == ["a", "b", "c", "d", "e"]


def test_restriction_of_liberty_forms_sit_under_it():
    terms = {term.code: term for term in vocabulary("penalty_types").terms}
    home = terms["restriction_of_liberty_home"]
    assert (home.parent, home.level) == ("restriction_of_liberty", 1)
    assert "«хатняя хімія»" in home.labels["be"]
    assert terms["restriction_of_liberty"].level == 0


def test_terms_keep_file_order():
    assert [term.order for term in vocabulary("facility_types").terms] == list(range(11))


def test_all_vocabularies_are_ours_then_huridocs_without_clashes():
    vocabs = all_vocabularies()
    names = [vocab.name for vocab in vocabs]
    assert names == [v.name for v in load_builtin()] + [v.name for v in huridocs_vocabularies()]
    assert len(set(names)) == len(names)


HEAD = "name: x\ntitle: X\nsource: S\nterms:\n"
GOOD_TERM = "  - code: a\n    labels: {en: A, be: А, ru: А}\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name: x\nterms: [\n", "x.yaml: not valid YAML"),
        ("- just a list\n", "x.yaml: expected a mapping of name, source, terms, title"),
        ("name: x\ntitle: X\nterms: []\n", "x.yaml: missing source"),
        ("name: x\ntitle: X\nsource: S\nterms: []\nextra: 1\n", "x.yaml: unknown key(s) extra"),
        ("name: y\ntitle: X\nsource: S\nterms:\n" + GOOD_TERM, "x.yaml: name 'y' differs"),
        ("name: x\ntitle: X\nsource: S\nterms: []\n", "x.yaml: terms must be a non-empty list"),
        (
            HEAD + "  - code: 130\n    labels: {en: A}\n",
            "x.yaml: term #1: code must be quoted text, found 130",
        ),
        (
            HEAD + "  - code: b\n    labels: {en: B, be: Б}\n",
            "x.yaml: term 'b': no label in ru",
        ),
        (
            HEAD + "  - code: b\n    labels: {en: B, be: '', ru: Б}\n",
            "x.yaml: term 'b': the be label is empty or not text",
        ),
        (
            HEAD + GOOD_TERM + GOOD_TERM,
            "x.yaml: term 'a' appears twice",
        ),
        (
            HEAD + "  - code: b\n    parent: a\n    labels: {en: B, be: Б, ru: Б}\n" + GOOD_TERM,
            "x.yaml: term 'b': parent 'a' is not above it",
        ),
        (
            HEAD + "  - code: b\n    lables: {en: B}\n",
            "x.yaml: term 'b': missing labels",
        ),
    ],
)
def test_malformed_vocabulary_file_is_refused_naming_file_and_term(tmp_path, text, message):
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError) as caught:
        read_vocabulary(path)
    assert str(caught.value).startswith(message)


def test_well_formed_file_reads_as_a_vocabulary(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text(HEAD + GOOD_TERM, encoding="utf-8")
    vocab = read_vocabulary(path)
    assert (vocab.name, vocab.title, vocab.source) == ("x", "X", "S")
    assert [(t.code, dict(t.labels), t.parent, t.level, t.order) for t in vocab.terms] == [
        ("a", {"en": "A", "be": "А", "ru": "А"}, None, 0, 0)
    ]
