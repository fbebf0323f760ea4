import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineSchema } from '../schema/schema.js';
import { definePartitionSpec } from '../spec/partition-spec.js';
import { tempCatalog } from '../../test/temp-catalog.js';

let env: Awaited<ReturnType<typeof tempCatalog>>;
beforeEach(async () => {
  env = await tempCatalog();
});
afterEach(async () => env.cleanup());

describe('value types round trip', () => {
  it('reads back every supported primitive type exactly, partitioned by bucket and truncate', async () => {
    const schema = defineSchema([
      { name: 'flag', type: 'boolean' },
      { name: 'n', type: 'int' },
      { name: 'big', type: 'long' },
      { name: 'f', type: 'float' },
      { name: 'd', type: 'double' },
      { name: 'amount', type: 'decimal(18,4)' },
      { name: 'day', type: 'date' },
      { name: 'local_ts', type: 'timestamp' },
      { name: 'utc_ts', type: 'timestamptz' },
      { name: 'name', type: 'string' },
      { name: 'id', type: 'uuid' },
      { name: 'blob', type: 'binary' },
    ]);
    const spec = definePartitionSpec(schema, [
      { source: 'name', transform: 'bucket[4]' },
      { source: 'big', transform: 'truncate[1000]' },
      { source: 'utc_ts', transform: 'hour' },
    ]);
    const rows = [
      {
        flag: true,
        n: -7,
        big: 9_007_199_254_740_993n,
        f: 0.5,
        d: -1e-300,
        amount: 123_456_789n,
        day: 20_778,
        local_ts: -1n,
        utc_ts: 1_763_733_000_123_456n,
        name: 'Zürich 🐋',
        id: 'f79c3e09-677c-4bbd-a479-3f349cb785e7',
        blob: Uint8Array.of(0, 1, 255),
      },
      {
        flag: null,
        n: null,
        big: null,
        f: null,
        d: null,
        amount: null,
        day: null,
        local_ts: null,
        utc_ts: null,
        name: null,
        id: null,
        blob: null,
      },
    ];
    const table = await env.catalog.createTable('t.types', { schema, spec });
    await table.append(rows);
    const back = await table.scan().toRows();
    expect(back.sort((a) => (a.flag === null ? 1 : -1))).toEqual(rows);
    const files = await table.scan().planFiles();
    expect(files.map((f) => f.file.partition).sort((a) => (a[0] === null ? 1 : -1))).toEqual([
      [expect.any(Number), 9_007_199_254_740_000n, 489_925],
      [null, null, null],
    ]);
  });
});
