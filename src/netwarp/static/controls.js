// controls.js: the bars above the panels (run, side by side, points, grid, regions, legend;
// epoch; morph; Grand Tour) and their sync with the view state.

import * as colors from './colors.js';
import * as nn from './nn.js';
import * as tour from './tour.js';
import { hasWide, touring } from './display.js';
import { helpOf } from './help.js';
import * as st from './state.js';
import { activationName, fill, fmtv, h } from './util.js';

const SPEEDS = [5, 15, 30, 60, 120, 240];

/** The control bars of view V; returns {bars, buildStatic(), sync()}. */
export function createControls(V) {
  const c = {};
  const up = (changes) => V.update(changes);
  c.title = h('div', { class: 'nw-title' });
  c.runSel = h('select', { 'aria-label': 'run', onchange: () => up({ run: Number(c.runSel.value) }) });
  c.compareBox = h('input', { type: 'checkbox', 'aria-label': 'compare', onchange: () => up({ compare: c.compareBox.checked }) });
  c.pointsSel = h('select', { 'aria-label': 'points', onchange: () => up({ points: c.pointsSel.value }) },
    ...['all', 'train', 'test'].map((v) => h('option', { value: v, text: `${v} points` })));
  c.gridBox = h('input', { type: 'checkbox', 'aria-label': 'grid', onchange: () => up({ grid: c.gridBox.checked }) });
  c.regionsBox = h('input', { type: 'checkbox', 'aria-label': 'regions', onchange: () => up({ regions: c.regionsBox.checked }) });
  c.regionsLbl = h('label', {}, c.regionsBox, ' decision regions');
  c.boundaryBox = h('input', { type: 'checkbox', 'aria-label': 'decision boundary', onchange: () => up({ boundary: c.boundaryBox.checked }) });
  c.boundaryLbl = h('label', {}, c.boundaryBox, ' boundary');
  c.playBtn = h('button', { type: 'button', class: 'nw-play', 'aria-label': 'play', onclick: () => V.togglePlay() });
  c.epochIn = h('input', { type: 'range', min: '0', step: '1', 'aria-label': 'epoch', oninput: () => up({ epoch: Number(c.epochIn.value) }) });
  c.epochLbl = h('span', { class: 'nw-epoch' });
  c.speedSel = h('select', { 'aria-label': 'speed', onchange: () => up({ speed: Number(c.speedSel.value) }) },
    ...SPEEDS.map((v) => h('option', { value: String(v), text: `${v} epochs/s` })));
  c.morphBtn = h('button', { type: 'button', class: 'nw-play', 'aria-label': 'play morph', onclick: () => V.toggleMorph() });
  c.morphIn = h('input', { type: 'range', min: '0', step: '0.01', 'aria-label': 'morph', oninput: () => up({ morph: Number(c.morphIn.value) }) });
  c.morphLbl = h('span', { class: 'nw-stage' });
  c.tourBtn = h('button', { type: 'button', class: 'nw-play', 'aria-label': 'play tour', onclick: () => V.toggleTour() });
  c.tourIn = h('input', { type: 'range', min: '0', max: String(tour.LENGTH), step: '0.01', 'aria-label': 'tour',
    oninput: () => up({ tour: Number(c.tourIn.value) }) });
  c.tourLbl = h('span', { class: 'nw-stage' });
  c.legend = h('div', { class: 'nw-legend' });
  const label = (text, input) => h('label', {}, input, ` ${text}`);
  c.tourBar = h('div', { class: 'nw-bar nw-tourbar' }, c.tourBtn, h('span', { class: 'nw-name', text: 'tour' }), c.tourIn, c.tourLbl);
  const bars = [
    h('div', { class: 'nw-bar' }, c.title, h('label', {}, 'run ', c.runSel), label('side by side', c.compareBox),
      c.pointsSel, label('grid', c.gridBox), c.regionsLbl, c.boundaryLbl, c.legend),
    h('div', { class: 'nw-bar nw-sticky' }, c.playBtn, h('span', { class: 'nw-name', text: V.P.words.epoch }), c.epochIn, c.epochLbl, c.speedSel),
    h('div', { class: 'nw-bar' }, c.morphBtn, h('span', { class: 'nw-name', text: V.P.words.morph }), c.morphIn, c.morphLbl),
    c.tourBar,
  ];

  /** What depends on the scene only: title, runs, legend. */
  function buildStatic() {
    const { P } = V;
    c.title.textContent = P.spec.title || '';
    c.title.hidden = !P.spec.title;
    c.runSel.replaceChildren(...P.runs.map((r, i) => h('option', { value: String(i), text: r.name })));
    c.regionsLbl.hidden = !P.runs.some((r) => r.is_classifier);
    c.boundaryLbl.hidden = c.regionsLbl.hidden;
    if (P.target) {
      const stops = [0, 64, 128, 192, 255].map((i) => `${colors.VIRIDIS[i]} ${(i / 2.55).toFixed(0)}%`).join(', ');
      c.legend.replaceChildren(h('span', { class: 'nw-key' }, 'target ', fmtv(P.targetRange[0]),
        h('i', { class: 'nw-ramp', style: `background:linear-gradient(to right, ${stops})` }), fmtv(P.targetRange[1])));
      return;
    }
    c.legend.replaceChildren(...P.spec.data.classes.map((name, i) => h('span', { class: 'nw-key' },
      h('i', { style: `background:${colors.PALETTE[i % colors.PALETTE.length]}` }),
      P.runs[0].is_classifier ? fill(P.words.class, { name }) : name)));
  }

  /** Every control to the view state. */
  function sync() {
    const { P, state } = V;
    c.runSel.value = String(state.run);
    c.compareBox.checked = state.compare;
    c.pointsSel.value = state.points;
    c.gridBox.checked = state.grid;
    c.regionsBox.checked = state.regions;
    c.boundaryBox.checked = state.boundary;
    const maxEpoch = state.compare ? Math.max(...P.runs.map((r) => r.n_epochs)) : P.runs[state.run].n_epochs;
    c.epochIn.max = String(maxEpoch);
    c.epochIn.value = String(state.epoch);
    const stored = st.stops(P, state);
    c.epochLbl.textContent = stored ? `${state.epoch} / ${maxEpoch} · ${stored.length} stored epochs` : `${state.epoch} / ${maxEpoch}`;
    c.epochLbl.title = stored ? 'this page stores some epochs only (every early one, then a stride): the slider steps over them' : '';
    if (![...c.speedSel.options].some((o) => Number(o.value) === state.speed)) {
      c.speedSel.append(h('option', { value: String(state.speed), text: `${state.speed} epochs/s` }));
    }
    c.speedSel.value = String(state.speed);
    c.playBtn.textContent = state.playing ? '❚❚' : '▶';
    c.playBtn.setAttribute('aria-pressed', String(state.playing));
    const run = P.runs[state.run];
    c.morphIn.max = String(3 * run.nLayers);
    c.morphIn.value = String(state.morph);
    c.morphBtn.textContent = V.morphPlaying ? '❚❚' : '▶';
    const l = nn.morphLayer(state.morph, run.nLayers);
    const u = state.morph - 3 * l;
    const seg = Math.min(2, Math.floor(u));
    const at = Math.abs(u - Math.round(u)) < 1e-9 ? `at ${P.words.stages[Math.round(u)]}` : P.words.segments[seg];
    c.morphLbl.textContent = `t = ${state.morph.toFixed(2)} · layer ${l + 1} of ${run.nLayers} (${activationName(V.P, run.activations[l])}) · ${at}`;
    // a recording (netwarp.view.recorded) has no grid, regions or morph: off while only recordings show
    const off = (state.compare ? P.runs : [run]).every((x) => x.recorded);
    const why = (P.words.sources || {}).recorded_off || '';
    for (const [el, key] of [[c.gridBox, 'grid'], [c.regionsBox, 'regions'], [c.boundaryBox, 'boundary'],
      [c.morphBtn, 'morph'], [c.morphIn, 'morph']]) {
      el.disabled = off;
      el.title = off ? why : helpOf(V, key);
    }
    if (off) c.morphLbl.textContent = why;
    c.tourBar.hidden = !hasWide(V);
    c.tourIn.value = String(state.tour);
    c.tourBtn.textContent = V.tourPlaying ? '❚❚' : '▶';
    c.tourBtn.setAttribute('aria-pressed', String(V.tourPlaying));
    c.tourLbl.textContent = touring(V)
      ? `tour time ${state.tour.toFixed(2)} · the same rotation at every epoch`
      : `tour time ${state.tour.toFixed(2)} · ▶ puts the wide layers on a Grand Tour`;
  }

  return { bars, buildStatic, sync, els: c };
}
