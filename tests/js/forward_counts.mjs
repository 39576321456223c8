// How many forward passes the renderer runs, under node: `node tests/js/forward_counts.mjs`.
// nn.js is swapped for count_nn.mjs (the same module, its forward passes counted) in every
// module that imports it. Prints one JSON line of counts (tests/test_js_forward_counts.py):
// - trainer: nn.forward calls in one epoch of the page's trainer (train.js), and its batches;
// - diagram, boundary: passes run by the diagram (drawDiagram) and the boundary layers
//   (drawBoundary) of a 2-D classifier at epoch 1 (`first`), again after only the highlighted
//   unit changed (`highlight`), after an edit (`edit`) and at another epoch (`epoch`).
import { register } from 'node:module';

register('./count_hooks.mjs', import.meta.url);
const { calls } = await import('./count_nn.mjs');
const static_ = (name) => import(new URL(`../../src/netwarp/static/${name}`, import.meta.url));
const tr = await static_('train.js');
const { compute } = await static_('panels.js');
const { drawDiagram } = await static_('diagram.js');
const { drawBoundary } = await static_('boundary.js');
const total = () => calls.forward + calls.forwardFrom;

// the trainer: 60 rows in batches of 16
const n = 60;
const random = tr.rng(1);
const X = Float64Array.from({ length: 2 * n }, () => 2 * random() - 1);
const Y = Float64Array.from({ length: n }, (_, i) => (X[2 * i] * X[2 * i + 1] > 0 ? 1 : 0));
const cfg = { activation: 'tanh', solver: 'adam', alpha: 1e-4, batch_size: 16, learning_rate: 'constant', learning_rate_init: 0.01,
  power_t: 0.5, max_iter: 10, shuffle: true, tol: 1e-4, momentum: 0.9, nesterovs_momentum: true, beta_1: 0.9, beta_2: 0.999,
  epsilon: 1e-8, n_iter_no_change: 10 };
const sizes = [2, 3, 2, 1];
const trainer = tr.createTrainer({ sizes, X, Y, n, theta: tr.initialTheta(sizes, 'tanh', random), cfg, random });
let before = calls.forward;
trainer.epoch();
const out = { trainer: { forward: calls.forward - before, batches: Math.ceil(n / 16) } };

// a view of a 2-D classifier with three recorded epochs; the DOM and canvases are stubs
const stub = () => new Proxy(() => {}, { get: (t, k) => (k === Symbol.toPrimitive ? () => '' : stub()), apply: () => stub(), set: () => true });
const nP = sizes.slice(1).reduce((s, w, l) => s + sizes[l] * w + w, 0);
const params = Float64Array.from({ length: 3 * nP }, () => 2 * random() - 1);
const box = (k) => Array.from({ length: k }, () => [-2, 2]);
const run = { name: 'a', layer_sizes: sizes, nLayers: 3, activations: ['tanh', 'tanh', 'logistic'], is_classifier: true, recorded: false,
  params, n_epochs: 2, bounds: sizes.map((w) => box(w)), unit_bounds: [] };
const words = new Proxy({}, { get: () => 'axis {i}' });
const P = { runs: [run], d: 2, n, X, split: new Uint8Array(n), masks: { train: new Uint8Array(n).fill(1) }, grid: null, words,
  spec: { data: { domain: box(2), classes: [0, 1] } } };
const V = { P, state: { boundary: true, proj: {}, epoch: 1 }, cache: [], hook: { panels: {}, boundary: {}, diagram: {}, dead: {} }, highlight: null };
const frame = { ox: 100, oy: 100, sx: 40, sy: -40, rect: { x: 0, y: 0, w: 200, h: 200 }, c: [0, 0, 0], h: [1, 1, 1],
  R: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], cx: 100, cy: 100, s: 40 };
const panels = sizes.map((w, l) => {
  const p = { r: 0, kind: 'layer', layer: l, id: `r0-l${l}`, W: 200, H: 200, dpr: 1, bcanvas: stub(), bctx: stub(), frame, sig: 's' };
  p.bsize = `${p.W}x${p.H}@${p.dpr}`;
  V.hook.panels[p.id] = { k: w, bounds: box(w), layer: l };
  return p;
});
const nodes = sizes.flatMap((w, l) => Array.from({ length: w }, (_, j) => ({ l, j, name: `u${l}.${j}`, btn: stub(), canvas: stub() })));
const dg = { r: 0, edges: [], biases: [], nodes, key: '', restore: stub(), cap: stub() };
const counted = (into) => {
  const e = V.state.epoch;
  const c = compute(V, 0, e); // the layers' own pass (panels.js), not counted
  let t = total();
  drawDiagram(V, dg, c, e);
  into.diagram.push(total() - t);
  t = total();
  for (const p of panels) drawBoundary(V, p, c, e);
  into.boundary.push(total() - t);
};
out.view = { diagram: [], boundary: [] };
const steps = {
  first: () => {},
  highlight: () => {
    V.highlight = { r: 0, layer: 2, unit: 1, name: 'h2.2' };
  },
  edit: () => {
    V.editVersion = 1;
    V.cache[0].epoch = -1; // as edit.js's invalidate
  },
  epoch: () => {
    V.state.epoch = 2;
  },
};
for (const change of Object.values(steps)) {
  change();
  counted(out.view);
}
out.view.steps = Object.keys(steps);
out.view.highlighted = [V.hook.diagram[0].highlight?.unit, V.hook.boundary['r0-l2']?.axis];
console.log(JSON.stringify(out));
