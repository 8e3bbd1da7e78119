"""Record a case from one form: a detention, or an incident, with everything it touches.

A documenter fills in one form; ``register_detention`` turns it into the person (picked or new),
the detention (arrest, charges, court case, sentence, placement), the court, judge, prosecutor and
facility (picked or new), the judge's and prosecutor's involvement, and the source links, all in
ONE writer transaction: either everything is saved or nothing is. ``register_incident`` does the
same for an event, its victims, the acts against each, and the perpetrators with their roles.

Each form is a declaration: which of its fields go to which model path of which record
(``case.verdict_date`` is the detention's ``court_cases.0.verdict_date``), read by the one form
reader (``forms.read_form``), and which fields are pickers that point to a record or make one.
What is left here is the glue between records: the person picked or new, a court found by its
name, dates after the arrest, the grant of a restricted case in the same transaction.

Input is what a form sends: text keyed by the form's field names (blank: not given). Problems are
raised together as ``Invalid`` whose ``errors`` map those names (``arrest.date``,
``charges.1.article``) to one of the messages marked with ``N_`` (here and in ``forms``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ...errors import Invalid
from ...model import (
    Act,
    Confidentiality,
    Detention,
    Event,
    Facility,
    Involvement,
    NameForm,
    Organisation,
    OrgKind,
    PartialDate,
    Person,
    Record,
    Role,
    Source,
    SourceLink,
)
from ...model.codec import dump, load
from ...model.ids import is_record_id, new_id
from ...policy import Principal, clearance_levels, read_scope
from ...store import Store, View, Writer
from ...store.scoped import scoped
from ..archive.grants import grant_author
from .forms import (
    CHOOSE,
    DATE_FORMAT,
    DATE_FUTURE,
    DATE_REAL,
    MAX_ROWS,
    N_,
    NO_RECORD,
    RANGE,
    REQUIRED,
    Lookups,
    pattern_of,
    read_form,
)

__all__ = [
    "DETENTION",
    "INCIDENT",
    "MESSAGES",
    "N_",
    "Registered",
    "register_detention",
    "register_incident",
]

Values = Mapping[str, str | None]
Visible = Callable[[Record], bool]

BEFORE_ARREST = N_("This is before the arrest.")
PART = N_("A part is a whole number from 1 to 20.")
TERM = N_("Give the term in months, a whole number from 1 to 1200.")
PERSON = N_("Pick a person or type a name.")
ARTICLE = N_("Choose the article.")
PENALTY = N_("Choose the penalty.")
FACILITY_TYPE = N_("Choose the type of the new facility.")
SOURCE = N_("Pick a source or name a new one.")
URL = N_("A web address starts with https:// or http://.")
VICTIM = N_("Add at least one victim.")
ACT = N_("Choose what was done to this person.")
EVENT = N_("Pick an event or give the new event a title.")
REJECTED = N_("This value was not accepted.")
MESSAGES = (
    *(REQUIRED, DATE_FORMAT, DATE_REAL, DATE_FUTURE, RANGE, CHOOSE, NO_RECORD),
    *(BEFORE_ARREST, PART, TERM, PERSON, ARTICLE, PENALTY, FACILITY_TYPE, SOURCE, URL),
    *(VICTIM, ACT, EVENT, REJECTED),
)

# -- the declarations: form field -> model path ("*" is a row) --------------------------------

DETENTION = {
    "arrest.date": "arrest.date",
    "arrest.place": "arrest.place",
    "charges.*.article": "charges.*.article",
    "charges.*.part": "charges.*.part",
    "charges.*.added": "charges.*.added",
    "case.number": "court_cases.0.number",
    "case.verdict_date": "court_cases.0.verdict_date",
    "sentence.penalty": "sentences.0.penalty",
    "sentence.term_months": "sentences.0.term_months",
    "sentence.regime": "sentences.0.regime",
    "sentence.date": "sentences.0.date",
    "facility.start": "placements.0.start",
    "notes": "notes",
}
INCIDENT = {
    "event.title": "title",
    "event.start": "dates.start",
    "event.end": "dates.end",
    "event.place": "place",
    "event.region": "region",
    "event.description": "description",
}
PERSON_FIELDS = {  # under ``person.`` or ``victims.N.``
    "name": "names.0.full",
    "lang": "names.0.lang",
    "other_name": "names.1.full",
    "other_lang": "names.1.lang",
    "birth_date": "birth_date",
    "gender": "gender",
    "region": "region",
}
ACT_FIELDS = {"act_type": "type", "consequences": "consequences"}  # under ``victims.N.``
SOURCE_FIELDS = {"title": "title", "url": "url"}  # a new source, under ``source.``
LINK_FIELDS = {"reliability": "reliability", "credibility": "credibility", "locator": "locator"}
ROLE_FIELDS = {"role": "role"}  # under ``perpetrators.N.``

# Pickers of the detention form: the form field, the model path it fills, and what a new record
# made from a typed name is: a person, or an organisation of a kind.
DETENTION_PICKS: tuple[tuple[str, str, OrgKind | None], ...] = (
    ("arrest.unit", "arrest.unit", OrgKind.POLICE),
    ("case.court", "court_cases.0.court", OrgKind.COURT),
    ("case.judge", "court_cases.0.judge", None),
    ("case.prosecutor", "court_cases.0.prosecutor", None),
    ("facility", "placements.0.facility", OrgKind.PENAL_FACILITY),
)
AFTER_ARREST = ("charges.*.added", "case.verdict_date", "sentence.date", "facility.start")

LIMIT = 300  # a name, a place, a case number
LIMITS = {"notes": 20_000, "description": 20_000, "consequences": 20_000, "url": 2000}
RANGES = {"charges.*.part": (1, 20, PART), "sentences.*.term_months": (1, 1200, TERM)}
IN_GROUPS = {"charges.*.article": ARTICLE, "sentences.*.penalty": PENALTY}  # when missing
_ROW = re.compile(r"\.(\d+)(?=\.|$)")


@dataclass(frozen=True)
class Registered:
    """What was saved: the detention or event, its person (for a detention), every new id."""

    main: str
    person: str | None
    created: tuple[str, ...]


def register_detention(
    store: Store,
    values: Values,
    *,
    actor: str,
    visible: Visible | None = None,
    levels: Collection[Confidentiality] | None = None,
    principal: Principal | None = None,
    ip: str | None = None,
) -> Registered:
    """Save one detention case in one transaction; ``Invalid`` (nothing saved) if anything is
    wrong. ``principal``: who records it, who picks only records it may read, saves within its
    clearance, and is granted a restricted case in the same transaction (audited; ``ip`` for
    the audit). ``visible`` narrows which existing records may be picked, ``levels`` at which
    confidentiality levels the case may be saved (default: all, or the principal's)."""
    return _register(store, values, _detention, actor, visible, levels, principal, ip)


def register_incident(
    store: Store,
    values: Values,
    *,
    actor: str,
    visible: Visible | None = None,
    levels: Collection[Confidentiality] | None = None,
    principal: Principal | None = None,
    ip: str | None = None,
) -> Registered:
    """Save one incident (event, victims, acts, perpetrators, sources) in one transaction; the
    arguments are ``register_detention``'s."""
    return _register(
        store, values, lambda form: (_incident(form), None), actor, visible, levels, principal, ip
    )


def _register(
    store: Store,
    values: Values,
    fill: Callable[[_Form], tuple[str, str | None]],
    actor: str,
    visible: Visible | None,
    levels: Collection[Confidentiality] | None,
    principal: Principal | None,
    ip: str | None,
) -> Registered:
    """One case in one writer transaction: ``fill`` reads the form into records (the main
    record's id and the person's), then nothing is saved if any field has a problem."""
    with store.writer() as w:
        form = _Form(w, values, visible, levels, principal)
        main, person = fill(form)
        form.raise_problems()
        return form.granted(Registered(main, person, form.save(actor)), ip)


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def _rename(key: str, declared: Mapping[str, str], prefix: str = "") -> str | None:
    """The model path of form field ``key`` (``charges.2.part`` -> ``charges.2.part``)."""
    if not key.startswith(prefix):
        return None
    target = declared.get(pattern_of(key[len(prefix) :]))
    if target is None:
        return None
    rows = iter(_ROW.findall(key[len(prefix) :]))
    return re.sub(r"\*", lambda _: next(rows), target)


class _Form:
    """One form being read: the values sent, every problem by field name, the records queued;
    all added through the one writer when there is no problem."""

    def __init__(
        self,
        w: Writer,
        values: Values,
        visible: Visible | None,
        levels: Collection[Confidentiality] | None,
        principal: Principal | None,
    ) -> None:
        self.w, self.values, self.principal = w, values, principal
        # Existing records are picked through the principal's scope: one query, whether the id
        # is unknown or hidden.
        self.reader: View = w if principal is None else scoped(w, read_scope(principal))
        self.visible = visible or (lambda record: True)
        self.errors: dict[str, str] = {}
        self.new: list[Record] = []
        self.lookups = Lookups(w.known_codes, self.pickable, date.today())
        self.lang = (self.get("names_lang") or "und").strip()
        self.level = self._level(levels)
        self.links: tuple[SourceLink, ...] = ()

    def get(self, key: str) -> str | None:
        text = self.values.get(key)
        return None if _blank(text) else text

    def fail(self, key: str, message: str) -> None:
        self.errors.setdefault(key, message)

    def _level(self, levels: Collection[Confidentiality] | None) -> Confidentiality:
        chosen = Confidentiality.INTERNAL
        given = (self.get("confidentiality") or "internal").strip()
        if given in {c.value for c in Confidentiality}:
            chosen = Confidentiality(given)
        else:
            self.fail("confidentiality", CHOOSE)
        if levels is None and self.principal is not None:
            levels = clearance_levels(self.principal)
        if levels is not None and chosen not in levels:
            self.fail("confidentiality", CHOOSE)
        return chosen

    def read(
        self,
        cls: type,
        declared: Mapping[str, str],
        prefix: str = "",
        extra: Mapping[str, str | None] | None = None,
        required: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """The state of a ``cls`` read from the declared fields under ``prefix``; problems are
        reported under the form's field names."""
        sent: dict[str, str | None] = {}
        names: dict[str, str] = {}
        for key, text in self.values.items():
            path = _rename(key, declared, prefix)
            if path is not None:
                sent[path], names[path] = text, key
        sent.update(extra or {})
        reading = read_form(
            cls,
            sent,
            self.lookups,
            limit=LIMIT,
            limits=LIMITS,
            ranges=RANGES,
            required={**IN_GROUPS, **(required or {})},
        )
        back = {pattern_of(v): pattern_of(k) for k, v in declared.items()}
        for path, message in reading.problems.items():
            self.fail(names.get(path) or _form_name(path, back, prefix), message)
        return reading.state

    def pickable(self, record_id: str, kinds: tuple[str, ...]) -> bool:
        if any(r.id == record_id for r in self.new):
            return True
        return self.existing(record_id, kinds) is not None

    def existing(self, record_id: str, kinds: Iterable[str]) -> Record | None:
        """A record the user may pick: of one of ``kinds`` and visible (the same answer whether
        it does not exist or is hidden: existence itself is not told)."""
        found = self.reader.find(record_id) if is_record_id(record_id) else None
        if found is None or found.record.KIND not in kinds or not self.visible(found.record):
            return None
        return found.record

    def picked(self, key: str, kinds: tuple[str, ...], error: str | None = None) -> str | None:
        """The id in ``<key>.id``, if a record one may pick; else the problem at ``error``."""
        record_id = (self.get(f"{key}.id") or "").strip()
        found = self.existing(record_id, kinds)
        if found is None:
            self.fail(error or key, NO_RECORD)
            return None
        return found.id

    def add(self, record: Record) -> str:
        self.new.append(record)
        return record.id

    def raise_problems(self) -> None:
        if self.errors:
            raise Invalid("The case was not saved: some fields need attention.", self.errors)

    def save(self, actor: str) -> tuple[str, ...]:
        """Add every queued record; a problem only the writer finds (a race, a rule not checked
        here) is reported as one form-level problem, and nothing is saved."""
        why = (self.get("reason") or "").strip() or "recorded in one form"
        try:
            for record in self.new:
                self.w.add(record, actor=actor, reason=why)
        except Invalid as exc:
            raise Invalid(
                "The case was not saved: some fields need attention.",
                {"(form)": REJECTED, **{f"(record).{k}": REJECTED for k in exc.errors}},
            ) from exc
        return tuple(r.id for r in self.new)

    def granted(self, done: Registered, ip: str | None) -> Registered:
        """A restricted case is granted to its author in its own transaction: a crash leaves
        both or neither."""
        if self.principal is not None and self.level is Confidentiality.RESTRICTED:
            grant_author(self.w, self.principal, done.created, ip=ip)
        return done

    def record(self, cls: type[Record], state: Mapping[str, Any], **fields: Any) -> Record:
        base = {"id": new_id(), "confidentiality": self.level, "sources": self.links}
        return load(cls, {**state, **_dumped(base | fields)})


def _form_name(path: str, back: Mapping[str, str], prefix: str) -> str:
    rows = iter(_ROW.findall(path))
    name = back.get(pattern_of(path), path)
    return prefix + re.sub(r"\*", lambda _: next(rows, "0"), name)


def _dumped(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {k: dump(v) for k, v in fields.items() if v is not None}


# -- the glue between records ------------------------------------------------------------------


def _source(form: _Form) -> None:
    """Set ``links``: the source (picked or new) with this case's grades."""
    link = form.read(SourceLink, LINK_FIELDS, "source.")
    if form.get("source.id"):
        source_id = form.picked("source", ("source",), "source.id")
    else:
        state = form.read(Source, SOURCE_FIELDS, "source.")
        url = state.get("url")
        if url and not url.startswith(("https://", "http://")):
            form.fail("source.url", URL)
        if "title" not in state:
            form.fail("source.title", SOURCE)
        if "source.title" in form.errors or "source.url" in form.errors:
            return
        source_id = form.add(form.record(Source, state))
    if source_id is not None and not any(k.startswith("source.") for k in form.errors):
        form.links = (load(SourceLink, {**link, "source": source_id}),)


def _person(form: _Form, key: str) -> str | None:
    """The id of the person picked, or of a new person made from the typed fields."""
    if form.get(f"{key}.id"):
        return form.picked(key, ("person",), f"{key}.id")
    name, other = form.get(f"{key}.name"), form.get(f"{key}.other_name")
    if name is None and other is None:
        form.fail(f"{key}.name", PERSON)
        return None
    extra = {  # a language goes with a name typed: the case's language if none is chosen
        "names.0.lang": (form.get(f"{key}.lang") or form.lang) if name else None,
        "names.1.lang": (form.get(f"{key}.other_lang") or "und") if other else None,
    }
    state = form.read(Person, PERSON_FIELDS, f"{key}.", extra)
    if any(k.startswith(f"{key}.") for k in form.errors):
        return None
    return form.add(form.record(Person, state))


def _someone(
    form: _Form, key: str, kinds: tuple[str, ...] = ("person",), error: str | None = None
) -> str | None:
    """A person (or, where ``kinds`` allows, a unit) picked by id, or a new person named."""
    if form.get(f"{key}.id"):
        return form.picked(key, kinds, error)
    name = _name(form, key, error)
    if name is None:
        return None
    level = max(form.level, Confidentiality.INTERNAL, key=_rank)
    state = {"names": [{"full": name, "lang": form.lang}]}
    return form.add(form.record(Person, state, confidentiality=level))


def _organisation(form: _Form, key: str, kind: OrgKind) -> str | None:
    """An organisation picked by id, an existing one of ``kind`` with exactly the typed name,
    or a new one (a public body: public unless the case is more protected)."""
    if form.get(f"{key}.id"):
        return form.picked(key, ("organisation",))
    name = _name(form, key)
    if name is None:
        return None
    same = _organisation_named(form, kind, name)
    if same is not None:
        return same
    facility = None
    if kind is OrgKind.PENAL_FACILITY:
        facility = _facility(form)
        if facility is None:
            return None
    # A confidential case must not reveal, through a public record made from it, the name of a
    # place or unit it mentions (an unofficial place of detention, say).
    protected = _rank(form.level) > _rank(Confidentiality.INTERNAL)
    state = {"names": [{"full": name, "lang": form.lang}], "kind": kind.value}
    level = form.level if protected else Confidentiality.PUBLIC
    return form.add(form.record(Organisation, state, confidentiality=level, facility=facility))


def _facility(form: _Form) -> Facility | None:
    state = form.read(Facility, {"facility.type": "type"})
    if "facility.type" in form.errors:
        return None
    if "type" not in state:
        form.fail("facility.type", FACILITY_TYPE)
        return None
    return load(Facility, state)


def _name(form: _Form, key: str, error: str | None = None) -> str | None:
    """A picker's typed name, read as a name form; a problem is shown at the picker."""
    reading = read_form(NameForm, {"full": form.get(f"{key}.name")}, form.lookups, limit=LIMIT)
    for message in reading.problems.values():
        form.fail(error or key, message)
    full = reading.state.get("full")
    return full if isinstance(full, str) else None


def _organisation_named(form: _Form, kind: OrgKind, name: str) -> str | None:
    wanted = name.casefold()
    existing = form.reader.records("organisation", where={"kind": kind.value}, limit=100_000)
    for record in [*form.new, *(s.record for s in existing)]:
        if not isinstance(record, Organisation) or record.kind is not kind:
            continue
        if form.visible(record) and any(n.full.casefold() == wanted for n in record.names):
            return record.id
    return None


def _rank(level: Confidentiality) -> int:
    return list(Confidentiality).index(level)


def _detention(form: _Form) -> tuple[str, str | None]:
    _source(form)
    person = _person(form, "person")
    picks: dict[str, str | None] = {}
    for key, path, kind in DETENTION_PICKS:
        picks[path] = _someone(form, key) if kind is None else _organisation(form, key, kind)
    declared = {**DETENTION, **{key: path for key, path, _ in DETENTION_PICKS}}
    required = {"arrest.date": REQUIRED}
    state = form.read(Detention, declared, extra={"person": person, **picks}, required=required)
    _after_arrest(form)
    if form.errors:
        return "", person
    detention = form.add(form.record(Detention, state))
    court = state.get("court_cases", [{}])[0]
    for path, role in (("judge", Role.JUDGE), ("prosecutor", Role.PROSECUTOR)):
        if court.get(path):
            form.add(_involvement(form, court[path], role, detention=detention))
    return detention, person


def _after_arrest(form: _Form) -> None:
    arrested = _date(form.get("arrest.date"))
    if arrested is None:
        return
    for key in form.values:
        if pattern_of(key) in AFTER_ARREST and key not in form.errors:
            day = _date(form.get(key))
            if day and day.certainly_before(arrested):
                form.fail(key, BEFORE_ARREST)


def _date(text: str | None) -> PartialDate | None:
    try:
        return PartialDate.parse(text) if text else None
    except ValueError:
        return None


def _involvement(
    form: _Form, who: str, role: Role, *, act: str | None = None, detention: str | None = None
) -> Record:
    state = {"perpetrator": who, "role": role.value, "act": act, "detention": detention}
    return form.record(Involvement, {k: v for k, v in state.items() if v})


def _incident(form: _Form) -> str:
    _source(form)
    state = form.read(Event, INCIDENT)
    event = _event(form, state)
    dates = {"dates": state["dates"]} if state.get("dates") else {}
    victims = [_victim(form, i) for i in _rows(form, "victims") if _filled(form, f"victims.{i}")]
    if not victims:
        form.fail("victims.0.name", VICTIM)
    perpetrators = [p for i in _rows(form, "perpetrators") if (p := _perpetrator(form, i))]
    if form.errors or event is None:
        return ""
    for victim, act_state in victims:
        assert victim is not None
        act = form.add(form.record(Act, {**act_state, **dates}, victim=victim, event=event))
        for who, role in perpetrators:
            form.add(_involvement(form, who, role, act=act))
    return event


def _event(form: _Form, state: Mapping[str, Any]) -> str | None:
    """The event picked, or a new one from the form's event fields."""
    if form.get("event.id"):
        return form.picked("event", ("event",), "event.id")
    if "title" not in state:
        form.fail("event.title", EVENT)
        return None
    if any(k.startswith("event.") for k in form.errors):
        return None
    return form.add(form.record(Event, state))


def _rows(form: _Form, group: str) -> list[int]:
    """The row numbers sent for ``group`` (``victims.3.name``: 3), in order."""
    found = {int(m.group(1)) for k in form.values if (m := re.match(rf"{group}\.(\d+)\.", k))}
    return sorted(n for n in found if n < MAX_ROWS)


def _filled(form: _Form, key: str) -> bool:
    names = ("id", "name", "other_name", "birth_date", "act_type")
    return any(form.get(f"{key}.{n}") for n in names)


def _victim(form: _Form, i: int) -> tuple[str | None, dict[str, Any]]:
    key = f"victims.{i}"
    person = _person(form, key)
    act = form.read(Act, ACT_FIELDS, f"{key}.")
    if "type" not in act:
        form.fail(f"{key}.act_type", ACT)
    return person, act


def _perpetrator(form: _Form, i: int) -> tuple[str, Role] | None:
    key = f"perpetrators.{i}"
    if not form.get(f"{key}.id") and not form.get(f"{key}.name"):
        return None
    who = _someone(form, key, ("person", "organisation"), error=f"{key}.name")
    state = form.read(Involvement, ROLE_FIELDS, f"{key}.")
    return (who, Role(state.get("role", "other"))) if who else None
