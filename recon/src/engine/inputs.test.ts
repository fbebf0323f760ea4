import { describe, expect, it } from 'vitest';
import { inputSchema } from '../config/recon-config.js';
import { ReconError } from '../errors.js';
import { registerInputResolver, resolveRelation } from './inputs.js';

const input = (raw: Record<string, unknown>) => inputSchema.parse(raw);

describe('input resolution', () => {
  it('quotes hostile paths into read_parquet and read_csv calls', async () => {
    expect((await resolveRelation(input({ path: `/d/it's.parquet` }))).sql).toBe(
      `read_parquet('/d/it''s.parquet', union_by_name = true)`,
    );
    const csv = await resolveRelation(input({ path: `/d/x.csv`, csv: { delimiter: `'`, header: false } }));
    expect(csv).toEqual({
      sql: `read_csv('/d/x.csv', header = false, delim = '''', union_by_name = true)`,
      format: 'csv',
    });
  });

  it('asks for a format when the extension does not tell', async () => {
    await expect(resolveRelation(input({ path: '/d/data.bin' }))).rejects.toThrow(/set format: csv or parquet/);
  });

  it('reads Iceberg through the built-in resolver until another one is registered for it', async () => {
    const missing = input({ path: '/nowhere/lake', format: 'iceberg', table: 'market.trades' });
    const error = await resolveRelation(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReconError);
    expect((error as ReconError).message).toContain(
      `Iceberg table 'market.trades' in catalog '/nowhere/lake' does not exist`,
    );
    registerInputResolver('iceberg', { relationSql: () => Promise.resolve(`read_parquet(['/lake/a.parquet'])`) });
    expect(await resolveRelation(missing)).toEqual({ sql: `read_parquet(['/lake/a.parquet'])`, format: 'iceberg' });
  });
});
