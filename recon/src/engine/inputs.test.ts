import { describe, expect, it } from 'vitest';
import { inputSchema } from '../config/recon-config.js';
import { ReconError } from '../errors.js';
import { registerInputResolver, resolveRelation } from './inputs.js';

const input = (raw: Record<string, unknown>) => inputSchema.parse(raw);

describe('input resolution', () => {
  it('quotes hostile paths into read_parquet and read_csv calls', async () => {
    expect((await resolveRelation(input({ path: `/d/it's.parquet` }))).sql).toBe(`read_parquet('/d/it''s.parquet', union_by_name = true)`);
    const csv = await resolveRelation(input({ path: `/d/x.csv`, csv: { delimiter: `'`, header: false } }));
    expect(csv).toEqual({ sql: `read_csv('/d/x.csv', header = false, delim = '''', union_by_name = true)`, format: 'csv' });
  });

  it('asks for a format when the extension does not tell', async () => {
    await expect(resolveRelation(input({ path: '/d/data.bin' }))).rejects.toThrow(/set format: csv or parquet/);
  });

  it('explains that Iceberg needs a resolver, and uses one once registered', async () => {
    const error = await resolveRelation(input({ path: 's3://lake/trades', format: 'iceberg' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReconError);
    expect((error as ReconError).code).toBe('INPUT_UNSUPPORTED');
    registerInputResolver('iceberg', { relationSql: () => Promise.resolve(`read_parquet(['/lake/a.parquet'])`) });
    expect(await resolveRelation(input({ path: 's3://lake/trades', format: 'iceberg' }))).toEqual({ sql: `read_parquet(['/lake/a.parquet'])`, format: 'iceberg' });
  });
});
