// The results of the active inventory: its messages (each pointing at its cell or field), the
// chart, the emissions table, and the summary panel that stays in view while typing.

import { $, el } from '../dom.js';
import { carrierLabel, fmt, read, readProblem, sectorLabel, t } from '../i18n.js';
import { diagnosticText, placeText, targetOf, wantsFactor } from '../diagnostics.js';
import { NON_ENERGY, baselineOf, cellParts, entry } from '../model.js';
import { sectorChart } from './charts.js';
import { tabLabel } from './setup.js';

export const gasUnit = (x) => t(x.gases === 'co2e' ? 'unit_t_co2e' : 'unit_t_co2');

/** The page's own message when the entry a diagnostic points at was not read (the engine only saw it marked). */
function readProblemAt(app, p) {
  const x = app.project().inventories[p?.inventory ?? -1];
  if (!x) return null;
  let v = null;
  if (p.kind === 'cell') v = cellParts(x, p.key)[p.part ?? 0];
  else if (p.kind === 'factor') v = x.overrides[p.carrier]?.factor;
  else if (p.kind === 'supply') v = x.supply[p.row]?.[{ electricity_mwh: 'electricity', heat_mwh: 'heat', emissions_t: 'emissions' }[p.field] ?? p.field];
  else if (p.kind === 'action') v = x.actions?.[p.row]?.[p.field];
  else if (p.kind === 'crf') v = x.crf?.[p.row]?.[p.field];
  else if (p.kind === 'field') v = { year: x.year, population: x.population, target_year: x.target.year, target_reduction_pct: x.target.pct, target_population: x.target.population }[p.field];
  const text = v && typeof v === 'object' ? v.text : undefined;
  const integer = (p.kind === 'field' && p.field !== 'target_reduction_pct') || (p.kind === 'action' && /_year$/.test(p.field));
  return text === undefined ? null : readProblem(text, read(text, { integer }));
}

function message(app, d) {
  const where = placeText(d, app);
  const li = el('li', { 'data-code': d.code ?? '' });
  const body = readProblemAt(app, d.place) ?? diagnosticText(d);
  // The place first, unless the message already names it (a key sector without data).
  const text = where && !body.includes(where) ? `${where}: ${body}` : body;
  const target = d.place?.kind ? d.place : null;
  if (target) {
    li.append(el('button', { type: 'button', class: 'link', text, onclick: () => app.goTo(d) }));
  } else li.append(el('span', { text }));
  if (wantsFactor(d)) {
    li.append(' ', el('button', { type: 'button', class: 'action', 'data-enter-factor': d.params.carrier,
      text: t('enter_factor', { carrier: carrierLabel(d.params.carrier) }),
      onclick: () => app.goTo({ place: { kind: 'factor', carrier: d.params.carrier, field: 'factor', inventory: app.project().active } }) }));
  }
  return li;
}

export function renderMessages(app) {
  const diags = app.result()?.diagnostics ?? [];
  const errors = diags.filter((d) => d.severity === 'error');
  const warnings = diags.filter((d) => d.severity === 'warning');
  $('errors').replaceChildren(...errors.map((d) => message(app, d)));
  $('warnings').replaceChildren(...warnings.map((d) => message(app, d)));
}

export function renderEmissionsTable(app, table = $('emissions-table')) {
  table.replaceChildren();
  const r = app.activeResult();
  if (!r) return;
  const inv = r.inventory;
  const carriers = inv.carriers.map((c) => c.key);
  const hasDirect = inv.cells.some((c) => c.carrier === null);
  const head = el('tr', {}, el('th', { scope: 'col', text: t('sector') }));
  for (const c of carriers) head.append(el('th', { scope: 'col', text: carrierLabel(c) }));
  if (hasDirect) head.append(el('th', { scope: 'col', text: t('emissions_direct') }));
  head.append(el('th', { scope: 'col', class: 'total', text: t('total') }));
  const body = el('tbody');
  for (const s of inv.sectors) {
    const row = el('tr', {}, el('th', { scope: 'row', text: sectorLabel(s.key) }));
    for (const c of carriers) {
      const cell = inv.cells.find((x) => x.sector === s.key && x.carrier === c);
      row.append(el('td', { text: cell ? fmt(cell.emissions) : '', 'data-raw': cell?.emissions ?? '' }));
    }
    if (hasDirect) {
      const cell = inv.cells.find((x) => x.sector === s.key && x.carrier === null);
      row.append(el('td', { text: cell ? fmt(cell.emissions) : '' }));
    }
    row.append(el('td', { class: 'total', text: fmt(s.emissions), 'data-raw': s.emissions }));
    body.append(row);
  }
  const totals = el('tr', {}, el('th', { scope: 'row', class: 'total', text: t('total') }));
  for (const c of inv.carriers) totals.append(el('td', { class: 'total', text: fmt(c.emissions) }));
  if (hasDirect) {
    const direct = inv.sectors.filter((s) => NON_ENERGY.includes(s.key)).map((s) => s.emissions);
    totals.append(el('td', { class: 'total', text: direct.map((d) => fmt(d)).join(' + ') }));
  }
  totals.append(el('td', { class: 'total', text: fmt(inv.total_emissions), 'data-raw': inv.total_emissions }));
  body.append(totals);
  table.append(el('caption', { class: 'unit-caption', text: t('in_unit', { unit: gasUnit(app.inventory()) }) }), el('thead', {}, head), body);
}

export function renderResults(app) {
  renderMessages(app);
  renderEmissionsTable(app);
  sectorChart($('chart'), app.activeResult(), gasUnit(app.inventory()));
}

/** The summary panel (a bar on phones): totals, per inhabitant, change and progress to the target. */
export function renderSummary(app) {
  const p = app.project();
  const x = app.inventory();
  const s = app.result()?.summaries?.[p.active] ?? null;
  const unit = gasUnit(x);
  const set = (id, value, dp, suffix) => {
    const node = $(id);
    node.textContent = value == null ? '–' : `${fmt(value, dp)} ${suffix}`.trim();
    node.dataset.raw = value ?? '';
  };
  $('summary-inventory').textContent = tabLabel(x);
  set('total-emissions', s?.total_emissions, 2, unit);
  set('total-energy', s?.total_energy, 2, 'MWh');
  set('per-capita', s?.per_capita_t, 2, `${unit}/${t('inhabitant')}`);
  set('change', s?.change_vs_baseline_pct, 1, '%');
  set('target-emissions', s?.target?.emissions_t, 2, unit);
  const progress = $('target-progress');
  const b = baselineOf(p, p.active);
  const base = b >= 0 ? p.inventories[b] : null;
  if (s?.progress) {
    progress.textContent = t(`progress.${s.progress.status}`, { distance: fmt(s.progress.distance.replace(/^-/, ''), 0), unit });
  } else if (s?.target?.emissions_t != null && base) {
    progress.textContent = t('target_short', { pct: entry(base.target.pct), year: entry(base.target.year), value: fmt(s.target.emissions_t, 0), unit });
  } else progress.textContent = '–';
  progress.dataset.status = s?.progress?.status ?? '';
  const errors = app.result()?.errorCounts?.[p.active] ?? 0;
  const note = $('summary-errors');
  note.replaceChildren();
  if (errors) {
    note.append(el('a', { href: '#results', text: t('summary_errors', { n: errors }) }));
  } else if (!s && app.result()) {
    note.append(el('span', { text: t('not_computed') }));
  }
}
