// diagram.js: the network diagram of a run. Units are nodes, each a thumbnail of its
// activation over the input line or plane at the displayed epoch (computed here from the
// parameters); edges are coloured by the weight's sign and sized by its magnitude, with the
// value on hover (a tooltip and an accessible title). A click on a unit highlights its axis in
// the layer panels (boundary.js draws it). Dragging an edge or a bias handle up or down, or
// focusing it and pressing the arrow keys, edits the parameter of the displayed epoch through
// `setParam`: every view recomputes from the parameters, so all deform at once. Dead units
// (dead.js) are flagged.

import * as nn from './nn.js';
import { rowOf } from './model.js';
import { deadOf } from './dead.js';
import { perEpoch } from './epochcache.js';
import { activationName, fmtv, h } from './util.js';
import { paramIndex, restoreParams, setParam } from './edit.js';

const POS = [0, 114, 178]; // #0072B2, positive values and weights
const NEG = [230, 159, 0]; // #E69F00, negative
const T = 24; // thumbnail samples per side (2-D input), 4 T along a 1-D input
/** The widest a diagram gets (px): it fits a phone's width with the view's padding. */
const WIDEST = 340;
/** Diagrams are drawn for layers up to this wide. */
export const MAX_WIDTH = 32;
/** The step of one arrow key press on a weight (Shift: ten). */
export const KEY_STEP = 0.1;

/** The short name of unit j of representation l: x1, h1.2, out (out1, out2 for several). */
export function unitName(run, l, j) {
  if (l === 0) return `x${j + 1}`;
  if (l === run.nLayers) return run.layer_sizes[l] === 1 ? 'out' : `out${j + 1}`;
  return `h${l}.${j + 1}`;
}

/** The SVG namespace, as the HTML parser gives it to an <svg> element (the page names no URL). */
let svgNS = null;
const svg = (tag, attrs = {}) => {
  if (!svgNS) {
    const t = document.createElement('template');
    t.innerHTML = '<svg></svg>';
    svgNS = t.content.firstChild.namespaceURI;
  }
  const e = document.createElementNS(svgNS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
};

const mix = (t) => {
  const [c, a] = t >= 0 ? [POS, t] : [NEG, -t];
  return c.map((v) => Math.round(255 + (v - 255) * Math.min(1, a)));
};
const rgbOf = (t) => `rgb(${mix(t).join(',')})`;

/** The diagram of run r: {fig, ...}; null when a layer is wider than MAX_WIDTH. */
export function makeDiagram(V, r) {
  const run = V.P.runs[r];
  const sizes = run.layer_sizes;
  const L = run.nLayers;
  const maxW = Math.max(...sizes);
  if (maxW > MAX_WIDTH || run.recorded) return null; // no weights to draw for recorded activations
  const S = maxW <= 3 ? 44 : maxW <= 4 ? 36 : maxW <= 8 ? 26 : maxW <= 12 ? 18 : 12;
  const gap = S <= 18 ? 5 : 12;
  const H = Math.max(224, maxW * (S + gap) + 16);
  const W = Math.max(236, Math.min(WIDEST, (L + 1) * (S + 60)));
  const at = (l, j) => [10 + S / 2 + (l * (W - 20 - S)) / L, H / 2 + (j - (sizes[l] - 1) / 2) * (S + gap)];
  // drawn in a W x H frame that scales with its grid cell (positions in percent, a viewBox)
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'nw-netsvg', role: 'group', 'aria-label': `network of ${run.name}` });
  const box = h('div', { class: 'nw-net', style: `aspect-ratio:${W} / ${H};max-width:${Math.round(1.5 * W)}px` }, root);
  const pc = (v, of) => `${((100 * v) / of).toFixed(3)}%`;
  const dg = { r, S, edges: [], biases: [], nodes: [], key: '', box };
  const handle = (g, what) => {
    g.setAttribute('tabindex', '0');
    g.setAttribute('role', 'slider');
    g.setAttribute('aria-label', what.label);
    g.setAttribute('aria-orientation', 'vertical');
    g.setAttribute('class', what.i < 0 ? 'nw-bias' : 'nw-edge');
    g.append(what.title);
    g.__nw = what;
    root.append(g);
  };
  for (let l = 0; l < L; l++) {
    for (let i = 0; i < sizes[l]; i++) {
      for (let j = 0; j < sizes[l + 1]; j++) {
        const [x0, y0] = at(l, i);
        const [x1, y1] = at(l + 1, j);
        const ends = { x1: x0 + S / 2, y1: y0, x2: x1 - S / 2, y2: y1 };
        const hit = svg('line', { ...ends, class: 'nw-hit' });
        const line = svg('line', { ...ends, class: 'nw-line' });
        const what = { l, i, j, line, title: svg('title'), label: `Weight from ${unitName(run, l, i)} to ${unitName(run, l + 1, j)}` };
        const g = svg('g');
        g.append(hit, line);
        handle(g, what);
        dg.edges.push(what);
      }
    }
  }
  for (let l = 0; l <= L; l++) {
    for (let j = 0; j < sizes[l]; j++) {
      const [x, y] = at(l, j);
      const canvas = h('canvas', { width: String(V.P.d === 1 ? S * 2 : T), height: String(V.P.d === 1 ? S * 2 : T) });
      const name = unitName(run, l, j);
      const btn = h('button', {
        type: 'button', class: 'nw-unit', 'aria-pressed': 'false', title: name,
        style: `left:${pc(x - S / 2, W)};top:${pc(y - S / 2, H)};width:${pc(S, W)};height:${pc(S, H)}`,
        onclick: () => {
          const hl = V.highlight;
          const same = hl && hl.r === r && hl.layer === l && hl.unit === j;
          V.highlight = same ? null : { r, layer: l, unit: j, name };
          dg.key = '';
          V.schedule();
        },
      }, canvas);
      box.append(btn);
      dg.nodes.push({ l, j, btn, canvas, name });
      if (l > 0) {
        const circle = svg('circle', { cx: x - S / 2 - 1, cy: y + S / 2 - 1, r: 5, class: 'nw-biasdot' });
        const what = { l: l - 1, i: -1, j, line: circle, title: svg('title'), label: `Bias of ${name}` };
        const g = svg('g');
        g.append(circle);
        handle(g, what);
        dg.biases.push(what);
      }
    }
  }
  const restore = h('button', { type: 'button', class: 'nw-restore', hidden: true, 'aria-label': 'Restore recorded weights', text: 'restore',
    onclick: () => restoreParams(V) });
  dg.note = h('div', { class: 'nw-netnote', role: 'status' });
  dg.cap = h('span', { class: 'nw-cap', text: 'network · drag to edit' });
  dg.restore = restore;
  dg.fig = h('figure', { class: `nw-panel nw-diagram${L >= 3 ? ' nw-wide' : ''}`, 'data-panel': `r${r}-net` },
    h('figcaption', {}, dg.cap, restore), box, dg.note);
  wire(V, dg, root);
  return dg;
}

/** The parameter an edge or bias handle stands for, at the displayed epoch. */
function valueOf(V, dg, what) {
  const run = V.P.runs[dg.r];
  const row = rowOf(run, Math.min(V.state.epoch, run.n_epochs));
  return run.params[row * nn.nParams(run.layer_sizes) + paramIndex(run.layer_sizes, what.l, what.i, what.j)];
}

function describe(V, dg, what) {
  return `${what.label}: ${fmtv(valueOf(V, dg, what))}`;
}

function showTip(V, dg, what, ev) {
  const text = describe(V, dg, what);
  dg.note.textContent = text;
  V.hook.diagramHover = text;
  if (!ev) return;
  V.tip.textContent = text;
  V.tip.hidden = false;
  const rb = V.root.getBoundingClientRect();
  V.tip.style.left = `${ev.clientX - rb.left + 14}px`;
  V.tip.style.top = `${ev.clientY - rb.top + 14}px`;
}

/** Pointer and keyboard handling of the diagram's edges and bias handles. */
function wire(V, dg, root) {
  const target = (ev) => ev.target.closest && ev.target.closest('g.nw-edge, g.nw-bias');
  const edit = (what, value) => {
    setParam(V, dg.r, what.l, what.i, what.j, value);
    showTip(V, dg, what, null);
  };
  root.addEventListener('pointerover', (ev) => {
    const g = target(ev);
    if (g && !dg.drag) showTip(V, dg, g.__nw, ev);
  });
  root.addEventListener('pointerout', (ev) => {
    if (!dg.drag && target(ev)) {
      V.tip.hidden = true;
    }
  });
  root.addEventListener('pointerdown', (ev) => {
    const g = target(ev);
    if (!g) return;
    const what = g.__nw;
    const scale = Math.max(0.5, dg.maxAbs || 0) / 60; // a drag of 60 px moves a weight by the largest |w|
    dg.drag = { what, y: ev.clientY, v0: valueOf(V, dg, what), scale };
    root.setPointerCapture?.(ev.pointerId);
    g.focus();
    ev.preventDefault();
  });
  root.addEventListener('pointermove', (ev) => {
    const { drag } = dg;
    if (!drag) return;
    edit(drag.what, drag.v0 + (drag.y - ev.clientY) * drag.scale);
    showTip(V, dg, drag.what, ev);
  });
  const end = () => {
    dg.drag = null;
  };
  root.addEventListener('pointerup', end);
  root.addEventListener('pointercancel', end);
  root.addEventListener('keydown', (ev) => {
    const g = target(ev);
    if (!g) return;
    const sign = { ArrowUp: 1, ArrowRight: 1, ArrowDown: -1, ArrowLeft: -1 }[ev.key];
    if (!sign) return;
    edit(g.__nw, valueOf(V, dg, g.__nw) + sign * KEY_STEP * (ev.shiftKey ? 10 : 1));
    ev.preventDefault();
    ev.stopPropagation(); // not the view's epoch keys
  });
  root.addEventListener('focusin', (ev) => {
    const g = target(ev);
    if (g) showTip(V, dg, g.__nw, null);
  });
}

/** Every unit's value over the input line or plane at the computed epoch: per layer (m x width)
 * (buffers kept on the diagram `dg`). */
function thumbValues(V, dg, wb) {
  const { P } = V;
  const run = P.runs[dg.r];
  const dom = P.spec.data.domain;
  if (P.d > 2) return null;
  const m = P.d === 1 ? 4 * T : T * T;
  dg.pool ||= new Map();
  if (!dg.thumbX) {
    const x = new Float64Array(m * P.d);
    for (let i = 0; i < m; i++) {
      if (P.d === 1) x[i] = dom[0][0] + ((i + 0.5) / m) * (dom[0][1] - dom[0][0]);
      else {
        x[2 * i] = dom[0][0] + (((i % T) + 0.5) / T) * (dom[0][1] - dom[0][0]);
        x[2 * i + 1] = dom[1][1] - ((Math.floor(i / T) + 0.5) / T) * (dom[1][1] - dom[1][0]);
      }
    }
    dg.thumbX = x;
  }
  return { m, values: nn.forward(dg.thumbX, m, run.layer_sizes, run.activations, wb, { pool: dg.pool }).values };
}

function paintThumb(V, node, vals, m, width, center, scale, dead) {
  const ctx = node.canvas.getContext('2d');
  const { canvas } = node;
  const j = node.j;
  if (V.P.d === 2) {
    const img = ctx.createImageData(T, T);
    for (let i = 0; i < m; i++) {
      const [R, G, B] = mix((vals[i * width + j] - center) / scale);
      img.data.set([R, G, B, 255], 4 * i);
    }
    ctx.putImageData(img, 0, 0);
  } else {
    const W = canvas.width;
    const Hh = canvas.height;
    ctx.clearRect(0, 0, W, Hh);
    ctx.fillStyle = '#fafafa';
    ctx.fillRect(0, 0, W, Hh);
    ctx.strokeStyle = '#bbb';
    ctx.beginPath();
    ctx.moveTo(0, Hh / 2);
    ctx.lineTo(W, Hh / 2);
    ctx.stroke();
    ctx.strokeStyle = dead ? '#c0143c' : '#222';
    ctx.lineWidth = 2;
    ctx.beginPath();
    for (let i = 0; i < m; i++) {
      const y = Hh / 2 - ((vals[i * width + j] - center) / scale) * (Hh / 2 - 3);
      const x = (i / (m - 1)) * W;
      if (i) ctx.lineTo(x, y);
      else ctx.moveTo(x, y);
    }
    ctx.stroke();
  }
}

/** Redraw diagram `dg` of run r for the computed epoch `c` (epoch e) when it changed. */
export function drawDiagram(V, dg, c, e) {
  if (!dg) return;
  const hl = V.highlight;
  const key = `${e}|${V.editVersion || 0}|${hl ? `${hl.r}.${hl.layer}.${hl.unit}` : ''}`;
  if (dg.key === key) return;
  dg.key = key;
  const run = V.P.runs[dg.r];
  const sizes = run.layer_sizes;
  let maxAbs = 1e-12;
  for (const what of dg.edges) maxAbs = Math.max(maxAbs, Math.abs(c.wb.W[what.l][what.i * sizes[what.l + 1] + what.j]));
  dg.maxAbs = maxAbs;
  const setHandle = (what, v, size) => {
    const t = Math.abs(v) / maxAbs;
    what.line.setAttribute('stroke', rgbOf(v >= 0 ? 1 : -1));
    if (what.i >= 0) {
      what.line.setAttribute('stroke-width', String(0.6 + 5 * Math.min(1, t)));
      what.line.setAttribute('stroke-opacity', String(0.3 + 0.7 * Math.min(1, t)));
    } else {
      what.line.setAttribute('fill', rgbOf(v >= 0 ? 1 : -1));
      what.line.setAttribute('r', String(size));
    }
    what.title.textContent = `${what.label}: ${fmtv(v)}`;
    what.title.parentNode.setAttribute('aria-valuenow', String(v));
    what.title.parentNode.setAttribute('aria-valuetext', fmtv(v));
  };
  for (const what of dg.edges) setHandle(what, c.wb.W[what.l][what.i * sizes[what.l + 1] + what.j]);
  for (const what of dg.biases) setHandle(what, c.wb.b[what.l][what.j], 3 + 3 * Math.min(1, Math.abs(c.wb.b[what.l][what.j]) / Math.max(1, maxAbs)));
  const dead = deadOf(V, dg.r, c);
  const th = perEpoch(V, c, dg, 'thumbs', () => thumbValues(V, dg, c.wb)); // not again for a highlight
  for (let l = 0; l <= run.nLayers; l++) {
    const width = sizes[l];
    const K = sizes[run.nLayers];
    const center = l === run.nLayers && run.is_classifier ? (K === 1 ? 0.5 : 1 / K) : 0;
    let scale = 1e-9;
    if (th) for (let i = 0; i < th.m * width; i++) scale = Math.max(scale, Math.abs(th.values[l][i] - center));
    for (const node of dg.nodes) {
      if (node.l !== l) continue;
      const isDead = l > 0 && l < run.nLayers && dead.layers[l - 1].includes(node.j);
      if (th) paintThumb(V, node, th.values[l], th.m, width, center, scale, isDead);
      const on = Boolean(hl && hl.r === dg.r && hl.layer === l && hl.unit === node.j);
      node.btn.setAttribute('aria-pressed', String(on));
      node.btn.classList.toggle('nw-deadunit', isDead);
      const act = l === 0 ? 'input' : activationName(V.P, run.activations[l - 1]);
      const since = isDead && dead.since0[l - 1].includes(node.j) ? ' since epoch 0' : '';
      node.btn.setAttribute('aria-label', `Unit ${node.name} (${act})${isDead ? `, dead${since}: zero on every training point` : ''}; show its axis`);
    }
  }
  const edited = V.edits && [...V.edits.keys()].some((k) => k.startsWith(`${dg.r}:`));
  dg.restore.hidden = !edited;
  dg.cap.textContent = edited ? 'network · edited' : 'network · drag to edit';
  V.hook.diagram[dg.r] = {
    epoch: e, edges: dg.edges.length, biases: dg.biases.length, units: dg.nodes.length, maxAbs,
    dead: dead.layers.map((d) => [...d]), highlight: hl ? { ...hl } : null,
  };
}
