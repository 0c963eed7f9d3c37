// The project: what the officer entered, as plain data. Projects are never mutated in place:
// every edit returns a new project that shares the unchanged parts (so the undo history is cheap).
// This module also writes the batch files the engine reads, and turns an engine report back into
// inventories (imports). It does no arithmetic: amounts are the decimal strings the officer typed,
// read by numbers.js.

export const NON_ENERGY = ['waste', 'wastewater', 'other_non_energy'];
export const SUPPLY_ITEMS = ['electricity_production', 'chp', 'green_purchase', 'heat_production', 'heat_import', 'heat_export'];
/** The implementation status of an action, as the SECAP template offers it (a plan may give any other text). */
export const ACTION_STATUSES = ['not_started', 'ongoing', 'completed', 'postponed'];
export const PROJECT_VERSION = 2;

const uid = () => crypto.randomUUID();

export function emptyInventory(kind = 'baseline', fields = {}) {
  return { uid: uid(), id: '', city: '', country: 'IT', year: '', kind, baseline: '', population: '', approach: 'ipcc',
    gases: 'co2', release: '', gwp: '', target: { year: '', pct: '', kind: 'absolute', population: '' }, chp: null,
    cells: {}, overrides: {}, supply: [], actions: [], framework: 'secap', crf: [], ...fields };
}

export function newProject(name = '') {
  const p = { version: PROJECT_VERSION, id: uid(), name, active: 0, inventories: [], batchFactors: [] };
  return addInventory(p, emptyInventory('baseline', { year: '' }));
}

/** True when nothing was entered (a new project). */
export function isEmpty(p) {
  return p.inventories.every((x) => Object.keys(x.cells).length === 0 && Object.keys(x.overrides).length === 0
    && x.supply.length === 0 && (x.actions ?? []).length === 0 && (x.crf ?? []).length === 0 && x.city === '' && x.population === ''
    && x.year === '');
}

/** A fresh inventory id, unique in the project. */
export function freshId(p, base) {
  const taken = new Set(p.inventories.map((x) => x.id));
  const stem = base.replace(/[^\p{L}\p{N}_-]+/gu, '-').replace(/^[-=+@]+|-+$/gu, '') || 'inventory';
  if (!taken.has(stem)) return stem;
  for (let n = 2; ; n++) if (!taken.has(`${stem}-${n}`)) return `${stem}-${n}`;
}

export function addInventory(p, x) {
  const id = x.id || freshId(p, x.kind === 'baseline' ? 'baseline' : 'monitoring');
  const inventories = [...p.inventories, { ...x, id }];
  return { ...p, inventories, active: inventories.length - 1 };
}

/** The project with inventory `i` replaced by `fn(inventory)`. */
export function withInventory(p, i, fn) {
  return { ...p, inventories: p.inventories.map((x, k) => (k === i ? fn(x) : x)) };
}

/** Removes inventory `i` and the monitoring inventories that compare with it. */
export function removeInventory(p, i) {
  const gone = p.inventories[i];
  const keep = p.inventories.filter((x, k) => k !== i && !(gone.kind === 'baseline' && x.baseline === gone.id));
  if (keep.length === 0) return null;
  return { ...p, inventories: keep, active: Math.min(Math.max(0, i - 1), keep.length - 1) };
}

/** The baseline an inventory is compared with (itself for a baseline). */
export function baselineOf(p, i) {
  const x = p.inventories[i];
  if (!x) return -1;
  if (x.kind === 'baseline') return i;
  return p.inventories.findIndex((b) => b.kind === 'baseline' && b.id === x.baseline);
}

/** The inventories compared with the active one's baseline: [index], baseline first. */
export function group(p) {
  const b = baselineOf(p, p.active);
  if (b < 0) return [p.active];
  const id = p.inventories[b].id;
  return [b, ...p.inventories.map((x, i) => i).filter((i) => p.inventories[i].kind === 'monitoring' && p.inventories[i].baseline === id)];
}

/** A cell: a list of parts (one per unit; imports may bring several). */
export const cellParts = (x, key) => x.cells[key]?.parts ?? [];

export function withCellPart(x, key, k, part) {
  const parts = [...cellParts(x, key)];
  if (part === null) parts.splice(k, 1); else parts[k] = part;
  const cells = { ...x.cells };
  if (parts.length === 0 || parts.every((q) => q.amount === '' && !q.text)) delete cells[key];
  else cells[key] = { parts };
  return { ...x, cells };
}

// ---------- action plans ----------

/** The first id `A<n>` not taken in the plan of inventory `x`. */
export function freshActionId(x) {
  const taken = new Set((x.actions ?? []).map((a) => a.id));
  for (let n = (x.actions ?? []).length + 1; ; n++) if (!taken.has(`A${n}`)) return `A${n}`;
}

/**
 * A new action of the plan of `x`: an energy saving of electricity in the residential buildings,
 * from the baseline year to the target year (the officer changes what differs).
 */
export function newAction(x) {
  const year = typeof x.year === 'string' ? x.year : '';
  const target = typeof x.target?.year === 'string' && x.target.year !== '' ? x.target.year : year;
  return { id: freshActionId(x), title: '', sector: 'residential_buildings', kind: 'energy_saving', carrier: 'electricity',
    to_carrier: '', amount: '', unit: 'MWh', start_year: year, end_year: target, cost: '', status: '', responsible: '' };
}

/** Inventory `x` with action `k` replaced by `a` (removed when `a` is null). */
export function withAction(x, k, a) {
  const actions = [...(x.actions ?? [])];
  if (a === null) actions.splice(k, 1); else actions[k] = a;
  return { ...x, actions };
}

// ---------- CRF inventories ----------

/** The fields of a CRF row the officer enters (besides its line), as the columns of crf_activity.csv name them. */
export const CRF_TEXT_FIELDS = ['fuel', 'unit', 'factor_unit', 'notation_key', 'explanation', 'description', 'activity_source', 'factor_source'];
export const CRF_NUMBER_FIELDS = ['amount', 'co2_factor', 'ch4_factor', 'n2o_factor', 'co2e_factor', 'biogenic_co2_factor',
  'co2_tco2e', 'ch4_tco2e', 'n2o_tco2e', 'total_tco2e', 'biogenic_co2_t'];
export const CRF_COLUMNS = ['inventory_id', 'gpc_ref', 'crf_subsector', 'scope', 'fuel', 'amount', 'unit', 'factor_unit', 'co2_factor',
  'ch4_factor', 'n2o_factor', 'co2e_factor', 'biogenic_co2_factor', 'co2_tco2e', 'ch4_tco2e', 'n2o_tco2e', 'total_tco2e', 'biogenic_co2_t',
  'notation_key', 'explanation', 'description', 'activity_source', 'factor_source'];

/** The key of a line of the CRF (of the engine's catalogue): its GPC reference, sub-sector and scope. */
export const crfLineKey = (l) => `${l.gpc_ref ?? ''}|${l.subsector}|${l.scope}`;

/** A new row of a CRF inventory, on `line` (a line key), nothing entered. */
export function newCrfRow(line) {
  const row = { uid: uid(), line };
  for (const f of [...CRF_TEXT_FIELDS, ...CRF_NUMBER_FIELDS]) row[f] = '';
  return row;
}

/** Inventory `x` with CRF row `k` replaced by `r` (removed when `r` is null). */
export function withCrfRow(x, k, r) {
  const crf = [...(x.crf ?? [])];
  if (r === null) crf.splice(k, 1); else crf[k] = r;
  return { ...x, crf };
}

/** Whether a CRF row has nothing entered but its line (it is not written: not entered yet). */
export const crfRowEmpty = (r) => [...CRF_TEXT_FIELDS, ...CRF_NUMBER_FIELDS].every((f) => entry(r[f]) === '');

/** A CRF inventory reports CO2-equivalents (the engine refuses `co2`). */
export function withFramework(x, framework) {
  if (framework === 'crf') return { ...x, framework, gases: 'co2e' };
  return { ...x, framework: 'secap' };
}

// ---------- batch files ----------

function csvField(v) {
  const s = String(v ?? '');
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s;
}
const csvRow = (fields) => `${fields.map(csvField).join(',')}\n`;

export const INVENTORY_COLUMNS = ['inventory_id', 'city', 'country', 'year', 'kind', 'baseline_id', 'population',
  'approach', 'gases', 'factor_set', 'target_year', 'target_reduction_pct', 'target_kind', 'target_population', 'gwp',
  'chp_eta_heat', 'chp_eta_electricity'];
export const SUPPLY_COLUMNS = ['inventory_id', 'item', 'plant', 'electricity_mwh', 'heat_mwh', 'carrier', 'amount', 'unit', 'emissions_t'];
export const ACTION_COLUMNS = ['inventory_id', 'action_id', 'title', 'sector', 'kind', 'carrier', 'to_carrier', 'amount', 'unit',
  'start_year', 'end_year', 'cost', 'status', 'responsible'];

/** Marks an entry the page could not read: the engine refuses it (an ambiguous "70.000" could be a
 * valid decimal to the engine), so an inventory with such an entry is never computed. */
export const unread = (text) => `${text} ?`;

/** The value a field gives the engine: the plain decimal as read, or the marked text when it was not read. */
export const entry = (v) => (v && typeof v === 'object' ? unread(v.text ?? '') : (v ?? ''));

/**
 * The batch files of a project, and for every line the place in the page it came from (so that
 * the engine's messages point at a cell or a field, never at a file).
 */
export function buildBatch(p) {
  // The framework column and crf_activity.csv only when the project has a CRF inventory: a SECAP
  // project writes what it always wrote.
  const hasCrf = p.inventories.some((x) => x.framework === 'crf');
  let inv = csvRow([...INVENTORY_COLUMNS, ...(hasCrf ? ['framework'] : [])]);
  let crf = csvRow(CRF_COLUMNS);
  let crfLine = 1;
  let act = csvRow(['inventory_id', 'sector', 'carrier', 'amount', 'unit', 'sustainable']);
  // Local calorific values and densities go in two more columns of factors.csv, when there are any.
  const fuel = p.inventories.some((x) => Object.values(x.overrides).some((o) => entry(o.ncv) !== '' || entry(o.density) !== ''));
  const fuelColumns = (o) => (fuel ? [entry(o.ncv), entry(o.density)] : []);
  let fac = csvRow(['inventory_id', 'carrier', 'factor', 'source', ...(fuel ? ['ncv_gj_per_t', 'density_kg_per_l'] : [])]);
  let sup = csvRow(SUPPLY_COLUMNS);
  let actions = csvRow(ACTION_COLUMNS);
  const lines = { inventories: {}, activity: {}, factors: {}, supply: {}, actions: {}, crf: {} };
  let invLine = 1, actLine = 1, facLine = 1, supLine = 1, actionLine = 1;
  // Factor rows keep the order of the lines they were imported from (a user factor without a source
  // is named by its line in the outputs); new ones and rows of calorific values only come after.
  const facRows = [];
  for (const o of p.batchFactors ?? []) {
    facRows.push({ line: o.line ?? Infinity, row: ['', o.carrier, entry(o.factor), o.source, ...fuelColumns({})], place: { inventory: null, carrier: o.carrier } });
  }
  p.inventories.forEach((x, i) => {
    const tg = x.target ?? {};
    const hasTarget = x.kind === 'baseline' && (entry(tg.year) !== '' || entry(tg.pct) !== '');
    inv += csvRow([x.id, x.city, x.country, entry(x.year), x.kind, x.kind === 'monitoring' ? x.baseline : '',
      entry(x.population), x.approach, x.gases, x.release, hasTarget ? entry(tg.year) : '', hasTarget ? entry(tg.pct) : '',
      hasTarget ? tg.kind : '', hasTarget ? entry(tg.population) : '', x.gases === 'co2e' ? (x.gwp ?? '') : '',
      x.chp?.heat ?? '', x.chp?.electricity ?? '', ...(hasCrf ? [x.framework === 'crf' ? 'crf' : 'secap'] : [])]);
    lines.inventories[++invLine] = { inventory: i };
    // A CRF row with nothing entered but its line is not entered yet. The line is named by its
    // reference, or by sub-sector and scope where the template gives none or several lines share it.
    if (x.framework === 'crf') {
      (x.crf ?? []).forEach((r, k) => {
        if (crfRowEmpty(r)) return;
        const [ref, subsector, scope] = r.line.split('|');
        const byRef = ref !== '' && ref !== 'I.4.4';
        crf += csvRow([x.id, ref, byRef ? '' : subsector, byRef ? '' : scope, r.fuel, entry(r.amount), r.unit, r.factor_unit,
          ...CRF_NUMBER_FIELDS.slice(1).map((f) => entry(r[f])), r.notation_key, r.explanation, r.description, r.activity_source, r.factor_source]);
        lines.crf[++crfLine] = { inventory: i, row: k };
      });
      // The SECAP entries of an inventory switched to the CRF stay in the project (switching back
      // finds them) but are not written: the engine would refuse them for a CRF inventory.
      return;
    }
    for (const [key, c] of Object.entries(x.cells)) {
      const [sector, carrier] = key.split('|');
      c.parts.forEach((q, k) => {
        const amount = q.text !== undefined ? unread(q.text) : q.amount;
        if (amount === '') return;
        act += csvRow([x.id, sector, carrier, amount, q.unit, q.ns ? 'no' : '']);
        lines.activity[++actLine] = { inventory: i, key, part: k };
      });
    }
    for (const [carrier, o] of Object.entries(x.overrides)) {
      const factorless = entry(o.factor) === '' && (o.source ?? '') === '';
      if (factorless && entry(o.ncv) === '' && entry(o.density) === '') continue;
      facRows.push({ line: factorless ? Infinity : (o.line ?? Infinity), row: [x.id, carrier, entry(o.factor), o.source ?? '', ...fuelColumns(o)],
        place: { inventory: i, carrier } });
    }
    (x.supply ?? []).forEach((r, k) => {
      const fuel = r.carrier !== '';
      sup += csvRow([x.id, r.item, r.plant, entry(r.electricity), entry(r.heat), fuel ? r.carrier : '',
        fuel ? entry(r.amount) : '', fuel ? r.unit : '', entry(r.emissions)]);
      lines.supply[++supLine] = { inventory: i, row: k };
    });
    // An action without an amount is not entered yet (as an empty cell of the energy table).
    (x.actions ?? []).forEach((a, k) => {
      const amount = entry(a.amount);
      if (amount === '') return;
      actions += csvRow([x.id, a.id, a.title, a.sector, a.kind, a.carrier, a.kind === 'fuel_switch' ? a.to_carrier : '', amount, a.unit,
        entry(a.start_year), entry(a.end_year), entry(a.cost), a.status, a.responsible]);
      lines.actions[++actionLine] = { inventory: i, row: k };
    });
  });
  facRows.sort((a, b) => (a.line === b.line ? 0 : a.line < b.line ? -1 : 1));
  for (const r of facRows) {
    fac += csvRow(r.row);
    lines.factors[++facLine] = r.place;
  }
  return { inv, act, fac, sup, actions, crf, lines, hasFactors: facLine > 1, hasSupply: supLine > 1, hasActions: actionLine > 1, hasCrf };
}

// ---------- imports: an engine report back into inventories ----------

const plain = (v) => (String(v).includes('.') ? String(v).replace(/\.?0+$/, '') : String(v));

/**
 * One computed inventory of a report, as the page holds it (ids, units and amounts as given).
 * `fuelDefaults(release, carrier)` gives the release's `{ ncv, density }`: a conversion that used
 * another value used a local one from factors.csv, which the inventory keeps.
 */
export function inventoryFromResult(r, fuelDefaults = () => ({})) {
  const s = r.inventory.spec;
  const x = emptyInventory(s.kind, {
    id: s.id, city: s.city ?? '', country: s.country, year: String(s.year), baseline: s.baseline_id ?? '',
    population: s.population != null ? String(s.population) : '', approach: s.approach, gases: s.gases,
    release: s.release ?? '', gwp: s.gwp ?? '',
    chp: s.chp_efficiencies ? { heat: s.chp_efficiencies.heat, electricity: s.chp_efficiencies.electricity } : null,
  });
  if (s.framework === 'crf') {
    x.framework = 'crf';
    const text = (v) => (v == null ? '' : String(v));
    for (const { input: q } of r.inventory.crf?.rows ?? []) {
      const line = `${q.line.gpc_ref ?? ''}|${q.line.subsector}|${String(q.line.scope).replace('scope_', '')}`;
      x.crf.push({ ...newCrfRow(line), fuel: text(q.fuel), amount: text(q.amount), unit: text(q.unit), factor_unit: text(q.factor_unit),
        co2_factor: text(q.factors.co2), ch4_factor: text(q.factors.ch4), n2o_factor: text(q.factors.n2o), co2e_factor: text(q.factors.co2e),
        biogenic_co2_factor: text(q.factors.biogenic), co2_tco2e: text(q.emissions.co2), ch4_tco2e: text(q.emissions.ch4),
        n2o_tco2e: text(q.emissions.n2o), total_tco2e: text(q.emissions.co2e), biogenic_co2_t: text(q.emissions.biogenic),
        notation_key: text(q.key), explanation: text(q.explanation), description: text(q.description),
        activity_source: text(q.activity_source), factor_source: text(q.factor_source) });
    }
  }
  if (s.target) {
    x.target = { year: String(s.target.year), pct: s.target.reduction_pct, kind: s.target.kind,
      population: s.target.population != null ? String(s.target.population) : '' };
  }
  for (const c of r.inventory.cells) {
    const key = `${c.sector}|${c.carrier ?? ''}`;
    const parts = c.inputs.map((q) => ({ amount: q.amount, unit: q.unit, ...(q.variant === 'non_sustainable' ? { ns: true } : {}) }));
    if (parts.length) x.cells[key] = { parts };
    const d = fuelDefaults(r.inventory.release, c.carrier);
    for (const q of c.inputs) {
      for (const [field, given, def] of [['ncv', q.ncv_gj_per_t, d.ncv], ['density', q.density_kg_per_l, d.density]]) {
        if (given != null && (def == null || plain(given) !== plain(def))) {
          x.overrides[c.carrier] = { factor: '', source: '', ...x.overrides[c.carrier], [field]: given };
        }
      }
    }
  }
  for (const row of r.inventory.supply?.rows ?? []) {
    const q = row.row;
    x.supply.push({ item: q.item, plant: q.plant ?? '', electricity: q.electricity ?? '', heat: q.heat ?? '',
      carrier: q.fuel ? q.fuel[0] : '', amount: q.fuel ? q.fuel[1] : '', unit: q.fuel ? q.fuel[2] : 'MWh', emissions: q.emissions_t ?? '' });
  }
  for (const { action: a } of r.plan?.actions ?? []) {
    x.actions.push({ id: a.id, title: a.title ?? '', sector: a.sector, kind: a.kind, carrier: a.carrier ?? '', to_carrier: a.to_carrier ?? '',
      amount: a.amount, unit: a.unit, start_year: String(a.start_year), end_year: String(a.end_year), cost: a.cost ?? '',
      status: a.status ?? '', responsible: a.responsible ?? '' });
  }
  const batchWide = [];
  for (const f of r.inventory.factors) {
    const pv = f.provenance;
    if (pv.kind !== 'user_override') continue;
    const o = { factor: f.factor, source: pv.source ?? '', ...(pv.line ? { line: pv.line } : {}) };
    if (pv.scope === 'batch') batchWide.push({ carrier: f.carrier, line: pv.line ?? 0, ...o });
    else if (!x.overrides[f.carrier] || x.overrides[f.carrier].factor === '') x.overrides[f.carrier] = { ...x.overrides[f.carrier], ...o };
  }
  return { inventory: x, batchWide };
}

/** The inventories of a report (all, or those whose ids are listed), with the batch-wide factors. */
export function fromReport(report, ids = null, fuelDefaults = undefined) {
  const picked = report.inventories.filter((r) => ids === null || ids.includes(r.inventory.spec.id));
  const seen = new Map();
  const inventories = picked.map((r) => {
    const { inventory, batchWide } = inventoryFromResult(r, fuelDefaults);
    for (const b of batchWide) if (!seen.has(b.line)) seen.set(b.line, b);
    return inventory;
  });
  const batchFactors = [...seen.values()].sort((a, b) => a.line - b.line)
    .map(({ carrier, factor, source, line }) => ({ carrier, factor, source, ...(line ? { line } : {}) }));
  return { inventories, batchFactors };
}

// ---------- project files ----------

/** Checks a project read from a file or from storage, and brings a version-1 project up to date. */
export function checkProject(p) {
  if (typeof p !== 'object' || p === null || !Array.isArray(p.inventories) || p.inventories.length === 0) return null;
  if (p.version === 1) {
    // Version 1: one city and country for the project, amounts as typed, generated ids.
    const ids = p.inventories.map((x, i) => `${x.kind === 'baseline' ? 'BEI' : 'MEI'}-${x.year || '?'}-${i + 1}`);
    const base = p.inventories.findIndex((x) => x.kind === 'baseline');
    p = { version: PROJECT_VERSION, id: uid(), name: p.city ?? '', active: p.active | 0, batchFactors: [],
      inventories: p.inventories.map((x, i) => ({
        ...emptyInventory(x.kind), ...x, id: ids[i], city: p.city ?? '', country: p.country ?? 'IT',
        baseline: x.kind === 'monitoring' && base >= 0 ? ids[base] : '',
        cells: Object.fromEntries(Object.entries(x.cells ?? {}).map(([k, c]) => [k, { parts: [{ amount: String(c.amount ?? '').trim().replace(/^(\d+),(\d+)$/, '$1.$2'), unit: c.unit ?? 'MWh', ...(c.ns ? { ns: true } : {}) }] }])),
      })) };
  }
  if (p.version !== PROJECT_VERSION) return null;
  for (const x of p.inventories) {
    if (typeof x !== 'object' || typeof x.cells !== 'object' || typeof x.overrides !== 'object' || typeof x.id !== 'string') return null;
    x.uid ??= uid();
    x.target ??= { year: '', pct: '', kind: 'absolute', population: '' };
    x.supply ??= [];
    x.actions ??= [];
    if (!Array.isArray(x.actions) || x.actions.some((a) => typeof a !== 'object' || a === null)) return null;
    x.gwp ??= '';
    x.chp ??= null;
    // Projects saved before CRF inventories hold SECAP inventories only.
    x.framework = x.framework === 'crf' ? 'crf' : 'secap';
    x.crf ??= [];
    if (!Array.isArray(x.crf) || x.crf.some((r) => typeof r !== 'object' || r === null || typeof r.line !== 'string')) return null;
    for (const r of x.crf) r.uid ??= uid();
    for (const c of Object.values(x.cells)) if (!Array.isArray(c?.parts)) return null;
  }
  p.id ??= uid();
  p.name ??= '';
  p.batchFactors ??= [];
  p.active = Math.min(Math.max(0, p.active | 0), p.inventories.length - 1);
  return p;
}

/** A short name for the project list: the cities of its inventories. */
export function projectTitle(p) {
  if (p.name) return p.name;
  const cities = [...new Set(p.inventories.map((x) => x.city).filter(Boolean))];
  return cities.slice(0, 3).join(', ') + (cities.length > 3 ? ` +${cities.length - 3}` : '');
}
