"""The search index: kept current in the writer's transaction, rolled back with it, rebuilt on a
version change; what it holds (never a sensitive field) and how it matches, on SQLite and
PostgreSQL."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import ClassVar

import pytest
import sqlalchemy as sa

from sviedka.model import (
    Arrest,
    Confidentiality,
    DateRange,
    Detention,
    DetentionEnd,
    EndMode,
    Event,
    NameForm,
    PartialDate,
    Person,
    PersonSensitive,
    Record,
)
from sviedka.model import Testimony as Statement  # not collected as a test class
from sviedka.model.ids import new_id
from sviedka.store import SqlStore, open_store, search_base
from sviedka.store import schema as t
from sviedka.store.search import Filters, SearchIndex, Term
from sviedka.store.search_text import document, fold, words

EVERY = Filters(frozenset(c.value for c in Confidentiality))


def person(*names: str, **fields: object) -> Person:
    forms = tuple(NameForm(full=n) for n in names)
    return Person(id=new_id(), names=forms, **fields)  # type: ignore[arg-type]


def found(store: SqlStore, *terms: Term, filters: Filters = EVERY) -> set[str]:
    """Every match, restricted ones included."""
    with store.unscoped_view() as view:
        hits = view.search_hits(terms, filters, need=100, closed=True)
    assert hits.total == len(hits.best)
    return {h.record_id for h in hits.best + hits.closed}


def word(text: str, *, prefix: bool = False) -> Term:
    return Term((text,), prefix=prefix)


def _index(store: SqlStore) -> SearchIndex:
    return next(i for i in store.indexes if isinstance(i, SearchIndex))


def add(store: SqlStore, *records: Record) -> None:
    with store.writer() as writer:
        for record in records:
            writer.add(record, actor="t")


@pytest.fixture
def plain(db_url: str) -> Iterator[SqlStore]:
    """A store with the search index alone (no vocabularies needed)."""
    store = open_store(db_url, indexes=[SearchIndex()])
    yield store
    store.close()


def test_the_index_follows_adds_and_updates(plain: SqlStore) -> None:
    kept, renamed = person("Ганна Шэлег"), person("Алесь Стары")
    add(plain, kept, renamed)
    assert found(plain, word("Стары")) == {renamed.id}
    with plain.writer() as writer:
        writer.update(Person(id=renamed.id, names=(NameForm(full="Алесь Новы"),)), actor="t")
    assert found(plain, word("Новы")) == {renamed.id}
    assert found(plain, word("Стары")) == set()
    assert found(plain, word("Алесь")) == {renamed.id}
    assert found(plain, word("Шэлег")) == {kept.id}


def test_a_failed_transaction_leaves_the_index_unchanged(plain: SqlStore) -> None:
    kept = person("Алесь Стары")
    add(plain, kept)
    with pytest.raises(RuntimeError), plain.writer() as writer:
        writer.update(Person(id=kept.id, names=(NameForm(full="Алесь Новы"),)), actor="t")
        writer.add(person("Ганна Новы"), actor="t")
        writer.flush()  # the index rows are written here, then the transaction fails
        raise RuntimeError("crash before commit")
    assert found(plain, word("Новы")) == set()
    assert found(plain, word("Стары")) == {kept.id}


class _Rules(SearchIndex):
    """The same index with other keys: what a change of ``search_keys`` rules looks like."""

    version: ClassVar[int] = SearchIndex.version + 1


def test_a_new_version_is_rebuilt_from_the_records_at_open(db_url: str) -> None:
    store = open_store(db_url, indexes=[])  # records written while there was no index
    someone = person("Алесь Бяляцкі")
    add(store, someone)
    store.close()
    store = open_store(db_url, indexes=[SearchIndex(keys=lambda w: ["old" + fold(w)])])
    assert found(store, Term(("x",), keys=("oldбяляцкі",))) == {someone.id}
    store.close()
    store = open_store(db_url, indexes=[_Rules(keys=lambda w: ["new" + fold(w)])])
    assert found(store, Term(("x",), keys=("oldбяляцкі",))) == set()
    assert found(store, Term(("x",), keys=("newбяляцкі",))) == {someone.id}
    store.close()


def test_names_are_found_in_any_script(plain: SqlStore) -> None:
    be = person("Алесь Бяляцкі")
    ru = person("Алесь Беляцкий")
    latin = person("Ales Bialiatski")
    other = person("Алесь Міхалевіч")
    add(plain, be, ru, latin, other)
    index = _index(plain)
    for query in ("Бяляцкі", "Беляцкий", "Bialiatski", "Byalyatski"):
        term = Term((query,), keys=index.word_keys(query))
        assert found(plain, term) == {be.id, ru.id, latin.id}, query


def test_diacritics_are_ignored_on_both_sides(plain: SqlStore) -> None:
    accented, bare = person("Łukašenka Čierny"), person("Dvořák Émile")
    add(plain, accented, bare)
    assert found(plain, word("Łukasenka")) == {accented.id}
    assert found(plain, word("cierny")) == {accented.id}
    assert found(plain, word("DVORAK")) == {bare.id}
    assert found(plain, word("émile"), word("Dvořák")) == {bare.id}


def test_the_last_word_matches_as_a_prefix_only_when_asked(plain: SqlStore) -> None:
    someone = person("Алесь Бяляцкі")
    add(plain, someone)
    assert found(plain, word("Бяля", prefix=True)) == {someone.id}
    assert found(plain, word("Бяля")) == set()


def test_phrases_match_words_in_a_row(plain: SqlStore) -> None:
    event = Event(id=new_id(), title="Затрыманне", description="суд у Мінску вынес прысуд")
    add(plain, event)
    assert found(plain, word("вынес прысуд")) == {event.id}
    assert found(plain, word("прысуд вынес")) == set()


def test_filters_by_kind_level_status_and_dates(plain: SqlStore) -> None:
    public = person("Ігар Лосік", confidentiality=Confidentiality.PUBLIC)
    internal = Event(
        id=new_id(),
        title="Лосік затрыманы",
        dates=DateRange(PartialDate(2020, 6, 25), PartialDate(2020, 6, 25)),
    )
    held = Detention(
        id=new_id(),
        person=public.id,
        arrest=Arrest(date=PartialDate(2020, 6)),
        notes="Лосік у СІЗА",
    )
    released = Detention(
        id=new_id(),
        person=public.id,
        arrest=Arrest(date=PartialDate(2019)),
        end=DetentionEnd(mode=EndMode.PARDON, date=PartialDate(2019, 5)),
        notes="Лосік вызвалены",
    )
    add(plain, public, internal, held, released)
    term = word("Лосік")
    assert found(plain, term) == {public.id, internal.id, held.id, released.id}
    assert found(plain, term, filters=Filters(frozenset({"public"}))) == {public.id}
    only_events = Filters(EVERY.levels, kinds=frozenset({"event", "organisation"}))
    assert found(plain, term, filters=only_events) == {internal.id}
    assert found(plain, term, filters=Filters(EVERY.levels, status="held")) == {held.id}
    assert found(plain, term, filters=Filters(EVERY.levels, status="pardon")) == {released.id}
    in_2020 = Filters(EVERY.levels, date_from="2020-01-01", date_to="2020-12-31")
    assert found(plain, term, filters=in_2020) == {internal.id, held.id}  # held: still open
    after = Filters(EVERY.levels, date_from="2021-01-01")
    assert found(plain, term, filters=after) == {held.id}
    before = Filters(EVERY.levels, date_to="2019-03-01")
    assert found(plain, term, filters=before) == {released.id}
    empty = Filters(frozenset())
    assert found(plain, term, filters=empty) == set()


def test_sensitive_fields_are_never_indexed(plain: SqlStore) -> None:
    secret = PersonSensitive(
        contacts=("+375291234567", "secret@example.org"),
        address="вуліца Тайная 7",
        family="жонка Марыля",
    )
    someone = person("Алесь Бяляцкі", sensitive=secret)
    add(plain, someone)
    for text in ("375291234567", "secret", "Тайная", "Марыля", "жонка"):
        assert found(plain, word(text)) == set(), text
    assert found(plain, word("Бяляцкі")) == {someone.id}
    assert "Тайная" not in repr(document(someone))


def test_names_rank_before_texts(plain: SqlStore) -> None:
    mention = Event(id=new_id(), title="Бяляцкі", description="Бяляцкі, Бяляцкі і зноў Бяляцкі")
    named = person("Алесь Бяляцкі")
    add(plain, mention, named)
    with plain.unscoped_view() as view:
        hits = view.search_hits([word("Бяляцкі")], EVERY, need=10)
    assert [(h.record_id, h.named) for h in hits.best] == [(named.id, True), (mention.id, False)]


def test_words_in_scripts_without_spaces_are_found_as_substrings(plain: SqlStore) -> None:
    deponent = person("Li Wei")
    text = Statement(id=new_id(), deponent=deponent.id, transcript="我在北京天安门广场被捕")
    add(plain, deponent, text)
    assert found(plain, Term(("天安门",), unspaced=True)) == {text.id}
    assert found(plain, Term(("北京",), unspaced=True)) == {text.id}  # shorter than a trigram
    assert found(plain, Term(("上海",), unspaced=True)) == set()


@pytest.mark.parametrize(
    "text",
    ['"', '""', "*", "NEAR(", "OR", "AND", "NOT", "a:b", "{names}", "'", "\\", "x' | 'y", ":*"],
)
def test_fts_syntax_in_a_term_is_plain_text(plain: SqlStore, text: str) -> None:
    add(plain, person("Алесь Бяляцкі"))
    assert found(plain, Term((text,), keys=(text,)), word("Алесь")) == set()
    assert found(plain, Term((text,), keys=(text,), prefix=True)) == set()


def test_the_filter_words_cannot_be_searched(plain: SqlStore) -> None:
    add(plain, person("Алесь Бяляцкі"))
    for text in ("kperson", "linternal", "kpersony2021"):
        assert found(plain, word(text)) == set(), text


def test_a_record_without_text_is_indexed_by_kind_and_title(plain: SqlStore) -> None:
    someone = person("Алесь Бяляцкі")
    bare = Detention(id=new_id(), person=someone.id, arrest=Arrest(date=PartialDate(2021, 5, 23)))
    add(plain, someone, bare)
    with plain.unscoped_view() as view:
        row = view.conn.execute(
            sa.select(t.search_docs).where(t.search_docs.c.record_id == bare.id)
        ).one()  # type: ignore[attr-defined]
    assert (row.kind, row.title, row.date_lo, row.date_hi, row.status) == (
        "detention",
        "2021-05-23",
        "2021-05-23",
        "9999-12-31",
        "held",
    )


def test_fold_is_what_sqlite_unicode61_does_for_latin_and_cyrillic() -> None:
    text = "Łukašenka ŁUKAŠENKA Émile Dvořák Ўладзімір Йосіф Ёлка İstanbul"
    assert fold(text) == "łukasenka łukasenka emile dvorak ўладзімір йосіф ёлка istanbul"
    decomposed = unicodedata.normalize("NFD", "Dvořák")
    assert fold(decomposed) == "dvorak"
    assert words("Мар'я, 361-1; x_y") == ["Мар", "я", "361", "1", "x", "y"]


def test_above_the_rank_limit_the_most_recent_are_ranked_and_the_total_stays_exact(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_base, "RANK_LIMIT", 3)
    store = open_store(db_url, indexes=[SearchIndex()])
    named = [person("Ігар Лосік") for _ in range(5)]
    mentions = [Event(id=new_id(), title=f"Лосік {i}") for i in range(4)]
    add(store, *named[:2], *mentions, *named[2:])  # indexed in this order
    with store.unscoped_view() as view:
        hits = view.search_hits([word("Лосік")], EVERY, need=2)
        assert [h.record_id for h in hits.best] == [p.id for p in named[2:4]]
        assert hits.total == 9
        hits = view.search_hits([word("Лосік")], EVERY, need=7)
    expected = [*named, *mentions][:7]  # need > limit: up to 7 of each group are ranked
    assert [h.record_id for h in hits.best] == [r.id for r in expected]
    store.close()
