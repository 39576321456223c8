// diag.js: each layer panel's diagnostics readout (netwarp.diagnostics, shipped in the
// scene at sampled epochs): what the layer does to space (homeomorphism, embedding or not
// injective and why), det W for a square W, how linearly separable the classes are in the
// representation, and the stretch (largest singular value of the input -> layer Jacobian,
// maximum over the points). The first representation where the classes are linearly
// separable is marked. The readout shows the sampled epoch nearest the current one.

import { fmtv } from './util.js';

/** Index of the sampled epoch nearest `e` (the earlier on a tie, as Diagnostics.index). */
export function nearestSample(epochs, e) {
  let best = 0;
  for (let j = 1; j < epochs.length; j++) if (Math.abs(epochs[j] - e) < Math.abs(epochs[best] - e)) best = j;
  return best;
}

/** The readout of representation l at sample j: {epoch, kind, det, separability, stretch, first}. */
export function readout(dg, l, j) {
  const layer = l > 0 ? dg.layers[l - 1] : null;
  return {
    epoch: dg.epochs[j],
    kind: layer ? layer.kind[j] : null,
    det: layer ? layer.det[j] : null,
    separability: dg.separability[l][j],
    stretch: l > 0 ? dg.stretch[l][j] : null,
    first: dg.first_separable[j] === l,
  };
}

const pct = (v) => `${(100 * v).toFixed(v >= 0.995 && v < 1 ? 1 : 0)}%`;

/** Update panel p's readout for epoch e (only when the sampled epoch changes). */
export function drawDiag(V, p, e) {
  const run = V.P.runs[p.r];
  const dg = run.diagnostics;
  if (!dg || !p.diagEl) return;
  const j = nearestSample(dg.epochs, e);
  const sig = `${j}`;
  if (p.diagSig === sig) return;
  p.diagSig = sig;
  const d = readout(dg, p.layer, j);
  const lines = [];
  const kind = d.kind && d.kind.replaceAll('->', '→');
  if (kind) lines.push(d.det == null ? kind : `${kind} · det W ${fmtv(d.det)}`);
  const parts = [];
  if (d.separability != null) parts.push(`${V.P.words.metrics.separability} ${pct(d.separability)}`);
  if (d.stretch != null) parts.push(`${V.P.words.metrics.stretch} ${fmtv(d.stretch)}`);
  if (parts.length) lines.push(parts.join(' · '));
  if (d.first) lines.push(p.layer === 0 ? '★ classes linearly separable in the input' : '★ first layer where classes are linearly separable');
  p.diagEl.textContent = lines.join('\n');
  p.diagEl.title = `diagnostics at epoch ${d.epoch} (the nearest sampled epoch)`;
  p.fig.classList.toggle('nw-firstsep', d.first);
  V.hook.diag[p.id] = d;
}
