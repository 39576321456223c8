"""netwarp.apps.widget: the anywidget class, its synced traits, and its front end in Chromium.

The front end is exercised as Jupyter runs it: the widget's own ``_esm`` is imported as
one module from a blob: URL, and ``render({model, el})`` gets a model holding the
widget's ``get_state()`` (the binary ``envelope`` as a DataView, as ipywidgets delivers it).
Trait changes flow both ways: Python -> model.set(...) and save_changes -> set_state; epochs
appended in Python reach the view as a custom message with the chunk in its buffers.
"""

from __future__ import annotations

import base64
import builtins
import importlib
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import netwarp
from netwarp.core.trajectory import Trajectory
from netwarp.errors import NetwarpError
from netwarp.view import envelope

pytest.importorskip("anywidget")
from netwarp.apps.widget import NetwarpWidget, explore

pytestmark = pytest.mark.slow  # scripts/test --fast leaves it out

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]  # fmt: skip

HOST = """<!doctype html><html><head><meta charset="utf-8"><style>%CSS%</style></head>
<body><div id="out"></div><script>
window.boot = async (esm, state) => {
  const url = URL.createObjectURL(new Blob([esm], { type: 'text/javascript' }));
  const mod = await import(url);
  const misaligned = (b64) => {  // deliberately misaligned, as a comm may deliver it
    const raw = atob(b64);
    const bytes = new Uint8Array(raw.length + 3);
    for (let i = 0; i < raw.length; i++) bytes[i + 3] = raw.charCodeAt(i);
    return new DataView(bytes.buffer, 3, raw.length);
  };
  const values = { ...state, envelope: misaligned(state.envelope) };
  const listeners = {};
  const dirty = {};
  const model = {
    get: (k) => values[k],
    set: (k, v) => { values[k] = v; dirty[k] = v; (listeners['change:' + k] || []).forEach((f) => f()); },
    on: (k, f) => { (listeners[k] ||= []).push(f); },
    off: (k, f) => { listeners[k] = (listeners[k] || []).filter((g) => g !== f); },
    save_changes: () => { const c = { ...dirty }; for (const k in dirty) delete dirty[k]; window.toPython(c); },
    send: () => {},
  };
  window.fromPython = (k, v) => { values[k] = v; (listeners['change:' + k] || []).forEach((f) => f()); };
  window.customMsg = (msg, buffers) => (listeners['msg:custom'] || []).forEach((f) => f(msg, buffers.map(misaligned)));
  window.cleanup = mod.default.render({ model, el: document.getElementById('out') });
};
</script></body></html>"""


@pytest.fixture(scope="module")
def run() -> Trajectory:
    d = netwarp.data.datasets.load("interval1d")
    return netwarp.train(d.X_train, d.y_train, X_test=d.X_test, y_test=d.y_test, max_iter=120, name="tanh")


def test_widget_traits(run: Trajectory) -> None:
    w = explore(run)
    assert isinstance(w, NetwarpWidget)
    assert w.epoch == run.n_epochs  # the last epoch by default
    assert (w.run, w.morph, w.compare) == (0, 0.0, False)
    state = w.get_state()
    assert isinstance(state["envelope"], bytes | memoryview) and "spec" not in state and "data" not in state
    kind, spec = envelope.decode(state["envelope"])
    assert kind == "scene" and spec["runs"][0]["n_epochs"] == run.n_epochs
    assert "export default" in state["_esm"] and ".netwarp" in state["_css"]
    w.epoch = 10
    assert w.get_state()["epoch"] == 10
    w.epoch = -1
    assert w.epoch == run.n_epochs
    with pytest.raises(NetwarpError, match="out of range"):
        w.epoch = run.n_epochs + 1
    with pytest.raises(NetwarpError, match="run 1 is out of range"):
        w.run = 1
    with pytest.raises(NetwarpError, match=r"morph 7\.0 is out of range"):
        w.morph = 7.0
    w.morph = 2.5
    assert w.morph == 2.5
    w2 = explore([run, run], epoch=5, run=1, compare=True, title="two")
    assert (w2.epoch, w2.run, w2.compare, w2.scene.title) == (5, 1, True, "two")
    assert len(w2.runs) == 2
    with pytest.raises(NetwarpError, match="unknown view setting"):
        explore(run, zoom=3)


def test_widget_to_html(run: Trajectory, tmp_path: Path) -> None:
    w = explore(run, epoch=7)
    text = w.to_html(tmp_path / "w.html").read_text()
    found = re.search(r'id="netwarp-envelope">(.*?)</script>', text, re.S)
    assert found
    assert envelope.decode(base64.b64decode(found.group(1)))[1]["view"] == {"epoch": 7, "run": 0, "morph": 0.0,
                                                                            "compare": False}  # fmt: skip


def test_missing_anywidget_gives_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import netwarp.apps.widget as widget

    real_import = builtins.__import__

    def fake_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "anywidget":
            raise ImportError("No module named 'anywidget'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    widget.widget_class.cache_clear()
    try:
        with pytest.raises(NetwarpError, match=r"pip install 'netwarp\[widget\]'"):
            widget.explore(Trajectory((1, 1), ("logistic",), np.zeros((1, 2))))
        with pytest.raises(NetwarpError, match="needs anywidget"):
            importlib.import_module("netwarp.apps.widget").NetwarpWidget  # noqa: B018
    finally:
        monkeypatch.undo()
        widget.widget_class.cache_clear()
    assert widget.NetwarpWidget.__name__ == "NetwarpWidget"


@pytest.mark.browser
def test_front_end_renders_and_syncs(run: Trajectory, tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    w = explore(run, epoch=20)
    state = w.get_state()
    synced = {k: state[k] for k in ("epoch", "run", "morph", "compare")}
    synced["envelope"] = base64.b64encode(bytes(state["envelope"])).decode()
    host = tmp_path / "host.html"
    host.write_text(HOST.replace("%CSS%", w._css))
    requests: list[str] = []
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.expose_function("toPython", lambda changes: w.set_state(changes))
        page.goto(host.as_uri())
        page.evaluate("([esm, state]) => window.boot(esm, state)", [w._esm, synced])
        page.wait_for_function("() => window.__netwarp && window.__netwarp.frame > 0")
        hook = "window.__netwarp"
        assert page.evaluate(f"{hook}.state.epoch") == 20
        assert page.evaluate(f"{hook}.panels['r0-l1'].epoch") == 20

        # Python -> front end: what ipywidgets does when a trait changes
        def push(change: dict[str, Any]) -> None:
            page.evaluate("([k, v]) => window.fromPython(k, v)", [change["name"], change["new"]])

        w.observe(push, names=["epoch", "run", "morph", "compare"])
        frame = page.evaluate(f"{hook}.frame")
        w.epoch = 75
        page.wait_for_function(f"() => {hook}.frame > {frame} && {hook}.panels['r0-l1'].epoch === 75")
        X = np.concatenate([run.data.X_train, run.data.X_test])  # type: ignore[union-attr]
        values = np.array(page.evaluate(f"Array.from({hook}.panels['r0-l1'].values)")).reshape(-1, 2)
        np.testing.assert_allclose(values, run.forward(X, 75)[1], atol=1e-9, rtol=0)
        assert page.locator('input[aria-label="epoch"]').input_value() == "75"
        w.morph = 1.5
        page.wait_for_function(f"() => {hook}.panels['r0-morph'].t === 1.5")

        # front end -> Python: the user moves the slider; save_changes reaches set_state
        w.unobserve(push, names=["epoch", "run", "morph", "compare"])
        page.locator('input[aria-label="epoch"]').fill("33")
        page.wait_for_timeout(400)  # writes to the model are throttled
        page.evaluate("() => 0")  # let Playwright deliver the exposed-function calls
        assert w.epoch == 33
        page.locator('input[aria-label="morph"]').fill("4.25")
        page.wait_for_timeout(400)
        page.evaluate("() => 0")
        assert w.morph == 4.25
        # epochs appended in Python arrive as a chunk; the slider's max grows, the view stays put
        sent: list[tuple[Any, list[bytes]]] = []
        w.send = lambda msg, buffers=None: sent.append((msg, buffers or []))  # type: ignore[method-assign]
        last = run.params[-1:]
        w.append(0, last, run.loss[-1:], run.train_score[-1:], run.test_score[-1:])
        assert sent[0][0] == {"type": "chunk"} and envelope.decode(sent[0][1][0])[0] == "chunk"
        b64 = [base64.b64encode(b).decode() for b in sent[0][1]]
        page.evaluate("([m, b]) => window.customMsg(m, b)", [sent[0][0], b64])
        page.wait_for_function(f"() => {hook}.appended === 1")
        assert page.locator('input[aria-label="epoch"]').get_attribute("max") == str(run.n_epochs + 1)
        assert page.evaluate(f"{hook}.state.epoch") == 33
        page.evaluate("() => window.cleanup()")
        assert page.locator(".netwarp").count() == 0
        browser.close()
    assert [u for u in requests if not u.startswith(("file:", "data:", "blob:"))] == []
    assert errors == []
    assert json.dumps(synced, allow_nan=False)


def test_watch_streams_the_run_while_it_records(monkeypatch: pytest.MonkeyPatch) -> None:
    """netwarp.apps.widget.watch: the widget gets the run's chunks as it trains; they add up to the run."""
    from sklearn.neural_network import MLPClassifier

    from netwarp.apps.widget import watch, widget_class
    from netwarp.view import envelope

    sent: list[bytes] = []
    monkeypatch.setattr(widget_class(), "send", lambda self, msg, buffers=None: sent.extend(buffers or []))
    d = netwarp.data.datasets.load("moons")
    est = MLPClassifier(hidden_layer_sizes=(4, 4), solver="adam", learning_rate_init=0.01, max_iter=120,
                        n_iter_no_change=1000, random_state=0)  # fmt: skip
    w = watch(est, d.X_train, d.y_train, d.X_test, d.y_test, show=False, every=0.0)
    traj = w.runs[0]
    assert traj.n_epochs == 120 and hasattr(est, "coefs_")  # recorded as record() does, estimator fitted
    chunks = [envelope.decode(b) for b in sent]
    assert chunks and all(kind == "chunk" for kind, _ in chunks)
    first = envelope.decode(bytes(w.envelope))[1]["runs"][0]  # the scene the widget started with: epoch 0
    assert first["n_epochs"] == 0
    rows = [np.asarray(first["params"]).reshape(1, -1)] + [
        np.asarray(c["params"]).reshape(c["e1"] - c["e0"], first["n_params"]) for _, c in chunks
    ]
    np.testing.assert_array_equal(np.concatenate(rows), traj.params)
    assert chunks[-1][1]["stop_reason"] == traj.stop_reason
