import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TABLES, tablePartitionSpec, tableSchema } from '@coattail/iceberg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { minuteTrades, tempCatalog } from './historical-helpers.js';

const run = promisify(execFile);
const CLI = new URL('../../cli/bin/coattail.js', import.meta.url).pathname;

describe('coattail batch reprocess-anomalies (process)', () => {
  let env: Awaited<ReturnType<typeof tempCatalog>>;
  beforeAll(async () => {
    env = await tempCatalog();
  });
  afterAll(() => env.cleanup());

  it('reprocesses a snapshot and prints the comparison summary and the report paths', async () => {
    const raw = await env.catalog.createTable('coattail.raw_trades', {
      schema: tableSchema(TABLES.raw_trades),
      spec: tablePartitionSpec(TABLES.raw_trades),
    });
    await raw.append(minuteTrades(0, 30, [20]));
    const id = String(raw.currentSnapshot()!['snapshot-id']);
    const report = join(env.dir, 'report');
    const { stdout } = await run(
      process.execPath,
      [
        CLI,
        'batch',
        'reprocess-anomalies',
        '--snapshot',
        id,
        '--state-dir',
        env.dir,
        '--warehouse',
        join(env.dir, 'objects'),
        '--report-dir',
        report,
        '--run-id',
        'cli-run',
      ],
      { env: { ...process.env, LOG_LEVEL: 'warn' } },
    );
    expect(stdout).toContain(`run cli-run: raw_trades snapshot ${id}`);
    expect(stdout).toContain('90 trades → 1 anomalies in anomalies_reprocessed');
    expect(stdout).toContain('matched 0 · only in original 0 · only in reprocessed 1 · z-score differences 0');
    expect(stdout).toContain(`report: ${join(report, 'comparison.csv')}, ${join(report, 'comparison.xlsx')}`);
  });
});
