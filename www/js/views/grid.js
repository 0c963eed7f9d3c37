// The SECAP energy table: one amount and one unit per sector × carrier, the sector and carrier
// always in view (sticky header and first column), row and column totals from the engine, Enter
// and the arrow keys between cells, spreadsheet paste, and the value as read beside the cell.

import { $, el } from '../dom.js';
import { carrierLabel, fmt, fmtExact, read, readProblem, sectorLabel, t } from '../i18n.js';
import { NON_ENERGY, cellParts, withCellPart } from '../model.js';

let built = '';

const cellKey = (sector, carrier) => `${sector}|${carrier}`;

function unitsFor(app, carrier) {
  const fuel = app.cat.carriers.find((c) => c.code === carrier)?.fuel;
  return app.cat.unit_kinds.filter((u) => u.kind === 'energy' || (fuel && u.kind === 'fuel')).map((u) => u.symbol);
}

/** Reads an amount into a cell part: the plain value, or the text kept as typed when it is not read. */
export function partFrom(text, unit, ns) {
  const r = read(text);
  const base = { unit, ...(ns ? { ns: true } : {}) };
  if (r.status === 'empty') return null;
  if (r.status === 'ok') return { amount: r.value, ...base };
  return { amount: '', text, ...base };
}

function editor(app, sector, carrier, row, col) {
  const key = cellKey(sector, carrier);
  const label = carrier ? `${sectorLabel(sector)}, ${carrierLabel(carrier)}` : sectorLabel(sector);
  const readId = `read-${sector}-${carrier || 'direct'}`;
  const input = el('input', { 'aria-label': label, inputmode: 'decimal', autocomplete: 'off', 'data-key': key,
    'data-row': String(row), 'data-col': String(col), 'aria-describedby': readId, class: 'amount' });
  const parts = [el('div', { class: 'cell-line' }, input)];
  if (carrier) {
    const unit = el('select', { 'aria-label': `${label}: ${t('unit')}`, 'data-unit-key': key, 'data-row': String(row), 'data-col': String(col) });
    for (const u of unitsFor(app, carrier)) unit.append(el('option', { value: u, text: u }));
    parts[0].append(unit);
    if (app.cat.carriers.find((c) => c.code === carrier)?.biomass) {
      parts[0].append(el('input', { type: 'checkbox', class: 'ns', 'data-ns-key': key, title: t('non_sustainable'),
        'aria-label': `${label}: ${t('non_sustainable')}` }));
    }
  } else {
    parts[0].append(el('span', { class: 'unit-fixed', 'data-unit-label': key }));
  }
  parts.push(el('span', { class: 'more', 'data-more': key }), el('span', { class: 'read', id: readId, role: 'status' }));
  return el('div', { class: 'cell' }, ...parts);
}

function build(app, x) {
  const cat = app.cat;
  const energySectors = cat.sectors.filter((s) => s.group !== 'non_energy');
  const grid = $('energy-grid');
  const head = el('tr', {}, el('th', { scope: 'col', class: 'corner', text: t('sector') }));
  for (const c of cat.carriers) head.append(el('th', { scope: 'col', text: carrierLabel(c.code) }));
  head.append(el('th', { scope: 'col', class: 'total', text: t('total_mwh') }));
  const body = el('tbody');
  energySectors.forEach((s, r) => {
    const tr = el('tr', {}, el('th', { scope: 'row', text: sectorLabel(s.code), 'data-sector': s.code }));
    cat.carriers.forEach((c, k) => {
      if (s.excludes?.includes(c.code)) tr.append(el('td', { class: 'disabled', title: t('not_applicable') }));
      else tr.append(el('td', { 'data-label': carrierLabel(c.code) }, editor(app, s.code, c.code, r, k)));
    });
    tr.append(el('td', { class: 'total', 'data-row-total': s.code, 'data-label': t('total_mwh') }));
    body.append(tr);
  });
  const foot = el('tr', {}, el('th', { scope: 'row', class: 'total', text: t('total_mwh') }));
  for (const c of cat.carriers) foot.append(el('td', { class: 'total', 'data-col-total': c.code, 'data-label': carrierLabel(c.code) }));
  foot.append(el('td', { class: 'total', 'data-col-total': '', 'data-label': t('total') }));
  grid.replaceChildren(el('thead', {}, head), body, el('tfoot', {}, foot));

  const ne = $('non-energy-grid');
  const nb = el('tbody');
  NON_ENERGY.forEach((code, r) => {
    nb.append(el('tr', {}, el('th', { scope: 'row', text: sectorLabel(code), 'data-sector': code }), el('td', {}, editor(app, code, '', 100 + r, 0))));
  });
  ne.replaceChildren(el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t('sector') }), el('th', { scope: 'col', text: t('emissions_direct') }))), nb);
}

export function renderGrid(app) {
  const p = app.project();
  const x = p.inventories[p.active];
  const sig = app.lang();
  if (built !== sig) { build(app, x); built = sig; }
  const diags = app.cellDiagnostics();
  const gasUnit = x.gases === 'co2e' ? 'tCO2e' : 'tCO2';
  for (const input of document.querySelectorAll('input[data-key]')) {
    const key = input.dataset.key;
    const parts = cellParts(x, key);
    const q = parts[0];
    const shownValue = q ? (q.text ?? (q.amount === '' ? '' : fmtExact(q.amount))) : '';
    if (!app.isEditing(input) && input.value !== shownValue) input.value = shownValue;
    const cell = input.closest('.cell');
    const unit = cell.querySelector('select[data-unit-key]');
    if (unit && !app.isEditing(unit)) unit.value = q?.unit ?? 'MWh';
    const ns = cell.querySelector('input.ns');
    if (ns) ns.checked = q?.ns === true;
    const fixed = cell.querySelector('.unit-fixed');
    if (fixed) fixed.textContent = t(gasUnit === 'tCO2e' ? 'unit_t_co2e' : 'unit_t_co2');
    const more = cell.querySelector('.more');
    const extra = parts.slice(1).map((m) => `+ ${fmtExact(m.amount || m.text || '')} ${m.unit}${m.ns ? ` (${t('non_sustainable')})` : ''}`).join(' ');
    if (more.textContent !== extra) more.textContent = extra;
    const readOut = cell.querySelector('.read');
    const problem = q?.text !== undefined ? readProblem(q.text, read(q.text)) : null;
    const engine = diags.get(key);
    const invalid = problem !== null || (engine?.severity === 'error');
    if (invalid) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
    cell.classList.toggle('warned', !invalid && engine !== undefined);
    const unitName = q?.unit === 'tCO2' ? t('unit_t_co2') : q?.unit === 'tCO2e' ? t('unit_t_co2e') : q?.unit;
    const readText = problem ?? engine?.text ?? (q && q.amount !== '' ? `= ${fmtExact(q.amount)} ${unitName}` : '');
    if (readOut.textContent !== readText) readOut.textContent = readText;
    readOut.classList.toggle('problem', invalid);
  }
  // A sector the engine warns about (a key sector without data): its row header says why.
  const sectors = app.sectorDiagnostics();
  for (const th of document.querySelectorAll('th[data-sector]')) {
    const text = sectors.get(th.dataset.sector);
    th.classList.toggle('warned', text !== undefined);
    if (text === undefined) th.removeAttribute('title'); else if (th.title !== text) th.title = text;
  }
  const r = app.activeResult();
  for (const td of document.querySelectorAll('[data-row-total]')) {
    const s = r?.inventory.sectors.find((v) => v.key === td.dataset.rowTotal);
    td.textContent = s ? fmt(s.energy, 0) : '';
  }
  for (const td of document.querySelectorAll('[data-col-total]')) {
    const code = td.dataset.colTotal;
    const c = code === '' ? (r ? { energy: r.inventory.total_energy } : null) : r?.inventory.carriers.find((v) => v.key === code);
    td.textContent = c ? fmt(c.energy, 0) : '';
  }
}

function setPart(app, key, k, part, group) {
  app.editInventory(`cell:${key}`, (x) => withCellPart(x, key, k, part), { group });
}

function move(from, dr, dc) {
  const row = Number(from.dataset.row), col = Number(from.dataset.col);
  const inputs = [...document.querySelectorAll('input[data-key]')];
  if (dc === 0) {
    const same = inputs.filter((i) => Number(i.dataset.col) === col && (i.dataset.row >= 100) === (row >= 100));
    const rows = same.map((i) => Number(i.dataset.row));
    const target = dr > 0 ? same.find((i, n) => rows[n] > row) : same.filter((i, n) => rows[n] < row).at(-1);
    target?.focus();
    target?.select();
    return;
  }
  const sameRow = inputs.filter((i) => Number(i.dataset.row) === row);
  const cols = sameRow.map((i) => Number(i.dataset.col));
  const target = dc > 0 ? sameRow.find((i, n) => cols[n] > col) : sameRow.filter((i, n) => cols[n] < col).at(-1);
  target?.focus();
  target?.select();
}

/** Fills the cells right of and below `start` with a block copied from a spreadsheet. */
function paste(app, start, text) {
  const rows = text.replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n').map((r) => r.split('\t'));
  const inputs = [...document.querySelectorAll('#energy-grid input[data-key], #non-energy-grid input[data-key]')];
  const at = new Map(inputs.map((i) => [`${i.dataset.row}:${i.dataset.col}`, i]));
  const r0 = Number(start.dataset.row), c0 = Number(start.dataset.col);
  const energyRows = [...new Set(inputs.map((i) => Number(i.dataset.row)))].sort((a, b) => a - b);
  const rowIndex = energyRows.indexOf(r0);
  let filled = 0, refused = 0;
  app.syncAll();
  app.editInventory('paste', (x) => {
    let y = x;
    rows.forEach((cells, i) => {
      const row = energyRows[rowIndex + i];
      if (row === undefined) return;
      cells.forEach((text, j) => {
        const input = at.get(`${row}:${c0 + j}`);
        if (!input) return;
        const key = input.dataset.key;
        const old = cellParts(y, key)[0];
        const unit = old?.unit ?? (key.endsWith('|') ? (y.gases === 'co2e' ? 'tCO2e' : 'tCO2') : 'MWh');
        const part = partFrom(text, unit, old?.ns);
        if (part?.text !== undefined) refused++;
        if (part) filled++;
        y = withCellPart(y, key, 0, part);
      });
    });
    return y;
  });
  app.status(refused ? t('pasted_with_problems', { n: filled, bad: refused }) : t('pasted', { n: filled }));
}

export function wireGrid(app) {
  for (const id of ['energy-grid', 'non-energy-grid']) {
    const grid = $(id);
    grid.addEventListener('input', (e) => {
      const input = e.target;
      if (!input.matches('input[data-key]')) return;
      const key = input.dataset.key;
      const x = app.inventory();
      const old = cellParts(x, key)[0];
      const unit = old?.unit ?? (key.endsWith('|') ? (x.gases === 'co2e' ? 'tCO2e' : 'tCO2') : input.closest('.cell').querySelector('select')?.value ?? 'MWh');
      setPart(app, key, 0, partFrom(input.value, unit, old?.ns), `cell:${key}`);
    });
    grid.addEventListener('change', (e) => {
      const node = e.target;
      if (node.matches('select[data-unit-key]')) {
        const key = node.dataset.unitKey;
        const old = cellParts(app.inventory(), key)[0];
        // A unit without an amount is nothing to keep; with one, it is an edit like any other (undoable).
        if (old) setPart(app, key, 0, { ...old, unit: node.value }, null);
        else app.render();
      } else if (node.matches('input.ns')) {
        const key = node.dataset.nsKey;
        const old = cellParts(app.inventory(), key)[0];
        const { ns, ...rest } = old ?? { amount: '', unit: 'MWh' };
        if (old) setPart(app, key, 0, node.checked ? { ...rest, ns: true } : rest, null);
        else { node.checked = false; app.status(t('ns_needs_amount')); }
      }
    });
    grid.addEventListener('focusout', () => app.render());
    grid.addEventListener('keydown', (e) => {
      const node = e.target;
      const isAmount = node.matches('input[data-key]');
      const isUnit = node.matches('select[data-unit-key]');
      if (!isAmount && !isUnit) return;
      const input = isAmount ? node : node.closest('.cell').querySelector('input[data-key]');
      if (e.key === 'Enter' && isAmount) { e.preventDefault(); move(input, e.shiftKey ? -1 : 1, 0); }
      else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        // On a unit select the arrows would change the unit silently: they move instead.
        if (e.altKey) return;
        e.preventDefault();
        move(input, e.key === 'ArrowDown' ? 1 : -1, 0);
      } else if (e.key === 'ArrowRight' && (isUnit || node.selectionStart === node.value.length)) {
        if (isUnit) { e.preventDefault(); move(input, 0, 1); }
        else if (node.selectionEnd === node.value.length) { e.preventDefault(); move(input, 0, 1); }
      } else if (e.key === 'ArrowLeft' && (isUnit || node.selectionStart === 0)) {
        if (isUnit || node.selectionEnd === 0) { e.preventDefault(); move(input, 0, -1); }
      }
    });
    grid.addEventListener('paste', (e) => {
      const node = e.target;
      if (!node.matches('input[data-key]')) return;
      const text = e.clipboardData?.getData('text/plain') ?? '';
      if (!/[\t\n]/.test(text.replace(/\r?\n$/, ''))) return;
      e.preventDefault();
      paste(app, node, text);
    });
  }
}
