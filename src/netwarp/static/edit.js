// edit.js: editing a network by hand. Every edit goes through `setParam`, which writes one
// weight or bias into the parameter row of the displayed epoch (the recorded value is kept,
// so `restoreParams` puts it back), invalidates what was computed from that row, tells the
// listeners (`onParamEdit`: a trainer continues from the edited network) and redraws: every
// view recomputes its layers from the parameters, so all deform at once.

import * as nn from './nn.js';
import { rowOf } from './model.js';

/** Offset of weight i -> j of weight layer l (i = -1: the bias of unit j) in one parameter row
 * (the Trajectory's flat layout: all weight matrices row-major (fan_in, fan_out), then all biases). */
export function paramIndex(sizes, l, i, j) {
  let off = 0;
  if (i >= 0) {
    for (let k = 0; k < l; k++) off += sizes[k] * sizes[k + 1];
    return off + i * sizes[l + 1] + j;
  }
  for (let k = 0; k + 1 < sizes.length; k++) off += sizes[k] * sizes[k + 1];
  for (let k = 0; k < l; k++) off += sizes[k + 1];
  return off + j;
}

/** The parameter row of run r holding `epoch` (default: the displayed epoch). */
function rowFor(V, r, epoch) {
  const run = V.P.runs[r];
  const e = epoch ?? V.state.epoch;
  return rowOf(run, Math.max(0, Math.min(e, run.n_epochs)));
}

/** Forget what was computed from run r's parameters and redraw. */
export function invalidate(V, r) {
  V.editVersion = (V.editVersion || 0) + 1;
  const c = V.cache[r];
  if (c) {
    c.epoch = -1;
    c.stageKey = '';
  }
  for (const row of V.rows) {
    if (row.r !== r) continue;
    for (const p of row.panels) {
      p.sig = '';
      p.pointsKey = null;
      p.regionKey = null;
    }
  }
  V.schedule();
}

/** Weight i -> j of weight layer `layer` of run r (i = -1: the bias of unit j) at `epoch`. */
export function getParam(V, r, layer, i, j, epoch) {
  const run = V.P.runs[r];
  const P = nn.nParams(run.layer_sizes);
  return run.params[rowFor(V, r, epoch) * P + paramIndex(run.layer_sizes, layer, i, j)];
}

/**
 * Set weight i -> j of weight layer `layer` (0-based; i = -1: the bias of unit j) of run r to
 * `value` at `epoch` (default: the displayed one), in place; the recorded row is kept for
 * `restoreParams`. Listeners hear {run, layer, i, j, value, row, epoch}.
 */
export function setParam(V, r, layer, i, j, value, epoch) {
  const run = V.P.runs[r];
  const sizes = run.layer_sizes;
  if (!(layer >= 0 && layer < run.nLayers && j >= 0 && j < sizes[layer + 1] && i >= -1 && i < sizes[layer])) {
    throw new Error(`netwarp: no parameter (${layer}, ${i}, ${j}) in a ${sizes.join('-')} network`);
  }
  if (!Number.isFinite(value)) return;
  const P = nn.nParams(sizes);
  const row = rowFor(V, r, epoch);
  V.edits ||= new Map();
  const key = `${r}:${row}`;
  if (!V.edits.has(key)) V.edits.set(key, run.params.slice(row * P, (row + 1) * P));
  run.params[row * P + paramIndex(sizes, layer, i, j)] = value;
  invalidate(V, r);
  const edit = { run: r, layer, i, j, value, row, epoch: run.epochs ? run.epochs[row] : row };
  for (const f of V.paramListeners || []) f(edit);
}

/** Put every edited parameter row back as recorded. */
export function restoreParams(V) {
  if (!V.edits) return;
  const runs = new Set();
  for (const [key, saved] of V.edits) {
    const [r, row] = key.split(':').map(Number);
    const run = V.P.runs[r];
    run.params.set(saved, row * nn.nParams(run.layer_sizes));
    runs.add(r);
  }
  V.edits.clear();
  for (const r of runs) invalidate(V, r);
  for (const f of V.paramListeners || []) f({ restored: [...runs] });
}

/** Subscribe `f` to every edit (and restore); returns the unsubscribe function. */
export function onParamEdit(V, f) {
  V.paramListeners ||= [];
  V.paramListeners.push(f);
  return () => {
    V.paramListeners = V.paramListeners.filter((g) => g !== f);
  };
}

/** The edit API on the view's hook (window.__netwarp): setParam, getParam, restoreParams, onParamEdit. */
export function exposeEdits(V) {
  Object.assign(V.hook, {
    setParam: (r, layer, i, j, value, epoch) => setParam(V, r, layer, i, j, value, epoch),
    getParam: (r, layer, i, j, epoch) => getParam(V, r, layer, i, j, epoch),
    restoreParams: () => restoreParams(V),
    onParamEdit: (f) => onParamEdit(V, f),
    get edits() {
      return V.edits ? V.edits.size : 0;
    },
  });
}
