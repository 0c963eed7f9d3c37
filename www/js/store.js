// The one project store: the current project, its undo/redo history, and who to tell when it
// changes. Projects are immutable values (model.js), so the history keeps references, not copies.

const LIMIT = 500;

export function createStore(project) {
  let current = project;
  let past = [];
  let future = [];
  let lastGroup = null;
  let lastTime = 0;
  const listeners = new Set();
  const notify = (why) => { for (const f of listeners) f(current, why); };

  return {
    get: () => current,
    subscribe: (f) => { listeners.add(f); return () => listeners.delete(f); },
    /**
     * Applies an edit. Edits of the same `group` (one cell being typed in) within two seconds are
     * one undo step. Returns false when the edit changed nothing.
     */
    update(label, fn, { group = null } = {}) {
      const next = fn(current);
      if (!next || next === current) return false;
      const now = performance.now();
      if (!(group !== null && group === lastGroup && now - lastTime < 2000)) {
        past.push({ project: current, label });
        if (past.length > LIMIT) past.shift();
      }
      lastGroup = group;
      lastTime = now;
      future = [];
      current = next;
      notify('edit');
      return true;
    },
    /** Replaces the whole project (New, Example, Open, Import): one undo step like any other. */
    replace(label, next) {
      past.push({ project: current, label });
      future = [];
      lastGroup = null;
      current = next;
      notify('replace');
    },
    /** Moves to another inventory of the project: not an edit, so not an undo step. */
    navigate(next) {
      current = next;
      lastGroup = null;
      notify('navigate');
    },
    /** Switches to another project: a new history. */
    load(next) {
      current = next;
      past = [];
      future = [];
      lastGroup = null;
      notify('load');
    },
    undo() {
      const step = past.pop();
      if (!step) return null;
      future.push({ project: current, label: step.label });
      current = step.project;
      lastGroup = null;
      notify('undo');
      return step.label;
    },
    redo() {
      const step = future.pop();
      if (!step) return null;
      past.push({ project: current, label: step.label });
      current = step.project;
      lastGroup = null;
      notify('redo');
      return step.label;
    },
    canUndo: () => past.length > 0,
    canRedo: () => future.length > 0,
    undoLabel: () => past.at(-1)?.label ?? null,
    redoLabel: () => future.at(-1)?.label ?? null,
  };
}
