// config.js: a run's configuration between the form, the URL query and the API's JSON.
// Only what differs from the defaults goes into the URL, so links stay short.

const $ = (id) => document.getElementById(id);

export const DEFAULTS = {
  dataset: 'interval1d', n: null, noise: null, data_seed: 0, hidden: [2], activation: 'tanh', solver: 'sgd',
  learning_rate_init: 0.02, batch_size: 'auto', alpha: 0.0001, max_iter: 1500, early_stop: true, random_state: 1,
};
const INTS = ['n', 'data_seed', 'max_iter', 'random_state'];
const FLOATS = ['noise', 'learning_rate_init', 'alpha'];

export function readForm() {
  const cfg = { dataset: $('dataset').value };
  for (const k of INTS) {
    const raw = $(k).value.trim();
    cfg[k] = raw === '' ? DEFAULTS[k] : Number(raw);
  }
  for (const k of FLOATS) {
    const raw = $(k).value.trim();
    cfg[k] = raw === '' ? DEFAULTS[k] : Number(raw);
  }
  const hidden = $('hidden').value.split(',').map((s) => s.trim()).filter(Boolean);
  cfg.hidden = hidden.map(Number);
  if (!cfg.hidden.length || cfg.hidden.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new Error('hidden layers: give positive whole widths separated by commas, e.g. 8,8');
  }
  cfg.activation = $('activation').value;
  cfg.solver = $('solver').value;
  const batch = $('batch_size').value.trim().toLowerCase();
  cfg.batch_size = batch === '' || batch === 'auto' ? 'auto' : Number(batch);
  cfg.early_stop = $('early_stop').checked;
  for (const k of [...INTS, ...FLOATS]) {
    if (cfg[k] !== null && !Number.isFinite(cfg[k])) throw new Error(`${k}: not a number`);
  }
  if (cfg.batch_size !== 'auto' && !Number.isInteger(cfg.batch_size)) throw new Error('batch size: a whole number or auto');
  return cfg;
}

export function writeForm(cfg) {
  if ([...$('dataset').options].some((o) => o.value === cfg.dataset)) $('dataset').value = cfg.dataset;
  for (const k of [...INTS, ...FLOATS]) $(k).value = cfg[k] === null || cfg[k] === undefined ? '' : String(cfg[k]);
  $('hidden').value = cfg.hidden.join(',');
  $('activation').value = cfg.activation;
  $('solver').value = cfg.solver;
  $('batch_size').value = String(cfg.batch_size);
  $('early_stop').checked = Boolean(cfg.early_stop);
}

/** The configuration as URL query text (only what differs from the defaults). */
export function toQuery(cfg) {
  const params = new URLSearchParams();
  for (const [k, def] of Object.entries(DEFAULTS)) {
    const v = cfg[k];
    const text = Array.isArray(v) ? v.join(',') : v === null ? '' : String(v);
    const base = Array.isArray(def) ? def.join(',') : def === null ? '' : String(def);
    if (text !== base) params.set(k, k === 'early_stop' ? (v ? '1' : '0') : text);
  }
  return params;
}

export function fromQuery(params) {
  const cfg = { ...DEFAULTS, hidden: [...DEFAULTS.hidden] };
  for (const k of Object.keys(DEFAULTS)) {
    if (!params.has(k)) continue;
    const raw = params.get(k);
    if (k === 'hidden') cfg.hidden = raw.split(',').map(Number).filter((v) => Number.isInteger(v) && v > 0);
    else if (k === 'early_stop') cfg.early_stop = raw === '1' || raw === 'true';
    else if (INTS.includes(k) || FLOATS.includes(k)) cfg[k] = raw === '' ? null : Number(raw);
    else if (k === 'batch_size') cfg.batch_size = raw === 'auto' ? 'auto' : Number(raw);
    else cfg[k] = raw;
  }
  if (!cfg.hidden.length) cfg.hidden = [...DEFAULTS.hidden];
  return cfg;
}

export function syncUrl() {
  let cfg;
  try {
    cfg = readForm();
  } catch {
    return;
  }
  const q = toQuery(cfg).toString();
  window.history.replaceState(null, '', window.location.pathname + (q ? `?${q}` : '') + window.location.hash);
}
