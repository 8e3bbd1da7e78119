"""``../shared/data`` (real public files) and the one rule for tests that need what may be absent:
on a developer's machine they skip; under CI=true they fail, so CI never passes by skipping."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def unavailable(what: str) -> NoReturn:
    """Skip for want of ``what``, except under CI=true, where it is a failure."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI needs {what}")
    pytest.skip(f"{what} is not here")


def shared_file(relative: str) -> Path:
    """A file of ``../shared/data``, or skip (fail under CI) without it."""
    path = SHARED_DATA / relative
    if not path.is_file():
        unavailable(str(path))
    return path
