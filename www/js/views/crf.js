// CRF inventories (Global Covenant of Mayors): the entry view, one row per GPC line (sub-sector ×
// scope) and fuel or activity, with its amount and unit, optional per-gas factors, emissions
// entered directly or a notation key with its explanation; and the results, the eCRF summary
// (sub-sector rows × scopes, BASIC, BASIC+, the eCRF total, per gas, biogenic CO2 as a memo) with
// its chart. Every number shown comes from the engine.

import { $, el } from '../dom.js';
import { carrierLabel, fmt, fmtExact, read, readProblem, t } from '../i18n.js';
import { CRF_FIELD_LABELS, diagnosticText } from '../diagnostics.js';
import { CRF_NUMBER_FIELDS, crfLineKey, newCrfRow, withCrfRow } from '../model.js';
import { readField } from './setup.js';

/** The groups of fields of a row, each field by its column name in crf_activity.csv. */
const GROUPS = [
  ['crf_activity', ['fuel', 'amount', 'unit']],
  ['crf_factors', ['factor_unit', 'co2_factor', 'ch4_factor', 'n2o_factor', 'co2e_factor', 'biogenic_co2_factor']],
  ['crf_entered', ['co2_tco2e', 'ch4_tco2e', 'n2o_tco2e', 'total_tco2e', 'biogenic_co2_t']],
  ['crf_key', ['notation_key', 'explanation']],
  ['crf_sources', ['description', 'activity_source', 'factor_source']],
];
const NUMBERS = new Set(CRF_NUMBER_FIELDS);

export const crfSectorLabel = (code) => t(`crf_sector.${code}`);
export const crfSubsectorLabel = (code) => t(`crf_subsector.${code}`);

/** A line in words: its reference, sub-sector and scope. */
export function lineText(app, key) {
  const l = app.cat.crf.lines.find((x) => crfLineKey(x) === key);
  if (!l) return key;
  return `${l.gpc_ref ? `${l.gpc_ref} ` : ''}${crfSubsectorLabel(l.subsector)} · ${t('scope_n', { n: l.scope })}`;
}

function lineSelect(app, k) {
  const select = el('select', { id: `crf-${k}-line`, 'data-crf': `${k}:line` });
  for (const [sector] of app.cat.crf.sectors) {
    const group = el('optgroup', { label: crfSectorLabel(sector) });
    for (const l of app.cat.crf.lines.filter((x) => x.sector === sector)) {
      group.append(el('option', { value: crfLineKey(l), text: lineText(app, crfLineKey(l)) }));
    }
    select.append(group);
  }
  return select;
}

function field(app, k, name) {
  const id = `crf-${k}-${name}`;
  const label = el('label', { for: id, text: t(CRF_FIELD_LABELS[name]) });
  let input;
  if (name === 'notation_key') {
    input = el('select', { id, 'data-crf': `${k}:${name}` }, el('option', { value: '', text: t('none') }),
      ...app.cat.crf.keys.map((key) => el('option', { value: key, text: `${key} — ${t(`notation.${key}`)}` })));
  } else {
    const list = { fuel: 'crf-fuels', unit: 'crf-units', factor_unit: 'crf-factor-units' }[name];
    input = el('input', { id, 'data-crf': `${k}:${name}`, autocomplete: 'off', list,
      inputmode: NUMBERS.has(name) ? 'decimal' : undefined, 'aria-describedby': `${id}-read` });
  }
  return el('div', { class: 'field' }, label, input, el('span', { class: 'read', id: `${id}-read` }));
}

function row(app, k) {
  const remove = el('button', { type: 'button', 'data-crf-remove': String(k), text: t('remove_row', { n: k + 1 }) });
  const groups = GROUPS.map(([title, names]) => el('div', { class: 'crf-group' },
    el('p', { class: 'crf-group-title', text: t(title) }), ...names.map((n) => field(app, k, n))));
  return el('fieldset', { class: 'crf-row', 'data-crf-row': String(k) },
    el('legend', { text: t('crf_row', { n: k + 1 }) }),
    el('div', { class: 'field crf-line' }, el('label', { for: `crf-${k}-line`, text: t('crf_line') }), lineSelect(app, k)),
    ...groups,
    el('p', { class: 'crf-result', 'data-crf-result': String(k), role: 'status' }),
    el('ul', { class: 'messages crf-messages', 'data-crf-messages': String(k) }),
    remove);
}

/** The lists the fields offer: carriers (the release's factors apply to them), units, factor units. */
function datalists(app) {
  const units = app.cat.crf.units;
  return [
    el('datalist', { id: 'crf-fuels' }, ...app.cat.carriers.map((c) => el('option', { value: c.code, label: carrierLabel(c.code) }))),
    el('datalist', { id: 'crf-units' }, ...units.map((u) => el('option', { value: u }))),
    el('datalist', { id: 'crf-factor-units' }, ...['g', 'kg', 't'].flatMap((m) => units.map((u) => el('option', { value: `${m}/${u}` })))),
  ];
}

/** What the engine made of a row: its total and where it comes from. */
function resultText(app, r) {
  if (!r) return '';
  if (r.origin === 'key') return t('crf_origin.key', { key: r.input.key });
  const total = `${fmt(r.emissions.co2e)} ${t('unit_t_co2e')}`;
  const key = r.origin === 'factors' && !r.factor_source ? 'crf_origin.factors_unsourced' : `crf_origin.${r.origin}`;
  const text = t(key, { total, source: r.factor_source ?? '' });
  const memo = r.emissions.biogenic != null ? ` ${t('crf_biogenic_memo_row', { value: fmt(r.emissions.biogenic), unit: t('unit_t_co2') })}` : '';
  return text + memo;
}

let built = '';

export function renderCrf(app) {
  const x = app.inventory();
  const box = $('crf-rows');
  if (x.framework !== 'crf') {
    if (built !== '') { box.replaceChildren(); built = ''; }
    return;
  }
  const rows = x.crf ?? [];
  const sig = `${app.lang()}|${x.uid}|${rows.map((r) => r.uid).join(',')}`;
  if (built !== sig) {
    box.replaceChildren(...datalists(app), ...rows.map((r, k) => row(app, k)));
    built = sig;
  }
  const result = app.activeResult();
  const computed = result?.inventory.crf?.rows ?? [];
  const diags = (app.result()?.diagnostics ?? []).filter((d) => d.place?.kind === 'crf' && d.place.inventory === app.project().active);
  rows.forEach((r, k) => {
    const mine = diags.filter((d) => d.place.row === k);
    for (const name of ['line', ...GROUPS.flatMap(([, names]) => names)]) {
      const input = box.querySelector(`[data-crf="${k}:${name}"]`);
      if (!input) continue;
      const v = r[name];
      const bad = v && typeof v === 'object';
      if (!app.isEditing(input)) input.value = NUMBERS.has(name) ? (bad ? v.text : v === '' ? '' : fmtExact(v)) : (v ?? '');
      const engine = mine.find((d) => d.place.field === name && d.severity === 'error') ?? mine.find((d) => d.place.field === name);
      const out = $(`${input.id}-read`);
      const text = bad ? readProblem(v.text, read(v.text)) : engine ? diagnosticText(engine) : '';
      if (out && out.textContent !== text) out.textContent = text;
      out?.classList.toggle('problem', bad || engine?.severity === 'error');
      if (bad || engine?.severity === 'error') input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
      input.closest('.field')?.classList.toggle('warned', !bad && engine?.severity === 'warning');
    }
    const res = box.querySelector(`[data-crf-result="${k}"]`);
    const text = resultText(app, computed.find((c) => c.page_row === k));
    if (res.textContent !== text) res.textContent = text;
    // Messages of the row that no field shows (the row as a whole).
    const list = box.querySelector(`[data-crf-messages="${k}"]`);
    const rest = mine.filter((d) => !box.querySelector(`[data-crf="${k}:${d.place.field}"]`) || d.place.field === 'line');
    list.replaceChildren(...rest.map((d) => el('li', { 'data-code': d.code ?? '', class: d.severity, text: diagnosticText(d) })));
  });
}

export function wireCrf(app) {
  const box = $('crf-rows');
  const edit = (node) => {
    const [k, name] = node.dataset.crf.split(':');
    const v = NUMBERS.has(name) ? readField(node.value, false) : node.value;
    app.editInventory(`crf:${k}:${name}`, (x) => withCrfRow(x, Number(k), { ...x.crf[Number(k)], [name]: v }), { group: `crf:${k}:${name}` });
  };
  box.addEventListener('input', (e) => { if (e.target.matches('input[data-crf]')) edit(e.target); });
  box.addEventListener('change', (e) => { if (e.target.matches('select[data-crf]')) edit(e.target); });
  box.addEventListener('focusout', () => app.render());
  box.addEventListener('click', (e) => {
    const b = e.target.closest('[data-crf-remove]');
    if (!b) return;
    app.editInventory('crf:remove', (x) => withCrfRow(x, Number(b.dataset.crfRemove), null));
  });
  $('add-crf-row').addEventListener('click', () => {
    // A new row takes the line of the row above (rows of one line usually come together).
    app.editInventory('crf:add', (x) => ({ ...x, crf: [...(x.crf ?? []), newCrfRow(x.crf?.at(-1)?.line ?? crfLineKey(app.cat.crf.lines[0]))] }));
    app.afterRender(() => $(`crf-${app.inventory().crf.length - 1}-line`)?.focus());
  });
}

// ---------- results ----------

const SCOPES = [1, 2, 3];

function cellText(c) {
  if (!c) return '';
  return c.value != null ? fmt(c.value) : c.keys.join(' / ');
}

/** The eCRF summary: sub-sector rows × scopes with each sector's total row, then the eCRF total. */
function summaryTable(app, r) {
  const table = $('crf-summary-table');
  table.replaceChildren();
  const cells = r?.crf_summary ?? [];
  if (!r?.inventory.crf) return;
  const at = (row, scope) => cells.find((c) => c.row === row && c.scope === scope);
  const head = el('tr', {}, el('th', { scope: 'col', text: t('crf_subsector') }), el('th', { scope: 'col', text: t('crf_gpc') }),
    ...SCOPES.map((n) => el('th', { scope: 'col', text: t(`crf_scope_column.${n}`) })));
  const body = el('tbody');
  const line = (label, gpc, row, cls) => {
    const tr = el('tr', { class: cls, 'data-ecrf-row': String(row) }, el('th', { scope: 'row', text: label }), el('td', { text: gpc }));
    for (const n of SCOPES) {
      const c = at(row, n);
      tr.append(el('td', { text: cellText(c), 'data-raw': c?.value ?? '', 'data-scope': String(n) }));
    }
    body.append(tr);
  };
  for (const [sector, totalRow] of app.cat.crf.sectors) {
    const rows = app.cat.crf.summary_rows.filter((s) => s.sector === sector);
    if (rows.length === 0) continue;
    body.append(el('tr', { class: 'crf-sector' }, el('th', { scope: 'rowgroup', colspan: '5', text: crfSectorLabel(sector) })));
    for (const s of rows) line(crfSubsectorLabel(s.key), s.gpc, s.row, '');
    if (totalRow != null) line(t('crf_sector_total', { sector: crfSectorLabel(sector) }), '', totalRow, 'total');
  }
  line(t('crf_ecrf_total'), '', app.cat.crf.total_row, 'total grand');
  table.append(el('caption', { class: 'unit-caption', text: t('in_unit', { unit: t('unit_t_co2e') }) }), el('thead', {}, head), body);
}

/** The GPC totals, the gases and the memo items, from the engine's totals. */
function totals(r) {
  const list = $('crf-totals');
  list.replaceChildren();
  const tt = r?.inventory.crf?.totals;
  if (!tt) return;
  const e = t('unit_t_co2e');
  const items = [
    ['basic', 'crf_basic', tt.basic, e], ['basic_plus', 'crf_basic_plus', tt.basic_plus, e], ['ecrf', 'crf_ecrf_total', tt.ecrf, e],
    ['co2', 'crf_gas.co2', tt.co2, e], ['ch4', 'crf_gas.ch4', tt.ch4, e], ['n2o', 'crf_gas.n2o', tt.n2o, e],
    ['unsplit', 'crf_gas.unsplit', tt.unsplit, e], ['generation', 'crf_generation', tt.generation, e],
    ['out_of_scope', 'crf_out_of_scope', tt.out_of_scope, e], ['biogenic', 'crf_biogenic', tt.biogenic, t('unit_t_co2')],
  ];
  for (const [key, label, value, unit] of items) {
    list.append(el('div', { class: ['basic', 'basic_plus', 'ecrf'].includes(key) ? 'main' : 'secondary' },
      el('dt', { text: t(label) }), el('dd', { id: `crf-total-${key}`, 'data-raw': value, text: `${fmt(value)} ${unit}` })));
  }
  $('crf-gwp').textContent = t('crf_gwp_used', { gwp: r.inventory.crf.gwp.toUpperCase() });
}

/** Stacked bars of the sub-sector rows of the summary, one segment per scope (the engine's values). */
function chart(app, r) {
  const box = $('crf-chart');
  box.replaceChildren();
  const cells = (r?.crf_summary ?? []).filter((c) => c.value != null && Number(c.value) > 0);
  const rows = app.cat.crf.summary_rows.map((s) => ({ s, parts: cells.filter((c) => c.row === s.row) })).filter((x) => x.parts.length);
  if (rows.length === 0) return;
  const sum = (parts) => parts.reduce((a, c) => a + Number(c.value), 0);
  const max = Math.max(...rows.map((x) => sum(x.parts)), 1e-9);
  const unit = t('unit_t_co2e');
  const bars = el('div', { class: 'bars' });
  for (const { s, parts } of rows) {
    const name = crfSubsectorLabel(s.key);
    const words = parts.map((c) => `${t('scope_n', { n: c.scope })} ${fmt(c.value, 0)}`).join(', ');
    const bar = el('div', { class: 'bar', role: 'img', 'aria-label': `${name}: ${words} ${unit}` });
    for (const c of parts) {
      const seg = el('span', { class: `seg scope-${c.scope}`, 'data-tip': `${name} · ${t('scope_n', { n: c.scope })}: ${fmt(c.value)} ${unit}` });
      seg.style.width = `${(Number(c.value) / max) * 100}%`;
      bar.append(seg);
    }
    bars.append(el('div', { class: 'bar-row' }, el('div', { class: 'bar-label' }, el('span', { text: name }),
      el('span', { class: 'bar-value', text: words })), bar));
  }
  const legend = el('ul', { class: 'legend', 'aria-label': t('legend') },
    ...SCOPES.map((n) => el('li', {}, el('span', { class: `swatch scope-${n}`, 'aria-hidden': 'true' }), el('span', { text: t('scope_n', { n }) }))));
  box.append(bars, legend);
}

export function renderCrfResults(app) {
  const crf = app.inventory().framework === 'crf';
  const r = crf ? app.activeResult() : null;
  summaryTable(app, r);
  totals(r);
  chart(app, r);
  if (!r) $('crf-gwp').textContent = '';
}
