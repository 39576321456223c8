// train.js: netwarp's training engine (netwarp.core.engine) in JavaScript, float64. No DOM.
//
// It initialises (Glorot-uniform in scikit-learn's order and scale), batches, back-propagates
// and updates (sgd with momentum / Nesterov momentum, adam; L2 `alpha`; constant, invscaling
// or adaptive learning rate) and stops by scikit-learn's rule (`tol`, `n_iter_no_change`)
// exactly as the Python engine does, for the hidden activations it trains (identity,
// logistic, tanh, relu) and the outputs logistic (binary), softmax (multiclass) and identity
// (regression, squared error). tests/test_train_golden.py pins the two together: from the same
// initial parameters and batch order the parameters agree within 1e-9 after 200 epochs.
//
// Arrays are flat row-major Float64Arrays. `X` is n x d, `Y` is n x k (0/1 for classes, the
// targets for regression). `theta` is the flat parameter vector in the Trajectory's layout
// (all weight matrices (fan_in, fan_out) row-major, then all biases); editing it in place edits
// the network (the optimiser's state stays, so training continues from the edited weights).

import * as nn from './nn.js';

/** The hidden activations the engine trains (scikit-learn's). */
export const HIDDEN = ['identity', 'logistic', 'tanh', 'relu'];

/** The settings an engine needs (netwarp.core.engine.EngineConfig's fields); the page gets their
 * defaults from the settings table (its `engine` entry), the golden test from Python. */
export const KEYS = ['activation', 'solver', 'alpha', 'batch_size', 'learning_rate', 'learning_rate_init', 'power_t',
  'max_iter', 'shuffle', 'tol', 'momentum', 'nesterovs_momentum', 'beta_1', 'beta_2', 'epsilon', 'n_iter_no_change'];

const EPS = 2.220446049250313e-16;

/** A seeded generator of uniform doubles in [0, 1) (two mulberry32 streams make 53 bits). */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return () => ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992;
}

/** A standard normal draw from `random` (Box-Muller). */
export function normal(random) {
  let u = 0;
  while (u === 0) u = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Shuffle `a` in place (Fisher-Yates) with `random`; returns `a`. */
export function shuffle(a, random) {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

/** Glorot-uniform parameters (n_params) for widths `sizes`, drawn from `random` in scikit-learn's
 * order (layer by layer, weights then biases); the bound is sqrt(6 / (fan_in + fan_out)), or
 * sqrt(2 / ...) for logistic units. */
export function initialTheta(sizes, activation, random) {
  const theta = new Float64Array(nn.nParams(sizes));
  const P = nn.paramsAt(sizes, theta, 0);
  const factor = activation === 'logistic' ? 2 : 6;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const bound = Math.sqrt(factor / (sizes[l] + sizes[l + 1]));
    for (const a of [P.W[l], P.b[l]]) {
      for (let i = 0; i < a.length; i++) a[i] = -bound + 2 * bound * random();
    }
  }
  return theta;
}

/** The batch loss scikit-learn uses (before the L2 term): `y`, `p` are m x k. */
export function batchLoss(loss, out, y, p, m, k) {
  let total = 0;
  if (loss === 'squared_error') {
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += (y[i * k + j] - p[i * k + j]) ** 2;
      total += s / m;
    }
    return (0.5 * total) / k;
  }
  const binary = out === 'logistic';
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) {
      const q = Math.min(Math.max(p[i * k + j], EPS), 1 - EPS);
      const t = y[i * k + j];
      s += (t ? t * Math.log(q) : 0) + (binary && t !== 1 ? (1 - t) * Math.log(1 - q) : 0);
    }
    total += s / m;
  }
  return -total;
}

function derivative(name, z, d, len) {
  if (name === 'tanh') for (let i = 0; i < len; i++) d[i] *= 1 - z[i] ** 2;
  else if (name === 'logistic') {
    for (let i = 0; i < len; i++) {
      d[i] *= z[i];
      d[i] *= 1 - z[i];
    }
  } else if (name === 'relu') for (let i = 0; i < len; i++) if (z[i] === 0) d[i] = 0;
}

/**
 * A trainer of the network `sizes` (input, hidden..., output widths) on `X` (n x sizes[0]) and
 * `Y` (n x sizes.at(-1)), starting from `theta` (n_params; kept and updated in place).
 * `cfg` holds every one of KEYS; `out` is 'logistic', 'softmax' or 'identity' (then the loss is
 * squared error). `random` draws the shuffles. Returns {theta, epoch(order?), state, ...}:
 * `epoch(order)` trains one epoch over the rows in `order` (default: a fresh shuffle) and returns
 * its mean mini-batch loss, updating `state` ({n_iter, t, best_loss, no_improve, lr, converged,
 * stop_reason}); `lossOf(Xs, Ys, m)` is the full loss with the L2 term (the loss at epoch 0).
 */
export function createTrainer({ sizes, X, Y, n, theta, cfg = {}, out = 'logistic', random = Math.random }) {
  const c = { ...cfg };
  const missing = KEYS.filter((k) => c[k] === undefined);
  if (missing.length) throw new Error(`the trainer needs ${missing.join(', ')}`);
  if (!HIDDEN.includes(c.activation)) throw new Error(`the page trains ${HIDDEN.join(', ')} units, not ${c.activation}`);
  const L = sizes.length - 1;
  const loss = out === 'identity' ? 'squared_error' : 'log_loss';
  const nP = nn.nParams(sizes);
  const grad = new Float64Array(nP);
  const P = nn.paramsAt(sizes, theta, 0);
  const G = nn.paramsAt(sizes, grad, 0);
  const activations = [...Array(L - 1).fill(c.activation), out];
  const pool = new Map(); // nn.forward's buffers, reused batch after batch
  const bs = c.batch_size === 'auto' ? Math.min(200, n) : Math.max(1, Math.min(n, Math.trunc(c.batch_size)));
  const d0 = sizes[0];
  const kOut = sizes[L];
  const Xb = new Float64Array(bs * d0);
  const Yb = new Float64Array(bs * kOut);
  let deltaA = new Float64Array(bs * Math.max(...sizes));
  let deltaB = new Float64Array(bs * Math.max(...sizes));
  const velocity = new Float64Array(nP);
  const m1 = new Float64Array(nP);
  const m2 = new Float64Array(nP);
  let sampleIdx = Int32Array.from({ length: n }, (_, i) => i);
  const state = { n_iter: 0, t: 0, adam_t: 0, best_loss: Infinity, no_improve: 0, lr: Number(c.learning_rate_init), converged: false, stop_reason: '' };
  const sgd = c.solver === 'sgd';

  function l2() {
    let v = 0;
    for (const w of P.W) {
      let d = 0;
      for (let i = 0; i < w.length; i++) d += w[i] * w[i];
      v += d;
    }
    return v;
  }

  function step(m) {
    const acts = nn.forward(Xb.subarray(0, m * d0), m, sizes, activations, P, { pool }).values; // input, then each layer
    const p = acts[L];
    const y = Yb.subarray(0, m * kOut);
    const value = batchLoss(loss, out, y, p, m, kOut) + (0.5 * c.alpha * l2()) / m;
    let delta = deltaA;
    for (let i = 0; i < m * kOut; i++) delta[i] = p[i] - y[i];
    for (let l = L - 1; l >= 0; l--) {
      const din = sizes[l];
      const dout = sizes[l + 1];
      const a = acts[l];
      const gw = G.W[l];
      const w = P.W[l];
      gw.fill(0);
      for (let r = 0; r < m; r++) {
        for (let k = 0; k < din; k++) {
          const v = a[r * din + k];
          const o = k * dout;
          for (let j = 0; j < dout; j++) gw[o + j] += v * delta[r * dout + j];
        }
      }
      for (let i = 0; i < gw.length; i++) gw[i] = (gw[i] + c.alpha * w[i]) / m;
      const gb = G.b[l];
      gb.fill(0);
      for (let r = 0; r < m; r++) for (let j = 0; j < dout; j++) gb[j] += delta[r * dout + j];
      for (let j = 0; j < dout; j++) gb[j] /= m;
      if (l > 0) {
        const next = delta === deltaA ? deltaB : deltaA;
        for (let r = 0; r < m; r++) {
          for (let k = 0; k < din; k++) {
            let sum = 0;
            for (let j = 0; j < dout; j++) sum += delta[r * dout + j] * w[k * dout + j];
            next[r * din + k] = sum;
          }
        }
        derivative(c.activation, acts[l], next, m * din);
        delta = next;
      }
    }
    return value;
  }

  function update() {
    const lr = state.lr;
    if (sgd) {
      const mu = c.momentum;
      for (let i = 0; i < nP; i++) {
        velocity[i] = mu * velocity[i] - lr * grad[i];
        theta[i] += c.nesterovs_momentum ? mu * velocity[i] - lr * grad[i] : velocity[i];
      }
      return;
    }
    state.adam_t += 1;
    const { beta_1: b1, beta_2: b2 } = c;
    for (let i = 0; i < nP; i++) {
      m1[i] = b1 * m1[i] + (1 - b1) * grad[i];
      m2[i] = b2 * m2[i] + (1 - b2) * grad[i] ** 2;
    }
    state.lr = (c.learning_rate_init * Math.sqrt(1 - b2 ** state.adam_t)) / (1 - b1 ** state.adam_t);
    const neg = -state.lr;
    for (let i = 0; i < nP; i++) theta[i] += (neg * m1[i]) / (Math.sqrt(m2[i]) + c.epsilon);
  }

  /** One epoch over the rows in `order` (n indices; default: a shuffle as the engine does). */
  function epoch(order = null) {
    if (!order && c.shuffle) {
      const perm = shuffle(Int32Array.from({ length: n }, (_, i) => i), random);
      sampleIdx = perm.map((p) => sampleIdx[p]);
    }
    const idx = order || sampleIdx;
    let accumulated = 0;
    for (let start = 0; start < n; start += bs) {
      const stop = Math.min(start + bs, n);
      const m = stop - start;
      for (let r = 0; r < m; r++) {
        const src = idx[start + r];
        for (let j = 0; j < d0; j++) Xb[r * d0 + j] = X[src * d0 + j];
        for (let j = 0; j < kOut; j++) Yb[r * kOut + j] = Y[src * kOut + j];
      }
      accumulated += step(m) * m;
      update();
    }
    const value = accumulated / n;
    state.t += n;
    state.n_iter += 1;
    if (value > state.best_loss - c.tol) state.no_improve += 1;
    else state.no_improve = 0;
    if (value < state.best_loss) state.best_loss = value;
    if (sgd && c.learning_rate === 'invscaling') state.lr = c.learning_rate_init / (state.t + 1) ** c.power_t;
    if (state.no_improve > c.n_iter_no_change) {
      if (sgd && c.learning_rate === 'adaptive' && state.lr > 1e-6) {
        state.lr /= 5;
        state.no_improve = 0;
      } else {
        state.converged = true;
        state.stop_reason = `converged: training loss did not improve by tol=${fmtG(c.tol)} for ${fmtG(c.n_iter_no_change)} consecutive epochs`
          + (sgd && c.learning_rate === 'adaptive' ? ' at the smallest learning rate' : '');
      }
    }
    if (state.n_iter >= c.max_iter && !state.converged) state.stop_reason = `reached max_iter=${c.max_iter}`;
    return value;
  }

  /** The loss over `m` rows `Xs`, `Ys` with the L2 term (the engine's loss at epoch 0). */
  function lossOf(Xs, Ys, m) {
    const p = nn.forward(Xs, m, sizes, activations, P).values[L];
    return batchLoss(loss, out, Ys, p, m, kOut) + (0.5 * c.alpha * l2()) / m;
  }

  /** Forget the stopping rule's count (to train on after a stop). */
  function resume() {
    state.no_improve = 0;
    state.converged = false;
    state.stop_reason = '';
  }

  return { theta, grad, state, cfg: c, sizes, out, loss, batchSize: bs, epoch, lossOf, resume };
}

/** Python's `f"{x:g}"` for the numbers in a stop reason (1e-4 -> '0.0001', 1e-5 -> '1e-05'). */
export function fmtG(x) {
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : x < 0 ? '-inf' : 'nan';
  if (x === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(x)));
  if (exp < -4 || exp >= 6) {
    const [m, e] = x.toExponential(5).split('e');
    const mant = m.replace(/\.?0+$/, '');
    const n = Number(e);
    return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  return String(Number(x.toPrecision(6)));
}
