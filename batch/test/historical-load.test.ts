import { tradeEventId } from '@coattail/producer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BinanceRestClient, planHistoricalLoad, runHistoricalLoad } from '../src/historical/index.js';
import { startBinanceEmulator, type BinanceEmulator } from './binance-emulator.js';
import { allRows, T0, tempCatalog } from './historical-helpers.js';

// 10 trades/s for 2500 trades: 250 s, crossing midnight UTC at T0 + 3600 s? No: T0 is 23:00, so
// the range stays in one day; the ETH symbol starts at 23:59:00 and crosses into the next day.
const SYMBOLS = {
  BTCUSDT: { startTime: T0, tradesPerSecond: 10, count: 2500 },
  ETHUSDT: { startTime: T0 + 59 * 60_000, tradesPerSecond: 5, count: 1000, firstId: 7_000_000 },
};

describe('historical load against the local Binance emulator', () => {
  let emulator: BinanceEmulator;
  let env: Awaited<ReturnType<typeof tempCatalog>>;
  beforeEach(async () => {
    emulator = await startBinanceEmulator({ symbols: SYMBOLS });
    env = await tempCatalog();
  });
  afterEach(async () => {
    await emulator.close();
    await env.cleanup();
  });
  const client = (): BinanceRestClient => new BinanceRestClient({ baseUrl: emulator.url, backoffMs: 1 });

  it('by default pages trades by id at most 1000 per request and writes every trade once, with the producer’s event ids, partitioned by day and symbol', async () => {
    const [btc] = await runHistoricalLoad({
      catalog: env.catalog,
      client: client(),
      symbols: ['BTC-USDT'],
      startTime: T0,
      endTime: T0 + 250_000,
    });
    expect(btc).toMatchObject({ rows: 2500, rejected: 0 });
    // One aggTrades call locates the first trade id of the range; then trades page by id.
    expect(emulator.requests[0]).toMatch(/aggTrades\?symbol=BTCUSDT&startTime=\d+&endTime=\d+&limit=1$/);
    expect(emulator.requests.slice(1)).toEqual([
      '/api/v3/historicalTrades?symbol=BTCUSDT&fromId=1000000&limit=1000',
      '/api/v3/historicalTrades?symbol=BTCUSDT&fromId=1001000&limit=1000',
      '/api/v3/historicalTrades?symbol=BTCUSDT&fromId=1002000&limit=1000',
    ]);
    const table = await env.catalog.loadTable('coattail.raw_trades');
    const rows = await allRows(table);
    expect(rows).toHaveLength(2500);
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(2500);
    const first = rows.find((r) => r.trade_id === '1000000');
    expect(first).toMatchObject({
      event_id: tradeEventId('binance', 'BTC-USDT', 1_000_000),
      exchange: 'binance',
      symbol: 'BTC-USDT',
      side: 'sell',
      price: 60000,
      quantity: 0.001,
    });
    const files = await table.scan().planFiles();
    expect(files.every((f) => /event_time_day=2021-10-22\/symbol=BTC-USDT\/.*\.parquet$/.test(f.file.filePath))).toBe(
      true,
    );
  });

  it('splits a range that crosses midnight into one partition per day', async () => {
    await runHistoricalLoad({
      catalog: env.catalog,
      client: client(),
      symbols: ['ETH-USDT'],
      startTime: T0,
      endTime: T0 + 2 * 3_600_000,
    });
    const table = await env.catalog.loadTable('coattail.raw_trades');
    const days = new Set(
      (await table.scan().planFiles()).map((f) => /event_time_day=([\d-]+)/.exec(f.file.filePath)?.[1]),
    );
    expect([...days].sort()).toEqual(['2021-10-22', '2021-10-23']);
    expect(await allRows(table)).toHaveLength(1000);
  });

  it('downloads only the missing part when a rerun of an aggTrades load overlaps a loaded range', async () => {
    await runHistoricalLoad({
      catalog: env.catalog,
      client: client(),
      symbols: ['BTC-USDT'],
      startTime: T0,
      endTime: T0 + 99_999,
      source: 'aggTrades',
    });
    // Pages continue by time: each boundary re-reads the trades of one millisecond.
    expect(emulator.served.get('BTCUSDT')).toBe(1001);
    const plan = await planHistoricalLoad({
      catalog: env.catalog,
      client: client(),
      symbols: ['BTC-USDT'],
      startTime: T0 + 50_000,
      endTime: T0 + 199_999,
      source: 'aggTrades',
    });
    expect(plan[0]?.missing).toEqual([[T0 + 100_000, T0 + 199_999]]);
    const [second] = await runHistoricalLoad({
      catalog: env.catalog,
      client: client(),
      symbols: ['BTC-USDT'],
      startTime: T0 + 50_000,
      endTime: T0 + 199_999,
      source: 'aggTrades',
    });
    expect(second?.rows).toBe(1000);
    expect(emulator.served.get('BTCUSDT')! - 1001).toBeLessThanOrEqual(1001);
    const rows = await allRows(await env.catalog.loadTable('coattail.raw_trades'));
    expect(rows).toHaveLength(2000);
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(2000);
  });

  it('resumes a load that died mid-way from its last commit, without duplicates', async () => {
    let calls = 0;
    const crashing = new BinanceRestClient({ baseUrl: emulator.url, backoffMs: 1 });
    const original = crashing.historicalTrades.bind(crashing);
    crashing.historicalTrades = async (params) => {
      if (++calls === 6) throw new Error('process killed');
      return original(params);
    };
    const options = {
      catalog: env.catalog,
      symbols: ['BTC-USDT'],
      startTime: T0,
      endTime: T0 + 249_999,
      pageLimit: 300,
      chunkRows: 500,
    };
    await expect(runHistoricalLoad({ ...options, client: crashing })).rejects.toThrow('process killed');
    const partial = await allRows(await env.catalog.loadTable('coattail.raw_trades'));
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(2500);
    const before = emulator.requests.length;
    await runHistoricalLoad({ ...options, client: client() });
    // The rerun starts where the last commit ended, not at the beginning.
    const resumedAt = Number(/startTime=(\d+)/.exec(emulator.requests[before] ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThan(T0);
    const rows = await allRows(await env.catalog.loadTable('coattail.raw_trades'));
    expect(rows).toHaveLength(2500);
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(2500);
  });

  it('reads historicalTrades by fromId after locating the range with one aggTrades call, yielding the same rows', async () => {
    const [r] = await runHistoricalLoad({
      catalog: env.catalog,
      client: client(),
      symbols: ['BTC-USDT'],
      startTime: T0 + 10_000,
      endTime: T0 + 129_999,
      endpoint: 'historicalTrades',
    });
    expect(r?.rows).toBe(1200);
    expect(emulator.requests[0]).toMatch(/aggTrades\?symbol=BTCUSDT&startTime=\d+&endTime=\d+&limit=1$/);
    expect(
      emulator.requests.slice(1).every((q) => q.startsWith('/api/v3/historicalTrades?symbol=BTCUSDT&fromId=')),
    ).toBe(true);
    const ids = (await allRows(await env.catalog.loadTable('coattail.raw_trades')))
      .map((row) => Number(row.trade_id))
      .sort((a, b) => a - b);
    expect(ids[0]).toBe(1_000_100);
    expect(ids.at(-1)).toBe(1_001_299);
  });

  it('plans without downloading and refuses an unknown symbol with Binance’s own message', async () => {
    const plan = await planHistoricalLoad({
      catalog: env.catalog,
      client: client(),
      symbols: ['BTC-USDT'],
      startTime: T0,
      endTime: T0 + 1000,
    });
    expect(plan).toEqual([{ symbol: 'BTC-USDT', binanceSymbol: 'BTCUSDT', covered: [], missing: [[T0, T0 + 1000]] }]);
    expect(emulator.requests).toHaveLength(0);
    await expect(
      runHistoricalLoad({
        catalog: env.catalog,
        client: client(),
        symbols: ['DOGE-USDT'],
        startTime: T0,
        endTime: T0 + 1000,
      }),
    ).rejects.toThrow(/-1121 Invalid symbol\. \(HTTP 400\)/);
  });
});
