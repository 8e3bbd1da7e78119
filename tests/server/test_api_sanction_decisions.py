"""``POST /api/v1/sanctions/decisions``: a reviewer decides only on persons they may read. On a
restricted person they may not read the answer is the unknown id's, and nothing is written."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from serverkit import Server

from shared_data import shared_file
from sviedka.services.importing import ImportOptions
from sviedka.services.records.records import add_record
from sviedka.services.sanctions.ofac import import_ofac_sdn
from sviedka.store.sanctions import verdict_of

LIST, REF = "us_ofac_sdn", "9769"  # a Belarus entry of the real list


@pytest.fixture(scope="module")
def listed(server: Server, tmp_path_factory: pytest.TempPathFactory) -> Server:
    server.user("reviewer", "verifier", "internal")  # may judge; internal, no grants
    lines = [
        line
        for line in shared_file("ofac-sdn/sdn.csv").read_text(encoding="ascii").splitlines()
        if line != "\x1a" and "BELARUS" in next(csv.reader([line]))[3]
    ]
    path: Path = tmp_path_factory.mktemp("sdn") / "sdn.csv"
    path.write_text("\n".join(lines), encoding="ascii")
    import_ofac_sdn(server.app.state.archive, path, ImportOptions(actor="test"))
    return server


def person(server: Server, level: str) -> str:
    body = {"names": [{"full": "Віктар Шэйман"}], "confidentiality": level}
    return str(add_record(server.store, "person", body, actor="test").record.id)


def decide(server: Server, person_id: str, verdict: str) -> tuple[int, Any]:
    body = {"person": person_id, "list": LIST, "ref": REF, "verdict": verdict}
    answer = server.client.post(
        "/api/v1/sanctions/decisions", json=body, headers=server.as_("reviewer")
    )
    return answer.status_code, answer.json()


def verdict(server: Server, person_id: str) -> str | None:
    with server.store.unscoped_view() as view:
        return verdict_of(view, person_id, LIST, REF)


def test_a_reviewer_decides_on_a_person_they_may_read(listed: Server) -> None:
    readable = person(listed, "internal")
    assert decide(listed, readable, "rejected") == (201, {"ok": True, "sanction_id": None})
    assert verdict(listed, readable) == "rejected"


@pytest.mark.parametrize("verdict_given", ["confirmed", "rejected"])
def test_a_restricted_person_answers_as_an_unknown_id_and_nothing_is_written(
    listed: Server, verdict_given: str
) -> None:
    hidden, unknown = person(listed, "restricted"), "01900000-0000-7000-8000-000000000000"
    status, body = decide(listed, hidden, verdict_given)
    unknown_status, unknown_body = decide(listed, unknown, verdict_given)
    assert status == unknown_status == 404
    assert json.dumps(body).replace(hidden, "{id}") == json.dumps(unknown_body).replace(
        unknown, "{id}"
    )
    assert verdict(listed, hidden) is None
