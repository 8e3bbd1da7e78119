"""FollowTheMoney is a runtime dependency (FtM import and export are product features), and the
CLI still starts without paying for its import (seconds) on every command."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=\[ ;]", r, maxsplit=1)[0].lower() for r in requirements}


def test_followthemoney_is_installed_with_the_package_not_only_for_tests() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "followthemoney" in names(project["dependencies"])
    assert "followthemoney" not in names(project["optional-dependencies"]["test"])


def test_no_code_path_asks_for_followthemoney_to_be_installed() -> None:
    sources = (ROOT / "src" / "sviedka").rglob("*.py")
    asking = [p.name for p in sources if "the followthemoney package" in p.read_text("utf-8")]
    assert asking == []


def test_the_cli_starts_without_importing_followthemoney() -> None:
    code = "import sys, sviedka.cli; print('followthemoney' in sys.modules)"
    env = os.environ | {"PYTHONPATH": str(ROOT / "src")}
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert (found.returncode, found.stdout.strip()) == (0, "False")
