"""``sviedka search`` end to end, in process, on a real archive."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner, Result

from sviedka.cli import app

runner = CliRunner()
ENV = {"SVIEDKA_PASSPHRASE": "", "SVIEDKA_CUSTODIAN": "alice", "SVIEDKA_DATABASE_URL": ""}


def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(
        app, list(args), input=input, env=ENV | (env or {}), catch_exceptions=False
    )


def add(archive: Path, kind: str, body: dict[str, Any]) -> str:
    result = run(
        "--archive", str(archive), "record", "add", kind, "--json", "-", input=json.dumps(body)
    )
    assert result.exit_code == 0, result.output
    return result.output.strip()


def search(archive: Path, *args: str) -> Result:
    return run("--archive", str(archive), "search", *args)


def test_search_finds_a_name_in_another_script(archive: Path) -> None:
    be = add(archive, "person", {"names": [{"full": "Алесь Бяляцкі", "lang": "be"}]})
    latin = add(archive, "person", {"names": [{"full": "Ales Bialiatski", "lang": "en"}]})
    add(archive, "person", {"names": [{"full": "Ганна Шэлег", "lang": "be"}]})
    result = search(archive, "Беляцкий", "--json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found["total"] == 2
    assert {h["id"] for h in found["hits"]} == {be, latin}
    assert {h["title"] for h in found["hits"]} == {"Алесь Бяляцкі", "Ales Bialiatski"}


def test_search_text_output_filters_and_paging(archive: Path) -> None:
    add(archive, "person", {"names": [{"full": "Ігар Лосік"}]})
    event = add(
        archive,
        "event",
        {
            "title": "Затрыманне Лосіка",
            "description": "Ігар Лосік затрыманы",
            "dates": "2020-06-25",
        },
    )
    result = search(
        archive, "Лосік затрыманы", "--kind", "event", "--from", "2020", "--to", "2020-12"
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"event        Затрыманне Лосіка  [{event}]",
        "             Ігар Лосік затрыманы",
        "1–1 of 1",
    ]
    result = search(archive, "Лосік", "--limit", "1", "--json")
    assert [json.loads(result.output)[k] for k in ("total", "offset")] == [2, 0]
    assert len(json.loads(result.output)["hits"]) == 1
    assert search(archive, "Лосік", "--from", "2030").output == "No records found.\n"


def test_search_errors_are_clear_and_name_the_field(archive: Path) -> None:
    result = search(archive, "!!!")
    assert result.exit_code == 1
    assert result.output == "Error: Nothing to search for.\n  query: has no letters or digits\n"
    result = search(archive, "Алесь", "--from", "2021-02-30")
    assert result.exit_code == 1
    assert "date_from: is not a real date" in result.output
    result = search(archive, "Алесь", "--kind", "people")
    assert "kind: unknown kind" in result.output
