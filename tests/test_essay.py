"""The essay tour without a browser: steps, findings, the page's structure, and the CLI's errors.

The whole tour is built (and opened in Chromium) by tests/browser/test_essay.py.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import pytest

from netwarp.apps.cli import main
from netwarp.apps.essay import tour as essay
from netwarp.apps.essay.page import render_page, sep_chart, unpacked, verdict
from netwarp.errors import NetwarpError
from netwarp.view import envelope


@pytest.fixture(scope="module")
def two_steps() -> list[essay.StepResult]:
    return essay.train_tour(only=["curves", "interval"])


def test_steps_are_the_essays_figures() -> None:
    keys = [s.key for s in essay.steps()]
    assert keys == ["curves", "deformation", "interval", "disk", "easy", "spirals", "tight", "rings", "manifold", "knn"]
    datasets = {s.key: s.dataset for s in essay.steps()}
    assert datasets["disk"] == "disk_annulus" and datasets["rings"] == "linked_rings"
    for s in essay.steps():
        assert s.title and s.claim and s.text and s.runs


def test_findings_support_the_claims(two_steps: list[essay.StepResult]) -> None:
    curves, interval = two_steps
    assert [r.step.key for r in two_steps] == ["curves", "interval"]
    assert curves.runs[0].sep(1) >= 0.99 > curves.runs[0].sep(0)
    assert verdict(curves) is True and verdict(interval) is True
    assert len(interval.seeds["1"]) == 5 and len(interval.seeds["2"]) == 5
    assert any("2/3" in f.text for f in interval.findings)


def test_page_holds_one_view_per_step(two_steps: list[essay.StepResult]) -> None:
    page = render_page(two_steps, seconds=1.0)
    assert page.count('class="host"') == 2
    for step, key in zip(two_steps, ("curves", "interval"), strict=True):
        packed = re.search(rf'id="envelope-{key}">(.*?)</script>', page, re.S)
        assert packed
        data = unpacked(base64.b64decode(packed.group(1)))
        kind, spec = envelope.decode(data)
        assert kind == "scene" and spec["format"] == "netwarp-view"
        diag = json.loads(re.search(rf'id="diag-{key}">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
        assert len(diag) == len(spec["runs"]) and diag[0]["epochs"][0] == 0
        # the view shows the diagnostics the tour measured, not a second measurement
        assert [r["diagnostics"]["epochs"] for r in spec["runs"]] == [d["epochs"] for d in diag]
        assert [r["diagnostics"] for r in spec["runs"]] == [json.loads(json.dumps(m.diag.to_dict())) for m in step.runs]
    assert "connect-src 'none'" in page and "<script src" not in page
    svg = sep_chart(two_steps[0].runs[0].diag)
    assert svg.startswith("<svg") and svg.count("<polyline") == 3


def test_cli_writes_the_page(capsys: Any, tmp_path: Path) -> None:
    code = main(["essay", "--out", str(tmp_path / "tour"), "--step", "curves", "--no-open", "--jobs", "1"])
    out, err = capsys.readouterr()
    assert code == 0, err
    page = tmp_path / "tour" / "netwarp-essay.html"
    assert page.exists() and f"wrote {page}" in out and "essay [1/1] curves" in err
    assert not list((tmp_path / "tour").glob(".*.tmp"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--step", "nope"], "unknown essay step"),
        (["--jobs", "0"], "--jobs 0"),
        (["--out", "FILE"], "is not a directory"),
    ],
)
def test_cli_bad_flags(capsys: Any, tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "file").write_text("x")
    args = [a.replace("FILE", str(tmp_path / "file")) for a in args]
    code = main(["essay", "--no-open", *args] + ([] if "--out" in args else ["--out", str(tmp_path / "o")]))
    _, err = capsys.readouterr()
    assert code == 2 and err.startswith("netwarp: error:") and message in err


def test_unknown_steps_fail_before_training() -> None:
    with pytest.raises(NetwarpError, match="known: curves"):
        essay.train_tour(only=["curves", "moebius"])


def test_the_knn_section_shows_the_tight_spirals_view_once() -> None:
    """The k-NN section reads out the network of section 7: the page holds that view once and both
    hosts mount it; alone, the k-NN section carries its own."""
    both = essay.train_tour(only=["tight", "knn"], view=None)
    page = render_page(both, seconds=1.0)
    assert page.count('id="envelope-tight"') == 1 and 'id="envelope-knn"' not in page
    assert 'data-key="knn" data-view="tight"' in page and 'data-key="tight" data-view="tight"' in page
    assert verdict(both[1]) is True
    alone = render_page(both[1:], seconds=1.0)
    assert 'id="envelope-knn"' in alone and 'data-key="knn" data-view="knn"' in alone
