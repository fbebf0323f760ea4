import {
  Float64,
  Int64,
  makeData,
  makeVector,
  Table as ArrowTable,
  TimestampMicrosecond,
  TimestampNanosecond,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineSchema } from '../schema/schema.js';
import { tempCatalog } from '../../test/temp-catalog.js';

let env: Awaited<ReturnType<typeof tempCatalog>>;
beforeEach(async () => {
  env = await tempCatalog();
});
afterEach(async () => env.cleanup());

const schema = defineSchema([
  { name: 'id', type: 'long', required: true },
  { name: 'symbol', type: 'string' },
  { name: 'price', type: 'double' },
  { name: 'event_time', type: 'timestamptz', required: true },
  { name: 'venue', type: 'string' },
]);

describe('Arrow input', () => {
  it('appends an Arrow table keeping microseconds, nulls and unicode; missing optional columns read NULL', async () => {
    const micros = BigInt64Array.from([1_763_733_000_123_456n, 1_763_733_000_123_457n, 1_763_733_060_000_001n]);
    const arrow = new ArrowTable({
      id: vectorFromArray([1n, 2n, 3n], new Int64()),
      symbol: vectorFromArray(['BTC-USDT', null, 'Ünï-😀'], new Utf8()),
      price: vectorFromArray([1.5, null, 3.25], new Float64()),
      event_time: makeVector(makeData({ type: new TimestampMicrosecond('UTC'), length: 3, data: micros })),
    });
    const table = await env.catalog.createTable('market.arrow', { schema });
    await table.append(arrow);
    await table.append(arrow.slice(2));
    const rows = (await table.scan().toRows()).sort((a, b) => Number(a.id) - Number(b.id));
    expect(rows).toEqual([
      { id: 1n, symbol: 'BTC-USDT', price: 1.5, event_time: 1_763_733_000_123_456n, venue: null },
      { id: 2n, symbol: null, price: null, event_time: 1_763_733_000_123_457n, venue: null },
      { id: 3n, symbol: 'Ünï-😀', price: 3.25, event_time: 1_763_733_060_000_001n, venue: null },
      { id: 3n, symbol: 'Ünï-😀', price: 3.25, event_time: 1_763_733_060_000_001n, venue: null },
    ]);
  });

  it('converts nanosecond timestamps to microseconds and refuses a missing required column', async () => {
    const table = await env.catalog.createTable('market.arrow', { schema });
    const nanos = new ArrowTable({
      id: vectorFromArray([1n], new Int64()),
      event_time: makeVector(
        makeData({ type: new TimestampNanosecond(), length: 1, data: BigInt64Array.from([1_000_000_001_999n]) }),
      ),
    });
    await table.append(nanos);
    expect((await table.scan().toRows())[0]!.event_time).toBe(1_000_000_001n);
    await expect(table.append(new ArrowTable({ id: vectorFromArray([1n], new Int64()) }))).rejects.toThrow(
      /no column 'event_time'/,
    );
  });
});
