"""Runs of one session get distinct names: the settings that set a run apart, else a counter."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

from netwarp.apps.serve import create_app
from netwarp.apps.serve.naming import distinct_name
from netwarp.core.spec import RunSpec


def test_a_free_label_is_kept() -> None:
    spec = RunSpec.recommended("moons", hidden=(8,))
    assert distinct_name(spec, []) == spec.label()
    assert distinct_name(spec, [("xor 2 tanh", RunSpec.recommended("xor").to_json())]) == spec.label()


def test_a_taken_label_names_what_differs() -> None:
    first = RunSpec.recommended("moons", hidden=(8,), learning_rate_init=0.01)
    second = first.replace(learning_rate_init=0.05, random_state=3)
    name = distinct_name(second, [(first.label(), first.to_json())])
    assert name == f"{first.label()} (learning_rate_init=0.05, random_state=3)"


def test_the_same_settings_twice_get_a_counter() -> None:
    spec = RunSpec.recommended("moons", hidden=(4, 4))
    taken: list[tuple[str, dict[str, object]]] = []
    names = []
    for _ in range(3):
        names.append(distinct_name(spec, taken))
        taken.append((names[-1], spec.to_json()))
    assert names == [spec.label(), f"{spec.label()} #2", f"{spec.label()} #3"]


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(workers=1), base_url="http://127.0.0.1:8765") as c:
        yield c


@pytest.mark.slow
def test_the_server_names_runs_apart(client: TestClient) -> None:
    cfg = {"dataset": "moons", "hidden": [8], "max_iter": 5}
    ids = [client.post("/api/runs", json={**cfg, **extra}).json()["id"]
           for extra in ({}, {"learning_rate_init": 0.05}, {})]  # fmt: skip
    names = [client.get(f"/api/runs/{i}").json()["name"] for i in ids]
    assert len(set(names)) == 3, names
    assert names[0] == "moons 8 tanh" and "learning_rate_init=0.05" in names[1] and names[2].endswith("#2")
