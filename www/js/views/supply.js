// Local energy production (SECAP Tables C and D): one row per plant, purchase, import or export.

import { $, el } from '../dom.js';
import { carrierLabel, fmtExact, read, readProblem, t } from '../i18n.js';
import { SUPPLY_ITEMS, entry } from '../model.js';
import { readField } from './setup.js';

const NUMBERS = ['electricity', 'heat', 'amount', 'emissions'];
const LABELS = { item: 'item', plant: 'plant', electricity: 'electricity_mwh', heat: 'heat_mwh', carrier: 'fuel', amount: 'amount', unit: 'unit', emissions: 'emissions_t' };
let built = '';

function row(app, k) {
  const fuels = [['', t('none')], ...app.cat.carriers.filter((c) => c.fuel).map((c) => [c.code, carrierLabel(c.code)])];
  const units = app.cat.unit_kinds.filter((u) => u.kind !== 'emissions').map((u) => [u.symbol, u.symbol]);
  const items = SUPPLY_ITEMS.map((i) => [i, t(`item.${i}`)]);
  const field = (name) => {
    const id = `supply-${k}-${name}`;
    const label = el('label', { for: id, text: t(LABELS[name]) });
    let input;
    const options = { item: items, carrier: fuels, unit: units }[name];
    if (options) {
      input = el('select', { id, 'data-supply': `${k}:${name}` }, ...options.map(([value, text]) => el('option', { value, text })));
    } else {
      input = el('input', { id, 'data-supply': `${k}:${name}`, autocomplete: 'off', inputmode: NUMBERS.includes(name) ? 'decimal' : undefined,
        'aria-describedby': NUMBERS.includes(name) ? `${id}-read` : undefined });
    }
    const wrap = el('div', { class: 'field' }, label, input);
    if (NUMBERS.includes(name)) wrap.append(el('span', { class: 'read', id: `${id}-read` }));
    return wrap;
  };
  const remove = el('button', { type: 'button', 'data-supply-remove': String(k), text: t('remove_row', { n: k + 1 }) });
  return el('fieldset', { class: 'supply-row' }, el('legend', { text: t('supply_row', { n: k + 1 }) }),
    ...['item', 'plant', 'electricity', 'heat', 'carrier', 'amount', 'unit', 'emissions'].map(field), remove);
}

export function renderSupply(app) {
  const x = app.inventory();
  const box = $('supply-rows');
  const sig = `${app.lang()}|${x.uid}|${x.supply.length}`;
  if (built !== sig) { box.replaceChildren(...x.supply.map((r, k) => row(app, k))); built = sig; }
  x.supply.forEach((r, k) => {
    for (const name of Object.keys(LABELS)) {
      const input = box.querySelector(`[data-supply="${k}:${name}"]`);
      if (!input || app.isEditing(input)) continue;
      const v = r[name];
      const bad = v && typeof v === 'object';
      input.value = NUMBERS.includes(name) ? (bad ? v.text : v === '' ? '' : fmtExact(v)) : (v ?? '');
      if (NUMBERS.includes(name)) {
        const out = $(`supply-${k}-${name}-read`);
        out.textContent = bad ? readProblem(v.text, read(v.text)) : '';
        if (bad) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
      }
    }
  });
  app.markDiagnostics('supply');
}

export function wireSupply(app) {
  const box = $('supply-rows');
  const edit = (node) => {
    const [k, name] = node.dataset.supply.split(':');
    const v = NUMBERS.includes(name) ? readField(node.value, false) : node.value;
    app.editInventory(`supply:${k}:${name}`, (x) => ({ ...x, supply: x.supply.map((r, i) => (i === Number(k) ? { ...r, [name]: v } : r)) }),
      { group: `supply:${k}:${name}` });
  };
  box.addEventListener('input', (e) => { if (e.target.matches('input[data-supply]')) edit(e.target); });
  box.addEventListener('change', (e) => { if (e.target.matches('select[data-supply]')) edit(e.target); });
  box.addEventListener('click', (e) => {
    const b = e.target.closest('[data-supply-remove]');
    if (!b) return;
    const k = Number(b.dataset.supplyRemove);
    app.editInventory('supply:remove', (x) => ({ ...x, supply: x.supply.filter((r, i) => i !== k) }));
  });
  $('add-supply').addEventListener('click', () => {
    app.editInventory('supply:add', (x) => ({ ...x, supply: [...x.supply, { item: 'electricity_production', plant: '', electricity: '', heat: '',
      carrier: '', amount: '', unit: 'MWh', emissions: '' }] }));
    app.afterRender(() => $(`supply-${app.inventory().supply.length - 1}-item`)?.focus());
  });
}

export const supplyEntry = entry;
