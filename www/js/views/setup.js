// The inventory set-up: the inventory tabs (WAI-ARIA tabs), the fields of the active inventory,
// its national electricity factor, and the reduction target.

import { $, el } from '../dom.js';
import { carrierLabel, countryName, fmt, fmtExact, read, readProblem, t } from '../i18n.js';
import { baselineOf, entry, group, withFramework } from '../model.js';
import { nationalFactor } from '../../pkg/covenant_wasm.js';

let appRef = null;
function syncValue(input, value) {
  if (!appRef.isEditing(input) && input.value !== value) input.value = value;
}

/** Reads a numeric field: a plain value, or `{ text }` kept as typed when it cannot be read. */
export function readField(text, integer) {
  const r = read(text, { integer });
  if (r.status === 'empty') return '';
  if (r.status === 'ok') return r.value;
  return { text };
}

const FIELDS = [
  // SECAP (the Covenant of Mayors in Europe) or the CRF of the Global Covenant; a monitoring
  // inventory keeps its baseline's.
  { name: 'framework', label: 'framework', type: 'select', get: (x) => x.framework ?? 'secap', set: (x, v) => withFramework(x, v),
    disabled: (x) => x.kind === 'monitoring', options: () => [['secap', t('framework_secap')], ['crf', t('framework_crf')]] },
  { name: 'city', label: 'city', type: 'text', get: (x) => x.city, set: (x, v) => ({ ...x, city: v }) },
  { name: 'country', label: 'country', type: 'select', get: (x) => x.country, set: (x, v) => ({ ...x, country: v }),
    options: (app) => app.countries() },
  { name: 'year', label: 'year', type: 'integer', get: (x) => x.year, set: (x, v) => ({ ...x, year: v }) },
  { name: 'population', label: 'population', type: 'integer', get: (x) => x.population, set: (x, v) => ({ ...x, population: v }) },
  { name: 'approach', label: 'approach', type: 'select', get: (x) => x.approach, set: (x, v) => ({ ...x, approach: v }),
    options: () => [['ipcc', t('approach_ipcc')], ['lca', t('approach_lca')]] },
  { name: 'gases', label: 'gases', type: 'select', get: (x) => x.gases, set: (x, v) => withGasUnits({ ...x, gases: v }),
    disabled: (x) => x.framework === 'crf', options: () => [['co2', t('gases_co2')], ['co2e', t('gases_co2e')]] },
  { name: 'factor_set', label: 'release', type: 'select', get: (x) => x.release, set: (x, v) => ({ ...x, release: v }),
    options: (app) => app.cat.releases.map((r) => [r.default ? '' : r.id, r.default ? t('release_newest', { id: r.id }) : r.id])
      .sort((a, b) => (a[0] === '' ? -1 : b[0] === '' ? 1 : 0)) },
  { name: 'gwp', label: 'gwp', type: 'select', get: (x) => x.gwp ?? '', set: (x, v) => ({ ...x, gwp: v }),
    disabled: (x) => x.gases !== 'co2e',
    options: (app, x) => [['', x.framework === 'crf' ? t('gwp_default', { gwp: `IPCC ${app.cat.crf.default_gwp.toUpperCase()}` }) : t('gwp_table')],
      ...releaseOf(app, x).gwp.map((g) => [g.code, `IPCC ${g.code.toUpperCase()}`])] },
];

const TARGET_FIELDS = [
  { name: 'target_preset', label: 'target_preset', type: 'select', get: (x) => presetOf(x), set: applyPreset,
    options: (app) => [['', t('target_none')], ...app.cat.presets.map((p) => [p.code, t(`preset.${p.code}`, { year: p.year, pct: fmtExact(p.reduction_pct) })]), ['custom', t('target_custom')]] },
  { name: 'target_year', label: 'target_year', type: 'integer', get: (x) => x.target.year, set: (x, v) => ({ ...x, target: { ...x.target, year: v } }) },
  { name: 'target_reduction_pct', label: 'target_pct', type: 'decimal', get: (x) => x.target.pct, set: (x, v) => ({ ...x, target: { ...x.target, pct: v } }) },
  { name: 'target_kind', label: 'target_kind', type: 'select', get: (x) => x.target.kind, set: (x, v) => ({ ...x, target: { ...x.target, kind: v } }),
    options: () => [['absolute', t('target_absolute')], ['per_capita', t('target_per_capita')]] },
  { name: 'target_population', label: 'target_population', type: 'integer', get: (x) => x.target.population, set: (x, v) => ({ ...x, target: { ...x.target, population: v } }) },
];

let presets = [];

/** Non-energy emissions and direct reductions are entered in the inventory's gas unit (t CO2 or t CO2-eq). */
export function withGasUnits(x) {
  const unit = x.gases === 'co2e' ? 'tCO2e' : 'tCO2';
  const cells = { ...x.cells };
  for (const [key, c] of Object.entries(cells)) {
    if (key.endsWith('|')) cells[key] = { parts: c.parts.map((q) => ({ ...q, unit })) };
  }
  const actions = (x.actions ?? []).map((a) => (a.kind === 'direct_reduction' ? { ...a, unit } : a));
  return { ...x, cells, actions };
}

function releaseOf(app, x) {
  return app.cat.releases.find((r) => (x.release ? r.id === x.release : r.default)) ?? app.cat.releases.find((r) => r.default);
}

function presetOf(x) {
  const y = entry(x.target.year), p = entry(x.target.pct);
  if (y === '' && p === '') return '';
  return presets.find((q) => String(q.year) === y && q.reduction_pct === p)?.code ?? 'custom';
}

function applyPreset(x, code) {
  if (code === 'custom') return x;
  if (code === '') return { ...x, target: { ...x.target, year: '', pct: '' } };
  const q = presets.find((p) => p.code === code);
  return { ...x, target: { ...x.target, year: String(q.year), pct: q.reduction_pct } };
}

let built = '';

function fieldRow(app, f, container) {
  const id = `f-${f.name}`;
  const label = el('label', { for: id, text: t(f.label) });
  let input;
  if (f.type === 'select') {
    input = el('select', { id, 'data-field': f.name });
    input.addEventListener('change', () => app.editInventory(`field:${f.name}`, (x) => f.set(x, input.value)));
  } else {
    input = el('input', { id, 'data-field': f.name, autocomplete: 'off', inputmode: f.type === 'text' ? undefined : f.type === 'integer' ? 'numeric' : 'decimal',
      'aria-describedby': f.type === 'text' ? undefined : `${id}-read` });
    input.addEventListener('input', () => {
      const v = f.type === 'text' ? input.value : readField(input.value, f.type === 'integer');
      app.editInventory(`field:${f.name}`, (x) => f.set(x, v), { group: `field:${f.name}` });
    });
    input.addEventListener('blur', () => app.render());
  }
  const wrap = el('div', { class: 'field' }, input);
  if (f.type !== 'text' && f.type !== 'select') wrap.append(el('span', { class: 'read', id: `${id}-read` }));
  container.append(label, wrap);
}

function syncFields(app, x, fields) {
  for (const f of fields) {
    const input = $(`f-${f.name}`);
    if (!input) continue;
    const disabled = (f.name.startsWith('target') && x.kind !== 'baseline') || (f.disabled?.(x) ?? false);
    input.disabled = disabled;
    if (f.type === 'select') {
      const options = f.options(app, x);
      const sig = options.map((o) => o.join('=')).join('|');
      if (input.dataset.sig !== sig) {
        input.replaceChildren(...options.map(([value, text]) => el('option', { value, text })));
        input.dataset.sig = sig;
      }
      const v = f.get(x);
      if (!options.some((o) => o[0] === v) && v !== '') input.append(el('option', { value: v, text: v }));
      input.value = v;
      continue;
    }
    const v = f.get(x);
    const integer = f.type === 'integer';
    if (f.type === 'text') { syncValue(input, v ?? ''); continue; }
    const bad = v && typeof v === 'object';
    syncValue(input, bad ? v.text : (v === '' ? '' : integer ? String(v) : String(v).replace('.', app.decimal())));
    const readOut = $(`f-${f.name}-read`);
    if (bad) {
      input.setAttribute('aria-invalid', 'true');
      readOut.textContent = readProblem(v.text, read(v.text, { integer }));
      readOut.className = 'read problem';
    } else {
      input.removeAttribute('aria-invalid');
      readOut.textContent = v !== '' && document.activeElement === input ? `= ${fmtExact(String(v))}` : '';
      readOut.className = 'read';
    }
  }
}

export function renderSetup(app) {
  const p = app.project();
  const x = p.inventories[p.active];
  presets = app.cat.presets;
  appRef = app;
  const sig = `${app.lang()}|${app.project().id}`;
  if (built !== sig) {
    $('setup-fields').replaceChildren();
    $('target-fields').replaceChildren();
    for (const f of FIELDS) fieldRow(app, f, $('setup-fields'));
    for (const f of TARGET_FIELDS) fieldRow(app, f, $('target-fields'));
    built = sig;
  }
  renderTabs(app);
  syncFields(app, x, FIELDS);
  syncFields(app, x, TARGET_FIELDS);
  $('remove-inventory').disabled = p.inventories.length < 2;
  $('add-monitoring').disabled = baselineOf(p, p.active) < 0;
  renderNationalFactor(app, x);
}


export const tabLabel = (x) => `${x.city ? `${x.city} · ` : ''}${t(x.kind)} ${entry(x.year) || '…'}`;

/** Above this many inventories, the tabs show the active one's group and a list offers all of them. */
const MANY = 12;

function renderTabs(app) {
  const p = app.project();
  const tabs = $('inventory-tabs');
  const counts = app.result()?.errorCounts ?? [];
  const many = p.inventories.length > MANY;
  const shown = many ? group(p) : p.inventories.map((x, i) => i);
  const picker = $('inventory-select');
  picker.hidden = !many;
  $('inventory-select-label').hidden = !many;
  if (many) {
    const listSig = `${app.lang()}|${p.inventories.length}|${p.inventories[0].uid}|${p.inventories.at(-1).uid}`;
    if (picker.dataset.sig !== listSig) {
      // Hundreds of options are added a few hundred at a time, after the render (the page stays responsive).
      picker.dataset.sig = listSig;
      picker.replaceChildren(el('option', { value: String(p.active), text: tabLabel(p.inventories[p.active]) }));
      const fill = async () => {
        const options = [];
        for (let k = 0; k < p.inventories.length; k += 250) {
          await new Promise((ok) => setTimeout(ok, 0));
          if (picker.dataset.sig !== listSig) return;
          options.push(...p.inventories.slice(k, k + 250).map((x, j) => el('option', { value: String(k + j), text: tabLabel(x) })));
        }
        picker.replaceChildren(...options);
        picker.value = String(app.project().active);
      };
      fill();
    }
    if ([...picker.options].some((o) => o.value === String(p.active))) picker.value = String(p.active);
  }
  const sig = `${app.lang()}|${shown.map((i) => `${p.inventories[i].uid}:${i}:${tabLabel(p.inventories[i])}:${counts[i] ? 1 : 0}`).join('|')}`;
  if (tabs.dataset.sig !== sig) {
    tabs.replaceChildren(...shown.map((i) => [p.inventories[i], i]).map(([x, i]) => el('button', {
      type: 'button', role: 'tab', id: `tab-${i}`, 'aria-controls': 'setup-panel', 'data-index': String(i),
      class: counts[i] ? 'has-errors' : undefined, text: tabLabel(x),
      title: counts[i] ? t('tab_has_errors', { n: counts[i] }) : undefined,
    })));
    tabs.dataset.sig = sig;
  }
  [...tabs.children].forEach((b) => {
    const selected = Number(b.dataset.index) === p.active;
    b.setAttribute('aria-selected', String(selected));
    b.tabIndex = selected ? 0 : -1;
  });
  $('setup-panel').setAttribute('aria-labelledby', `tab-${p.active}`);
}

/** Arrow keys, Home and End move between the tabs (and select them), as the WAI-ARIA pattern says. */
export function wireTabs(app) {
  const tabs = $('inventory-tabs');
  tabs.addEventListener('click', (e) => {
    const b = e.target.closest('[role="tab"]');
    if (b) app.selectInventory(Number(b.dataset.index));
  });
  tabs.addEventListener('keydown', (e) => {
    const shown = [...tabs.children].map((b) => Number(b.dataset.index));
    const n = shown.length;
    const k = shown.indexOf(app.project().active);
    const to = { ArrowRight: k + 1, ArrowLeft: k - 1, Home: 0, End: n - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    app.selectInventory(shown[(to + n) % n]);
    app.afterRender(() => $(`tab-${app.project().active}`)?.focus());
  });
  $('inventory-select').addEventListener('change', () => app.selectInventory(Number($('inventory-select').value)));
}

let nfKey = '';
function renderNationalFactor(app, x) {
  const node = $('national-factor');
  const year = entry(x.year);
  const key = `${app.lang()}|${x.country}|${year}|${x.approach}|${x.gases}|${x.release}|${x.framework}`;
  if (key === nfKey) return;
  nfKey = key;
  if (!/^\d{4}$/.test(year)) { node.textContent = ''; return; }
  const f = JSON.parse(nationalFactor(x.country, Number(year), x.approach, x.gases, x.release));
  node.classList.toggle('noncom', f.status === 'found' && !f.com);
  if (f.status === 'found') {
    node.textContent = t('national_factor', { value: fmt(f.value, 3), set: f.set, source: f.citation }) + (f.com ? '' : ` ${t('not_com')}`);
    return;
  }
  // No national factor for this country and year. A CRF inventory has no factors table: its
  // electricity rows take their own factor (or their emissions), as the engine says at the row.
  if (x.framework === 'crf') {
    node.textContent = t('national_factor_missing_crf', { country: countryName(x.country), year });
    return;
  }
  // A SECAP inventory: the way to enter one, with its source.
  node.replaceChildren(t('national_factor_missing', { country: countryName(x.country), year }), ' ',
    el('button', { type: 'button', class: 'action', 'data-enter-factor': 'electricity', text: t('enter_factor', { carrier: carrierLabel('electricity') }),
      onclick: () => app.goTo({ place: { kind: 'factor', carrier: 'electricity', field: 'factor', inventory: app.project().active } }) }));
}
