"""The authorisation matrix through the web pages: every route × every role × every clearance ×
every level and compartment (``matrixworld``), against the oracle the API matrix uses
(``tests/authz_oracle.py``, written from docs/security.md, not from the code under test).

A record the user may not read answers exactly like an id never used (status and page, the id
itself aside) and never shows in a list, a count, a search, a picker, a duplicate warning or the
dashboard; a page the role may not open answers 403; and every page is scanned for the markers,
secrets and ids the user may not see (``World.leaks``), which finds a leak wherever it is."""

from __future__ import annotations

import dataclasses
import gc
import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from argon2 import PasswordHasher, profiles
from fastapi.testclient import TestClient
from matrixworld import (
    ACT,
    CROWD,
    DECLASSIFIED,
    KINDS,
    RECOGNISED,
    SUBJECTS,
    Subject,
    World,
    build,
    unknown_id,
    unknown_sha,
)

from authz_oracle import LEVELS, ROLES, USERS, User, allowed, counted, name
from sviedka.http.app import create_app
from sviedka.http.config import ServerConfig
from sviedka.http.web.routes import ROUTERS, UPLOADS
from sviedka.model import Verdict, Vocabulary
from sviedka.services import accounts
from sviedka.services.archive.folder import init_archive
from sviedka.services.archive.keys import unlock_archive
from sviedka.services.records.records import add_record
from sviedka.services.records.resolver import judge
from sviedka.services.records.vocab import shipped_vocabularies

PASSPHRASE = "a matrix test passphrase"


@pytest.fixture(scope="module")
def world(database: str | None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One archive per database for the whole module; every user logged in once. Passwords are
    hashed with argon2's cheapest profile: this checks access, not cost."""
    saved = accounts.HASHER
    accounts.HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
    folder = tmp_path_factory.mktemp("matrix")
    path = folder / "archive"
    archive, _ = init_archive(
        path, _vocabularies(), custodian="web", passphrase=PASSPHRASE, database_url=database
    )
    archive_id = archive.config.id
    archive.close()
    keys = unlock_archive(path, archive_id, "web", PASSPHRASE)
    app = create_app(ServerConfig(archive=path, database_url=database, keys=keys, rate_limit=0))
    try:
        with TestClient(app, base_url="http://localhost") as client:
            yield build(app, client, folder)
    finally:
        accounts.HASHER = saved


def _vocabularies() -> list[Vocabulary]:
    """The shipped vocabularies, the long thesauri cut to their first terms (the pages list
    them: thousands of options would only slow every form down)."""
    return [
        dataclasses.replace(v, terms=v.terms[:20]) if len(v.terms) > 60 else v
        for v in shipped_vocabularies()
    ]


Check = Callable[[User], list[str]]
HTMX = {"HX-Request": "true"}  # the search as htmx sends it while one types: the results only
T = TypeVar("T")


def every_user(check: Check) -> list[str]:
    return [f"{name(user)}: {problem}" for user in USERS for problem in check(user)]


def rotate(user: User, options: Sequence[T]) -> T:
    """One of ``options`` per user, in turn: for dimensions the oracle does not know (the kind
    of a record, a picker's field, a chart), each option is still tried by users of several
    roles and clearances without multiplying the matrix."""
    return options[USERS.index(user) % len(options)]


def like_missing(
    denied: httpx.Response, missing: httpx.Response, asked: str, unknown: str
) -> list[str]:
    """How a denied answer differs from the answer for an unknown id (or name)."""
    if denied.status_code != missing.status_code:
        return [f"status {denied.status_code}, an unknown one {missing.status_code}"]
    if denied.headers.get("content-type") != missing.headers.get("content-type"):
        return ["another content type than for an unknown one"]
    if denied.text.replace(asked, "ASKED") != missing.text.replace(unknown, "ASKED"):
        return ["another page than for an unknown one"]
    return []


def leaks(world: World, user: User, answer: httpx.Response, *asked: str) -> list[str]:
    return [f"shows {sorted(found)}"] if (found := world.leaks(user, answer, asked)) else []


# -- every route is in the matrix -----------------------------------------------------------

COVERED = {
    ("GET", "/login"): "test_logging_in_and_out_and_the_language",
    ("POST", "/login"): "test_logging_in_and_out_and_the_language",
    ("POST", "/logout"): "test_logging_in_and_out_and_the_language",
    ("POST", "/language"): "test_logging_in_and_out_and_the_language",
    ("GET", "/"): "test_the_dashboard_counts_and_names_only_readable_records",
    ("POST", "/review/judge"): "test_judging_needs_the_role_and_two_readable_records",
    ("GET", "/charts/{name}.svg"): "test_the_dashboard_counts_and_names_only_readable_records",
    ("GET", "/people"): "test_lists_show_and_count_only_readable_records",
    ("GET", "/people/{person_id}"): "test_a_record_page_shows_only_what_the_user_may_read",
    ("GET", "/records/{record_id}"): "test_a_record_page_shows_only_what_the_user_may_read",
    ("GET", "/records/{record_id}/history"): "test_a_record_page_shows_only_what_the_user_may_read",
    ("GET", "/record"): "test_pages_follow_the_roles_table",
    ("GET", "/record/incident"): "test_pages_follow_the_roles_table",
    ("POST", "/record"): "test_a_case_form_takes_only_readable_records",
    ("POST", "/record/incident"): "test_a_case_form_takes_only_readable_records",
    ("POST", "/record/duplicates"): "test_duplicate_warnings_name_only_readable_people",
    ("POST", "/record/pick"): "test_pickers_offer_only_readable_records",
    ("GET", "/evidence"): "test_lists_show_and_count_only_readable_records",
    ("GET", "/evidence/{sha256}"): "test_a_record_page_shows_only_what_the_user_may_read",
    ("GET", "/evidence/{sha256}/thumbnail"): "test_a_record_page_shows_only_what_the_user_may_read",
    ("POST", "/evidence/{sha256}/download"): "test_downloads_need_the_role_and_a_readable_file",
    ("POST", "/evidence/upload"): "test_uploads_link_only_readable_records",
    ("GET", "/search"): "test_pages_follow_the_roles_table",
    ("POST", "/search"): "test_search_finds_only_readable_records",
    ("GET", "/imports"): "test_pages_follow_the_roles_table",
    ("POST", "/imports"): "test_an_import_report_names_only_readable_records",
    ("GET", "/imports/{import_id}"): "test_an_import_report_names_only_readable_records",
    ("POST", "/imports/{import_id}/confirm"): "test_pages_follow_the_roles_table",
    ("POST", "/imports/{import_id}/discard"): "test_pages_follow_the_roles_table",
    ("GET", "/admin"): "test_pages_follow_the_roles_table",
    **{
        (method, f"/admin/users{path}"): "test_pages_follow_the_roles_table"
        for method, path in [
            ("POST", ""),
            ("GET", "/{username}"),
            ("POST", "/{username}/role"),
            ("POST", "/{username}/clearance"),
            ("POST", "/{username}/groups"),
            ("POST", "/{username}/groups/remove"),
            ("POST", "/{username}/totp"),
            ("POST", "/{username}/disabled"),
            ("POST", "/{username}/unlock"),
            ("POST", "/{username}/password"),
        ]
    },
    ("GET", "/account"): "test_the_account_page_is_every_users_own",
    ("POST", "/account/password"): "test_the_account_page_is_every_users_own",
}


def test_every_web_route_is_in_the_matrix() -> None:
    routes = {
        (method, route.path)
        for router in [*ROUTERS, *UPLOADS]
        for route in router.routes
        for method in getattr(route, "methods", ())
    }
    assert routes == set(COVERED)
    assert set(COVERED.values()) <= set(globals())


# -- one record's pages ---------------------------------------------------------------------

# ``{any}``: a record of each kind in turn (``rotate``).
RECORD_PAGES = [
    "/people/{person}",
    "/records/{any}",
    "/records/{any}/history",
    "/evidence/{sha}",
    "/evidence/{sha}/thumbnail",
]


@pytest.mark.parametrize("route", RECORD_PAGES)
def test_a_record_page_shows_only_what_the_user_may_read(world: World, route: str) -> None:
    def check(user: User) -> list[str]:
        key = route.split("{")[1].split("}")[0]
        key = rotate(user, KINDS) if key == "any" else key
        unknown = unknown_sha() if key == "sha" else unknown_id()
        missing = world.get(user, _fill(route, unknown))
        found = []
        for s in SUBJECTS:
            asked = world.files[s.key] if key == "sha" else world.ids[s.key][key]
            answer = world.get(user, _fill(route, asked))
            if s.readable_by(user):
                found += [f"{s.key}: {p}" for p in _shown(user, s, route, answer)]
            else:
                found += [f"{s.key}: {p}" for p in like_missing(answer, missing, asked, unknown)]
            found += [f"{s.key}: {p}" for p in leaks(world, user, answer, asked)]
        return found

    assert every_user(check) == []


def _fill(route: str, value: str) -> str:
    return re.sub(r"\{\w+\}", value, route)


def _shown(user: User, s: Subject, route: str, answer: httpx.Response) -> list[str]:
    """What a readable record's page must show: its name, and its person's contacts to a
    role that may read them."""
    if answer.status_code != 200:
        return [f"status {answer.status_code}"]
    if answer.headers["content-type"].startswith("image/"):
        return []
    if s.marker not in answer.text:
        return ["the record's name is not on its page"]
    if route == "/people/{person}" and allowed(user, "read_sensitive"):
        return [] if s.secret in answer.text else ["the contacts are not shown"]
    return []


BRIDGE_PAGES = [
    "/people/{person}",
    "/records/{person}",
    "/records/{detention}",
    "/records/{detention}/history",
    "/people/{alias}",
    "/evidence/{evidence_sha}",
]


def test_a_readable_record_shows_nothing_of_the_unreadable_records_it_names(
    world: World,
) -> None:
    """The public bridge points at every subject's records (its detention's unit, courts,
    judges and facilities, its sources, acts and involvements, a file's links; the alias is
    judged the same as the restricted subjects' persons): what the user may not read is named
    nowhere, not even by its id."""

    def check(user: User) -> list[str]:
        found = []
        for route in BRIDGE_PAGES:
            answer = world.get(user, route.format(**world.bridge))
            if answer.status_code != 200:
                found.append(f"{route}: status {answer.status_code}")
            found += [f"{route}: {p}" for p in leaks(world, user, answer)]
        return found

    assert every_user(check) == []


def test_what_was_removed_at_declassification_is_not_found(world: World) -> None:
    for user in USERS:
        answer = world.post(user, "/search", {"q": DECLASSIFIED}, headers=HTMX)
        assert (answer.status_code, _figure(r"(\d+) found\.", answer.text)) == (200, 0), name(user)


def test_what_was_removed_at_declassification_is_not_in_the_history(world: World) -> None:
    url = f"/records/{world.bridge['declassified']}/history"
    assert every_user(lambda user: leaks(world, user, world.get(user, url))) == []


# -- lists, counts and filters --------------------------------------------------------------


def _figure(pattern: str, text: str) -> int | None:
    found = re.search(pattern, text)
    return int(found.group(1)) if found else None


def _markers(text: str) -> set[str]:
    return {s.key for s in SUBJECTS if s.marker in text}


def _readable(user: User) -> set[str]:
    return {s.key for s in SUBJECTS if s.readable_by(user)}


def test_lists_show_and_count_only_readable_records(world: World) -> None:
    others = 4  # the bridge, the alias, the public Ales Crowdson and the declassified

    def check(user: User) -> list[str]:
        readable = _readable(user)
        n = len(readable)
        expected = {
            "/people": (readable, 2 * n + others),  # each subject's person and its twin
            "/people?status=held": (readable, n + 1),  # the bridge is held too
            "/people?article=342": (readable, n + 1),
            "/people?status=unknown": (readable, n + others - 1),  # all but the bridge held
            "/people?status=released": (set(), 0),
        }
        found = []
        for url, (markers, total) in expected.items():
            answer = world.get(user, url)
            rows = answer.text.split("<tbody>")[1]  # the filters offer readable facilities
            shown = (_markers(rows), _figure(r"(\d+) people match", answer.text))
            if shown != (markers, total):
                found.append(f"{url}: {shown}, expected {(markers, total)}")
            found += leaks(world, user, answer)
        answer = world.get(user, "/evidence")
        shown = (_markers(answer.text), _figure(r"(\d+) files\.", answer.text))
        if shown != (readable, n + 1):
            found.append(f"/evidence: {shown}, expected {(readable, n + 1)}")
        return found + leaks(world, user, answer)

    assert every_user(check) == []


FILTERS = ["/people?facility={organisation}", "/evidence?link={person}"]


def test_a_filter_on_an_unreadable_record_answers_like_one_on_an_unknown_id(world: World) -> None:
    def check(user: User) -> list[str]:
        route = rotate(user, FILTERS)
        key = route.split("{")[1].split("}")[0]
        unknown = unknown_id()
        missing = world.get(user, route.format(**{key: unknown}))
        found = []
        for s in SUBJECTS:
            asked = world.ids[s.key][key]
            answer = world.get(user, route.format(**{key: asked}))
            if s.readable_by(user):
                found += [] if s.marker in answer.text else [f"{s.key}: not shown"]
            else:
                found += [f"{s.key}: {p}" for p in like_missing(answer, missing, asked, unknown)]
            found += [f"{s.key}: {p}" for p in leaks(world, user, answer, asked)]
        return found

    assert every_user(check) == []


def test_the_dashboard_counts_and_names_only_readable_records(world: World) -> None:
    menu = {"/record": "create", "/imports": "import", "/admin": "manage_users"}

    def check(user: User) -> list[str]:
        answer = world.get(user, "/")
        held = 1 + sum(counted(user, s.level) for s in SUBJECTS)  # and the bridge
        found = leaks(world, user, answer)
        figure = _figure(r'<p class="figure">(\d+)</p>', answer.text)
        if figure != held:
            found.append(f"held today: {figure}, expected {held}")
        review = answer.text.split('id="review-title"')[1].split("</section>")[0]
        unsure = {"internal", "confidential"} & _readable(user)  # each paired with "public"
        if _markers(review) != (unsure | {"public"} if unsure else set()):
            found.append(f"review queue: {_markers(review)}")
        nav = answer.text.split("<nav")[1].split("</nav>")[0]
        for href, permission in menu.items():
            if (f'href="{href}"' in nav) != allowed(user, permission):
                found.append(f"the menu's {href}")
        chart = rotate(user, ("held", "by-article", "by-facility"))
        svg = world.get(user, f"/charts/{chart}.svg")
        found += [f"{chart}: {p}" for p in leaks(world, user, svg)]
        return found + ([] if svg.status_code == 200 else [f"{chart}: {svg.status_code}"])

    assert every_user(check) == []


def test_the_review_queue_is_not_crowded_out_by_pairs_the_user_may_not_read(
    world: World,
) -> None:
    """Twenty newer "unsure" pairs of people nobody may read (the queue shows twenty): the
    pairs the user may read are still listed."""
    for left, right in list(itertools.combinations(world.hidden_crowd, 2))[:20]:
        judge(world.store, left, right, Verdict.UNSURE, actor="test")
    for user in [("verifier", clearance) for clearance in LEVELS]:
        review = world.get(user, "/").text.split('id="review-title"')[1].split("</section>")[0]
        unsure = {"internal", "confidential"} & _readable(user)
        assert _markers(review) == (unsure | {"public"} if unsure else set()), name(user)


# -- finding records: search, pickers, duplicate warnings -----------------------------------


def _typed(
    world: World, user: User, url: str, form: dict[str, str], positive: str, **extra: Any
) -> list[str]:
    """``form`` with ``{}`` filled with each subject's marker: a readable subject's record is
    offered (``positive`` formats its id), an unreadable one answers like an unknown name."""
    unknown = "Qzunknown"
    missing = world.post(user, url, {k: v.format(unknown) for k, v in form.items()}, **extra)
    found = []
    for s in SUBJECTS:
        typed = {k: v.format(s.marker) for k, v in form.items()}
        answer = world.post(user, url, typed, **extra)
        if s.readable_by(user):
            wanted = positive.format(**world.ids[s.key])
            found += [] if wanted in answer.text else [f"{s.key}: not offered"]
        else:
            found += [f"{s.key}: {p}" for p in like_missing(answer, missing, s.marker, unknown)]
        found += [f"{s.key}: {p}" for p in leaks(world, user, answer, s.marker)]
    return found


def test_search_finds_only_readable_records(world: World) -> None:
    def check(user: User) -> list[str]:
        found = _typed(world, user, "/search", {"q": "{}"}, 'href="/people/{person}"', headers=HTMX)
        answer = world.post(user, "/search", {"q": "Kastus"})
        total = _figure(r"(\d+) found\.", answer.text)
        expected = len(_readable(user)) + 3  # the bridge, the alias, the declassified
        if (total, _markers(answer.text)) != (expected, _readable(user)):
            found.append(f"Kastus: {total} found, {_markers(answer.text)}")
        return found + leaks(world, user, answer)

    assert every_user(check) == []


# field: (where the name is typed, the id offered, the first word of the name)
PICKERS = {
    "facility": ("facility.name", "{organisation}", "Turma"),
    "case.judge": ("case.judge.name", "{twin}", "Janka"),
    "source": ("source.title", "{source}", "Letter"),
    "event": ("event.title", "{event}", "Rally"),
    "perpetrators.0": ("perpetrators.0.name", "{person}", "Kastus"),
}


def test_pickers_offer_only_readable_records(world: World) -> None:
    """A name typed in a picker (each field in turn), and a record already chosen in it."""

    def check(user: User) -> list[str]:
        field = rotate(user, list(PICKERS))
        typed, offered, word = PICKERS[field]
        form = {"field": field, typed: word + " {}"}
        if not allowed(user, "create"):
            answer = world.post(user, "/record/pick", {k: v.format("") for k, v in form.items()})
            return [] if answer.status_code == 403 else [f"status {answer.status_code}"]
        found = _typed(world, user, "/record/pick", form, f'value="{offered}"')
        chosen = {"field": field, f"{field}.id": "{}"}
        return found + _chosen(world, user, chosen, offered.strip("{}"))

    assert every_user(check) == []


def _chosen(world: World, user: User, form: dict[str, str], kind: str) -> list[str]:
    """A record already chosen in a picker: shown if readable, else as an unknown id is."""
    unknown = unknown_id()
    fill = lambda value: {k: v.format(value) for k, v in form.items()}  # noqa: E731
    missing = world.post(user, "/record/pick", fill(unknown))
    found = []
    for s in SUBJECTS:
        asked = world.ids[s.key][kind]
        answer = world.post(user, "/record/pick", fill(asked))
        if s.readable_by(user):
            found += [] if s.marker in answer.text else [f"{s.key} chosen: not shown"]
        else:
            found += [f"{s.key} chosen: {p}" for p in like_missing(answer, missing, asked, unknown)]
        found += [f"{s.key} chosen: {p}" for p in leaks(world, user, answer, asked)]
    return found


def test_duplicate_warnings_name_only_readable_people(world: World) -> None:
    def check(user: User) -> list[str]:
        form = {"prefix": "person", "person.name": "Kastus {}"}
        if not allowed(user, "create"):
            answer = world.post(user, "/record/duplicates", {"person.name": "Kastus"})
            return [] if answer.status_code == 403 else [f"status {answer.status_code}"]
        return _typed(world, user, "/record/duplicates", form, "{person}")

    assert every_user(check) == []


def test_duplicate_warnings_are_not_crowded_out_by_unreadable_namesakes(world: World) -> None:
    """Eight restricted namesakes nobody may read, older than the public one: the public one is
    still offered, and the answer is the one an archive without them would give."""
    form = {"prefix": "person", "person.name": "Ales Crowdson", "person.birth_date": "1990"}
    for user in USERS:
        if allowed(user, "create"):
            answer = world.post(user, "/record/duplicates", form)
            assert answer.text.count('name="person.id" value="') == 2, (name(user), CROWD)


# -- what roles may do ----------------------------------------------------------------------

ROLE_PAGES = [
    ("GET", "/record", "create", 200),
    ("GET", "/record/incident", "create", 200),
    ("GET", "/search", "read", 200),
    ("GET", "/imports", "import", 200),
    ("GET", "/imports/{import_id}", "import", 404),
    ("POST", "/imports/{import_id}/confirm", "import", 404),
    ("POST", "/imports/{import_id}/discard", "import", 404),
    ("GET", "/admin", "manage_users", 200),
    ("POST", "/admin/users", "manage_users", 422),
    ("GET", "/admin/users/target", "manage_users", 200),
    ("POST", "/admin/users/target/role", "manage_users", 422),
    ("POST", "/admin/users/target/clearance", "manage_users", 422),
    ("POST", "/admin/users/target/groups", "manage_users", 422),
    ("POST", "/admin/users/target/groups/remove", "manage_users", 422),
    ("POST", "/admin/users/target/totp", "manage_users", 200),
    ("POST", "/admin/users/target/disabled", "manage_users", 200),
    ("POST", "/admin/users/target/unlock", "manage_users", 200),
    ("POST", "/admin/users/target/password", "manage_users", 422),
]
# Harmless forms: wrong values (nothing changes), or a change that undoes itself.
ROLE_FORMS = {
    "/admin/users": {"username": "x"},
    "/admin/users/target/groups": {"group": "no such group!"},
    "/admin/users/target/totp": {"required": "0"},
    "/admin/users/target/disabled": {"disabled": "0"},
    "/admin/users/target/password": {"password": "one long password", "password2": "another"},
}


@pytest.mark.parametrize(("method", "route", "permission", "status"), ROLE_PAGES)
def test_pages_follow_the_roles_table(
    world: World, method: str, route: str, permission: str, status: int
) -> None:
    """What a role may open does not depend on the clearance (the roles table): every role
    tries each of these pages, at a clearance that changes from page to page."""
    url = route.format(import_id="A" * 24)
    turn = [r[1] for r in ROLE_PAGES].index(route)
    found = []
    for i, role in enumerate(ROLES):
        user = (role, LEVELS[(turn + i) % len(LEVELS)])
        if method == "GET":
            answer = world.get(user, url)
        else:
            answer = world.post(user, url, ROLE_FORMS.get(route, {}))
        expected = status if allowed(user, permission) else 403
        found += [] if answer.status_code == expected else [f"{name(user)}: {answer.status_code}"]
        found += [f"{name(user)}: {p}" for p in leaks(world, user, answer)]
    assert found == []


def test_the_account_page_is_every_users_own(world: World) -> None:
    """Every user opens their own account page, whatever the role; a change refused (the two new
    passwords differ) changes nothing and shows nothing the user may not see."""
    form = {"current_password": "x", "new_password": "one long password", "new_password2": "no"}

    def check(user: User) -> list[str]:
        page = world.get(user, "/account")
        refused = world.post(user, "/account/password", form)
        found = [] if page.status_code == 200 else [f"page {page.status_code}"]
        found += [] if refused.status_code == 422 else [f"change {refused.status_code}"]
        return found + leaks(world, user, page) + leaks(world, user, refused)

    assert every_user(check) == []


def test_judging_needs_the_role_and_two_readable_records(world: World) -> None:
    bridge = world.bridge["person"]

    def check(user: User) -> list[str]:
        verdict = {"left": bridge, "verdict": "not-same"}
        unknown = unknown_id()
        missing = world.post(user, "/review/judge", verdict | {"right": unknown})
        found = []
        for s in SUBJECTS:
            asked = world.ids[s.key]["person"]
            answer = world.post(user, "/review/judge", verdict | {"right": asked})
            if not allowed(user, "judge"):
                found += [] if answer.status_code == 403 else [f"{s.key}: {answer.status_code}"]
            elif s.readable_by(user):
                found += [] if answer.status_code == 303 else [f"{s.key}: {answer.status_code}"]
            else:
                found += [f"{s.key}: {p}" for p in like_missing(answer, missing, asked, unknown)]
        return found

    assert every_user(check) == []


def test_downloads_need_the_role_and_a_readable_file(world: World) -> None:
    def check(user: User) -> list[str]:
        unknown = unknown_sha()
        missing = world.post(user, f"/evidence/{unknown}/download")
        found = []
        for s in SUBJECTS:
            sha = world.files[s.key]
            answer = world.post(user, f"/evidence/{sha}/download")
            if not allowed(user, "evidence_download"):
                found += [] if answer.status_code == 403 else [f"{s.key}: {answer.status_code}"]
            elif s.readable_by(user):
                found += [] if answer.content == world.images[s.key] else [f"{s.key}: content"]
            else:
                found += [f"{s.key}: {p}" for p in like_missing(answer, missing, sha, unknown)]
        return found

    assert every_user(check) == []


# -- writes (last: they add records that the lists above would count) -----------------------


def _sheet(rows: list[str]) -> bytes:
    header = "id,url,name,status,birthday,gender,arrested,articles,note\n"
    lines = [f"{900 + i},,{row},current,,,10.01.2021,ст.342 ч.1,\n" for i, row in enumerate(rows)]
    return (header + "".join(lines)).encode()


def test_an_import_report_names_only_readable_records(world: World) -> None:
    """The dry run of a sheet naming every subject's person: the report may name only what the
    user may read; the previous user's pending import answers like an unknown one."""
    sheet = _sheet([f"Kastus {s.marker}" for s in SUBJECTS])
    previous: list[tuple[User, str]] = []

    def check(user: User) -> list[str]:
        if not allowed(user, "import"):  # no file: see test_a_refused_upload_closes_its_files
            refused = world.post(user, "/imports", {"format": "viasna-csv"})
            return [] if refused.status_code == 403 else [f"status {refused.status_code}"]
        files = {"sheet": ("people.csv", sheet, "text/csv")}
        if user[1] == "public":  # imports make internal records: above a public clearance
            refused = world.post(user, "/imports", {"format": "viasna-csv"}, files=files)
            return [] if refused.status_code == 403 else [f"status {refused.status_code}"]
        answer = world.post(user, "/imports", {"format": "viasna-csv"}, files=files)
        if answer.status_code != 303:
            return [f"status {answer.status_code}"]
        token = answer.headers["location"].rsplit("/", 1)[1]
        report = world.get(user, f"/imports/{token}")
        found = leaks(world, user, report, *(s.marker for s in SUBJECTS))
        if previous:
            other, theirs = previous.pop()
            missing = world.get(user, "/imports/" + "B" * 24)
            found += like_missing(world.get(user, f"/imports/{theirs}"), missing, theirs, "B" * 24)
            world.post(other, f"/imports/{theirs}/discard")
        previous.append((user, token))
        return found

    assert every_user(check) == []


CASE_FORMS = {
    "/record": {
        "person.id": "{person}",
        "facility.id": "{organisation}",
        "case.court.id": "{organisation}",
        "source.id": "{source}",
        "arrest.date": "2022-02-02",
    },
    "/record/incident": {
        "event.id": "{event}",
        "victims.0.id": "{person}",
        "victims.0.act_type": ACT,
        "source.id": "{source}",
    },
}


def test_a_case_form_takes_only_readable_records(world: World) -> None:
    """A detention of a person already recorded, in a facility already recorded, or (in turn)
    an incident at an event already recorded: saved when the user may read them, else refused
    as for unknown ids."""

    def fill(user: User, ids: dict[str, str]) -> dict[str, str]:
        level = min(user[1], "confidential", key=LEVELS.index)
        form = CASE_FORMS[rotate(user, list(CASE_FORMS))]
        return {k: v.format(**ids) for k, v in form.items()} | {"confidentiality": level}

    def check(user: User) -> list[str]:
        url = rotate(user, list(CASE_FORMS))
        unknown = unknown_id()
        missing = world.post(user, url, fill(user, dict.fromkeys(KINDS, unknown)))
        if not allowed(user, "create"):
            return [] if missing.status_code == 403 else [f"status {missing.status_code}"]
        found = []
        for s in SUBJECTS:
            ids = world.ids[s.key]
            answer = world.post(user, url, fill(user, ids))
            if s.readable_by(user):
                found += [] if answer.status_code == 303 else [f"{s.key}: not saved"]
            else:
                denied = _only(answer, ids, unknown)
                found += [f"{s.key}: {p}" for p in like_missing(denied, missing, unknown, unknown)]
            found += [f"{s.key}: {p}" for p in leaks(world, user, answer, *ids.values())]
        return found

    assert every_user(check) == []


def _only(answer: httpx.Response, ids: dict[str, str], asked: str) -> httpx.Response:
    """The answer with every id the form sent written as ``asked`` (one unknown id stands
    for all of them in the answer it is compared with)."""
    text = answer.text
    for value in ids.values():
        text = text.replace(value, asked)
    return httpx.Response(answer.status_code, headers=answer.headers, text=text)


def test_uploads_link_only_readable_records(world: World) -> None:
    def upload(user: User, link: str) -> httpx.Response:
        files = {"files": ("note.txt", f"{name(user)} {link}".encode(), "text/plain")}
        return world.post(user, "/evidence/upload", {"link": link}, files=files)

    def check(user: User) -> list[str]:
        if not allowed(user, "evidence_upload"):  # no file: see the test after this one
            refused = world.post(user, "/evidence/upload", {"link": unknown_id()})
            return [] if refused.status_code == 403 else [f"status {refused.status_code}"]
        unknown = unknown_id()
        missing = upload(user, unknown)
        found = []
        for s in SUBJECTS:
            asked = world.ids[s.key]["person"]
            answer = upload(user, asked)
            if s.readable_by(user):
                found += [] if answer.status_code == 200 else [f"{s.key}: not stored"]
            else:
                found += [f"{s.key}: {p}" for p in like_missing(answer, missing, asked, unknown)]
            found += [f"{s.key}: {p}" for p in leaks(world, user, answer, asked)]
        return found

    assert every_user(check) == []


def test_a_refused_upload_closes_its_files(world: World) -> None:
    """Refused for the permission or the CSRF token after the form was parsed: its spooled
    files are closed all the same (an open one warns when collected, an error here)."""
    user = ("viewer", "public")
    files = {"files": ("note.txt", b"a refused upload", "text/plain")}
    assert world.post(user, "/evidence/upload", files=files).status_code == 403
    files = {"sheet": ("people.csv", _sheet(["Kastus Refused"]), "text/csv")}
    assert world.post(user, "/imports", {"format": "viasna-csv"}, files=files).status_code == 403
    forged = {"csrf_token": "forged", "format": "viasna-csv"}
    assert world.post(("admin", "restricted"), "/imports", forged, files=files).status_code == 403
    gc.collect()


def test_statistics_never_join_people_through_one_the_user_may_not_read(world: World) -> None:
    """Two public political prisoners, each judged the same as a person nobody may read: a
    viewer counts two more held today, as in an archive without that person."""
    user = ("viewer", "public")
    held = lambda: _figure(r'<p class="figure">(\d+)</p>', world.get(user, "/").text)  # noqa: E731
    before = held()
    hidden = world.ids["granted-nobody"]["person"]
    for who in ("Kastus Left", "Kastus Right"):
        public = {"confidentiality": "public"}
        person = add_record(world.store, "person", {"names": [{"full": who}], **public}, actor="t")
        body = {"person": person.record.id, "recognition": RECOGNISED, **public}
        body["arrest"] = {"date": "2021-05-05"}
        add_record(world.store, "detention", body, actor="t")
        judge(world.store, person.record.id, hidden, Verdict.SAME, actor="t")
    assert held() == (before or 0) + 2


def test_logging_in_and_out_and_the_language(world: World, tmp_path: Path) -> None:
    client = world.client
    assert client.get("/login").status_code == 200
    refused = client.post("/login", data={"username": "viewer-public", "password": "wrong"})
    assert refused.status_code == 401
    user = ("viewer", "public")
    assert world.get(user, "/login").headers["location"] == "/"
    switched = world.post(user, "/language", {"lang": "be", "next": "/people"})
    assert (switched.status_code, switched.headers["location"]) == (303, "/people")
    world.post(user, "/language", {"lang": "en", "next": "/"})
    client.cookies.clear()
    out = world.post(user, "/logout")
    assert (out.status_code, out.headers["location"]) == (303, "/login")
    assert world.get(user, "/people").headers["location"] == "/login"
