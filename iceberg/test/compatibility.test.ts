import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IcebergCatalog } from '../src/catalog/catalog.js';
import { LocalPointerStore } from '../src/catalog/local-pointer-store.js';
import { UnsupportedFeatureError } from '../src/errors.js';
import { compactTable } from '../src/maintenance/compaction.js';
import type { Schema } from '../src/schema/types.js';
import type { Table } from '../src/table/table.js';
import { definePartitionSpec, type PartitionSpec } from '../src/spec/partition-spec.js';
import { writeForeignTable, type ForeignFile } from './foreign-table.js';
import { tempCatalog } from './temp-catalog.js';

/**
 * Every interoperability feature, round-tripped: a table as another engine writes it → our reader
 * → our compaction → our reader. Rows must read right the first time and be unchanged after
 * compaction, whether compaction rewrote the files or refused the table by name.
 */

let env: Awaited<ReturnType<typeof tempCatalog>>;
beforeEach(async () => {
  env = await tempCatalog();
});
afterEach(async () => env.cleanup());

const field = (id: number, name: string, type: string, extra: Record<string, unknown> = {}): Schema['fields'][0] => ({
  id,
  name,
  required: false,
  type,
  ...extra,
});
const schemaOf = (...fields: Schema['fields']): Schema => ({ type: 'struct', 'schema-id': 0, fields });
const base = schemaOf(field(1, 'id', 'long'), field(2, 'symbol', 'string'));
const bySymbol = definePartitionSpec(base, [{ source: 'symbol', transform: 'identity' }]);

const rows = (symbol: string, ids: number[], omitSymbol = false): ForeignFile => ({
  sql: `SELECT * FROM (VALUES ${ids.map((i) => `(${i}::BIGINT, '${symbol}')`).join(', ')}) v(id, symbol)`,
  fieldIds: omitSymbol ? { id: 1 } : { id: 1, symbol: 2 },
  partition: [symbol],
});
const loc = (): string => env.catalog.io.uri('warehouse/ext/t');
const storeBase = (): string => env.store.location.replace(/\/+$/, '');

interface Case {
  feature: string;
  schema: Schema;
  spec?: PartitionSpec;
  commits: () => ForeignFile[][];
  expected: Record<string, unknown>[];
  compaction: 'rewrites' | RegExp;
  recordPath?: () => (uri: string) => string;
  formatVersion?: 3;
  pathMap?: () => { from: string; to: string }[];
}

const sym = (ids: number[], symbol: string): Record<string, unknown>[] => ids.map((i) => ({ id: BigInt(i), symbol }));

const cases: Case[] = [
  {
    feature: 'identity-partition column only in the partition tuple',
    schema: base,
    spec: bySymbol,
    commits: () => [[rows('BTC', [1, 2], true), rows('ETH', [3], true)], [rows('BTC', [4], true)]],
    expected: [...sym([1, 2], 'BTC'), ...sym([3], 'ETH'), ...sym([4], 'BTC')],
    compaction: 'rewrites',
  },
  {
    feature: 'Java manifest-list names (added_data_files_count, ...) and partition structs named unlike the spec',
    schema: base,
    spec: bySymbol,
    commits: () => [[rows('BTC', [1])], [rows('BTC', [2])]],
    expected: sym([1, 2], 'BTC'),
    compaction: 'rewrites',
  },
  {
    feature: 'v2 position and equality delete files',
    schema: base,
    spec: bySymbol,
    commits: () => [
      [rows('BTC', [1, 2, 3])],
      [
        {
          sql: `SELECT '${loc()}/data/f0.parquet' AS file_path, 0::BIGINT AS pos`,
          fieldIds: { file_path: 2147483546, pos: 2147483545 },
          partition: ['BTC'],
          content: 1,
        },
        { sql: 'SELECT 3::BIGINT AS id', fieldIds: { id: 1 }, partition: ['BTC'], content: 2, equalityIds: [1] },
      ],
      [rows('BTC', [3])],
    ],
    expected: sym([2, 3], 'BTC'),
    compaction: 'rewrites',
  },
  {
    feature: 'initial-default of a column added later',
    schema: schemaOf(field(1, 'id', 'long'), field(2, 'symbol', 'string', { 'initial-default': 'BTC' })),
    commits: () => [[{ sql: 'SELECT 1::BIGINT AS id', fieldIds: { id: 1 } }], [rows('ETH', [2])]],
    expected: [...sym([1], 'BTC'), ...sym([2], 'ETH')],
    compaction: 'rewrites',
  },
  {
    feature: 'format-version 3 table with initial-default (read-only)',
    schema: schemaOf(field(1, 'id', 'long'), field(2, 'symbol', 'string', { 'initial-default': 'BTC' })),
    commits: () => [[{ sql: 'SELECT 1::BIGINT AS id', fieldIds: { id: 1 } }], [rows('ETH', [2])]],
    expected: [...sym([1], 'BTC'), ...sym([2], 'ETH')],
    compaction: /writes to format-version 3 tables/,
    formatVersion: 3,
  },
  {
    feature: 'fixed[16] column',
    schema: schemaOf(field(1, 'id', 'long'), field(2, 'token', 'fixed[16]')),
    commits: () => [
      [
        {
          sql: `SELECT 1::BIGINT AS id, '00000000-0000-0000-0000-0000000000ff'::UUID AS token`,
          fieldIds: { id: 1, token: 2 },
        },
      ],
      [{ sql: 'SELECT 2::BIGINT AS id, NULL::UUID AS token', fieldIds: { id: 1, token: 2 } }],
    ],
    expected: [
      { id: 1n, token: Uint8Array.from([...Array<number>(15).fill(0), 255]) },
      { id: 2n, token: null },
    ],
    compaction: /compaction of fixed\[16\] columns/,
  },
  {
    feature: 'column names that differ only in case',
    schema: schemaOf(field(1, 'id', 'long'), field(2, 'iD', 'string')),
    commits: () => [
      [{ sql: `SELECT 1::BIGINT AS id, 'x' AS "jD"`, fieldIds: { id: 1, jD: 2 }, renameColumns: { jD: 'iD' } }],
    ],
    expected: [{ id: 1n, iD: 'x' }],
    compaction: /names differ only in case/,
  },
  {
    feature: 'paths under another root (copied between buckets), opened with pathMap',
    schema: base,
    commits: () => [[rows('BTC', [1])], [rows('ETH', [2])]],
    expected: [...sym([1], 'BTC'), ...sym([2], 'ETH')],
    compaction: 'rewrites',
    recordPath: () => (uri) => uri.replace(`${storeBase()}/`, 's3://old-bucket/wh/'),
    pathMap: () => [{ from: 's3://old-bucket/wh/', to: `${storeBase()}/` }],
  },
  {
    feature: 'relative table location and paths',
    schema: base,
    commits: () => [[rows('BTC', [1])], [rows('ETH', [2])]],
    expected: [...sym([1], 'BTC'), ...sym([2], 'ETH')],
    compaction: 'rewrites',
    recordPath: () => (uri) => uri.slice(storeBase().length + 1),
  },
];

const sorted = (list: Record<string, unknown>[]): Record<string, unknown>[] =>
  [...list].sort((a, b) => Number((a.id as bigint) - (b.id as bigint)));

describe('compatibility round trip: foreign table → read → compact → read', () => {
  it.each(cases)('$feature', async (c) => {
    const pointers = new LocalPointerStore(join(env.root, 'catalog'));
    await writeForeignTable({
      io: env.catalog.io,
      pointers,
      identifier: { namespace: 'ext', name: 't' },
      location: loc(),
      schema: c.schema,
      ...(c.spec ? { spec: c.spec } : {}),
      commits: c.commits(),
      ...(c.recordPath ? { recordPath: c.recordPath() } : {}),
      ...(c.formatVersion ? { formatVersion: c.formatVersion } : {}),
    });
    const open = (): Promise<Table> =>
      new IcebergCatalog({ pointers, store: env.store, ...(c.pathMap ? { pathMap: c.pathMap() } : {}) }).loadTable(
        'ext.t',
      );
    const table = await open();
    expect(sorted(await table.scan().toRows())).toEqual(c.expected);
    if (c.compaction === 'rewrites') {
      const result = await compactTable(table, { minInputFiles: 2 });
      expect(result.rewrittenFiles).toBeGreaterThanOrEqual(2);
    } else {
      const refused = compactTable(table, { minInputFiles: 2 });
      await expect(refused).rejects.toThrow(UnsupportedFeatureError);
      await expect(refused).rejects.toThrow(c.compaction);
    }
    expect(sorted(await (await open()).scan().toRows())).toEqual(c.expected);
  });
});
