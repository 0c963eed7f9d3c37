// The engine's thread. Every batch run happens here, so that typing, imports of millions of rows
// and recomputations of large projects never block the page. Messages: init (the compiled module
// and the factor tables), compute (a project → what the views show), import (files → the
// inventories they hold), take (the picked inventories of the last import), outputs and files
// (exports), xlsx and ecrf (workbooks).

import init, { batchOutputs, catalog, loadFactors, runBatchWithProgress } from '../pkg/covenant_wasm.js';
import { buildBatch, fromReport } from './model.js';
import { deleteProject, saveProject } from './storage.js';

let ready = null;
let factors = null;  // the text of pkg/factors.json, for the XLSX module too
let imported = null;
// Every inventory the page has sent, by version id (see engine.js).
const inventories = new Map();
let taken = 1;
const resolve = (project) => ({ ...project, inventories: project.inventories.map((v) => inventories.get(v)) });
const LISTED = 300;

const run = (b, progress = () => {}) => JSON.parse(runBatchWithProgress(b.inv, b.act,
  b.hasFactors === false ? undefined : b.fac, b.hasSupply ? b.sup : undefined, progress, b.hasActions ? b.actions : undefined,
  b.hasCrf ? b.crf : undefined));

/** The optional files of a batch the page wrote, as the engine's functions take them after the two required ones. */
const optional = (b) => [b.hasFactors ? b.fac : undefined, b.hasSupply ? b.sup : undefined];

const FILE_OF = { 'inventories.csv': 'inventories', 'activity.csv': 'activity', 'factors.csv': 'factors', 'supply.csv': 'supply',
  'actions.csv': 'actions', 'crf_activity.csv': 'crf' };
/** The field of a CRF row each column of crf_activity.csv is entered in (the line is one choice). */
const CRF_FIELD = { gpc_ref: 'line', crf_subsector: 'line', scope: 'line', inventory_id: 'line' };
/** The set-up field that settles a warning about a plan (it has no line of its own). */
const PLAN_FIELD = { plan_without_target: 'target_year', plan_needs_target_population: 'target_population' };
/** The field of an action each column of actions.csv is entered in. */
const ACTION_FIELD = { action_id: 'id', inventory_id: 'id' };

/** Where in the page an engine message belongs: an inventory and a cell, field, factor or supply row. */
function place(d, lines, ids) {
  const map = lines[FILE_OF[d.file]]?.[d.line];
  const byId = d.inventory_id != null ? ids.get(d.inventory_id) : undefined;
  // A key sector without data concerns the sector's row of the energy table.
  if (d.code === 'missing_key_sector' && d.params?.sector) return { inventory: map?.inventory ?? byId ?? null, kind: 'sector', sector: d.params.sector };
  if (PLAN_FIELD[d.code]) return { inventory: map?.inventory ?? byId ?? null, kind: 'field', field: PLAN_FIELD[d.code], plan: true };
  if (!map) return { inventory: byId ?? null, kind: d.file === 'inventories.csv' && d.column ? 'field' : null, field: d.column ?? null };
  switch (FILE_OF[d.file]) {
    case 'inventories': return { inventory: map.inventory, kind: 'field', field: d.column ?? null };
    case 'activity': return { inventory: map.inventory, kind: 'cell', key: map.key, part: map.part };
    case 'factors': return { inventory: map.inventory ?? byId ?? null, kind: 'factor', carrier: map.carrier, field: d.column ?? 'factor' };
    case 'supply': return { inventory: map.inventory, kind: 'supply', row: map.row, field: d.column ?? null };
    case 'actions': return { inventory: map.inventory, kind: 'action', row: map.row, field: ACTION_FIELD[d.column] ?? d.column ?? null };
    case 'crf': return { inventory: map.inventory, kind: 'crf', row: map.row, field: CRF_FIELD[d.column] ?? d.column ?? 'line' };
    default: return { inventory: byId ?? null, kind: null };
  }
}

const diag = (severity) => (d) => ({ severity, code: d.code ?? null, params: d.params ?? {}, message: d.message,
  column: d.column ?? null, value: d.value ?? null, inventory_id: d.inventory_id ?? null });

function compute(project) {
  const t0 = performance.now();
  const b = buildBatch(project);
  const t1 = performance.now();
  const report = run(b);
  const t2 = performance.now();
  const ids = new Map(project.inventories.map((x, i) => [x.id, i]));
  const byId = new Map(report.inventories.map((r) => [r.inventory.spec.id, r]));
  const active = project.active;
  const activeBase = project.inventories[active]?.kind === 'baseline' ? project.inventories[active].id : project.inventories[active]?.baseline;
  const summaries = project.inventories.map((x) => {
    const r = byId.get(x.id);
    if (!r) return null;
    const inv = r.inventory;
    // A CRF inventory's activity is not all energy: it has no total energy.
    return { total_emissions: inv.total_emissions, total_energy: inv.crf ? null : inv.total_energy, per_capita_t: inv.per_capita_t,
      change_vs_baseline_pct: r.change_vs_baseline_pct, target: r.target, progress: r.progress, release: inv.release,
      trajectory: x.id === activeBase ? r.trajectory : null };
  });
  const full = byId.get(project.inventories[active]?.id) ?? null;
  if (full) for (const c of full.inventory.cells) c.lines = [];
  if (full?.plan) {
    // Each action's row in the page, and the plan's reduction by sector (from the engine).
    for (const a of full.plan.actions) a.row = b.lines.actions[a.action.line]?.row ?? null;
    full.plan.by_sector = report.plan_by_sector?.find(([id]) => id === full.inventory.spec.id)?.[1] ?? [];
  }
  if (full?.inventory.crf) {
    // Each CRF row's row in the page, and the eCRF_2 summary (from the engine).
    for (const row of full.inventory.crf.rows) row.page_row = b.lines.crf[row.input.input_line]?.row ?? null;
    full.crf_summary = report.crf_summary?.find(([id]) => id === full.inventory.spec.id)?.[1] ?? [];
  }
  const counts = project.inventories.map(() => 0);
  const diagnostics = [];
  let total = 0;
  for (const [severity, list] of [['error', report.errors], ['warning', report.warnings]]) {
    for (const d of list) {
      const where = place(d, b.lines, ids);
      if (where.inventory !== null && severity === 'error') counts[where.inventory]++;
      total++;
      // The active inventory's messages and those of the whole project, up to a limit.
      if ((where.inventory === null || where.inventory === active) && diagnostics.length < LISTED) {
        diagnostics.push({ ...diag(severity)(d), place: where });
      }
    }
  }
  // Timings for the page benchmark: writing the batch files, the engine (with its JSON), the rest.
  const timing = { batch: t1 - t0, engine: t2 - t1, view: performance.now() - t2 };
  return { summaries, active: full, diagnostics, errorCounts: counts, total, timing };
}

function kindOf(text) {
  const header = text.slice(0, 4096).replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0].toLowerCase();
  if (/(^|,)\s*"?(gpc_ref|crf_subsector)"?\s*(,|$)/.test(header)) return 'crf';
  if (/(^|,)\s*"?action_id"?\s*(,|$)/.test(header)) return 'actions';
  if (/(^|,)\s*"?sector"?\s*(,|$)/.test(header)) return 'activity';
  if (/(^|,)\s*"?item"?\s*(,|$)/.test(header)) return 'supply';
  if (/(^|,)\s*"?factor"?\s*(,|$)/.test(header) || header.includes('ncv_gj_per_t')) return 'factors';
  return 'inventories';
}

function countLines(text) {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

async function importFiles(files, post) {
  const texts = {};
  const names = {};
  for (const f of files) {
    const text = await f.text();
    const kind = kindOf(text);
    texts[kind] = text;
    names[`${kind}.csv`] = f.name;
  }
  // CRF inventories need no activity.csv (as with the command line's --crf-activity).
  if (!texts.inventories || (!texts.activity && !texts.crf)) return { missing: true };
  texts.activity ??= 'inventory_id,sector,carrier,amount,unit\n';
  const total = countLines(texts.activity) + (texts.crf ? countLines(texts.crf) : 0);
  post({ done: 0, total });
  const report = run({ inv: texts.inventories, act: texts.activity, fac: texts.factors, hasFactors: texts.factors !== undefined,
    sup: texts.supply, hasSupply: texts.supply !== undefined, actions: texts.actions, hasActions: texts.actions !== undefined,
    crf: texts.crf, hasCrf: texts.crf !== undefined },
  (rows) => post({ done: rows, total }));
  post({ done: total, total });
  imported = report;
  const errors = report.errors.slice(0, LISTED).map((d) => ({ ...diag('error')(d), file: names[d.file] ?? d.file, line: d.line }));
  return {
    inventories: report.inventories.map((r) => {
      const s = r.inventory.spec;
      return { id: s.id, city: s.city ?? '', country: s.country, year: s.year, kind: s.kind, baseline: s.baseline_id ?? '' };
    }),
    errors, errorCount: report.errors.length,
  };
}

let workbookModule = null;
/** The XLSX writer and the eCRF reader: a second, larger module, loaded the first time a workbook is asked for. */
async function workbooks() {
  workbookModule ??= (async () => {
    const x = await import('../pkg/covenant_xlsx.js');
    await x.default();
    x.loadFactors(factors);
    return x;
  })();
  try { return await workbookModule; } catch (e) { workbookModule = null; throw e; }
}

/** Imports eCRF workbooks, together: the engine derives their batch files and locates their
 * findings; the derived files are then computed like imported batch files (`take` hands their
 * inventories over). A file that is no workbook is reported with its name; the others are imported.
 * With `fill`, activities without factors are computed with the release's, and the engine says
 * what that changed (`filled`); `approach` ('ipcc', 'lca' or '' for the default) is the derived
 * inventories' approach, which chooses the grid factors that fill a gap in electricity. */
async function importEcrf(files, fill, approach) {
  const x = await workbooks();
  const bytes = await Promise.all(files.map(async (f) => new Uint8Array(await f.arrayBuffer())));
  const r = JSON.parse(x.importEcrf(files.map((f) => f.name), bytes, fill, approach ?? ''));
  const unreadable = r.unreadable.map((e) => ({ ...diag('error')(e), file: e.file }));
  const fileOf = new Map(r.books.map((b) => [b.id, b.file]));
  const report = r.books.length === 0 ? { inventories: [] }
    : run({ inv: r.inventories_csv, act: 'inventory_id,sector,carrier,amount,unit\n', hasFactors: false, crf: r.crf_activity_csv, hasCrf: true });
  imported = r.books.length === 0 ? null : report;
  return {
    inventories: report.inventories.map((v) => {
      const s = v.inventory.spec;
      return { id: s.id, file: fileOf.get(s.id) ?? '', city: s.city ?? '', country: s.country, year: s.year, kind: s.kind,
        baseline: s.baseline_id ?? '' };
    }),
    unreadable,
    // Located in the workbooks: each one's reader's findings, then the import's (the engine's own at the cell of their value).
    findings: r.findings.slice(0, LISTED).map((f) => ({ ...diag(f.severity)(f), file: f.file, sheet: f.sheet, cell: f.cell })),
    findingCount: r.findings.length,
    filled: r.filled,
  };
}

onmessage = async ({ data: m }) => {
  const reply = (body) => postMessage({ id: m.id, ...body });
  if (m.type === 'put') {
    for (const [v, x] of m.items) inventories.set(v, x);
    return;
  }
  if (m.project) m.project = resolve(m.project);
  try {
    if (m.type === 'init') {
      factors = m.factors;
      // Every request waits for the factor tables; the page goes on while they are read.
      let settle;
      ready = new Promise((ok, fail) => { settle = { ok, fail }; });
      ready.catch(() => {});  // a failure is reported by the requests that wait for it
      try {
        await init({ module_or_path: m.module });
      } catch (e) {
        settle.fail(e);
        throw e;
      }
      reply({ ok: true });
      try {
        loadFactors(factors);
        settle.ok();
      } catch (e) {
        settle.fail(e);
      }
      return;
    }
    await ready;
    if (m.type === 'compute') reply({ result: compute(m.project) });
    else if (m.type === 'ecrf-import') reply({ result: await importEcrf(m.files, m.fill, m.approach) });
    else if (m.type === 'import') reply({ result: await importFiles(m.files, (p) => postMessage({ id: m.id, progress: p })) });
    else if (m.type === 'take') {
      const releases = JSON.parse(catalog()).releases;
      const fuelDefaults = (release, carrier) => {
        const f = releases.find((x) => x.id === release)?.fuel_properties.find((x) => x.carrier === carrier);
        return { ncv: f?.ncv_gj_per_t ?? null, density: f?.density_kg_per_l ?? null };
      };
      const r = fromReport(imported, m.ids, fuelDefaults);
      imported = null;
      // A slice at a time, so that the page never spends long receiving them.
      for (let k = 0; k < r.inventories.length; k += 100) {
        const slice = r.inventories.slice(k, k + 100).map((x) => [`w${taken++}`, x]);
        for (const [v, x] of slice) inventories.set(v, x);
        postMessage({ id: m.id, progress: slice });
      }
      reply({ result: { batchFactors: r.batchFactors } });
    } else if (m.type === 'save') {
      await saveProject(m.project, m.title);
      reply({ result: true });
    } else if (m.type === 'delete') {
      await deleteProject(m.projectId);
      reply({ result: true });
    }
    else if (m.type === 'outputs') {
      const b = buildBatch(m.project);
      reply({ result: JSON.parse(batchOutputs(b.inv, b.act, ...optional(b), b.hasActions ? b.actions : undefined, b.hasCrf ? b.crf : undefined)) });
    } else if (m.type === 'json') {
      // The report of `covenant batch --format json`, without what only the page reads.
      const { plan_by_sector: _, ...report } = run(buildBatch(m.project));
      reply({ result: JSON.stringify(report, null, 2) });
    } else if (m.type === 'files') {
      const b = buildBatch(m.project);
      reply({ result: { inventories: b.inv, activity: b.act, factors: b.fac, supply: b.sup, ...(b.hasActions ? { actions: b.actions } : {}),
        ...(b.hasCrf ? { crf_activity: b.crf } : {}) } });
    } else if (m.type === 'xlsx' || m.type === 'ecrf') {
      const x = await workbooks();
      const b = buildBatch(m.project);
      const write = m.type === 'xlsx' ? x.xlsxWorkbook : x.ecrfWorkbook;
      const bytes = write(b.inv, b.act, ...optional(b), m.inventory, b.hasActions ? b.actions : undefined, b.hasCrf ? b.crf : undefined);
      reply({ result: bytes });
    }
  } catch (e) {
    reply({ error: String(e?.message ?? e) });
  }
};
