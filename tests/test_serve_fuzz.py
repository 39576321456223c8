"""Fuzz every operation of the ``netwarp serve`` OpenAPI schema: no input may cause a 5xx.

Schemathesis generates requests from ``/openapi.json`` (valid and invalid bodies, queries and
paths) and sends them to the real app in-process, a bounded number per operation. The app
runs with a token (as it does beyond localhost), so the token path is fuzzed too; one
training worker and a short queue keep the machine free.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("schemathesis")
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from netwarp.apps.serve import create_app

pytestmark = pytest.mark.slow  # scripts/test --fast leaves it out

TOKEN = "fuzz-token-1234"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

app = create_app(token=TOKEN, workers=1, max_queued=4, max_runs=8)
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture(scope="module", autouse=True)
def _stop_workers() -> Iterator[None]:
    yield
    app.state.manager.close()
    app.state.views.close()


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
def test_no_input_causes_a_server_error(case: Any) -> None:
    case.call_and_validate(headers=AUTH, checks=[not_a_server_error])


def test_the_schema_covers_the_api() -> None:
    paths = {result.ok().path for result in schema.get_all_operations() if hasattr(result, "ok")}
    assert {"/api/runs", "/api/runs/{run_id}", "/api/datasets", "/api/uploads", "/api/view"} <= paths
