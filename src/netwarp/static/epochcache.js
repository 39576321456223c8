// epochcache.js: the one caching rule for what is computed from a run's parameters at the
// computed epoch (panels.js `compute`): it holds while that epoch and the edits (edit.js's
// `V.editVersion`) are the ones it was computed for. What only changes how it is drawn (the
// highlighted unit, a toggle) does not recompute it.

/** `compute()`'s result, kept in `holder[slot]` and computed again only when the computed epoch
 * `c.epoch`, the edit version or `extra` (whatever else the result depends on) changed. */
export function perEpoch(V, c, holder, slot, compute, extra = '') {
  const key = `${c.epoch}|${V.editVersion || 0}|${extra}`;
  const memo = (holder[slot] ||= { key: null, value: null });
  if (memo.key !== key) {
    memo.value = compute();
    memo.key = key;
  }
  return memo.value;
}
