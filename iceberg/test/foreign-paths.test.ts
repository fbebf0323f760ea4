import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IcebergCatalog } from '../src/catalog/catalog.js';
import { LocalPointerStore } from '../src/catalog/local-pointer-store.js';
import { IcebergUsageError } from '../src/errors.js';
import type { PathMapping } from '../src/io/file-io.js';
import { compactTable } from '../src/maintenance/compaction.js';
import { removeOrphanFiles } from '../src/maintenance/snapshot-expiry.js';
import { defineSchema } from '../src/schema/schema.js';
import { writeForeignTable } from './foreign-table.js';
import { tempCatalog } from './temp-catalog.js';

let env: Awaited<ReturnType<typeof tempCatalog>>;
beforeEach(async () => {
  env = await tempCatalog();
});
afterEach(async () => env.cleanup());

const schema = defineSchema([
  { name: 'id', type: 'long', required: true },
  { name: 'name', type: 'string' },
]);

async function foreignTable(recordPath: (uri: string) => string): Promise<void> {
  const file = (ids: number[]): { sql: string; fieldIds: Record<string, number> } => ({
    sql: `SELECT * FROM (VALUES ${ids.map((i) => `(${i}::BIGINT, 'n${i}')`).join(', ')}) v(id, name)`,
    fieldIds: { id: 1, name: 2 },
  });
  await writeForeignTable({
    io: env.catalog.io,
    pointers: new LocalPointerStore(join(env.root, 'catalog')),
    identifier: { namespace: 'ext', name: 'copied' },
    location: env.catalog.io.uri('warehouse/ext/copied'),
    schema,
    commits: [[file([1, 2])], [file([3])]],
    recordPath,
  });
}

function catalog(pathMap?: PathMapping[]): IcebergCatalog {
  return new IcebergCatalog({
    pointers: new LocalPointerStore(join(env.root, 'catalog')),
    store: env.store,
    ...(pathMap ? { pathMap } : {}),
  });
}

const ids = (rows: Record<string, unknown>[]): bigint[] =>
  rows.map((r) => r.id as bigint).sort((a, b) => Number(a - b));

/** Reads, appends, compacts and removes orphans: every path the table records must resolve. */
async function roundTrip(c: IcebergCatalog): Promise<void> {
  const table = await c.loadTable('ext.copied');
  expect(ids(await table.scan().toRows())).toEqual([1n, 2n, 3n]);
  await table.append([{ id: 4n, name: 'n4' }]);
  expect(await compactTable(table, { minInputFiles: 2 })).toMatchObject({ rewrittenFiles: 3, rewrittenRecords: 4 });
  // Everything still referenced must survive, even with every file old enough to be an orphan.
  await removeOrphanFiles(table, { olderThanMs: Date.now() + 60_000 });
  expect(ids(await (await c.loadTable('ext.copied')).scan().toRows())).toEqual([1n, 2n, 3n, 4n]);
}

describe('tables whose metadata names another root', () => {
  it('opens a table copied from another bucket through pathMap, and says how when it is missing', async () => {
    const base = env.store.location.replace(/\/+$/, '');
    await foreignTable((uri) => uri.replace(`${base}/`, 's3://old-bucket/wh/'));
    const unmapped = catalog().loadTable('ext.copied');
    await expect(unmapped).rejects.toThrow(IcebergUsageError);
    await expect(unmapped).rejects.toThrow(/pathMap/);
    await roundTrip(catalog([{ from: 's3://old-bucket/wh/', to: `${base}/` }]));
  });

  it('opens a table written with a relative location, paths relative to the store root', async () => {
    const base = env.store.location.replace(/\/+$/, '');
    await foreignTable((uri) => uri.slice(base.length + 1));
    await roundTrip(catalog());
  });

  it("opens a table whose paths use Hadoop's file:/ spelling", async () => {
    await foreignTable((uri) => uri.replace(/^file:\/\/\//, 'file:/'));
    await roundTrip(catalog());
  });
});
