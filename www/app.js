// covenant in the browser. Every number comes from the engine (covenant-core compiled to
// WebAssembly, run in a worker); this module starts it, holds the project store, and renders every
// view through one path whenever the project or the engine's result changes.

import init, { catalog, loadFactors, roundForDisplay, version } from './pkg/covenant_wasm.js';
import { $, download, downloadAll, el } from './js/dom.js';
import * as engine from './js/engine.js';
import { LANGS, LANG_NAMES, countryName, currentLang, fmt, fmtExact, loadLanguage, numberStyle, setRounding, t, tOrNull } from './js/i18n.js';
import { diagnosticText, setDiagnosticKinds, targetOf } from './js/diagnostics.js';
import { addInventory, baselineOf, checkProject, emptyInventory, freshId, isEmpty, newProject, projectTitle, removeInventory, withInventory } from './js/model.js';
import { createStore } from './js/store.js';
import * as storage from './js/storage.js';
import { renderComparison } from './js/views/comparison.js';
import { renderCrf, renderCrfResults, wireCrf } from './js/views/crf.js';
import { renderFactors, wireFactors } from './js/views/factors.js';
import { renderGrid, wireGrid } from './js/views/grid.js';
import { renderPlan, wirePlan } from './js/views/plan.js';
import { renderReport } from './js/views/report.js';
import { renderResults, renderSummary } from './js/views/results.js';
import { renderSetup, tabLabel, wireTabs } from './js/views/setup.js';
import { renderSupply, wireSupply } from './js/views/supply.js';

let store = null;
let result = null;       // the engine's view of the newest project
let forceSync = false;   // after undo/redo, inputs show the project even where the caret is
let countryCache = { lang: null, list: [] };
let renderQueued = false;
const after = [];

const app = {
  cat: null,
  version: '',
  project: () => store.get(),
  inventory: () => store.get().inventories[store.get().active],
  result: () => result,
  activeResult: () => result?.active ?? null,
  lang: () => currentLang(),
  decimal: () => numberStyle().decimal,
  isEditing: (node) => node === document.activeElement && !forceSync,
  /** The next render shows the project in every input, the focused one too (after a paste). */
  syncAll: () => { forceSync = true; },
  countries: () => {
    if (countryCache.lang !== currentLang()) {
      const collator = new Intl.Collator(currentLang());
      countryCache = { lang: currentLang(), list: app.cat.countries.map((c) => [c.code, `${countryName(c.code, c.name)} (${c.code})`])
        .sort((a, b) => collator.compare(a[1], b[1])) };
    }
    return countryCache.list;
  },
  /** Applies an edit of the active inventory; false when it changed nothing. */
  editInventory(label, fn, options) {
    return store.update(label, (p) => withInventory(p, p.active, fn), options);
  },
  selectInventory(i) {
    const p = store.get();
    if (i === p.active || i < 0 || i >= p.inventories.length) return;
    store.navigate({ ...p, active: i });
  },
  render: () => scheduleRender(),
  afterRender: (f) => { after.push(f); scheduleRender(); },
  status: (msg) => { $('status').textContent = msg; },
  /** Selects the inventory a message concerns and puts the focus on its cell or field. */
  goTo(d) {
    const go = () => {
      const node = targetOf(d);
      if (!node) return;
      node.scrollIntoView({ block: 'center' });
      node.focus();
    };
    if (d.place?.inventory != null && d.place.inventory !== store.get().active) app.selectInventory(d.place.inventory);
    // After the next render, behind whatever earlier actions asked it to focus (adding an inventory
    // focuses its year): the officer's click is the last word.
    app.afterRender(go);
  },
  /** The engine's messages about the active inventory's cells, by cell key. */
  cellDiagnostics() {
    const map = new Map();
    for (const d of result?.diagnostics ?? []) {
      if (d.place?.kind !== 'cell' || d.place.inventory !== store.get().active) continue;
      if (!map.has(d.place.key) || d.severity === 'error') map.set(d.place.key, { severity: d.severity, text: diagnosticText(d) });
    }
    return map;
  },
  /** The engine's messages about the active inventory's sectors (a key sector without data), by sector. */
  sectorDiagnostics() {
    const map = new Map();
    for (const d of result?.diagnostics ?? []) {
      if (d.place?.kind === 'sector' && d.place.inventory === store.get().active) map.set(d.place.sector, diagnosticText(d));
    }
    return map;
  },
  /** Marks the fields, factors or supply rows the engine's errors point at. */
  markDiagnostics(kind) {
    for (const d of result?.diagnostics ?? []) {
      if (d.severity !== 'error' || d.place?.kind !== kind || d.place.inventory !== store.get().active) continue;
      const node = targetOf(d);
      if (node) { node.setAttribute('aria-invalid', 'true'); node.title = diagnosticText(d); }
    }
  },
};

// ---------- the one render path ----------

let frame = 0;
function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  frame = requestAnimationFrame(renderNow);
}

function renderNow() {
  if (!store) return;
  cancelAnimationFrame(frame);
  renderQueued = false;
  const t0 = performance.now();
  renderToolbar();
  // A CRF inventory shows its entry view and results instead of the SECAP tables (style.css).
  document.body.dataset.framework = app.inventory().framework === 'crf' ? 'crf' : 'secap';
  renderSetup(app);
  renderCrf(app);
  renderGrid(app);
  renderSupply(app);
  renderFactors(app);
  renderPlan(app);
  app.markDiagnostics('field');
  renderResults(app);
  renderCrfResults(app);
  renderSummary(app);
  renderComparison(app);
  renderReport(app);
  forceSync = false;
  document.body.dataset.renderMs = (performance.now() - t0).toFixed(3);
  while (after.length) after.shift()();
}

function renderToolbar() {
  $('undo').disabled = !store.canUndo();
  $('redo').disabled = !store.canRedo();
  $('undo').title = store.canUndo() ? t('undo_what', { what: t(`edit.${store.undoLabel().split(':')[0]}`) }) : '';
  $('redo').title = store.canRedo() ? t('redo_what', { what: t(`edit.${store.redoLabel().split(':')[0]}`) }) : '';
}

async function renderProjects() {
  const list = await storage.listProjects();
  const current = store.get();
  if (!list.some((e) => e.id === current.id)) list.unshift({ id: current.id, title: projectTitle(current) });
  const select = $('project-select');
  select.replaceChildren(...list.map((e) => el('option', { value: e.id, text: (e.id === current.id ? projectTitle(current) : e.title) || t('untitled_project') })));
  select.value = current.id;
  $('delete-project').disabled = list.length < 2;
}

// ---------- computing and saving ----------

let saveTimer = null;
const deleted = new Set();
function persist(project) {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(async () => {
    if (deleted.has(project.id)) return;
    try {
      await engine.save(project, projectTitle(project));
      storage.setCurrentId(project.id);
      document.body.dataset.saved = String(Date.now());
      renderProjects();
    } catch { app.status(t('not_saved')); }
  }, 300);
}

let computeStart = 0;
let fallback = null;
function onChange(project, why) {
  if (why === 'undo' || why === 'redo') forceSync = true;
  if (why !== 'navigate') persist(project);
  computeStart = performance.now();
  engine.compute(project);
  // After an edit the engine's answer usually comes within a few milliseconds: render once, with it.
  // A large project renders the edit first, and the results when they come.
  clearTimeout(fallback);
  if (why === 'edit') fallback = setTimeout(scheduleRender, 50);
  else scheduleRender();
}

engine.setResultHandler((project, r) => {
  if (project !== store.get()) return;
  if (r.failure) { app.status(r.failure); return; }
  result = r;
  const t1 = performance.now();
  clearTimeout(fallback);
  // Rendered at once (the next frame then shows it), not one more frame later.
  app.afterRender(() => {
    // Timings for the page benchmark (tests/page-bench.mjs): engine round trip, and with rendering.
    document.body.dataset.engineMs = (t1 - computeStart).toFixed(3);
    document.body.dataset.workerMs = JSON.stringify(r.timing);
    document.body.dataset.computeMs = (performance.now() - computeStart).toFixed(3);
    document.body.dataset.computed = String((Number(document.body.dataset.computed) || 0) + 1);
  });
  renderNow();
});

// ---------- dialogs ----------

/** Asks a question in a modal dialog; resolves with the value of the button chosen (null: cancelled). */
function ask(text, buttons) {
  const dialog = $('ask');
  $('ask-text').textContent = text;
  return new Promise((ok) => {
    $('ask-buttons').replaceChildren(...buttons.map(([value, label]) => el('button', { type: 'button', 'data-value': value ?? '',
      text: label, onclick: () => { dialog.close(); ok(value); } })));
    dialog.onclose = () => ok(null);
    dialog.showModal();
    dialog.querySelector('button').focus();
  });
}

/** Opens a project: into this one when it is empty (one undo step), else as a new project beside it. */
async function openProject(project, label) {
  const current = store.get();
  if (isEmpty(current)) {
    store.replace(label, { ...project, id: current.id });
    return 'replaced';
  }
  await engine.save(current, projectTitle(current));
  store.load(project);
  storage.setCurrentId(project.id);
  renderProjects();
  return 'new';
}

// ---------- import ----------

let importList = [];

async function importFiles(files) {
  const dialog = $('import-dialog');
  ecrfFiles = [];
  $('ecrf-fill-wrap').hidden = true;
  $('import-filled').replaceChildren();
  $('import-progress-wrap').hidden = false;
  $('import-list-wrap').hidden = true;
  $('import-errors').replaceChildren();
  $('import-progress').value = 0;
  $('import-progress-text').textContent = '';
  for (const id of ['import-new', 'import-add']) $(id).disabled = true;
  if (!dialog.open) dialog.showModal();
  let r;
  try {
    r = await engine.importFiles(files, ({ done, total }) => {
      $('import-progress').max = Math.max(total, 1);
      $('import-progress').value = done;
      $('import-progress-text').textContent = t('import_rows', { done: fmtExact(String(done)), total: fmtExact(String(total)) });
    });
  } catch (e) {
    dialog.close();
    app.status(e.message);
    return;
  }
  if (r.missing) { dialog.close(); app.status(t('import_needs_files')); return; }
  $('import-progress-wrap').hidden = true;
  importList = r.inventories;
  $('import-list').replaceChildren();
  $('import-all').checked = true;
  // Long lists are added a few hundred at a time, so that the page stays responsive.
  const item = (x) => el('option', { value: x.id, selected: true,
    text: `${x.id} — ${[x.city, countryName(x.country), x.year, t(x.kind)].filter(Boolean).join(', ')}` });
  for (let k = 0; k < r.inventories.length; k += 250) {
    if (k > 0) await new Promise((ok) => setTimeout(ok, 0));
    $('import-list').append(...r.inventories.slice(k, k + 250).map(item));
  }
  $('import-list-wrap').hidden = r.inventories.length === 0;
  $('import-errors').replaceChildren(...r.errors.map((d) => el('li', { text: `${d.file}${d.line ? `, ${t('line_n', { n: d.line })}` : ''}: ${diagnosticText(d)}` })),
    ...(r.errorCount > r.errors.length ? [el('li', { text: t('more_errors', { n: r.errorCount - r.errors.length }) })] : []));
  for (const id of ['import-new', 'import-add']) $(id).disabled = r.inventories.length === 0;
  document.body.dataset.importReady = String(r.inventories.length);
  $('import-new').focus();
}

/** An eCRF finding in words: the engine's located message, or its own code's message at the cell. */
function findingText(d) {
  const text = diagnosticText(d);
  // The reader's messages (ecrf_*) name their sheet and cell; the engine's do not.
  return d.code?.startsWith('ecrf_') || !d.cell ? text : `${d.sheet}!${d.cell}: ${text}`;
}

/** The workbooks of the last eCRF import: ticking "fill the factor gaps" imports them again. */
let ecrfFiles = [];
const FILL_KEY = 'covenant.ecrfFillFactors';
/** Whether eCRF imports fill factor gaps from the release: chosen in the import dialog, kept for the session. */
const fillFactors = () => { try { return sessionStorage.getItem(FILL_KEY) === '1'; } catch { return false; } };
const APPROACH_KEY = 'covenant.ecrfFillApproach';
/** The approach whose factors fill the gaps (IPCC unless life cycle was chosen), kept for the session like the checkbox. */
const fillApproach = () => { try { return sessionStorage.getItem(APPROACH_KEY) === 'lca' ? 'lca' : 'ipcc'; } catch { return 'ipcc'; } };
/** Shows the choice of approach when the gaps are filled, with the session's choice, enabled or not. */
function showFillApproach(enabled) {
  $('ecrf-approach-wrap').hidden = !fillFactors();
  $(`ecrf-approach-${fillApproach()}`).checked = true;
  for (const r of document.querySelectorAll('input[name="ecrf-approach"]')) r.disabled = !enabled;
}

/** Imports eCRF workbooks, together: the inventory each holds, every finding located in its workbook,
 * every file that is no workbook with its reason, and (with the factor gaps filled) what filling changed. */
async function importEcrfFiles(files) {
  ecrfFiles = files;
  const dialog = $('import-dialog');
  $('import-progress-wrap').hidden = false;
  $('import-list-wrap').hidden = true;
  $('ecrf-fill-wrap').hidden = false;
  $('ecrf-fill').checked = fillFactors();
  $('ecrf-fill').disabled = true;
  showFillApproach(false);
  $('import-errors').replaceChildren();
  $('import-filled').replaceChildren();
  $('import-progress').removeAttribute('value');
  $('import-progress-text').textContent = '';
  for (const id of ['import-new', 'import-add']) $(id).disabled = true;
  delete document.body.dataset.importReady;
  if (!dialog.open) dialog.showModal();
  let r;
  // The approach matters only when the gaps are filled (as `--approach` beside `--fill-factors`).
  try { r = await engine.importEcrf(files, fillFactors(), fillFactors() ? fillApproach() : ''); } catch (e) { dialog.close(); app.status(e.message); return; }
  $('import-progress-wrap').hidden = true;
  $('ecrf-fill').disabled = false;
  showFillApproach(true);
  importList = r.inventories;
  $('import-all').checked = true;
  $('import-list').replaceChildren(...r.inventories.map((x) => el('option', { value: x.id, selected: true,
    text: `${x.id} — ${[x.city, countryName(x.country), x.year, t(x.kind)].filter(Boolean).join(', ')} (${x.file})` })));
  $('import-list-wrap').hidden = r.inventories.length === 0;
  // What filling the gaps changed, as the engine reports it.
  $('import-filled').replaceChildren(...r.filled.map((f) => el('li', { 'data-file': f.file, 'data-rows': String(f.rows),
    'data-without': f.without, 'data-with': f.with, 'data-added': f.added,
    text: t('ecrf_filled', { file: f.file, n: fmtExact(String(f.rows)), without: fmt(f.without), with: fmt(f.with), added: fmt(f.added) }) })));
  const refused = r.unreadable.map((e) => el('li', { class: 'error', 'data-code': e.code ?? '', 'data-file': e.file,
    text: `${e.file}: ${tOrNull(`ecrf_read.${e.code}`) ? t(`ecrf_read.${e.code}`, e.params) : e.message}` }));
  $('import-errors').replaceChildren(...refused, ...r.findings.map((d) => el('li', { class: d.severity, 'data-code': d.code ?? '',
    'data-file': d.file, text: `${d.file}: ${findingText(d)}` })),
  ...(r.findingCount > r.findings.length ? [el('li', { text: t('more_errors', { n: r.findingCount - r.findings.length }) })] : []));
  for (const id of ['import-new', 'import-add']) $(id).disabled = r.inventories.length === 0;
  document.body.dataset.importReady = String(r.inventories.length);
  if (r.inventories.length > 0) $('import-new').focus();
}

/** The ids picked, with the baseline of every picked monitoring inventory. */
function pickedIds() {
  const ids = new Set([...$('import-list').selectedOptions].map((o) => o.value));
  for (const x of importList) if (ids.has(x.id) && x.baseline && importList.some((b) => b.id === x.baseline)) ids.add(x.baseline);
  return importList.map((x) => x.id).filter((id) => ids.has(id));
}

/** Closes the import dialog. A list of thousands of options is emptied first: closing restyles the
 * whole page (it is no longer inert), and the list need not be part of that. */
function closeImport() {
  $('import-list').replaceChildren();
  $('import-dialog').close();
}

async function takeImport(into) {
  const ids = pickedIds();
  closeImport();
  if (ids.length === 0) return;
  const all = ids.length === importList.length;
  const { inventories, batchFactors } = await engine.takeImport(all ? null : ids);
  if (into === 'new') {
    const p = { ...newProject(), inventories, batchFactors, active: 0 };
    const how = await openProject(p, 'import');
    app.status(t(how === 'new' ? 'imported_new' : 'imported', { n: inventories.length }));
  } else {
    store.update('import', (p) => {
      // Ids must stay unique in a project: a clash gets a suffix, and links follow it.
      let q = p;
      const renamed = new Map();
      for (const x of inventories) {
        const id = q.inventories.some((y) => y.id === x.id) ? freshId(q, x.id) : x.id;
        if (id !== x.id) renamed.set(x.id, id);
        q = addInventory(q, { ...x, id });
      }
      q = { ...q, inventories: q.inventories.map((x) => (renamed.has(x.baseline) ? { ...x, baseline: renamed.get(x.baseline) } : x)),
        batchFactors: [...p.batchFactors, ...batchFactors], active: p.inventories.length };
      return q;
    });
    app.status(t('imported', { n: inventories.length }));
  }
  document.body.dataset.imported = String(Date.now());
}

async function loadExample(how) {
  const get = async (f) => new File([await (await fetch(`examples/kozani-2010/${f}`)).text()], f, { type: 'text/csv' });
  const files = await Promise.all(['inventories.csv', 'activity.csv', 'factors.csv'].map(get));
  const r = await engine.importFiles(files, () => {});
  if (r.missing || r.inventories.length === 0) throw new Error(t('example_failed'));
  const { inventories, batchFactors } = await engine.takeImport(null);
  const p = { ...newProject(), inventories, batchFactors, active: 0 };
  if (how === 'initial') { store.load(p); return; }
  if (how === 'replace') { store.replace('example', { ...p, id: store.get().id }); return; }
  await openProject(p, 'example');
}

// ---------- wiring ----------

function wire() {
  wireTabs(app);
  wireGrid(app);
  wireSupply(app);
  wireFactors(app);
  wirePlan(app);
  wireCrf(app);
  $('lang').addEventListener('change', async () => {
    const l = await loadLanguage($('lang').value);
    storage.setSavedLang(l);
    scheduleRender();
  });
  $('undo').addEventListener('click', () => { const w = store.undo(); if (w) app.status(t('undone', { what: t(`edit.${w.split(':')[0]}`) })); });
  $('redo').addEventListener('click', () => { const w = store.redo(); if (w) app.status(t('redone', { what: t(`edit.${w.split(':')[0]}`) })); });
  document.addEventListener('keydown', (e) => {
    if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
    const k = e.key.toLowerCase();
    if (k === 'z' && !e.shiftKey) { e.preventDefault(); $('undo').click(); }
    else if ((k === 'z' && e.shiftKey) || k === 'y') { e.preventDefault(); $('redo').click(); }
  });
  $('add-baseline').addEventListener('click', () => {
    store.update('add', (p) => addInventory(p, emptyInventory('baseline', { country: app.inventory().country })));
    app.afterRender(() => $('f-year')?.focus());
  });
  $('add-monitoring').addEventListener('click', () => {
    store.update('add', (p) => {
      const base = p.inventories[baselineOf(p, p.active)];
      return addInventory(p, emptyInventory('monitoring', { city: base.city, country: base.country, baseline: base.id,
        approach: base.approach, gases: base.gases, release: base.release, gwp: base.gwp, framework: base.framework ?? 'secap' }));
    });
    app.afterRender(() => $('f-year')?.focus());
  });
  $('remove-inventory').addEventListener('click', () => {
    const p = store.get();
    const name = tabLabel(p.inventories[p.active]);
    if (store.update('remove', (q) => removeInventory(q, q.active))) app.status(t('removed', { name }));
  });
  $('new-project').addEventListener('click', async () => {
    await engine.save(store.get(), projectTitle(store.get()));
    store.load(newProject());
    storage.setCurrentId(store.get().id);
    renderProjects();
    app.status(t('project_created'));
  });
  $('delete-project').addEventListener('click', async () => {
    const p = store.get();
    const yes = await ask(t('delete_project_ask', { name: projectTitle(p) || t('untitled_project') }), [['delete', t('delete_project')], [null, t('cancel')]]);
    if (yes !== 'delete') return;
    clearTimeout(saveTimer);
    deleted.add(p.id);
    await engine.remove(p.id);
    const rest = await storage.listProjects();
    const next = rest.length ? checkProject(await storage.loadProject(rest[0].id)) : null;
    store.load(next ?? newProject());
    storage.setCurrentId(store.get().id);
    renderProjects();
  });
  $('project-select').addEventListener('change', async () => {
    const id = $('project-select').value;
    await engine.save(store.get(), projectTitle(store.get()));
    const p = checkProject(await storage.loadProject(id));
    if (p) { store.load(p); storage.setCurrentId(p.id); }
    renderProjects();
  });
  $('load-example').addEventListener('click', async () => {
    let how = 'replace';
    if (!isEmpty(store.get())) {
      how = await ask(t('example_ask'), [['new', t('example_as_new')], ['replace', t('example_replace')], [null, t('cancel')]]);
      if (!how) return;
    }
    await loadExample(how);
    app.status(t(how === 'new' ? 'example_opened_new' : 'example_loaded'));
  });
  $('save-project').addEventListener('click', () => {
    const p = store.get();
    download(`${projectTitle(p) || 'covenant'}-project.json`, JSON.stringify(p, null, 2), 'application/json');
  });
  $('open-project').addEventListener('change', async (ev) => {
    const file = ev.target.files[0];
    ev.target.value = '';
    if (!file) return;
    let p = null;
    try { p = checkProject(JSON.parse(await file.text())); } catch { p = null; }
    if (!p) { app.status(t('bad_project')); return; }
    const how = await openProject({ ...p, id: crypto.randomUUID() }, 'open');
    app.status(t(how === 'new' ? 'project_opened_new' : 'project_loaded'));
  });
  $('import-batch').addEventListener('change', async (ev) => {
    const files = [...ev.target.files];
    ev.target.value = '';
    if (files.length) await importFiles(files);
  });
  $('import-ecrf').addEventListener('change', async (ev) => {
    const files = [...ev.target.files];
    ev.target.value = '';
    if (files.length) await importEcrfFiles(files);
  });
  $('ecrf-fill').addEventListener('change', async () => {
    try { sessionStorage.setItem(FILL_KEY, $('ecrf-fill').checked ? '1' : '0'); } catch { /* kept for this import only */ }
    if (ecrfFiles.length) await importEcrfFiles(ecrfFiles);
  });
  for (const radio of document.querySelectorAll('input[name="ecrf-approach"]')) {
    radio.addEventListener('change', async () => {
      if (!radio.checked) return;
      try { sessionStorage.setItem(APPROACH_KEY, radio.value); } catch { /* kept for this import only */ }
      if (ecrfFiles.length) await importEcrfFiles(ecrfFiles);
    });
  }
  $('import-list').addEventListener('change', () => {
    $('import-all').checked = $('import-list').selectedOptions.length === $('import-list').options.length;
  });
  $('import-all').addEventListener('change', () => {
    for (const o of $('import-list').options) o.selected = $('import-all').checked;
  });
  $('import-new').addEventListener('click', () => takeImport('new'));
  $('import-add').addEventListener('click', () => takeImport('add'));
  $('import-cancel').addEventListener('click', closeImport);
  $('import-dialog').addEventListener('cancel', () => $('import-list').replaceChildren());
  const exportWith = (f) => async () => {
    $('export-menu').open = false;
    try { await f(); } catch (e) { app.status(e.message); }
  };
  $('export-outputs').addEventListener('click', exportWith(async () => {
    const o = await engine.outputs(store.get());
    await downloadAll(['emissions', 'summary', 'trajectory', 'crf', 'plan', 'crf_rows', 'crf_totals'].filter((name) => o[`${name}_csv`] !== undefined)
      .map((name) => [`${name}.csv`, o[`${name}_csv`], 'text/csv']));
  }));
  $('export-csv').addEventListener('click', exportWith(async () => {
    const o = await engine.outputs(store.get());
    download('emissions.csv', o.emissions_csv, 'text/csv');
    download('summary.csv', o.summary_csv, 'text/csv');
  }));
  $('export-batch').addEventListener('click', exportWith(async () => {
    const f = await engine.batchFiles(store.get());
    await downloadAll(['inventories', 'activity', 'factors', 'supply', 'actions', 'crf_activity'].filter((name) => f[name] !== undefined)
      .map((name) => [`${name}.csv`, f[name], 'text/csv']));
  }));
  $('export-json').addEventListener('click', exportWith(async () => {
    download('results.json', await engine.report(store.get()), 'application/json');
  }));
  $('export-xlsx').addEventListener('click', exportWith(async () => {
    const id = app.inventory().id;
    download(`${id}.xlsx`, await engine.workbook(store.get(), id), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  }));
  $('export-ecrf').addEventListener('click', exportWith(async () => {
    const id = app.inventory().id;
    download(`${id}-eCRF.xlsx`, await engine.ecrfWorkbook(store.get(), id), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  }));
  $('print').addEventListener('click', () => window.print());
}

async function main() {
  const lang = storage.savedLang() ?? (navigator.languages ?? []).map((l) => l.slice(0, 2)).find((l) => LANGS.includes(l)) ?? 'en';
  // The engine is compiled once and shared with the worker, which does every batch run. The
  // factor tables are data, fetched beside it and loaded into both.
  engine.spawnWorker();
  const [module, factors] = await Promise.all([
    WebAssembly.compileStreaming(fetch('pkg/covenant_wasm_bg.wasm')), engine.fetchFactors()]);
  await Promise.all([init({ module_or_path: module }).then(() => loadFactors(factors)),
    engine.startEngine(module, factors), loadLanguage(lang)]);
  setRounding(roundForDisplay);
  app.cat = JSON.parse(catalog());
  setDiagnosticKinds(app.cat.diagnostics);
  app.version = version();
  $('engine-version').textContent = app.version;
  $('lang').replaceChildren(...LANGS.map((l) => el('option', { value: l, lang: l, text: LANG_NAMES[l] })));
  $('lang').value = currentLang();
  let project = null;
  const id = storage.currentId();
  try { if (id) project = checkProject(await storage.loadProject(id)); } catch { project = null; }
  store = createStore(project ?? newProject());
  store.subscribe(onChange);
  wire();
  if (!project) {
    const others = await storage.listProjects().catch(() => []);
    const p = others.length ? checkProject(await storage.loadProject(others[0].id)) : null;
    if (p) store.load(p); else await loadExample('initial');
  } else onChange(store.get(), 'load');
  renderProjects();
  await new Promise((ok) => { const wait = () => (result ? ok() : setTimeout(wait, 5)); wait(); });
  await new Promise((ok) => app.afterRender(ok));
  document.body.dataset.readyMs = performance.now().toFixed(1);
  document.body.dataset.ready = 'true';
}

main().catch((e) => { app.status(String(e)); document.body.dataset.ready = 'error'; throw e; });
