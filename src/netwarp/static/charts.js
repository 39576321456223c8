// charts.js: each row's training curves (loss, and accuracy or R²) with the epoch marker,
// and the row's heading.

import * as draw from './draw.js';
import { CHART, PANEL_H, PANEL_W, fmtv, h } from './util.js';

/** The lowest value the score chart shows: 0, or below it for a regressor's negative R². */
function scoreFloor(run) {
  if (run.is_classifier) return 0;
  let lo = 0;
  for (const s of [run.train, run.test]) for (const v of s) if (Number.isFinite(v) && v < lo) lo = v;
  return Math.max(-1, Math.floor(lo * 4) / 4);
}

/** The training panel of a row at epoch e (redrawn when e changes). */
export function drawChart(V, row, e) {
  const run = V.P.runs[row.r];
  const sig = `${e}`;
  if (row.chartSig === sig) return;
  row.chartSig = sig;
  const ctx = draw.sizeCanvas(row.chart, PANEL_W, PANEL_H, V.dpr);
  ctx.clearRect(0, 0, PANEL_W, PANEL_H);
  let hi = 0;
  for (const v of run.loss) if (Number.isFinite(v) && v > hi) hi = v;
  draw.lineChart(ctx, CHART, [{ values: run.loss, color: '#333' }], {
    lo: 0, hi: hi || 1, at: e, xMax: run.n_epochs, title: `loss ${fmtv(run.loss[e])}`,
  });
  const acc = { ...CHART, y: CHART.y + 98 };
  const score = run.is_classifier ? 'accuracy' : 'R²';
  draw.lineChart(ctx, acc, [
    // greys, so the curves are not mistaken for classes
    { values: run.train, color: '#222', label: `train ${fmtv(run.train[e])}` },
    { values: run.test, color: '#888', dash: [4, 3], label: `test ${fmtv(run.test[e])}` },
  ], { lo: scoreFloor(run), hi: 1, at: e, xMax: run.n_epochs, title: score });
  ctx.fillStyle = '#666';
  ctx.font = '10px system-ui, sans-serif';
  ctx.textAlign = 'left';
  ctx.fillText(`epoch ${e} of ${run.n_epochs}`, CHART.x, PANEL_H - 4);
  V.hook.charts[row.r] = { epoch: e, score, train: run.train[e], test: run.test[e], loss: run.loss[e] };
}

/** Move to the epoch under the pointer on a training chart. */
export function chartSeek(V, ev, canvas, run) {
  const box = canvas.getBoundingClientRect();
  const x = (ev.clientX - box.left - CHART.x) / CHART.w;
  V.update({ epoch: Math.round(Math.max(0, Math.min(1, x)) * run.n_epochs) });
}

/** The row's heading: run name, widths, activations, epoch, why training stopped. */
export function drawHead(V, row, e) {
  const run = V.P.runs[row.r];
  const sig = `${e}`;
  if (row.headSig === sig) return;
  row.headSig = sig;
  const note = e < V.state.epoch ? ` (training stopped at epoch ${run.n_epochs})` : '';
  row.head.replaceChildren(
    h('b', { text: run.name }),
    ` · ${run.layer_sizes.join('–')} · ${run.activations.join(', ')} · epoch ${e}${note}`,
    run.stop_reason ? h('span', { class: 'nw-stop', text: ` · stopped: ${run.stop_reason}` }) : '',
  );
}
