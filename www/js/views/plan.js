// The action plan of a baseline (the SECAP's key actions): a table where the officer enters each
// action, the engine's reduction for each (per year at full effect and in the target year), and
// whether the plan reaches the target: the planned reduction, the remaining gap and the reduction
// by sector. The page only writes the actions into actions.csv; every number comes from the engine.

import { $, el } from '../dom.js';
import { carrierLabel, fmt, fmtExact, read, readProblem, sectorLabel, t } from '../i18n.js';
import { ACTION_FIELD_LABELS as LABELS, diagnosticText } from '../diagnostics.js';
import { ACTION_STATUSES, NON_ENERGY, baselineOf, newAction, withAction } from '../model.js';
import { planChart } from './charts.js';
import { gasUnit } from './results.js';
import { readField } from './setup.js';

/** The numeric fields (true: a whole number). */
const NUMBERS = { amount: false, start_year: true, end_year: true, cost: false };
const SELECTS = ['sector', 'kind', 'carrier', 'to_carrier', 'unit', 'status'];
const COLUMNS = ['action', 'action_what', 'action_carriers', 'action_timing', 'action_cost_status', 'action_reduction'];

let built = '';

const gasUnitCode = (x) => (x.gases === 'co2e' ? 'tCO2e' : 'tCO2');
const unitLabel = (u) => (u === 'tCO2' ? t('unit_t_co2') : u === 'tCO2e' ? t('unit_t_co2e') : u);

/** The choices of a select of action `a` of inventory `x`: [value, label] pairs, each a valid combination. */
function choices(app, x, a, field) {
  const direct = a.kind === 'direct_reduction';
  const sector = app.cat.sectors.find((s) => s.code === a.sector);
  const accepted = app.cat.carriers.map((c) => c.code).filter((c) => !sector?.excludes?.includes(c));
  switch (field) {
    case 'sector': return app.cat.sectors.filter((s) => NON_ENERGY.includes(s.code) === direct).map((s) => [s.code, sectorLabel(s.code)]);
    case 'kind': return app.cat.action_kinds.map((k) => [k, t(`action_kind.${k}`)]);
    case 'carrier': {
      if (direct) return [['', t('none')]];
      const list = a.kind === 'local_renewable' ? accepted.filter((c) => c === 'electricity' || c === 'heat_cold') : accepted;
      return list.map((c) => [c, carrierLabel(c)]);
    }
    case 'to_carrier':
      if (a.kind !== 'fuel_switch') return [['', t('none')]];
      return [['', t('choose')], ...accepted.filter((c) => c !== a.carrier).map((c) => [c, carrierLabel(c)])];
    case 'unit':
      if (direct) return [[gasUnitCode(x), unitLabel(gasUnitCode(x))]];
      return app.cat.unit_kinds.filter((u) => u.kind === 'energy').map((u) => [u.symbol, u.symbol]);
    case 'status': return [['', t('none')], ...ACTION_STATUSES.map((s) => [s, t(`action_status.${s}`)])];
    default: return [];
  }
}

/** Action `a` with every select holding one of its choices (after its kind, sector or carrier changed). */
export function normalized(app, x, a) {
  let b = { ...a };
  for (const field of ['sector', 'carrier', 'to_carrier', 'unit']) {
    const values = choices(app, x, b, field).map(([v]) => v);
    if (!values.includes(b[field])) b = { ...b, [field]: values[0] ?? '' };
  }
  return b;
}

function field(k, name) {
  const id = `action-${k}-${name}`;
  const label = el('label', { for: id, class: 'mini', text: t(LABELS[name]) });
  let input;
  if (SELECTS.includes(name)) input = el('select', { id, 'data-action': `${k}:${name}` });
  else {
    input = el('input', { id, 'data-action': `${k}:${name}`, autocomplete: 'off',
      inputmode: name in NUMBERS ? (NUMBERS[name] ? 'numeric' : 'decimal') : undefined, class: `action-${name.replace('_', '-')}` });
  }
  const wrap = el('div', { class: 'field' }, label, input);
  if (name in NUMBERS) wrap.append(el('span', { class: 'read', id: `${id}-read` }));
  return wrap;
}

function row(k) {
  const line = (...fields) => el('div', { class: 'field-line' }, ...fields);
  const td = (label, ...children) => el('td', { 'data-label': t(label) }, ...children);
  const tr = el('tr', { 'data-action-row': String(k) },
    el('th', { scope: 'row' }, field(k, 'id'), field(k, 'title'),
      el('button', { type: 'button', class: 'remove', 'data-action-remove': String(k), text: t('remove') })),
    td('action_what', field(k, 'sector'), field(k, 'kind')),
    td('action_carriers', field(k, 'carrier'), field(k, 'to_carrier')),
    td('action_timing', line(field(k, 'amount'), field(k, 'unit')), line(field(k, 'start_year'), field(k, 'end_year'))),
    td('action_cost_status', field(k, 'cost'), field(k, 'status'), field(k, 'responsible')),
    el('td', { class: 'result', 'data-label': t('action_reduction'), id: `action-${k}-result` }));
  // The engine's messages about this action, under its row (hidden when there are none).
  const messages = el('tr', { class: 'action-messages', hidden: true },
    el('td', { colspan: String(COLUMNS.length) }, el('ul', { class: 'messages', id: `action-${k}-messages` })));
  return [tr, messages];
}

function build(app, x) {
  const head = el('tr', {}, ...COLUMNS.map((c) => el('th', { scope: 'col', text: t(c) })));
  const body = el('tbody');
  x.actions.forEach((a, k) => body.append(...row(k)));
  $('plan-table').replaceChildren(el('thead', {}, head), body);
}

function setOptions(select, options, value) {
  const sig = options.map((o) => o.join('=')).join('|');
  if (select.dataset.sig !== sig) {
    select.replaceChildren(...options.map(([v, text]) => el('option', { value: v, text })));
    select.dataset.sig = sig;
  }
  // A status the plan gave in its own words stays as given.
  if (!options.some(([v]) => v === value)) select.append(el('option', { value, text: value }));
  select.value = value;
}

/** The engine's messages about the active inventory's actions, by row. */
function messagesByRow(app) {
  const map = new Map();
  for (const d of app.result()?.diagnostics ?? []) {
    if (d.place?.kind !== 'action' || d.place.inventory !== app.project().active) continue;
    if (!map.has(d.place.row)) map.set(d.place.row, []);
    map.get(d.place.row).push(d);
  }
  return map;
}

function syncRow(app, x, k, diags) {
  const a = x.actions[k];
  const fields = new Map();
  for (const d of diags) {
    const f = d.place.field ?? 'id';
    if (!fields.has(f) || d.severity === 'error') fields.set(f, d.severity);
  }
  const msgId = `action-${k}-messages`;
  for (const name of Object.keys(LABELS)) {
    const input = $(`action-${k}-${name}`);
    if (!input) continue;
    const v = a[name] ?? '';
    if (SELECTS.includes(name)) {
      setOptions(input, choices(app, x, a, name), v);
      input.disabled = name === 'to_carrier' ? a.kind !== 'fuel_switch' : name === 'carrier' && a.kind === 'direct_reduction';
    } else if (name in NUMBERS) {
      const bad = v && typeof v === 'object';
      if (!app.isEditing(input)) input.value = bad ? v.text : (v === '' ? '' : NUMBERS[name] ? v : fmtExact(v));
      const out = $(`${input.id}-read`);
      out.textContent = bad ? readProblem(v.text, read(v.text, { integer: NUMBERS[name] }))
        : v !== '' && document.activeElement === input && !NUMBERS[name] ? `= ${fmtExact(v)}` : '';
      out.classList.toggle('problem', bad);
    } else if (!app.isEditing(input)) input.value = v;
    const own = !SELECTS.includes(name) && name in NUMBERS && v && typeof v === 'object';
    const engine = fields.get(name);
    if (own || engine === 'error') input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
    input.classList.toggle('warned', engine === 'warning');
    const described = [name in NUMBERS ? `${input.id}-read` : null, engine ? msgId : null].filter(Boolean).join(' ');
    if (described) input.setAttribute('aria-describedby', described); else input.removeAttribute('aria-describedby');
  }
  const remove = document.querySelector(`[data-action-remove="${k}"]`);
  remove.setAttribute('aria-label', t('remove_action', { id: a.id || String(k + 1) }));
  // Messages: the field they concern first, in the page's words.
  const list = $(msgId);
  list.replaceChildren(...diags.map((d) => {
    const where = d.place.field && LABELS[d.place.field] ? `${t(LABELS[d.place.field])}: ` : '';
    return el('li', { class: d.severity === 'error' ? 'error' : 'warning', 'data-code': d.code ?? '', text: `${where}${diagnosticText(d)}` });
  }));
  list.closest('tr').hidden = diags.length === 0;
}

function syncResult(app, x, k, result, plan) {
  const cell = $(`action-${k}-result`);
  const unit = gasUnit(x);
  const a = x.actions[k];
  const parts = [];
  if (result) {
    parts.push(el('span', { class: 'full', 'data-raw': result.reduction, text: t('reduction_full', { value: fmt(result.reduction), unit }) }));
    if (plan.target_year != null && result.reduction_target_year_t != null) {
      parts.push(el('span', { class: 'in-year', 'data-raw': result.reduction_target_year_t,
        text: t('reduction_in_year', { value: fmt(result.reduction_target_year_t), unit, year: plan.target_year }) }));
    }
    if (result.to_factor) {
      parts.push(el('span', { class: 'note', text: t('action_factors', { from: fmtExact(result.factor.factor), to: fmtExact(result.to_factor.factor) }) }));
    } else if (result.factor) parts.push(el('span', { class: 'note', text: t('action_factor', { factor: fmtExact(result.factor.factor) }) }));
  } else if (a.amount === '') parts.push(el('span', { class: 'note', text: t('action_not_counted') }));
  else parts.push(el('span', { text: '–' }));
  cell.replaceChildren(...parts);
}

function setValue(id, value, text) {
  const node = $(id);
  node.textContent = value == null ? '–' : text;
  node.dataset.raw = value ?? '';
}

function syncTotals(app, x, plan) {
  const unit = gasUnit(x);
  const year = plan?.target_year ?? null;
  const show = year != null && plan.actions.length > 0;
  $('plan-results').hidden = !show;
  if (!show) { $('plan-chart').replaceChildren(); return; }
  const bau = x.target?.kind === 'bau';
  $('plan-reference-label').textContent = bau ? t('plan_reference_bau', { year }) : t('plan_reference');
  $('plan-target-label').textContent = t('plan_target', { year });
  $('plan-planned-label').textContent = t('planned_reduction', { year });
  $('plan-gap-per-capita-label').textContent = t('gap_per_capita', { year });
  setValue('plan-reference', plan.reference_t, `${fmt(plan.reference_t)} ${unit}`);
  setValue('plan-target', plan.target_emissions_t, `${fmt(plan.target_emissions_t)} ${unit}`);
  setValue('plan-planned', plan.planned_reduction_t, `${fmt(plan.planned_reduction_t)} ${unit}`);
  const gap = plan.remaining_gap_t;
  setValue('plan-gap', gap, gap == null ? '' : gapText(gap, unit));
  $('plan-gap').dataset.status = gap == null ? '' : gap.startsWith('-') ? 'surplus' : /^0(\.0*)?$/.test(gap) ? 'none' : 'shortfall';
  setValue('plan-gap-per-capita', plan.remaining_gap_per_capita_t, `${fmt(plan.remaining_gap_per_capita_t)} ${unit}`);
  $('plan-chart-caption').textContent = t('plan_by_sector', { year });
  planChart($('plan-chart'), plan.by_sector ?? [], gap, unit, gap == null ? '' : gapText(gap, unit, 0));
}

/** The remaining gap in words: short of the target (positive) or beyond it (negative). */
export function gapText(gap, unit, dp = 2) {
  if (/^-?0(\.0*)?$/.test(gap)) return t('gap_none');
  return t(gap.startsWith('-') ? 'gap_surplus' : 'gap_shortfall', { value: fmt(gap.replace(/^-/, ''), dp), unit });
}

export function renderPlan(app) {
  const p = app.project();
  const x = app.inventory();
  const actions = x.actions ?? [];
  const sig = `${app.lang()}|${x.uid}|${actions.length}`;
  if (built !== sig) { build(app, { ...x, actions }); built = sig; }
  const baseline = x.kind === 'baseline';
  $('add-action').disabled = !baseline;
  $('plan-table-wrap').hidden = actions.length === 0;
  const r = app.activeResult();
  const plan = r?.plan ?? null;
  const diags = messagesByRow(app);
  const byRow = new Map((plan?.actions ?? []).map((a) => [a.row, a]));
  actions.forEach((a, k) => {
    syncRow(app, x, k, diags.get(k) ?? []);
    syncResult(app, x, k, byRow.get(k) ?? null, plan);
  });
  // What the officer should know about the plan as a whole, in words.
  const note = $('plan-note');
  note.replaceChildren();
  if (!baseline) {
    const b = baselineOf(p, p.active);
    note.append(t('plan_monitoring'));
    if (b >= 0) note.append(' ', el('button', { type: 'button', class: 'action', id: 'go-to-baseline', text: t('go_to_baseline'), onclick: () => app.selectInventory(b) }));
  } else if (actions.length === 0) note.append(t('plan_empty'));
  else {
    const warnings = (app.result()?.diagnostics ?? []).filter((d) => d.place?.plan && d.place.inventory === p.active);
    note.append(...warnings.map((d) => el('span', { class: 'plan-warning', 'data-code': d.code, text: diagnosticText(d) })));
    if (r === null && app.result()) note.append(el('span', { class: 'plan-warning', text: t('plan_not_computed') }));
  }
  syncTotals(app, x, baseline ? plan : null);
}

export function wirePlan(app) {
  const table = $('plan-table');
  const set = (k, fn) => app.editInventory(`action:${k}`, (x) => withAction(x, k, fn(x, x.actions[k])), { group: null });
  table.addEventListener('input', (e) => {
    const node = e.target;
    if (!node.matches('input[data-action]')) return;
    const [k, name] = node.dataset.action.split(':');
    const v = name in NUMBERS ? readField(node.value, NUMBERS[name]) : node.value;
    app.editInventory(`action:${k}:${name}`, (x) => withAction(x, Number(k), { ...x.actions[Number(k)], [name]: v }),
      { group: `action:${k}:${name}` });
  });
  table.addEventListener('change', (e) => {
    const node = e.target;
    if (!node.matches('select[data-action]')) return;
    const [k, name] = node.dataset.action.split(':');
    // A kind, sector or carrier changed: the other choices follow, in the same undo step.
    set(Number(k), (x, a) => normalized(app, x, { ...a, [name]: node.value }));
  });
  table.addEventListener('focusout', () => app.render());
  table.addEventListener('click', (e) => {
    const b = e.target.closest('[data-action-remove]');
    if (!b) return;
    const k = Number(b.dataset.actionRemove);
    const id = app.inventory().actions[k]?.id ?? '';
    if (app.editInventory('action:remove', (x) => withAction(x, k, null)) !== false) {
      app.status(t('removed', { name: t('action_n', { n: id || String(k + 1) }) }));
    }
    app.afterRender(() => $('add-action').focus());
  });
  $('add-action').addEventListener('click', () => {
    app.editInventory('action:add', (x) => ({ ...x, actions: [...(x.actions ?? []), normalized(app, x, newAction(x))] }));
    app.afterRender(() => $(`action-${app.inventory().actions.length - 1}-title`)?.focus());
  });
}
