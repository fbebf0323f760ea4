import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startLocalStack, type LocalStack } from '@coattail/connectors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExchangeSimulator, type ExchangeSimulator } from '../src/simulator/exchange-simulator.js';
import { readTrades } from '../src/testing/kinesis.js';
import { waitFor } from '../src/testing/wait.js';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let stack: LocalStack;
let sim: ExchangeSimulator;
beforeAll(async () => {
  stack = await startLocalStack({ streams: [{ name: 'sigterm-trades', shards: 2 }], tables: [], buckets: [] });
  sim = await startExchangeSimulator({ symbols: ['BTC-USDT', 'ETH-USDT'], tradesPerSecond: 2_000 });
});
afterAll(async () => {
  await sim?.close();
  await stack?.stop();
});

describe('the producer process on SIGTERM', () => {
  it('stops reading, flushes every trade it received into Kinesis exactly once, and exits 0 before the deadline', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        SYMBOLS: 'BTC-USDT,ETH-USDT',
        BINANCE_WS_URL: sim.binanceUrl,
        COINBASE_WS_URL: sim.coinbaseUrl,
        COATTAIL_KINESIS_ENDPOINT: stack.endpoints.kinesis,
        STREAM_NAME: 'sigterm-trades',
        // A long group-commit window guarantees trades are still buffered when SIGTERM lands.
        PUBLISH_LINGER_MS: '1500',
        SHUTDOWN_DEADLINE_MS: '10000',
        HEALTH_PORT: '0',
        EMF_INTERVAL_MS: '0',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    await waitFor(() => sim.sessions('binance') === 1 && sim.sessions('coinbase') === 1, `both exchanges connected (stderr: ${stderr})`, 20_000);
    await new Promise((r) => setTimeout(r, 2_000));
    const signalledAt = Date.now();
    child.kill('SIGTERM');
    const code = await exited;
    const tookMs = Date.now() - signalledAt;

    expect(code, stderr).toBe(0);
    expect(tookMs).toBeLessThan(10_000);
    const lines = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const summary = lines.find((l) => l.msg === 'producer stopped') as { received: number; published: number; pendingAtStop: number } | undefined;
    if (summary === undefined) throw new Error(`no shutdown summary in:\n${stdout}\n${stderr}`);
    expect(summary.received).toBeGreaterThan(500);
    expect(summary.pendingAtStop).toBeGreaterThan(0);
    expect(summary.published).toBe(summary.received);

    const stored = await readTrades(stack.clients.kinesis, 'sigterm-trades');
    expect(stored.length).toBe(summary.received);
    expect(new Set(stored.map((t) => t.event_id)).size).toBe(stored.length);
    expect(new Set(stored.map((t) => t.exchange))).toEqual(new Set(['binance', 'coinbase']));
  });

  it('writes a final CloudWatch embedded-metric batch at SIGTERM, with what the shutdown flushed', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        SYMBOLS: 'BTC-USDT',
        BINANCE_WS_URL: sim.binanceUrl,
        COINBASE_WS_URL: sim.coinbaseUrl,
        COATTAIL_KINESIS_ENDPOINT: stack.endpoints.kinesis,
        STREAM_NAME: 'sigterm-trades',
        PUBLISH_LINGER_MS: '500',
        HEALTH_PORT: '0',
        // An hour: no periodic batch can happen during the test, only the final one.
        EMF_INTERVAL_MS: '3600000',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await waitFor(() => stdout.includes('"producer running"'), `the producer running (stderr: ${stderr})`, 20_000);
    await new Promise((r) => setTimeout(r, 1_500));
    child.kill('SIGTERM');
    expect(await exited, stderr).toBe(0);

    const lines = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const summary = lines.find((l) => l.msg === 'producer stopped') as { published: number } | undefined;
    const docs = lines.filter((l) => '_aws' in l);
    expect(docs.length, stdout).toBeGreaterThan(0);
    const sum = (name: string): number => docs.reduce((a, d) => a + (typeof d[name] === 'number' ? d[name] : 0), 0);
    expect(sum('tradesReceived')).toBeGreaterThan(0);
    // The batch is written after the flush: it counts every trade the shutdown published.
    expect(sum('tradesPublished')).toBe(summary?.published);
    for (const exchange of ['binance', 'coinbase']) expect(docs.some((d) => d.exchange === exchange && 'reconnects' in d && 'tradesDropped' in d)).toBe(true);
    expect(docs.some((d) => typeof d.PublishLatencyP99Ms === 'number')).toBe(true);
  });
});
