// Inputs shared by the browser tests and the page benchmark.

import { createWriteStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Writes a batch of 1,000 inventories with 1,000 activity rows each (1,000,000 rows, about 48 MB)
 * and returns the paths of its inventories.csv and activity.csv.
 */
export async function millionRowBatch() {
  const dir = mkdtempSync(join(tmpdir(), 'covenant-big-'));
  const inv = ['inventory_id,city,country,year,population'];
  for (let i = 0; i < 1000; i++) inv.push(`city-${i},City ${i},IT,2015,${10000 + i}`);
  writeFileSync(join(dir, 'inventories.csv'), `${inv.join('\n')}\n`);
  const pairs = ['residential_buildings,electricity', 'residential_buildings,natural_gas', 'tertiary_buildings,electricity',
    'private_transport,diesel', 'private_transport,gasoline', 'municipal_buildings,heating_oil', 'public_lighting,electricity'];
  const out = createWriteStream(join(dir, 'activity.csv'));
  out.write('inventory_id,sector,carrier,amount,unit\n');
  for (let i = 0; i < 1000; i++) {
    let chunk = '';
    for (let r = 0; r < 1000; r++) chunk += `city-${i},${pairs[r % pairs.length]},${(r % 97) + 1}.5,MWh\n`;
    out.write(chunk);
  }
  await new Promise((ok) => out.end(ok));
  return [join(dir, 'inventories.csv'), join(dir, 'activity.csv')];
}
