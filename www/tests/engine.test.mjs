// The engine module's boundary in Node, as the page uses it: nothing is computed before the factor
// tables (pkg/factors.json) are loaded, a bad bundle is refused, and both refusals are errors a
// caller can tell apart by name. Needs www/pkg (cargo xtask wasm).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initSync, catalog, loadFactors, nationalFactor, roundForDisplay, runBatch } from '../pkg/covenant_wasm.js';

const PKG = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'pkg');
initSync({ module: readFileSync(join(PKG, 'covenant_wasm_bg.wasm')) });

test('the engine refuses to compute before the factor tables are loaded, then computes', () => {
  const notLoaded = { name: 'FactorsNotLoaded', message: /call loadFactors/ };
  assert.throws(() => catalog(), notLoaded);
  assert.throws(() => nationalFactor('GR', 2010, 'ipcc', 'co2', ''), notLoaded);
  assert.throws(() => runBatch('inventory_id,country,year\nA,IT,2010\n', 'inventory_id,sector,carrier,amount,unit\n'), notLoaded);
  // What needs no factor table works at once.
  assert.equal(roundForDisplay('2.345', 2), '2.35');
  assert.throws(() => loadFactors('{"format":1,"files":{}}'), { name: 'FactorBundleError', message: /releases\.csv/ });
  assert.throws(() => loadFactors('<!doctype html>'), { name: 'FactorBundleError', message: /not a covenant factor bundle/ });
  assert.throws(() => catalog(), notLoaded);
  loadFactors(readFileSync(join(PKG, 'factors.json'), 'utf8'));
  assert.equal(JSON.parse(catalog()).releases.at(-1).default, true);
  assert.equal(JSON.parse(nationalFactor('GR', 2010, 'ipcc', 'co2', '')).value, '0.833');
});
