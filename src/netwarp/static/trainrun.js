// trainrun.js: one run trained in the page: its points, its trainer (train.js) and its growing
// scene data (pagerun.js), handed out as chunks of epochs shaped like the envelope's chunks
// ({run, e0, e1, params, loss, train_score, test_score, stop_reason, scene}). No DOM.
//
// Settings use RunSpec's names (netwarp.core.spec): hidden, activation, solver,
// learning_rate_init, batch_size, alpha, max_iter, early_stop, tol, n_iter_no_change,
// random_state, crosses; `engine` holds the engine's other defaults (the settings table's). Epoch 0 is the initialisation with the full training loss (as
// netwarp.record stores it); epoch e >= 1 stores the epoch's mean mini-batch loss, and every
// epoch the accuracy on the training and test points.

import * as nn from './nn.js';
import * as tr from './train.js';
import { createGrowth, domain } from './pagerun.js';
import { trajectoryFile } from './npz.js';

/** Raw points X (n x d) with the feature crosses `names` appended: {X: n x (d + k), d: d + k}. */
export function expand(X, n, d, names) {
  const w = d + names.length;
  const Z = new Float64Array(n * w);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) Z[i * w + j] = X[i * d + j];
  return { X: nn.activate(`features:${names.join(',')}`, Z, n, w, Z), d: w };
}

/**
 * The flat parameters of the view's network (with the fixed feature layer first when k > 0) from
 * those of the network the trainer trains on the features (`inner` widths), and back:
 * {n, full(theta), inner(full), index(fullIndex) -> inner index or -1 (a fixed parameter)}.
 */
function liftParams(d, k, inner) {
  const nInner = nn.nParams(inner);
  if (!k) return { n: nInner, full: (t) => t, inner: (t) => Float64Array.from(t), index: (i) => i };
  const w = d + k;
  const nWf = d * w;
  const nW = nInner - inner.slice(1).reduce((a, b) => a + b, 0); // the weights come first, then the biases
  const n = nWf + nInner + w;
  const full = new Float64Array(n);
  for (let j = 0; j < d; j++) full[j * w + j] = 1;
  const index = (i) => (i < nWf ? -1 : i < nWf + nW ? i - nWf : i < nWf + nW + w ? -1 : i - nWf - w);
  return {
    n,
    full(t) {
      full.set(t.subarray(0, nW), nWf);
      full.set(t.subarray(nW), nWf + nW + w);
      return full;
    },
    inner(f) {
      const t = new Float64Array(nInner);
      for (let i = 0; i < n; i++) if (index(i) >= 0) t[index(i)] = f[i];
      return t;
    },
    index,
  };
}

/** The data of a scene spec (model.fromScene's input) for points {n, d, X, y, split, classes}. */
export function sceneSpec(base, data, runTree) {
  const { n, d, X } = data;
  const jitterRandom = tr.rng(123);
  const jitter = Float64Array.from({ length: n }, () => 0.5 * tr.normal(jitterRandom));
  return {
    ...base,
    format: 'netwarp-view',
    data: {
      n, d, X, y: Uint8Array.from(data.y), classes: data.classes, split: data.split,
      split_names: base.data?.split_names || ['train', 'test', 'none'], domain: domain(X, n, d), jitter, jitter_range: [-3, 3],
    },
    runs: [runTree],
  };
}

/**
 * A page run of `settings` on `data` ({n, d, X (n x d), y (class index per point), split (0 train,
 * 1 test), classes}) named `name`; `theta` (optional) starts it from given parameters instead of
 * a fresh initialisation from `settings.random_state`.
 */
export function createRun(settings, data, name, theta = null) {
  const classes = data.classes;
  const k = classes.length;
  if (k < 2) throw new Error('the page trains classifiers of two or more classes');
  const crosses = settings.crosses || [];
  const Xf = crosses.length ? expand(data.X, data.n, data.d, crosses) : { X: data.X, d: data.d };
  const inner = [Xf.d, ...settings.hidden, k === 2 ? 1 : k];
  const out = k === 2 ? 'logistic' : 'softmax';
  const innerActs = [...settings.hidden.map(() => settings.activation), out];
  // with feature crosses the view's network starts with their fixed layer (netwarp.core.features)
  const sizes = crosses.length ? [data.d, ...inner] : inner;
  const acts = crosses.length ? [`features:${crosses.join(',')}`, ...innerActs] : innerActs;
  const lift = liftParams(data.d, crosses.length, inner);
  const trainRows = [];
  const testRows = [];
  for (let i = 0; i < data.n; i++) (data.split[i] === 0 ? trainRows : testRows).push(i);
  const pick = (rows, width, src) => {
    const a = new Float64Array(rows.length * width);
    rows.forEach((r, i) => a.set(src.subarray(r * width, (r + 1) * width), i * width));
    return a;
  };
  const Xtr = pick(trainRows, Xf.d, Xf.X);
  const kOut = sizes.at(-1);
  const onehot = (rows) => {
    const Y = new Float64Array(rows.length * kOut);
    rows.forEach((r, i) => {
      if (kOut === 1) Y[i] = data.y[r] === 1 ? 1 : 0;
      else Y[i * kOut + data.y[r]] = 1;
    });
    return Y;
  };
  const Ytr = onehot(trainRows);
  const random = tr.rng(settings.random_state >>> 0);
  const start = theta ? lift.inner(theta) : tr.initialTheta(inner, settings.activation, random);
  const cfg = {
    ...settings.engine,
    activation: settings.activation, solver: settings.solver, alpha: settings.alpha, batch_size: settings.batch_size,
    learning_rate_init: settings.learning_rate_init, max_iter: settings.max_iter, tol: settings.tol,
    n_iter_no_change: settings.early_stop ? settings.n_iter_no_change : Infinity,
  };
  const trainer = tr.createTrainer({ sizes: inner, X: Xtr, Y: Ytr, n: trainRows.length, theta: start, cfg, out, random });
  const growth = createGrowth(sizes, acts, data.X, data.n, true);
  const P = lift.n;
  const pool = new Map();
  let rows = 0;

  function accuracy(rowsIdx, pred) {
    if (!rowsIdx.length) return NaN;
    let ok = 0;
    for (const r of rowsIdx) ok += pred[r] === data.y[r] ? 1 : 0;
    return ok / rowsIdx.length;
  }

  function scores(theta) {
    const o = nn.forward(Xf.X, data.n, inner, innerActs, nn.paramsAt(inner, theta, 0), { pool }).values.at(-1);
    const pred = new Int32Array(data.n);
    for (let i = 0; i < data.n; i++) {
      if (kOut === 1) pred[i] = o[i] > 0.5 ? 1 : 0;
      else {
        let best = 0;
        for (let j = 1; j < kOut; j++) if (o[i * kOut + j] > o[i * kOut + best]) best = j;
        pred[i] = best;
      }
    }
    return [accuracy(trainRows, pred), accuracy(testRows, pred)];
  }

  const run = {
    trainRows, testRows,
    name, sizes, acts, trainer, settings, data, classes, nParams: P, curves: { loss: [], train: [], test: [] },
    /** Every stored parameter row so far ((rows) * n_params), grown by doubling. */
    history: new Float64Array(64 * P),
    get rows() {
      return rows;
    },
    get epochs() {
      return rows - 1;
    },
    /** The run's tree for sceneSpec (epoch 0 only; later epochs arrive as chunks). */
    tree() {
      const [a, b] = scores(trainer.theta);
      run.history.set(lift.full(trainer.theta), 0);
      rows = 1;
      const loss0 = trainer.lossOf(Xtr, Ytr, trainRows.length);
      run.curves = { loss: [loss0], train: [a], test: [b] };
      return {
        name, layer_sizes: sizes, activations: acts, n_epochs: 0, n_params: P, stop_reason: '', is_classifier: true,
        params: run.history.slice(0, P), loss: Float32Array.of(loss0), train_score: Float32Array.of(a),
        test_score: Float32Array.of(b), diagnostics: null, page: true, ...growth.add(run.history, 0, 1),
      };
    },
    /** Train up to `count` epochs (fewer when the stopping rule ends it); returns their chunk or null. */
    train(count) {
      const e0 = rows;
      const loss = [];
      const train = [];
      const test = [];
      for (let i = 0; i < count && !run.stopped(); i++) {
        loss.push(trainer.epoch());
        const [a, b] = scores(trainer.theta);
        train.push(a);
        test.push(b);
        if (rows * P + P > run.history.length) {
          const bigger = new Float64Array(2 * run.history.length);
          bigger.set(run.history);
          run.history = bigger;
        }
        run.history.set(lift.full(trainer.theta), rows * P);
        rows += 1;
        if (!trainer.theta.every(Number.isFinite)) break;
      }
      if (rows === e0) return null;
      run.curves.loss.push(...loss);
      run.curves.train.push(...train);
      run.curves.test.push(...test);
      return {
        run: -1, e0, e1: rows, params: run.history.slice(e0 * P, rows * P), loss: Float32Array.from(loss),
        train_score: Float32Array.from(train), test_score: Float32Array.from(test), stop_reason: run.stopReason(),
        scene: growth.add(run.history, e0, rows),
      };
    },
    stopped() {
      return trainer.state.converged || trainer.state.n_iter >= run.limit || !trainer.theta.every(Number.isFinite);
    },
    stopReason() {
      if (!trainer.theta.every(Number.isFinite)) return 'diverged: lower the learning rate';
      return trainer.state.stop_reason && run.stopped() ? trainer.state.stop_reason : '';
    },
    /** Allow `more` epochs past a stop (the stopping rule's count starts again). */
    extend(more) {
      trainer.resume();
      run.limit = trainer.state.n_iter + more;
    },
    /** The newest epoch's parameters were edited to `row` (n_params, the view's layout): train on
     * from them (the optimiser keeps its state; a feature-cross layer stays fixed). Returns the
     * re-measured scene fields. */
    setRow(row) {
      trainer.theta.set(lift.inner(row));
      run.history.set(row, (rows - 1) * P);
      return growth.add(run.history, rows - 1, rows);
    },
    /** The run as a trajectory file's bytes (npz.js), `spec` its RunSpec JSON, `format` the file's. */
    file(spec, format) {
      const ys = (rs) => rs.map((i) => classes[data.y[i]]);
      const Xs = (rs) => Float64Array.from(rs.flatMap((i) => Array.from(data.X.subarray(i * data.d, (i + 1) * data.d))));
      return trajectoryFile({
        name, layer_sizes: sizes, activations: acts, stop_reason: run.stopReason(),
        config: { estimator: 'MLPClassifier', trained_in: 'page', spec }, params: run.history.subarray(0, rows * P),
        loss: run.curves.loss, train_score: run.curves.train, test_score: run.curves.test, classes,
      }, { name: data.name, d: data.d, X_train: Xs(trainRows), y_train: ys(trainRows), X_test: Xs(testRows),
        y_test: ys(testRows) }, format);
    },
    limit: settings.max_iter,
  };
  return run;
}
