// display.js: how each panel shows its layer. A layer of width <= 3 is drawn as is; a wider
// one through its fixed PCA projection, two or three chosen units, or the Grand Tour; a
// regressor's one-unit output as prediction against target. Also the morph panel's camera.
// Functions take the view `V` ({P, state}) and read nothing else.

import * as tour from './tour.js';
import { axisNames, fill, lerpBox, smooth, unionBox } from './util.js';

/** The units ([a, b] or [a, b, c]) named by a projection choice like 'u1.4', or null. */
export function parseUnits(choice, width) {
  if (!choice || choice[0] !== 'u') return null;
  const u = choice.slice(1).split('.').map(Number);
  return u.length >= 2 && u.length <= 3 && u.every((x) => Number.isInteger(x) && x >= 0 && x < width) ? u : null;
}

/** Projection choices for a layer of `width` units: [[value, label]]. */
export function projOptions(width) {
  const out = width > 3
    ? [['pca3', 'PCA 3-D'], ['pca2', 'PCA 2-D'], ['tour3', 'grand tour 3-D'], ['tour2', 'grand tour 2-D']]
    : [['id', `all ${width} units`]];
  const lim = width > 12 ? Math.min(width, 12) : width;
  for (let a = 0; a < lim; a++) for (let b = a + 1; b < lim; b++) out.push([`u${a}.${b}`, `units ${a + 1}, ${b + 1}`]);
  if (width > 3) {
    for (let a = 0; a < Math.min(lim, 8); a++) {
      for (let b = a + 1; b < Math.min(lim, 8); b++) {
        for (let c = b + 1; c < Math.min(lim, 8); c++) out.push([`u${a}.${b}.${c}`, `units ${a + 1}, ${b + 1}, ${c + 1}`]);
      }
    }
  }
  return out;
}

/** The projection choice of layer l of run r ('' = the default). */
export function choiceOf(V, r, l) {
  return V.state.proj[`${r}.${l}`] || '';
}

/** The Grand Tour's frame for width D, k columns at the current tour time (memoised). */
function tourHow(V, mean, D, k) {
  const t = V.state.tour;
  const key = `${D}|${k}|${t}`;
  V.tourFrames ||= new Map();
  let rows = V.tourFrames.get(key);
  if (!rows) {
    if (V.tourFrames.size > 32) V.tourFrames.clear();
    rows = tour.frameRows(D, k, t, V.P.spec.tour?.seed ?? tour.SEED);
    V.tourFrames.set(key, rows);
  }
  return { mean, components: rows, tour: { t, D, k } };
}

/** A box of k axes, each [-r, r]. */
const ball = (r, k) => Array.from({ length: k }, () => [-(r || 1), r || 1]);

/** True when layer l of run r is a regressor's output, drawn as prediction against target. */
export function vsTarget(V, r, l) {
  const run = V.P.runs[r];
  return Boolean(V.P.target) && !run.is_classifier && l === run.nLayers && run.layer_sizes[l] === 1;
}

/**
 * How layer `l` of run `r` is shown: {how (null = as is), k, bounds, names, key}; `key`
 * names the projection (and the tour time, for a tour) so panels know when to redraw.
 */
export function display(V, r, l) {
  const { P, state } = V;
  const run = P.runs[r];
  const width = run.layer_sizes[l];
  const choice = choiceOf(V, r, l);
  const units = parseUnits(choice, width);
  const raw = l === 0 && width <= 3 ? P.spec.data.domain : run.unit_bounds[l] || run.bounds[l];
  if (units) {
    return { how: { units }, k: units.length, bounds: units.map((u) => raw[u]), names: axisNames(P.words, 'unit', units), key: choice };
  }
  if (width > 3) {
    const pr = run.projections[l];
    if (choice === 'tour2' || choice === 'tour3') {
      const k = choice === 'tour2' ? 2 : 3;
      const how = tourHow(V, pr.mean, width, k);
      const names = axisNames(P.words, 'tour', [0, 1, 2]).slice(0, k);
      return { how, k, bounds: ball(run.tour_radius[l], k), names, key: `${choice}@${state.tour}` };
    }
    const k = choice === 'pca2' ? 2 : 3;
    const components = pr.components.map((row) => row.slice(0, k));
    return { how: { mean: pr.mean, components }, k, bounds: run.bounds[l].slice(0, k), names: axisNames(P.words, 'pc', [0, 1, 2]).slice(0, k), key: `pca${k}` };
  }
  if (vsTarget(V, r, l)) {
    const [lo, hi] = [Math.min(run.bounds[l][0][0], P.targetRange[0]), Math.max(run.bounds[l][0][1], P.targetRange[1])];
    return { how: null, k: 2, vsTarget: true, bounds: [[lo, hi], [lo, hi]], names: [P.words.prediction, P.words.target], key: 'vs' };
  }
  const prob = l === run.nLayers && run.is_classifier && width === 1 && run.activations[l - 1] === 'logistic';
  const all = [...Array(width).keys()];
  const names = l === 0 ? (width === 1 ? [P.words.input_feature] : axisNames(P.words, 'input_axis', all))
    : prob ? [fill(P.words.probability, { name: P.spec.data.classes[1] ?? 1 })] : axisNames(P.words, 'unit', all);
  return { how: null, k: width, bounds: l === 0 ? P.spec.data.domain : run.bounds[l], names, key: 'id' };
}

/** How the morph through weight layer `l` is shown, and its stage boxes. */
export function morphDisplay(V, r, l) {
  const { P } = V;
  const run = P.runs[r];
  const D = Math.max(run.layer_sizes[l], run.layer_sizes[l + 1]);
  const m = run.morph_layer[l];
  const shown = run.morph_bounds[l];
  if (m === null) {
    return { how: null, k: D, boxes: shown, D, names: axisNames(P.words, 'dim', [...Array(D).keys()]), key: 'id' };
  }
  const d = display(V, r, m);
  if (d.how.units) return { how: d.how, k: d.k, boxes: run.morph_unit_bounds[l].map((b) => d.how.units.map((u) => b[u])), D, names: d.names, key: d.key };
  if (d.how.tour) return { how: d.how, k: d.k, boxes: run.morph_tour_radius[l].map((rad) => ball(rad, d.k)), D, names: d.names, key: d.key };
  return { how: d.how, k: d.k, boxes: shown.map((b) => b.slice(0, d.k)), D, names: d.names, key: d.key };
}

/** The four stage boxes of weight layer l (over all epochs) in the morph's display
 * coordinates; zero-padding axes of a stage keep the layer's range, so a collapse onto
 * fewer dimensions stays visible, and an empty range gets some room. */
function stageBoxes(V, r, l) {
  const run = V.P.runs[r];
  const md = morphDisplay(V, r, l);
  let boxes = md.boxes;
  if (!md.how) {
    const widths = [run.layer_sizes[l], run.layer_sizes[l + 1], run.layer_sizes[l + 1], run.layer_sizes[l + 1]];
    const all = boxes.reduce(unionBox);
    boxes = boxes.map((box, k) => box.map((b, j) => (j >= widths[k] ? all[j] : b)));
  }
  const room = ([lo, hi]) => (hi - lo > 1e-12 ? [lo, hi] : [lo - 1, hi + 1]);
  return { k: md.k, boxes: boxes.map((box) => box.map(room)) };
}

/** The morph panel's box at time t: one camera per layer, the box holding all four of its
 * stages (x, xW, xW + b, σ), so a stage that shrinks or shifts is seen to, instead of the frame
 * zooming after it; entering a layer it eases from the previous layer's camera (when both are
 * shown in the same coordinates). Continuous in t, and the same at every epoch. */
export function morphBox(V, r, t) {
  const run = V.P.runs[r];
  const g = Math.min(Math.floor(t), 3 * run.nLayers - 1);
  const l = Math.floor(g / 3);
  const s = t - 3 * l;
  const { k: dims, boxes } = stageBoxes(V, r, l);
  let box = boxes.reduce(unionBox);
  if (l > 0 && s < 0.25 && run.morph_layer[l - 1] === run.morph_layer[l]) {
    const prev = stageBoxes(V, r, l - 1);
    if (prev.k === dims) box = lerpBox(prev.boxes.reduce(unionBox), box, smooth(s / 0.25));
  }
  return box;
}

/** Whether any shown run has a layer wider than 3 (so a Grand Tour can be chosen). */
export function hasWide(V) {
  const shown = V.state.compare ? V.P.runs : [V.P.runs[V.state.run]];
  return shown.some((run) => run.layer_sizes.some((w) => w > 3));
}

/** Whether any shown panel is on a Grand Tour. */
export function touring(V) {
  return Object.entries(V.state.proj).some(([key, v]) => {
    const r = Number(key.split('.')[0]);
    return (v === 'tour2' || v === 'tour3') && (V.state.compare || r === V.state.run);
  });
}
