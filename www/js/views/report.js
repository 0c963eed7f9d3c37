// The one-page report that printing (and the browser's PDF) gives: the city, the inventory kind and
// year, totals, the chart, emissions by sector with units, the factors with their sources, and the
// trajectory when there is a target. Rendered from the same state as the screen.

import { $, el } from '../dom.js';
import { carrierLabel, countryName, fmt, sectorLabel, t } from '../i18n.js';
import { entry } from '../model.js';
import { sectorChart, trajectoryChart } from './charts.js';
import { trajectoryData } from './comparison.js';
import { factorsUsed } from './factors.js';
import { gasUnit } from './results.js';

/** A copy of a part of the results for the printed report, without its ids. */
function copyOf(id) {
  const copy = $(id).cloneNode(true);
  copy.removeAttribute('id');
  for (const node of copy.querySelectorAll('[id]')) node.removeAttribute('id');
  for (const node of copy.querySelectorAll('[aria-labelledby]')) node.removeAttribute('aria-labelledby');
  copy.removeAttribute('aria-labelledby');
  return copy;
}

export function reportTitle(x) {
  return t('report_title', { city: x.city || t('no_city'), kind: t(`${x.kind}_inventory`), year: entry(x.year) || '…' });
}

export function renderReport(app) {
  const x = app.inventory();
  const r = app.activeResult();
  const s = app.result()?.summaries?.[app.project().active];
  const unit = gasUnit(x);
  const box = $('report');
  document.title = `${reportTitle(x)} — covenant`;
  const meta = [countryName(x.country), entry(x.population) ? t('report_population', { n: fmt(entry(x.population), 0) }) : null,
    t(`approach_${x.approach}`), t(`gases_${x.gases}`), r ? t('report_release', { id: r.inventory.release }) : null].filter(Boolean).join(' · ');
  const totals = el('dl', { class: 'report-totals' },
    ...[[t('total_emissions'), s ? `${fmt(s.total_emissions)} ${unit}` : t('not_computed')],
      [t('total_energy'), s?.total_energy != null ? `${fmt(s.total_energy)} MWh` : '–'],
      [t('per_capita'), s?.per_capita_t ? `${fmt(s.per_capita_t)} ${unit}/${t('inhabitant')}` : '–'],
      [t('change_vs_baseline'), s?.change_vs_baseline_pct != null ? `${fmt(s.change_vs_baseline_pct, 1)} %` : '–'],
      [t('target_emissions'), s?.target?.emissions_t != null ? `${fmt(s.target.emissions_t)} ${unit}` : '–']]
      .map(([k, v]) => el('div', {}, el('dt', { text: k }), el('dd', { text: v }))));
  const chart = el('div', { class: 'report-chart' });
  const sectors = el('table', { class: 'report-table' }, el('caption', { text: t('report_sectors') }),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t('sector') }), el('th', { scope: 'col', text: t('energy_mwh') }),
      el('th', { scope: 'col', text: t('emissions_unit', { unit }) }))),
    el('tbody', {}, ...(r?.inventory.sectors ?? []).map((v) => el('tr', {}, el('th', { scope: 'row', text: sectorLabel(v.key) }),
      el('td', { text: v.key === 'waste' || v.key === 'wastewater' || v.key === 'other_non_energy' ? '–' : fmt(v.energy, 0) }),
      el('td', { text: fmt(v.emissions, 0) }))),
      r ? el('tr', { class: 'total' }, el('th', { scope: 'row', text: t('total') }), el('td', { text: fmt(r.inventory.total_energy, 0) }),
        el('td', { text: fmt(r.inventory.total_emissions, 0) })) : null));
  const used = [...new Set((r?.inventory.factors ?? []).map((f) => f.carrier))];
  const factors = el('table', { class: 'report-table factors' }, el('caption', { text: t('report_factors') }),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t('carrier') }), el('th', { scope: 'col', text: t('factor_used') }),
      el('th', { scope: 'col', text: t('source') }))),
    el('tbody', {}, ...used.map((c) => {
      const f = factorsUsed(r, c);
      return el('tr', {}, el('th', { scope: 'row', text: carrierLabel(c) }), el('td', { text: f.value }), el('td', { text: f.source }));
    })));
  if (x.framework === 'crf') {
    // A CRF inventory: its GPC totals, chart and eCRF summary, as the results show them (rendered before the report).
    box.replaceChildren(el('h1', { text: reportTitle(x) }), el('p', { class: 'report-meta', text: meta }), totals,
      copyOf('crf-totals'), el('div', { class: 'report-columns' }, el('div', {}, copyOf('crf-chart')), el('div', {}, copyOf('crf-summary-table'))));
    box.querySelector('table')?.classList.add('report-table');
  } else {
    box.replaceChildren(el('h1', { text: reportTitle(x) }), el('p', { class: 'report-meta', text: meta }), totals,
      el('div', { class: 'report-columns' }, el('div', {}, chart), el('div', {}, sectors)), factors);
    sectorChart(chart, r, unit);
  }
  const { path, points, unit: pathUnit, members, sums } = trajectoryData(app);
  if (path) {
    const p = app.project();
    const table = el('table', { class: 'report-table' }, el('caption', { text: t('in_unit', { unit: pathUnit }) }),
      el('thead', {}, el('tr', {}, ...[t('inventory'), t('total_emissions'), t('change_vs_baseline'), t('path'), t('distance')]
        .map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, ...members.map((i) => {
        const s = sums[i];
        const pr = s?.progress;
        return el('tr', {}, el('th', { scope: 'row', text: `${t(p.inventories[i].kind)} ${entry(p.inventories[i].year)}` }),
          el('td', { text: s ? fmt(s.total_emissions, 0) : '–' }),
          el('td', { text: s?.change_vs_baseline_pct != null ? `${fmt(s.change_vs_baseline_pct, 1)} %` : '–' }),
          el('td', { text: pr ? fmt(pr.path, 0) : '–' }),
          el('td', { text: pr ? `${fmt(pr.distance, 0)} (${t(`status.${pr.status}`)})` : '–' }));
      }),
      el('tr', {}, el('th', { scope: 'row', text: `${t('target')} ${path.target_year}` }), el('td', { text: fmt(path.target_value, 0) }),
        el('td', { text: '–' }), el('td', { text: '–' }), el('td', { text: '–' }))));
    const plot = el('div', { class: 'report-trajectory' });
    box.append(el('h2', { text: t('comparison') }), el('div', { class: 'report-columns' }, el('div', {}, table), plot));
    // Drawn at once at a fixed width (it scales with the page): printing does not wait for a resize.
    trajectoryChart(plot, points, path, pathUnit, { width: 380 });
  }
  box.append(el('p', { class: 'report-foot', text: t('report_foot', { version: app.version }) }));
}
