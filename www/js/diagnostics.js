// The engine's errors and warnings in the officer's language. Each carries a stable code and
// parameters; the page renders `diag.<code>.<sub-kind>` or `diag.<code>` from its translation files
// (the sub-kind is the parameter the engine's catalogue names, such as the reason of a missing
// factor), names labels instead of codes, writes numbers in the language's notation, and points at
// the cell or field the page generated the line from (never at a file, a CSV column or a
// command-line word). Only a code the page does not know falls back to the engine's English.

import { carrierLabel, countryName, fmt, fmtExact, sectorLabel, t, tOrNull } from './i18n.js';

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

/** The parameter whose value picks the message (`diag.<code>.<value>`), by code: from the engine's catalogue. */
let subKinds = new Map();

/** Takes the engine's list of diagnostic kinds (`catalog().diagnostics`). */
export function setDiagnosticKinds(list) {
  subKinds = new Map((list ?? []).filter((d) => d.sub_kind).map((d) => [d.code, d.sub_kind]));
}

const orCode = (key, v) => tOrNull(key) ?? v;

/** The page's words for a code of each kind the engine names. */
const LABELS = {
  carrier: (v) => carrierLabel(v),
  sector: (v) => sectorLabel(v),
  country: (v) => countryName(v),
  item: (v) => orCode(`item.${v}`, v),
  approach: (v) => orCode(`approach_${v}`, v),
  gases: (v) => orCode(`gases_${v}`, v),
  unit: (v) => (UNIT_LABELS[v] ? t(UNIT_LABELS[v]) : v),
  kind: (v) => orCode(v, v),
  target_kind: (v) => orCode(`target_${v}`, v),
  what: (v) => orCode(`what.${v}`, v),
};

/** Parameters named alike that hold other codes in some messages. */
const BY_CODE = {
  approach_differs: { monitoring: 'approach', baseline: 'approach' },
  gases_differ: { monitoring: 'gases', baseline: 'gases' },
  unknown_code: { kind: 'what' },
};
const DECIMALS = new Set(['value', 'pct', 'heat', 'electricity', 'count', 'limit', 'max', 'min', 'max_pct', 'factor', 'release_factor', 'baseline_value', 'baseline_factor', 'national', 'baseline_national']);
const TONNES = new Set(['exported_t', 'total_t', 'own_t', 'difference_t']);
/** Quotients of the plausibility warnings: read to two decimals (the engine rounds them). */
const ROUNDED = {
  magnitude_per_capita: new Set(['value']),
  electricity_per_capita: new Set(['value']),
  magnitude_energy_per_capita: new Set(['value']),
  electricity_factor_jump: new Set(['ratio']),
  population_change: new Set(['change_pct']),
  energy_per_capita: new Set(['value']),
  magnitude_vs_baseline: new Set(['value', 'baseline_value', 'factor']),
  energy_change: new Set(['change_pct']),
  action_exceeds_baseline: new Set(['value', 'baseline_value']),
};

/** The label of each field of an action (the page's names of the columns of actions.csv). */
export const ACTION_FIELD_LABELS = { id: 'action_id', title: 'action_title', sector: 'sector', kind: 'action_kind',
  carrier: 'action_carrier', to_carrier: 'action_to_carrier', amount: 'action_amount', unit: 'unit', start_year: 'start_year',
  end_year: 'end_year', cost: 'cost', status: 'action_status', responsible: 'responsible' };

/** The label of each field of a CRF row (the page's names of the columns of crf_activity.csv). */
export const CRF_FIELD_LABELS = { line: 'crf_line', fuel: 'crf_fuel', amount: 'amount', unit: 'crf_unit', factor_unit: 'crf_factor_unit',
  co2_factor: 'crf_co2_factor', ch4_factor: 'crf_ch4_factor', n2o_factor: 'crf_n2o_factor', co2e_factor: 'crf_co2e_factor',
  biogenic_co2_factor: 'crf_biogenic_factor', co2_tco2e: 'crf_co2_t', ch4_tco2e: 'crf_ch4_t', n2o_tco2e: 'crf_n2o_t',
  total_tco2e: 'crf_total_t', biogenic_co2_t: 'crf_biogenic_t', notation_key: 'crf_notation_key', explanation: 'crf_explanation',
  description: 'crf_description', activity_source: 'crf_activity_source', factor_source: 'crf_factor_source' };

/** A parameter as the officer reads it: labels for codes, numbers in the language's notation. */
function param(code, name, value, params) {
  const v = String(value);
  const kind = BY_CODE[code]?.[name] ?? name;
  if (code === 'unknown_code' && (name === 'suggestion' || name === 'given')) {
    return name === 'suggestion' && LABELS[params.kind] ? LABELS[params.kind](v) : v;
  }
  if (LABELS[kind]) return LABELS[kind](v);
  if (ROUNDED[code]?.has(name)) return fmt(v, 2);
  if (DECIMALS.has(name) && /^-?\d+(\.\d+)?$/.test(v)) return fmtExact(v);
  if (TONNES.has(name)) return fmt(v, 2);
  return v;
}

/** The translation keys that may say a diagnostic, most specific first. */
function keys(d) {
  const sub = subKinds.get(d.code);
  const value = sub ? d.params?.[sub] : undefined;
  return [...(value ? [`diag.${d.code}.${value}`] : []), `diag.${d.code}`];
}

/** The text of a diagnostic: the translation of its code, or the engine's English message for a code the page does not know. */
export function diagnosticText(d) {
  if (!d.code) return d.message;
  const params = d.params ?? {};
  const vars = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, param(d.code, k, v, params)]));
  for (const key of keys(d)) {
    if (tOrNull(key) === null) continue;
    const text = t(key, vars);
    // A placeholder the engine did not fill: the next key, or the English message, says more than a broken sentence.
    if (/\{[a-z][a-z0-9_]*\}/.test(text)) continue;
    const hint = params.suggestion && (d.code === 'unknown_code' || d.code === 'unknown_inventory')
      ? ` ${t('did_you_mean', { suggestion: vars.suggestion })}` : '';
    return text + hint;
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
    case 'sector': return sectorLabel(p.sector);
    case 'field': return p.field && FIELD_LABELS[p.field] ? t(FIELD_LABELS[p.field]) : '';
    case 'factor': return p.inventory === null ? t('batch_factor', { carrier: carrierLabel(p.carrier) })
      : `${t(FIELD_LABELS[p.field] ?? 'local_factor')}, ${carrierLabel(p.carrier)}`;
    case 'supply': return `${t('supply_row', { n: p.row + 1 })}${p.field && FIELD_LABELS[p.field] ? `, ${t(FIELD_LABELS[p.field])}` : ''}`;
    case 'action': {
      const id = app?.project().inventories[p.inventory]?.actions?.[p.row]?.id || String(p.row + 1);
      return `${t('action_n', { n: id })}${p.field && ACTION_FIELD_LABELS[p.field] ? `, ${t(ACTION_FIELD_LABELS[p.field])}` : ''}`;
    }
    case 'crf': return `${t('crf_row', { n: p.row + 1 })}${p.field && CRF_FIELD_LABELS[p.field] ? `, ${t(CRF_FIELD_LABELS[p.field])}` : ''}`;
    default: return '';
  }
}

/** The element a diagnostic points at, if the page shows it. */
export function targetOf(d) {
  const p = d.place ?? {};
  const q = (s) => document.querySelector(s);
  switch (p.kind) {
    case 'cell': return q(`input[data-key="${CSS.escape(p.key)}"]`);
    case 'sector': return q(`input[data-key^="${CSS.escape(p.sector)}|"]`);
    case 'field': return p.field ? q(`#f-${CSS.escape(p.field)}`) : null;
    case 'factor': {
      const suffix = { source: '-source', ncv_gj_per_t: '-ncv', density_kg_per_l: '-density' }[p.field] ?? '';
      return q(`[data-override${suffix}="${CSS.escape(p.carrier)}"]`) ?? q(`[data-override="${CSS.escape(p.carrier)}"]`);
    }
    case 'supply': {
      const field = { electricity_mwh: 'electricity', heat_mwh: 'heat', emissions_t: 'emissions' }[p.field] ?? p.field ?? 'item';
      return q(`[data-supply="${p.row}:${CSS.escape(field)}"]`) ?? q(`[data-supply="${p.row}:item"]`);
    }
    case 'action': return q(`[data-action="${p.row}:${CSS.escape(p.field ?? 'id')}"]`) ?? q(`[data-action="${p.row}:id"]`);
    case 'crf': return q(`[data-crf="${p.row}:${CSS.escape(p.field ?? 'line')}"]`) ?? q(`[data-crf="${p.row}:line"]`);
    default: return null;
  }
}

/** Whether a diagnostic asks for a factor the officer can enter in the factor table. */
export const wantsFactor = (d) => d.code === 'missing_factor' && d.params?.carrier;
