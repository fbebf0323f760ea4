/**
 * A separate writer process for the cross-process commit test:
 * `node --import tsx test/append-worker.ts <root> <offset> <rounds>` appends `rounds` batches of 20 trades.
 */
import { join } from 'node:path';
import { LocalObjectStore } from '@coattail/connectors';
import { IcebergCatalog } from '../src/catalog/catalog.js';
import { LocalPointerStore } from '../src/catalog/local-pointer-store.js';
import { trades } from './temp-catalog.js';

const [root, offset, rounds] = process.argv.slice(2);
const catalog = new IcebergCatalog({
  pointers: new LocalPointerStore(join(root!, 'catalog')),
  store: new LocalObjectStore(join(root!, 'objects')),
});
const table = await catalog.loadTable('market.trades');
for (let r = 0; r < Number(rounds); r++) await table.append(trades(20, 3, Number(offset) + r * 20));
