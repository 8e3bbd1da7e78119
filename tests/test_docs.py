"""Guards of the project itself: docs cover every command and setting; ``__all__`` is exact."""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
from pathlib import Path

import pytest

import sviedka

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from cli_reference import commands  # noqa: E402


def test_every_command_has_a_section_in_the_cli_reference() -> None:
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for path in commands():
        assert f"## {' '.join(('sviedka', *path))}\n" in text


def test_every_setting_is_documented() -> None:
    source = (ROOT / "src" / "sviedka" / "settings.py").read_text(encoding="utf-8")
    conftest = (ROOT / "tests" / "conftest.py").read_text(encoding="utf-8")
    names = set(re.findall(r"SVIEDKA_[A-Z_]+", source + conftest))
    docs = (ROOT / "docs" / "archive.md").read_text(encoding="utf-8")
    assert names and {n for n in names if f"`{n}`" not in docs} == set()


def test_readme_starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```sh\n", 1)[1].split("```", 1)[0]
    assert [line.split()[:2] for line in block.splitlines()] == [["make", "demo"], ["make", "test"]]


def _modules() -> list[str]:
    return [m.name for m in pkgutil.walk_packages(sviedka.__path__, "sviedka.")]


# The CLI's command functions are registered with typer, not exported.
@pytest.mark.parametrize(
    "name", ["sviedka", *(m for m in _modules() if not m.startswith("sviedka.cli"))]
)
def test_all_lists_exactly_the_public_names(name: str) -> None:
    module = importlib.import_module(name)
    declared = getattr(module, "__all__", None)
    if declared is None:
        return  # a module without __all__ exports nothing on purpose (cli internals, migrations)
    public = {
        n
        for n, v in vars(module).items()
        if not n.startswith("_")
        and getattr(v, "__module__", name) == name
        and (callable(v) or isinstance(v, type))
    }
    assert sorted(declared) == sorted(set(declared)), "duplicates in __all__"
    assert public <= set(declared), f"public but not in __all__: {public - set(declared)}"
    assert all(hasattr(module, n) for n in declared)
