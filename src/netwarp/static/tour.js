// tour.js: the Grand Tour (Li, Zhao & Scheidegger, "Visualizing Neural Networks with the
// Grand Tour", Distill 2020), by the torus method. No DOM.
//
// The torus rotation at tour time t is the product of a Givens rotation in every coordinate
// plane (i, j), i < j, each turning at its own fixed angular speed:
//   R(t) = G(0,1; w_1 t) G(0,2; w_2 t) ... G(D-2,D-1; w_m t),   m = D (D - 1) / 2.
// Alone, R(t) keeps each frame column on two or three coordinates for large D, so the tour
// turns in a seeded random orthonormal basis Q instead: the frame at time t is
//   F(t) = Q R(t) E_k = M(t) F(0),   M(t) = Q R(t) Q^T (a rotation of the whole space),
// E_k the first k unit vectors: D x k, orthonormal columns, smooth in t. Speeds and Q come
// from a seeded generator (mulberry32; Q by Gram-Schmidt on Box-Muller normals), so the tour
// is deterministic given the seed, and it does not depend on the epoch: at a given t every
// epoch is seen through the same projection. A layer's values are drawn as
// (a - mean) @ F(t). Speeds in [0.3, 0.9) turn a frame column by about one radian per unit
// of tour time, for D = 4 as for D = 64.
// netwarp.tour is the Python reference (tests/test_nn_golden.py compares them).

/** Seed of the view's tour. */
export const SEED = 1;
/** Tour time runs over [0, LENGTH]. */
export const LENGTH = 100;

/** mulberry32: a function returning uniform numbers in [0, 1) from a 32-bit seed. */
export function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const speedCache = new Map();
const basisCache = new Map();

/** The tour's random orthonormal basis Q: D x D, row-major, orthonormal columns. */
export function basis(D, seed = SEED) {
  const key = `${D}|${seed}`;
  let Q = basisCache.get(key);
  if (Q) return Q;
  const rnd = random(seed * 65599 + D + 104729);
  Q = new Float64Array(D * D);
  for (let i = 0; i < D * D; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - rnd()));
    const a = 2 * Math.PI * rnd();
    Q[i] = r * Math.cos(a);
    if (i + 1 < D * D) Q[i + 1] = r * Math.sin(a);
  }
  // modified Gram-Schmidt on the columns
  for (let j = 0; j < D; j++) {
    for (let q = 0; q < j; q++) {
      let dot = 0;
      for (let i = 0; i < D; i++) dot += Q[i * D + q] * Q[i * D + j];
      for (let i = 0; i < D; i++) Q[i * D + j] -= dot * Q[i * D + q];
    }
    let norm = 0;
    for (let i = 0; i < D; i++) norm += Q[i * D + j] * Q[i * D + j];
    norm = Math.sqrt(norm);
    for (let i = 0; i < D; i++) Q[i * D + j] /= norm;
  }
  basisCache.set(key, Q);
  return Q;
}

/** Angular speeds (m = D (D - 1) / 2, plane order (0,1), (0,2), ..., (D-2,D-1)). */
export function speeds(D, seed = SEED) {
  const key = `${D}|${seed}`;
  let w = speedCache.get(key);
  if (w) return w;
  const rnd = random(seed * 65599 + D);
  const m = (D * (D - 1)) / 2;
  w = new Float64Array(m);
  for (let p = 0; p < m; p++) w[p] = 0.3 + 0.6 * rnd();
  speedCache.set(key, w);
  return w;
}

/**
 * The tour's frame at time t: Q R(t) E_k, as a flat row-major D x k Float64Array
 * (orthonormal columns). At t = 0 it is Q's first k columns.
 */
export function frame(D, k, t, seed = SEED) {
  const w = speeds(D, seed);
  const Q = basis(D, seed);
  const m = w.length;
  const out = new Float64Array(D * k);
  const c = new Float64Array(m);
  const s = new Float64Array(m);
  for (let p = 0; p < m; p++) {
    c[p] = Math.cos(w[p] * t);
    s[p] = Math.sin(w[p] * t);
  }
  const v = new Float64Array(D);
  for (let j = 0; j < k; j++) {
    v.fill(0);
    v[j] = 1;
    // R e_j: the last plane's rotation acts first
    let p = m - 1;
    for (let a = D - 2; a >= 0; a--) {
      for (let b = D - 1; b > a; b--, p--) {
        const va = v[a];
        const vb = v[b];
        v[a] = c[p] * va - s[p] * vb;
        v[b] = s[p] * va + c[p] * vb;
      }
    }
    for (let i = 0; i < D; i++) {
      let sum = 0;
      for (let q = 0; q < D; q++) sum += Q[i * D + q] * v[q];
      out[i * k + j] = sum;
    }
  }
  return out;
}

/** The frame as rows (D arrays of k numbers), the form nn.project takes as `components`. */
export function frameRows(D, k, t, seed = SEED) {
  const f = frame(D, k, t, seed);
  const rows = [];
  for (let i = 0; i < D; i++) rows.push(Array.from(f.subarray(i * k, i * k + k)));
  return rows;
}
