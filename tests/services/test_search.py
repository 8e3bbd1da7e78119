"""``search``: cross-script names, prefixes, phrases, filters, what the caller may see (and
count), snippets, and bad queries — on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sviedka.errors import Invalid, Unavailable
from sviedka.model import (
    Confidentiality,
    DateRange,
    Event,
    Intervention,
    InterventionKind,
    InterventionStatus,
    NameForm,
    PartialDate,
    Person,
    PersonSensitive,
    Record,
)
from sviedka.model.ids import new_id
from sviedka.model.revision import timestamp
from sviedka.policy import CUSTODIAN, Forbidden, Principal, PrincipalKind, Role, Scope, partner
from sviedka.services.records.search import SearchResults, parse_query, search, searchable_kinds
from sviedka.store import SqlStore, open_store
from sviedka.store.compartments import Grant, put_grant


def reader(clearance: str, *groups: str, scopes: set[Scope] | None = None) -> Principal:
    """A viewer with this clearance, in these groups (a token if it has scopes)."""
    return Principal(
        PrincipalKind.USER if scopes is None else PrincipalKind.TOKEN,
        "reader",
        id="reader-id",
        role=Role.VIEWER,
        clearance=Confidentiality(clearance),
        groups=frozenset(groups),
        scopes=None if scopes is None else frozenset(scopes),
    )


def grant(store: SqlStore, group: str, *records: Record) -> None:
    with store.writer() as writer:
        for record in records:
            put_grant(writer, Grant(record.id, "group", group, "t", timestamp()))


def person(*names: str, level: str = "internal", **fields: object) -> Person:
    forms = tuple(NameForm(full=n) for n in names)
    return Person(
        id=new_id(),
        names=forms,
        confidentiality=Confidentiality(level),
        **fields,  # type: ignore[arg-type]
    )


def event(title: str, description: str = "", *, level: str = "internal", **fields: object) -> Event:
    return Event(
        id=new_id(),
        title=title,
        description=description or None,
        confidentiality=Confidentiality(level),
        **fields,  # type: ignore[arg-type]
    )


def add(store: SqlStore, *records: Record) -> None:
    with store.writer() as writer:
        for record in records:
            writer.add(record, actor="t")


def ids(results: SearchResults) -> list[str]:
    return [hit.id for hit in results.hits]


def find(store: SqlStore, query: str, who: Principal = CUSTODIAN, **options: object) -> set[str]:
    results = search(store, who, query, limit=100, **options)  # type: ignore[arg-type]
    assert results.total == len(results.hits)
    return set(ids(results))


def test_any_script_finds_any_other(store: SqlStore) -> None:
    be, ru = person("Алесь Бяляцкі"), person("Алесь Беляцкий")
    latin, bgn = person("Ales Bialiatski"), person("Ales Byalyatski")
    other = person("Алесь Міхалевіч")
    add(store, be, ru, latin, bgn, other)
    same = {be.id, ru.id, latin.id, bgn.id}
    for query in ("Бяляцкі", "Беляцкий", "Bialiatski", "bialiatski ales", "Алесь Беляцкий"):
        assert find(store, query) == same, query
    assert find(store, "Алесь") == same | {other.id}


def test_transliterations_with_diacritics_find_each_other(store: SqlStore) -> None:
    lacinka, english = person("Alaksandr Łukašenka"), person("Alexander Lukashenko")
    cyrillic = person("Аляксандр Лукашэнка")
    add(store, lacinka, english, cyrillic)
    every = {lacinka.id, english.id, cyrillic.id}
    assert find(store, "Łukašenka") == every
    assert find(store, "Lukashenka") == every
    assert find(store, "Лукашенко Александр") == every


def test_the_last_word_is_a_prefix_while_typing(store: SqlStore) -> None:
    someone, namesake = person("Алесь Бяляцкі"), person("Пётр Бязьмен")
    add(store, someone, namesake)
    assert find(store, "Алесь Бял") == {someone.id}
    assert find(store, "Бяля") == {someone.id}
    assert find(store, "Бяля ") == set(), "a trailing space ends the word"
    assert find(store, "Бя") == set(), "too short to be a prefix"
    assert find(store, "Bial") == {someone.id}, "a prefix in another script"


def test_quotes_make_a_phrase(store: SqlStore) -> None:
    first = event("Суд", "суд вынес прысуд у Мінску")
    second = event("Суд", "прысуд вынес суд у Гомелі")
    add(store, first, second)
    assert find(store, '"вынес прысуд"') == {first.id}
    assert find(store, "вынес прысуд") == {first.id, second.id}
    assert find(store, '"вынес прысуд" Мінску') == {first.id}


def test_names_come_first_then_relevance(store: SqlStore) -> None:
    often = event("Ігар Лосік", "Лосік, Лосік, Лосік: пра Лосіка")
    once = event("Навіны", "сярод іншага Лосік")
    named = person("Ігар Лосік")
    add(store, once, often, named)
    results = search(store, CUSTODIAN, "Лосік")
    assert ids(results) == [named.id, often.id, once.id]
    assert [h.name_match for h in results.hits] == [True, False, False]
    assert results.hits[1].score > results.hits[2].score


def test_filters_by_kind_dates_and_status(store: SqlStore) -> None:
    someone = person("Марфа Рабкова")
    march = event("Рабкова", dates=DateRange(PartialDate(2021, 3), PartialDate(2021, 3)))
    later = event("Рабкова", dates=DateRange(PartialDate(2022, 1, 5), None))
    appeal = Intervention(
        id=new_id(),
        kind=InterventionKind.UN_APPEAL,
        status=InterventionStatus.REFUSED,
        date=PartialDate(2021, 4, 1),
        outcome="Рабкова: адмова",
    )
    add(store, someone, march, later, appeal)
    assert find(store, "Рабкова", kinds=["event"]) == {march.id, later.id}
    assert find(store, "Рабкова", kinds=["person", "intervention"]) == {someone.id, appeal.id}
    assert find(store, "Рабкова", date_from="2021", date_to="2021-03") == {march.id}
    assert find(store, "Рабкова", date_from="2021-03-31") == {march.id, later.id, appeal.id}
    assert find(store, "Рабкова", date_from=PartialDate(2023)) == {later.id}
    assert find(store, "Рабкова", date_from="2021", date_to="2021") == {march.id, appeal.id}
    assert find(store, "Рабкова", date_from="2022", date_to="2030") == {later.id}  # open range
    assert find(store, "Рабкова", date_from="2019", date_to="2020") == set()
    assert find(store, "Рабкова", kinds=["event"], date_from="2021", date_to="2021") == {march.id}
    assert find(store, "Рабкова", kinds=["event"], date_from="2022", date_to="2022") == {later.id}
    assert find(store, "Рабкова", status="refused") == {appeal.id}


def test_levels_are_filtered_in_the_query_and_the_total(store: SqlStore) -> None:
    public = person("Ігар Лосік", level="public")
    internal = person("Ігар Лосік", level="internal")
    confidential = person("Ігар Лосік", level="confidential")
    add(store, public, internal, confidential)
    results = search(store, reader("internal"), "Лосік")
    assert (set(ids(results)), results.total) == ({public.id, internal.id}, 2)
    results = search(store, reader("public"), "Лосік", limit=1)
    assert (ids(results), results.total) == ([public.id], 1)
    results = search(store, CUSTODIAN, "Лосік")
    assert results.total == 3


def test_a_principal_that_may_not_read_finds_nothing(store: SqlStore) -> None:
    add(store, person("Ігар Лосік"))
    writer = reader("restricted", scopes={Scope.WRITE})
    with pytest.raises(Forbidden):
        search(store, writer, "Лосік")
    with pytest.raises(Forbidden):
        searchable_kinds(writer)
    assert searchable_kinds(reader("internal")) >= {"person", "event", "evidence"}


def test_a_partner_finds_only_the_kinds_of_its_profile(store: SqlStore) -> None:
    someone = person("Ігар Лосік")
    news = event("Ігар Лосік")
    add(store, someone, news)
    events_only = partner("p", clearance=Confidentiality.INTERNAL, kinds=["event"])
    assert find(store, "Лосік", events_only) == {news.id}
    assert find(store, "Лосік", events_only, kinds=["person"]) == set()
    assert searchable_kinds(events_only) == {"event"}


@pytest.fixture
def compartments(store: SqlStore) -> Iterator[tuple[SqlStore, list[Person], list[Person]]]:
    """Five open persons named Лосік and three restricted ones, created in a known order."""
    opened = [person("Ігар Лосік", level="internal") for _ in range(5)]
    closed = [person("Ігар Лосік", level="restricted") for _ in range(3)]
    add(store, *opened, *closed)
    yield store, opened, closed


def test_restricted_records_appear_only_through_grants(
    compartments: tuple[SqlStore, list[Person], list[Person]],
) -> None:
    store, opened, closed = compartments
    grant(store, "g", closed[1])
    everyone = {p.id for p in opened}
    results = search(store, reader("restricted", "g"), "Лосік", limit=100)
    assert (set(ids(results)), results.total) == (everyone | {closed[1].id}, 6)
    results = search(store, reader("restricted"), "Лосік", limit=100)  # no grant: none of them
    assert (set(ids(results)), results.total) == (everyone, 5)
    results = search(store, reader("confidential", "g"), "Лосік", limit=100)
    assert (set(ids(results)), results.total) == (everyone, 5), "no clearance, no grant"
    denied = search(store, reader("restricted"), "Лосік", limit=2, offset=4)
    assert (len(denied.hits), denied.total) == (1, 5), "refused records are not counted"
    results = search(store, CUSTODIAN, "Лосік", limit=100)
    assert results.total == 8, "the custodian reads every compartment"


def test_pages_merge_restricted_hits_in_rank_order(
    compartments: tuple[SqlStore, list[Person], list[Person]],
) -> None:
    store, opened, closed = compartments
    allowed = {closed[0].id, closed[2].id}
    grant(store, "g", closed[0], closed[2])
    who = reader("restricted", "g")
    whole = search(store, who, "Лосік", limit=100)
    pages = [search(store, who, "Лосік", limit=2, offset=o) for o in range(0, 8, 2)]
    assert [i for page in pages for i in ids(page)] == ids(whole)
    assert ids(whole) == sorted({p.id for p in opened} | allowed)  # equal scores: oldest first
    assert {page.total for page in pages} == {7}
    assert search(store, who, "Лосік", limit=5, offset=50).total == 7


def test_sensitive_fields_are_not_searchable_nor_shown(store: SqlStore) -> None:
    secret = PersonSensitive(
        contacts=("+375291234567",), address="вуліца Тайная 7", family="Марыля"
    )
    someone = person("Алесь Бяляцкі", sensitive=secret, notes="старшыня Вясны")
    add(store, someone)
    for query in ("375291234567", "Тайная", "Марыля", "вуліца"):
        assert find(store, query) == set(), query
    hit = search(store, CUSTODIAN, "Вясны").hits[0]
    assert (hit.id, hit.title, hit.snippet) == (someone.id, "Алесь Бяляцкі", "старшыня Вясны")


def test_snippets_show_the_match_and_where_it_is(store: SqlStore) -> None:
    long = " ".join(["слова"] * 60) + " Пацукевіч сказаў " + " ".join(["яшчэ"] * 60)
    text = event("Справаздача", long)
    add(store, text)
    hit = search(store, CUSTODIAN, "Пацукевіч сказаў").hits[0]
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert len(hit.snippet) < 200
    assert [hit.snippet[a:b] for a, b in hit.highlights] == ["Пацукевіч", "сказаў"]


def test_a_name_match_by_key_shows_the_names(store: SqlStore) -> None:
    someone = person("Алесь Бяляцкі", "Ales Bialiatski")
    add(store, someone)
    hit = search(store, CUSTODIAN, "Беляцкий").hits[0]
    assert (hit.name_match, hit.snippet, hit.highlights) == (
        True,
        "Алесь Бяляцкі · Ales Bialiatski",
        (),
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("*", "invalid"),
        ("\\", "invalid"),
        ("NEAR(", "none"),
        ("OR", "none"),
        ("Алесь OR", "none"),
        ("a:b", "none"),
        ("{names}: Алесь", "none"),
        ("Алесь AND NOT ^", "none"),
        ("'; DROP TABLE records; --", "none"),
        ("x' | 'y", "none"),
        ('Алесь"', "found"),
        ('"Алесь', "found"),
        ('"Алесь" "', "found"),
        ("Алесь*", "found"),
        ("(Алесь)", "found"),
        ("-Алесь", "found"),
    ],
)
def test_query_syntax_is_never_a_database_error(store: SqlStore, query: str, expected: str) -> None:
    someone = person("Алесь Бяляцкі")
    add(store, someone)
    if expected == "invalid":
        with pytest.raises(Invalid):
            search(store, CUSTODIAN, query)
        return
    results = search(store, CUSTODIAN, query)
    assert set(ids(results)) == ({someone.id} if expected == "found" else set())


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("", "is empty"),
        ("   ", "is empty"),
        ("!!! ... ---", "has no letters or digits"),
        ('"', "has no letters or digits"),
        ("x" * 501, "use at most 500 characters"),
        (" ".join(["слова"] * 17), "use at most 16 words"),
        ("Алесь\x00", "must not contain NUL characters"),
        ("Алесь\ud800", "is not valid Unicode text (a lone surrogate)"),
    ],
)
def test_bad_queries_are_refused_clearly(store: SqlStore, query: str, problem: str) -> None:
    with pytest.raises(Invalid) as caught:
        search(store, CUSTODIAN, query)
    assert caught.value.errors == {"query": problem}


def test_bad_filters_are_refused_by_field(store: SqlStore) -> None:
    with pytest.raises(Invalid) as caught:
        search(
            store,
            CUSTODIAN,
            "Алесь",
            kinds=["persons"],
            date_from="2021-13",
            status="gone",
            limit=0,
        )
    assert set(caught.value.errors) == {"kind", "date_from", "status"}
    with pytest.raises(Invalid) as caught:
        search(store, CUSTODIAN, "Алесь", date_from="2022", date_to="2021")
    assert caught.value.errors == {"date_to": "is before date_from"}
    with pytest.raises(Invalid) as caught:
        search(store, CUSTODIAN, "Алесь", limit=101, offset=-1)
    assert set(caught.value.errors) == {"limit", "offset"}


def test_a_store_without_the_index_says_so(sqlite_url: str) -> None:
    store = open_store(sqlite_url, indexes=[])
    with pytest.raises(Unavailable):
        search(store, CUSTODIAN, "Алесь")
    store.close()


def test_parse_query_terms() -> None:
    keys = {"Алесь": ["alas"], "Бял": ["bal"]}
    terms = parse_query('Алесь "вынес прысуд" 北京 Бял', lambda w: keys.get(w, []))
    assert [(t.forms, t.keys, t.prefix, t.unspaced) for t in terms] == [
        (("Алесь",), ("alas",), False, False),
        (("вынес прысуд",), (), False, False),
        (("北京",), (), False, True),
        (("Бял",), ("bal",), True, False),
    ]


def test_words_of_scripts_without_spaces_are_found_inside_the_text(store: SqlStore) -> None:
    chinese = event("抗议", "他在北京天安门广场被捕")
    thai = event("การประท้วง", "ถูกจับกุมที่กรุงเทพมหานคร")
    add(store, chinese, thai)
    assert find(store, "天安门") == {chinese.id}
    assert find(store, "北京") == {chinese.id}  # two characters: shorter than a trigram
    assert find(store, "กรุงเทพ") == {thai.id}
    assert find(store, "上海") == set()
    hit = search(store, CUSTODIAN, "天安门").hits[0]
    assert hit.snippet[hit.highlights[0][0] : hit.highlights[0][1]] == "天安门"
