// dead.js: dead units, a unit whose activation is exactly zero on every training point (a ReLU
// whose pre-activation is negative on all of them; as netwarp.view.readout.dead_units). No
// gradient reaches its incoming weights, so it stays dead and the layer is narrower than it
// looks. Flagged in the network diagram and under each layer panel, with "since epoch 0" when
// it was dead at initialisation too.

import * as nn from './nn.js';
import { rowOf } from './model.js';
import { perEpoch } from './epochcache.js';
import { h } from './util.js';

/** Whether activation `name` is zero on a whole half-line (so a unit can die): relu, leaky_relu:0. */
export const canDie = (name) => name === 'relu' || /^leaky_relu:0*(\.0*)?$/.test(name);

/** Per hidden layer l (1..L-1) the dead units' indices, from layer values (n x width_l each)
 * over the points with `mask[i] === 1` (every point when null); layers whose activation
 * cannot die (`activations`, when given) are not scanned. */
export function deadUnits(values, sizes, n, mask, activations = null) {
  const out = [];
  for (let l = 1; l + 1 < sizes.length; l++) {
    const w = sizes[l];
    if (activations && !canDie(activations[l - 1])) {
      out.push([]);
      continue;
    }
    const v = values[l];
    const alive = new Uint8Array(w);
    for (let i = 0; i < n; i++) {
      if (mask && !mask[i]) continue;
      const o = i * w;
      for (let j = 0; j < w; j++) if (v[o + j] !== 0) alive[j] = 1;
    }
    const dead = [];
    for (let j = 0; j < w; j++) if (!alive[j]) dead.push(j);
    out.push(dead);
  }
  return out;
}

/** The dead units of run r at the computed epoch `c`, and which of them were dead at epoch 0:
 * {layers: [[unit...] per hidden layer], since0: same shape} (cached per epoch and edit). */
export function deadOf(V, r, c) {
  return perEpoch(V, c, c, 'dead', () => {
    const { P } = V;
    const run = P.runs[r];
    const mask = P.split.some((s) => s === 0) ? P.masks.train : null;
    const layers = deadUnits(c.values, run.layer_sizes, P.n, mask, run.activations);
    let since0 = layers.map(() => []);
    if (layers.some((d) => d.length)) {
      const wb0 = nn.paramsAt(run.layer_sizes, run.params, rowOf(run, 0));
      const v0 = nn.forward(P.X, P.n, run.layer_sizes, run.activations, wb0).values;
      const at0 = deadUnits(v0, run.layer_sizes, P.n, mask, run.activations);
      since0 = layers.map((d, i) => d.filter((u) => at0[i].includes(u)));
    }
    V.hook.dead[r] = { layers, since0 };
    return V.hook.dead[r];
  });
}

/** The sentence under layer panel p naming its dead units (empty when none). */
export function deadText(V, p, dead) {
  const l = p.layer;
  if (p.kind !== 'layer' || l < 1 || l > dead.layers.length) return '';
  const units = dead.layers[l - 1];
  if (!units.length) return '';
  const names = units.map((u) => `unit ${u + 1}`).join(', ');
  const all = units.length === V.P.runs[p.r].layer_sizes[l];
  const since = dead.since0[l - 1].length === units.length ? ', dead since epoch 0' : '';
  const verb = units.length > 1 ? 'are' : 'is';
  return `⚠ ${names} ${verb} dead (zero on every training point${since})${all ? ': the layer passes nothing on' : ''}`;
}

/** Show panel p's dead-unit sentence (an element under its caption, made on first use). */
export function flagPanel(V, p, dead) {
  const text = deadText(V, p, dead);
  if (!p.deadEl) {
    if (!text) return;
    p.deadEl = h('div', { class: 'nw-dead', role: 'note' });
    p.fig.querySelector('figcaption').after(p.deadEl);
  }
  if (p.deadEl.textContent !== text) p.deadEl.textContent = text;
  p.deadEl.hidden = !text;
}
