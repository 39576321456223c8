// help.js: the app's explanations at hand. The texts are netwarp's one table
// (netwarp.view.vocabulary.HELP, in GET /api/spec as `help`), the same the view shows:
// each labelled field and header number gets its text as a tooltip, and each group a "?"
// button that opens a note with the explanations of its words (Escape closes it).

const $ = (id) => document.getElementById(id);

/** Field id (or header number id) -> the explanation's key. */
const FIELDS = {
  dataset: 'dataset', n: 'n_points', noise: 'noise', hidden: 'hidden_layers', activation: 'activation',
  learning_rate_init: 'learning_rate', batch_size: 'batch_size', alpha: 'alpha', max_iter: 'epoch',
  epoch: 'epoch', loss: 'loss', acc: 'accuracy',
};

/** The "?" buttons: where each goes (a selector), its label and the keys it explains. */
const GROUPS = [
  ['#config fieldset:nth-of-type(1) legend', 'the data', ['dataset', 'noise', 'n_points', 'train_test']],
  ['#config fieldset:nth-of-type(2) legend', 'the network', ['hidden_layer', 'hidden_layers', 'activation']],
  ['#config fieldset:nth-of-type(3) legend', 'training', ['epoch', 'learning_rate', 'batch_size', 'alpha']],
  ['.counters', 'epoch, loss and accuracy', ['epoch', 'loss', 'accuracy', 'train_test']],
];

function note() {
  let el = $('help-note');
  if (el) return el;
  el = Object.assign(document.createElement('div'), { id: 'help-note', className: 'help-note', hidden: true });
  el.setAttribute('role', 'note');
  document.body.append(el);
  document.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Escape' || el.hidden) return;
    el.hidden = true;
    document.querySelector('[aria-controls="help-note"][aria-expanded="true"]')?.setAttribute('aria-expanded', 'false');
  });
  return el;
}

function open(button, label, texts) {
  const el = note();
  const was = button.getAttribute('aria-expanded') === 'true';
  document.querySelectorAll('[aria-controls="help-note"]').forEach((b) => b.setAttribute('aria-expanded', 'false'));
  el.hidden = was;
  if (was) return;
  const title = Object.assign(document.createElement('b'), { textContent: label });
  el.replaceChildren(title, ...texts.map((t) => Object.assign(document.createElement('p'), { textContent: t })));
  const box = button.getBoundingClientRect();
  el.style.left = `${Math.max(4, Math.min(box.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - 320))}px`;
  el.style.top = `${box.bottom + window.scrollY + 4}px`;
  button.setAttribute('aria-expanded', 'true');
}

/** Tooltips and "?" buttons from the explanations table `help` ({key: text}). */
export function applyHelp(help) {
  for (const [id, key] of Object.entries(FIELDS)) {
    const el = $(id);
    const label = el && (el.closest('label') || el.parentElement.querySelector('.label'));
    if (label && help[key]) label.title = help[key];
  }
  for (const [selector, label, keys] of GROUPS) {
    const at = document.querySelector(selector);
    const texts = keys.map((k) => help[k]).filter(Boolean);
    if (!at || !texts.length) continue;
    const b = Object.assign(document.createElement('button'), { type: 'button', className: 'help', textContent: '?' });
    b.setAttribute('aria-label', `Help: ${label}`);
    b.setAttribute('aria-expanded', 'false');
    b.setAttribute('aria-controls', 'help-note');
    b.title = texts[0];
    b.addEventListener('click', () => open(b, label, texts));
    at.append(b);
  }
}
