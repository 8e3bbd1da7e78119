"""The API over the services that landed beside the server: imports (upload, dry run, confirm),
statistics and search — each answering only within what the user may read."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from serverkit import Server, make_server

from sviedka.policy import custodian
from sviedka.services.archive.grants import add_grant
from sviedka.services.records import records
from sviedka.services.records.vocab import shipped_vocabularies

SAMPLE = (
    Path(__file__).resolve().parents[2]
    / "src"
    / "sviedka"
    / "data"
    / "sample"
    / "viasna-sample.csv"
)


@pytest.fixture(scope="module")
def landed(database: str | None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    path = tmp_path_factory.mktemp("landed") / "archive"
    for made in make_server(path, database, tuple(shipped_vocabularies())):
        made.user("admin", "admin", "restricted", groups=("case-a",))
        made.user("doc", "documenter", "internal")
        made.user("other-doc", "documenter", "internal")
        made.user("viewer", "viewer", "public")
        made.user("verifier", "verifier", "internal")
        yield made


def sheet(rows: int) -> bytes:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    return ("\n".join(lines[: rows + 1]) + "\n").encode()


def persons(server: Server) -> int:
    page = server.client.get("/api/v1/records?kind=person&limit=1", headers=server.as_("admin"))
    return int(page.json()["total"])


def test_an_import_is_a_dry_run_until_confirmed(landed: Server) -> None:
    client, doc = landed.client, landed.as_("doc")
    before = persons(landed)
    headers = doc | {"Content-Disposition": "attachment; filename=list.csv"}
    staged = client.post("/api/v1/imports?format=viasna-csv", content=sheet(5), headers=headers)
    assert staged.status_code == 201, staged.text
    body = staged.json()
    assert body["report"]["dry_run"] is True and body["report"]["rows_read"] == 5
    assert persons(landed) == before
    url = f"/api/v1/imports/{body['id']}"
    assert client.get(url, headers=landed.as_("other-doc")).status_code == 404
    assert client.get(url, headers=doc).json()["report"] == body["report"]
    done = client.post(f"{url}/confirm", headers=doc)
    assert done.status_code == 200, done.text
    assert done.json()["report"]["dry_run"] is False
    assert done.json()["report"]["added"] == 5
    assert persons(landed) >= before + 5  # the rows' persons, and their judges and prosecutors
    assert client.get(url, headers=doc).status_code == 404  # the upload is gone


def test_a_discarded_import_changes_nothing(landed: Server) -> None:
    client, doc = landed.client, landed.as_("doc")
    before = persons(landed)
    staged = client.post("/api/v1/imports?format=viasna-csv", content=sheet(3), headers=doc).json()
    assert client.delete(f"/api/v1/imports/{staged['id']}", headers=doc).status_code == 200
    assert client.post(f"/api/v1/imports/{staged['id']}/confirm", headers=doc).status_code == 404
    assert persons(landed) == before


def test_viewers_may_not_import(landed: Server) -> None:
    answer = landed.client.post(
        "/api/v1/imports?format=viasna-csv", content=sheet(1), headers=landed.as_("viewer")
    )
    assert answer.status_code == 403


def test_statistics_count_only_what_the_user_may_read(landed: Server) -> None:
    pytest.importorskip("sviedka.services.analysis.stats")
    store = landed.store
    for level in ("public", "confidential"):
        person = records.add_record(
            store, "person", {"names": [{"full": "Counted"}], "confidentiality": level}, actor="t"
        ).record.id
        detention = {
            "person": person,
            "arrest": {"date": "1999-01-05"},
            "recognition": {"date": "1999-01-06"},
            "confidentiality": level,
        }
        records.add_record(store, "detention", detention, actor="t")

    def held(user: str) -> int:
        found = landed.client.get("/api/v1/stats/held?on=1999-02-01", headers=landed.as_(user))
        assert found.status_code == 200, found.text
        return int(found.json()["rows"][0]["certain"])

    assert (held("viewer"), held("admin")) == (1, 2)


def test_search_finds_only_what_the_user_may_read(landed: Server) -> None:
    pytest.importorskip("sviedka.services.records.search")
    store = landed.store
    made = {}
    for level in ("public", "confidential", "restricted"):
        body = {"names": [{"full": f"Zmitser Kvadrat {level}"}], "confidentiality": level}
        made[level] = records.add_record(store, "person", body, actor="t").record.id
    add_grant(store, custodian("t"), made["restricted"], grantee_kind="group", grantee="case-a")

    def found(user: str) -> set[str]:
        answer = landed.client.get("/api/v1/search?q=Kvadrat", headers=landed.as_(user))
        assert answer.status_code == 200, answer.text
        hits = {hit["id"] for hit in answer.json()["hits"]}
        assert answer.json()["total"] == len(hits)
        return hits

    assert found("viewer") == {made["public"]}
    assert found("doc") == {made["public"]}
    assert found("admin") == set(made.values())
    trail = landed.client.get("/api/v1/audit?user=admin", headers=landed.as_("admin")).json()
    searched = {e["ref"] for e in trail["events"] if e["action"] == "search"}
    assert searched == {made["confidential"], made["restricted"]}


def test_likely_duplicates_pair_only_readable_persons(landed: Server) -> None:
    store = landed.store
    made = {}
    for key, level in (("a", "internal"), ("b", "internal"), ("c", "confidential")):
        body = {
            "names": [{"full": "Аляксандр Бялявіч", "lang": "be"}],
            "birth_date": "1971-03-02",
            "confidentiality": level,
        }
        made[key] = records.add_record(store, "person", body, actor="t").record.id
    answer = landed.client.get("/api/v1/match/persons?limit=500", headers=landed.as_("verifier"))
    assert answer.status_code == 200, answer.text
    pairs = {frozenset((p["left"], p["right"])) for p in answer.json()["pairs"]}
    ours = {pair for pair in pairs if pair <= set(made.values())}
    assert ours == {frozenset((made["a"], made["b"]))}
    everything = landed.client.get("/api/v1/match/persons?limit=500", headers=landed.as_("admin"))
    theirs = {frozenset((p["left"], p["right"])) for p in everything.json()["pairs"]}
    seen_by_admin = {pair for pair in theirs if pair <= set(made.values())}
    assert frozenset((made["a"], made["b"])) in seen_by_admin
    assert any(made["c"] in pair for pair in seen_by_admin)  # the confidential one, for admins
    assert landed.client.get("/api/v1/match/persons", headers=landed.as_("doc")).status_code == 403


def test_sanctions_screening_is_for_reviewers(landed: Server) -> None:
    answer = landed.client.get("/api/v1/sanctions/screen", headers=landed.as_("verifier"))
    assert answer.status_code == 200, answer.text
    assert set(answer.json()) == {"ok", "lists", "sanctioned", "possible", "not_sanctioned"}
    assert (
        landed.client.get("/api/v1/sanctions/screen", headers=landed.as_("doc")).status_code == 403
    )
