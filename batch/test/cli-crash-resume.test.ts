import { spawn } from 'node:child_process';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBinanceEmulator, type BinanceEmulator } from './binance-emulator.js';
import { allRows, T0, tempCatalog } from './historical-helpers.js';

const run = promisify(execFile);
const CLI = new URL('../../cli/bin/coattail.js', import.meta.url).pathname;

describe('coattail batch historical-load killed with SIGKILL', () => {
  let emulator: BinanceEmulator;
  let env: Awaited<ReturnType<typeof tempCatalog>>;
  beforeAll(async () => {
    emulator = await startBinanceEmulator({
      symbols: { BTCUSDT: { startTime: T0, tradesPerSecond: 10, count: 6000 } },
      delayMs: 150,
    });
    env = await tempCatalog();
  });
  afterAll(async () => {
    await emulator.close();
    await env.cleanup();
  });

  it('resumes after the kill from its last commit and ends with every trade exactly once', async () => {
    const args = [
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
      String(T0),
      '--to',
      String(T0 + 599_999),
      '--chunk-rows',
      '1000',
    ];
    const child = spawn(process.execPath, args, { stdio: 'ignore', env: { ...process.env, LOG_LEVEL: 'warn' } });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // Kill it once a few pages are in, i.e. after at least one commit and before the end.
    while (emulator.requests.length < 4) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await exited;
    const table = await env.catalog.loadTable('coattail.raw_trades');
    const partial = await allRows(table);
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(6000);
    const { stdout } = await run(process.execPath, args, { env: { ...process.env, LOG_LEVEL: 'warn' } });
    expect(stdout).toMatch(/loaded {3}2021-10-22T23:00:00\.000Z/);
    const rows = await allRows(table);
    expect(rows).toHaveLength(6000);
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(6000);
  }, 120_000);
});
