import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalPointerStore } from '../src/catalog/local-pointer-store.js';
import { IcebergUsageError, UnsupportedFeatureError } from '../src/errors.js';
import { compactTable } from '../src/maintenance/compaction.js';
import type { Schema } from '../src/schema/types.js';
import { writeForeignTable } from './foreign-table.js';
import { tempCatalog } from './temp-catalog.js';

let env: Awaited<ReturnType<typeof tempCatalog>>;
beforeEach(async () => {
  env = await tempCatalog();
});
afterEach(async () => env.cleanup());

/** Two names equal to DuckDB but not to Iceberg, columns added with defaults, a fixed[16] column. */
const schema: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'user_id', required: true, type: 'long' },
    { id: 2, name: 'uSeR_Id', required: false, type: 'string' },
    { id: 3, name: 'venue', required: false, type: 'string', 'initial-default': 'binance' },
    { id: 4, name: 'listed_on', required: false, type: 'date', 'initial-default': '2026-01-02' },
    { id: 5, name: 'token', required: false, type: 'fixed[16]' },
  ],
};

async function foreignTable(): Promise<void> {
  await writeForeignTable({
    io: env.catalog.io,
    pointers: new LocalPointerStore(join(env.root, 'catalog')),
    identifier: { namespace: 'ext', name: 'users' },
    location: env.catalog.io.uri('warehouse/ext/users'),
    schema,
    commits: [
      [
        {
          // Written before venue and listed_on existed; token as FIXED_LEN_BYTE_ARRAY(16).
          sql: `SELECT * FROM (VALUES (1::BIGINT, 'a', '00112233-4455-6677-8899-aabbccddeeff'::UUID), (2::BIGINT, 'b', NULL::UUID)) v(user_id, "uSeR_IX", token)`,
          fieldIds: { user_id: 1, uSeR_IX: 2, token: 5 },
          renameColumns: { uSeR_IX: 'uSeR_Id' },
        },
      ],
      [
        {
          sql: `SELECT * FROM (VALUES (3::BIGINT, 'c', 'kraken', DATE '2026-03-04'), (4::BIGINT, 'd', NULL, NULL)) v(user_id, "uSeR_IX", venue, listed_on)`,
          fieldIds: { user_id: 1, uSeR_IX: 2, venue: 3, listed_on: 4 },
          renameColumns: { uSeR_IX: 'uSeR_Id' },
        },
      ],
    ],
  });
}

const DAY = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
const TOKEN = Uint8Array.from(Buffer.from('00112233445566778899aabbccddeeff', 'hex'));

const expected = [
  { user_id: 1n, uSeR_Id: 'a', venue: 'binance', listed_on: DAY('2026-01-02'), token: TOKEN },
  { user_id: 2n, uSeR_Id: 'b', venue: 'binance', listed_on: DAY('2026-01-02'), token: null },
  // Written after the columns existed: an explicit NULL stays NULL, only absent columns take the default.
  { user_id: 3n, uSeR_Id: 'c', venue: 'kraken', listed_on: DAY('2026-03-04'), token: null },
  { user_id: 4n, uSeR_Id: 'd', venue: null, listed_on: null, token: null },
];

const sorted = (rows: Record<string, unknown>[]): Record<string, unknown>[] =>
  [...rows].sort((a, b) => Number((a.user_id as bigint) - (b.user_id as bigint)));

describe('columns other engines write', () => {
  it('reads initial-default for rows written before the column, fixed[16] as bytes, and case-variant names by id', async () => {
    await foreignTable();
    const table = await env.catalog.loadTable('ext.users');
    expect(sorted(await table.scan().toRows())).toEqual(expected);
    const filtered = table.scan({ filter: [{ column: 'uSeR_Id', op: '=', value: 'c' }], columns: ['uSeR_Id'] });
    expect(await filtered.toRows()).toEqual([{ uSeR_Id: 'c' }]);
    expect(await table.scan({ filter: [{ column: 'venue', op: '=', value: 'binance' }] }).toRows()).toHaveLength(2);
  });

  it('refuses SQL over case-variant names with a clear error, and compaction of what it cannot write back', async () => {
    await foreignTable();
    const table = await env.catalog.loadTable('ext.users');
    await expect(table.scan().sql('SELECT * FROM t')).rejects.toThrow(IcebergUsageError);
    await expect(table.scan().sql('SELECT * FROM t')).rejects.toThrow(/'user_id' and 'uSeR_Id' differ only in case/);
    const compaction = compactTable(table, { minInputFiles: 2, smallFileBytes: 1e9 });
    await expect(compaction).rejects.toThrow(UnsupportedFeatureError);
    await expect(compaction).rejects.toThrow(/compaction of columns whose names differ only in case/);
    expect(sorted(await (await env.catalog.loadTable('ext.users')).scan().toRows())).toEqual(expected);
  });
});
