// recorded.js: runs of recorded activations (netwarp.view.recorded). Their layers cannot be
// recomputed from parameters, so the view takes each layer's recorded values of the scene's
// points at the stored snapshot, where a parameter run's forward pass would give them; there
// is no grid, no decision regions and no morph for such a run, and its panels say so.

import { rowOf } from './model.js';

/** Fill the panel cache `c` with run r's recorded layers at epoch e: values[l] is n x width_l. */
export function compute(V, r, e, c) {
  const { P } = V;
  const run = P.runs[r];
  const row = rowOf(run, e);
  c.values = run.layer_sizes.map((w, l) => (l === 0 ? P.X : run.recorded[l].subarray(row * P.n * w, (row + 1) * P.n * w)));
  c.gvalues = null;
  c.wb = null;
  c.epoch = e;
  c.stageKey = '';
  return c;
}

/** Where a run's layers come from, in the view's words: 'recorded activations' or 'computed from parameters'. */
export function sourceWord(P, run) {
  const s = P.words.sources || {};
  return run.recorded ? s.recorded : s.computed;
}
