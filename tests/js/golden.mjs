// Golden test of static/nn.js against NumPy: `node tests/js/golden.mjs CASES.json`.
// CASES.json is written by tests/test_nn_golden.py; prints a JSON summary and exits 1 on
// any value further than 1e-9 (absolute, or relative above 1) from Python's.
import { readFileSync } from 'node:fs';

const nn = await import(new URL('../../src/netwarp/static/nn.js', import.meta.url));
const tour = await import(new URL('../../src/netwarp/static/tour.js', import.meta.url));
const { erf } = await import(new URL('../../src/netwarp/static/erf.js', import.meta.url));
const cases = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const TOL = 1e-9;
const failures = [];
let checked = 0;
let worst = 0;
let nonfinite = 0;
const num = (v) => (typeof v === 'string' ? Number(v) : v);

function compare(what, got, want) {
  if (got.length !== want.length) {
    failures.push(`${what}: length ${got.length} != ${want.length}`);
    return;
  }
  for (let i = 0; i < want.length; i++) {
    const w = num(want[i]);
    const g = got[i];
    checked++;
    if (!Number.isFinite(w)) nonfinite++;
    const err = Math.abs(g - w) / Math.max(1, Math.abs(w));
    if (Number.isFinite(err) && err > worst) worst = err;
    if (!(err <= TOL) && !(Object.is(g, w))) {
      if (failures.length < 20) failures.push(`${what}[${i}]: got ${g}, want ${w}`);
      else if (failures.length === 20) failures.push('...');
      return;
    }
  }
}

for (const a of cases.activations) {
  const z = Float64Array.from(a.z, num);
  compare(`activation ${a.name}`, nn.activate(a.name, z, a.n, a.width), a.out);
}
compare('erf', Float64Array.from(cases.erf.x, erf), cases.erf.out);

for (const [ci, c] of cases.networks.entries()) {
  const params = Float64Array.from(c.params);
  const X = Float64Array.from(c.X);
  for (const ep of c.epochs) {
    const wb = nn.paramsAt(c.sizes, params, ep.epoch);
    const { values, stages } = nn.forward(X, c.n, c.sizes, c.activations, wb, { withStages: true });
    const tag = `net ${ci} ${c.sizes.join('-')} [${c.activations}] epoch ${ep.epoch}`;
    ep.values.forEach((want, l) => compare(`${tag} layer ${l}`, values[l], want));
    ep.stages.forEach((s, l) => {
      const [din, dout] = [c.sizes[l], c.sizes[l + 1]];
      const one = nn.layerStages(values[l], values[l + 1], c.n, din, dout, wb.W[l], wb.b[l], new Map());
      compare(`${tag} layerStages xW+b ${l}`, one.translated, s.translated);
      compare(`${tag} xW ${l}`, stages[l].linear, s.linear);
      compare(`${tag} xW+b ${l}`, stages[l].translated, s.translated);
      compare(`${tag} sigma ${l}`, stages[l].activated, s.activated);
    });
    const pool = new Map();
    const pooled = nn.forward(X, c.n, c.sizes, c.activations, wb, { pool });
    compare(`${tag} pooled output`, pooled.values.at(-1), ep.values.at(-1));
    compare(`${tag} forwardFrom 1`, nn.forwardFrom(1, values[1], c.n, c.sizes, c.activations, wb), ep.values.at(-1));
    for (const m of ep.morphs) {
      const l = nn.morphLayer(m.t, c.sizes.length - 1);
      compare(`${tag} morph t=${m.t}`, nn.interpolate(stages[l], c.n, m.t - 3 * l), m.out);
    }
  }
}

for (const g of cases.grids) {
  compare(`grid ${JSON.stringify(g.bounds)}`, nn.grid(g.bounds, g.n_lines, g.n_samples).data, g.out);
}
for (const p of cases.projections) {
  const how = p.units ? { units: p.units } : { mean: p.mean, components: p.components };
  compare(`projection ${p.units || 'pca'}`, nn.project(Float64Array.from(p.values), p.n, p.width, how), p.out);
}

if (cases.tours) {
  const { random, speeds, frames } = cases.tours;
  const rnd = tour.random(random.seed);
  compare('tour random', Float64Array.from(random.out, () => rnd()), random.out);
  for (const s of speeds) compare(`tour speeds D=${s.D}`, tour.speeds(s.D, s.seed), s.out);
  for (const f of frames) compare(`tour frame D=${f.D} k=${f.k} t=${f.t}`, tour.frame(f.D, f.k, f.t, f.seed), f.out);
  const rows = tour.frameRows(10, 3, 31.4);
  compare('tour frameRows', Float64Array.from(rows.flat()), tour.frame(10, 3, 31.4));
}

const summary = { checked, nonfinite, worst, failures };
console.log(JSON.stringify(summary));
process.exit(failures.length || checked === 0 ? 1 : 0);
