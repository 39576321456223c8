"""Downloads of runs and uploads with non-ASCII names: RFC 6266 Content-Disposition, never a 500."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

from netwarp.apps.serve import create_app
from netwarp.apps.serve.api import _download

BASE = "http://127.0.0.1:8765"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(workers=1), base_url=BASE) as c:
        yield c


def _wait(c: TestClient, run_id: str, timeout: float = 90) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        s = c.get(f"/api/runs/{run_id}").json()
        if s["status"] in ("done", "failed", "cancelled"):
            return s
        time.sleep(0.05)
    raise AssertionError(f"run {run_id} did not finish")


def _names(header: str) -> tuple[str, str | None]:
    """The ASCII fallback and the decoded UTF-8 name of a Content-Disposition header."""
    header.encode("ascii")  # the whole header is ASCII
    assert header.startswith("attachment; ")
    fallback = re.search(r'filename="([^"]*)"', header)
    assert fallback is not None and re.fullmatch(r"[A-Za-z0-9._-]+", fallback.group(1))
    star = re.search(r"filename\*=UTF-8''([^;]*)", header)
    return fallback.group(1), None if star is None else unquote(star.group(1), encoding="utf-8", errors="strict")


@pytest.mark.parametrize(
    ("filename", "fallback", "utf8"),
    [
        ("Ωmega.npz", "mega.npz", "Ωmega.npz"),
        ("Данные.csv", "download.csv", "Данные.csv"),
        ("café epoch 3.png", "cafe_epoch_3.png", "café_epoch_3.png"),
        ("plain.npz", "plain.npz", None),
        ("disk/../x.npz", "disk_.._x.npz", None),
        ("..npz", "download.npz", None),
        ("", "download", None),
        ("a\r\nSet-Cookie: x=1.csv", "a__Set-Cookie__x_1.csv", None),
    ],
)
def test_download_header(filename: str, fallback: str, utf8: str | None) -> None:
    assert _names(_download(b"", "text/plain", filename).headers["content-disposition"]) == (fallback, utf8)


@pytest.mark.parametrize("name", ["Ωmega", "Данные"])
def test_runs_with_unicode_names_download(client: TestClient, name: str) -> None:
    r = client.post("/api/runs", json={"dataset": "xor", "hidden": [2], "max_iter": 5, "name": name})
    assert r.status_code == 201, r.text
    run_id = r.json()["id"]
    assert _wait(client, run_id)["status"] == "done"
    for path, suffix in (("trajectory.npz", ".npz"), ("data.csv", ".csv"), ("figure.png", ".png")):
        got = client.get(f"/api/runs/{run_id}/{path}")
        assert got.status_code == 200, (path, got.text[:200])
        fallback, utf8 = _names(got.headers["content-disposition"])
        assert utf8 is not None and utf8.startswith(name) and utf8.endswith(suffix) and fallback.endswith(suffix)


def test_upload_with_unicode_name_trains_and_downloads(client: TestClient) -> None:
    rows = "".join(f"{i % 7},{(i * 3) % 5},{'a' if i % 2 else 'b'}\n" for i in range(60))
    up = client.post("/api/uploads", files={"file": ("Данные.csv", ("x,y,label\n" + rows).encode(), "text/csv")})
    assert up.status_code == 201, up.text
    r = client.post("/api/runs", json={"dataset": up.json()["name"], "hidden": [2], "max_iter": 5})
    assert r.status_code == 201, r.text
    run_id = r.json()["id"]
    assert _wait(client, run_id)["status"] == "done"
    got = client.get(f"/api/runs/{run_id}/data.csv")
    assert got.status_code == 200
    _names(got.headers["content-disposition"])
