// The engine's errors and warnings in the officer's language. Each carries a stable code and
// parameters; the page renders `diag.<code>` from its translation files, names labels instead of
// codes, and points at the cell or field the page generated the line from (never at a file, a CSV
// column or a command-line word). A code without a translation falls back to the engine's English.

import { carrierLabel, countryName, sectorLabel, t, tOrNull } from './i18n.js';

/** The page's label of each column of the batch files it writes. */
const FIELD_LABELS = {
  city: 'city', country: 'country', year: 'year', population: 'population', approach: 'approach', gases: 'gases',
  factor_set: 'release', gwp: 'gwp', target_year: 'target_year', target_reduction_pct: 'target_pct',
  target_kind: 'target_kind', target_population: 'target_population', baseline_id: 'baseline', kind: 'inventory_kind',
  inventory_id: 'inventory', chp_eta_heat: 'chp_eta_heat', chp_eta_electricity: 'chp_eta_electricity',
  item: 'item', plant: 'plant', electricity_mwh: 'electricity_mwh', heat_mwh: 'heat_mwh', carrier: 'fuel',
  amount: 'amount', unit: 'unit', emissions_t: 'emissions_t', factor: 'local_factor', source: 'local_source',
  ncv_gj_per_t: 'ncv', density_kg_per_l: 'density',
  sector: 'sector',
};

const UNIT_LABELS = { tCO2: 'unit_t_co2', tCO2e: 'unit_t_co2e' };

/** A parameter as the officer reads it: labels for codes the page knows. */
function param(name, value, params) {
  const v = String(value);
  if (name === 'carrier' || name === 'carriers') return v.split(',').map((c) => carrierLabel(c.trim())).join(', ');
  if (name === 'sector' || name === 'sectors') return v.split(',').map((c) => sectorLabel(c.trim())).join(', ');
  if (name === 'country') return countryName(v);
  if (name === 'unit' || name === 'expected_unit') return UNIT_LABELS[v] ? t(UNIT_LABELS[v]) : v;
  if (name === 'column' || name === 'field') return FIELD_LABELS[v] ? t(FIELD_LABELS[v]) : v;
  if ((name === 'suggestion' || name === 'expected') && (params.kind === 'sector' || params.kind === 'carrier')) {
    return params.kind === 'sector' ? sectorLabel(v) : carrierLabel(v);
  }
  if (name === 'kind') return tOrNull(`what.${v}`) ?? v;
  return v;
}

/** The text of a diagnostic: the translation of its code, or the engine's English message. */
export function diagnosticText(d) {
  if (d.code) {
    const key = d.code === 'missing_factor' && d.params.carrier === 'electricity' && d.params.year ? 'diag.missing_factor_year' : `diag.${d.code}`;
    const template = tOrNull(key);
    if (template !== null) {
      const vars = Object.fromEntries(Object.entries(d.params ?? {}).map(([k, v]) => [k, param(k, v, d.params)]));
      const text = t(key, vars);
      // A placeholder the engine did not fill: the English message says more than a broken sentence.
      if (!/\{[a-z_]+\}/.test(text)) return text;
    }
  }
  return d.message;
}

/** Where a diagnostic points, in words ("Residential buildings, Natural gas"), or ''. */
export function placeText(d, app) {
  const p = d.place ?? {};
  switch (p.kind) {
    case 'cell': {
      const [s, c] = p.key.split('|');
      return c ? `${sectorLabel(s)}, ${carrierLabel(c)}` : sectorLabel(s);
    }
    case 'field': return p.field && FIELD_LABELS[p.field] ? t(FIELD_LABELS[p.field]) : '';
    case 'factor': return p.inventory === null ? t('batch_factor', { carrier: carrierLabel(p.carrier) })
      : `${t(FIELD_LABELS[p.field] ?? 'local_factor')}, ${carrierLabel(p.carrier)}`;
    case 'supply': return `${t('supply_row', { n: p.row + 1 })}${p.field && FIELD_LABELS[p.field] ? `, ${t(FIELD_LABELS[p.field])}` : ''}`;
    default: return '';
  }
}

/** The element a diagnostic points at, if the page shows it. */
export function targetOf(d) {
  const p = d.place ?? {};
  const q = (s) => document.querySelector(s);
  switch (p.kind) {
    case 'cell': return q(`input[data-key="${CSS.escape(p.key)}"]`);
    case 'field': return p.field ? q(`#f-${CSS.escape(p.field)}`) : null;
    case 'factor': {
      const suffix = { source: '-source', ncv_gj_per_t: '-ncv', density_kg_per_l: '-density' }[p.field] ?? '';
      return q(`[data-override${suffix}="${CSS.escape(p.carrier)}"]`) ?? q(`[data-override="${CSS.escape(p.carrier)}"]`);
    }
    case 'supply': {
      const field = { electricity_mwh: 'electricity', heat_mwh: 'heat', emissions_t: 'emissions' }[p.field] ?? p.field ?? 'item';
      return q(`[data-supply="${p.row}:${CSS.escape(field)}"]`) ?? q(`[data-supply="${p.row}:item"]`);
    }
    default: return null;
  }
}

/** Whether a diagnostic asks for a factor the officer can enter in the factor table. */
export const wantsFactor = (d) => d.code === 'missing_factor' && d.params?.carrier;
