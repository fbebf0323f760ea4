import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineSchema } from '../schema/schema.js';
import { definePartitionSpec } from '../spec/partition-spec.js';
import { applyTransform, parseTransform } from '../spec/transforms.js';
import { normalizeValue } from '../spec/values.js';
import { tempCatalog } from '../../test/temp-catalog.js';
import { ColumnBatchBuilder, columnBatchFromRows } from './column-batch.js';
import { computeMetrics } from './column-stats.js';
import { partitionValues } from './partition-split.js';

let env: Awaited<ReturnType<typeof tempCatalog>>;
beforeEach(async () => {
  env = await tempCatalog();
});
afterEach(async () => env.cleanup());

const DAY_US = 86_400_000_000n;
const schema = defineSchema([
  { name: 'id', type: 'long', required: true },
  { name: 'px', type: 'double' },
  { name: 'qty', type: 'float' },
  { name: 'n', type: 'int' },
  { name: 'day', type: 'date' },
  { name: 'ts', type: 'timestamptz', required: true },
  { name: 'venue', type: 'string' },
  { name: 'note', type: 'string' },
  { name: 'flag', type: 'boolean' },
  { name: 'amount', type: 'decimal(18,4)' },
  { name: 'ref', type: 'uuid' },
]);

/** 5000 rows (two files of two vectors each), nulls scattered differently in every optional column. */
function rows(): Record<string, unknown>[] {
  return Array.from({ length: 5000 }, (_, i) => ({
    id: BigInt(i) - 2500n,
    px: i % 11 === 3 ? null : i % 13 === 0 ? -0 : (i - 2000) * 0.37,
    qty: i % 7 === 1 ? null : i / 4,
    n: i % 5 === 2 ? null : (i % 2 === 0 ? -i : 2_147_483_647 - i) | 0,
    day: i % 9 === 4 ? null : 20_000 + (i % 40),
    ts: BigInt(i % 2) * DAY_US - DAY_US + BigInt(i) * 1_000_001n, // two days either side of 1970, 2500 rows each
    venue: i % 6 === 5 ? null : ['binance', 'coinbase', 'a', ''][i % 4],
    note: i % 10 === 9 ? null : [`long note number ${i} with 🐋`, 'Zürich', 'short', 'exactly12chr'][i % 4],
    flag: i % 8 === 7 ? null : i % 3 === 0,
    amount: i % 12 === 11 ? null : BigInt(i) * 12_345n - 9_999_999n,
    ref: i % 14 === 13 ? null : `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  }));
}

describe('column batches on the write path', () => {
  it('writes a batch built row by row and reads every value back, nulls included, with the statistics of the value path', async () => {
    const spec = definePartitionSpec(schema, [{ source: 'ts', transform: 'day' }]);
    const table = await env.catalog.createTable('t.batch', { schema, spec });
    const input = rows();
    const builder = table.batchBuilder(16); // grows past its first capacity
    for (const row of input) builder.append(row);
    await table.append(builder.finish());
    expect(builder.rowCount).toBe(0);

    const back = (await table.scan().toRows()).sort((a, b) => Number((a.id as bigint) - (b.id as bigint)));
    expect(back).toEqual(input);
    expect(Object.is(back.find((r) => r.id === -2500n)!.px, -0)).toBe(true);

    const tasks = await table.scan().planFiles();
    expect(tasks.length).toBeGreaterThan(1);
    for (const { file } of tasks) {
      const day = file.partition[0] as number;
      const mine = input.filter((r) => applyTransform(parseTransform('day'), 'timestamptz', r.ts as bigint) === day);
      expect(file.recordCount).toBe(mine.length);
      // the statistics of plain normalized values, computed independently of the typed columns
      const expected = computeMetrics(
        schema.fields,
        schema.fields.map((f) => mine.map((r) => normalizeValue(f.type, r[f.name], f.name))),
      );
      expect(file.nullValueCounts).toEqual(expected.nullValueCounts);
      expect(file.valueCounts).toEqual(expected.valueCounts);
      expect(file.lowerBounds).toEqual(expected.lowerBounds);
      expect(file.upperBounds).toEqual(expected.upperBounds);
    }
  });

  it('refuses a value its column cannot take, an out-of-range integer, a null in a required column, a batch of another schema and a type the writer cannot write', async () => {
    const builder = new ColumnBatchBuilder(schema);
    expect(() => builder.append({ id: 1n, ts: 'yesterday' })).toThrow(
      /column 'ts' \(timestamptz\) cannot take a string/,
    );
    expect(() => builder.append({ id: 1n, ts: 0n, n: 2 ** 31 })).toThrow(
      /column 'n' \(int\): 2147483648 is out of range/,
    );
    expect(() => builder.append({ id: 2n ** 63n, ts: 0n })).toThrow(/column 'id' \(long\).*out of range/);
    expect(() => builder.append({ id: 1n, ts: 0n, venue: 7 })).toThrow(
      /column 'venue' \(string\) cannot take a number/,
    );
    expect(() =>
      columnBatchFromRows(schema, [
        { id: 1n, ts: 0n },
        { id: null, ts: 0n },
      ]),
    ).toThrow(/column 'id' is required but a row has no value for it/);
    const table = await env.catalog.createTable('t.other', { schema });
    const other = defineSchema([{ name: 'x', type: 'int' }]);
    await expect(table.append(columnBatchFromRows(other, [{ x: 1 }]))).rejects.toThrow(
      /built for fields \[1\].*table\.schema\(\)/,
    );
    const fixed = await env.catalog.createTable('t.fixed', {
      schema: defineSchema([{ name: 'h', type: 'fixed[16]' }]),
    });
    await expect(fixed.append([{ h: new Uint8Array(16) }])).rejects.toThrow(
      /fixed\[16\].*not supported by the Parquet writer/,
    );
  });

  it('computes day and hour partitions on timestamp columns exactly as the transform does, before 1970 and past 2^53 µs', () => {
    const values = [
      0n,
      -1n,
      DAY_US - 1n,
      DAY_US,
      -DAY_US,
      -DAY_US - 1n,
      1_763_733_000_123_456n,
      2n ** 53n + 5n,
      -(2n ** 62n),
      2n ** 63n - 1n,
    ];
    const batch = columnBatchFromRows(
      schema,
      values.map((ts, i) => ({ id: BigInt(i), ts })),
    );
    const ts = batch.columns[5]!;
    for (const name of ['day', 'hour']) {
      const t = parseTransform(name);
      const valueOf = partitionValues(t, 'timestamptz', ts);
      values.forEach((v, r) => expect(valueOf(r)).toBe(applyTransform(t, 'timestamptz', v)));
    }
  });
});
