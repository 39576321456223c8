// pagerun.js: the scene data of a run trained in the page, grown epoch by epoch in JavaScript as
// netwarp.view.scene.Scene.append grows a recorded run's. No DOM.
//
// `sceneSpec` builds what model.fromScene reads (the points, and an empty run); `createGrowth`
// measures each new epoch's bounds and morph boxes (netwarp.view.bounds.RunBounds: boxes only
// widen, padded 5 % when written; probability outputs keep [0, 1]) on up to MAX_POINTS points at
// the epochs of netwarp.view.sampling's rule (budget 32) that each chunk adds, and fits the wide layers' PCA projections on the sampled epochs so far
// (netwarp.view.sampling's rule, budget 64), refitting when the epoch count has doubled.
// Diagnostics are not measured for page-trained runs (`diagnostics: null`).

import * as nn from './nn.js';

const PAD = 0.05;
const BOUNDS_EPOCHS = 32;
const MAX_POINTS = 500;

/** Bounds (d, 2) of n points X (n x d) widened by 10 % of their range (geometry.domain). */
export function domain(X, n, d) {
  const out = [];
  for (let j = 0; j < d; j++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = X[i * d + j];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const span = hi > lo ? hi - lo : 1;
    out.push([lo - 0.1 * span, hi + 0.1 * span]);
  }
  return out;
}

/** sampling.sample_epochs: multiples of a power-of-two stride, plus the newest epoch. */
export function sampleEpochs(nEpochs, budget) {
  let s = 1;
  while (Math.floor(nEpochs / s) + 2 > budget) s *= 2;
  const out = [];
  for (let e = 0; e <= nEpochs; e += s) out.push(e);
  if (out.at(-1) !== nEpochs) out.push(nEpochs);
  return out;
}

/** sampling.sampled_between: the epochs of sampleEpochs(nEpochs, budget) in [e0, e1). */
export function sampledBetween(e0, e1, nEpochs, budget) {
  let s = 1;
  while (Math.floor(nEpochs / s) + 2 > budget) s *= 2;
  const out = [];
  for (let e = Math.ceil(e0 / s) * s; e < e1; e += s) out.push(e);
  if (e0 <= nEpochs && nEpochs < e1 && out.at(-1) !== nEpochs) out.push(nEpochs);
  return out;
}

/** PCA of m rows (m x w) to k = 3 coordinates: {mean, components (w rows of k), explained}. */
export function fitProjection(values, m, w, k = 3) {
  const mean = new Array(w).fill(0);
  let rows = 0;
  for (let i = 0; i < m; i++) {
    let ok = true;
    for (let j = 0; j < w; j++) if (!Number.isFinite(values[i * w + j])) ok = false;
    if (!ok) continue;
    rows++;
    for (let j = 0; j < w; j++) mean[j] += values[i * w + j];
  }
  for (let j = 0; j < w; j++) mean[j] = rows ? mean[j] / rows : 0;
  const C = Array.from({ length: w }, () => new Float64Array(w));
  for (let i = 0; i < m; i++) {
    const o = i * w;
    let ok = true;
    for (let j = 0; j < w; j++) if (!Number.isFinite(values[o + j])) ok = false;
    if (!ok) continue;
    for (let a = 0; a < w; a++) {
      const va = values[o + a] - mean[a];
      for (let b = a; b < w; b++) C[a][b] += va * (values[o + b] - mean[b]);
    }
  }
  for (let a = 0; a < w; a++) for (let b = 0; b < a; b++) C[a][b] = C[b][a];
  const { vals, vecs } = jacobi(C, w);
  const order = [...vals.keys()].sort((a, b) => vals[b] - vals[a]);
  const total = vals.reduce((s, v) => s + Math.max(v, 0), 0);
  const components = Array.from({ length: w }, () => new Array(k).fill(0));
  const explained = [];
  for (let c = 0; c < k; c++) {
    const col = order[c];
    let big = 0;
    for (let j = 0; j < w; j++) if (Math.abs(vecs[j][col]) > Math.abs(big)) big = vecs[j][col];
    const sign = big < 0 ? -1 : 1;
    for (let j = 0; j < w; j++) components[j][c] = sign * vecs[j][col];
    explained.push(total > 0 ? Math.max(vals[col], 0) / total : 0);
  }
  return { mean, components, explained };
}

/** Eigen-decomposition of the symmetric w x w matrix A (cyclic Jacobi): {vals, vecs (columns)}. */
function jacobi(A, w) {
  const a = A.map((r) => Float64Array.from(r));
  const v = Array.from({ length: w }, (_, i) => Float64Array.from({ length: w }, (_, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < w; p++) for (let q = p + 1; q < w; q++) off += a[p][q] ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < w; p++) {
      for (let q = p + 1; q < w; q++) {
        if (a[p][q] === 0) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < w; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < w; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
        for (let k = 0; k < w; k++) {
          const vkp = v[k][p];
          const vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { vals: a.map((r, i) => r[i]), vecs: v };
}

/** A box of k axes that only widens; `toList()` pads it as bounds.Box does. */
function box(k) {
  const lo = new Float64Array(k).fill(Infinity);
  const hi = new Float64Array(k).fill(-Infinity);
  return {
    lo, hi,
    /** Widen by m rows (m x w) zero-padded to k columns. */
    add(rows, m, w) {
      for (let i = 0; i < m; i++) {
        let ok = true;
        for (let j = 0; j < w; j++) if (!Number.isFinite(rows[i * w + j])) ok = false;
        if (!ok) continue;
        for (let j = 0; j < w; j++) {
          const x = rows[i * w + j];
          if (x < lo[j]) lo[j] = x;
          if (x > hi[j]) hi[j] = x;
        }
      }
      if (m && Number.isFinite(lo[0])) for (let j = w; j < k; j++) { lo[j] = Math.min(lo[j], 0); hi[j] = Math.max(hi[j], 0); }
    },
    clear() { lo.fill(Infinity); hi.fill(-Infinity); },
    toList() {
      if (![...lo].every(Number.isFinite)) return Array.from({ length: k }, () => [-1, 1]);
      return [...lo].map((l, j) => {
        const span = hi[j] > l ? hi[j] - l : 1;
        return [l - PAD * span, hi[j] + PAD * span];
      });
    },
  };
}

/** Largest distance of m rows (m x w) from `mean` (tour.extent with pad 1). */
function radius(rows, m, w, mean) {
  let best = 0;
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < w; j++) s += (rows[i * w + j] - mean[j]) ** 2;
    if (s > best && Number.isFinite(s)) best = s;
  }
  return Math.sqrt(best);
}

const tourRadius = (r) => (r * 1.05 > 0 && Number.isFinite(r) ? r * 1.05 : 1);

/**
 * The growing view data of one page-trained run over the points X (n x d): `add(params, e0, e1)`
 * measures epochs [e0, e1) of `params` (all epochs so far, (e1) * n_params) and returns the run's
 * scene fields (bounds, unit_bounds, tour_radius, morph_*, and projections), as a chunk's `scene`.
 */
export function createGrowth(sizes, activations, X, n, isProb) {
  const L = sizes.length - 1;
  const stride = Math.max(1, Math.ceil(n / MAX_POINTS));
  const m = Math.ceil(n / stride);
  const d = sizes[0];
  const Xs = new Float64Array(m * d);
  for (let i = 0; i < m; i++) for (let j = 0; j < d; j++) Xs[i * d + j] = X[i * stride * d + j];
  const wide = sizes.some((w) => w > 3);
  const morphLayer = sizes.slice(0, L).map((_, k) => {
    const D = Math.max(sizes[k], sizes[k + 1]);
    return D <= 3 ? null : sizes[k + 1] === D ? k + 1 : k;
  });
  const g = {
    bounds: sizes.map((w) => box(Math.min(3, w))),
    units: sizes.map((w) => (w > 3 ? box(w) : null)),
    radius: sizes.map((w) => (w > 3 ? 0 : null)),
    morphUnits: morphLayer.map((_, k) => [0, 1, 2, 3].map(() => box(Math.max(sizes[k], sizes[k + 1])))),
    morphShown: morphLayer.map((ml) => (ml === null ? null : [0, 1, 2, 3].map(() => box(3)))),
    morphRadius: morphLayer.map((ml) => (ml === null ? null : [0, 0, 0, 0])),
    projs: sizes.map((w) => (w > 3 ? null : undefined)),
    fitted: 0,
  };
  const pool = new Map();
  const tmp = new Map();
  const buf = (key, len) => {
    let a = tmp.get(key);
    if (!a || a.length !== len) tmp.set(key, (a = new Float64Array(len)));
    return a;
  };

  function layerAdd(l, vals) {
    const w = sizes[l];
    if (w <= 3) return g.bounds[l].add(vals, m, w);
    const p = g.projs[l];
    g.bounds[l].add(nn.project(vals, m, w, p, buf(`p${l}`, m * 3)), m, 3);
    g.units[l].add(vals, m, w);
    g.radius[l] = Math.max(g.radius[l], radius(vals, m, w, p.mean));
  }

  function measure(params, e) {
    const wb = nn.paramsAt(sizes, params, e);
    const { values, stages } = nn.forward(Xs, m, sizes, activations, wb, { withStages: true, pool });
    values.forEach((v, l) => layerAdd(l, v));
    stages.forEach((s, k) => {
      const D = Math.max(s.din, s.dout);
      const seq = [[s.input, s.din], [s.linear, s.dout], [s.translated, s.dout], [s.activated, s.dout]];
      const ml = morphLayer[k];
      seq.forEach(([a, w], st) => {
        g.morphUnits[k][st].add(a, m, w);
        if (ml === null) return;
        const padded = nn.embed(a, m, w, D, buf(`e${D}`, m * D));
        const p = g.projs[ml];
        g.morphShown[k][st].add(nn.project(padded, m, D, p, buf('mp', m * 3)), m, 3);
        g.morphRadius[k][st] = Math.max(g.morphRadius[k][st], radius(padded, m, D, p.mean));
      });
    });
  }

  function refit(params, nEpochs) {
    const sel = sampleEpochs(nEpochs, BOUNDS_EPOCHS);
    const collected = sizes.map((w) => (w > 3 ? new Float64Array(sel.length * m * w) : null));
    sel.forEach((e, i) => {
      const { values } = nn.forward(Xs, m, sizes, activations, nn.paramsAt(sizes, params, e), { pool });
      values.forEach((v, l) => collected[l] && collected[l].set(v.subarray(0, m * sizes[l]), i * m * sizes[l]));
    });
    g.projs = sizes.map((w, l) => (w > 3 ? fitProjection(collected[l], sel.length * m, w) : undefined));
    sizes.forEach((w, l) => {
      if (w > 3) {
        g.bounds[l].clear();
        g.radius[l] = 0;
      }
    });
    morphLayer.forEach((ml, k) => {
      if (ml === null) return;
      g.morphShown[k].forEach((b) => b.clear());
      g.morphRadius[k] = [0, 0, 0, 0];
    });
    g.fitted = nEpochs + 1;
    for (const e of sel) measure(params, e);
  }

  function toJson(withProjections) {
    const bounds = g.bounds.map((b) => b.toList());
    if (isProb && sizes[L] <= 3) bounds[L] = Array.from({ length: sizes[L] }, () => [0, 1]);
    const units = g.morphUnits.map((st) => st.map((b) => b.toList()));
    const out = {
      bounds,
      unit_bounds: g.units.map((b) => (b ? b.toList() : null)),
      tour_radius: g.radius.map((r) => (r === null ? null : tourRadius(r))),
      morph_layer: morphLayer,
      morph_bounds: g.morphShown.map((shown, k) => (shown ? shown.map((b) => b.toList()) : units[k])),
      morph_unit_bounds: units,
      morph_tour_radius: g.morphRadius.map((r) => (r ? r.map(tourRadius) : null)),
    };
    if (withProjections) out.projections = g.projs.map((p) => p || null);
    return out;
  }

  return {
    /** Measure the sampled epochs in [e0, e1) of `params` ((e1) rows); returns the run's new scene fields. */
    add(params, e0, e1) {
      const refitting = wide && (g.fitted === 0 || e1 >= 2 * g.fitted);
      if (refitting) refit(params, e1 - 1);
      else for (const e of sampledBetween(e0, e1, e1 - 1, BOUNDS_EPOCHS)) measure(params, e);
      return toJson(refitting || e0 === 0);
    },
    toJson,
  };
}
