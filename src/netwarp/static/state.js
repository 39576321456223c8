// state.js: the one table of view state, and its two homes: model traits and the URL hash.
//
// Every field has a type, a default, an optional model trait (synced with Python in
// Jupyter) and a short key in the URL hash (used by the HTML file and the web app).
// No DOM here except `bindHash`, which is given the window to work on.

import { LENGTH as TOUR_LENGTH } from './tour.js';

/** name -> {type, def, trait?, key} */
export const FIELDS = {
  epoch: { type: 'int', def: -1, trait: 'epoch', key: 'e' }, // -1: the last epoch
  run: { type: 'int', def: 0, trait: 'run', key: 'r' },
  morph: { type: 'float', def: 0, trait: 'morph', key: 'm' },
  compare: { type: 'bool', def: false, trait: 'compare', key: 'c' },
  points: { type: 'enum', values: ['all', 'train', 'test'], def: 'all', key: 'pts' },
  grid: { type: 'bool', def: true, key: 'g' },
  regions: { type: 'bool', def: true, key: 'rg' },
  boundary: { type: 'bool', def: true, key: 'bd' }, // the decision boundary (boundary.js)
  speed: { type: 'float', def: 30, key: 'sp' }, // epochs per second while playing
  yaw: { type: 'float', def: 0.6, key: 'yw' },
  pitch: { type: 'float', def: 0.45, key: 'pt' },
  proj: { type: 'map', def: {}, key: 'p' }, // "run.layer" -> "pca3" | "pca2" | "tour3" | "tour2" | "u0.3.5"
  tour: { type: 'float', def: 0, key: 'tt' }, // Grand Tour time in [0, tour.js's LENGTH]
  playing: { type: 'bool', def: false }, // not persisted
};

/** Trait names synced with a Jupyter model. */
export const TRAITS = Object.keys(FIELDS).filter((k) => FIELDS[k].trait);

function parseValue(field, raw) {
  switch (field.type) {
    case 'int': {
      const v = Number.parseInt(raw, 10);
      return Number.isFinite(v) ? v : undefined;
    }
    case 'float': {
      const v = Number.parseFloat(raw);
      return Number.isFinite(v) ? v : undefined;
    }
    case 'bool':
      return raw === '1' || raw === 'true';
    case 'enum':
      return field.values.includes(raw) ? raw : undefined;
    case 'map': {
      const out = {};
      for (const part of raw.split(',')) {
        const [k, v] = part.split('-');
        if (k && v && /^\d+\.\d+$/.test(k) && /^(pca[23]|tour[23]|u\d+(\.\d+){1,2})$/.test(v)) out[k] = v;
      }
      return out;
    }
    default:
      return undefined;
  }
}

function formatValue(field, v) {
  switch (field.type) {
    case 'bool':
      return v ? '1' : '0';
    case 'float':
      return String(Math.round(v * 1000) / 1000);
    case 'map':
      return Object.entries(v).map(([k, x]) => `${k}-${x}`).join(',');
    default:
      return String(v);
  }
}

/** Default state, overridden by the scene's `view` and then by `initial`. */
export function defaults(spec, initial = {}) {
  const s = {};
  for (const [k, f] of Object.entries(FIELDS)) s[k] = f.type === 'map' ? { ...f.def } : f.def;
  return Object.assign(s, spec.view || {}, initial);
}

/** Partial state from a URL hash like "#e=120&r=1&m=2.5". Unknown keys are ignored. */
export function parseHash(hash) {
  const out = {};
  const text = (hash || '').replace(/^#/, '');
  if (!text) return out;
  const byKey = Object.fromEntries(Object.entries(FIELDS).filter(([, f]) => f.key).map(([k, f]) => [f.key, k]));
  for (const part of text.split('&')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const name = byKey[decodeURIComponent(part.slice(0, i))];
    if (!name) continue;
    const v = parseValue(FIELDS[name], decodeURIComponent(part.slice(i + 1)));
    if (v !== undefined) out[name] = v;
  }
  return out;
}

/** Fields the hash always names (the epoch shown: a link must not change when training goes on). */
const ALWAYS = ['epoch'];

/** A URL hash (without '#') holding the epoch and the fields of `state` that differ from `base`. */
export function toHash(state, base = {}) {
  const parts = [];
  for (const [k, f] of Object.entries(FIELDS)) {
    if (!f.key || state[k] === undefined) continue;
    const text = formatValue(f, state[k]);
    if (!ALWAYS.includes(k) && base[k] !== undefined && formatValue(f, base[k]) === text) continue;
    parts.push(`${f.key}=${encodeURIComponent(text)}`);
  }
  return parts.join('&');
}

/** The last epoch the view can show in state `s` (the shown run's, or the longest run's side by side). */
export function maxEpoch(P, s) {
  const { runs } = P;
  const r = Math.max(0, Math.min(runs.length - 1, Math.trunc(s.run) || 0));
  return s.compare ? Math.max(...runs.map((x) => x.n_epochs)) : runs[r].n_epochs;
}

/**
 * The epochs the view can show in state `s` when a shown run stores only some (a page's size
 * budget: run.epochs), ascending; null when every epoch is stored.
 */
export function stops(P, s) {
  const shown = s.compare ? P.runs : [P.runs[Math.max(0, Math.min(P.runs.length - 1, Math.trunc(s.run) || 0))]];
  if (!shown.some((r) => r.epochs)) return null;
  const all = new Set();
  for (const r of shown) {
    if (r.epochs) r.epochs.forEach((e) => all.add(e));
    else for (let e = 0; e <= r.n_epochs; e++) all.add(e);
  }
  return [...all].sort((a, b) => a - b);
}

/** The epoch `n` steps from state `s`'s (n < 0: back), over the stored epochs only when some are. */
export function stepEpoch(P, s, n) {
  const st = stops(P, s);
  if (!st) return Math.max(0, s.epoch + n);
  let i = 0;
  while (i + 1 < st.length && st[i + 1] <= s.epoch) i++;
  return st[Math.max(0, Math.min(st.length - 1, i + n))];
}

/** Clamp a state to what the view's data `P` ({runs}) holds (run index, epoch, morph range). */
export function clamp(state, P) {
  const s = { ...state };
  const { runs } = P;
  s.run = Math.max(0, Math.min(runs.length - 1, Math.trunc(s.run) || 0));
  const maxEpoch = s.compare ? Math.max(...runs.map((r) => r.n_epochs)) : runs[s.run].n_epochs;
  if (!Number.isFinite(s.epoch) || s.epoch < 0) s.epoch = maxEpoch;
  s.epoch = Math.max(0, Math.min(maxEpoch, Math.trunc(s.epoch)));
  const st = stops(P, s);
  if (st) s.epoch = st.reduce((best, e) => (Math.abs(e - s.epoch) < Math.abs(best - s.epoch) ? e : best), st[0]);
  const maxMorph = 3 * (runs[s.run].layer_sizes.length - 1);
  s.morph = Math.max(0, Math.min(maxMorph, Number(s.morph) || 0));
  s.speed = Math.max(0.5, Math.min(1000, Number(s.speed) || FIELDS.speed.def));
  s.tour = Math.max(0, Math.min(TOUR_LENGTH, Number(s.tour) || 0));
  if (!FIELDS.points.values.includes(s.points)) s.points = 'all';
  return s;
}

/** The state's trait values as the model holds them. */
export function fromModel(model) {
  const out = {};
  for (const k of TRAITS) {
    const v = model.get(FIELDS[k].trait);
    if (v !== undefined && v !== null) out[k] = v;
  }
  return out;
}

/** Write the trait fields in `changes` to the model and save; returns true if any changed. */
export function toModel(model, changes) {
  let any = false;
  for (const k of TRAITS) {
    if (!(k in changes)) continue;
    const name = FIELDS[k].trait;
    if (model.get(name) === changes[k]) continue;
    model.set(name, changes[k]);
    any = true;
  }
  if (any) model.save_changes();
  return any;
}

/**
 * Keep `win.location.hash` and the view in step: returns {initial, write(state, base), stop()}.
 * Writes use history.replaceState (so scrubbing does not flood the history), at most one
 * per `every` ms with the latest state last.
 */
export function bindHash(win, onChange, every = 150) {
  const initial = parseHash(win.location.hash);
  let last = win.location.hash.replace(/^#/, '');
  let timer = 0;
  let pending = null;
  const listener = () => {
    const now = win.location.hash.replace(/^#/, '');
    if (now === last) return;
    last = now;
    onChange(parseHash(now));
  };
  const flush = () => {
    timer = 0;
    if (pending === null || pending === last) return;
    last = pending;
    try {
      win.history.replaceState(null, '', last ? `#${last}` : win.location.pathname + win.location.search);
    } catch {
      // some hosts (sandboxed iframes, about:srcdoc) forbid it; the view still works
    }
  };
  win.addEventListener('hashchange', listener);
  return {
    initial,
    write(state, base) {
      pending = toHash(state, base);
      if (!timer) timer = win.setTimeout(flush, every);
    },
    stop() {
      win.clearTimeout(timer);
      flush();
      win.removeEventListener('hashchange', listener);
    },
  };
}
