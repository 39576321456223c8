// charts.js: each row's training curves (loss, and accuracy or R²) with the epoch marker,
// and the row's heading.

import * as draw from './draw.js';
import { chartRects } from './layout.js';
import { sourceWord } from './recorded.js';
import { activationName, fmtv, h } from './util.js';

const INK = '#444';
const FAINT = '#ddd';

/**
 * A small line chart: `series` [{values, color, label, dash}], x = index 0..len-1, y range
 * [lo, hi]; a vertical marker at `at` with each series' value there.
 */
function lineChart(ctx, rect, series, { lo, hi, at, title, xMax }) {
  ctx.save();
  ctx.clearRect(rect.x - 40, rect.y - 16, rect.w + 48, rect.h + 30);
  ctx.strokeStyle = FAINT;
  ctx.strokeRect(rect.x + 0.5, rect.y + 0.5, rect.w - 1, rect.h - 1);
  // one epoch only (a model fitted elsewhere): its values sit mid-chart, as dots
  const X = (i) => (xMax > 0 ? rect.x + (i / xMax) * rect.w : rect.x + rect.w / 2);
  const Y = (v) => rect.y + rect.h - ((v - lo) / (hi - lo || 1)) * rect.h;
  ctx.font = '10px system-ui, sans-serif';
  ctx.fillStyle = INK;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'right';
  for (const v of [lo, hi]) ctx.fillText(draw.fmt(v), rect.x - 3, Y(v));
  ctx.textAlign = 'left';
  ctx.textBaseline = 'bottom';
  ctx.fillText(title, rect.x, rect.y - 2);
  ctx.beginPath();
  ctx.rect(rect.x, rect.y - 1, rect.w, rect.h + 2);
  ctx.clip();
  for (const s of series) {
    ctx.beginPath();
    let pen = false;
    const step = Math.max(1, Math.floor(s.values.length / (rect.w * 2)));
    for (let i = 0; i < s.values.length; i += step) {
      const v = s.values[i];
      if (!Number.isFinite(v)) {
        pen = false;
        continue;
      }
      if (pen) ctx.lineTo(X(i), Y(v));
      else ctx.moveTo(X(i), Y(v));
      pen = true;
    }
    ctx.strokeStyle = s.color;
    ctx.setLineDash(s.dash || []);
    ctx.lineWidth = 1.5;
    ctx.stroke();
    if (s.values.length === 1 && Number.isFinite(s.values[0])) {
      ctx.fillStyle = s.color;
      ctx.beginPath();
      ctx.arc(X(0), Y(s.values[0]), 3, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
  ctx.setLineDash([]);
  // legend: a line sample and label per series, right-aligned below the plot
  let lx = rect.x + rect.w;
  const ly = rect.y + rect.h + 13;
  ctx.restore();
  ctx.save();
  ctx.font = '10px system-ui, sans-serif';
  ctx.textAlign = 'right';
  ctx.textBaseline = 'bottom';
  for (const s of [...series].reverse()) {
    if (!s.label) continue;
    ctx.fillStyle = INK;
    ctx.fillText(s.label, lx, ly);
    lx -= ctx.measureText(s.label).width + 3;
    ctx.beginPath();
    ctx.setLineDash(s.dash || []);
    ctx.moveTo(lx - 14, ly - 4);
    ctx.lineTo(lx, ly - 4);
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 1.5;
    ctx.stroke();
    ctx.setLineDash([]);
    lx -= 22;
  }
  ctx.beginPath();
  ctx.rect(rect.x, rect.y - 1, rect.w, rect.h + 2);
  ctx.clip();
  if (at != null) {
    ctx.strokeStyle = '#c00';
    ctx.beginPath();
    ctx.moveTo(Math.round(X(at)) + 0.5, rect.y);
    ctx.lineTo(Math.round(X(at)) + 0.5, rect.y + rect.h);
    ctx.stroke();
  }
  ctx.restore();
}

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
  const { W, H } = row.chartT;
  const sig = `${e}|${W}x${H}|${V.dpr}`;
  if (row.chartSig === sig) return;
  row.chartSig = sig;
  const ctx = draw.sizeCanvas(row.chart, W, H, V.dpr);
  ctx.clearRect(0, 0, W, H);
  const { loss: CHART, score: acc } = chartRects(W, H);
  const M = V.P.words.metrics;
  let hi = 0;
  for (const v of run.loss) if (Number.isFinite(v) && v > hi) hi = v;
  lineChart(ctx, CHART, [{ values: run.loss, color: '#333' }], {
    lo: 0, hi: hi || 1, at: e, xMax: run.n_epochs, title: `${M.loss} ${fmtv(run.loss[e])}`,
  });
  const score = run.is_classifier ? M.accuracy : M.r2;
  lineChart(ctx, acc, [
    // greys, so the curves are not mistaken for classes
    { values: run.train, color: '#222', label: `${M.train} ${fmtv(run.train[e])}` },
    { values: run.test, color: '#888', dash: [4, 3], label: `${M.test} ${fmtv(run.test[e])}` },
  ], { lo: scoreFloor(run), hi: 1, at: e, xMax: run.n_epochs, title: score });
  if (run.marks && run.marks.length) drawMarks(ctx, acc, V.P, run);
  ctx.fillStyle = '#666';
  ctx.font = '10px system-ui, sans-serif';
  ctx.textAlign = 'left';
  ctx.fillText(`${V.P.words.epoch} ${e} of ${run.n_epochs}`, CHART.x, H - 4);
  V.hook.charts[row.r] = { epoch: e, score, train: run.train[e], test: run.test[e], loss: run.loss[e], marks: run.marks || [] };
}

/** The run's marked moments (e.g. when each class separates) as ticks in the class's colour on
 * the score chart's top edge, labelled, stacked where they share an epoch. */
function drawMarks(ctx, rect, P, run) {
  const X = (i) => rect.x + (run.n_epochs > 0 ? i / run.n_epochs : 0.5) * rect.w;
  const seen = new Map();
  ctx.save();
  ctx.font = '9px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const m of run.marks) {
    const k = P.spec.data.classes.indexOf(m.label);
    const [r, g, b] = k >= 0 ? P.classRGB[k % P.classRGB.length] : [80, 80, 80];
    const n = seen.get(m.epoch) || 0;
    seen.set(m.epoch, n + 1);
    const x = Math.round(X(m.epoch)) + 0.5;
    ctx.fillStyle = `rgb(${r},${g},${b})`;
    ctx.fillRect(x - 1, rect.y, 2, 6);
    ctx.fillText(m.label, x, rect.y + 7 + 9 * n);
  }
  ctx.restore();
}

/** Move to the epoch under the pointer on a training chart. */
export function chartSeek(V, ev, canvas, run) {
  const box = canvas.getBoundingClientRect();
  const CHART = chartRects(box.width, box.height).loss;
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
    ` · ${run.layer_sizes.join('–')} · ${run.recorded ? run.layer_names.slice(1).join(', ') : run.activations.map((a) => activationName(V.P, a)).join(', ')}`,
    h('span', { class: 'nw-source', text: ` · ${sourceWord(V.P, run)}` }),
    ` · epoch ${e}${note}`,
    run.stop_reason ? h('span', { class: 'nw-stop', text: ` · stopped: ${run.stop_reason}` }) : '',
  );
}
