// hover.js: the point under the cursor, ringed in every panel of its run, with its values
// at every layer in a tooltip.

import * as draw from './draw.js';
import { fill, fmtv, layerName } from './util.js';

/** Hover the point nearest to the pointer in panel p (within 8 px), or none. */
export function pointAt(V, p, ev) {
  if (!p.sx) return;
  const box = p.overlay.getBoundingClientRect();
  const x = ev.clientX - box.left;
  const y = ev.clientY - box.top;
  const i = draw.nearest(p.sx, p.sy, V.P.n, x, y, 8, V.P.masks[V.state.points]);
  setHover(V, i < 0 ? null : { r: p.r, i, x: ev.clientX, y: ev.clientY });
}

export function setHover(V, next) {
  if (!next && !V.hover) return;
  V.hover = next;
  drawHover(V);
}

function ring(ctx, x, y) {
  ctx.lineWidth = 2;
  ctx.strokeStyle = '#fff';
  ctx.beginPath();
  ctx.arc(x, y, 6, 0, 2 * Math.PI);
  ctx.stroke();
  ctx.lineWidth = 1.2;
  ctx.strokeStyle = '#000';
  ctx.stroke();
}

/** The tooltip's lines for point i of run r (values from the computed epoch `c`). */
function tipLines(V, r, i, c) {
  const { P } = V;
  const run = P.runs[r];
  const what = P.target ? `target ${fmtv(P.target[i])}` : fill(P.words.class, { name: P.spec.data.classes[P.y[i]] });
  const lines = [`point ${i} · ${what} · ${P.spec.data.split_names[P.split[i]]}`];
  for (let l = 0; l <= run.nLayers; l++) {
    const w = run.layer_sizes[l];
    const v = c.values[l];
    const shown = [];
    for (let j = 0; j < Math.min(w, 6); j++) shown.push(fmtv(v[i * w + j]));
    if (w > 6) shown.push('…');
    const act = l === 0 ? '' : ` (${run.activations[l - 1]})`;
    lines.push(`${layerName(P.words, run, l)}${act}: ${shown.join(', ')}`);
  }
  return lines;
}

/** Redraw the rings and the tooltip for the hovered point (or clear them). */
export function drawHover(V) {
  const { hover, tip, hook } = V;
  for (const row of V.rows) {
    for (const p of row.panels) {
      p.octx.clearRect(0, 0, p.W, p.H);
      if (!hover || hover.r !== row.r || !p.sx) continue;
      const x = p.sx[hover.i];
      const y = p.sy[hover.i];
      if (x === x) ring(p.octx, x, y);
    }
  }
  if (!hover) {
    tip.hidden = true;
    hook.hover = null;
    return;
  }
  const c = V.cache[hover.r];
  if (!c || !c.values) return;
  tip.textContent = tipLines(V, hover.r, hover.i, c).join('\n');
  tip.hidden = false;
  const rb = V.root.getBoundingClientRect();
  tip.style.left = `${hover.x - rb.left + 14}px`;
  tip.style.top = `${hover.y - rb.top + 14}px`;
  hook.hover = { run: hover.r, index: hover.i, text: tip.textContent };
}
