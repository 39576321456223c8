"""The run spec: one table of settings, one immutable description of a run, read by every host."""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest

from netwarp.apps.cli import build_parser
from netwarp.core.spec import SETTINGS, RunSpec, table
from netwarp.data import datasets
from netwarp.errors import NetwarpError

ROOT = Path(__file__).resolve().parents[1]
NODE = shutil.which("node") or "/usr/bin/node"
CONFIG_JS = ROOT / "src" / "netwarp" / "apps" / "serve" / "static" / "config.js"

SPECS = [
    RunSpec(),
    RunSpec.recommended("xor"),
    RunSpec.recommended("spirals", hidden=(8, 8, 4), learning_rate_init=0.003, early_stop=False, name="my run"),
    RunSpec.recommended("moons", n=300, noise=0.25, data_seed=4, batch_size=16, alpha=0.0, activation="relu"),
    RunSpec(dataset="upload-1a2b", hidden=(3,), solver="adam", max_iter=20, tol=1e-6, n_iter_no_change=3),
]


def test_defaults_live_in_the_table() -> None:
    spec = RunSpec()
    for s in SETTINGS:
        assert getattr(spec, s.name) == s.default
    # the seed notebook's configuration is the default
    assert (spec.dataset, spec.hidden, spec.activation, spec.solver, spec.learning_rate_init, spec.random_state) == (
        "interval1d", (2,), "tanh", "sgd", 0.02, 1,
    )  # fmt: skip
    est = spec.to_estimator()
    assert est.get_params()["hidden_layer_sizes"] == (2,) and est.get_params()["n_iter_no_change"] == 10
    assert math.isinf(spec.replace(early_stop=False).to_estimator().get_params()["n_iter_no_change"])


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"learning_rate_init": 0}, "learning_rate_init: must be > 0"),
        ({"hidden": ()}, "hidden: give one or more"),
        ({"hidden": (4, 0)}, "hidden: must be >= 1"),
        ({"hidden": (2.5,)}, "hidden: expected a whole number"),
        ({"activation": "swish"}, "activation: 'swish' is not one of"),
        ({"solver": "lbfgs"}, "solver: 'lbfgs' is not one of sgd, adam"),
        ({"batch_size": 0}, "batch_size: must be >= 1"),
        ({"batch_size": "big"}, "batch_size: expected a whole number"),
        ({"max_iter": True}, "max_iter: expected a whole number"),
        ({"alpha": float("nan")}, "alpha: expected a number"),
        ({"test_size": 1.0}, "test_size: must be <= 0.95"),
        ({"early_stop": "yes"}, "early_stop: expected true or false"),
        ({"n": 3}, "n: must be >= 4"),
    ],
)
def test_bad_settings_name_the_field(changes: dict[str, Any], match: str) -> None:
    with pytest.raises(NetwarpError, match=re.escape(match)):
        RunSpec(**changes)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.dataset)
def test_json_and_query_round_trip(spec: RunSpec) -> None:
    assert RunSpec.from_json(spec.to_json()) == spec
    assert RunSpec.from_json(json.dumps(spec.to_json())) == spec
    assert RunSpec.from_query(spec.to_query()) == spec


def test_query_holds_only_what_differs_from_the_dataset() -> None:
    assert RunSpec().to_query() == ""
    assert RunSpec.recommended("xor").to_query() == "dataset=xor"
    assert dict(parse_qsl(RunSpec.recommended("xor", hidden=(5, 5)).to_query())) == {"dataset": "xor", "hidden": "5,5"}


def test_unknown_or_malformed_specs_are_clear_errors() -> None:
    with pytest.raises(NetwarpError, match="unknown setting 'momentum'"):
        RunSpec.from_json({"momentum": 0.5})
    with pytest.raises(NetwarpError, match="not valid JSON"):
        RunSpec.from_json("{hidden: 2")
    with pytest.raises(NetwarpError, match="expected a JSON object"):
        RunSpec.from_json("[1, 2]")
    with pytest.raises(NetwarpError, match="hidden: expected comma-separated"):
        RunSpec.from_query("hidden=a,b")


def test_table_caps_and_every_dataset_recommends_a_valid_spec() -> None:
    t = json.loads(json.dumps(table()))  # JSON-able
    assert set(t["recommended"]) == set(datasets.DATASETS)
    for name, rec in t["recommended"].items():
        assert RunSpec.from_json(rec).dataset == name
        RunSpec.from_json(rec).check_caps()  # what a dataset recommends, the web app accepts
    with pytest.raises(NetwarpError, match="hidden: must be <= 32 here"):
        RunSpec(hidden=(64,)).check_caps()
    with pytest.raises(NetwarpError, match="at most 6 hidden layers"):
        RunSpec(hidden=(2,) * 7).check_caps()


def test_cli_help_states_the_tables_defaults() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices  # type: ignore[attr-defined]
    helps = {a.dest: a.help for a in sub["train"]._actions}
    for s in SETTINGS:
        if s.kind != "bool" and s.name in helps:
            assert f"(default {s.describe_default()})" in str(helps[s.name]), s.name


def test_page_holds_no_default_or_bound() -> None:
    """The web app's form gets defaults, bounds and choices from GET /api/spec, not from its HTML."""
    html = (CONFIG_JS.parent / "app.html").read_text()
    form = html[html.index('<form id="config"'): html.index("</form>")]
    for s in SETTINGS:
        tag = re.search(rf'<(?:input|select)[^>]*id="{s.name}"[^>]*>', form)
        if tag:
            assert not re.search(r'\b(value|min|max|checked)\b', tag.group(0)), tag.group(0)
    assert "<option>" not in form
    js = CONFIG_JS.read_text()
    for s in SETTINGS:
        if isinstance(s.default, float):
            assert str(s.default) not in js, s.name


@pytest.mark.skipif(not Path(NODE).exists(), reason="needs node")
def test_page_query_rules_match_python() -> None:
    """config.js's toQuery/fromQuery (the page's URL) follow RunSpec.to_query/from_query."""
    specs = [s.to_json() for s in SPECS]
    script = f"""
    const c = await import({json.dumps(CONFIG_JS.as_uri())});
    c.setTable({json.dumps(table())});
    const specs = {json.dumps(specs)};
    const out = specs.map((s) => {{
      const q = c.toQuery(s).toString();
      return {{ q, back: c.fromQuery(new URLSearchParams(q)) }};
    }});
    console.log(JSON.stringify(out));
    """
    res = subprocess.run([NODE, "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    for spec, got in zip(SPECS, json.loads(res.stdout), strict=True):
        # the same keys (only what differs from the dataset's settings), read back as the same run
        assert dict(parse_qsl(got["q"])).keys() == dict(parse_qsl(spec.to_query())).keys(), spec
        assert RunSpec.from_query(got["q"]) == spec
        back = {k: v for k, v in got["back"].items() if k != "name" or v}
        assert RunSpec.from_json(back) == spec
