// Projects kept in the browser (IndexedDB: no size limit worth speaking of, and writes do not block
// the page). Each project is stored whole under its id; the list shows their titles.

const DB = 'covenant';
const STORE = 'projects';
const CURRENT = 'covenant.current';
const LANG = 'covenant.lang';

let db = null;

function open() {
  if (db) return db;
  db = new Promise((ok, fail) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'id' });
    req.onsuccess = () => ok(req.result);
    req.onerror = () => fail(req.error);
  });
  return db;
}

async function tx(mode, fn) {
  const d = await open();
  return new Promise((ok, fail) => {
    const t = d.transaction(STORE, mode);
    const result = fn(t.objectStore(STORE));
    t.oncomplete = () => ok(result?.result);
    t.onerror = () => fail(t.error);
    t.onabort = () => fail(t.error);
  });
}

export const saveProject = (project, title) => tx('readwrite', (s) => s.put({ id: project.id, title, saved: Date.now(), project }));
export const loadProject = async (id) => (await tx('readonly', (s) => s.get(id)))?.project ?? null;
export const deleteProject = (id) => tx('readwrite', (s) => s.delete(id));

/** Every stored project's id and title, most recently saved first. */
export async function listProjects() {
  const d = await open();
  return new Promise((ok, fail) => {
    const out = [];
    const req = d.transaction(STORE).objectStore(STORE).openCursor();
    req.onsuccess = () => {
      const c = req.result;
      if (!c) { ok(out.sort((a, b) => b.saved - a.saved)); return; }
      out.push({ id: c.value.id, title: c.value.title, saved: c.value.saved });
      c.continue();
    };
    req.onerror = () => fail(req.error);
  });
}

const local = (f) => { try { return f(); } catch { return null; } };
export const currentId = () => local(() => localStorage.getItem(CURRENT));
export const setCurrentId = (id) => local(() => localStorage.setItem(CURRENT, id));
export const savedLang = () => local(() => localStorage.getItem(LANG));
export const setSavedLang = (l) => local(() => localStorage.setItem(LANG, l));
