import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalObjectStore } from '@coattail/connectors';
import { IcebergCatalog } from '../src/catalog/catalog.js';
import { LocalPointerStore } from '../src/catalog/local-pointer-store.js';
import { defineSchema } from '../src/schema/schema.js';
import { definePartitionSpec } from '../src/spec/partition-spec.js';

/** A catalog in a fresh temp folder: local pointers + local object store. */
export async function tempCatalog(): Promise<{
  catalog: IcebergCatalog;
  root: string;
  store: LocalObjectStore;
  cleanup: () => Promise<void>;
}> {
  const root = await mkdtemp(join(tmpdir(), 'iceberg-test-'));
  const store = new LocalObjectStore(join(root, 'objects'));
  const catalog = new IcebergCatalog({ pointers: new LocalPointerStore(join(root, 'catalog')), store });
  return { catalog, root, store, cleanup: () => rm(root, { recursive: true, force: true }) };
}

export const tradeSchema = defineSchema([
  { name: 'trade_id', type: 'long', required: true },
  { name: 'symbol', type: 'string', required: true },
  { name: 'price', type: 'double' },
  { name: 'quantity', type: 'double' },
  { name: 'event_time', type: 'timestamptz', required: true },
  { name: 'note', type: 'string' },
]);

export const tradeSpec = definePartitionSpec(tradeSchema, [
  { source: 'event_time', transform: 'day' },
  { source: 'symbol', transform: 'identity' },
]);

const DAY_US = 86_400_000_000n;
export const BASE_US = BigInt(Date.UTC(2026, 10, 1)) * 1000n;

/** Deterministic trades over `days` days and 3 symbols, with nulls, unicode and microsecond timestamps. */
export function trades(n: number, days = 3, start = 0): Record<string, unknown>[] {
  const symbols = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'];
  return Array.from({ length: n }, (_, k) => {
    const i = start + k;
    return {
      trade_id: BigInt(i),
      symbol: symbols[i % 3],
      price: i % 7 === 0 ? null : 100 + i / 8,
      quantity: (i % 13) / 3,
      event_time: BASE_US + BigInt(Math.floor(i / 3) % days) * DAY_US + BigInt(i) * 1_000_001n,
      note: i % 5 === 0 ? null : i % 5 === 1 ? 'Wal 🐋 größer' : `n${i}`,
    };
  });
}
