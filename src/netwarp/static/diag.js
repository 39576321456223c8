// diag.js: each layer panel's diagnostics readout (netwarp.diagnostics, shipped in the
// scene at sampled epochs): what the layer does to space (homeomorphism, embedding or not
// injective and why), det W for a square W, the held-out test accuracy of a linear read-out
// of the representation (the output's is the network's own test accuracy), and the stretch
// (largest singular value of the input -> layer Jacobian, maximum over the points). The first
// representation a linear read-out classifies (threshold, 99 %) is marked. The readout shows
// the sampled epoch nearest the current one.

import { fmtv, layerName } from './util.js';

/** Index of the sampled epoch nearest `e` (the earlier on a tie, as Diagnostics.index). */
export function nearestSample(epochs, e) {
  let best = 0;
  for (let j = 1; j < epochs.length; j++) if (Math.abs(epochs[j] - e) < Math.abs(epochs[best] - e)) best = j;
  return best;
}

/** The readout of representation l at sample j: {epoch, kind, det, readout, separability, stretch, first}. */
export function readout(dg, l, j) {
  const layer = l > 0 ? dg.layers[l - 1] : null;
  return {
    epoch: dg.epochs[j],
    kind: layer ? layer.kind[j] : null,
    det: layer ? layer.det[j] : null,
    readout: dg.readout ? dg.readout[l][j] : null,
    separability: dg.separability[l][j],
    stretch: l > 0 ? dg.stretch[l][j] : null,
    first: dg.first_readout ? dg.first_readout[j] === l : false,
  };
}

/** An accuracy in percent with the decimals that tell close results apart: one decimal, two
 * from 99.5 % up to 100 % (as netwarp.view.readout.percent). */
export function pct(v) {
  const p = 100 * v;
  if (p >= 100) return '100 %';
  return p >= 99.5 ? `${Math.min(p, 99.99).toFixed(2)} %` : `${p.toFixed(1)} %`;
}

/** Update panel p's readout for epoch e (only when the sampled epoch changes). */
export function drawDiag(V, p, e) {
  const run = V.P.runs[p.r];
  const dg = run.diagnostics;
  if (!p.diagEl) return;
  const notes = V.P.words.notes || {};
  if (!dg) { // a run trained in the page: nothing measured, and the panel says so
    p.diagEl.textContent = p.layer === 0 ? notes.page_run || '' : '';
    p.diagEl.classList.add('nw-note');
    return;
  }
  const j = nearestSample(dg.epochs, e);
  const edited = Boolean(V.edits && [...V.edits.keys()].some((k) => k.startsWith(`${p.r}:`)));
  const sig = `${j} ${edited}`;
  if (p.diagSig === sig) return;
  p.diagSig = sig;
  const d = readout(dg, p.layer, j);
  const lines = [];
  const kind = d.kind && d.kind.replaceAll('->', '→');
  if (kind) lines.push(d.det == null ? kind : `${kind} · det W ${fmtv(d.det)}`);
  const parts = [];
  const last = p.layer === run.nLayers;
  const M = V.P.words.metrics;
  if (d.readout != null) parts.push(`${last ? M.test_accuracy : M.readout} ${pct(d.readout)}`);
  if (d.stretch != null) parts.push(`${V.P.words.metrics.stretch} ${fmtv(d.stretch)}`);
  if (parts.length) lines.push(parts.join(' · '));
  if (d.first && !last) lines.push(p.layer === 0 ? '★ a linear read-out of the input classifies the test points' : '★ first layer a linear read-out classifies');
  if (last && d.readout != null) {
    // a representation the output could read better than it does: it has yet to learn to
    const ro = dg.readout ? dg.readout.slice(0, run.nLayers).map((row) => row[j] ?? -1) : [];
    const best = ro.indexOf(Math.max(...ro));
    if (best >= 0 && ro[best] - d.readout >= 0.05) {
      lines.push(`a read-out of ${layerName(V.P.words, run, best)} gets ${pct(ro[best])}: the output layer has yet to learn it`);
    }
  }
  if (edited) lines.push(notes.edited || '');
  p.diagEl.textContent = lines.join('\n');
  p.diagEl.title = `diagnostics at epoch ${d.epoch} (the nearest sampled epoch)`;
  p.fig.classList.toggle('nw-firstsep', d.first);
  V.hook.diag[p.id] = d;
}
