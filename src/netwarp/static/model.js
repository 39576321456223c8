// model.js: the payload (spec + one binary buffer from netwarp.payload) as typed arrays, and
// a local model (get / set / on / off / save_changes) for hosts without Jupyter.

import * as colors from './colors.js';
import * as nn from './nn.js';

const TYPED = { float64: Float64Array, float32: Float32Array, int32: Int32Array, uint8: Uint8Array };
const PALETTE32 = colors.packColors(colors.PALETTE);
const CLASS_RGB = colors.PALETTE.map(colors.rgb);
const RAMP32 = colors.packColors(colors.VIRIDIS);

/** Bytes of a DataView / typed array / ArrayBuffer as an 8-byte aligned Uint8Array. */
function alignedBytes(data) {
  let u8;
  if (data instanceof ArrayBuffer) u8 = new Uint8Array(data);
  else if (data && data.buffer instanceof ArrayBuffer) u8 = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  else throw new Error('netwarp: the model holds no binary data');
  if (u8.byteOffset % 8 === 0) return u8;
  const copy = new Uint8Array(u8.byteLength);
  copy.set(u8);
  return copy;
}

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

/**
 * The payload's arrays as typed-array views, next to its spec. Points are coloured by class
 * (`palette` = colors.PALETTE) or, when the payload holds regression targets, by target on a
 * sequential ramp (`palette` = colors.VIRIDIS, `target` and `targetRange` set).
 */
export function decode(spec, data) {
  if (!spec || spec.format !== 'netwarp-view') throw new Error('netwarp: not a netwarp view spec');
  const bytes = alignedBytes(data);
  const arr = (ref) => {
    const T = TYPED[ref.dtype];
    if (!T || ref.offset + ref.length * T.BYTES_PER_ELEMENT > bytes.byteLength) {
      throw new Error(`netwarp: array ${JSON.stringify(ref)} is outside the data buffer`);
    }
    return new T(bytes.buffer, bytes.byteOffset + ref.offset, ref.length);
  };
  const d = spec.data;
  const y = arr(d.y);
  const target = d.target ? arr(d.target) : null;
  const targetRange = target ? d.target_range : null;
  let color;
  if (target) color = rampIndex(target, d.n, targetRange[0], targetRange[1]);
  else {
    color = new Uint8Array(d.n);
    const m = colors.PALETTE.length;
    for (let i = 0; i < d.n; i++) color[i] = ((y[i] % m) + m) % m;
  }
  const split = arr(d.split);
  const grid = d.d <= 3 ? nn.grid(d.domain, spec.grid.n_lines, spec.grid.n_samples) : null;
  const masks = { all: null, train: split.map((s) => (s === 0 ? 1 : 0)), test: split.map((s) => (s === 1 ? 1 : 0)) };
  return {
    spec,
    n: d.n,
    d: d.d,
    X: arr(d.X),
    y,
    target,
    targetRange,
    color,
    palette32: target ? RAMP32 : PALETTE32,
    classRGB: CLASS_RGB,
    split,
    masks,
    jitter: arr(d.jitter),
    grid,
    runs: spec.runs.map((r) => ({
      ...r,
      params: arr(r.params),
      loss: arr(r.loss),
      train: arr(r.train_score),
      test: arr(r.test_score),
      nLayers: r.layer_sizes.length - 1,
    })),
  };
}

/**
 * A model for hosts without Jupyter (the HTML file, the web app): get / set / on / off /
 * save_changes over `spec`, `data` (a DataView over `buffer`) and the view traits.
 * The view keeps its state in the page's URL hash unless `options.hash` is false;
 * `options.onSave(changes)` hears every save_changes.
 */
export function createLocalModel(spec, buffer, options = {}) {
  const view = spec.view || {};
  const bytes = buffer instanceof ArrayBuffer ? new DataView(buffer) : new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const values = {
    spec,
    data: bytes,
    epoch: view.epoch ?? -1,
    run: view.run ?? 0,
    morph: view.morph ?? 0,
    compare: view.compare ?? false,
  };
  const listeners = new Map();
  let dirty = {};
  const emit = (name, value) => [...(listeners.get(name) || [])].forEach((cb) => cb(value));
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
      if (options.onSave && Object.keys(changes).length) options.onSave(changes);
    },
    send() {},
    netwarp: { hash: options.hash !== false },
  };
}
