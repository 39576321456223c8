"""The essay tour as one self-contained HTML page: prose, live views, measured diagnostics.

Every section holds one live view (netwarp's JS renderer reading a scene envelope,
:mod:`netwarp.view.envelope`, gzip-compressed and inlined as base64), the claim's findings, a diagnostics table
per run and a small SVG chart of separability over training. Nothing is loaded from the
network: the bundled module, styles and data are inlined and a Content-Security-Policy
forbids any request.
"""

from __future__ import annotations

import base64
import gzip
import html
import json
import math
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netwarp._version import __version__
from netwarp.apps.bundle import bundle_css, inline_script, script_safe
from netwarp.apps.essay.text import INTRO, OUTRO, TITLE
from netwarp.apps.essay.tour import Measured, StepResult, choose, train_tour
from netwarp.apps.export import CSP
from netwarp.core.files import atomic_write, ensure_directory
from netwarp.errors import NetwarpError
from netwarp.view import envelope
from netwarp.view.scene import Scene

if TYPE_CHECKING:
    from netwarp.view.diagnostics import Diagnostics

#: Line colours of the separability chart: input, hidden layers..., output.
COLOURS = ("#999999", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#D55E00")

PAGE_CSS = """
body{margin:0;background:#fafafa;color:#222;font:16px/1.55 Georgia,'Times New Roman',serif}
main{max-width:1180px;margin:0 auto;padding:24px 20px 60px}
h1{font-size:30px;line-height:1.2;margin:10px 0 14px}
h2{font-size:23px;margin:44px 0 4px;padding-top:10px;border-top:1px solid #ddd}
p{max-width:760px}
.claim{font-style:italic;color:#444;margin:2px 0 10px}
.host{background:#fff;border:1px solid #e2e2e2;border-radius:6px;margin:12px 0 8px}
.live{font:12px/1.4 ui-monospace,Menlo,Consolas,monospace;white-space:pre-wrap;color:#333;
 background:#f1f5f8;border-radius:4px;padding:6px 8px;margin:4px 0 10px;max-width:1100px}
ul.findings{list-style:none;padding:0;max-width:900px}
ul.findings li{margin:4px 0;padding-left:1.6em;text-indent:-1.6em}
.mark{display:inline-block;width:1.6em;text-indent:0;font-weight:bold}
.ok .mark{color:#009E73}.fail .mark{color:#D55E00}.info .mark{color:#777}
.runs{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start}
.run{background:#fff;border:1px solid #e6e6e6;border-radius:6px;padding:8px 10px;max-width:100%;overflow-x:auto}
.wide{max-width:100%;overflow-x:auto}
@media (max-width:600px){main{padding:14px 10px 40px}h1{font-size:24px}.host{margin:10px -6px}}
.run h3{font:600 14px system-ui,sans-serif;margin:0 0 4px}
table.diag{border-collapse:collapse;font:12px system-ui,sans-serif}
table.diag th,table.diag td{padding:2px 7px;border-bottom:1px solid #eee;text-align:left;white-space:nowrap}
table.diag td.num{text-align:right;font-variant-numeric:tabular-nums}
table.summary{border-collapse:collapse;font:14px system-ui,sans-serif;margin:10px 0}
table.summary td,table.summary th{padding:4px 10px;border-bottom:1px solid #e4e4e4;text-align:left}
svg text{font:10px system-ui,sans-serif;fill:#444}
footer{color:#555;font-size:14px;margin-top:40px;border-top:1px solid #ddd;padding-top:10px}
"""

_BOOT = """
// each view's envelope is gzip-compressed in the page (netwarp.apps.essay.page.packed)
const readEnvelope = async (id) => {
  const text = atob(document.getElementById(id).textContent.trim());
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer();
};
const pct = (v) => (v == null ? 'n/a' : (100 * v).toFixed(1) + '%');
const num = (v) => (v == null ? 'n/a' : Number(v.toPrecision(3)).toString());
function nearest(epochs, e) {
  if (e < 0) return epochs.length - 1;
  let best = 0;
  for (let j = 0; j < epochs.length; j++) if (Math.abs(epochs[j] - e) < Math.abs(epochs[best] - e)) best = j;
  return best;
}
function describe(d, epoch) {
  const nEpochs = d.n_epochs;
  const e = epoch < 0 ? nEpochs : Math.min(epoch, nEpochs);
  const j = nearest(d.epochs, e);
  const parts = d.layers.map((L, i) => {
    const kind = L.kind[j].startsWith('not injective') ? 'not injective' : L.kind[j];
    const det = L.det[j] == null ? '' : ' det ' + num(L.det[j]);
    return `L${i + 1} ${kind}${det}, sep ${pct(d.separability[i + 1][j])}, stretch ${num(d.stretch[i + 1][j])}`;
  });
  return `${d.name} @ epoch ${d.epochs[j]}: ` + parts.join(' | ');
}
for (const host of document.querySelectorAll('.host')) {
  const key = host.dataset.key;
  const diags = JSON.parse(document.getElementById('diag-' + host.dataset.view).textContent);
  const model = createLocalModel(await readEnvelope('envelope-' + host.dataset.view), { hash: false });
  __nw_view.render({ model, el: host });
  const out = document.getElementById('live-' + key);
  let last = '';
  const tick = () => {
    const s = host.__netwarp ? host.__netwarp.state : { epoch: model.get('epoch'), run: model.get('run'),
      compare: model.get('compare') };
    const shown = s.compare ? diags.map((_, i) => i) : [s.run];
    const sig = s.epoch + '|' + shown.join(',');
    if (sig === last) return;
    last = sig;
    out.textContent = shown.map((r) => describe(diags[r], s.epoch)).join('\\n');
  };
  tick();
  setInterval(tick, 200);
}
"""


def _fmt(v: float | None, spec: str = ".3g") -> str:
    return "–" if v is None or not math.isfinite(v) else format(v, spec)


def sep_chart(d: Diagnostics, width: int = 300, height: int = 136) -> str:
    """Inline SVG: separability of every representation over the sampled epochs."""
    x0, y0, w, h = 34, 8, width - 44, height - 44
    last = max(1, int(d.epochs[-1]))
    lo = min(0.5, float(max(0.0, min(v for v in d.separability.ravel() if math.isfinite(v)))))

    def xy(e: float, v: float) -> str:
        return f"{x0 + w * e / last:.1f},{y0 + h * (1 - (v - lo) / (1 - lo)):.1f}"

    parts = [f'<svg width="{width}" height="{height}" role="img" aria-label="separability over training">',
             f'<rect x="{x0}" y="{y0}" width="{w}" height="{h}" fill="none" stroke="#ccc"/>',
             f'<text x="{x0 - 4}" y="{y0 + 4}" text-anchor="end">100%</text>',
             f'<text x="{x0 - 4}" y="{y0 + h}" text-anchor="end">{100 * lo:.0f}%</text>',
             f'<text x="{x0}" y="{y0 + h + 12}">epoch 0</text>',
             f'<text x="{x0 + w / 2}" y="{y0 + h + 12}" text-anchor="middle">separability by layer</text>',
             f'<text x="{x0 + w}" y="{y0 + h + 12}" text-anchor="end">{last}</text>',
             f'<line x1="{x0}" x2="{x0 + w}" y1="{y0 + h * (1 - (0.99 - lo) / (1 - lo)):.1f}" '
             f'y2="{y0 + h * (1 - (0.99 - lo) / (1 - lo)):.1f}" stroke="#ddd" stroke-dasharray="3 3"/>']  # fmt: skip
    for rep in range(d.separability.shape[0]):
        pts = " ".join(xy(float(e), float(v)) for e, v in zip(d.epochs, d.separability[rep], strict=True)
                       if math.isfinite(v))  # fmt: skip
        colour = "#222" if rep == d.n_layers else COLOURS[min(rep, len(COLOURS) - 1)]
        dash = ' stroke-dasharray="4 3"' if rep == 0 else ""
        parts.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="1.6"{dash}/>')
    names = ["input"] + [f"L{i}" for i in range(1, d.n_layers)] + ["output"]
    for rep, name in enumerate(names):
        colour = "#222" if rep == d.n_layers else COLOURS[min(rep, len(COLOURS) - 1)]
        parts.append(f'<text x="{x0 + 44 * rep}" y="{height - 4}" style="fill:{colour};font-weight:bold">{name}</text>')
    parts.append("</svg>")
    return "".join(parts)


def run_card(m: Measured) -> str:
    """A run's diagnostics at its last epoch (table) and its separability chart."""
    s = m.diag.summary()
    rows = [f"<tr><td>input</td><td>{m.traj.layer_sizes[0]}-D</td><td></td><td></td>"
            f"<td class=num>{_fmt(s['input_separability'], '.1%')}</td><td></td></tr>"]  # fmt: skip
    for layer in s["layers"]:
        rows.append(
            f"<tr><td>layer {layer['layer']}</td><td>{html.escape(layer['map'])}</td><td>{html.escape(layer['kind'])}"
            f"</td><td class=num>{_fmt(layer['det'])}</td><td class=num>{_fmt(layer['separability'], '.1%')}</td>"
            f"<td class=num>{_fmt(layer['stretch'])} / {_fmt(layer['stretch_median'])}</td></tr>"
        )
    head = ("<tr><th></th><th>map</th><th>kind</th><th>det W</th><th>separability</th>"
            "<th>stretch max / median</th></tr>")  # fmt: skip
    title = (f"{html.escape(m.spec.label())} · seed {m.spec.random_state} · {m.traj.n_epochs} epochs · "
             f"train {m.train:.1%} · test {m.test:.1%}")  # fmt: skip
    return (f'<div class="run"><h3>{title}</h3><table class="diag">{head}{"".join(rows)}</table>'
            f"{sep_chart(m.diag)}</div>")  # fmt: skip


def _findings(r: StepResult) -> str:
    items = []
    for f in r.findings:
        cls, mark = ("info", "·") if f.ok is None else (("ok", "✓") if f.ok else ("fail", "✗"))
        items.append(f'<li class="{cls}"><span class="mark">{mark}</span>{html.escape(f.text)}</li>')
    return f'<ul class="findings">{"".join(items)}</ul>'


def verdict(r: StepResult) -> bool | None:
    """Whether every checked finding of a step supports its claim (None when nothing was checked)."""
    checked = [f.ok for f in r.findings if f.ok is not None]
    return None if not checked else all(checked)


def stored_rows(n_params: int) -> int:
    """Parameter rows the page stores of a run with ``n_params`` parameters: about 128 kB of
    float64 each, between 48 and 400 rows, so the page of ten sections (its envelopes
    gzip-compressed, :func:`packed`) stays under 2 MB. A longer run keeps every early epoch, then a
    stride (:func:`netwarp.view.sampling.stored_epochs`), and its view's epoch slider steps over the
    stored epochs only (and says so)."""
    return min(400, max(48, 131_072 // (8 * n_params)))


def packed(data: bytes) -> bytes:
    """A view's envelope as the page carries it: gzip-compressed (a third of the page's size; the
    JSON spec and the points compress well), unpacked in the page by the browser's
    ``DecompressionStream``. :func:`unpacked` is the inverse."""
    return gzip.compress(data, compresslevel=6, mtime=0)  # 9 saves 0.1 % in twice the time


def unpacked(data: bytes) -> bytes:
    """The envelope of a view's payload as :func:`packed` wrote it."""
    return gzip.decompress(data)


def view_scripts(r: StepResult) -> str:
    """The step's view (its scene envelope, base64) and the runs' diagnostics as inline data scripts.

    The scene shows the diagnostics the tour measured (no second measurement)."""
    key = r.step.key
    diags = []
    for m in r.runs:
        d = m.diag.to_dict()
        diags.append({"name": m.spec.name, "n_epochs": m.traj.n_epochs, "epochs": d["epochs"],
                      "layers": d["layers"],
                      "separability": d["separability"], "stretch": d["stretch"]})  # fmt: skip
    scene = Scene.from_trajectories([m.traj for m in r.runs], title=r.step.title.split(". ", 1)[-1],
                                    view=r.step.view or None, diagnostics=[m.diag for m in r.runs])  # fmt: skip
    data = packed(envelope.encode(scene, store=stored_rows))
    return (
        f'<script type="application/gzip" id="envelope-{key}">{base64.b64encode(data).decode("ascii")}</script>'
        f'<script type="application/json" id="diag-{key}">{script_safe(json.dumps(diags, allow_nan=False))}</script>'
    )


def section(r: StepResult, shared: str = "") -> str:
    """One step: heading, claim, prose, live view, live readout, findings, run cards. ``shared``
    names the step whose view this one shows (the same network, so the page holds it once)."""
    key = r.step.key
    paras = "".join(f"<p>{html.escape(t)}</p>" for t in r.step.text)
    return (
        f'<section id="{key}"><h2>{html.escape(r.step.title)}</h2>'
        f'<p class="claim">Claim: {html.escape(r.step.claim)}</p>{paras}'
        f'<div class="host" data-key="{key}" data-view="{shared or key}"></div>'
        f'<div class="live" id="live-{key}" aria-live="polite"></div>'
        f"<h3>What we measured</h3>{_findings(r)}"
        f'<div class="runs">{"".join(run_card(m) for m in r.runs)}</div>'
        f"{'' if shared else r.view or view_scripts(r)}</section>\n"
    )


def summary_table(results: list[StepResult]) -> str:
    rows = []
    for r in results:
        v = verdict(r)
        mark = "–" if v is None else ("✓ holds in these runs" if v else "✗ not in these runs")
        rows.append(f'<tr><td><a href="#{r.step.key}">{html.escape(r.step.title)}</a></td>'
                    f"<td>{html.escape(r.step.claim)}</td><td>{mark}</td></tr>")  # fmt: skip
    return (f'<div class="wide"><table class="summary"><tr><th>step</th><th>claim</th><th>measured</th></tr>'
            f'{"".join(rows)}</table></div>')  # fmt: skip


def render_page(results: list[StepResult], seconds: float | None = None) -> str:
    """The whole page as HTML text."""
    if not results:
        raise NetwarpError("the essay tour has no steps to show")
    intro = "".join(f"<p>{html.escape(t)}</p>" for t in INTRO)
    outro = "".join(f"<p>{html.escape(t)}</p>" for t in OUTRO)
    built = time.strftime("%Y-%m-%d %H:%M", time.localtime())
    took = "" if seconds is None else f", training and measuring took {seconds:.1f} s"
    steps = {r.step.key: r for r in results}

    def shared(r: StepResult) -> str:  # a step showing another's network reuses its view when built
        other = steps.get(r.step.shares)
        return r.step.shares if other is not None and other.step.runs == r.step.runs else ""

    body = "".join(section(r, shared(r)) for r in results)
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(TITLE)}</title>\n<style>\n{bundle_css()}\n{PAGE_CSS}</style>\n</head>\n<body>\n<main>\n"
        f"<h1>{html.escape(TITLE)}</h1>{intro}{summary_table(results)}\n{body}"
        f"<footer>{outro}<p>Built by netwarp {html.escape(__version__)} on {built}{took}.</p></footer>\n"
        f'</main>\n<script type="module">\n{inline_script()}\n{_BOOT}</script>\n</body>\n</html>\n'
    )


def write_tour(out: str | Path, results: list[StepResult] | None = None, **kwargs: Any) -> Path:
    """Train (unless ``results`` are given) and write ``out/netwarp-essay.html``; returns its path.

    ``kwargs`` go to :func:`netwarp.apps.essay.tour.train_tour` (``only``, ``progress``, ``jobs``).
    """
    choose(kwargs.get("only"))
    out = ensure_directory(out)
    t0 = time.perf_counter()
    results = train_tour(view=view_scripts, **kwargs) if results is None else results
    text = render_page(results, seconds=time.perf_counter() - t0).encode("utf-8")
    return atomic_write(out / "netwarp-essay.html", lambda fh: fh.write(text))
