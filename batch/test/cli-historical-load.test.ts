import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBinanceEmulator, type BinanceEmulator } from './binance-emulator.js';
import { allRows, T0, tempCatalog } from './historical-helpers.js';

const run = promisify(execFile);
const CLI = new URL('../../cli/bin/coattail.js', import.meta.url).pathname;

// Each case starts the CLI process one or more times: seconds apiece on a loaded machine.
describe('coattail batch historical-load (process)', () => {
  let emulator: BinanceEmulator;
  let env: Awaited<ReturnType<typeof tempCatalog>>;
  beforeAll(async () => {
    emulator = await startBinanceEmulator({
      symbols: {
        BTCUSDT: { startTime: T0, tradesPerSecond: 20, count: 3000 },
        SOLUSDT: { startTime: T0, tradesPerSecond: 2, count: 300 },
      },
    });
    env = await tempCatalog();
  });
  afterAll(async () => {
    await emulator.close();
    await env.cleanup();
  });
  const cli = (...args: string[]) =>
    run(
      process.execPath,
      [
        CLI,
        'batch',
        'historical-load',
        '--base-url',
        emulator.url,
        '--archive-url',
        emulator.url,
        '--state-dir',
        env.dir,
        '--warehouse',
        join(env.dir, 'objects'),
        '--from',
        new Date(T0).toISOString(),
        ...args,
      ],
      { env: { ...process.env, LOG_LEVEL: 'warn' } },
    );

  it('prints the plan and downloads nothing with --dry-run', async () => {
    const { stdout } = await cli(
      '--to',
      new Date(T0 + 99_999).toISOString(),
      '--symbols',
      'BTC-USDT,SOL-USDT',
      '--dry-run',
    );
    expect(stdout).toContain('BTC-USDT (BTCUSDT via daily archives (');
    expect(stdout).toContain('  download 2021-10-22T23:00:00.000Z .. 2021-10-22T23:01:39.999Z');
    expect(stdout).toContain('dry run: nothing downloaded or written');
    expect(emulator.requests).toHaveLength(0);
  }, 120_000);

  it('loads, prints plain progress lines when not on a terminal, and a rerun finds nothing to download', async () => {
    const first = await cli('--to', new Date(T0 + 99_999).toISOString(), '--symbols', 'BTC-USDT,SOL-USDT');
    expect(first.stdout).toContain('BTC-USDT: 2000 trades in 1 commits');
    expect(first.stdout).toContain('SOL-USDT: 200 trades in 1 commits');
    expect(first.stderr).toMatch(/^progress symbol=BTC-USDT pct=100\.0 rows=2000 requests=\d+ rate=\d+\/s eta=0:00$/m);
    expect(first.stderr).not.toContain('\r');
    const requests = emulator.requests.length;
    const second = await cli('--to', new Date(T0 + 99_999).toISOString(), '--symbols', 'BTC-USDT,SOL-USDT');
    expect(second.stdout).toContain('  loaded   2021-10-22T23:00:00.000Z .. 2021-10-22T23:01:39.999Z');
    expect(second.stdout).toContain('nothing to download');
    expect(emulator.requests.length).toBe(requests);
    expect(await allRows(await env.catalog.loadTable('coattail.raw_trades'))).toHaveLength(2200);
  }, 120_000);
});
