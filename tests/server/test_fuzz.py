"""schemathesis against the OpenAPI description: requests generated for every operation, valid and
invalid, as an administrator who may do everything, must never make the server fail (5xx), and
every error must have the one shape. Bounded (a few examples per operation and mode) so that it
runs in ``make test``; derandomised, so a failure reproduces."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from serverkit import Server

ERROR_KEYS = {"ok", "error", "errors", "status"}
EXAMPLES = 12


@pytest.fixture(scope="module")
def fuzzed(server: Server) -> Server:
    server.user("fuzz-admin", "admin", "restricted")
    return server


def operations(server: Server) -> list[Any]:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", server.app)
    return [result.ok() for result in schema.get_all_operations()]


def check(case: Any, server: Server) -> None:
    response = case.call(headers=server.as_("fuzz-admin"))
    assert response.status_code < 500, (case.method, case.path, response.text)
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == ERROR_KEYS and body["status"] == response.status_code, body


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_generated_request_makes_the_server_fail(fuzzed: Server, mode: GenerationMode) -> None:
    found = operations(fuzzed)
    assert len(found) > 20
    for operation in found:

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case: Any) -> None:
            check(case, fuzzed)

        try:
            run()
        except Unsatisfiable:  # nothing invalid to send (no parameters, no body): nothing to test
            assert mode is GenerationMode.NEGATIVE, operation.label
