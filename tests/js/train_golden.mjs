// Golden test of static/train.js against netwarp.core.engine: `node tests/js/train_golden.mjs CASES.json`.
// CASES.json (from tests/test_train_golden.py) gives each run's data, settings, initial parameters and
// the row order of every epoch; prints a JSON summary and exits 1 when a parameter, a loss or the
// stopping epoch differs from Python's (tolerance 1e-9, absolute or relative above 1).
import { readFileSync } from 'node:fs';

const train = await import(new URL('../../src/netwarp/static/train.js', import.meta.url));
const cases = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const TOL = 1e-9;
const failures = [];
let checked = 0;
let worst = 0;

function compare(what, got, want) {
  for (let i = 0; i < want.length; i++) {
    checked++;
    const err = Math.abs(got[i] - want[i]) / Math.max(1, Math.abs(want[i]));
    if (err > worst) worst = err;
    if (!(err <= TOL)) {
      failures.push(`${what}[${i}]: got ${got[i]}, want ${want[i]}`);
      return;
    }
  }
}

for (const c of cases.runs) {
  const P = c.history[0].length;
  const theta = Float64Array.from(c.history[0]);
  const t = train.createTrainer({
    sizes: c.sizes, X: Float64Array.from(c.X), Y: Float64Array.from(c.Y), n: c.n, theta, cfg: c.cfg, out: c.out,
  });
  const loss0 = t.lossOf(Float64Array.from(c.X), Float64Array.from(c.Y), c.n);
  const losses = [];
  for (const order of c.orders) {
    losses.push(t.epoch(Int32Array.from(order)));
    if (t.state.converged) break;
    if (c.check[losses.length]) compare(`${c.tag} epoch ${losses.length}`, theta, c.history[losses.length]);
  }
  if (losses.length !== c.n_iter) failures.push(`${c.tag}: stopped after ${losses.length} epochs, Python after ${c.n_iter}`);
  compare(`${c.tag} loss curve`, losses, c.loss_curve);
  compare(`${c.tag} last params`, theta, c.history[c.history.length - 1]);
  if (t.state.stop_reason && c.stop_reason !== t.state.stop_reason) failures.push(`${c.tag}: stop reason ${t.state.stop_reason}`);
  if (P !== theta.length) failures.push(`${c.tag}: ${theta.length} params, want ${P}`);
  compare(`${c.tag} initial loss`, [loss0], [c.loss0]);
}
// feature-cross layers in the forward pass (nn.js's 'features:...' activation, trainrun.js's expand)
const nn = await import(new URL('../../src/netwarp/static/nn.js', import.meta.url));
const { expand } = await import(new URL('../../src/netwarp/static/trainrun.js', import.meta.url));
for (const f of cases.features || []) {
  const X = Float64Array.from(f.X);
  const wb = nn.paramsAt(f.sizes, Float64Array.from(f.params), 0);
  const { values } = nn.forward(X, f.n, f.sizes, f.activations, wb);
  f.values.forEach((want, l) => compare(`features ${f.activations[0]} layer ${l}`, values[l], want));
  compare(`expand ${f.activations[0]}`, expand(X, f.n, f.sizes[0], f.names).X, f.expanded);
}
console.log(JSON.stringify({ checked, worst, runs: cases.runs.length, failures: failures.slice(0, 20) }));
process.exit(failures.length ? 1 : 0);
