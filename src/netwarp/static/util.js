// util.js: small DOM and number helpers shared by the view's modules, and the panel layout.

export const PANEL_W = 236;
export const PANEL_H = 224;
/** The 2-D plot area inside a panel (room for tick labels on the left and below). */
export const PLOT = { x: 42, y: 8, w: 184, h: 170 };
/** A 3-D panel uses the whole canvas. */
export const PLOT3 = { x: 0, y: 0, w: PANEL_W, h: PANEL_H };
/** The loss chart in the training panel (the score chart sits 98 px below it). */
export const CHART = { x: 40, y: 22, w: 184, h: 70 };

/** An element: h('div', {class, text, onclick, ...attributes}, ...children). */
export function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v !== false && v != null) e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

/** A number in at most 4 significant digits; NaN as '–'. */
export const fmtv = (v) => (Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : Number.isNaN(v) ? '–' : String(v));

/** Smoothstep on [0, 1]. */
export const smooth = (w) => w * w * (3 - 2 * w);

/** The smallest box ([[lo, hi], ...]) holding boxes a and b. */
export function unionBox(a, b) {
  return a.map(([lo, hi], j) => [Math.min(lo, b[j][0]), Math.max(hi, b[j][1])]);
}

/** Box a moved a fraction w of the way to box b. */
export function lerpBox(a, b, w) {
  return a.map(([lo, hi], j) => [lo + w * (b[j][0] - lo), hi + w * (b[j][1] - hi)]);
}

/** A vocabulary template (netwarp.view.vocabulary, shipped in the scene) with {i} / {name} filled in. */
export function fill(template, values = {}) {
  let out = String(template);
  for (const [k, v] of Object.entries(values)) out = out.replaceAll(`{${k}}`, String(v));
  return out;
}

/** Axis labels `kind` ('unit', 'pc', 'tour', 'dim', 'input_axis') for 0-based indices `idx`. */
export function axisNames(words, kind, idx) {
  return idx.map((i) => fill(words[kind], { i: i + 1 }));
}

/** 'input', 'hidden layer l' or 'output' for representation l of a run, in the scene's words. */
/** An activation as the view names it: a feature-cross layer's "features:x1sq,x1x2" reads
 * "feature crosses x1², x1·x2" (labels from the scene's settings table, `P.spec.settings`), or
 * with `bare` only "x1², x1·x2" (where the layer's name already says it). */
export function activationName(P, a, bare = false) {
  if (!a.startsWith('features:')) return a;
  const labels = (P.spec.settings && P.spec.settings.crosses) || {};
  const names = a.slice('features:'.length).split(',').filter(Boolean);
  const list = names.map((n) => (labels[n] ? labels[n].label : n)).join(', ');
  return bare ? list : `${P.words.crosses || 'feature crosses'} ${list}`;
}

export function layerName(words, run, l) {
  if (run.layer_names && run.layer_names[l]) return run.layer_names[l]; // the run's own names (pipeline steps, recorded layers)
  if (l === 0) return words.input;
  if (l === run.nLayers) return words.output;
  if (run.activations[l - 1].startsWith('features:')) return words.crosses || 'feature crosses';
  return fill(words.hidden, { i: l });
}
