import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startLocalStack, type LocalStack } from '@coattail/local-stack';
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

/** Starts the producer's entry point as ECS would (environment only), collecting its output. */
function startProducer(env: Record<string, string>): {
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  kill: () => void;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      BINANCE_WS_URL: sim.binanceUrl,
      COINBASE_WS_URL: sim.coinbaseUrl,
      COATTAIL_KINESIS_ENDPOINT: stack.endpoints.kinesis,
      STREAM_NAME: 'sigterm-trades',
      HEALTH_PORT: '0',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { stdout: () => stdout, stderr: () => stderr, exited, kill: () => child.kill('SIGTERM') };
}

describe('the producer process on SIGTERM', () => {
  it('stops reading, flushes every trade it received into Kinesis exactly once, and exits 0 before the deadline', async () => {
    const run = startProducer({
      SYMBOLS: 'BTC-USDT,ETH-USDT',
      // A long group-commit window guarantees trades are still buffered when SIGTERM lands.
      PUBLISH_LINGER_MS: '1500',
      SHUTDOWN_DEADLINE_MS: '10000',
      EMF_INTERVAL_MS: '0',
    });

    await waitFor(
      () => sim.sessions('binance') === 1 && sim.sessions('coinbase') === 1,
      `both exchanges connected (stderr: ${run.stderr()})`,
      20_000,
    );
    await new Promise((r) => setTimeout(r, 2_000));
    const signalledAt = Date.now();
    run.kill();
    const code = await run.exited;
    const tookMs = Date.now() - signalledAt;

    expect(code, run.stderr()).toBe(0);
    expect(tookMs).toBeLessThan(10_000);
    const lines = run
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const summary = lines.find((l) => l.msg === 'producer stopped') as
      { received: number; published: number; pendingAtStop: number } | undefined;
    if (summary === undefined) throw new Error(`no shutdown summary in:\n${run.stdout()}\n${run.stderr()}`);
    expect(summary.received).toBeGreaterThan(500);
    expect(summary.pendingAtStop).toBeGreaterThan(0);
    expect(summary.published).toBe(summary.received);

    const stored = await readTrades(stack.clients.kinesis, 'sigterm-trades');
    expect(stored.length).toBe(summary.received);
    expect(new Set(stored.map((t) => t.event_id)).size).toBe(stored.length);
    expect(new Set(stored.map((t) => t.exchange))).toEqual(new Set(['binance', 'coinbase']));
  });

  it('writes a final CloudWatch embedded-metric batch at SIGTERM, with what the shutdown flushed', async () => {
    const run = startProducer({
      SYMBOLS: 'BTC-USDT',
      PUBLISH_LINGER_MS: '500',
      // An hour: no periodic batch can happen during the test, only the final one.
      EMF_INTERVAL_MS: '3600000',
    });
    await waitFor(
      () => run.stdout().includes('"producer running"'),
      `the producer running (stderr: ${run.stderr()})`,
      20_000,
    );
    await new Promise((r) => setTimeout(r, 1_500));
    run.kill();
    expect(await run.exited, run.stderr()).toBe(0);

    const lines = run
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const summary = lines.find((l) => l.msg === 'producer stopped') as { published: number } | undefined;
    const docs = lines.filter((l) => '_aws' in l);
    expect(docs.length, run.stdout()).toBeGreaterThan(0);
    const sum = (name: string): number => docs.reduce((a, d) => a + (typeof d[name] === 'number' ? d[name] : 0), 0);
    expect(sum('tradesReceived')).toBeGreaterThan(0);
    // The batch is written after the flush: it counts every trade the shutdown published.
    expect(sum('tradesPublished')).toBe(summary?.published);
    for (const exchange of ['binance', 'coinbase'])
      expect(docs.some((d) => d.exchange === exchange && 'reconnects' in d && 'tradesDropped' in d)).toBe(true);
    expect(docs.some((d) => typeof d.PublishLatencyP99Ms === 'number')).toBe(true);
  });
});
