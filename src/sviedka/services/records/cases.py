"""Record a case from one form: a detention, or an incident, with everything it touches.

A documenter fills in one form; ``register_detention`` turns it into the person (picked or new),
the detention (arrest, charges, court case, sentence, placement), the court, judge, prosecutor and
facility (picked or new), the judge's and prosecutor's involvement, and the source links, all in
ONE writer transaction: either everything is saved or nothing is. ``register_incident`` does the
same for an event, its victims, the acts against each, and the perpetrators with their roles.

Input is what a form sends: text, as typed (``None`` or blank for an empty field). Problems are
raised together as ``Invalid`` whose ``errors`` map the form's field names (``arrest.date``,
``charges.1.article``) to one of the messages below. The messages are fixed English texts marked
with ``N_`` so that the web shows them in the user's language; they never repeat what was typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ...errors import Invalid
from ...model import (
    Act,
    Arrest,
    Charge,
    Confidentiality,
    CourtCase,
    Credibility,
    DateRange,
    Detention,
    Event,
    Facility,
    Gender,
    Involvement,
    NameForm,
    Organisation,
    OrgKind,
    PartialDate,
    Person,
    Placement,
    Record,
    Reliability,
    Role,
    Sentence,
    Source,
    SourceLink,
)
from ...model.codec import check_text
from ...model.ids import is_record_id, new_id
from ...policy import Principal, clearance_levels, read_scope
from ...store import Store, View, Writer
from ...store.scoped import scoped
from ..archive.grants import grant_author

__all__ = [
    "MESSAGES",
    "N_",
    "ChargeInput",
    "DetentionCase",
    "IncidentCase",
    "PerpetratorInput",
    "PersonInput",
    "Pick",
    "Registered",
    "SourceInput",
    "VictimInput",
    "register_detention",
    "register_incident",
]

Text = str | None
Visible = Callable[[Record], bool]


def N_(text: str) -> str:
    """Mark a message for translation where it is shown (extracted by ``pybabel``)."""
    return text


REQUIRED = N_("Fill this in.")
DATE_FORMAT = N_("Write the date as YYYY, YYYY-MM or YYYY-MM-DD.")
DATE_REAL = N_("There is no such date.")
DATE_FUTURE = N_("This date is in the future.")
BEFORE_ARREST = N_("This is before the arrest.")
RANGE = N_("The end is before the start.")
PART = N_("A part is a whole number from 1 to 20.")
TERM = N_("Give the term in months, a whole number from 1 to 1200.")
CHOOSE = N_("Choose a value from the list.")
NO_RECORD = N_("No such record; pick one from the list.")
PERSON = N_("Pick a person or type a name.")
ARTICLE = N_("Choose the article.")
PENALTY = N_("Choose the penalty.")
FACILITY_TYPE = N_("Choose the type of the new facility.")
SOURCE = N_("Pick a source or name a new one.")
URL = N_("A web address starts with https:// or http://.")
VICTIM = N_("Add at least one victim.")
ACT = N_("Choose what was done to this person.")
EVENT = N_("Pick an event or give the new event a title.")
BAD_TEXT = N_("This text has characters that cannot be stored.")
TOO_LONG = N_("This is too long.")
REJECTED = N_("This value was not accepted.")

MESSAGES = (
    REQUIRED,
    DATE_FORMAT,
    DATE_REAL,
    DATE_FUTURE,
    BEFORE_ARREST,
    RANGE,
    PART,
    TERM,
    CHOOSE,
    NO_RECORD,
    PERSON,
    ARTICLE,
    PENALTY,
    FACILITY_TYPE,
    SOURCE,
    URL,
    VICTIM,
    ACT,
    EVENT,
    BAD_TEXT,
    TOO_LONG,
    REJECTED,
)
_NAME_MAX = 300
_DATE_SHAPE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_TEXT_MAX = 20_000


@dataclass(frozen=True, kw_only=True)
class Pick:
    """An existing record by ``id``, or a new one named ``name``."""

    id: Text = None
    name: Text = None


@dataclass(frozen=True, kw_only=True)
class PersonInput:
    """An existing person by ``id``, or a new one: name forms, birth date, gender, region."""

    id: Text = None
    name: Text = None
    lang: Text = None  # BCP 47: be, ru, en, be-Latn
    other_name: Text = None
    other_lang: Text = None
    birth_date: Text = None
    gender: Text = None
    region: Text = None


@dataclass(frozen=True, kw_only=True)
class ChargeInput:
    article: Text = None
    part: Text = None
    added: Text = None


@dataclass(frozen=True, kw_only=True)
class SourceInput:
    """Where the facts came from (an existing source, or a new one) and how it is graded."""

    id: Text = None
    title: Text = None
    url: Text = None
    reliability: Text = None
    credibility: Text = None
    locator: Text = None


@dataclass(frozen=True, kw_only=True)
class DetentionCase:
    person: PersonInput
    source: SourceInput
    names_lang: Text = None  # the language names of new courts, judges… are typed in
    confidentiality: Text = None
    arrest_date: Text = None
    arrest_place: Text = None
    arrest_unit: Pick = field(default_factory=Pick)
    charges: tuple[ChargeInput, ...] = ()
    case_number: Text = None
    court: Pick = field(default_factory=Pick)
    judge: Pick = field(default_factory=Pick)
    prosecutor: Pick = field(default_factory=Pick)
    verdict_date: Text = None
    penalty: Text = None
    term_months: Text = None
    regime: Text = None
    sentence_date: Text = None
    facility: Pick = field(default_factory=Pick)
    facility_type: Text = None
    placement_start: Text = None
    notes: Text = None
    reason: Text = None


@dataclass(frozen=True, kw_only=True)
class VictimInput:
    person: PersonInput
    act_type: Text = None
    consequences: Text = None


@dataclass(frozen=True, kw_only=True)
class PerpetratorInput:
    """A perpetrator (a person, or a unit by id) and their role in every act of the incident."""

    who: Pick
    role: Text = None


@dataclass(frozen=True, kw_only=True)
class IncidentCase:
    source: SourceInput
    event: Pick = field(default_factory=Pick)  # an existing event, or ``name`` = a new title
    names_lang: Text = None
    confidentiality: Text = None
    start: Text = None
    end: Text = None
    place: Text = None
    region: Text = None
    description: Text = None
    victims: tuple[VictimInput, ...] = ()
    perpetrators: tuple[PerpetratorInput, ...] = ()
    reason: Text = None


@dataclass(frozen=True)
class Registered:
    """What was saved: the detention or event, its person (for a detention), every new id."""

    main: str
    person: str | None
    created: tuple[str, ...]


def register_detention(
    store: Store,
    case: DetentionCase,
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
    with store.writer() as w:
        form = _Form(w, visible, case.names_lang, case.confidentiality, levels, principal)
        detention = _DetentionParts(form, case)
        form.raise_problems()
        return form.granted(detention.save(actor, case.reason), ip)


def register_incident(
    store: Store,
    case: IncidentCase,
    *,
    actor: str,
    visible: Visible | None = None,
    levels: Collection[Confidentiality] | None = None,
    principal: Principal | None = None,
    ip: str | None = None,
) -> Registered:
    """Save one incident (event, victims, acts, perpetrators, sources) in one transaction; the
    arguments are ``register_detention``'s."""
    with store.writer() as w:
        form = _Form(w, visible, case.names_lang, case.confidentiality, levels, principal)
        incident = _IncidentParts(form, case)
        form.raise_problems()
        return form.granted(incident.save(actor, case.reason), ip)


def _blank(text: Text) -> bool:
    return text is None or not text.strip()


class _Form:
    """Reads one form's fields, collecting every problem under the field's name; queues the
    records to add, and adds them all through the one writer when there is no problem."""

    def __init__(
        self,
        w: Writer,
        visible: Visible | None,
        lang: Text,
        level: Text,
        levels: Collection[Confidentiality] | None,
        principal: Principal | None = None,
    ) -> None:
        self.w = w
        self.principal = principal
        # Existing records are picked through the principal's scope: one query, whether the id
        # is unknown or hidden.
        self.reader: View = w if principal is None else scoped(w, read_scope(principal))
        self.visible = visible or (lambda record: True)
        self.errors: dict[str, str] = {}
        self.lang = lang.strip() if lang and lang.strip() else "und"
        chosen = self.enum("confidentiality", level, Confidentiality) or Confidentiality.INTERNAL
        if levels is None and principal is not None:
            levels = clearance_levels(principal)
        if levels is not None and chosen not in levels:
            self.fail("confidentiality", CHOOSE)
        self.level: Confidentiality = chosen
        self.new: list[Record] = []
        self.links: tuple[SourceLink, ...] = ()

    def fail(self, key: str, message: str) -> None:
        self.errors.setdefault(key, message)

    def raise_problems(self) -> None:
        if self.errors:
            raise Invalid("The case was not saved: some fields need attention.", self.errors)

    def granted(self, done: Registered, ip: str | None) -> Registered:
        """A restricted case is granted to its author in its own transaction: a crash leaves
        both or neither."""
        if self.principal is not None and self.level is Confidentiality.RESTRICTED:
            grant_author(self.w, self.principal, done.created, ip=ip)
        return done

    def text(self, key: str, value: Text, *, limit: int = _NAME_MAX) -> str | None:
        if _blank(value):
            return None
        assert value is not None
        try:
            check_text(value)
        except ValueError:
            self.fail(key, BAD_TEXT)
            return None
        if len(value) > limit:
            self.fail(key, TOO_LONG)
            return None
        return value.strip()

    def date(self, key: str, value: Text) -> PartialDate | None:
        if _blank(value):
            return None
        assert value is not None
        if not _DATE_SHAPE.match(value.strip()):
            self.fail(key, DATE_FORMAT)
            return None
        try:
            parsed = PartialDate.parse(value)
        except ValueError:
            self.fail(key, DATE_REAL)
            return None
        if parsed.earliest() > date.today():
            self.fail(key, DATE_FUTURE)
            return None
        return parsed

    def number(self, key: str, value: Text, low: int, high: int, message: str) -> int | None:
        if _blank(value):
            return None
        assert value is not None
        text = value.strip()
        if not text.isascii() or not text.isdigit() or not low <= int(text) <= high:
            self.fail(key, message)
            return None
        return int(text)

    def code(self, key: str, value: Text, vocab: str) -> str | None:
        if _blank(value):
            return None
        assert value is not None
        if value.strip() not in self.w.known_codes(vocab):
            self.fail(key, CHOOSE)
            return None
        return value.strip()

    def enum(self, key: str, value: Text, enum: Any) -> Any:
        if _blank(value):
            return None
        assert value is not None
        try:
            return enum(value.strip())
        except ValueError:
            self.fail(key, CHOOSE)
            return None

    def url(self, key: str, value: Text) -> str | None:
        text = self.text(key, value, limit=2000)
        if text is not None and not text.startswith(("https://", "http://")):
            self.fail(key, URL)
            return None
        return text

    def existing(self, key: str, record_id: Text, *kinds: str) -> Record | None:
        """A record the user may pick: of one of ``kinds`` and visible, else ``NO_RECORD`` (the
        same answer whether it does not exist or is hidden: existence itself is not told)."""
        if _blank(record_id):
            return None
        assert record_id is not None
        found = self.reader.find(record_id.strip()) if is_record_id(record_id.strip()) else None
        if found is None or found.record.KIND not in kinds or not self.visible(found.record):
            self.fail(key, NO_RECORD)
            return None
        return found.record

    def add(self, record: Record) -> str:
        self.new.append(record)
        return record.id

    def save(self, actor: str, reason: Text) -> tuple[str, ...]:
        why = (reason or "").strip() or "recorded in one form"
        for record in self.new:
            self.w.add(record, actor=actor, reason=why)
        return tuple(r.id for r in self.new)

    # -- shared parts ------------------------------------------------------------------

    def names(
        self, key: str, name: Text, lang: Text, other: Text, other_lang: Text
    ) -> tuple[NameForm, ...]:
        forms = []
        first = self.text(f"{key}.name", name)
        if first:
            forms.append(NameForm(full=first, lang=(lang or "").strip() or self.lang))
        second = self.text(f"{key}.other_name", other)
        if second:
            forms.append(NameForm(full=second, lang=(other_lang or "").strip() or "und"))
        return tuple(forms)

    def person(self, key: str, given: PersonInput) -> str | None:
        """The id of the person picked, or of a new person made from the typed fields."""
        if not _blank(given.id):
            found = self.existing(f"{key}.id", given.id, "person")
            return found.id if found else None
        names = self.names(key, given.name, given.lang, given.other_name, given.other_lang)
        if not names:
            self.fail(f"{key}.name", PERSON)
            return None
        person = Person(
            id=new_id(),
            confidentiality=self.level,
            sources=self.links,
            names=names,
            birth_date=self.date(f"{key}.birth_date", given.birth_date),
            gender=self.enum(f"{key}.gender", given.gender, Gender) or Gender.UNKNOWN,
            region=self.code(f"{key}.region", given.region, "regions_by"),
        )
        return self.add(person)

    def someone(self, key: str, pick: Pick, *, kinds: tuple[str, ...] = ("person",)) -> str | None:
        """A person (or, where ``kinds`` allows, a unit) picked by id, or a new person named."""
        if not _blank(pick.id):
            found = self.existing(key, pick.id, *kinds)
            return found.id if found else None
        name = self.text(key, pick.name)
        if name is None:
            return None
        level = max(self.level, Confidentiality.INTERNAL, key=_rank)
        names = (NameForm(full=name, lang=self.lang),)
        return self.add(Person(id=new_id(), confidentiality=level, sources=self.links, names=names))

    def organisation(
        self, key: str, pick: Pick, kind: OrgKind, facility: Facility | None = None
    ) -> str | None:
        """An organisation picked by id, an existing one of ``kind`` with exactly the typed name,
        or a new one (a public body: public unless the case is more protected)."""
        if not _blank(pick.id):
            found = self.existing(key, pick.id, "organisation")
            return found.id if found else None
        name = self.text(key, pick.name)
        if name is None:
            return None
        same = self._organisation_named(kind, name)
        if same is not None:
            return same
        names = (NameForm(full=name, lang=self.lang),)
        # A confidential case must not reveal, through a public record made from it, the name
        # of a place or unit it mentions (an unofficial place of detention, say).
        protected = _rank(self.level) > _rank(Confidentiality.INTERNAL)
        org = Organisation(
            id=new_id(),
            confidentiality=self.level if protected else Confidentiality.PUBLIC,
            sources=self.links,
            names=names,
            kind=kind,
            facility=facility,
        )
        return self.add(org)

    def _organisation_named(self, kind: OrgKind, name: str) -> str | None:
        wanted = name.casefold()
        for record in [*self.new, *_all(self.reader, "organisation", {"kind": kind.value})]:
            if not isinstance(record, Organisation) or record.kind is not kind:
                continue
            if self.visible(record) and any(n.full.casefold() == wanted for n in record.names):
                return record.id
        return None

    def source(self, given: SourceInput) -> None:
        """Set ``links``: the source (picked or new) with this case's grades."""
        reliability = self.enum("source.reliability", given.reliability, Reliability)
        credibility = self.enum("source.credibility", given.credibility, Credibility)
        locator = self.text("source.locator", given.locator)
        if not _blank(given.id):
            found = self.existing("source.id", given.id, "source")
            source_id = found.id if found else None
        else:
            source_id = self._new_source(given)
        if source_id is None:
            return
        self.links = (
            SourceLink(
                source=source_id,
                reliability=reliability or Reliability.F,
                credibility=credibility or Credibility.UNKNOWN,
                locator=locator,
            ),
        )

    def _new_source(self, given: SourceInput) -> str | None:
        title = self.text("source.title", given.title)
        url = self.url("source.url", given.url)
        if title is None:
            if "source.title" not in self.errors:
                self.fail("source.title", SOURCE)
            return None
        return self.add(Source(id=new_id(), confidentiality=self.level, title=title, url=url))


def _rank(level: Confidentiality) -> int:
    return list(Confidentiality).index(level)


def _all(view: View, kind: str, where: dict[str, str]) -> Iterable[Record]:
    return [s.record for s in view.records(kind, where=where, limit=100_000)]


class _DetentionParts:
    """The records of one detention case, read from the form (problems go to the form)."""

    def __init__(self, form: _Form, case: DetentionCase) -> None:
        self.form = form
        form.source(case.source)
        self.person = form.person("person", case.person)
        self.arrest = self._arrest(case)
        self.charges = tuple(self._charges(case.charges))
        self.court_case = self._court_case(case)
        self.sentence = self._sentence(case)
        self.placement = self._placement(case)
        self.notes = form.text("notes", case.notes, limit=_TEXT_MAX)

    def _arrest(self, case: DetentionCase) -> Arrest:
        f = self.form
        day = f.date("arrest.date", case.arrest_date)
        if _blank(case.arrest_date):
            f.fail("arrest.date", REQUIRED)
        unit = f.organisation("arrest.unit", case.arrest_unit, OrgKind.POLICE)
        self.arrested = day
        return Arrest(date=day, place=f.text("arrest.place", case.arrest_place), unit=unit)

    def _charges(self, rows: Iterable[ChargeInput]) -> Iterable[Charge]:
        for i, row in enumerate(rows):
            if all(_blank(v) for v in (row.article, row.part, row.added)):
                continue
            key = f"charges.{i}"
            article = self.form.code(f"{key}.article", row.article, "criminal_code_by")
            if _blank(row.article):
                self.form.fail(f"{key}.article", ARTICLE)
            part = self.form.number(f"{key}.part", row.part, 1, 20, PART)
            added = self._after_arrest(f"{key}.added", row.added)
            if article is not None:
                yield Charge(article=article, part=part, added=added)

    def _after_arrest(self, key: str, value: Text) -> PartialDate | None:
        day = self.form.date(key, value)
        if day and self.arrested and day.certainly_before(self.arrested):
            self.form.fail(key, BEFORE_ARREST)
        return day

    def _court_case(self, case: DetentionCase) -> CourtCase | None:
        f = self.form
        number = f.text("case.number", case.case_number)
        court = f.organisation("case.court", case.court, OrgKind.COURT)
        self.judge = f.someone("case.judge", case.judge)
        self.prosecutor = f.someone("case.prosecutor", case.prosecutor)
        verdict = self._after_arrest("case.verdict_date", case.verdict_date)
        parts = (number, court, self.judge, self.prosecutor, verdict)
        if all(p is None for p in parts):
            return None
        return CourtCase(
            number=number,
            court=court,
            judge=self.judge,
            prosecutor=self.prosecutor,
            verdict_date=verdict,
        )

    def _sentence(self, case: DetentionCase) -> Sentence | None:
        f = self.form
        penalty = f.code("sentence.penalty", case.penalty, "penalty_types")
        term = f.number("sentence.term_months", case.term_months, 1, 1200, TERM)
        regime = f.code("sentence.regime", case.regime, "facility_regimes")
        day = self._after_arrest("sentence.date", case.sentence_date)
        given = (case.term_months, case.regime, case.sentence_date)
        if _blank(case.penalty) and not all(_blank(v) for v in given):
            f.fail("sentence.penalty", PENALTY)
        if penalty is None:
            return None
        return Sentence(penalty=penalty, date=day, term_months=term, regime=regime)

    def _placement(self, case: DetentionCase) -> Placement | None:
        f = self.form
        kind = f.code("facility.type", case.facility_type, "facility_types")
        if _blank(case.facility.id) and not _blank(case.facility.name) and kind is None:
            f.fail("facility.type", FACILITY_TYPE)
        details = Facility(type=kind) if kind else None
        facility = f.organisation("facility", case.facility, OrgKind.PENAL_FACILITY, details)
        start = self._after_arrest("facility.start", case.placement_start)
        return Placement(facility=facility, start=start) if facility else None

    def save(self, actor: str, reason: Text) -> Registered:
        f = self.form
        assert self.person is not None
        detention = Detention(
            id=new_id(),
            confidentiality=f.level,
            sources=f.links,
            person=self.person,
            arrest=self.arrest,
            charges=self.charges,
            court_cases=(self.court_case,) if self.court_case else (),
            sentences=(self.sentence,) if self.sentence else (),
            placements=(self.placement,) if self.placement else (),
            notes=self.notes,
        )
        f.add(detention)
        for who, role in ((self.judge, Role.JUDGE), (self.prosecutor, Role.PROSECUTOR)):
            if who is not None:
                f.add(_involvement(f, who, role, detention=detention.id))
        created = _saved(f, actor, reason)
        return Registered(detention.id, self.person, created)


def _involvement(
    form: _Form, who: str, role: Role, *, act: str | None = None, detention: str | None = None
) -> Involvement:
    return Involvement(
        id=new_id(),
        confidentiality=form.level,
        sources=form.links,
        perpetrator=who,
        role=role,
        act=act,
        detention=detention,
    )


def _saved(form: _Form, actor: str, reason: Text) -> tuple[str, ...]:
    """Add every queued record; a problem only the writer finds (a race, a rule we do not check
    here) is reported as one form-level problem, and nothing is saved."""
    try:
        return form.save(actor, reason)
    except Invalid as exc:
        raise Invalid(
            "The case was not saved: some fields need attention.",
            {"(form)": REJECTED, **{f"(record).{k}": REJECTED for k in exc.errors}},
        ) from exc


class _IncidentParts:
    def __init__(self, form: _Form, case: IncidentCase) -> None:
        self.form = form
        form.source(case.source)
        self.dates = self._dates(case)
        self.event = self._event(case)
        self.victims = [self._victim(i, v) for i, v in enumerate(case.victims) if _filled(v)]
        if not self.victims:
            form.fail("victims.0.name", VICTIM)
        self.perpetrators = [
            p for i, row in enumerate(case.perpetrators) if (p := self._perpetrator(i, row))
        ]

    def _dates(self, case: IncidentCase) -> DateRange | None:
        start = self.form.date("event.start", case.start)
        end = self.form.date("event.end", case.end)
        if start and end and end.certainly_before(start):
            self.form.fail("event.end", RANGE)
            return None
        return DateRange(start, end) if start or end else None

    def _event(self, case: IncidentCase) -> str | None:
        f = self.form
        if not _blank(case.event.id):
            found = f.existing("event.id", case.event.id, "event")
            return found.id if found else None
        title = f.text("event.title", case.event.name)
        if title is None:
            f.fail("event.title", EVENT)
            return None
        event = Event(
            id=new_id(),
            confidentiality=f.level,
            sources=f.links,
            title=title,
            dates=self.dates,
            place=f.text("event.place", case.place),
            region=f.code("event.region", case.region, "regions_by"),
            description=f.text("event.description", case.description, limit=_TEXT_MAX),
        )
        return f.add(event)

    def _victim(self, i: int, row: VictimInput) -> tuple[str | None, str | None, str | None]:
        key = f"victims.{i}"
        person = self.form.person(key, row.person)
        act = self.form.code(f"{key}.act_type", row.act_type, "types_of_acts")
        if _blank(row.act_type):
            self.form.fail(f"{key}.act_type", ACT)
        consequences = self.form.text(f"{key}.consequences", row.consequences, limit=_TEXT_MAX)
        return person, act, consequences

    def _perpetrator(self, i: int, row: PerpetratorInput) -> tuple[str, Role] | None:
        key = f"perpetrators.{i}"
        if _blank(row.who.id) and _blank(row.who.name):
            return None
        who = self.form.someone(f"{key}.name", row.who, kinds=("person", "organisation"))
        role = self.form.enum(f"{key}.role", row.role, Role) or Role.OTHER
        return (who, role) if who else None

    def save(self, actor: str, reason: Text) -> Registered:
        f = self.form
        assert self.event is not None
        for victim, kind, consequences in self.victims:
            assert victim is not None and kind is not None
            act = Act(
                id=new_id(),
                confidentiality=f.level,
                sources=f.links,
                victim=victim,
                type=kind,
                event=self.event,
                dates=self.dates,
                consequences=consequences,
            )
            f.add(act)
            for who, role in self.perpetrators:
                f.add(_involvement(f, who, role, act=act.id))
        created = _saved(f, actor, reason)
        return Registered(self.event, None, created)


def _filled(row: VictimInput) -> bool:
    p = row.person
    return not all(_blank(v) for v in (p.id, p.name, p.other_name, p.birth_date, row.act_type))
