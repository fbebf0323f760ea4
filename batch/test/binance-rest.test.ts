import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BatchJobError, BinanceApiError, BinanceRestClient } from '../src/historical/index.js';
import { startBinanceEmulator, type BinanceEmulator } from './binance-emulator.js';
import { T0 } from './historical-helpers.js';

// Our own REST pages in Binance's documented shapes (fixtures/binance-rest/README.md).
const FIXTURES = new URL('./fixtures/binance-rest/', import.meta.url);
const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));
const TOO_MUCH_WEIGHT =
  '{"code":-1003,"msg":"Too much request weight used; current limit is 6000 request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API."}';

describe('BinanceRestClient', () => {
  let emulator: BinanceEmulator;
  const sleeps: number[] = [];
  const sleep = (ms: number): Promise<void> => {
    sleeps.push(ms);
    return Promise.resolve();
  };
  beforeEach(async () => {
    sleeps.length = 0;
    emulator = await startBinanceEmulator({
      symbols: { BTCUSDT: { startTime: T0, tradesPerSecond: 10, count: 5000 } },
      weightLimit: 40,
      windowMs: 400,
    });
  });
  afterEach(() => emulator.close());

  it('waits Retry-After seconds on 429 and on 418, then succeeds', async () => {
    emulator.faults.push(
      { status: 429, retryAfter: 3, body: TOO_MUCH_WEIGHT },
      {
        status: 418,
        retryAfter: 7,
        body: '{"code":-1003,"msg":"Way too much request weight used; IP banned until 1634944096633."}',
      },
    );
    const client = new BinanceRestClient({ baseUrl: emulator.url, sleep, weightLimit: 1e6 });
    expect(await client.aggTrades({ symbol: 'BTCUSDT', startTime: T0, limit: 5 })).toHaveLength(5);
    expect(sleeps).toEqual([3000, 7000]);
    expect(client.stats.retries).toBe(2);
  });

  it('gives up with a clear error when Retry-After is longer than it may wait', async () => {
    emulator.faults.push({
      status: 418,
      retryAfter: 7200,
      body: '{"code":-1003,"msg":"Way too much request weight used; IP banned until 1634951296633."}',
    });
    const client = new BinanceRestClient({ baseUrl: emulator.url, sleep });
    const error = await client.aggTrades({ symbol: 'BTCUSDT', limit: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BinanceApiError);
    expect(error).toMatchObject({ code: 'IP_BANNED', httpStatus: 418, apiCode: -1003, retryable: true });
    expect(sleeps).toEqual([]);
  });

  it('retries 5xx and network-level garbage with bounded, growing back-off, and fails after maxRetries', async () => {
    emulator.faults.push(
      { status: 503, body: 'Service Unavailable' },
      { status: 500, body: '{"code":-1000,"msg":"An unknown error occurred while processing the request."}' },
    );
    const client = new BinanceRestClient({ baseUrl: emulator.url, sleep, backoffMs: 100, weightLimit: 1e6 });
    expect(await client.aggTrades({ symbol: 'BTCUSDT', limit: 1 })).toHaveLength(1);
    // Full-jitter back-off: each wait is random below a ceiling that doubles per attempt.
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]!).toBeLessThanOrEqual(100);
    expect(sleeps[1]!).toBeLessThanOrEqual(200);
    emulator.faults.push(...Array.from({ length: 3 }, () => ({ status: 502 })));
    const failing = new BinanceRestClient({ baseUrl: emulator.url, sleep, maxRetries: 2 });
    await expect(failing.aggTrades({ symbol: 'BTCUSDT', limit: 1 })).rejects.toMatchObject({
      code: 'EXCHANGE_UNAVAILABLE',
      retryable: true,
    });
  });

  it('surfaces the documented error bodies as errors naming the request, without retrying', async () => {
    const bodies = fixture('errors-400.json') as { code: number; msg: string }[];
    expect(bodies.length).toBeGreaterThan(0);
    const client = new BinanceRestClient({ baseUrl: emulator.url, sleep, weightLimit: 1e6 });
    for (const body of bodies) {
      emulator.faults.push({ status: 400, body: JSON.stringify(body) });
      const error = await client.aggTrades({ symbol: 'BTCUSDT', limit: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BinanceApiError);
      expect((error as Error).message).toBe(
        `Binance refused GET /api/v3/aggTrades?symbol=BTCUSDT&limit=1: ${body.code} ${body.msg} (HTTP 400)`,
      );
      expect(error).toMatchObject({ domain: 'user', retryable: false });
    }
    expect(sleeps).toEqual([]);
  });

  it('refuses a payload whose shape is not the documented one', async () => {
    emulator.faults.push({ status: 200, body: '[{"a":1,"p":60000.5}]' });
    const client = new BinanceRestClient({ baseUrl: emulator.url, sleep });
    const error = await client.aggTrades({ symbol: 'BTCUSDT', limit: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatchJobError);
    expect(error).toMatchObject({ code: 'INVALID_RESPONSE' });
  });

  it('reads the used-weight header and waits for the next window before crossing the limit, so the server never answers 429', async () => {
    const client = new BinanceRestClient({
      baseUrl: emulator.url,
      weightLimit: 40,
      weightWindowMs: 400,
      slowDownRatio: 0.8,
    });
    for (let i = 0; i < 20; i++) await client.aggTrades({ symbol: 'BTCUSDT', fromId: 500_000 + i, limit: 1 });
    expect(emulator.rejectedForWeight).toBe(0);
    expect(client.stats.throttledMs).toBeGreaterThan(0);
    expect(client.stats.lastUsedWeight).toBeLessThanOrEqual(32);
  });

  it('parses aggTrades and historicalTrades pages in the documented shapes', async () => {
    const agg = JSON.stringify(fixture('aggTrades-BTCUSDT.json'));
    const hist = JSON.stringify(fixture('historicalTrades-BTCUSDT.json'));
    emulator.faults.push({ status: 200, body: agg }, { status: 200, body: hist });
    const client = new BinanceRestClient({ baseUrl: emulator.url, sleep });
    const aggregates = await client.aggTrades({ symbol: 'BTCUSDT' });
    expect(aggregates).toHaveLength(3);
    expect(aggregates[1]).toEqual({
      a: 412000101,
      p: '60812.35000000',
      q: '0.40000000',
      f: 1110493101,
      l: 1110493103,
      T: 1634943660411,
      m: true,
    });
    const trades = await client.historicalTrades({ symbol: 'BTCUSDT' });
    expect(trades.map((t) => t.id)).toEqual([1110493100, 1110493101, 1110493102]);
    expect(trades[0]).toEqual({
      id: 1110493100,
      price: '60812.34000000',
      qty: '0.01250000',
      time: 1634943660125,
      isBuyerMaker: false,
    });
  });
});
