"""The one error shape, body limits, request ids, security headers, logs without personal data."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from serverkit import BASE_URL, Server, make_server

from sviedka.model import Vocabulary
from sviedka.services.evidence import ingest_stream
from sviedka.services.records import records

SHAPE = {"ok", "error", "errors", "status"}
NAME = "Ганна Сакрэтная"  # a confidential person's name: must never reach a log line
LIMIT = 4096


@pytest.fixture(scope="module")
def small(
    database: str | None,
    tmp_path_factory: pytest.TempPathFactory,
    vocabularies: tuple[Vocabulary, ...],
) -> Iterator[Server]:
    """A server with small body limits: 4 KiB for JSON, 64 KiB for uploads."""
    path: Path = tmp_path_factory.mktemp("small") / "archive"
    for made in make_server(path, database, vocabularies, max_body=LIMIT, max_upload=16 * LIMIT):
        made.user("admin", "admin", "restricted")
        made.user("viewer", "viewer", "public")
        yield made


def shape(response: object) -> dict:
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == SHAPE and body["ok"] is False
    assert body["status"] == response.status_code  # type: ignore[attr-defined]
    return body


def test_every_kind_of_error_has_the_one_shape(small: Server) -> None:
    client, admin = small.client, small.as_("admin")
    answers = {
        401: client.get("/api/v1/me"),
        403: client.get("/api/v1/users", headers=small.as_("viewer")),
        404: client.get("/api/v1/no-such-route", headers=admin),
        405: client.delete("/api/v1/kinds", headers=admin),
        422: client.post("/api/v1/records/person", json={"record": {"names": []}}, headers=admin),
    }
    for status, response in answers.items():
        assert shape(response)["status"] == status
    problems = shape(answers[422])["errors"]
    assert problems == [{"field": "names", "problem": "give at least one name form"}]


def test_validation_errors_name_fields_never_values(small: Server) -> None:
    secret = "value-that-must-not-be-echoed"
    response = small.client.post(
        "/api/v1/records/person",
        json={"record": secret, "extra": secret},
        headers=small.as_("admin"),
    )
    body = shape(response)
    assert {e["field"] for e in body["errors"]} == {"body.record", "body.extra"}
    assert secret not in response.text


def test_a_stale_revision_is_a_conflict(small: Server) -> None:
    made = records.add_record(small.store, "person", {"names": [{"full": "X"}]}, actor="t")
    url = f"/api/v1/records/{made.record.id}"
    first = small.client.patch(
        url, json={"patch": {"notes": "a"}, "revision": 1}, headers=small.as_("admin")
    )
    assert first.status_code == 200 and first.json()["revision"] == 2
    stale = small.client.patch(
        url, json={"patch": {"notes": "b"}, "revision": 1}, headers=small.as_("admin")
    )
    assert shape(stale)["status"] == 409


def test_a_crash_answers_500_in_the_shape_without_its_message(
    small: Server, caplog: pytest.LogCaptureFixture
) -> None:
    app: FastAPI = small.another_app()

    @app.get("/api/v1/crash")
    def crash() -> None:
        raise RuntimeError(f"secret detail {NAME}")

    with TestClient(app, base_url=BASE_URL, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/crash")
    body = shape(response)
    assert body["status"] == 500 and NAME not in response.text
    assert response.headers["x-request-id"] in body["error"]
    crashes = [json.loads(r.getMessage()) for r in caplog.records if r.name == "sviedka.http"]
    assert [(c["event"], c["error"]) for c in crashes] == [("crash", "RuntimeError")]
    assert crashes[0]["request_id"] == response.headers["x-request-id"]
    assert NAME not in caplog.text


def test_an_oversized_body_is_refused_with_413_in_the_shape(small: Server) -> None:
    big = {"record": {"names": [{"full": "x" * (2 * LIMIT)}]}}
    response = small.client.post("/api/v1/records/person", json=big, headers=small.as_("admin"))
    assert shape(response)["status"] == 413
    without_route_body = small.client.post(
        "/api/v1/auth/logout", content=b"x" * (2 * LIMIT), headers=small.as_("admin")
    )
    assert shape(without_route_body)["status"] == 413


def test_uploads_have_their_own_larger_limit(small: Server) -> None:
    headers = small.as_("admin") | {
        "Content-Disposition": "attachment; filename*=UTF-8''%D1%84.bin"
    }
    fits = small.client.post("/api/v1/evidence", content=b"a" * (8 * LIMIT), headers=headers)
    assert fits.status_code == 201, fits.text
    sha = fits.json()["sha256"]
    described = small.client.get(f"/api/v1/evidence/{sha}", headers=small.as_("admin")).json()
    assert described["evidence"]["data"]["original_name"] == "ф.bin"
    too_big = small.client.post("/api/v1/evidence", content=b"b" * (32 * LIMIT), headers=headers)
    assert shape(too_big)["status"] == 413


def test_a_download_is_the_file_and_leaves_custody_and_audit_events(small: Server) -> None:
    data = b"\x00\x01 evidence bytes " * 5000
    made = ingest_stream(small.app.state.archive, io.BytesIO(data), name="e.bin", actor="t")
    url = f"/api/v1/evidence/{made.sha256}"
    response = small.client.get(f"{url}/content", headers=small.as_("admin"))
    assert response.status_code == 200 and response.content == data
    assert response.headers["content-length"] == str(len(data))
    custody = small.client.get(f"{url}/custody", headers=small.as_("admin")).json()["events"]
    assert [e["custody"] for e in custody] == ["ingested", "exported"]
    trail = small.client.get(
        f"/api/v1/audit?record={made.sha256}", headers=small.as_("admin")
    ).json()
    assert [e["action"] for e in trail["events"]] == ["evidence_download"]


def test_without_keys_a_download_says_why(small: Server) -> None:
    made = ingest_stream(small.app.state.archive, io.BytesIO(b"no keys"), name="k", actor="t")
    with TestClient(small.another_app(keys=None), base_url=BASE_URL) as client:
        response = client.get(f"/api/v1/evidence/{made.sha256}/content", headers=small.as_("admin"))
    assert shape(response)["status"] == 503 and "--unlock" in response.json()["error"]


def test_request_ids_and_security_headers(small: Server) -> None:
    given = small.client.get("/api/v1/health", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    made = small.client.get("/api/v1/health", headers={"X-Request-ID": "bad id\twith spaces"})
    assert len(made.headers["x-request-id"]) == 32
    for name, value in {
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "cache-control": "no-store",
        "referrer-policy": "no-referrer",
        "strict-transport-security": "max-age=31536000",
    }.items():
        assert made.headers[name] == value
    assert "default-src 'none'" in made.headers["content-security-policy"]


def test_logs_hold_routes_and_ids_of_users_never_records_or_names(
    small: Server, caplog: pytest.LogCaptureFixture
) -> None:
    body = {"names": [{"full": NAME}], "confidentiality": "confidential"}
    record_id = records.add_record(small.store, "person", body, actor="t").record.id
    caplog.set_level(logging.INFO, logger="sviedka.http")
    admin = small.as_("admin")
    small.client.get(f"/api/v1/records/{record_id}", headers=admin)
    small.client.get(f"/api/v1/records?kind=person&where=names={NAME}", headers=admin)
    small.client.post("/api/v1/auth/login", json={"username": "admin", "password": NAME})
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "sviedka.http.access"]
    assert {line["route"] for line in lines} == {
        "/api/v1/records/{record_id}",
        "/api/v1/records",
        "/api/v1/auth/login",
    }
    assert set(lines[0]) == {"event", "method", "route", "status", "ms", "request_id", "user_id"}
    assert lines[0]["user_id"] is not None
    for text in (NAME, record_id, "names="):
        assert text not in caplog.text


def test_with_the_web_ui_installed_the_api_keeps_its_json_errors(small: Server) -> None:
    pytest.importorskip("sviedka.http.web")
    with TestClient(small.another_app(web=True), base_url=BASE_URL) as client:
        for response in (
            client.get("/api/v1/me"),
            client.get(
                "/api/v1/records/01a20000-0000-7000-8000-000000000000", headers=small.as_("admin")
            ),
            client.get("/api/v1/nothing-here"),
        ):
            assert shape(response)["status"] in (401, 404)


def test_an_upload_is_at_its_level_from_its_first_revision(small: Server) -> None:
    """No moment in which a confidential file's record is readable at the default level."""
    headers = small.as_("admin") | {"Content-Disposition": "attachment; filename=c.bin"}
    made = small.client.post(
        "/api/v1/evidence?confidentiality=confidential", content=b"c" * 100, headers=headers
    )
    assert made.status_code == 201, made.text
    with small.store.unscoped_view() as view:
        (stored,) = [s for s in view.records("evidence") if s.record.original_name == "c.bin"]
        levels = [r.state["confidentiality"] for r in view.history(stored.record.id)]
    # ingested, then described from the upload's copy in memory: confidential from the first
    assert levels == ["confidential", "confidential"]
