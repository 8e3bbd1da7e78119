"""Staged imports through the web pages: the dry-run report names nothing the importer may not
read, and a workbook that cannot be read gets the form back with a message."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from webtools import login

from sviedka.services.records import records

SHEET = "id,name,birthday\n1,Дмитрий Закрытый,03.02.1980\n2,Ольга Открытая,07.06.1975\n"


def person(client: TestClient, name: str, born: str, level: str) -> str:
    store = client.app.state.archive.store  # type: ignore[attr-defined]
    payload = {"names": [{"full": name}], "birth_date": born, "confidentiality": level}
    return str(records.add_record(store, "person", payload, actor="t").record.id)


def upload(client: TestClient, csrf: str, name: str, data: bytes, fmt: str) -> object:
    return client.post(
        "/imports",
        data={"csrf_token": csrf, "format": fmt},
        files=[("sheet", (name, io.BytesIO(data), "application/octet-stream"))],
        follow_redirects=False,
    )


def test_a_dry_run_does_not_reveal_a_restricted_namesake(
    app_factory: Callable[..., TestClient],
) -> None:
    client = app_factory()
    hidden = person(client, "Дмитрий Закрытый", "1980-02-03", "restricted")
    known = person(client, "Ольга Открытая", "1975-06-07", "internal")
    csrf = login(client, "doc")  # a documenter cleared for confidential records, no grants
    staged = upload(client, csrf, "list.csv", SHEET.encode(), "csv")
    assert staged.status_code == 303  # type: ignore[attr-defined]
    report = client.get(staged.headers["location"]).text  # type: ignore[attr-defined]
    assert hidden not in report and report.count("likely the same person as") == 1
    assert f"likely the same person as {known}" in report
    done = client.post(staged.headers["location"] + "/confirm", data={"csrf_token": csrf})  # type: ignore[attr-defined]
    assert done.status_code == 200 and hidden not in done.text


def test_an_importer_not_cleared_for_internal_records_may_not_stage(
    app_factory: Callable[..., TestClient],
) -> None:
    from webtools import PASSWORD

    from sviedka.services.accounts import add_user

    client = app_factory()
    store = client.app.state.archive.store  # type: ignore[attr-defined]
    add_user(store, "public-doc", PASSWORD, role="documenter", clearance="public")
    csrf = login(client, "public-doc")
    refused = upload(client, csrf, "list.csv", SHEET.encode(), "csv")
    assert refused.status_code == 403  # type: ignore[attr-defined]
    staged = client.app.state.archive.path / "imports"  # type: ignore[attr-defined]
    assert list(staged.glob("*")) == []


def test_a_workbook_that_cannot_be_read_gets_the_form_back_with_why(
    app_factory: Callable[..., TestClient],
) -> None:
    from hostile_workbooks import SHEET, pack, unclosed_cells, workbook_parts

    client = app_factory()
    csrf = login(client, "doc")
    archive = client.app.state.archive  # type: ignore[attr-defined]
    path = pack(archive.path.parent / "unclosed.xlsx", workbook_parts() | {SHEET: unclosed_cells()})
    refused = upload(client, csrf, "list.xlsx", path.read_bytes(), "xlsx")
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert (
        '<p class="error-box" role="alert">The workbook has XML that is not well-formed (line 1). '
        "Nothing was imported; save it again from a spreadsheet program.</p>"
    ) in refused.text  # type: ignore[attr-defined]
    assert list((archive.path / "imports").glob("*")) == []


def test_a_dry_run_runs_off_the_event_loop(
    app_factory: Callable[..., TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading a sheet takes seconds; on the event loop it would stall every other request."""
    import asyncio

    from sviedka.errors import Invalid
    from sviedka.services.importing import staging

    on_the_loop = []

    def stage(*_: object, **__: object) -> None:
        try:
            asyncio.get_running_loop()
            on_the_loop.append(True)
        except RuntimeError:
            on_the_loop.append(False)
        raise Invalid("Stopped here.", {})

    monkeypatch.setattr(staging, "stage", stage)
    client = app_factory()
    refused = upload(client, login(client, "doc"), "list.csv", SHEET.encode(), "csv")
    assert (refused.status_code, on_the_loop) == (422, [False])  # type: ignore[attr-defined]
