"""The pages through the server's real app (TestClient): login, every section, recording a case
in one form with errors next to their fields, evidence upload and download, languages, safety
headers, and what a user may not see."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from webtools import login

from sviedka.model.custody import CustodyKind
from sviedka.services.records.records import add_record

PAGES = ["/", "/people", "/record", "/record/incident", "/evidence", "/search", "/imports"]

DETENTION = {
    "person.name": "Алесь Вербицкий",
    "person.lang": "ru",
    "person.birth_date": "1987-04",
    "arrest.date": "2020-09-27",
    "charges.0.article": "342",
    "charges.0.part": "1",
    "case.court.name": "Суд Ленинского района г. Минска",
    "case.judge.name": "Наталья Ковальчук",
    "sentence.penalty": "deprivation_of_liberty",
    "sentence.term_months": "24",
    "facility.name": "СИЗО № 1",
    "facility.type": "sizo",
    "source.title": "Letter from the family",
    "source.reliability": "B",
    "source.credibility": "2",
    "confidentiality": "internal",
}


def test_pages_need_a_login_and_send_browsers_to_it(client: TestClient) -> None:
    for path in [*PAGES, "/admin"]:
        r = client.get(path, follow_redirects=False)
        assert (r.status_code, r.headers["location"]) == (303, "/login"), path
    assert client.get("/api/v1/records/person").status_code == 401  # the API keeps JSON


def test_a_wrong_password_says_nothing_about_the_account(client: TestClient) -> None:
    for name in ("doc", "nobody"):
        r = client.post("/login", data={"username": name, "password": "wrong"})
        assert r.status_code == 401
        assert "The name, password or code is not right" in r.text


def test_every_section_renders_for_a_documenter(client: TestClient) -> None:
    login(client, "doc")
    for path in PAGES:
        r = client.get(path)
        assert r.status_code == 200, path
        assert 'id="quick-exit"' in r.text and 'action="/language"' in r.text, path
    assert client.get("/admin").status_code == 403  # managing users is for admins


def test_admin_page_lists_users_and_roles(client: TestClient) -> None:
    login(client, "admin")
    r = client.get("/admin")
    assert r.status_code == 200
    assert all(name in r.text for name in ("doc", "viewer", "admin"))
    assert "evidence_download" in r.text


def test_strict_security_headers_and_no_inline_script_or_style(client: TestClient) -> None:
    login(client, "doc")
    for path in PAGES:
        r = client.get(path)
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert r.headers["cache-control"] == "no-store"
        assert not re.search(r"<script(?![^>]*\bsrc=)", r.text), path  # no inline scripts
        assert not re.search(r"\sstyle=", r.text), path  # no inline styles
        assert not re.search(r"\son[a-z]+=", r.text), path  # no inline handlers
        outside = re.sub(r'<a id="quick-exit"[^>]*>', "", r.text)  # the exit leaves, by design
        assert not re.search(r'(src|href)="(https?:)?//', outside), path  # nothing third-party


def test_a_detention_recorded_in_one_form_is_shown_on_the_person_page(
    client: TestClient,
) -> None:
    csrf = login(client, "doc")
    r = client.post("/record", data={**DETENTION, "csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    target = r.headers["location"]
    assert re.fullmatch(r"/people/[0-9a-f-]{36}\?saved=detention", target)
    page = client.get(target).text
    assert "Алесь Вербицкий" in page and "The case was saved." in page
    assert "Charged under article 342" in page and "Наталья Ковальчук" in page
    assert "B: usually reliable" in page
    history = client.get(target.split("?")[0].replace("/people/", "/records/") + "/history")
    assert history.status_code == 200 and "recorded in one form" in history.text


def test_form_errors_come_back_next_to_their_fields_in_the_users_language(
    client: TestClient,
) -> None:
    csrf = login(client, "doc")
    client.post("/language", data={"lang": "be", "csrf_token": csrf, "next": "/record"})
    bad = {**DETENTION, "arrest.date": "27.09.2020", "person.name": "", "csrf_token": csrf}
    r = client.post("/record", data=bad)
    assert r.status_code == 422
    assert re.search(
        r'id="arrest\.date-error"[^>]*>Пішыце дату як ГГГГ, ГГГГ-ММ або ГГГГ-ММ-ДД', r.text
    )
    assert 'aria-invalid="true"' in r.text
    assert 'value="Наталья Ковальчук"' in r.text  # what was typed is kept
    with client.app.state.archive.store.unscoped_view() as view:  # type: ignore[attr-defined]
        assert view.count("detention") == 0


def test_adding_a_charge_row_works_without_javascript(client: TestClient) -> None:
    csrf = login(client, "doc")
    r = client.post("/record", data={**DETENTION, "csrf_token": csrf, "more": "charges"})
    assert r.status_code == 200
    assert 'name="charges.2.article"' in r.text and 'name="charges.3.article"' not in r.text


def test_a_form_without_the_csrf_token_is_refused(client: TestClient) -> None:
    login(client, "doc")
    r = client.post("/record", data=DETENTION)
    assert r.status_code == 403


def test_the_language_comes_from_the_user_then_the_browser(client: TestClient) -> None:
    r = client.get("/login", headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"})
    assert '<html lang="ru">' in r.text and "Войти" in r.text
    csrf = login(client, "doc")
    assert '<html lang="en">' in client.get("/").text
    client.post("/language", data={"lang": "be", "csrf_token": csrf, "next": "/people"})
    page = client.get("/people", headers={"Accept-Language": "ru"})
    assert '<html lang="be">' in page.text and "Людзі" in page.text


def test_a_viewer_cannot_see_a_restricted_or_confidential_record(
    client: TestClient,
) -> None:
    store = client.app.state.archive.store  # type: ignore[attr-defined]
    hidden = [
        add_record(
            store,
            "person",
            {"names": [{"full": f"Hidden {level}"}], "confidentiality": level},
            actor="t",
        ).record.id
        for level in ("confidential", "restricted")
    ]
    login(client, "viewer")
    for record_id in hidden:
        assert client.get(f"/people/{record_id}").status_code == 404
        assert client.get(f"/records/{record_id}/history").status_code == 404
    add_record(store, "person", {"names": [{"full": "Open Person"}]}, actor="t")
    assert listed(client, "/people") == (["Open Person"], "1")  # nor counted


def upload(client: TestClient, csrf: str, files: dict[str, bytes], link: str = "") -> list[str]:
    parts = [
        ("files", (name, io.BytesIO(data), "application/octet-stream"))
        for name, data in files.items()
    ]
    data = {"csrf_token": csrf, **({"link": link} if link else {})}
    r = client.post(
        "/evidence/upload", data=data, files=parts, headers={"Accept": "application/json"}
    )
    assert r.status_code == 200, r.text
    return [f["sha256"] for f in r.json()["files"]]


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def test_evidence_upload_shows_hashes_thumbnail_custody_and_logs_a_download(
    client: TestClient,
) -> None:
    csrf = login(client, "doc")
    files = {"photo.jpg": jpeg(), "note.txt": "Показания свидетеля".encode()}
    hashes = upload(client, csrf, files)
    assert hashes == [hashlib.sha256(data).hexdigest() for data in files.values()]
    page = client.get(f"/evidence/{hashes[0]}")
    assert page.status_code == 200 and hashes[0] in page.text
    assert "Stored in the vault" in page.text
    thumb = client.get(f"/evidence/{hashes[0]}/thumbnail")
    assert thumb.status_code == 200 and thumb.headers["content-type"] in ("image/png", "image/jpeg")
    got = client.post(f"/evidence/{hashes[1]}/download", data={"csrf_token": csrf})
    assert got.status_code == 200 and got.content == files["note.txt"]
    assert hashes[1] in got.headers["content-disposition"]
    with client.app.state.archive.store.unscoped_view() as view:  # type: ignore[attr-defined]
        kinds = [e.kind for e in view.custody(hashes[1])]
    assert kinds == [CustodyKind.INGESTED, CustodyKind.EXPORTED]


def test_downloads_without_the_archive_keys_say_why(
    app_factory: Callable[..., TestClient],
) -> None:
    client = app_factory(keys=False)
    csrf = login(client, "doc")
    (sha,) = upload(client, csrf, {"a.txt": b"abc"})
    r = client.post(f"/evidence/{sha}/download", data={"csrf_token": csrf})
    assert r.status_code == 503
    assert "not available" in r.text


def test_evidence_of_a_record_the_user_may_not_read_does_not_exist_for_them(
    app_factory: Callable[..., TestClient],
) -> None:
    client = app_factory()
    csrf = login(client, "doc")
    (sha,) = upload(client, csrf, {"secret.txt": b"secret bytes"})
    store = client.app.state.archive.store  # type: ignore[attr-defined]
    with store.writer() as w:
        (found,) = w.records("evidence", where={"sha256": sha}, limit=1)
        from dataclasses import replace

        from sviedka.model import Confidentiality

        w.update(replace(found.record, confidentiality=Confidentiality.CONFIDENTIAL), actor="t")
    viewer = app_factory()
    viewer_csrf = login(viewer, "viewer")
    assert viewer.get(f"/evidence/{sha}").status_code == 404
    assert viewer.get(f"/evidence/{sha}/thumbnail").status_code == 404
    # a viewer's role may not download at all: refused before the file is even looked up
    assert (
        viewer.post(f"/evidence/{sha}/download", data={"csrf_token": viewer_csrf}).status_code
        == 403
    )
    assert sha not in viewer.get("/evidence").text


def listed(client: TestClient, path: str) -> tuple[list[str], str]:
    """The names in a people list, in order, and its "N people match" line."""
    page = client.get(path)
    assert page.status_code == 200, path
    names = re.findall(r'<a href="/people/[0-9a-f-]{36}">([^<]+)</a>', page.text)
    (count,) = re.findall(r"(\d+) people match", page.text)
    return names, count


@pytest.fixture
def prisoners(client: TestClient) -> dict[str, str]:
    """Five people: held, released, with no detention, a confidential one, and one whose only
    detention is confidential (so that only cleared users know them as held)."""
    store = client.app.state.archive.store  # type: ignore[attr-defined]

    def add(kind: str, data: dict[str, object]) -> str:
        return add_record(store, kind, data, actor="t").record.id

    facility = add("organisation", {"names": [{"full": "Калонія № 3"}], "kind": "penal_facility"})
    secret = {"confidentiality": "confidential"}
    ids = {
        name: add("person", {"names": [{"full": name}], **extra})
        for name, extra in [
            ("Held Heldson", {}),
            ("Free Freeman", {}),
            ("Nobody Known", {}),
            ("Secret Person", secret),
            ("Quiet Quill", {}),
        ]
    }
    held = {"arrest": {"date": "2020-09"}, "charges": [{"article": "342"}]}
    add(
        "detention", {"person": ids["Held Heldson"], **held, "placements": [{"facility": facility}]}
    )
    add("detention", {"person": ids["Secret Person"], **held, **secret})
    add("detention", {"person": ids["Quiet Quill"], **held, **secret})
    released = {"arrest": {"date": "2023-05-12"}, "charges": [{"article": "130"}]}
    add("detention", {"person": ids["Free Freeman"], **released, "end": {"mode": "served"}})
    return ids | {"facility": facility}


# (who, filters, the names listed, newest first): what a viewer (internal) and a documenter
# (confidential) see; a confidential detention makes Quiet Quill held only for the documenter.
FILTERED = [
    ("viewer", "", ["Quiet Quill", "Nobody Known", "Free Freeman", "Held Heldson"]),
    (
        "doc",
        "",
        ["Quiet Quill", "Secret Person", "Nobody Known", "Free Freeman", "Held Heldson"],
    ),
    ("viewer", "status=held", ["Held Heldson"]),
    ("doc", "status=held", ["Quiet Quill", "Secret Person", "Held Heldson"]),
    ("viewer", "status=released", ["Free Freeman"]),
    ("viewer", "status=unknown", ["Quiet Quill", "Nobody Known"]),
    ("doc", "status=unknown", ["Nobody Known"]),
    ("viewer", "article=342", ["Held Heldson"]),
    ("viewer", "article=34", []),  # an article is matched whole, never as a prefix
    (
        "doc",
        "arrested_from=2020-09-15&arrested_to=2021",
        ["Quiet Quill", "Secret Person", "Held Heldson"],
    ),
    ("viewer", "arrested_from=2020-10-01", ["Free Freeman"]),
    ("viewer", "arrested_to=2020-08-31", []),
]


def test_people_filters_are_exact_and_count_only_what_the_user_may_read(
    client: TestClient, prisoners: dict[str, str]
) -> None:
    for who in ("viewer", "doc"):
        client.cookies.clear()
        login(client, who)
        for user, query, names in FILTERED:
            if user == who:
                assert listed(client, f"/people?{query}") == (names, str(len(names))), query


def test_the_facility_filter_and_the_pages_of_the_people_list(
    client: TestClient, prisoners: dict[str, str]
) -> None:
    login(client, "viewer")
    names, _ = listed(client, f"/people?facility={prisoners['facility']}")
    assert names == ["Held Heldson"]
    assert "Калонія № 3" in client.get("/people?status=held").text  # where they are held
    store = client.app.state.archive.store  # type: ignore[attr-defined]
    for i in range(50):
        add_record(store, "person", {"names": [{"full": f"Many {i:02d}"}]}, actor="t")
    first, total = listed(client, "/people?status=unknown")
    second, _ = listed(client, "/people?status=unknown&offset=50")
    assert (len(first), len(second), total) == (50, 2, "52")
    assert first[0] == "Many 49" and second == ["Quiet Quill", "Nobody Known"]
    assert (
        'href="/people?status=unknown&amp;offset=50"' in client.get("/people?status=unknown").text
    )


SAMPLE = Path(__file__).resolve().parents[2] / "src" / "sviedka" / "data" / "sample"


def test_an_import_shows_its_dry_run_then_imports_on_confirmation(
    app_factory: Callable[..., TestClient],
) -> None:
    client = app_factory()
    csrf = login(client, "doc")
    sheet = (SAMPLE / "viasna-sample.csv").read_bytes()
    r = client.post(
        "/imports",
        data={"csrf_token": csrf, "format": "viasna-csv"},
        files=[("sheet", ("list.csv", io.BytesIO(sheet), "text/csv"))],
        follow_redirects=False,
    )
    assert r.status_code == 303
    report = client.get(r.headers["location"])
    assert "What this import would do" in report.text and "list.csv" in report.text
    store = client.app.state.archive.store  # type: ignore[attr-defined]
    with store.unscoped_view() as view:
        assert view.count("person") == 0  # a dry run saves nothing
    assert "list.csv" in client.get("/").text  # waiting on the dashboard
    other = app_factory()
    login(other, "admin")
    assert other.get(r.headers["location"]).status_code == 404  # only its uploader sees it
    confirm = {"csrf_token": csrf, "keep_going": "1"}  # the sample has dirty rows on purpose
    done = client.post(r.headers["location"] + "/confirm", data=confirm)
    assert done.status_code == 200 and "<h1>Imported</h1>" in done.text
    with store.unscoped_view() as view:
        assert view.count("person") > 100
    assert client.get(r.headers["location"]).status_code == 404  # confirmed: gone


def test_a_sheet_that_is_not_one_is_refused_with_a_message(client: TestClient) -> None:
    csrf = login(client, "doc")
    r = client.post(
        "/imports",
        data={"csrf_token": csrf, "format": "viasna-csv"},
        files=[("sheet", ("x.csv", io.BytesIO(b"nothing,here\n1,2\n"), "text/csv"))],
    )
    assert r.status_code == 422 and "error-box" in r.text


@pytest.mark.postgres
def test_a_case_on_postgresql_and_what_a_viewer_sees(pg_url: str, tmp_path: Path) -> None:
    from webtools import make_archive

    from sviedka.http.app import create_app
    from sviedka.http.config import ServerConfig

    path = make_archive(tmp_path / "archive", database_url=pg_url)
    app = create_app(ServerConfig(archive=path, database_url=pg_url, rate_limit=0))
    with TestClient(app, base_url="http://localhost") as client:
        csrf = login(client, "doc")
        secret = {**DETENTION, "confidentiality": "confidential", "csrf_token": csrf}
        r = client.post("/record", data=secret, follow_redirects=False)
        assert r.status_code == 303
        person = r.headers["location"].split("?")[0]
        assert "Алесь Вербицкий" in client.get(person).text
    with TestClient(app, base_url="http://localhost") as viewer:
        login(viewer, "viewer")
        assert viewer.get(person).status_code == 404
        assert "Алесь Вербицкий" not in viewer.get("/people").text


def test_a_verifier_judges_an_unsure_pair_from_the_review_queue(client: TestClient) -> None:
    from sviedka.model import Verdict
    from sviedka.policy import CUSTODIAN
    from sviedka.services.records.resolver import cluster_of, judge

    store = client.app.state.archive.store  # type: ignore[attr-defined]
    a, b = (
        add_record(store, "person", {"names": [{"full": n}]}, actor="t").record.id
        for n in ("Ales Bialiatski", "Алесь Бяляцкі")
    )
    judge(store, a, b, Verdict.UNSURE, actor="t")
    csrf = login(client, "admin")
    assert "Possible duplicates to judge" in client.get("/").text
    data = {"csrf_token": csrf, "left": a, "right": b, "verdict": "same"}
    r = client.post("/review/judge", data=data)
    assert r.status_code == 200 and "The judgement was saved." in r.text
    assert "Possible duplicates to judge" not in r.text
    assert set(cluster_of(store, CUSTODIAN, a)[0].members) == {a, b}
    client.cookies.clear()
    viewer = login(client, "viewer")
    assert client.post("/review/judge", data={**data, "csrf_token": viewer}).status_code == 403


def test_duplicate_warnings_as_you_type_name_people_already_recorded(client: TestClient) -> None:
    csrf = login(client, "doc")
    client.post("/record", data={**DETENTION, "csrf_token": csrf})
    typed = {"prefix": "person", "person.name": "Алесь Вербіцкі", "person.birth_date": "1987"}
    r = client.post("/record/duplicates", data=typed, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200
    assert "Алесь Вербицкий" in r.text and 'name="person.id"' in r.text


def test_search_posts_the_query_and_shows_only_what_the_user_may_read(
    app_factory: Callable[..., TestClient],
) -> None:
    client = app_factory()
    store = client.app.state.archive.store  # type: ignore[attr-defined]
    for name, level in (("Алесь Вербицкий", "internal"), ("Алесь Вербіцкі", "confidential")):
        add_record(
            store, "person", {"names": [{"full": name}], "confidentiality": level}, actor="t"
        )
    csrf = login(client, "viewer")
    r = client.post("/search", data={"q": "Вербицкий", "csrf_token": csrf})
    assert r.status_code == 200
    assert "Алесь Вербицкий" in r.text and "Алесь Вербіцкі" not in r.text
    partial = client.post(
        "/search", data={"q": "Вербицкий"}, headers={"HX-Request": "true", "X-CSRF-Token": csrf}
    )
    assert partial.text.lstrip().startswith('<section id="results"')
    assert client.get("/search?q=Вербицкий").text.count("Алесь") == 0  # GET never searches


def test_showing_a_confidential_person_is_audited(client: TestClient) -> None:
    from sviedka.services.archive.audit import events

    store = client.app.state.archive.store  # type: ignore[attr-defined]
    secret = add_record(
        store, "person", {"names": [{"full": "C"}], "confidentiality": "confidential"}, actor="t"
    ).record.id
    login(client, "doc")  # the dashboard lists it among the recent changes
    client.get("/people")
    client.get(f"/people/{secret}")
    seen = [(e.action, e.ref, e.user) for e in events(store) if e.ref == secret]
    assert seen == [("list", secret, "doc")] * 2 + [("read", secret, "doc")]


def test_pickers_offer_as_you_type_only_readable_records_of_their_kind_and_audit_them(
    client: TestClient,
) -> None:
    from sviedka.services.archive.audit import events

    store = client.app.state.archive.store  # type: ignore[attr-defined]

    def org(kind: str, level: str) -> str:
        name = f"Суд Фрунзенского района {kind} {level}"
        data = {"names": [{"full": name}], "kind": kind, "confidentiality": level}
        return add_record(store, "organisation", data, actor="t").record.id

    courts = {level: org("court", level) for level in ("public", "confidential", "restricted")}
    police = org("police", "public")
    csrf = login(client, "doc")
    typed = {"field": "case.court", "case.court.name": "Фрунзен"}
    r = client.post("/record/pick", data=typed, headers={"X-CSRF-Token": csrf})
    offered = re.findall(r'name="case\.court\.id" value="([0-9a-f-]{36})"', r.text)
    assert sorted(offered) == sorted([courts["public"], courts["confidential"]])
    assert police not in r.text and courts["restricted"] not in r.text
    seen = [(e.action, e.user) for e in events(store) if e.ref == courts["confidential"]]
    assert ("search", "doc") in seen  # (the dashboard after login lists it too)
    unknown = {"field": "person.secret", "person.secret.name": "x"}
    assert (
        client.post("/record/pick", data=unknown, headers={"X-CSRF-Token": csrf}).status_code == 404
    )
    # without JavaScript, the form's button looks the names up; the choice is kept on return
    form = {**DETENTION, "case.court.name": "Фрунзен", "more": "check", "csrf_token": csrf}
    page = client.post("/record", data=form).text
    assert f'value="{courts["public"]}"' in page
    chosen = {**DETENTION, "case.court.id": courts["public"], "arrest.date": "bad"}
    page = client.post("/record", data={**chosen, "csrf_token": csrf}).text
    assert re.search(f'value="{courts["public"]}" checked', page)


def test_records_a_page_names_are_audited_when_confidential(client: TestClient) -> None:
    from sviedka.services.archive.audit import events

    store = client.app.state.archive.store  # type: ignore[attr-defined]
    court = add_record(
        store,
        "organisation",
        {"names": [{"full": "Closed Court"}], "kind": "court", "confidentiality": "confidential"},
        actor="t",
    ).record.id
    person = add_record(store, "person", {"names": [{"full": "P"}]}, actor="t").record.id
    case = {"person": person, "arrest": {"date": "2021"}, "court_cases": [{"court": court}]}
    detention = add_record(store, "detention", case, actor="t").record.id
    login(client, "doc")  # (the dashboard lists it among the recent changes)
    before = [e for e in events(store) if e.ref == court]
    assert "Closed Court" in client.get(f"/people/{person}").text
    assert "Closed Court" in client.get(f"/records/{detention}").text
    seen = [(e.action, e.user) for e in events(store) if e.ref == court][len(before) :]
    assert seen == [("list", "doc"), ("list", "doc")]
