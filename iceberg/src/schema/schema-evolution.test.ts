import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IcebergUsageError } from '../errors.js';
import { defineSchema } from './schema.js';
import { tempCatalog } from '../../test/temp-catalog.js';

let env: Awaited<ReturnType<typeof tempCatalog>>;
beforeEach(async () => {
  env = await tempCatalog();
});
afterEach(async () => env.cleanup());

const schema = defineSchema([
  { name: 'id', type: 'int', required: true },
  { name: 'px', type: 'float' },
  { name: 'venue', type: 'string', required: true },
]);

describe('schema evolution', () => {
  it('adds a column that old files read as NULL, without rewriting them', async () => {
    const table = await env.catalog.createTable('market.evo', { schema });
    await table.append([{ id: 1, px: 1.5, venue: 'binance' }]);
    const oldFiles = (await table.scan().planFiles()).map((t) => t.file.filePath);
    const evolved = await table.updateSchema([{ kind: 'add-column', name: 'side', type: 'string' }]);
    expect(evolved.fields.at(-1)).toEqual({ id: 4, name: 'side', required: false, type: 'string' });
    await table.append([{ id: 2, px: 2.5, venue: 'coinbase', side: 'buy' }]);

    const rows = await table.scan().toRows();
    expect(rows.sort((a, b) => Number(a.id) - Number(b.id))).toEqual([
      { id: 1, px: 1.5, venue: 'binance', side: null },
      { id: 2, px: 2.5, venue: 'coinbase', side: 'buy' },
    ]);
    const files = (await table.scan().planFiles()).map((t) => t.file.filePath);
    expect(files).toEqual(expect.arrayContaining(oldFiles));
    expect(table.metadata['last-column-id']).toBe(4);
  });

  it('renames, widens int→long and float→double, and relaxes required, reading old files by field id', async () => {
    const table = await env.catalog.createTable('market.evo', { schema });
    await table.append([{ id: 7, px: 0.5, venue: 'kraken' }]);
    const before = table.currentSnapshot()!['snapshot-id'];
    await table.updateSchema([
      { kind: 'rename-column', from: 'venue', to: 'exchange' },
      { kind: 'widen-column', name: 'id', type: 'long' },
      { kind: 'widen-column', name: 'px', type: 'double' },
      { kind: 'make-optional', name: 'exchange' },
    ]);
    await table.append([{ id: 2n ** 40n, px: 1e300, exchange: null }]);
    const rows = await table.scan().toRows();
    expect(rows).toEqual(
      expect.arrayContaining([
        { id: 7n, px: 0.5, exchange: 'kraken' },
        { id: 2n ** 40n, px: 1e300, exchange: null },
      ]),
    );
    // a reader of the old snapshot sees the old schema
    const old = table.scan({ snapshotId: before });
    expect(old.schema.fields.map((f) => f.name)).toEqual(['id', 'px', 'venue']);
    expect(await old.toRows()).toEqual([{ id: 7, px: 0.5, venue: 'kraken' }]);
    // filters on a widened column still prune with the narrower bounds of old files
    expect(await table.scan({ filter: [{ column: 'id', op: '=', value: 7n }] }).toRows()).toHaveLength(1);
  });

  it('refuses changes that would need a rewrite', async () => {
    const table = await env.catalog.createTable('market.evo', { schema });
    await expect(table.updateSchema([{ kind: 'widen-column', name: 'venue', type: 'long' }])).rejects.toThrow(
      IcebergUsageError,
    );
    await expect(table.updateSchema([{ kind: 'add-column', name: 'id', type: 'long' }])).rejects.toThrow(
      /already exists/,
    );
  });
});
