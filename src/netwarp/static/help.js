// help.js: a short explanation at hand for every control and every figure's number. The
// texts are the scene's (netwarp.view.vocabulary.HELP, shipped as `spec.vocabulary.help`):
// each control gets one as its tooltip; "?" buttons open it in a small note (Escape or a
// second press closes it); the "Help" panel above the view lists them all.

import { h, layerName } from './util.js';

let ids = 0;

/** The explanation of `key` ('' when the scene has none). */
export function helpOf(V, key) {
  const table = V.P.words.help || {};
  return table[key] || '';
}

/** Give element `el` the explanation of `key` as its tooltip (keeping a title it has). */
export function titled(V, el, key) {
  const text = helpOf(V, key);
  if (el && text && !el.title) el.title = text;
  return el;
}

/** The view's one note for "?" buttons: {el, show(button, label, keys), hide()}. */
function notePanel(V) {
  if (V.helpNote) return V.helpNote;
  const el = h('div', { class: 'nw-helpnote', role: 'note', id: `nw-help-${++ids}`, hidden: true });
  let owner = null;
  const hide = () => {
    if (owner) owner.setAttribute('aria-expanded', 'false');
    owner = null;
    el.hidden = true;
  };
  const show = (button, label, keys) => {
    if (owner === button) return hide();
    hide();
    owner = button;
    button.setAttribute('aria-expanded', 'true');
    el.replaceChildren(h('b', { text: label }), ...keys.map((k) => h('p', { text: helpOf(V, k) })));
    el.hidden = false;
    const rb = V.root.getBoundingClientRect();
    const bb = button.getBoundingClientRect();
    const left = Math.max(0, Math.min(bb.left - rb.left, rb.width - 300));
    el.style.left = `${left}px`;
    el.style.top = `${bb.bottom - rb.top + 4}px`;
  };
  V.root.append(el);
  V.root.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Escape' || el.hidden) return;
    const back = owner;
    hide();
    back?.focus();
    ev.stopPropagation();
  });
  V.helpNote = { el, show, hide };
  return V.helpNote;
}

/** A "?" button that opens the explanation of `keys` (one or more) under the title `label`. */
export function helpButton(V, label, ...keys) {
  const known = keys.filter((k) => helpOf(V, k));
  if (!known.length) return null;
  const b = h('button', { type: 'button', class: 'nw-help', 'aria-label': `Help: ${label}`,
    'aria-expanded': 'false', title: helpOf(V, known[0]), text: '?' });
  b.addEventListener('click', () => {
    const note = notePanel(V);
    b.setAttribute('aria-controls', note.el.id);
    note.show(b, label, known);
  });
  return b;
}

/** The "Help" panel: every explanation of the scene, by its label. */
export function glossary(V) {
  const table = V.P.words.help || {};
  const items = Object.entries(table).flatMap(([k, text]) => [h('dt', { text: k.replaceAll('_', ' ') }), h('dd', { text })]);
  return h('details', { class: 'nw-glossary' }, h('summary', { text: 'Help: what the words and numbers mean' }),
    h('dl', {}, ...items));
}

/** Tooltips and "?" buttons on the control bars (`els`: the controls' elements, see controls.js). */
export function helpControls(V, els, bars) {
  const keys = { runSel: 'run', compareBox: 'side_by_side', pointsSel: 'points', gridBox: 'grid', regionsBox: 'regions',
    playBtn: 'play', epochIn: 'epoch', speedSel: 'speed', morphBtn: 'morph', morphIn: 'morph', tourBtn: 'grand_tour',
    tourIn: 'tour_time' };
  for (const [name, key] of Object.entries(keys)) titled(V, els[name], key);
  for (const [el, label, key] of [[els.epochIn, 'epoch', 'epoch'], [els.morphIn, 'morph', 'morph'], [els.tourIn, 'Grand Tour', 'grand_tour']]) {
    const b = helpButton(V, label, key);
    if (b && el) el.before(b);
  }
  titled(V, els.boundaryBox, 'boundary');
  const b = helpButton(V, 'decision regions, boundary and grid', 'regions', 'boundary', 'grid');
  if (b) els.regionsLbl.after(b);
  bars[0].append(glossary(V));
}

/** "?" buttons for a row's panels: the diagnostics under a layer, the projection, the chart. */
export function helpPanels(V, row) {
  const many = V.P.runs.length > 1 ? ` (${V.P.runs[row.r].name})` : '';
  for (const p of row.panels) {
    const cap = p.fig.querySelector('figcaption');
    const what = p.kind === 'morph' ? ['morph'] : p.layer === 0 ? ['input'] : [p.layer === V.P.runs[p.r].nLayers ? 'output' : 'hidden_layer', 'activation'];
    if (p.sel) titled(V, p.sel, 'projection');
    const keys = p.sel ? [...what, 'pca', 'grand_tour'] : what;
    const named = p.kind === 'morph' ? V.P.words.morph : layerName(V.P.words, V.P.runs[p.r], p.layer);
    const b = helpButton(V, `${named}${many}`, ...keys);
    if (b && cap) cap.querySelector('.nw-tools')?.prepend(b);
    if (p.diagEl) {
      const d = helpButton(V, `the numbers under ${named}${many}`, 'homeomorphism', 'determinant', 'readout', 'stretch');
      if (d) {
        const line = h('div', { class: 'nw-diagrow' });
        p.diagEl.replaceWith(line);
        line.append(p.diagEl, d);
      }
    }
  }
  const chartCap = row.chartBox.parentElement.querySelector('figcaption .nw-tools');
  const c = helpButton(V, `training curves${many}`, 'loss', 'accuracy', 'train_test');
  if (c && chartCap) chartCap.prepend(c);
  const net = row.diagram && row.diagram.fig.querySelector('figcaption');
  const n = net && helpButton(V, `the network${many}`, 'diagram', 'edit', 'dead_unit');
  if (n) net.append(n);
}
