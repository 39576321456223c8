// inpage.js: which runs the web app trains in the page, and how. A small run of a built-in
// dataset trains here (netwarp's renderer carries the trainer: static/trainer_ui.js): the server
// only generates its points (POST /api/page-scene, the same points a server run trains on).
// Uploads and large runs train on the server as before.
//
// "Small" comes from the settings table's caps (the most the web app accepts): at most a fifth
// of the cap on points and on epochs, and hidden layers at most half the cap on width.

/** Share of a cap below which the page trains a run itself. */
const POINTS_SHARE = 0.2;
const EPOCHS_SHARE = 0.2;
const WIDTH_SHARE = 0.5;

/** Whether the page trains run `cfg` (the form's settings) itself; `table` is GET /api/spec's. */
export function inPage(cfg, table) {
  const cap = (name) => {
    const s = table.settings.find((x) => x.name === name);
    return s ? s.cap ?? s.hi : 0;
  };
  const ds = table.datasets && table.datasets[cfg.dataset];
  if (!ds || String(cfg.dataset).startsWith('upload-') || cfg.task === 'regression') return false;
  const n = cfg.n ?? ds.n;
  const widths = cfg.hidden || [];
  return n <= POINTS_SHARE * cap('n') && cfg.max_iter <= EPOCHS_SHARE * cap('max_iter')
    && widths.length > 0 && Math.max(...widths) <= WIDTH_SHARE * cap('hidden');
}

/**
 * Train `cfg` in the page: fetch its scene (`request(bytes)` posts the body), mount it with
 * `mount(model)` and press the view's Play. Returns the view's test hook.
 */
export async function trainInPage(mod, payload, request, mount, el) {
  const response = await request('/api/page-scene', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payload),
  });
  mount(mod, mod.createLocalModel(new Uint8Array(await response.arrayBuffer())), 'page');
  const hook = el.__netwarp;
  if (hook && hook.trainer) hook.trainer.play();
  return hook;
}
