// nn.js: the forward pass of a netwarp network and its stages, in float64. No DOM.
//
// Arrays are flat, row-major Float64Arrays: n points of width d are `n * d` numbers.
// A run's parameters follow the Trajectory's flat layout (scikit-learn's packing): for an
// epoch, all weight matrices row-major (fan_in, fan_out) in layer order, then all biases.
// Every function matches netwarp.activations / netwarp.geometry to within 1e-9
// (tests/js/golden.mjs checks it).

import { erf } from './erf.js';

const SQRT_HALF = Math.SQRT1_2;

// ----------------------------------------------------------------------- activations
const logistic1 = (z) => 1 / (1 + Math.exp(-z));

/** Element-wise activations: name -> f(z). */
export const ELEMENTWISE = {
  identity: (z) => z,
  tanh: Math.tanh,
  logistic: logistic1,
  sigmoid: logistic1,
  relu: (z) => (z > 0 ? z : z <= 0 ? 0 : z),
  leaky_relu: (z) => (z >= 0 ? z : 0.01 * z),
  elu: (z) => (z > 0 ? z : Math.expm1(Math.min(z, 0))),
  softplus: (z) => (z > 20 ? z : Math.log1p(Math.exp(Math.min(z, 20)))),
  gelu: (z) => z * 0.5 * (1 + erf(z * SQRT_HALF)),
  silu: (z) => z * logistic1(z),
  exp: Math.exp,
};

/** The element-wise function for `name`; "leaky_relu:0.2" carries its negative slope. */
export function elementwise(name) {
  const f = ELEMENTWISE[name];
  if (f) return f;
  const m = /^leaky_relu:(.+)$/.exec(name);
  const slope = m ? Number(m[1]) : NaN;
  if (!Number.isFinite(slope)) throw new Error(`unknown activation ${JSON.stringify(name)}`);
  return (z) => (z >= 0 ? z : slope * z);
}

/** Every activation name netwarp knows (softmax acts on whole rows). */
export const ACTIVATIONS = [...Object.keys(ELEMENTWISE), 'softmax'];

/** Feature crosses (netwarp.core.features): name -> f(x1, x2). */
export const FEATURES = {
  x1sq: (a) => a * a,
  x2sq: (a, b) => b * b,
  x1x2: (a, b) => a * b,
  sinx1: (a) => Math.sin(a),
  sinx2: (a, b) => Math.sin(b),
};

/** The features layer's activation "features:x1sq,x1x2" on rows of width d + k: the first d kept,
 * then the k features of them (a map of whole rows, like softmax). */
function crosses(name, z, n, width, out) {
  const fs = name.slice('features:'.length).split(',').filter(Boolean).map((f) => FEATURES[f]);
  const d = width - fs.length;
  for (let i = 0; i < n; i++) {
    const o = i * width;
    const a = z[o];
    const b = d > 1 ? z[o + 1] : 0;
    for (let j = 0; j < d; j++) out[o + j] = z[o + j];
    fs.forEach((f, j) => {
      out[o + d + j] = f(a, b);
    });
  }
  return out;
}

/**
 * Apply activation `name` to `z` (n x width) into `out` (may be `z` itself); returns `out`.
 * softmax is taken along each row as scikit-learn computes it (subtract the row max).
 */
export function activate(name, z, n, width, out = new Float64Array(z.length)) {
  if (name.startsWith('features:')) return crosses(name, z, n, width, out);
  if (name === 'softmax') {
    for (let i = 0; i < n; i++) {
      const o = i * width;
      let m = -Infinity;
      for (let j = 0; j < width; j++) if (z[o + j] > m) m = z[o + j];
      let s = 0;
      for (let j = 0; j < width; j++) {
        const e = Math.exp(z[o + j] - m);
        out[o + j] = e;
        s += e;
      }
      for (let j = 0; j < width; j++) out[o + j] /= s;
    }
    return out;
  }
  const len = n * width;
  // the common ones as plain loops (a call per element costs more than the maths)
  switch (name) {
    case 'identity':
      if (out !== z) out.set(z.subarray(0, len));
      return out;
    case 'tanh':
      for (let i = 0; i < len; i++) out[i] = Math.tanh(z[i]);
      return out;
    case 'logistic':
    case 'sigmoid':
      for (let i = 0; i < len; i++) out[i] = 1 / (1 + Math.exp(-z[i]));
      return out;
    case 'relu':
      for (let i = 0; i < len; i++) {
        const v = z[i];
        out[i] = v > 0 ? v : v <= 0 ? 0 : v;
      }
      return out;
    default: {
      const f = elementwise(name);
      for (let i = 0; i < len; i++) out[i] = f(z[i]);
      return out;
    }
  }
}

// ------------------------------------------------------------------------ parameters
/** Number of weights and biases for layer widths `sizes`. */
export function nParams(sizes) {
  let p = 0;
  for (let l = 0; l + 1 < sizes.length; l++) p += sizes[l] * sizes[l + 1] + sizes[l + 1];
  return p;
}

/**
 * Views of one epoch's weights and biases in the flat parameter array of all epochs
 * (`(n_epochs + 1) * nParams(sizes)` numbers): {W: [(fan_in*fan_out)...], b: [(fan_out)...]}.
 */
export function paramsAt(sizes, params, epoch) {
  const P = nParams(sizes);
  let pos = epoch * P;
  const W = [];
  const b = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const len = sizes[l] * sizes[l + 1];
    W.push(params.subarray(pos, pos + len));
    pos += len;
  }
  for (let l = 1; l < sizes.length; l++) {
    b.push(params.subarray(pos, pos + sizes[l]));
    pos += sizes[l];
  }
  return { W, b };
}

// ------------------------------------------------------------------------ the stages
/** xW: `x` (n x din) times `W` (din x dout, row-major) into `out` (n x dout). */
export function linear(x, n, din, W, dout, out = new Float64Array(n * dout)) {
  if (din === 1) {
    for (let i = 0; i < n; i++) {
      const v = x[i];
      for (let j = 0; j < dout; j++) out[i * dout + j] = v * W[j];
    }
    return out;
  }
  if (din === 2) {
    for (let i = 0; i < n; i++) {
      const a = x[2 * i];
      const b = x[2 * i + 1];
      for (let j = 0; j < dout; j++) out[i * dout + j] = a * W[j] + b * W[dout + j];
    }
    return out;
  }
  for (let i = 0; i < n; i++) {
    const xo = i * din;
    const oo = i * dout;
    for (let j = 0; j < dout; j++) {
      let s = 0;
      for (let k = 0; k < din; k++) s += x[xo + k] * W[k * dout + j];
      out[oo + j] = s;
    }
  }
  return out;
}

/** xW + b: adds `b` (dout) to every row of `z` (n x dout) into `out`. */
export function translate(z, n, dout, b, out = new Float64Array(n * dout)) {
  for (let i = 0; i < n; i++) {
    const o = i * dout;
    for (let j = 0; j < dout; j++) out[o + j] = z[o + j] + b[j];
  }
  return out;
}

/** A buffer of `len` numbers from `pool` (a Map, or null for a fresh one); a pooled buffer
 * only grows, a shorter request gets a view of its start (a trainer's last, smaller batch). */
function take(pool, key, len) {
  if (!pool) return new Float64Array(len);
  let a = pool.get(key);
  if (!a || a.length < len) {
    a = new Float64Array(len);
    pool.set(key, a);
  }
  return a.length === len ? a : a.subarray(0, len);
}

/**
 * The network on `x` (n x sizes[0]) with one epoch's {W, b}.
 * Returns {values: [x, h1, ..., out], stages: [{linear, translated, activated}] per layer}
 * (stages only when `withStages`). `pool` (a Map) reuses buffers between calls, grown to the
 * largest `n` seen: results are then overwritten by the next call with the same pool (the
 * views, the diagram and the page's trainer all run this one pass).
 */
export function forward(x, n, sizes, activations, wb, { withStages = false, pool = null } = {}) {
  const values = [x];
  const stages = [];
  let a = x;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const din = sizes[l];
    const dout = sizes[l + 1];
    const lin = linear(a, n, din, wb.W[l], dout, take(pool, `lin${l}`, n * dout));
    let out;
    if (withStages) {
      const tr = translate(lin, n, dout, wb.b[l], take(pool, `tr${l}`, n * dout));
      out = activate(activations[l], tr, n, dout, take(pool, `act${l}`, n * dout));
      stages.push({ input: a, linear: lin, translated: tr, activated: out, din, dout });
    } else {
      translate(lin, n, dout, wb.b[l], lin);
      out = activate(activations[l], lin, n, dout, lin);
    }
    values.push(out);
    a = out;
  }
  return { values, stages };
}

/**
 * One layer's stages for its input `x` (n x din) and its output `activated` (n x dout,
 * from `forward`): {input, linear, translated, activated, din, dout}, buffers from `pool`.
 * `upTo` (1 or 2) stops after xW or xW + b when the later stages are not needed.
 */
export function layerStages(x, activated, n, din, dout, W, b, pool = null, upTo = 2) {
  const lin = linear(x, n, din, W, dout, take(pool, 'stage-lin', n * dout));
  const tr = upTo >= 2 ? translate(lin, n, dout, b, take(pool, 'stage-tr', n * dout)) : null;
  return { input: x, linear: lin, translated: tr, activated, din, dout };
}

/** Layers `from`..end of the network on `x` (n x sizes[from]); returns the output (n x last). */
export function forwardFrom(from, x, n, sizes, activations, wb, pool = null) {
  let a = x;
  for (let l = from; l + 1 < sizes.length; l++) {
    const dout = sizes[l + 1];
    const z = linear(a, n, sizes[l], wb.W[l], dout, take(pool, `from${l}`, n * dout));
    translate(z, n, dout, wb.b[l], z);
    a = activate(activations[l], z, n, dout, z);
  }
  return a;
}

// -------------------------------------------------------------------------- morphing
/** Pad `a` (n x d) with zeros to (n x D) into `out`. */
export function embed(a, n, d, D, out = new Float64Array(n * D)) {
  if (d === D && out !== a) {
    out.set(a.subarray(0, n * D));
    return out;
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) out[i * D + j] = a[i * d + j];
    for (let j = d; j < D; j++) out[i * D + j] = 0;
  }
  return out;
}

/**
 * A point on the walk through one layer's stages (geometry.interpolate): `t` in [0, 3],
 * 0 input, 1 xW, 2 xW + b, 3 sigma(xW + b); the narrower space is zero-padded to
 * D = max(din, dout). Returns `out` (n x D).
 */
export function interpolate(stage, n, t, out) {
  const { din, dout } = stage;
  const D = Math.max(din, dout);
  out = out && out.length === n * D ? out : new Float64Array(n * D);
  const k = Math.min(Math.floor(t), 2);
  const u = t - k;
  const seq = [stage.input, stage.linear, stage.translated, stage.activated];
  const widths = [din, dout, dout, dout];
  const A = seq[k];
  const B = seq[k + 1];
  const da = widths[k];
  const db = widths[k + 1];
  const s = 1 - u;
  if (u === 0) return embed(A, n, da, D, out);
  if (u === 1) return embed(B, n, db, D, out);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < D; j++) {
      const va = j < da ? A[i * da + j] : 0;
      const vb = j < db ? B[i * db + j] : 0;
      out[i * D + j] = s * va + u * vb;
    }
  }
  return out;
}

/** Which layer the whole-network morph parameter `t` in [0, 3 * nLayers] falls in. */
export function morphLayer(t, nLayers) {
  return Math.max(0, Math.min(Math.floor(t / 3), nLayers - 1));
}

// ----------------------------------------------------------------- grids, projections
/** NumPy's linspace(0, 1, n) values. */
function unitSteps(n) {
  const s = new Float64Array(n);
  if (n === 1) return s;
  const step = 1 / (n - 1);
  for (let i = 0; i < n; i++) s[i] = i * step;
  s[n - 1] = 1;
  return s;
}

/**
 * geometry.grid: lines over the box `bounds` ([[lo, hi], ...], d in 1..3).
 * Returns {data: Float64Array (lines * samples * d), lines, samples, d}, or null for d > 3.
 */
export function grid(bounds, nLines = 11, nSamples = 101) {
  const d = bounds.length;
  if (d < 1 || d > 3) return null;
  const s = unitSteps(nSamples);
  const lo = bounds.map((b) => b[0]);
  const span = bounds.map((b) => b[1] - b[0]);
  if (d === 1) {
    const data = new Float64Array(nSamples);
    for (let i = 0; i < nSamples; i++) data[i] = lo[0] + s[i] * span[0];
    return { data, lines: 1, samples: nSamples, d };
  }
  const m = d === 2 ? nLines : Math.max(2, Math.floor(nLines / 2));
  const ticks = unitSteps(m);
  const combos = [];
  if (d === 2) for (let a = 0; a < m; a++) combos.push([ticks[a]]);
  else for (let a = 0; a < m; a++) for (let c = 0; c < m; c++) combos.push([ticks[a], ticks[c]]);
  const lines = d * combos.length;
  const data = new Float64Array(lines * nSamples * d);
  let line = 0;
  for (let axis = 0; axis < d; axis++) {
    const others = [...Array(d).keys()].filter((a) => a !== axis);
    for (const combo of combos) {
      for (let i = 0; i < nSamples; i++) {
        const o = (line * nSamples + i) * d;
        data[o + axis] = lo[axis] + s[i] * span[axis];
        others.forEach((a, j) => {
          data[o + a] = lo[a] + combo[j] * span[a];
        });
      }
      line++;
    }
  }
  return { data, lines, samples: nSamples, d };
}

/**
 * Display coordinates of `values` (n x width): `(a - mean) @ components` with
 * `components` given as rows of length k (width x k), or the chosen `units` (k indices).
 */
export function project(values, n, width, how, out) {
  if (how.units) {
    const u = how.units;
    const k = u.length;
    out = out && out.length === n * k ? out : new Float64Array(n * k);
    for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) out[i * k + j] = values[i * width + u[j]];
    return out;
  }
  const { mean, components } = how;
  const k = components[0].length;
  out = out && out.length === n * k ? out : new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let c = 0; c < width; c++) s += (values[i * width + c] - mean[c]) * components[c][j];
      out[i * k + j] = s;
    }
  }
  return out;
}
