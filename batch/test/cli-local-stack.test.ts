import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { S3ObjectStore } from '@coattail/connectors';
import { startLocalStack, type LocalStack } from '@coattail/local-stack';
import { IcebergCatalog, LocalPointerStore } from '@coattail/iceberg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBinanceEmulator, type BinanceEmulator } from './binance-emulator.js';
import { allRows, T0, tempCatalog } from './historical-helpers.js';

const run = promisify(execFile);
const CLI = new URL('../../cli/bin/coattail.js', import.meta.url).pathname;

describe('coattail batch on the local stack (S3 warehouse on s3rver)', () => {
  let stack: LocalStack;
  let emulator: BinanceEmulator;
  let env: Awaited<ReturnType<typeof tempCatalog>>;
  beforeAll(async () => {
    [stack, emulator, env] = await Promise.all([
      startLocalStack({ streams: [], tables: [] }),
      startBinanceEmulator({ symbols: { BTCUSDT: { startTime: T0, tradesPerSecond: 5, count: 9000 } } }),
      tempCatalog(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([stack.stop(), emulator.close(), env.cleanup()]);
  });

  it('loads into the warehouse bucket, then reprocesses that table as of its snapshot', async () => {
    const processEnv = {
      ...process.env,
      LOG_LEVEL: 'warn',
      COATTAIL_S3_ENDPOINT: stack.endpoints.s3,
      AWS_ACCESS_KEY_ID: stack.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: stack.credentials.secretAccessKey,
      AWS_REGION: stack.region,
      WAREHOUSE_BUCKET: 'coattail-warehouse',
    };
    const load = await run(
      process.execPath,
      [
        CLI,
        'batch',
        'historical-load',
        '--source',
        'rest',
        '--base-url',
        emulator.url,
        '--state-dir',
        env.dir,
        '--from',
        String(T0),
        '--to',
        String(T0 + 1_799_999),
      ],
      { env: processEnv },
    );
    expect(load.stdout).toContain('BTC-USDT: 9000 trades in 1 commits');
    const catalog = new IcebergCatalog({
      pointers: new LocalPointerStore(join(env.dir, 'catalog')),
      store: new S3ObjectStore({ client: stack.clients.s3, bucket: 'coattail-warehouse' }),
    });
    const table = await catalog.loadTable('coattail.raw_trades');
    expect(table.metadata.location).toMatch(/^s3:\/\/coattail-warehouse\//);
    expect(await allRows(table)).toHaveLength(9000);
    const snapshot = String(table.currentSnapshot()!['snapshot-id']);
    const rerun = await run(
      process.execPath,
      [
        CLI,
        'batch',
        'reprocess-anomalies',
        '--snapshot',
        snapshot,
        '--state-dir',
        env.dir,
        '--report-dir',
        join(env.dir, 'report'),
      ],
      { env: processEnv },
    );
    expect(rerun.stdout).toContain(`raw_trades snapshot ${snapshot}`);
    expect(rerun.stdout).toContain('9000 trades →');
    expect(rerun.stdout).toMatch(/matched \d+ · only in original 0 · only in reprocessed \d+/);
    // Three CLI processes, each starting in 8–15 s on a loaded 2-core machine.
  }, 120_000);
});
