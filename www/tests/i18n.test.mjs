// The page's nine languages are complete: every key in every language, the same placeholders, every
// string the code asks for, every sector, carrier, preset and engine diagnostic code translated.
// Runs in Node (no browser); loads the engine and its factor tables from www/pkg (cargo xtask wasm).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initSync, catalog, loadFactors } from '../pkg/covenant_wasm.js';

const WWW = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const LANGS = ['en', 'fr', 'de', 'it', 'es', 'pt', 'zh', 'ja', 'hi'];
const files = Object.fromEntries(LANGS.map((l) => [l, JSON.parse(readFileSync(join(WWW, 'i18n', `${l}.json`), 'utf8'))]));
initSync({ module: readFileSync(join(WWW, 'pkg', 'covenant_wasm_bg.wasm')) });
loadFactors(readFileSync(join(WWW, 'pkg', 'factors.json'), 'utf8'));
const CAT = JSON.parse(catalog());
const placeholders = (s) => [...s.matchAll(/\{([a-z][a-z0-9_]*)\}/g)].map((m) => m[1]).sort();

function sources() {
  const out = [readFileSync(join(WWW, 'app.js'), 'utf8')];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith('.js')) out.push(readFileSync(join(dir, e.name), 'utf8'));
    }
  };
  walk(join(WWW, 'js'));
  return out.join('\n');
}

test('there are exactly the nine language files', () => {
  assert.deepEqual(readdirSync(join(WWW, 'i18n')).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort(), [...LANGS].sort());
});

test('every language has every key of the English file, no other, none empty, with the same placeholders', () => {
  const keys = Object.keys(files.en).sort();
  for (const l of LANGS) {
    assert.deepEqual(Object.keys(files[l]).sort(), keys, `${l}: keys differ from en`);
    for (const k of keys) {
      assert.ok(files[l][k].trim() !== '', `${l}: ${k} is empty`);
      assert.deepEqual(placeholders(files[l][k]), placeholders(files.en[k]), `${l}: ${k} placeholders`);
    }
  }
});

test('every string the page asks for exists', () => {
  const code = sources();
  const html = readFileSync(join(WWW, 'index.html'), 'utf8');
  const used = new Set([
    ...[...code.matchAll(/\bt(?:OrNull)?\('([a-z_.0-9A-Z]+)'/g)].map((m) => m[1]),
    ...[...html.matchAll(/data-i18n(?:-label)?="([^"]+)"/g)].map((m) => m[1]),
    // Labels of set-up fields and messages' places (strings in tables of the code).
    ...[...code.matchAll(/label: '([a-z_]+)'/g)].map((m) => m[1]),
    ...[...code.matchAll(/: '([a-z_]+)'[,\s}]/g)].map((m) => m[1]).filter((k) => k in files.en),
    // Families built from the engine's catalogue and the page's constants.
    ...CAT.sectors.map((s) => `sector.${s.code}`),
    ...CAT.carriers.map((c) => `carrier.${c.code}`),
    ...CAT.presets.map((p) => `preset.${p.code}`),
    ...['V', 'D', 'R'].map((x) => `tag.${x}`),
    ...['ahead', 'behind', 'on_track'].flatMap((x) => [`status.${x}`, `progress.${x}`]),
    ...['general', 'net_exporter', 'no_consumption'].map((x) => `efe_case.${x}`),
    ...['EFE', 'EFH'].map((x) => `local_factor_${x}`),
    ...['electricity_production', 'chp', 'green_purchase', 'heat_production', 'heat_import', 'heat_export'].map((x) => `item.${x}`),
    ...CAT.action_kinds.map((k) => `action_kind.${k}`),
    ...['not_started', 'ongoing', 'completed', 'postponed'].map((x) => `action_status.${x}`),
    ...['baseline', 'monitoring'].flatMap((x) => [x, `${x}_inventory`]),
    ...['ipcc', 'lca'].map((x) => `approach_${x}`), ...['co2', 'co2e'].map((x) => `gases_${x}`),
    ...['field', 'cell', 'paste', 'supply', 'factor', 'add', 'remove', 'import', 'example', 'open', 'action', 'crf'].map((x) => `edit.${x}`),
    // CRF inventories: the engine's sectors, sub-sectors (and the two summary rows of I.2), notation keys, origins.
    ...CAT.crf.sectors.map(([s]) => `crf_sector.${s}`),
    ...[...CAT.crf.lines.map((l) => l.subsector), ...CAT.crf.summary_rows.map((r) => r.key)].map((x) => `crf_subsector.${x}`),
    ...CAT.crf.keys.map((k) => `notation.${k}`),
    ...['key', 'entered', 'factors', 'factors_unsourced', 'release'].map((x) => `crf_origin.${x}`),
    ...[1, 2, 3].map((n) => `crf_scope_column.${n}`),
    // Why an eCRF workbook cannot be read at all (the reader's ReadError codes).
    ...['file_too_large', 'unpacks_too_large', 'too_many_cells', 'not_a_workbook', 'missing_detail_sheet', 'missing_required_header']
      .map((c) => `ecrf_read.ecrf_${c}`),
  ]);
  const missing = [...used].filter((k) => !(k in files.en));
  assert.deepEqual(missing, []);
  // Every edit label the code records has its words.
  for (const m of code.matchAll(/(?:update|editInventory|replace|openProject\([^,]+,)\s*\(?\s*[`']([a-z]+)[:`']/g)) {
    assert.ok(`edit.${m[1]}` in files.en, `edit.${m[1]}`);
  }
});

test('every engine diagnostic code has a message in all nine languages', (t) => {
  if (!Array.isArray(CAT.diagnostics)) {
    t.skip('the engine does not list its diagnostic codes yet (catalog().diagnostics)');
    return;
  }
  const codes = CAT.diagnostics.map((d) => (typeof d === 'string' ? d : d.code));
  assert.ok(codes.length > 0);
  assert.equal(new Set(codes).size, codes.length, 'a code is listed twice');
  for (const d of CAT.diagnostics) assert.ok(['error', 'warning'].includes(d.severity), `${d.code}: ${d.severity}`);
  for (const l of LANGS) {
    const missing = codes.filter((c) => !(`diag.${c}` in files[l]));
    assert.deepEqual(missing, [], `${l}: diagnostic codes without a message`);
    // A code whose message depends on a sub-kind (the reason of a missing factor…) has one for each value.
    const sub = CAT.diagnostics.flatMap((d) => (d.variants ?? []).map((v) => `diag.${d.code}.${v.value}`));
    assert.deepEqual(sub.filter((k) => !(k in files[l])), [], `${l}: sub-kinds without a message`);
  }
});

/** The parameters a `diag.*` key may use: those the engine gives in every case for its code (and sub-kind). */
function diagParams(key) {
  const [, code, value, ...rest] = key.split('.');
  const d = CAT.diagnostics.find((x) => x.code === code);
  if (!d || rest.length) return null;
  if (value === undefined) return d.params;
  return d.variants?.find((v) => v.value === value)?.params ?? null;
}

test('every diag.* message is for a code (or sub-kind) of the engine and uses only the parameters it gives', () => {
  assert.ok(Array.isArray(CAT.diagnostics), 'catalog().diagnostics');
  for (const l of LANGS) {
    for (const [key, text] of Object.entries(files[l]).filter(([k]) => k.startsWith('diag.'))) {
      const params = diagParams(key);
      assert.ok(params, `${l}: ${key} is not a code or sub-kind of the engine`);
      const unknown = placeholders(text).filter((p) => !params.includes(p));
      assert.deepEqual(unknown, [], `${l}: ${key} uses parameters the engine does not give for it`);
      // Never shown: English text (other libraries' messages, what overflowed, a set's note), names of the
      // batch format (its columns, the factor files), and the sub-kind code that picks the message.
      const hidden = ['message', 'what', 'note', 'required', 'file', CAT.diagnostics.find((d) => d.code === key.split('.')[1]).sub_kind];
      assert.deepEqual(placeholders(text).filter((p) => hidden.includes(p)), [], `${l}: ${key} shows a parameter that is not for the officer`);
    }
  }
  // The placeholders are the engine's parameter names, so they are written the same in every language.
  for (const d of CAT.diagnostics) for (const p of [...d.params, ...d.optional]) assert.match(p, /^[a-z][a-z0-9_]*$/, `${d.code}.${p}`);
});

test('diagnostic messages speak the page\'s words: no file, column or code of the batch format', () => {
  for (const l of LANGS) {
    for (const [key, text] of Object.entries(files[l]).filter(([k]) => k.startsWith('diag.'))) {
      const plain = text.replace(/\{[a-z][a-z0-9_]*\}/g, '');
      // File names, column names and codes (snake_case), `kind = baseline`, command-line options, library types.
      assert.doesNotMatch(plain, /\.csv|\bcsv\b|[a-z]+_[a-z_]+|\s=\s|--|FactorOverride|\bEF[EH]\b|\bLHC\b/i, `${l}: ${key}: ${text}`);
    }
  }
});

test('every kind of code the engine can find unknown has a label', () => {
  const kinds = CAT.diagnostics.flatMap((d) => (d.enumerations ?? []).filter((e) => e.param === 'kind').flatMap((e) => e.values));
  assert.ok(kinds.includes('sector'));
  for (const l of LANGS) assert.deepEqual(kinds.filter((k) => !(`what.${k}` in files[l])), [], `${l}: what.* labels`);
});
