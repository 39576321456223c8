// layout.js: panels that follow their container. Each panel's canvases take the CSS size
// of its box (`.nw-stack`, sized by view.css: fluid in a grid, larger when enlarged, the
// whole screen when full-screen), at the device pixel ratio, so they stay crisp; a
// ResizeObserver redraws a panel whenever its box changes. Every panel (and the training
// chart) gets an "Enlarge" toggle and a "Full screen" button (the Fullscreen API, or a
// fixed overlay where it is missing or refused); Escape returns.

import * as draw from './draw.js';
import { PANEL_H, PANEL_W, h } from './util.js';

/** Smallest box a panel is drawn at (CSS px); a box not laid out yet keeps the default size. */
const MIN_W = 120;
const MIN_H = 110;

/** The device pixel ratio the canvases are drawn at (at most 2). */
export function pixelRatio() {
  return Math.min(2, (typeof window !== 'undefined' && window.devicePixelRatio) || 1);
}

/** The 2-D plot area of a W x H panel (room for tick labels on the left and below). */
export function plotRect(W, H) {
  return { x: 42, y: 8, w: Math.max(20, W - 52), h: Math.max(20, H - 54) };
}

/** The loss chart of a W x H training panel; the score chart sits `gap` px below it. */
export function chartRects(W, H) {
  const hh = Math.max(30, Math.round((H - 84) / 2));
  const loss = { x: 40, y: 22, w: Math.max(40, W - 52), h: hh };
  return { loss, score: { ...loss, y: loss.y + hh + 28 } };
}

/** Size target `t` ({canvas, overlay?, W, H, ...}) to the CSS box of `box`; true if it changed. */
export function fit(V, t, box) {
  const W = Math.round(box.clientWidth);
  const H = Math.round(box.clientHeight);
  const dpr = pixelRatio();
  const size = W >= MIN_W && H >= MIN_H ? [W, H] : [t.W || PANEL_W, t.H || PANEL_H];
  if (t.W === size[0] && t.H === size[1] && V.dpr === dpr && t.dpr === dpr) return false;
  V.dpr = dpr;
  t.dpr = dpr;
  [t.W, t.H] = size;
  if (t.canvas) t.ctx = draw.sizeCanvas(t.canvas, t.W, t.H, dpr);
  if (t.overlay) t.octx = draw.sizeCanvas(t.overlay, t.W, t.H, dpr);
  if (t.px) t.px = draw.createPixels(Math.round(t.W * dpr), Math.round(t.H * dpr));
  t.sig = '';
  t.pointsKey = null;
  t.chartSig = '';
  return true;
}

/** Icon paths (16 x 16): arrows out of a box (enlarge), a framed screen (full screen). */
const ICONS = {
  big: 'M9 2h5v5M14 2l-5 5M7 14H2V9M2 14l5-5',
  full: 'M2 6V2h4M10 2h4v4M14 10v4h-4M6 14H2v-4',
};

/** A small stroked icon (decorative: the button carries the name). */
function icon(d) {
  const span = h('span', { class: 'nw-icon', 'aria-hidden': 'true' });
  // static markup (the HTML parser puts <svg> in its namespace; no URL in the page)
  span.innerHTML = `<svg viewBox="0 0 16 16" width="12" height="12"><path d="${d}" fill="none" stroke="currentColor" stroke-width="1.6"/></svg>`;
  return span;
}

/** Exit the browser's full screen (if a panel holds it) and the overlay fallback. */
function leaveFull(fig) {
  if (typeof document !== 'undefined' && document.fullscreenElement === fig) document.exitFullscreen?.();
  fig.classList.remove('nw-full');
}

/**
 * "Enlarge" and "Full screen" buttons for figure `fig` named `name` (e.g. 'hidden layer 1'),
 * appended to its caption `caption`. `onChange()` runs after either changes the figure.
 */
export function tools(fig, caption, name, onChange) {
  const big = h('button', { type: 'button', class: 'nw-tool', 'aria-pressed': 'false',
    'aria-label': `Enlarge ${name}`, title: `Enlarge ${name} (Escape returns)` }, icon(ICONS.big));
  const full = h('button', { type: 'button', class: 'nw-tool', 'aria-label': `Full screen ${name}`,
    title: `Show ${name} on the whole screen (Escape returns)` }, icon(ICONS.full));
  const setBig = (on) => {
    fig.classList.toggle('nw-big', on);
    big.setAttribute('aria-pressed', String(on));
    big.title = on ? `Back to the usual size (Escape)` : `Enlarge ${name} (Escape returns)`;
    onChange();
  };
  big.addEventListener('click', () => setBig(!fig.classList.contains('nw-big')));
  full.addEventListener('click', async () => {
    if (document.fullscreenElement === fig || fig.classList.contains('nw-full')) {
      leaveFull(fig);
      onChange();
      return;
    }
    try {
      if (!fig.requestFullscreen) throw new Error('no Fullscreen API');
      await fig.requestFullscreen();
    } catch {
      fig.classList.add('nw-full'); // the fallback: a fixed overlay over the page
    }
    full.focus();
    onChange();
  });
  fig.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Escape') return;
    if (fig.classList.contains('nw-full')) leaveFull(fig);
    else if (fig.classList.contains('nw-big')) setBig(false);
    else return;
    ev.stopPropagation();
    onChange();
  });
  fig.addEventListener('fullscreenchange', onChange);
  caption.append(h('span', { class: 'nw-tools' }, big, full));
  fig.classList.add('nw-tooled');
  if (!fig.hasAttribute('aria-label')) fig.setAttribute('aria-label', name);
  return { big, full };
}

/**
 * Watch the boxes of every panel and chart of the view's rows (and each row's `fits`, any
 * other figure drawn on a canvas: {box, canvas, W, H}): a box that changes size resizes its
 * canvases and redraws. Returns {observe(rows), fitAll(), stop()}.
 */
export function createResizer(V) {
  const targets = new Map(); // box element -> target
  const fitAll = () => {
    let changed = false;
    for (const [box, t] of targets) changed = fit(V, t, box) || changed;
    if (changed) V.schedule();
    return changed;
  };
  const ro = typeof ResizeObserver !== 'undefined' ? new ResizeObserver(() => fitAll()) : null;
  const onWindow = () => fitAll(); // a zoom can change the pixel ratio alone
  if (typeof window !== 'undefined') window.addEventListener('resize', onWindow);
  return {
    observe(rows) {
      if (ro) ro.disconnect();
      targets.clear();
      for (const row of rows) {
        for (const p of row.panels) targets.set(p.box, p);
        targets.set(row.chartBox, row.chartT);
        for (const t of row.fits || []) targets.set(t.box, t); // other figures: {box, canvas?, W, H, ...}
      }
      fitAll();
      if (ro) for (const box of targets.keys()) ro.observe(box);
    },
    fitAll,
    stop() {
      if (ro) ro.disconnect();
      if (typeof window !== 'undefined') window.removeEventListener('resize', onWindow);
    },
  };
}
