// model.js: a scene envelope (netwarp.view.envelope) as typed arrays the view draws from,
// chunks of epochs appended to it in place, and a local model (get / set / on / off /
// save_changes / send / append) for hosts without Jupyter.

import * as colors from './colors.js';
import * as env from './envelope.js';
import * as nn from './nn.js';

const PALETTE32 = colors.packColors(colors.PALETTE);
const CLASS_RGB = colors.PALETTE.map(colors.rgb);
const RAMP32 = colors.packColors(colors.VIRIDIS);

/** Colour index per point (n) into the ramp colors.VIRIDIS for targets over [lo, hi]. */
function rampIndex(target, n, lo, hi) {
  const out = new Uint8Array(n);
  const top = colors.VIRIDIS.length - 1;
  const span = hi - lo;
  for (let i = 0; i < n; i++) {
    const v = span > 0 ? (target[i] - lo) / span : 0.5;
    out[i] = Number.isFinite(v) ? Math.round(Math.max(0, Math.min(1, v)) * top) : 0;
  }
  return out;
}

/** A growable typed array: `a.data` has room for `cap` rows of `width`; `view(n)` the first n. */
function growable(T, src, width) {
  const rows = src.length / width;
  const g = { T, width, rows, data: new T(Math.max(16, rows) * width) };
  g.data.set(src);
  return g;
}

function ensure(g, rows) {
  if (rows * g.width <= g.data.length) return;
  const bigger = new g.T(Math.max(rows, 2 * (g.data.length / g.width)) * g.width);
  bigger.set(g.data.subarray(0, g.rows * g.width));
  g.data = bigger;
}

const view = (g) => g.data.subarray(0, g.rows * g.width);

/** A run of the scene, its arrays growable (params, loss, train, test stay exact-length views). */
function makeRun(r) {
  const P = r.n_params ?? nn.nParams(r.layer_sizes);
  const run = { ...r, nLayers: r.layer_sizes.length - 1 };
  run.grow = {
    params: growable(Float64Array, r.params, P),
    loss: growable(Float32Array, r.loss, 1),
    train: growable(Float32Array, r.train_score, 1),
    test: growable(Float32Array, r.test_score, 1),
  };
  for (const k of ['params', 'loss', 'train', 'test']) run[k] = view(run.grow[k]);
  run.epochs = r.epochs || null; // the stored epochs when not every epoch is (params row i is epoch epochs[i])
  return run;
}

/** The parameter row holding epoch e of `run` (the last stored epoch at or before e). */
export function rowOf(run, e) {
  const ep = run.epochs;
  if (!ep) return e;
  let lo = 0;
  let hi = ep.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ep[mid] <= e) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The view's data from a decoded scene spec (array references already typed arrays): points
 * coloured by class (`palette` = colors.PALETTE) or, for regression targets, by target on a
 * sequential ramp (`palette` = colors.VIRIDIS, `target` and `targetRange` set).
 */
export function fromScene(spec) {
  if (!spec || spec.format !== 'netwarp-view') throw new Error('netwarp: not a netwarp view');
  const d = spec.data;
  const y = d.y;
  const target = d.target || null;
  const targetRange = target ? d.target_range : null;
  let color;
  if (target) color = rampIndex(target, d.n, targetRange[0], targetRange[1]);
  else {
    color = new Uint8Array(d.n);
    const m = colors.PALETTE.length;
    for (let i = 0; i < d.n; i++) color[i] = ((y[i] % m) + m) % m;
  }
  const { split } = d;
  const grid = d.d <= 3 ? nn.grid(d.domain, spec.grid.n_lines, spec.grid.n_samples) : null;
  const masks = { all: null, train: split.map((s) => (s === 0 ? 1 : 0)), test: split.map((s) => (s === 1 ? 1 : 0)) };
  return {
    spec,
    words: spec.vocabulary || {},
    n: d.n,
    d: d.d,
    X: d.X,
    y,
    target,
    targetRange,
    color,
    palette32: target ? RAMP32 : PALETTE32,
    classRGB: CLASS_RGB,
    split,
    masks,
    jitter: d.jitter,
    grid,
    runs: spec.runs.map(makeRun),
  };
}

/** The view's data from a scene envelope (bytes). */
export function decodeEnvelope(bytes) {
  const { kind, spec } = env.decode(bytes);
  if (kind !== 'scene') throw new Error(`netwarp: expected a scene envelope, got ${kind}`);
  return fromScene(spec);
}

/** The view's data from the older pair of a spec (JSON) and its buffer (the server's /api/view). */
export function decode(spec, data) {
  return fromScene(env.resolve(spec, env.alignedBytes(data)));
}

/**
 * Append a chunk envelope (epochs [e0, e1) of one run) to the view's data `P` in place: its
 * arrays grow (capacity doubling) and the run takes the chunk's scene delta (bounds, boxes,
 * projections after a refit, diagnostics). Returns the decoded chunk ({run, e0, e1, refit...}).
 */
export function appendChunk(P, bytes) {
  const { kind, spec: c } = env.decode(bytes);
  if (kind !== 'chunk') throw new Error(`netwarp: expected a chunk envelope, got ${kind}`);
  return appendRows(P, c);
}

/** Append a decoded chunk `c` ({run, e0, e1, params, loss, train_score, test_score, stop_reason,
 * scene}: typed arrays, as a chunk envelope holds them) to `P` in place; see appendChunk. */
export function appendRows(P, c) {
  const run = P.runs[c.run];
  if (!run) throw new Error(`netwarp: chunk for run ${c.run}, the view has ${P.runs.length}`);
  if (run.epochs) throw new Error('netwarp: this view stores a subset of epochs and takes no chunks');
  const rows = run.grow.params.rows;
  if (c.e0 > rows) throw new Error(`netwarp: chunk starts at epoch ${c.e0}, the view holds ${rows - 1}`);
  const fresh = c.e1 - c.e0;
  const put = (g, src) => {
    ensure(g, c.e1);
    g.data.set(src, c.e0 * g.width);
    g.rows = Math.max(g.rows, c.e1);
  };
  put(run.grow.params, c.params);
  put(run.grow.loss, c.loss);
  put(run.grow.train, c.train_score);
  put(run.grow.test, c.test_score);
  for (const k of ['params', 'loss', 'train', 'test']) run[k] = view(run.grow[k]);
  run.n_epochs = run.grow.params.rows - 1;
  run.stop_reason = c.stop_reason;
  Object.assign(run, c.scene);
  return { ...c, fresh };
}

/**
 * A model for hosts without Jupyter (the HTML file, the essay, the web app): get / set / on /
 * off / save_changes over `envelope` (the scene's bytes) and the view traits, and
 * `append(chunkBytes)`, which hands the chunk to the view (as anywidget's 'msg:custom' with
 * the chunk in `buffers`). The view keeps its state in the page's URL hash unless
 * `options.hash` is false; `options.onSave(changes)` hears every save_changes.
 *
 * The older form `createLocalModel(spec, buffer, options)` (a spec and its buffer) still works.
 */
export function createLocalModel(envelope, options = {}, legacy = undefined) {
  const old = envelope && envelope.format === 'netwarp-view';
  const opts = old ? legacy || {} : options;
  const values = old ? { spec: envelope, data: options } : { envelope };
  const spec = old ? envelope : env.split(envelope).spec;
  const init = spec.view || {};
  Object.assign(values, { epoch: init.epoch ?? -1, run: init.run ?? 0, morph: init.morph ?? 0, compare: init.compare ?? false });
  const listeners = new Map();
  let dirty = {};
  const emit = (name, ...args) => [...(listeners.get(name) || [])].forEach((cb) => cb(...args));
  return {
    get: (name) => values[name],
    set(name, value) {
      if (values[name] === value) return;
      values[name] = value;
      dirty[name] = value;
      emit(`change:${name}`, value);
      emit('change', { [name]: value });
    },
    on(name, cb) {
      if (!listeners.has(name)) listeners.set(name, new Set());
      listeners.get(name).add(cb);
    },
    off(name, cb) {
      if (!name) listeners.clear();
      else if (!cb) listeners.delete(name);
      else listeners.get(name)?.delete(cb);
    },
    save_changes() {
      const changes = dirty;
      dirty = {};
      if (opts.onSave && Object.keys(changes).length) opts.onSave(changes);
    },
    send() {},
    /** Add epochs: `chunk` is a chunk envelope (bytes) from netwarp.view.envelope.encode_chunk. */
    append(chunk) {
      emit('msg:custom', { type: 'chunk' }, [chunk]);
    },
    netwarp: { hash: opts.hash !== false },
  };
}
