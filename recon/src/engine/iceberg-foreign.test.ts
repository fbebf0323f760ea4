import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  IcebergCatalog,
  LocalPointerStore,
  definePartitionSpec,
  defineSchema,
  type DataFile,
  type Schema,
} from '@coattail/iceberg';
import { LocalCheckpointStore } from '@coattail/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReconConfig } from '../config/load-config.js';
import { DuckSession } from './duck-session.js';
import { reconcile } from './reconcile.js';
import { quoteLiteral } from '../sql/quote.js';
import { writeTable } from '../testing/write-table.js';

/** The catalog layout recon reads: `<dir>/catalog` pointers, `<dir>/objects` table files. */
class FolderStore extends LocalCheckpointStore {
  get location(): string {
    return pathToFileURL(this.root).href;
  }
}

let dir: string;

const base = defineSchema([
  { name: 'id', type: 'long', required: true },
  { name: 'symbol', type: 'string', required: true },
  { name: 'price', type: 'double' },
  { name: 'venue', type: 'string' },
]);
/** `venue` was added after the file below was written, with an initial default (a v3 table). */
const schema: Schema = {
  ...base,
  fields: base.fields.map((f) => (f.name === 'venue' ? { ...f, 'initial-default': 'BINANCE' } : f)),
};

/**
 * Writes a Parquet data file the way other engines may: without the identity-partition column
 * `symbol` (its value lives in the partition tuple) and without `venue` (added later); columns
 * carry Iceberg field ids.
 */
async function foreignDataFile(objects: string, symbol: string, ids: number[]): Promise<DataFile> {
  const folder = join(objects, 'ext', 'data');
  await mkdir(folder, { recursive: true });
  const path = join(folder, `${symbol}.parquet`);
  const session = await DuckSession.open({ threads: 1 });
  try {
    await session.run(
      `COPY (SELECT i::BIGINT AS id, (100 + i)::DOUBLE AS price FROM unnest([${ids.join(', ')}]) u(i))
       TO ${quoteLiteral(path)} (FORMAT parquet, FIELD_IDS {id: 1, price: 3})`,
    );
  } finally {
    session.close();
  }
  return {
    content: 0,
    filePath: `${pathToFileURL(objects).href}/ext/data/${symbol}.parquet`,
    fileFormat: 'PARQUET',
    partition: [symbol],
    recordCount: ids.length,
    fileSizeInBytes: (await stat(path)).size,
    valueCounts: new Map(),
    nullValueCounts: new Map(),
    lowerBounds: new Map(),
    upperBounds: new Map(),
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'recon-iceberg-foreign-'));
  const objects = join(dir, 'lake', 'objects');
  const catalog = new IcebergCatalog({
    pointers: new LocalPointerStore(join(dir, 'lake', 'catalog')),
    store: new FolderStore(objects),
  });
  const spec = definePartitionSpec(schema, [{ source: 'symbol', transform: 'identity' }]);
  const table = await catalog.createTable('ext.trades', { schema, spec });
  const files = [await foreignDataFile(objects, 'BTCUSDT', [1, 2, 3]), await foreignDataFile(objects, 'ETHUSDT', [4])];
  const committed = await table.commitAppend(files);
  if (committed.status !== 'committed') throw new Error('the foreign files were not committed');
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('Iceberg inputs written by other engines', () => {
  it('compares the partition value and initial default of columns a data file leaves out, not NULL', async () => {
    const target = await writeTable(
      dir,
      'expected.parquet',
      `SELECT i::BIGINT AS id, CASE WHEN i < 4 THEN 'BTCUSDT' ELSE 'ETHUSDT' END AS symbol,
              (100 + i)::DOUBLE AS price, 'BINANCE' AS venue FROM range(1, 5) r(i)`,
    );
    const result = await reconcile(
      parseReconConfig(
        {
          source: { path: 'lake', format: 'iceberg', table: 'ext.trades' },
          target: { path: target },
          primaryKey: 'id',
          output: { dir: 'out' },
        },
        dir,
      ),
    );
    expect(result.rowCount).toMatchObject({ source: 4, target: 4 });
    expect(result.nulls.columns.find((c) => c.column === 'symbol')?.sourceNulls).toBe(0);
    expect(result.nulls.columns.find((c) => c.column === 'venue')?.sourceNulls).toBe(0);
    expect(result.hash).toMatchObject({ mismatchedRows: 0, matchedRows: 4 });
    expect(result.reconciled).toBe(true);
  });
});
