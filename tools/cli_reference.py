"""Generate the CLI reference (docs/cli.md) from the commands themselves, so it cannot go stale.

Run through cog: ``cog -r docs/cli.md``; ``make test`` runs ``cog --check``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from typer.main import get_command
from typer.testing import CliRunner

from sviedka.cli import app


def _walk(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    for name, sub in getattr(command, "commands", {}).items():
        yield from _walk(sub, (*path, name))


def commands() -> list[tuple[str, ...]]:
    """Every command path, e.g. ``("record", "add")``, the root first."""
    return list(_walk(get_command(app)))


def reference() -> str:
    runner = CliRunner()
    env = {"COLUMNS": "100", "TERM": "dumb", "NO_COLOR": "1"}
    parts = []
    for path in commands():
        title = " ".join(("sviedka", *path))
        result = runner.invoke(app, [*path, "--help"], prog_name="sviedka", env=env)
        parts.append(f"## {title}\n\n```\n{result.output.rstrip()}\n```\n")
    return "\n".join(parts)
