import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { IcebergCatalog, LocalPointerStore, defineSchema, type Table } from '@coattail/iceberg';
import { LocalCheckpointStore } from '@coattail/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReconConfig } from '../config/load-config.js';
import type { ReconConfigInput } from '../config/recon-config.js';
import { ReconConfigError, ReconError } from '../errors.js';
import { reconcile } from './reconcile.js';
import { writeTable } from '../testing/write-table.js';

/** The catalog layout recon reads: `<dir>/catalog` pointers, `<dir>/objects` table files. */
class FolderStore extends LocalCheckpointStore {
  get location(): string {
    return pathToFileURL(this.root).href;
  }
}

const schema = defineSchema([
  { name: 'id', type: 'long', required: true },
  { name: 'symbol', type: 'string', required: true },
  { name: 'price', type: 'double' },
]);
const rows = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, k) => ({
    id: BigInt(from + k),
    symbol: `S${(from + k) % 3}`,
    price: 100 + (from + k) / 8,
  }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let dir: string;
let trades: Table;
let firstSnapshot: { id: bigint; at: number };

const run = (config: Omit<ReconConfigInput, 'output'>) =>
  reconcile(parseReconConfig({ ...config, output: { dir: 'out' } }, dir));
const iceberg = (table: string, extra: Record<string, unknown> = {}) => ({
  path: 'lake',
  format: 'iceberg' as const,
  table,
  ...extra,
});

const writeFile = (file: string, select: string): Promise<string> => writeTable(dir, file, select);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'recon-iceberg-'));
  const catalog = new IcebergCatalog({
    pointers: new LocalPointerStore(join(dir, 'lake', 'catalog')),
    store: new FolderStore(join(dir, 'lake', 'objects')),
  });
  trades = await catalog.createTable('market.trades', { schema });
  const first = await trades.append(rows(0, 100));
  if (first.status !== 'committed') throw new Error('first append was not committed');
  firstSnapshot = { id: first.snapshotId, at: trades.currentSnapshot()!['timestamp-ms'] };
  await sleep(5); // the snapshot log has millisecond resolution
  await trades.append(rows(100, 120));
  await catalog.createTable('market.empty', { schema });
  const renamed = await catalog.createTable('market.renamed', { schema });
  await renamed.append(rows(0, 10));
  await renamed.updateSchema([{ kind: 'rename-column', from: 'price', to: 'px' }]);
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('Iceberg inputs', () => {
  it('reconciles the current snapshot of a table against a Parquet file, counting every induced difference', async () => {
    // Target: ids 5 and 6 dropped, 200..202 added, price wrong where id % 10 = 3 (12 rows).
    const target = await writeFile(
      'target.parquet',
      `SELECT i::BIGINT AS id, 'S' || (i % 3) AS symbol, (CASE WHEN i % 10 = 3 THEN 0.5 ELSE 100 + i / 8 END)::DOUBLE AS price
       FROM range(203) r(i) WHERE (i < 120 AND i NOT IN (5, 6)) OR i >= 200`,
    );
    const result = await run({ source: iceberg('market.trades'), target: { path: target }, primaryKey: 'id' });
    expect(result.rowCount).toMatchObject({ source: 120, target: 121, difference: 1 });
    expect(result.schema.status).toBe('PASS');
    expect(result.keys).toMatchObject({ sourceOnly: 2, targetOnly: 3, pairedKeys: 118 });
    expect(result.hash.byColumn).toEqual([
      { column: 'symbol', mismatches: 0 },
      { column: 'price', mismatches: 12 },
    ]);
    expect(result.hash).toMatchObject({ mismatchedRows: 12, matchedRows: 106 });
    expect(result.reconciled).toBe(false);
    expect(result.source.location).toBe(`${join(dir, 'lake')} (Iceberg table market.trades)`);
  });

  it('reconciles with a CSV file that holds the same rows', async () => {
    const target = await writeFile(
      'same.csv',
      `SELECT i AS id, 'S' || (i % 3) AS symbol, 100 + i / 8 AS price FROM range(120) r(i)`,
    );
    const result = await run({ source: { path: target }, target: iceberg('market.trades'), primaryKey: 'id' });
    expect(result.reconciled).toBe(true);
    expect(result.matchRate).toBe(100);
  });

  it('travels back to an earlier snapshot by id and by time, and compares it with the current one', async () => {
    const bySnapshot = await run({
      source: iceberg('market.trades', { snapshotId: String(firstSnapshot.id) }),
      target: iceberg('market.trades'),
      primaryKey: 'id',
    });
    expect(bySnapshot.rowCount).toMatchObject({ source: 100, target: 120 });
    expect(bySnapshot.keys).toMatchObject({ sourceOnly: 0, targetOnly: 20, pairedKeys: 100 });
    expect(bySnapshot.hash.mismatchedRows).toBe(0);
    expect(bySnapshot.source.location).toContain(`@ snapshot ${firstSnapshot.id}`);
    const byTime = await run({
      source: iceberg('market.trades', { asOf: new Date(firstSnapshot.at).toISOString() }),
      target: iceberg('market.trades'),
      primaryKey: 'id',
    });
    expect(byTime.rowCount).toMatchObject({ source: 100, target: 120 });
  });

  it('reads a renamed column by field id under its new name', async () => {
    const target = await writeFile(
      'renamed.parquet',
      `SELECT i::BIGINT AS id, 'S' || (i % 3) AS symbol, (100 + i / 8)::DOUBLE AS px FROM range(10) r(i)`,
    );
    const result = await run({ source: iceberg('market.renamed'), target: { path: target }, primaryKey: 'id' });
    expect(result.schema.columns.map((c) => c.column)).toEqual(['id', 'symbol', 'px']);
    expect(result.nulls.columns.find((c) => c.column === 'px')?.sourceNulls).toBe(0);
    expect(result.reconciled).toBe(true);
  });

  it('reports a table without snapshots as an empty input, as for an empty file', async () => {
    const result = await run({ source: iceberg('market.empty'), target: iceberg('market.trades'), primaryKey: 'id' });
    expect(result.rowCount).toMatchObject({ source: 0, target: 120 });
    expect(result.messages).toContain('source input has no rows');
    expect(result.schema.status).toBe('PASS');
    expect(result.reconciled).toBe(false);
  });

  it('names the table and the catalog when the table does not exist', async () => {
    const error = await run({
      source: iceberg('market.nope'),
      target: iceberg('market.trades'),
      primaryKey: 'id',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReconError);
    expect((error as ReconError).code).toBe('INPUT_UNREADABLE');
    expect((error as ReconError).message).toBe(
      `Iceberg table 'market.nope' in catalog '${join(dir, 'lake')}' does not exist (check table and path in the config)`,
    );
  });

  it('names the table when the snapshot id is not one of its snapshots', async () => {
    const error = await run({
      source: iceberg('market.trades', { snapshotId: '42' }),
      target: iceberg('market.trades'),
      primaryKey: 'id',
    }).catch((e: unknown) => e);
    expect((error as ReconError).code).toBe('INPUT_UNREADABLE');
    expect((error as ReconError).message).toMatch(
      /^Iceberg table 'market.trades' in catalog '.*lake' cannot be read: snapshot 42 is not in the table/,
    );
  });

  it('refuses a remote warehouse unless a store is registered for it', async () => {
    const error = await run({
      source: iceberg('market.trades', { warehouse: 's3://lake/wh' }),
      target: iceberg('market.trades'),
      primaryKey: 'id',
    }).catch((e: unknown) => e);
    expect((error as ReconError).code).toBe('INPUT_UNSUPPORTED');
    expect((error as ReconError).message).toContain(`warehouse 's3://lake/wh' is not a local folder`);
  });

  it('validates the Iceberg fields of an input', () => {
    const parse = (source: Record<string, unknown>) => () =>
      parseReconConfig({ source, target: { path: 't.csv' }, primaryKey: 'id' }, dir);
    expect(parse({ path: 'lake', format: 'iceberg' })).toThrow(/format: iceberg needs table/);
    expect(
      parse({ path: 'lake', format: 'iceberg', table: 'a.b', snapshotId: '1', asOf: '2026-01-01T00:00:00Z' }),
    ).toThrow(/snapshotId or asOf, not both/);
    expect(parse({ path: 's.csv', table: 'a.b' })).toThrow(/table applies to format: iceberg only/);
    expect(parse({ path: 'lake', format: 'iceberg', table: 'a.b', snapshotId: 2 ** 60 })).toThrow(ReconConfigError);
    expect(parse({ path: 'lake', format: 'iceberg', table: 'a.b', asOf: 'yesterday' })).toThrow(
      /asOf must be an ISO 8601 time/,
    );
    const config = parseReconConfig(
      { source: iceberg('a.b', { snapshotId: 12, warehouse: 'files' }), target: { path: 't.csv' }, primaryKey: 'id' },
      dir,
    );
    expect(config.source).toMatchObject({ path: join(dir, 'lake'), warehouse: join(dir, 'files'), snapshotId: '12' });
  });
});
