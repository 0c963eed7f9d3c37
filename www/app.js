// covenant in the browser. Every number comes from the engine (covenant-core compiled to
// WebAssembly): this file builds the batch CSV files from the form, asks the engine, and shows
// the strings it returns. It never turns an emission value into a JavaScript number.

import init, { catalog, nationalFactor, runBatch, roundForDisplay, version } from './pkg/covenant_wasm.js';

const STORAGE_KEY = 'covenant.project.v1';
const LANGS = ['en', 'fr', 'de', 'it', 'es'];
const NON_ENERGY = ['waste', 'wastewater', 'other_non_energy'];
const SUPPLY_ITEMS = ['electricity_production', 'chp', 'green_purchase', 'heat_production', 'heat_import', 'heat_export'];
const COLORS = ['#0b5cad', '#d9480f', '#2b8a3e', '#e67700', '#5f3dc4', '#c2255c', '#087f5b', '#862e9c',
  '#495057', '#a61e4d', '#1864ab', '#5c940d', '#d6336c', '#0c8599', '#9c36b5', '#364fc7'];

let CAT = null;          // catalogue from the engine
let MESSAGES = {};       // current language
let FALLBACK = {};       // English
let project = null;      // the user's project (persisted)
let last = null;         // last engine result
let pendingImport = null;
let saveTimer = null;

const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) e.append(c);
  return e;
};
const svg = (tag, attrs = {}) => {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
  }
  return e;
};

// ---------- i18n and number formatting ----------

function t(key, vars = {}) {
  let s = MESSAGES[key] ?? FALLBACK[key] ?? key;
  for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, v);
  return s;
}
const sectorLabel = (code) => MESSAGES[`sector.${code}`] ?? FALLBACK[`sector.${code}`] ?? code;
const carrierLabel = (code) => MESSAGES[`carrier.${code}`] ?? FALLBACK[`carrier.${code}`] ?? code;

async function loadMessages(lang) {
  const get = async (l) => (await fetch(`i18n/${l}.json`)).json();
  FALLBACK = await get('en');
  MESSAGES = lang === 'en' ? FALLBACK : await get(lang);
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
}

function separators() {
  // Only the locale's symbols are taken from Intl; values stay decimal strings.
  const parts = new Intl.NumberFormat(project.lang).formatToParts(12345.6);
  return {
    group: parts.find((p) => p.type === 'group')?.value ?? ',',
    decimal: parts.find((p) => p.type === 'decimal')?.value ?? '.',
  };
}

/** Rounds an engine decimal string with the engine's display rule and localizes it. */
function fmt(value, dp = 2) {
  if (value === null || value === undefined || value === '') return '–';
  let rounded;
  try { rounded = roundForDisplay(value, dp); } catch { return String(value); }
  const { group, decimal } = separators();
  const negative = rounded.startsWith('-');
  const [int, frac = ''] = (negative ? rounded.slice(1) : rounded).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  const padded = dp > 0 ? decimal + frac.padEnd(dp, '0') : '';
  return (negative ? '−' : '') + grouped + padded;
}

// ---------- the project ----------

function emptyInventory(kind = 'baseline', year = '') {
  return { uid: crypto.randomUUID(), kind, year: String(year), population: '', approach: 'ipcc', gases: 'co2',
    release: '', gwp: '', target: { year: '', pct: '', kind: 'absolute', population: '' }, cells: {}, overrides: {}, supply: [] };
}

function newProject() {
  return { version: 1, lang: project?.lang ?? 'en', city: '', country: 'IT', active: 0,
    inventories: [emptyInventory('baseline', 2010)] };
}

function active() { return project.inventories[project.active]; }

function inventoryId(i) {
  const inv = project.inventories[i];
  return `${inv.kind === 'baseline' ? 'BEI' : 'MEI'}-${inv.year || '?'}-${i + 1}`;
}

function persist() {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => {
    try { localStorage.setItem(STORAGE_KEY, JSON.stringify(project)); status(t('saved_locally')); } catch { /* private mode */ }
  }, 250);
}

function status(msg) { $('status').textContent = msg; }

// ---------- batch files from the project (the engine reads them) ----------

function csvField(v) {
  const s = String(v ?? '');
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s;
}
const csvRow = (fields) => fields.map(csvField).join(',') + '\n';

/** Typed amounts: surrounding spaces go; a lone decimal comma becomes a point (so 1954,5 works). */
function normalizeAmount(s) {
  const v = String(s ?? '').trim();
  return !v.includes('.') && (v.match(/,/g) || []).length === 1 ? v.replace(',', '.') : v;
}

function buildBatch(p) {
  let inv = csvRow(['inventory_id', 'city', 'country', 'year', 'kind', 'baseline_id', 'population', 'approach', 'gases',
    'factor_set', 'target_year', 'target_reduction_pct', 'target_kind', 'target_population', 'gwp']);
  let sup = csvRow(['inventory_id', 'item', 'plant', 'electricity_mwh', 'heat_mwh', 'carrier', 'amount', 'unit', 'emissions_t']);
  let act = csvRow(['inventory_id', 'sector', 'carrier', 'amount', 'unit', 'sustainable']);
  let fac = csvRow(['inventory_id', 'carrier', 'factor', 'source']);
  const lines = { inventories: {}, activity: {}, factors: {}, supply: {} };
  const baseIndex = p.inventories.findIndex((x) => x.kind === 'baseline');
  let invLine = 1, actLine = 1, facLine = 1, supLine = 1;
  p.inventories.forEach((x, i) => {
    const id = inventoryId(i);
    const tg = x.target ?? {};
    const hasTarget = x.kind === 'baseline' && (tg.year !== '' || tg.pct !== '');
    inv += csvRow([id, p.city, p.country, x.year, x.kind, x.kind === 'monitoring' && baseIndex >= 0 ? inventoryId(baseIndex) : '',
      x.population, x.approach, x.gases, x.release, hasTarget ? tg.year : '', hasTarget ? normalizeAmount(tg.pct) : '',
      hasTarget ? tg.kind : '', hasTarget ? tg.population : '', x.gases === 'co2e' ? (x.gwp ?? '') : '']);
    lines.inventories[++invLine] = { inventory: i, field: null };
    for (const [key, c] of Object.entries(x.cells)) {
      const amount = normalizeAmount(c.amount);
      if (amount === '') continue;
      const [sector, carrier] = key.split('|');
      act += csvRow([id, sector, carrier, amount, c.unit, c.ns && isBiomass(carrier) ? 'no' : '']);
      lines.activity[++actLine] = { inventory: i, key };
    }
    (x.supply ?? []).forEach((r, k) => {
      const fuel = r.carrier !== '';
      sup += csvRow([id, r.item, r.plant, normalizeAmount(r.electricity), normalizeAmount(r.heat), fuel ? r.carrier : '',
        fuel ? normalizeAmount(r.amount) : '', fuel ? r.unit : '', normalizeAmount(r.emissions)]);
      lines.supply[++supLine] = { inventory: i, key: k };
    });
    for (const [carrier, o] of Object.entries(x.overrides)) {
      const factor = normalizeAmount(o.factor);
      if (factor === '') continue;
      fac += csvRow([id, carrier, factor, o.source]);
      lines.factors[++facLine] = { inventory: i, key: carrier };
    }
  });
  return { inv, act, fac, sup, lines, hasSupply: supLine > 1 };
}

const runEngine = (b) => JSON.parse(runBatch(b.inv, b.act, b.fac, b.hasSupply ? b.sup : undefined));

// ---------- computing ----------

function compute() {
  const t0 = performance.now();
  const batch = buildBatch(project);
  const result = runEngine(batch);
  const t1 = performance.now();
  last = { batch, result };
  renderResults();
  renderComparison();
  markInvalid();
  // Timings for the page benchmark (tests/page-bench.mjs).
  document.body.dataset.engineMs = (t1 - t0).toFixed(3);
  document.body.dataset.computeMs = (performance.now() - t0).toFixed(3);
}

function resultFor(i) {
  return last?.result.report.inventories.find((r) => r.inventory.spec.id === inventoryId(i)) ?? null;
}

// ---------- rendering: set-up ----------

function renderSetup() {
  const x = active();
  $('city').value = project.city;
  $('country').value = project.country;
  $('year').value = x.year;
  $('population').value = x.population;
  $('approach').value = x.approach;
  $('gases').value = x.gases;
  $('release').value = x.release;
  $('gwp').value = x.gwp ?? '';
  $('gwp').disabled = x.gases !== 'co2e';
  const tg = x.target;
  $('target-year').value = tg.year;
  $('target-pct').value = tg.pct;
  $('target-kind').value = tg.kind;
  $('target-population').value = tg.population;
  const preset = `${tg.year}:${tg.pct}`;
  $('target-preset').value = tg.year === '' && tg.pct === '' ? '' :
    [...$('target-preset').options].some((o) => o.value === preset) ? preset : 'custom';
  for (const id of ['target-preset', 'target-year', 'target-pct', 'target-kind', 'target-population']) {
    $(id).disabled = x.kind !== 'baseline';
  }
  renderTabs();
  renderNationalFactor();
}

function renderTabs() {
  const tabs = $('inventory-tabs');
  tabs.replaceChildren();
  project.inventories.forEach((x, i) => {
    const label = `${x.kind === 'baseline' ? t('baseline') : t('monitoring')} ${x.year}`;
    tabs.append(el('button', { type: 'button', role: 'tab', 'aria-selected': String(i === project.active),
      text: label, onclick: () => { project.active = i; persist(); renderAll(); } }));
  });
  $('remove-inventory').disabled = project.inventories.length < 2;
}

function renderNationalFactor() {
  const x = active();
  const year = parseInt(x.year, 10);
  const node = $('national-factor');
  if (!(year >= 1990 && year <= 2100)) { node.textContent = ''; return; }
  const f = JSON.parse(nationalFactor(project.country, year, x.approach, x.gases, x.release));
  node.textContent = f.status === 'found'
    ? t('national_factor', { value: fmt(f.value, 3), set: f.set, source: f.citation }) + (f.com ? '' : ` ${t('not_com')}`)
    : t('national_factor_missing', { message: f.message });
  node.classList.toggle('noncom', f.status === 'found' && !f.com);
}

const isBiomass = (carrier) => CAT.carriers.find((c) => c.code === carrier)?.biomass === true;

function unitsFor(carrier) {
  const fuel = CAT.carriers.find((c) => c.code === carrier)?.fuel;
  const energy = ['MWh', 'kWh', 'GWh', 'GJ', 'TJ', 'toe'];
  return fuel ? [...energy, 'L', 'm3', 'kg', 't'] : energy;
}

function cellEditor(x, sector, carrier, label) {
  const key = `${sector}|${carrier}`;
  const c = x.cells[key] ?? { amount: '', unit: 'MWh' };
  const input = el('input', { 'aria-label': label, inputmode: 'decimal', autocomplete: 'off', 'data-key': key, value: c.amount });
  input.addEventListener('input', () => {
    const cell = (x.cells[key] ??= { amount: '', unit: 'MWh' });
    cell.amount = input.value;
    if (cell.amount === '' ) delete x.cells[key];
    changed();
  });
  const unit = el('select', { 'aria-label': `${label}: ${t('unit')}`, 'data-unit-key': key });
  const units = carrier ? unitsFor(carrier) : [x.gases === 'co2e' ? 'tCO2e' : 'tCO2'];
  for (const u of units) unit.append(el('option', { value: u, text: u }));
  unit.value = units.includes(c.unit) ? c.unit : units[0];
  unit.addEventListener('change', () => {
    const cell = (x.cells[key] ??= { amount: input.value, unit: unit.value });
    cell.unit = unit.value;
    changed();
  });
  if (!carrier || !isBiomass(carrier)) return el('div', { class: 'cell' }, input, unit);
  // Biomass: sustainable by default (biogenic CO2 counted as 0); ticked, its CO2 counts.
  const ns = el('input', { type: 'checkbox', 'aria-label': `${label}: ${t('non_sustainable')}`, title: t('non_sustainable'),
    'data-ns-key': key, class: 'ns' });
  ns.checked = c.ns === true;
  ns.addEventListener('change', () => {
    const cell = (x.cells[key] ??= { amount: input.value, unit: unit.value });
    if (ns.checked) cell.ns = true; else delete cell.ns;
    changed();
  });
  return el('div', { class: 'cell' }, input, unit, ns);
}

function renderGrid() {
  const x = active();
  const grid = $('energy-grid');
  grid.replaceChildren();
  const head = el('tr', {}, el('th', { scope: 'col', text: t('sector') }));
  for (const c of CAT.carriers) head.append(el('th', { scope: 'col', text: carrierLabel(c.code) }));
  grid.append(el('thead', {}, head));
  const body = el('tbody');
  for (const s of CAT.sectors.filter((s) => s.group !== 'non_energy')) {
    const row = el('tr', {}, el('th', { scope: 'row', text: sectorLabel(s.code) }));
    for (const c of CAT.carriers) {
      if (s.excludes?.includes(c.code)) { row.append(el('td', { class: 'disabled', 'aria-hidden': 'true' })); continue; }
      row.append(el('td', {}, cellEditor(x, s.code, c.code, `${sectorLabel(s.code)}, ${carrierLabel(c.code)}`)));
    }
    body.append(row);
  }
  grid.append(body);

  const ne = $('non-energy-grid');
  ne.replaceChildren(el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t('sector') }), el('th', { scope: 'col', text: t('emissions_direct') }))));
  const nb = el('tbody');
  for (const code of NON_ENERGY) {
    // Non-energy rows have an empty carrier: their key ends with '|'.
    nb.append(el('tr', {}, el('th', { scope: 'row', text: sectorLabel(code) }), el('td', {}, cellEditor(x, code, '', sectorLabel(code)))));
  }
  ne.append(nb);
}

function renderSupply() {
  const x = active();
  x.supply ??= [];
  const table = $('supply-table');
  table.replaceChildren(el('thead', {}, el('tr', {}, ...[t('item'), t('plant'), t('electricity_mwh'), t('heat_mwh'), t('fuel'),
    t('amount'), t('unit'), t('emissions_t'), ''].map((h) => el('th', { scope: 'col', text: h })))));
  const body = el('tbody');
  x.supply.forEach((r, k) => {
    const label = (key) => `${t('supply')} ${k + 1}: ${t(key)}`;
    const input = (field, key) => {
      const i = el('input', { 'aria-label': label(key), value: r[field] ?? '', 'data-supply': `${k}:${field}` });
      i.addEventListener('input', () => { r[field] = i.value; changed(); });
      return i;
    };
    const select = (field, key, options) => {
      const sel = el('select', { 'aria-label': label(key), 'data-supply': `${k}:${field}` });
      for (const [value, text] of options) sel.append(el('option', { value, text }));
      sel.value = r[field] ?? '';
      sel.addEventListener('change', () => { r[field] = sel.value; changed(); });
      return sel;
    };
    const fuels = [['', t('none')], ...CAT.carriers.filter((c) => c.fuel).map((c) => [c.code, carrierLabel(c.code)])];
    const remove = el('button', { type: 'button', text: t('remove'), onclick: () => { x.supply.splice(k, 1); persist(); renderSupply(); compute(); } });
    body.append(el('tr', {},
      el('td', {}, select('item', 'item', SUPPLY_ITEMS.map((i) => [i, t(`item.${i}`)]))),
      el('td', {}, input('plant', 'plant')), el('td', {}, input('electricity', 'electricity_mwh')), el('td', {}, input('heat', 'heat_mwh')),
      el('td', {}, select('carrier', 'fuel', fuels)), el('td', {}, input('amount', 'amount')),
      el('td', {}, select('unit', 'unit', unitsFor('natural_gas').map((u) => [u, u]))), el('td', {}, input('emissions', 'emissions_t')),
      el('td', { class: 'no-print' }, remove)));
  });
  table.append(body);
}

/** The factors a carrier used (sustainable first, then non-sustainable biomass), as table text. */
function factorsUsed(r, carrier) {
  const used = (r?.inventory.factors ?? []).filter((f) => f.carrier === carrier);
  const tag = (f) => (f.variant === 'non_sustainable' ? ` (${t('non_sustainable')})` : '');
  return {
    raw: used[0]?.factor ?? '',
    value: used.length ? used.map((f) => `${fmt(f.factor, 3)}${tag(f)}`).join(' · ') : '–',
    source: used.map((f) => `${provenanceText(f.provenance)}${tag(f)}`).join(' · '),
    citation: used.map((f) => f.provenance.citation).filter(Boolean).join(' · '),
    noncom: used.some((f) => f.provenance.kind === 'factor_set' && !f.provenance.com),
  };
}

function renderFactorTable() {
  const x = active();
  const r = resultFor(project.active);
  const table = $('factor-table');
  table.replaceChildren(el('thead', {}, el('tr', {},
    ...[t('carrier'), t('factor_used'), t('source'), t('local_factor'), t('local_source')].map((h) => el('th', { scope: 'col', text: h })))));
  const body = el('tbody');
  for (const c of CAT.carriers) {
    const used = factorsUsed(r, c.code);
    const o = x.overrides[c.code] ?? { factor: '', source: '' };
    const factor = el('input', { 'aria-label': `${carrierLabel(c.code)}: ${t('local_factor')}`, inputmode: 'decimal', value: o.factor, 'data-override': c.code });
    const source = el('input', { class: 'factor-source', 'aria-label': `${carrierLabel(c.code)}: ${t('local_source')}`, value: o.source });
    const update = () => {
      if (factor.value.trim() === '' && source.value.trim() === '') delete x.overrides[c.code];
      else x.overrides[c.code] = { factor: factor.value, source: source.value };
      changed({ keepFactors: true });
    };
    factor.addEventListener('input', update);
    source.addEventListener('input', update);
    const provCell = el('td', { class: 'prov', text: used.source, title: used.citation });
    if (used.noncom) provCell.classList.add('noncom');
    body.append(el('tr', {}, el('th', { scope: 'row', text: carrierLabel(c.code) }),
      el('td', { text: used.value, 'data-raw': used.raw }),
      provCell, el('td', {}, factor), el('td', {}, source)));
  }
  table.append(body);
}

function provenanceText(p) {
  if (p.kind === 'user_override') return `${t('user_factor')}${p.source ? `: ${p.source}` : ''}`;
  if (p.kind === 'local_factor') return `local factor ${p.formula}${p.case ? ` (${p.case.replaceAll('_', ' ')})` : ''}`;
  if (p.kind === 'per_gas') return `${p.set} with ${p.gwp.toUpperCase()} GWP (CO2 ${p.co2_counted ? p.co2_kg_per_tj : 0}, CH4 ${p.ch4_kg_per_tj}, N2O ${p.n2o_kg_per_tj} kg/TJ)`;
  const where = [p.country, p.year].filter(Boolean).join(' ');
  const note = p.note ? ` — ${p.note}` : '';
  return `${p.set} ${p.source_id}${where ? ` (${where})` : ''} [${p.tag}]${note}${p.com ? '' : ` ${t('not_com')}`}`;
}

// ---------- rendering: results ----------

function renderResults({ factors = true } = {}) {
  const i = project.active;
  const r = resultFor(i);
  const report = last.result.report;
  const errs = $('errors');
  errs.replaceChildren();
  const mine = report.errors.filter((e) => !e.inventory_id || e.inventory_id === inventoryId(i));
  for (const e of mine) errs.append(el('li', { text: describeError(e) }));
  const gasUnit = active().gases === 'co2e' ? t('unit_t_co2e') : t('unit_t_co2');
  const set = (id, value, dp, unit) => {
    const node = $(id);
    node.textContent = value == null ? '–' : `${fmt(value, dp)} ${unit}`;
    node.dataset.raw = value ?? '';
  };
  set('total-emissions', r?.inventory.total_emissions, 2, gasUnit);
  set('total-energy', r?.inventory.total_energy, 2, 'MWh');
  set('per-capita', r?.inventory.per_capita_t, 2, `${gasUnit}/${t('inhabitant')}`);
  set('change', r?.change_vs_baseline_pct, 1, '%');
  set('target-emissions', r?.target?.emissions_t, 2, gasUnit);
  renderEmissionsTable(r);
  renderChart(r);
  if (factors) renderFactorTable();
  const warn = $('warnings');
  warn.replaceChildren();
  for (const w of report.warnings.filter((w) => w.inventory_id === inventoryId(i))) warn.append(el('li', { text: w.message }));
}

function describeError(e) {
  const where = last.batch.lines[e.file.replace('.csv', '')]?.[e.line];
  let place = '';
  if (where?.key !== undefined && e.file === 'activity.csv') {
    const [s, c] = where.key.split('|');
    place = `${sectorLabel(s)}${c ? ` / ${carrierLabel(c)}` : ''}: `;
  } else if (e.file === 'supply.csv' && where) {
    place = `${t('supply')} ${where.key + 1}: `;
  } else if (e.file === 'factors.csv' && where) {
    place = `${t('local_factor')} ${carrierLabel(where.key)}: `;
  } else if (e.column) {
    place = `${t(`field.${e.column}`)}: `;
  }
  return place + e.message;
}

function markInvalid() {
  for (const input of document.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
  for (const e of last.result.report.errors) {
    const where = last.batch.lines[e.file.replace('.csv', '')]?.[e.line];
    if (!where || where.inventory !== project.active) continue;
    const column = { electricity_mwh: 'electricity', heat_mwh: 'heat', emissions_t: 'emissions' }[e.column] ?? e.column;
    const node = e.file === 'supply.csv' ? document.querySelector(`[data-supply="${where.key}:${CSS.escape(column ?? '')}"]`)
      : e.file === 'activity.csv' ? document.querySelector(`[data-key="${CSS.escape(where.key)}"]`)
      : e.file === 'factors.csv' ? document.querySelector(`[data-override="${CSS.escape(where.key)}"]`) : null;
    node?.setAttribute('aria-invalid', 'true');
  }
}

function renderEmissionsTable(r) {
  const table = $('emissions-table');
  table.replaceChildren();
  if (!r) return;
  const inv = r.inventory;
  const carriers = inv.carriers.map((c) => c.key);
  const hasDirect = inv.cells.some((c) => c.carrier === null);
  const head = el('tr', {}, el('th', { scope: 'col', text: t('sector') }));
  for (const c of carriers) head.append(el('th', { scope: 'col', text: carrierLabel(c) }));
  if (hasDirect) head.append(el('th', { scope: 'col', text: t('emissions_direct') }));
  head.append(el('th', { scope: 'col', class: 'total', text: t('total') }));
  table.append(el('thead', {}, head));
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
    totals.append(el('td', { class: 'total', text: direct.length ? direct.map((d) => fmt(d)).join(' + ') : '' }));
  }
  totals.append(el('td', { class: 'total', text: fmt(inv.total_emissions), 'data-raw': inv.total_emissions }));
  body.append(totals);
  table.append(body);
}

/** Bar lengths need a ratio, so the chart (and only the chart) reads the engine's strings as numbers. */
function renderChart(r) {
  const box = $('chart');
  box.replaceChildren();
  if (!r || r.inventory.cells.length === 0) return;
  const inv = r.inventory;
  const unit = active().gases === 'co2e' ? t('unit_t_co2e') : t('unit_t_co2');
  const max = Math.max(...inv.sectors.map((s) => Number(s.emissions)), 1e-9);
  const rowH = 22, left = 360, width = 520, legendH = 18 * Math.ceil((inv.carriers.length + 1) / 3);
  const height = inv.sectors.length * rowH + 40 + legendH;
  const total = left + width + 90;
  const s = svg('svg', { viewBox: `0 0 ${total} ${height}`, width: total, height, role: 'img', 'aria-labelledby': 'chart-caption' });
  const carriers = CAT.carriers.map((c) => c.code);
  inv.sectors.forEach((sec, k) => {
    const y = 10 + k * rowH;
    s.append(svg('text', { x: left - 6, y: y + 14, 'text-anchor': 'end', text: sectorLabel(sec.key) }));
    let x = left;
    for (const cell of inv.cells.filter((c) => c.sector === sec.key)) {
      const w = (Number(cell.emissions) / max) * width;
      const color = cell.carrier ? COLORS[carriers.indexOf(cell.carrier)] : '#868e96';
      const rect = svg('rect', { x, y, width: Math.max(w, 0), height: rowH - 6, fill: color });
      rect.append(svg('title', { text: `${sectorLabel(sec.key)} · ${cell.carrier ? carrierLabel(cell.carrier) : t('emissions_direct')}: ${fmt(cell.emissions)} ${unit}` }));
      s.append(rect);
      x += w;
    }
    s.append(svg('text', { x: x + 4, y: y + 14, text: fmt(sec.emissions, 0) }));
  });
  const axisY = 10 + inv.sectors.length * rowH + 4;
  s.append(svg('line', { x1: left, y1: axisY, x2: left + width, y2: axisY, stroke: '#495057' }));
  s.append(svg('text', { x: left + width, y: axisY + 14, 'text-anchor': 'end', text: `${fmt(String(max.toFixed(0)), 0)} ${unit}` }));
  s.append(svg('text', { x: left, y: axisY + 14, text: '0' }));
  const legend = [...inv.carriers.map((c) => [carrierLabel(c.key), COLORS[carriers.indexOf(c.key)]])];
  if (inv.cells.some((c) => c.carrier === null)) legend.push([t('emissions_direct'), '#868e96']);
  legend.forEach(([label, color], k) => {
    const lx = 10 + (k % 3) * 280, ly = axisY + 24 + Math.floor(k / 3) * 18;
    s.append(svg('rect', { x: lx, y: ly, width: 12, height: 12, fill: color }));
    s.append(svg('text', { x: lx + 16, y: ly + 10, text: label }));
  });
  box.append(s);
}

function renderComparison() {
  const table = $('comparison');
  table.replaceChildren(el('thead', {}, el('tr', {}, ...[t('inventory'), t('year'), t('total_emissions'), t('per_capita'),
    t('change_vs_baseline'), t('target_emissions'), t('path'), t('distance'), t('needed_per_year')].map((h) => el('th', { scope: 'col', text: h })))));
  const body = el('tbody');
  const points = [];
  let path = null;
  project.inventories.forEach((x, i) => {
    const r = resultFor(i);
    const name = `${x.kind === 'baseline' ? t('baseline') : t('monitoring')}`;
    const p = r?.progress;
    const unitSuffix = (v, dp) => (v == null ? '–' : fmt(v, dp));
    body.append(el('tr', {}, el('th', { scope: 'row', text: name }), el('td', { text: x.year }),
      el('td', { text: r ? fmt(r.inventory.total_emissions) : t('not_computed'), 'data-raw': r?.inventory.total_emissions ?? '' }),
      el('td', { text: r ? fmt(r.inventory.per_capita_t) : '–' }),
      el('td', { text: r?.change_vs_baseline_pct != null ? `${fmt(r.change_vs_baseline_pct, 1)} %` : '–' }),
      el('td', { text: r?.target?.emissions_t != null ? fmt(r.target.emissions_t) : '–' }),
      el('td', { text: unitSuffix(p?.path, 2) }),
      el('td', { text: p ? `${fmt(p.distance, 2)} (${t(`status.${p.status}`)})` : '–', 'data-status': p?.status ?? '' }),
      el('td', { text: unitSuffix(p?.needed_per_year, 2) })));
    if (r) {
      points.push({ year: Number(x.year), label: `${name} ${x.year}`, value: r.inventory.total_emissions });
      if (r.trajectory) path = r.trajectory;
    }
  });
  table.append(body);
  renderTrajectoryChart(points, path);
}

/** Bars at their years and the straight-line path (absolute targets are in t; per-capita paths are
 * drawn against per-capita values). Bar heights need ratios, so the chart reads the strings as numbers. */
function renderTrajectoryChart(points, path) {
  const box = $('compare-chart');
  box.replaceChildren();
  if (points.length === 0) return;
  const perCapita = path?.unit === 'tonnes_per_inhabitant';
  const values = perCapita
    ? points.map((p) => ({ ...p, value: resultFor(project.inventories.findIndex((x) => String(x.year) === String(p.year)))?.inventory.per_capita_t ?? '0' }))
    : points;
  const years = values.map((p) => p.year).concat(path ? [path.base_year, path.target_year] : []);
  const y0 = Math.min(...years), y1 = Math.max(...years, y0 + 1);
  const max = Math.max(...values.map((p) => Number(p.value)), path ? Number(path.base_value) : 0, 1e-9);
  const h = 180, left = 60, width = 560, top = 14;
  const xOf = (y) => left + ((y - y0) / (y1 - y0)) * width;
  const yOf = (v) => top + h - (Number(v) / max) * h;
  const total = left + width + 260;
  const s = svg('svg', { viewBox: `0 0 ${total} ${h + 50}`, width: total, height: h + 50, role: 'img', 'aria-labelledby': 'trajectory-caption' });
  s.append(svg('line', { x1: left, y1: top + h, x2: left + width, y2: top + h, stroke: '#495057' }));
  for (const y of [y0, y1]) s.append(svg('text', { x: xOf(y), y: top + h + 16, 'text-anchor': 'middle', text: String(y) }));
  values.forEach((p, k) => {
    const x = xOf(p.year) - 12;
    const rect = svg('rect', { x, y: yOf(p.value), width: 24, height: top + h - yOf(p.value), fill: COLORS[k % COLORS.length] });
    rect.append(svg('title', { text: `${p.label}: ${fmt(p.value, perCapita ? 2 : 0)}` }));
    s.append(rect);
    s.append(svg('text', { x: x + 12, y: yOf(p.value) - 4, 'text-anchor': 'middle', text: fmt(p.value, perCapita ? 2 : 0) }));
  });
  if (path) {
    s.append(svg('line', { x1: xOf(path.base_year), y1: yOf(path.base_value), x2: xOf(path.target_year), y2: yOf(path.target_value),
      stroke: '#a4161a', 'stroke-width': 2, 'stroke-dasharray': '6 4' }));
    s.append(svg('text', { x: xOf(path.target_year) + 6, y: yOf(path.target_value) + 4,
      text: `${t('target')} ${path.target_year}: ${fmt(path.target_value, perCapita ? 2 : 0)}${perCapita ? ` ${t('unit_t_co2')}/${t('inhabitant')}` : ''}` }));
  }
  box.append(s);
}

function renderAll() {
  renderSetup();
  renderGrid();
  renderSupply();
  compute();
}

function changed({ keepFactors = false } = {}) {
  persist();
  if (keepFactors) {
    // Re-rendering the factor table would steal the focus from the field being typed in.
    const batch = buildBatch(project);
    last = { batch, result: runEngine(batch) };
    const table = $('factor-table');
    const r = resultFor(project.active);
    for (const row of table.tBodies[0]?.rows ?? []) {
      const carrier = row.querySelector('[data-override]')?.dataset.override;
      const used = factorsUsed(r, carrier);
      // cells[0] is the carrier's header cell; the value and its source follow.
      row.cells[1].textContent = used.value;
      row.cells[1].dataset.raw = used.raw;
      row.cells[2].textContent = used.source;
      row.cells[2].title = used.citation;
      row.cells[2].classList.toggle('noncom', used.noncom);
    }
    renderResults({ factors: false });
    renderComparison();
    markInvalid();
    return;
  }
  compute();
}

// ---------- import and export ----------

function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function fileKind(text) {
  const header = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0].toLowerCase();
  if (header.includes('sector')) return 'activity';
  if (header.includes('item')) return 'supply';
  if (header.includes('factor') && !header.includes('factor_set')) return 'factors';
  return 'inventories';
}

async function importFiles(files) {
  const texts = {};
  for (const f of files) {
    const text = await f.text();
    texts[fileKind(text)] = text;
  }
  importTexts(texts);
}

function importTexts(texts) {
  if (!texts.inventories || !texts.activity) { status(t('import_needs_files')); return; }
  const result = JSON.parse(runBatch(texts.inventories, texts.activity, texts.factors, texts.supply));
  const list = $('import-errors');
  list.replaceChildren();
  for (const e of result.report.errors.slice(0, 50)) list.append(el('li', { text: `${e.file}:${e.line}: ${e.message}` }));
  const invs = result.report.inventories;
  const choice = $('import-choice');
  choice.replaceChildren();
  invs.forEach((r, k) => {
    const s = r.inventory.spec;
    choice.append(el('option', { value: String(k), text: `${s.id} — ${s.city ?? ''} ${s.country} ${s.year} (${s.kind})` }));
  });
  pendingImport = result;
  if (invs.length === 1 && result.report.errors.length === 0) { applyImport(0); return; }
  $('import-pick').hidden = false;
  $('import-confirm').disabled = invs.length === 0;
  choice.focus();
}

/** Cells the page cannot hold, met while importing (shown after the import). */
let importNotes = [];

function toInventory(r) {
  const s = r.inventory.spec;
  const x = emptyInventory(s.kind, s.year);
  x.population = s.population != null ? String(s.population) : '';
  x.approach = s.approach; x.gases = s.gases; x.release = s.release ?? ''; x.gwp = s.gwp ?? '';
  if (s.target) x.target = { year: String(s.target.year), pct: s.target.reduction_pct, kind: s.target.kind, population: s.target.population != null ? String(s.target.population) : '' };
  for (const c of r.inventory.cells) {
    const key = `${c.sector}|${c.carrier ?? ''}`;
    const ns = c.inputs.map((i) => i.variant === 'non_sustainable');
    if (ns.includes(true) && ns.includes(false)) {
      // One grid cell holds one kind of biomass: a mix is named, not silently merged.
      importNotes.push(t('import_mixed_biomass', { id: s.id, cell: `${sectorLabel(c.sector)} / ${carrierLabel(c.carrier)}` }));
      continue;
    }
    // One input unit: keep it as given; several: the engine's energy in MWh.
    x.cells[key] = c.inputs.length === 1 ? { amount: c.inputs[0].amount, unit: c.inputs[0].unit }
      : { amount: c.energy, unit: 'MWh' };
    if (ns[0]) x.cells[key].ns = true;
  }
  for (const row of r.inventory.supply?.rows ?? []) {
    const q = row.row;
    x.supply.push({ item: q.item, plant: q.plant ?? '', electricity: q.electricity ?? '', heat: q.heat ?? '',
      carrier: q.fuel ? q.fuel[0] : '', amount: q.fuel ? q.fuel[1] : '', unit: q.fuel ? q.fuel[2] : 'MWh', emissions: q.emissions_t ?? '' });
  }
  for (const f of r.inventory.factors) {
    if (f.provenance.kind === 'user_override') x.overrides[f.carrier] = { factor: f.factor, source: f.provenance.source ?? '' };
  }
  return x;
}

function applyImport(k) {
  const invs = pendingImport.report.inventories;
  const picked = invs[k];
  const spec = picked.inventory.spec;
  // Bring the baseline along with a monitoring inventory, or the monitoring ones with a baseline.
  const related = invs.filter((r) => r === picked || r.inventory.spec.id === spec.baseline_id || r.inventory.spec.baseline_id === spec.id);
  related.sort((a, b) => (a.inventory.spec.kind === 'baseline' ? -1 : 1) - (b.inventory.spec.kind === 'baseline' ? -1 : 1) || a.inventory.spec.year - b.inventory.spec.year);
  importNotes = [];
  project = { version: 1, lang: project.lang, city: spec.city ?? '', country: spec.country, active: 0, inventories: related.map(toInventory) };
  project.active = related.indexOf(picked);
  $('import-pick').hidden = true;
  pendingImport = null;
  persist();
  renderAll();
  status([t('imported', { id: spec.id }), ...importNotes].join(' '));
}

function loadProjectText(text) {
  const p = JSON.parse(text);
  if (p?.version !== 1 || !Array.isArray(p.inventories) || p.inventories.length === 0) throw new Error(t('bad_project'));
  for (const x of p.inventories) {
    if (typeof x !== 'object' || typeof x.cells !== 'object' || typeof x.overrides !== 'object') throw new Error(t('bad_project'));
    x.target ??= { year: '', pct: '', kind: 'absolute', population: '' };
    x.supply ??= [];
    x.gwp ??= '';
  }
  p.active = Math.min(Math.max(0, p.active | 0), p.inventories.length - 1);
  p.lang = LANGS.includes(p.lang) ? p.lang : 'en';
  project = p;
}

async function loadExample() {
  const get = async (f) => (await fetch(`examples/kozani-2010/${f}`)).text();
  importTexts({ inventories: await get('inventories.csv'), activity: await get('activity.csv'), factors: await get('factors.csv') });
}

// ---------- wiring ----------

function wire() {
  const onSetup = (id, apply) => $(id).addEventListener('input', () => { apply($(id).value); persist(); renderTabs(); renderNationalFactor(); compute(); });
  onSetup('city', (v) => { project.city = v; });
  onSetup('country', (v) => { project.country = v; });
  onSetup('year', (v) => { active().year = v.trim(); });
  onSetup('population', (v) => { active().population = v.trim(); });
  onSetup('approach', (v) => { active().approach = v; });
  onSetup('gases', (v) => { active().gases = v; $('gwp').disabled = v !== 'co2e'; renderGrid(); });
  onSetup('release', (v) => { active().release = v; });
  onSetup('gwp', (v) => { active().gwp = v; });
  onSetup('target-year', (v) => { active().target.year = v.trim(); });
  onSetup('target-pct', (v) => { active().target.pct = v.trim(); });
  onSetup('target-kind', (v) => { active().target.kind = v; });
  onSetup('target-population', (v) => { active().target.population = v.trim(); });
  $('target-preset').addEventListener('change', () => {
    const v = $('target-preset').value;
    const tg = active().target;
    if (v === '') { tg.year = ''; tg.pct = ''; } else if (v !== 'custom') [tg.year, tg.pct] = v.split(':');
    persist(); renderSetup(); compute();
  });
  $('lang').addEventListener('change', async () => {
    project.lang = $('lang').value; persist();
    await loadMessages(project.lang);
    renderAll();
  });
  $('add-monitoring').addEventListener('click', () => {
    const base = project.inventories.find((x) => x.kind === 'baseline') ?? active();
    const m = emptyInventory('monitoring', '');
    m.approach = base.approach; m.gases = base.gases; m.release = base.release;
    project.inventories.push(m);
    project.active = project.inventories.length - 1;
    persist(); renderAll();
    $('year').focus();
  });
  $('remove-inventory').addEventListener('click', () => {
    if (project.inventories.length < 2) return;
    project.inventories.splice(project.active, 1);
    project.active = Math.max(0, project.active - 1);
    persist(); renderAll();
  });
  $('add-supply').addEventListener('click', () => {
    active().supply ??= [];
    active().supply.push({ item: 'electricity_production', plant: '', electricity: '', heat: '', carrier: '', amount: '', unit: 'MWh', emissions: '' });
    persist(); renderSupply(); compute();
  });
  $('new-project').addEventListener('click', () => { project = newProject(); persist(); renderAll(); });
  $('load-example').addEventListener('click', () => loadExample());
  $('save-project').addEventListener('click', () => download(`${project.city || 'covenant'}-project.json`, JSON.stringify(project, null, 2), 'application/json'));
  $('open-project').addEventListener('change', async (ev) => {
    const file = ev.target.files[0];
    ev.target.value = '';
    if (!file) return;
    try { loadProjectText(await file.text()); persist(); await loadMessages(project.lang); $('lang').value = project.lang; renderAll(); status(t('project_loaded')); }
    catch (e) { status(`${t('bad_project')} (${e.message})`); }
  });
  $('import-batch').addEventListener('change', async (ev) => { const files = [...ev.target.files]; ev.target.value = ''; await importFiles(files); });
  $('import-confirm').addEventListener('click', () => applyImport(parseInt($('import-choice').value, 10)));
  $('import-cancel').addEventListener('click', () => { $('import-pick').hidden = true; pendingImport = null; });
  $('export-csv').addEventListener('click', () => {
    download('emissions.csv', last.result.emissions_csv, 'text/csv');
    download('summary.csv', last.result.summary_csv, 'text/csv');
  });
  $('export-batch').addEventListener('click', () => {
    download('inventories.csv', last.batch.inv, 'text/csv');
    download('activity.csv', last.batch.act, 'text/csv');
    download('factors.csv', last.batch.fac, 'text/csv');
    download('supply.csv', last.batch.sup, 'text/csv');
  });
  $('export-json').addEventListener('click', () => download('results.json', JSON.stringify(last.result.report, null, 2), 'application/json'));
  $('export-xlsx').addEventListener('click', async () => {
    try {
      // The XLSX writer is a separate module, loaded the first time a workbook is asked for.
      const xlsx = await import('./pkg/covenant_xlsx.js');
      await xlsx.default();
      const b = last.batch;
      const bytes = xlsx.xlsxWorkbook(b.inv, b.act, b.fac, b.hasSupply ? b.sup : undefined, inventoryId(project.active));
      download(`${inventoryId(project.active)}.xlsx`, bytes, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    } catch (e) { status(e.message); }
  });
  $('print').addEventListener('click', () => window.print());
}

async function main() {
  await init();
  CAT = JSON.parse(catalog());
  $('engine-version').textContent = version();
  for (const c of CAT.countries) $('country').append(el('option', { value: c.code, text: `${c.code} — ${c.name}` }));
  $('release').append(el('option', { value: '', text: CAT.releases.find((r) => r.default)?.id ?? '' }));
  for (const r of CAT.releases.filter((r) => !r.default)) $('release').append(el('option', { value: r.id, text: r.id }));
  let saved = null;
  try { saved = localStorage.getItem(STORAGE_KEY); } catch { /* storage disabled */ }
  project = { lang: 'en' };
  if (saved) {
    try { loadProjectText(saved); } catch { project = newProject(); }
  }
  await loadMessages(project.lang ?? 'en');
  $('lang').value = project.lang ?? 'en';
  wire();
  if (!saved) { project = newProject(); await loadExample(); } else renderAll();
  document.body.dataset.readyMs = performance.now().toFixed(1);
  document.body.dataset.ready = 'true';
}

main().catch((e) => { status(String(e)); document.body.dataset.ready = 'error'; throw e; });
