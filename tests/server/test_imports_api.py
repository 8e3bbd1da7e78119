"""Staged imports through the API: the report names nothing the importer may not read, only
importers cleared for internal records may stage, and bad workbooks get the JSON error shape."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from serverkit import Server, make_server

from sviedka.services.records import records
from sviedka.services.records.vocab import shipped_vocabularies

HEADER = "id,name,birthday\n"


@pytest.fixture(scope="module")
def api(database: str | None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    path = tmp_path_factory.mktemp("imports-api") / "archive"
    for made in make_server(path, database, tuple(shipped_vocabularies())):
        made.user("doc", "documenter", "internal")
        made.user("public-doc", "documenter", "public")
        yield made


def person(server: Server, name: str, born: str, level: str) -> str:
    payload = {"names": [{"full": name}], "birth_date": born, "confidentiality": level}
    return str(records.add_record(server.store, "person", payload, actor="t").record.id)


def upload(server: Server, user: str, body: bytes, fmt: str = "csv") -> dict[str, Any]:
    """The answer's JSON; its ``status`` is the HTTP status (as error answers say too)."""
    headers = server.as_(user) | {"Content-Disposition": "attachment; filename=list.xlsx"}
    answer = server.client.post(f"/api/v1/imports?format={fmt}", content=body, headers=headers)
    return {"status": answer.status_code} | dict(answer.json())


def test_a_dry_run_does_not_reveal_a_restricted_namesake(api: Server) -> None:
    hidden = person(api, "Дмитрий Закрытый", "1980-02-03", "restricted")
    known = person(api, "Ольга Открытая", "1975-06-07", "internal")
    body = f"{HEADER}1,Дмитрий Закрытый,03.02.1980\n2,Ольга Открытая,07.06.1975\n".encode()
    made = upload(api, "doc", body)
    assert made["status"] == 201
    rows = made["report"]["rows"]
    assert [len(row["reasons"]) for row in rows] == [0, 1]
    assert known in rows[1]["reasons"][0] and hidden not in str(made)
    shown = api.client.get(f"/api/v1/imports/{made['id']}", headers=api.as_("doc")).json()
    assert hidden not in str(shown) and shown["report"] == made["report"]
    confirmed = api.client.post(f"/api/v1/imports/{made['id']}/confirm", headers=api.as_("doc"))
    assert confirmed.status_code == 200 and hidden not in confirmed.text


def test_an_importer_not_cleared_for_internal_records_may_not_stage(api: Server) -> None:
    made = upload(api, "public-doc", f"{HEADER}1,Жук Антон,\n".encode())
    assert made == {
        "status": 403,
        "ok": False,
        "error": "Imports make internal records; your clearance does not reach them.",
        "errors": [],
    }


def test_a_hostile_workbook_gets_the_json_error_and_stages_nothing(api: Server) -> None:
    from hostile_workbooks import BILLION_LAUGHS, pack, with_shared_strings

    path = pack(api.path.parent / "laughs.xlsx", with_shared_strings(BILLION_LAUGHS))
    made = upload(api, "doc", path.read_bytes(), fmt="xlsx")
    assert made == {
        "status": 422,
        "ok": False,
        "error": (
            "The workbook contains an XML document type declaration (DTD), which XLSX files "
            "never need: it can hide entity expansion or references to other files. Nothing was "
            "imported; save the sheet again from a spreadsheet program."
        ),
        "errors": [{"field": "file", "problem": "has a DTD"}],
    }
    assert list((api.path / "imports").glob("*")) == []
