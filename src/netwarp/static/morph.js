// morph.js: the morph panel, walking one layer's stages x -> xW -> xW + b -> sigma(xW + b)
// (Olah's animation) at the current epoch, through the same projection as the layer.

import * as nn from './nn.js';
import { morphBox, morphDisplay } from './display.js';
import { paint } from './panels.js';

/** Stages of weight layer l (points and grid) at the computed epoch, as far as `upTo`
 * (0: only x and sigma(xW + b), which the forward pass has; 1: xW too; 2: xW + b too). */
function stagesOf(V, r, c, l, upTo) {
  const key = `${c.epoch}|${l}`;
  if (c.stageKey === key && c.stageUpTo >= upTo) return c;
  const { P } = V;
  const run = P.runs[r];
  const [din, dout] = [run.layer_sizes[l], run.layer_sizes[l + 1]];
  c.spool ||= new Map();
  c.gspool ||= new Map();
  const { W, b } = c.wb;
  const stage = (x, out, n, pool) => (upTo === 0
    ? { input: x, linear: null, translated: null, activated: out, din, dout }
    : nn.layerStages(x, out, n, din, dout, W[l], b[l], pool, upTo));
  c.stage = stage(c.values[l], c.values[l + 1], P.n, c.spool);
  if (P.grid) c.gstage = stage(c.gvalues[l], c.gvalues[l + 1], P.grid.lines * P.grid.samples, c.gspool);
  c.stageKey = key;
  c.stageUpTo = upTo;
  return c;
}

/** Draw the morph panel p of run p.r at the computed epoch `c` (epoch e). */
export function drawMorph(V, p, c, e) {
  const { P, state, hook } = V;
  const run = P.runs[p.r];
  const t = Math.min(state.morph, 3 * run.nLayers);
  const l = nn.morphLayer(t, run.nLayers);
  const u = Math.min(3, t - 3 * l);
  const md = morphDisplay(V, p.r, l);
  // stages walked: k -> k + 1 (0 x, 1 xW, 2 xW + b, 3 sigma); t = 0 shows the input alone,
  // the same at every epoch
  const k = Math.min(2, Math.floor(u));
  const frac = u - k;
  const used = frac === 0 ? [k] : frac === 1 ? [k + 1] : [k, k + 1];
  const needs = Math.max(0, ...used.filter((i) => i === 1 || i === 2));
  const sig = [t === 0 ? 'input' : e, t, md.key, md.k, state.points, state.grid,
    md.k === 3 ? `${state.yaw},${state.pitch}` : ''].join('|');
  if (sig === p.sig) return;
  p.sig = sig;
  stagesOf(V, p.r, c, l, needs);
  p.mvals = nn.interpolate(c.stage, P.n, u, p.mvals);
  const coords = md.how ? (p.coords = nn.project(p.mvals, P.n, md.D, md.how, p.coords)) : p.mvals;
  let gcoords = null;
  if (state.grid && P.grid) {
    const m = P.grid.lines * P.grid.samples;
    p.gvals = nn.interpolate(c.gstage, m, u, p.gvals);
    gcoords = md.how ? (p.gcoords = nn.project(p.gvals, m, md.D, md.how, p.gcoords)) : p.gvals;
  }
  const bounds = morphBox(V, p.r, t);
  p.cap.textContent = `${P.words.morph} t = ${t.toFixed(2)} · layer ${l + 1}: ${P.words.short_stages[k]} → ${P.words.short_stages[k + 1]}`;
  paint(V, p, { coords, k: md.k, bounds, names: md.names, gcoords, pointsKey: sig });
  hook.panels[p.id] = {
    id: p.id, run: p.r, layer: l, kind: 'morph', epoch: e, t, k: md.k, n: P.n, width: md.D,
    coords: coords.subarray(0, P.n * md.k), values: p.mvals, bounds,
    grid: gcoords, jitter: md.k === 1 ? P.jitter : null, sx: p.sx, sy: p.sy,
  };
}
