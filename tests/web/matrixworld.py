"""The archive the web authorisation matrix runs on (``test_matrix.py``), and its users logged in.

Every *subject* is a confidentiality level or a compartment of a restricted record: granted to
the user, to a group of theirs, to nobody, or to others. Each subject has a person (and a
"twin"), a detention in a facility, a source, an event, an act and an image file, all at its
level with its grants. Each carries the subject's ``marker`` in its name or title and the person
its ``secret`` in every sensitive field: a page that shows a marker or a secret the user may not
see has leaked, wherever on the page it is.

Around them: a public "bridge" person whose detention, sources, acts and evidence point at every
subject's records (what a readable record shows of an unreadable one it names), an "alias"
judged the same as the restricted subjects' persons, "unsure" pairs for the review queue, and a
crowd of unreadable namesakes of one public person (duplicate warnings must not be crowded out).
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image

from authz_oracle import USERS, User, allowed, may_read, name
from sviedka.model import Confidentiality, Verdict
from sviedka.model.ids import new_id
from sviedka.policy import custodian
from sviedka.services import accounts
from sviedka.services.archive.grants import add_grant
from sviedka.services.evidence import Collection, ingest_stream
from sviedka.services.records.records import add_record, update_record
from sviedka.services.records.resolver import judge

PASSWORD = "correct horse battery staple"
GROUP, OTHER_GROUP = "case-a", "case-b"
ARTICLE = "342"
ACT = "010000000000"  # a HURIDOCS type of act (the shipped vocabulary)
RECOGNISED = {"date": "2021-02-01", "by": "Viasna"}  # statistics count political prisoners
KINDS = ("person", "twin", "detention", "organisation", "source", "event", "act", "evidence")


@dataclass(frozen=True)
class Subject:
    key: str
    level: str
    granted: str = ""  # restricted only: "user", "group", "nobody" or "others"
    marker: str = ""  # in every name and title of the subject's records
    secret: str = ""  # in the person's contacts, address and family

    def readable_by(self, user: User) -> bool:
        return may_read(user, self.level, granted=self.granted in ("user", "group"))


def _subject(key: str, level: str, granted: str = "") -> Subject:
    tag = key[:3].capitalize() + key[-3:]  # letters only: one word for the search index
    return Subject(key, level, granted, f"Qz{tag}", f"Wx{tag}")


SUBJECTS = (
    _subject("public", "public"),
    _subject("internal", "internal"),
    _subject("confidential", "confidential"),
    _subject("granted-user", "restricted", "user"),
    _subject("granted-group", "restricted", "group"),
    _subject("granted-nobody", "restricted", "nobody"),
    _subject("granted-others", "restricted", "others"),
)
DECLASSIFIED = "WxDeclas"  # in the note of a record's first, restricted, revision only
CROWD = 8  # unreadable namesakes of the public "Ales Crowdson": the matcher's page size


@dataclass(eq=False)  # hashed by identity: ``unseen`` is cached per world
class World:
    app: FastAPI
    client: TestClient
    ids: dict[str, dict[str, str]]  # subject key -> kind -> record id
    files: dict[str, str]  # subject key -> sha256 of its image
    images: dict[str, bytes]
    bridge: dict[str, str]  # kind -> id of the public records pointing at every subject
    hidden_crowd: list[str]
    sessions: dict[User, tuple[str, str]] = field(default_factory=dict)  # cookie, CSRF token

    @property
    def store(self) -> Any:
        return self.app.state.archive.store

    def get(self, user: User, url: str) -> httpx.Response:
        return self.client.get(url, headers=self._headers(user), follow_redirects=False)

    def post(
        self, user: User, url: str, data: Mapping[str, str] | None = None, **extra: Any
    ) -> httpx.Response:
        # first, as the pages put it: an upload's CSRF check reads only the first field
        form = {"csrf_token": self.sessions[user][1], **(data or {})}
        headers = self._headers(user, extra.pop("headers", {}))
        return self.client.post(url, data=form, headers=headers, follow_redirects=False, **extra)

    def _headers(self, user: User, more: Mapping[str, str] | None = None) -> dict[str, str]:
        return {"Cookie": f"sviedka_session={self.sessions[user][0]}", **(more or {})}

    @functools.cache  # noqa: B019 (one world per module, a few users)
    def unseen(self, user: User) -> frozenset[str]:
        """What must never appear on a page for this user: the markers, secrets, record ids and
        file hashes of the subjects they may not read, and every secret without
        ``read_sensitive``."""
        found = {*self.hidden_crowd, DECLASSIFIED}
        for s in SUBJECTS:
            if not s.readable_by(user):
                found |= {s.marker, s.secret, self.files[s.key], *self.ids[s.key].values()}
            elif not allowed(user, "read_sensitive"):
                found.add(s.secret)
        return frozenset(found)

    def leaks(self, user: User, response: httpx.Response, asked: Iterable[str] = ()) -> set[str]:
        """What ``unseen`` the page shows, apart from what the request itself sent."""
        return {m for m in self.unseen(user) - set(asked) if m in response.text}


def login(world: World, user: User) -> None:
    client = world.client
    form = {"username": name(user), "password": PASSWORD}
    answer = client.post("/login", data=form, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    cookie = client.cookies["sviedka_session"]
    client.cookies.clear()
    page = client.get("/search", headers={"Cookie": f"sviedka_session={cookie}"})
    csrf = re.search(r'<meta name="csrf-token" content="([0-9a-f]+)">', page.text)
    assert csrf is not None, page.text
    world.sessions[user] = (cookie, csrf.group(1))


def add_users(store: Any) -> dict[User, str]:
    """Every role at every clearance (in the group every subject "granted-group" is granted
    to), someone else in another group, and an account for the admin forms to act on."""
    made = {}
    for user in USERS:
        role, clearance = user
        added = accounts.add_user(
            store, name(user), PASSWORD, role=role, clearance=clearance, groups=(GROUP,)
        )
        made[user] = added.id
    accounts.add_user(
        store, "stranger", PASSWORD, role="admin", clearance="restricted", groups=(OTHER_GROUP,)
    )
    accounts.add_user(store, "target", PASSWORD, role="viewer", clearance="public")
    return made


def build(app: FastAPI, client: TestClient, tmp: Path) -> World:
    archive = app.state.archive
    store = archive.store
    user_ids = add_users(store)
    ids = {s.key: _subject_records(store, s) for s in SUBJECTS}
    files, images = {}, {}
    for s in SUBJECTS:
        links = (ids[s.key]["person"],)
        files[s.key], ids[s.key]["evidence"], images[s.key] = _image(archive, tmp, s, links)
    for s in SUBJECTS:
        _grant(store, s, ids[s.key].values(), user_ids)
    bridge = _bridge(archive, tmp, ids)
    bridge["declassified"] = _declassified(store)
    world = World(app, client, ids, files, images, bridge, _crowd(store))
    for user in USERS:
        login(world, user)
    return world


def _add(store: Any, kind: str, body: dict[str, Any]) -> str:
    return str(add_record(store, kind, body, actor="test").record.id)


def _subject_records(store: Any, s: Subject) -> dict[str, str]:
    level = {"confidentiality": s.level}
    secret = {"contacts": [f"{s.secret} phone"], "address": f"{s.secret} street"}
    secret["family"] = f"{s.secret} family"
    person = _add(
        store,
        "person",
        {"names": [{"full": f"Kastus {s.marker}", "lang": "be"}], "sensitive": secret, **level},
    )
    twin = _add(store, "person", {"names": [{"full": f"Janka {s.marker}"}], **level})
    org = {"names": [{"full": f"Turma {s.marker}"}], "kind": "penal_facility", **level}
    facility = _add(store, "organisation", org)
    source = _add(store, "source", {"title": f"Letter {s.marker}", **level})
    event = _add(store, "event", {"title": f"Rally {s.marker}", **level})
    detention = {
        "person": person,
        "arrest": {"date": "2021-01-10", "unit": facility},
        "charges": [{"article": ARTICLE}],
        "court_cases": [{"court": facility, "judge": twin}],
        "placements": [{"facility": facility, "start": "2021-01-11"}],
        "recognition": RECOGNISED,
        "sources": [{"source": source}],
        "notes": f"{s.marker} held",
        **level,
    }
    act = {"victim": person, "event": event, "type": ACT, "consequences": f"{s.marker} hurt"}
    act |= level
    return {
        "person": person,
        "twin": twin,
        "organisation": facility,
        "source": source,
        "event": event,
        "detention": _add(store, "detention", detention),
        "act": _add(store, "act", act),
    }


def _image(
    archive: Any, tmp: Path, s: Subject | None, links: tuple[str, ...]
) -> tuple[str, str, bytes]:
    """A small PNG of its own colour, stored, linked and described (with a thumbnail)."""
    tag = s.marker if s else "Bridge"
    colour = tuple(hashlib.sha256(tag.encode()).digest()[:3])
    out = io.BytesIO()
    Image.new("RGB", (16, 16), colour).save(out, format="PNG")
    data = out.getvalue()
    level = s.level if s else "public"
    # The bridge file is public yet names every subject's person. An ingest refuses that (a
    # file is at least as protected as what it shows), so its links are written afterwards by
    # the custodian, as an archive made before that rule holds them: the pages must still not
    # show what the reader may not read.
    collection = Collection(
        links=links if s else (),
        collected_place=f"{tag} yard",
        confidentiality=Confidentiality(level),
    )
    made = ingest_stream(
        archive, io.BytesIO(data), name=f"{tag}.png", actor="test", collection=collection
    )
    if s is None:
        update_record(
            archive.store, made.evidence_id, {"links": list(links)}, actor="test", patch=True
        )
    return made.sha256, made.evidence_id, data


def _grant(store: Any, s: Subject, records: Iterable[str], user_ids: dict[User, str]) -> None:
    grantees: list[tuple[str, str]] = {
        "user": [("user", uid) for uid in user_ids.values()],
        "group": [("group", GROUP)],
        "others": [("group", OTHER_GROUP), ("user", _user_id(store, "stranger"))],
    }.get(s.granted, [])
    for record in records:
        for kind, grantee in grantees:
            add_grant(store, custodian("test"), record, grantee_kind=kind, grantee=grantee)


def _user_id(store: Any, username: str) -> str:
    return str(accounts.find_user(store, username).id)


def _bridge(archive: Any, tmp: Path, ids: dict[str, dict[str, str]]) -> dict[str, str]:
    """Public records that point at every subject's, and the judgements between persons."""
    store = archive.store
    every = [ids[s.key] for s in SUBJECTS]
    public = {"confidentiality": "public"}
    person = _add(
        store,
        "person",
        {"names": [{"full": "Kastus Bridgeman"}], "sources": _sources(every), **public},
    )
    detention = {
        "person": person,
        "arrest": {"date": "2021-01-10", "unit": ids["granted-nobody"]["organisation"]},
        "charges": [{"article": ARTICLE}],
        "court_cases": [{"court": r["organisation"], "judge": r["twin"]} for r in every],
        "placements": [{"facility": r["organisation"], "start": "2021-01-11"} for r in every],
        "recognition": RECOGNISED,
        "sources": _sources(every),
        **public,
    }
    made = {"person": person, "detention": _add(store, "detention", detention)}
    for r in every:
        act = {"victim": person, "event": r["event"], "type": ACT, **public}
        _add(store, "act", act)
        involvement = {"perpetrator": person, "act": r["act"], "role": "officer", **public}
        _add(store, "involvement", involvement)
    people = tuple(r["person"] for r in every)
    made["evidence_sha"], made["evidence"], _ = _image(archive, tmp, None, people)
    made["alias"] = _add(store, "person", {"names": [{"full": "Kastus Aliasman"}], **public})
    for s in SUBJECTS:
        if s.level == "restricted":
            judge(store, made["alias"], ids[s.key]["person"], Verdict.SAME, actor="test")
        elif s.key != "public":
            first = ids["public"]["person"]
            judge(store, first, ids[s.key]["person"], Verdict.UNSURE, actor="test")
    return made


def _sources(every: list[dict[str, str]]) -> list[dict[str, str]]:
    return [{"source": r["source"], "reliability": "B", "credibility": "2"} for r in every]


def _crowd(store: Any) -> list[str]:
    """Unreadable namesakes first (older ids), then the public one the user may read."""
    body = {"names": [{"full": "Ales Crowdson"}], "birth_date": "1990"}
    hidden = [_add(store, "person", body | {"confidentiality": "restricted"}) for _ in range(CROWD)]
    _add(store, "person", body | {"confidentiality": "public"})
    return hidden


def _declassified(store: Any) -> str:
    """A person recorded restricted (granted to nobody) with a note, then made public without
    it: the note belongs to a level nobody here may read."""
    body = {"names": [{"full": "Kastus Declassified"}], "notes": f"{DECLASSIFIED} note"}
    made = _add(store, "person", body | {"confidentiality": "restricted"})
    update_record(
        store, made, {"confidentiality": "public", "notes": None}, actor="test", patch=True
    )
    return made


def unknown_id() -> str:
    return new_id()


def unknown_sha() -> str:
    return hashlib.sha256(new_id().encode()).hexdigest()
