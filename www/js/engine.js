// The page's side of the engine worker: requests as promises, progress reports, and recomputation
// where only the newest project counts (a result for a project already edited again is dropped).
//
// Projects are immutable values whose unchanged inventories are shared from one edit to the next,
// so the worker keeps every inventory it has seen under a version id and each request sends only
// the inventories it has not seen: one per keystroke, however large the project. Large transfers
// go in slices of a hundred inventories, one task each, so that the page never blocks.

let worker = null;
let next = 1;
const pending = new Map();
const versions = new WeakMap();
let nextVersion = 1;
const SLICE = 100;

function request(type, payload = {}, onProgress = null) {
  const id = next++;
  return new Promise((ok, fail) => {
    pending.set(id, { ok, fail, onProgress });
    worker.postMessage({ type, id, ...payload });
  });
}

const pause = () => new Promise((ok) => setTimeout(ok, 0));

/** Sends the inventories the worker has not seen; returns the project as version ids. */
async function sync(project) {
  const fresh = [];
  const order = project.inventories.map((x) => {
    let v = versions.get(x);
    if (v === undefined) {
      v = `m${nextVersion++}`;
      versions.set(x, v);
      fresh.push([v, x]);
    }
    return v;
  });
  for (let k = 0; k < fresh.length; k += SLICE) {
    if (k > 0) await pause();
    worker.postMessage({ type: 'put', items: fresh.slice(k, k + SLICE) });
  }
  return { ...project, inventories: order };
}

/** The text of the factor tables the engine loads as data (written with the module by `cargo xtask wasm`). */
export async function fetchFactors() {
  const r = await fetch(new URL('../pkg/factors.json', import.meta.url));
  if (!r.ok) throw new Error(`the factor tables (pkg/factors.json) could not be loaded: HTTP ${r.status}`);
  return r.text();
}

/** Starts the worker's thread, so that its scripts load while the page fetches and compiles the engine. */
export function spawnWorker() {
  if (worker) return;
  worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = ({ data }) => {
    const p = pending.get(data.id);
    if (!p) return;
    if (data.progress) { p.onProgress?.(data.progress); return; }
    pending.delete(data.id);
    if (data.error !== undefined) p.fail(new Error(data.error)); else p.ok(data.result ?? data.ok);
  };
}

/** Hands the compiled engine and the factor tables (see `fetchFactors`) to the worker. */
export async function startEngine(module, factors) {
  spawnWorker();
  await request('init', { module, factors });
}

let inFlight = false;
let queued = null;
let onResult = () => {};

/** `callback(project, result)` gets the result of the newest project sent to `compute`. */
export function setResultHandler(callback) { onResult = callback; }

export async function compute(project) {
  if (inFlight) { queued = project; return; }
  inFlight = true;
  document.body.dataset.computing = 'true';
  let result;
  try {
    result = await request('compute', { project: await sync(project) });
  } catch (e) {
    result = { failure: e.message };
  }
  inFlight = false;
  if (queued) {
    const q = queued;
    queued = null;
    compute(q);
    return;
  }
  delete document.body.dataset.computing;
  onResult(project, result);
}

export const importFiles = (files, onProgress) => request('import', { files }, onProgress);
/** Imports eCRF workbooks (their inventories are then taken like those of an import of batch
 * files); `fill` fills their factor gaps from the release (`ecrf import --fill-factors`), with the
 * grid factors of `approach` ('ipcc' or 'lca', `--approach`; '' for the batch format's default). */
export const importEcrf = (files, fill, approach) => request('ecrf-import', { files, fill, approach });

/** The inventories picked from the last import (all when `ids` is null), received a slice at a time. */
export async function takeImport(ids) {
  const inventories = [];
  const { batchFactors } = await request('take', { ids }, (slice) => {
    for (const [v, x] of slice) {
      versions.set(x, v);
      inventories.push(x);
    }
  });
  return { inventories, batchFactors };
}

export const outputs = async (project) => request('outputs', { project: await sync(project) });
export const report = async (project) => request('json', { project: await sync(project) });
export const batchFiles = async (project) => request('files', { project: await sync(project) });
export const workbook = async (project, inventory) => request('xlsx', { project: await sync(project), inventory });
export const ecrfWorkbook = async (project, inventory) => request('ecrf', { project: await sync(project), inventory });
/** Deletes a stored project (after the saves asked for before). */
export const remove = (projectId) => request('delete', { projectId });
/** Saves a project in the browser's storage (the worker writes it, so the page never waits for it). */
export const save = async (project, title) => request('save', { project: await sync(project), title });
