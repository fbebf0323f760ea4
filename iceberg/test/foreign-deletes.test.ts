import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalPointerStore } from '../src/catalog/local-pointer-store.js';
import { UnsupportedFeatureError, ValidationError } from '../src/errors.js';
import { compactTable } from '../src/maintenance/compaction.js';
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
]);
const spec = definePartitionSpec(schema, [{ source: 'symbol', transform: 'identity' }]);
const location = (): string => env.catalog.io.uri('warehouse/ext/trades');

function data(symbol: string, ids: number[]): ForeignFile {
  const values = ids.map((id) => `(${id}::BIGINT, '${symbol}')`).join(', ');
  return { sql: `SELECT * FROM (VALUES ${values}) v(id, symbol)`, fieldIds: { id: 1, symbol: 2 }, partition: [symbol] };
}

function positionDeletes(file: number, positions: number[], symbol: string): ForeignFile {
  const values = positions.map((p) => `('${location()}/data/f${file}.parquet', ${p}::BIGINT)`).join(', ');
  return {
    sql: `SELECT * FROM (VALUES ${values}) v(file_path, pos)`,
    fieldIds: { file_path: 2147483546, pos: 2147483545 },
    partition: [symbol],
    content: 1,
  };
}

function equalityDeletes(symbol: string, ids: number[]): ForeignFile {
  const values = ids.map((id) => `(${id}::BIGINT)`).join(', ');
  return {
    sql: `SELECT * FROM (VALUES ${values}) v(id)`,
    fieldIds: { id: 1 },
    partition: [symbol],
    content: 2,
    equalityIds: [1],
  };
}

async function foreignTable(commits: ForeignFile[][]): Promise<void> {
  await writeForeignTable({
    io: env.catalog.io,
    pointers: new LocalPointerStore(join(env.root, 'catalog')),
    identifier: { namespace: 'ext', name: 'trades' },
    location: location(),
    schema,
    spec,
    commits,
  });
}

const ids = async (rows: Promise<Record<string, unknown>[]>): Promise<bigint[]> =>
  (await rows).map((r) => r.id as bigint).sort((a, b) => Number(a - b));

/**
 * f0 = BTCUSDT ids 1-4, f1 = ETHUSDT ids 5-6; then a position delete of f0's row 1 (id 2),
 * equality deletes of id 5 in ETHUSDT and of ids 4, 6, 7 in BTCUSDT; then f5 = BTCUSDT id 7.
 * Live: 1, 3 (BTCUSDT), 6 (ETHUSDT: the BTCUSDT delete of 6 is another partition), 7 (added after its delete).
 */
const deleteCommits = (): ForeignFile[][] => [
  [data('BTCUSDT', [1, 2, 3, 4]), data('ETHUSDT', [5, 6])],
  [positionDeletes(0, [1], 'BTCUSDT'), equalityDeletes('ETHUSDT', [5]), equalityDeletes('BTCUSDT', [4, 6, 7])],
  [data('BTCUSDT', [7])],
];

describe('delete files written by other engines (v2)', () => {
  it('applies position and equality deletes, scoped by partition and sequence number', async () => {
    await foreignTable(deleteCommits());
    const table = await env.catalog.loadTable('ext.trades');
    expect(await table.scan().planDeleteFiles()).toHaveLength(3);
    expect(await ids(table.scan().toRows())).toEqual([1n, 3n, 6n, 7n]);
    expect(await ids(table.scan({ filter: [{ column: 'symbol', op: '=', value: 'BTCUSDT' }] }).toRows())).toEqual([
      1n,
      3n,
      7n,
    ]);
    expect(await table.scan().sql('SELECT count(*)::INTEGER AS n FROM t')).toEqual([{ n: 4 }]);
  });

  it('compaction drops deleted rows from the files it writes and the table reads the same', async () => {
    await foreignTable(deleteCommits());
    const table = await env.catalog.loadTable('ext.trades');
    const result = await compactTable(table, { minInputFiles: 2 });
    expect(result).toMatchObject({ rewrittenFiles: 2, addedFiles: 1, rewrittenRecords: 3 });
    const reloaded = await env.catalog.loadTable('ext.trades');
    expect(await ids(reloaded.scan().toRows())).toEqual([1n, 3n, 6n, 7n]);
    expect(reloaded.currentSnapshot()!.summary).toMatchObject({ 'total-data-files': '2', 'total-delete-files': '3' });
  });

  it('refuses deletion vectors instead of returning deleted rows', async () => {
    await foreignTable([[data('BTCUSDT', [1, 2])], [{ ...positionDeletes(0, [0], 'BTCUSDT'), format: 'PUFFIN' }]]);
    const table = await env.catalog.loadTable('ext.trades');
    const read = table.scan().toRows();
    await expect(read).rejects.toThrow(UnsupportedFeatureError);
    await expect(read).rejects.toThrow(/deletion vectors/);
    await expect(compactTable(table, { minInputFiles: 1, smallFileBytes: 1e9 })).rejects.toThrow(/deletion vectors/);
  });

  it('fails a rewrite when a delete file it did not read with is in the table by commit time', async () => {
    await foreignTable(deleteCommits());
    const table = await env.catalog.loadTable('ext.trades');
    const [task] = await table.scan({ filter: [{ column: 'symbol', op: '=', value: 'ETHUSDT' }] }).planFiles();
    const known = new Set((await table.scan().planDeleteFiles()).map((d) => d.file.filePath));
    const missingOne = new Set([...known].slice(1));
    const rewrite = table.rewriteFiles([task!.file], [task!.file], { knownDeleteFiles: missingOne });
    await expect(rewrite).rejects.toThrow(ValidationError);
    await expect(rewrite).rejects.toThrow(/was committed while the files were being rewritten/);
    expect(await ids((await env.catalog.loadTable('ext.trades')).scan().toRows())).toEqual([1n, 3n, 6n, 7n]);
  });
});
