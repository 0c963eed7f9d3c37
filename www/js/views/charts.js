// Charts: emissions by sector stacked by carrier (HTML bars: labels wrap instead of being clipped,
// in any language and at any width), and the trajectory to the target (SVG drawn at the width of
// its box, redrawn when the box resizes). Bar lengths and positions need ratios, so the charts (and
// only the charts) read the engine's decimal strings as numbers.

import { $, el, svg } from '../dom.js';
import { carrierLabel, fmt, sectorLabel, t } from '../i18n.js';

/** Okabe–Ito's colour-blind-safe colours, solid for the common carriers and hatched for the rest (style.css). */
export const carrierClass = (code) => `k-${code || 'direct'}`;

let tip = null;
function tooltip() {
  if (tip) return tip;
  tip = el('div', { class: 'tooltip', role: 'tooltip', id: 'chart-tooltip', hidden: true });
  document.body.append(tip);
  const show = (e) => {
    const target = e.target.closest('[data-tip]');
    if (!target) { tip.hidden = true; return; }
    tip.textContent = target.dataset.tip;
    tip.hidden = false;
    const r = target.getBoundingClientRect();
    const x = Math.min(Math.max(4, (e.clientX ?? r.left + r.width / 2) + 12), window.innerWidth - tip.offsetWidth - 4);
    tip.style.left = `${x + window.scrollX}px`;
    tip.style.top = `${(e.clientY ?? r.top) + window.scrollY + 16}px`;
  };
  document.addEventListener('pointermove', show);
  document.addEventListener('focusin', show);
  document.addEventListener('pointerleave', () => { tip.hidden = true; });
  return tip;
}

/** Stacked bars of one inventory's emissions by sector and carrier, with a legend. */
export function sectorChart(box, r, unit) {
  tooltip();
  box.replaceChildren();
  if (!r || r.inventory.cells.length === 0) return;
  const inv = r.inventory;
  const max = Math.max(...inv.sectors.map((s) => Number(s.emissions)), 1e-9);
  const rows = el('div', { class: 'bars' });
  for (const s of inv.sectors) {
    const cells = inv.cells.filter((c) => c.sector === s.key && Number(c.emissions) > 0);
    const name = sectorLabel(s.key);
    const total = `${fmt(s.emissions, 0)} ${unit}`;
    const bar = el('div', { class: 'bar', role: 'img',
      'aria-label': `${name}: ${total}${cells.length ? ` (${cells.map((c) => `${carrierLabel(c.carrier)} ${fmt(c.emissions, 0)}`).join(', ')})` : ''}` });
    for (const c of cells) {
      const seg = el('span', { class: `seg ${carrierClass(c.carrier)}`, 'data-tip': `${name} · ${carrierLabel(c.carrier)}: ${fmt(c.emissions)} ${unit}` });
      seg.style.width = `${(Number(c.emissions) / max) * 100}%`;
      bar.append(seg);
    }
    rows.append(el('div', { class: 'bar-row' },
      el('div', { class: 'bar-label' }, el('span', { text: name }), el('span', { class: 'bar-value', text: total })), bar));
  }
  const carriers = [...new Set(inv.cells.filter((c) => Number(c.emissions) > 0).map((c) => c.carrier))];
  const legend = el('ul', { class: 'legend', 'aria-label': t('legend') },
    ...carriers.map((c) => el('li', {}, el('span', { class: `swatch ${carrierClass(c)}`, 'aria-hidden': 'true' }), el('span', { text: carrierLabel(c) }))));
  box.append(rows, legend);
}

/**
 * An action plan's reduction in the target year by sector (`bySector`: [sector, t] from the engine),
 * and the gap it leaves to the target (`gap`, worded in `gapWords`): one bar per row, its length the
 * value's size; an increase and the gap are hatched, so they differ without colour.
 */
export function planChart(box, bySector, gap, unit, gapWords) {
  box.replaceChildren();
  if (bySector.length === 0) return;
  const rows = bySector.map(([sector, value]) => ({ name: sectorLabel(sector), value, kind: value.startsWith('-') ? 'increase' : 'reduction',
    text: `${fmt(value, 0)} ${unit}${value.startsWith('-') ? ` (${t('plan_increase')})` : ''}` }));
  if (gap != null) rows.push({ name: t('remaining_gap'), value: gap, kind: 'gap', text: gapWords });
  const max = Math.max(...rows.map((r) => Math.abs(Number(r.value))), 1e-9);
  const bars = el('div', { class: 'bars' });
  for (const r of rows) {
    const bar = el('div', { class: 'bar', role: 'img', 'aria-label': `${r.name}: ${r.text}` });
    const seg = el('span', { class: `seg plan-${r.kind}` });
    seg.style.width = `${(Math.abs(Number(r.value)) / max) * 100}%`;
    bar.append(seg);
    bars.append(el('div', { class: 'bar-row', 'data-kind': r.kind },
      el('div', { class: 'bar-label' }, el('span', { text: r.name }), el('span', { class: 'bar-value', text: r.text })), bar));
  }
  const kinds = [...new Set(rows.map((r) => r.kind))];
  const words = { reduction: t('plan_reduction'), increase: t('plan_increase'), gap: t('remaining_gap') };
  const legend = el('ul', { class: 'legend', 'aria-label': t('legend') },
    ...kinds.map((k) => el('li', {}, el('span', { class: `swatch plan-${k}`, 'aria-hidden': 'true' }), el('span', { text: words[k] }))));
  box.append(bars, legend);
}

const observed = new WeakMap();
const resizer = new ResizeObserver((entries) => {
  for (const e of entries) observed.get(e.target)?.();
});

/**
 * The straight-line path from the baseline to the target, the target, and every inventory of the
 * group at its year. `points`: [{ year, value, label, kind }]; `path`: the engine's trajectory.
 */
export function trajectoryChart(box, points, path, unitLabel, { width: fixed = null } = {}) {
  tooltip();
  box.replaceChildren();
  if (points.length === 0) return;
  const plot = el('div', { class: 'plot' });
  box.append(plot);
  const draw = () => {
    plot.replaceChildren();
    const width = fixed ?? Math.max(plot.clientWidth, 240);
    const height = 220;
    const years = points.map((p) => p.year).concat(path ? [path.base_year, path.target_year] : []);
    const y0 = Math.min(...years), y1 = Math.max(...years, y0 + 1);
    const max = Math.max(...points.map((p) => Number(p.value)), path ? Number(path.base_value) : 0, 1e-9) * 1.1;
    const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => String(Math.round(max * f)));
    const tickText = ticks.map((v) => fmt(v, 0));
    const left = 12 + Math.max(...tickText.map((s) => s.length)) * 7.5;
    const right = 16, top = 12, bottom = 28;
    const xOf = (y) => left + ((y - y0) / (y1 - y0)) * (width - left - right);
    const yOf = (v) => top + (1 - Number(v) / max) * (height - top - bottom);
    const s = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-labelledby': 'trajectory-caption', class: 'trajectory' });
    ticks.forEach((v, k) => {
      s.append(svg('line', { x1: left, x2: width - right, y1: yOf(v), y2: yOf(v), class: 'gridline' }));
      s.append(svg('text', { x: left - 6, y: yOf(v) + 4, 'text-anchor': 'end', text: tickText[k] }));
    });
    const step = Math.max(1, Math.ceil((y1 - y0) / Math.max(2, Math.floor((width - left) / 60))));
    for (let y = y0; y <= y1; y += step) s.append(svg('text', { x: xOf(y), y: height - 8, 'text-anchor': 'middle', text: String(y) }));
    if (path) {
      const line = svg('line', { x1: xOf(path.base_year), y1: yOf(path.base_value), x2: xOf(path.target_year), y2: yOf(path.target_value), class: 'path', 'stroke-dasharray': '6 4' });
      s.append(line);
      const target = svg('rect', { x: xOf(path.target_year) - 6, y: yOf(path.target_value) - 6, width: 12, height: 12, class: 'target-mark',
        'data-tip': `${t('target')} ${path.target_year}: ${fmt(path.target_value, 0)} ${unitLabel}` });
      target.append(svg('title', { text: target.getAttribute('data-tip') }));
      s.append(target);
    }
    for (const p of points) {
      const c = svg('circle', { cx: xOf(p.year), cy: yOf(p.value), r: 6, class: `point ${p.kind}`, 'data-tip': `${p.label}: ${fmt(p.value, 0)} ${unitLabel}` });
      c.append(svg('title', { text: c.getAttribute('data-tip') }));
      s.append(c);
    }
    plot.append(s);
  };
  if (fixed) draw();
  else {
    // The observer calls `draw` once the box is laid out, and again whenever its width changes.
    observed.set(plot, draw);
    resizer.observe(plot);
  }
  const legend = el('ul', { class: 'legend' },
    el('li', {}, el('span', { class: 'swatch point baseline', 'aria-hidden': 'true' }), el('span', { text: t('baseline') })),
    el('li', {}, el('span', { class: 'swatch point monitoring', 'aria-hidden': 'true' }), el('span', { text: t('monitoring') })));
  if (path) {
    legend.append(el('li', {}, el('span', { class: 'swatch path', 'aria-hidden': 'true' }), el('span', { text: t('path') })),
      el('li', {}, el('span', { class: 'swatch target-mark', 'aria-hidden': 'true' }), el('span', { text: t('target') })));
  }
  box.append(legend);
}

export const chartBox = (id) => $(id);
