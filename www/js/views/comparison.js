// The baseline and its monitoring inventories side by side, and the trajectory to the target.

import { $, el } from '../dom.js';
import { fmt, t } from '../i18n.js';
import { entry, group } from '../model.js';
import { trajectoryChart } from './charts.js';
import { gasUnit } from './results.js';
import { tabLabel } from './setup.js';


export function trajectoryData(app) {
  const p = app.project();
  const members = group(p);
  const sums = app.result()?.summaries ?? [];
  const path = sums[members[0]]?.trajectory ?? null;
  const perCapita = path?.unit === 'tonnes_per_inhabitant';
  const points = members.filter((i) => sums[i]).map((i) => ({
    year: Number(entry(p.inventories[i].year)), label: tabLabel(p.inventories[i]), kind: p.inventories[i].kind,
    value: perCapita ? sums[i].per_capita_t ?? '0' : sums[i].total_emissions,
  }));
  const unit = perCapita ? `${gasUnit(app.inventory())}/${t('inhabitant')}` : gasUnit(app.inventory());
  return { members, sums, path, points, unit, perCapita };
}

export function renderComparison(app, table = $('comparison'), chart = $('compare-chart')) {
  const p = app.project();
  const { members, sums, path, points, unit } = trajectoryData(app);
  const head = el('tr', {}, ...[t('inventory'), t('total_emissions'), t('per_capita'), t('change_vs_baseline'), t('target_emissions'),
    t('path'), t('distance'), t('needed_per_year')].map((h) => el('th', { scope: 'col', text: h })));
  const body = el('tbody');
  for (const i of members) {
    const s = sums[i];
    const pr = s?.progress;
    body.append(el('tr', {}, el('th', { scope: 'row', text: tabLabel(p.inventories[i]) }),
      el('td', { text: s ? fmt(s.total_emissions) : t('not_computed'), 'data-raw': s?.total_emissions ?? '' }),
      el('td', { text: s ? fmt(s.per_capita_t) : '–' }),
      el('td', { text: s?.change_vs_baseline_pct != null ? `${fmt(s.change_vs_baseline_pct, 1)} %` : '–' }),
      el('td', { text: s?.target?.emissions_t != null ? fmt(s.target.emissions_t) : '–' }),
      el('td', { text: pr ? fmt(pr.path, 2) : '–' }),
      el('td', { text: pr ? `${fmt(pr.distance, 2)} (${t(`status.${pr.status}`)})` : '–', 'data-status': pr?.status ?? '' }),
      el('td', { text: pr?.needed_per_year != null ? fmt(pr.needed_per_year, 2) : '–' })));
  }
  table.replaceChildren(el('caption', { class: 'unit-caption', text: t('in_unit', { unit }) }), el('thead', {}, head), body);
  trajectoryChart(chart, points, path, unit);
}
