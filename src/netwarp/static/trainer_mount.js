// trainer_mount.js: where the in-page trainer's bars live in the view, and their life. The bar of
// Play / Step / Reset / Download run stays at the top while the panels scroll by, with the sticky
// epoch bar right under it (--nw-sticky-top is the trainer bar's height), so neither covers the
// other. When the host replaces the view's data (a new envelope: widget, web app), the bars are
// built again on the new scene; the trainer's own runs (V.setData) keep them.

import { createTrainerUI } from './trainer_ui.js';

/** Mount the trainer's bars at the start of `V.root`; returns { rebuild(), stop() }. */
export function mountTrainer(V) {
  let ui = null;
  const watch = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => offset());

  function offset() {
    const bar = ui && ui.bars[0];
    V.root.style.setProperty('--nw-sticky-top', `${bar ? bar.offsetHeight : 0}px`);
  }

  function build() {
    const old = ui;
    if (old) {
      old.stop();
      watch?.disconnect();
      for (const b of old.bars) b.remove();
    }
    ui = createTrainerUI(V);
    V.root.prepend(...ui.bars);
    if (ui.bars[0]) watch?.observe(ui.bars[0]);
    offset();
  }

  build();
  return { rebuild: build, stop: () => { ui?.stop(); watch?.disconnect(); } };
}
