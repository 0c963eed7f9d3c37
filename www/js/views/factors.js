// The emission factors: for each carrier the factor the engine used and where it came from, and
// a local factor with its source that replaces it.

import { $, el } from '../dom.js';
import { carrierLabel, fmt, fmtExact, read, readProblem, t } from '../i18n.js';
import { readField } from './setup.js';

let built = '';

/** Provenance in words, from the engine's structured provenance (ids and citations as given). */
export function provenanceText(p) {
  if (p.kind === 'user_override') return p.source ? t('user_factor_source', { source: p.source }) : t('user_factor');
  if (p.kind === 'local_factor') return t(`local_factor_${p.formula}`, { case: p.case ? t(`efe_case.${p.case}`) : '' }).trim();
  if (p.kind === 'per_gas') {
    return t('per_gas_factor', { set: p.set, gwp: p.gwp.toUpperCase(), co2: fmtExact(p.co2_counted ? p.co2_kg_per_tj : '0'),
      ch4: fmtExact(p.ch4_kg_per_tj), n2o: fmtExact(p.n2o_kg_per_tj) });
  }
  const where = [p.country, p.year].filter(Boolean).join(' ');
  return `${p.set} ${p.source_id}${where ? ` (${where})` : ''} [${t(`tag.${p.tag}`)}]${p.com ? '' : ` ${t('not_com')}`}`;
}

/** The factors a carrier used (default, then non-sustainable biomass). */
export function factorsUsed(r, carrier) {
  const used = (r?.inventory.factors ?? []).filter((f) => f.carrier === carrier);
  const tag = (f) => (f.variant === 'non_sustainable' ? ` (${t('non_sustainable')})` : '');
  return {
    raw: used[0]?.factor ?? '',
    value: used.length ? used.map((f) => `${fmt(f.factor, 3)}${tag(f)}`).join(' · ') : '–',
    source: used.map((f) => `${provenanceText(f.provenance)}${tag(f)}`).join(' · '),
    citation: used.map((f) => f.provenance.citation ?? f.provenance.note).filter(Boolean).join(' · '),
    noncom: used.some((f) => f.provenance.kind === 'factor_set' && !f.provenance.com),
  };
}

export function renderFactors(app) {
  const x = app.inventory();
  const table = $('factor-table');
  const sig = app.lang();
  if (built !== sig) {
    const head = el('tr', {}, ...[t('carrier'), t('factor_used'), t('source'), t('local_factor'), t('local_source'), t('ncv'), t('density')]
      .map((h) => el('th', { scope: 'col', text: h })));
    const body = el('tbody');
    for (const c of app.cat.carriers) {
      const label = carrierLabel(c.code);
      body.append(el('tr', { 'data-carrier': c.code }, el('th', { scope: 'row', text: label }),
        el('td', { class: 'used', 'data-label': t('factor_used') }), el('td', { class: 'prov', 'data-label': t('source') }),
        el('td', { 'data-label': t('local_factor') }, el('div', { class: 'field' },
          el('input', { 'aria-label': `${label}: ${t('local_factor')}`, inputmode: 'decimal', autocomplete: 'off', 'data-override': c.code,
            'aria-describedby': `override-${c.code}-read` }),
          el('span', { class: 'read', id: `override-${c.code}-read` }))),
        el('td', { 'data-label': t('local_source') }, el('input', { class: 'factor-source', 'aria-label': `${label}: ${t('local_source')}`, autocomplete: 'off', 'data-override-source': c.code })),
        // Fuels entered in litres, m³, kg or t are converted with a calorific value and a density: local ones replace the release's.
        ...['ncv', 'density'].map((f) => el('td', { 'data-label': c.fuel ? t(f) : undefined }, c.fuel ? el('div', { class: 'field' },
          el('input', { class: 'fuel-property', 'aria-label': `${label}: ${t(f)}`, inputmode: 'decimal', autocomplete: 'off', [`data-override-${f}`]: c.code,
            'aria-describedby': `override-${c.code}-${f}-read` }),
          el('span', { class: 'read', id: `override-${c.code}-${f}-read` })) : null))));
    }
    table.replaceChildren(el('thead', {}, head), body);
    built = sig;
  }
  const r = app.activeResult();
  for (const row of table.tBodies[0].rows) {
    const carrier = row.dataset.carrier;
    const used = factorsUsed(r, carrier);
    const usedCell = row.querySelector('.used');
    usedCell.textContent = used.value;
    usedCell.dataset.raw = used.raw;
    const prov = row.querySelector('.prov');
    prov.textContent = used.source;
    prov.title = used.citation;
    prov.classList.toggle('noncom', used.noncom);
    const o = x.overrides[carrier] ?? { factor: '', source: '' };
    const factor = row.querySelector('[data-override]');
    const bad = o.factor && typeof o.factor === 'object';
    if (!app.isEditing(factor)) factor.value = bad ? o.factor.text : o.factor === '' ? '' : fmtExact(o.factor);
    const out = $(`override-${carrier}-read`);
    out.textContent = bad ? readProblem(o.factor.text, read(o.factor.text)) : '';
    if (bad) factor.setAttribute('aria-invalid', 'true'); else factor.removeAttribute('aria-invalid');
    const source = row.querySelector('[data-override-source]');
    if (!app.isEditing(source)) source.value = o.source ?? '';
    const release = app.cat.releases.find((r) => (x.release ? r.id === x.release : r.default));
    const defaults = release?.fuel_properties.find((f) => f.carrier === carrier);
    for (const [f, def] of [['ncv', defaults?.ncv_gj_per_t], ['density', defaults?.density_kg_per_l]]) {
      const input = row.querySelector(`[data-override-${f}]`);
      if (!input) continue;
      const v = o[f] ?? '';
      const unread = v && typeof v === 'object';
      if (!app.isEditing(input)) input.value = unread ? v.text : v === '' ? '' : fmtExact(v);
      input.placeholder = def ? fmtExact(def) : '';
      const note = $(`override-${carrier}-${f}-read`);
      note.textContent = unread ? readProblem(v.text, read(v.text)) : '';
      if (unread) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
    }
  }
  app.markDiagnostics('factor');
}

export function wireFactors(app) {
  const table = $('factor-table');
  table.addEventListener('input', (e) => {
    const node = e.target;
    const field = node.dataset.override ? 'factor' : node.dataset.overrideSource ? 'source' : node.dataset.overrideNcv ? 'ncv' : node.dataset.overrideDensity ? 'density' : null;
    if (!field) return;
    const carrier = node.dataset.override ?? node.dataset.overrideSource ?? node.dataset.overrideNcv ?? node.dataset.overrideDensity;
    app.editInventory(`factor:${carrier}`, (x) => {
      const o = { factor: '', source: '', ...x.overrides[carrier] };
      o[field] = field === 'source' ? node.value : readField(node.value, false);
      const overrides = { ...x.overrides };
      const empty = o.factor === '' && o.source.trim() === '' && (o.ncv ?? '') === '' && (o.density ?? '') === '';
      if (empty) delete overrides[carrier]; else overrides[carrier] = o;
      return { ...x, overrides };
    }, { group: `factor:${carrier}:${field}` });
  });
}
