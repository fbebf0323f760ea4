import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalPointerStore } from '../src/catalog/local-pointer-store.js';
import { compactTable } from '../src/maintenance/compaction.js';
import { readManifestList } from '../src/manifest/manifest-list.js';
import { defineSchema } from '../src/schema/schema.js';
import { definePartitionSpec } from '../src/spec/partition-spec.js';
import { writeForeignTable, type ForeignFile } from './foreign-table.js';
import { tempCatalog } from './temp-catalog.js';

let env: Awaited<ReturnType<typeof tempCatalog>>;
beforeEach(async () => {
  env = await tempCatalog();
});
afterEach(async () => env.cleanup());

const schema = defineSchema([
  { name: 'id', type: 'long', required: true },
  { name: 'symbol', type: 'string' },
  { name: 'price', type: 'double' },
]);
const spec = definePartitionSpec(schema, [{ source: 'symbol', transform: 'identity' }]);

/** A data file of one symbol that, like Spark's and pyiceberg's, leaves the partition column out. */
function withoutSymbol(symbol: string, ids: number[]): ForeignFile {
  const values = ids.map((id) => `(${id}::BIGINT, ${id}.5::DOUBLE)`).join(', ');
  return { sql: `SELECT * FROM (VALUES ${values}) v(id, price)`, fieldIds: { id: 1, price: 3 }, partition: [symbol] };
}

async function foreignTable(commits: ForeignFile[][], listCounts?: 'absent'): Promise<void> {
  await writeForeignTable({
    ...(listCounts ? { listCounts } : {}),
    io: env.catalog.io,
    pointers: new LocalPointerStore(join(env.root, 'catalog')),
    identifier: { namespace: 'ext', name: 'trades' },
    location: env.catalog.io.uri('warehouse/ext/trades'),
    schema,
    spec,
    commits,
  });
}

const byId = (rows: Record<string, unknown>[]): Record<string, unknown>[] =>
  [...rows].sort((a, b) => Number((a.id as bigint) - (b.id as bigint)));

describe('identity-partition columns that live only in the partition tuple', () => {
  it('reads them from the tuple and filters on them', async () => {
    await foreignTable([
      [
        withoutSymbol('BTCUSDT', [1, 2, 3]),
        withoutSymbol('ETHUSDT', [4, 5]),
        { sql: `SELECT 6::BIGINT AS id, 'SOLUSDT' AS symbol`, fieldIds: { id: 1, symbol: 2 }, partition: ['SOLUSDT'] },
      ],
    ]);
    const table = await env.catalog.loadTable('ext.trades');
    const rows = byId(await table.scan().toRows());
    expect(rows.map((r) => r.symbol)).toEqual(['BTCUSDT', 'BTCUSDT', 'BTCUSDT', 'ETHUSDT', 'ETHUSDT', 'SOLUSDT']);
    expect(rows[0]).toEqual({ id: 1n, symbol: 'BTCUSDT', price: 1.5 });
    const eth = await table.scan({ filter: [{ column: 'symbol', op: '=', value: 'ETHUSDT' }] }).toRows();
    expect(byId(eth).map((r) => r.id)).toEqual([4n, 5n]);
    const counted = await table.scan().sql('SELECT symbol, count(*)::INTEGER AS n FROM t GROUP BY symbol ORDER BY 1');
    expect(counted).toEqual([
      { symbol: 'BTCUSDT', n: 3 },
      { symbol: 'ETHUSDT', n: 2 },
      { symbol: 'SOLUSDT', n: 1 },
    ]);
  });

  it('compaction writes the partition value into the rewritten rows instead of NULL', async () => {
    await foreignTable([
      [withoutSymbol('BTCUSDT', [1, 2]), withoutSymbol('ETHUSDT', [3])],
      [withoutSymbol('BTCUSDT', [4])],
    ]);
    const table = await env.catalog.loadTable('ext.trades');
    const before = byId(await table.scan().toRows());
    const result = await compactTable(table, { minInputFiles: 2 });
    expect(result).toMatchObject({ rewrittenFiles: 2, addedFiles: 1, rewrittenRecords: 3 });
    const after = byId(await (await env.catalog.loadTable('ext.trades')).scan().toRows());
    expect(after).toEqual(before);
    expect(after.filter((r) => r.symbol === null)).toEqual([]);
  });
});

describe('manifest lists written by the Java library', () => {
  it('reads ids 504-506 under their Java names, and our next append keeps those counts', async () => {
    await foreignTable([[withoutSymbol('BTCUSDT', [1]), withoutSymbol('ETHUSDT', [2]), withoutSymbol('SOLUSDT', [3])]]);
    const table = await env.catalog.loadTable('ext.trades');
    const foreign = await readManifestList(await env.catalog.io.read(table.currentSnapshot()!['manifest-list']!));
    expect(foreign.map((m) => [m.addedFilesCount, m.addedRowsCount])).toEqual([[3, 3]]);

    await table.append([{ id: 7n, symbol: 'BTCUSDT', price: 7 }]);
    const listed = await readManifestList(await env.catalog.io.read(table.currentSnapshot()!['manifest-list']!));
    expect(listed.map((m) => [m.addedFilesCount, m.existingFilesCount, m.addedRowsCount])).toEqual([
      [1, 0, 1],
      [3, 0, 3],
    ]);
    expect(table.currentSnapshot()!.summary).toMatchObject({ 'total-data-files': '4', 'total-records': '4' });
    expect(byId(await table.scan().toRows()).map((r) => r.symbol)).toEqual([
      'BTCUSDT',
      'ETHUSDT',
      'SOLUSDT',
      'BTCUSDT',
    ]);
  });

  it('counts the files of list entries that carry no counts (v1) before writing them again', async () => {
    await foreignTable([[withoutSymbol('BTCUSDT', [1]), withoutSymbol('ETHUSDT', [2])]], 'absent');
    const table = await env.catalog.loadTable('ext.trades');
    await table.append([{ id: 7n, symbol: 'BTCUSDT', price: 7 }]);
    const listed = await readManifestList(await env.catalog.io.read(table.currentSnapshot()!['manifest-list']!));
    expect(listed.map((m) => [m.addedFilesCount, m.addedRowsCount, m.countsMissing])).toEqual([
      [1, 1, undefined],
      [2, 2, undefined],
    ]);
    expect(table.currentSnapshot()!.summary).toMatchObject({ 'total-data-files': '3' });
  });
});
