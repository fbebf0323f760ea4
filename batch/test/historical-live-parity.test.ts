import { fileURLToPath } from 'node:url';
import type { ResultRow, Row } from '@coattail/iceberg';
import {
  binanceProtocol,
  ExchangeConnection,
  startExchangeSimulator,
  SymbolMap,
  type UnifiedTrade,
} from '@coattail/producer';
import { waitFor } from '@coattail/producer/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BinanceArchiveClient,
  BinanceRestClient,
  rawTradeRow,
  runHistoricalLoad,
  type TradeSource,
} from '../src/historical/index.js';
import { readArchiveCsv, startArchiveServer, type ArchivedTrade } from './archive-server.js';
import { allRows, tempCatalog } from './historical-helpers.js';

const fixture = (name: string): string => fileURLToPath(new URL(`fixtures/${name}`, import.meta.url));
const LIVE_SESSION = fixture('binance-live-btcusdt-2021-10-22.jsonl');
const ARCHIVE_CSV = fixture('BTCUSDT-trades-2021-10-22.csv');
/** The recorded live session spans 23:00:00.000–23:00:30.000 UTC (the archive holds the whole day's). */
const FROM = Date.UTC(2021, 9, 22, 23, 0, 0);
const TO = FROM + 30_000;

/**
 * A row as compared across paths: every column but `ingest_time`, which is when *we* received
 * the trade and so differs by construction between a live session and a later download.
 */
function comparable(row: Row | ResultRow): Record<string, unknown> {
  const time = row.event_time;
  return {
    event_id: row.event_id,
    exchange: row.exchange,
    symbol: row.symbol,
    trade_id: String(row.trade_id),
    price: row.price,
    quantity: row.quantity,
    quote_volume: row.quote_volume,
    side: row.side,
    // A row we build holds a Date; a row read back from the table holds Iceberg's microseconds.
    event_time: time instanceof Date ? time.getTime() : Number(time) / 1000,
  };
}
const byId = (a: Record<string, unknown>, b: Record<string, unknown>): number =>
  String(a.event_id).localeCompare(String(b.event_id));

/** The recorded session through the live path: simulator → WebSocket → the producer's Binance adapter. */
async function liveSessionRows(expected: number): Promise<Record<string, unknown>[]> {
  const sim = await startExchangeSimulator({ symbols: ['BTC-USDT'], tradesPerSecond: 0 });
  sim.setGenerating(false);
  const trades: UnifiedTrade[] = [];
  const conn = new ExchangeConnection({
    protocol: binanceProtocol(new SymbolMap(['BTC-USDT']), sim.binanceUrl),
    onTrade: (t) => trades.push(t),
  });
  try {
    conn.start();
    await waitFor(() => conn.status === 'OPEN' && sim.sessions('binance') === 1, 'the live session to open');
    await sim.replayFile('binance', LIVE_SESSION);
    await waitFor(() => trades.length >= expected, `${expected} live trades`);
  } finally {
    await conn.stop();
    await sim.close();
  }
  return trades.map((t) => comparable(rawTradeRow(t))).toSorted(byId);
}

describe('historical loads yield the live feed’s trades', () => {
  let env: Awaited<ReturnType<typeof tempCatalog>>;
  let server: Awaited<ReturnType<typeof startArchiveServer>>;
  let trades: ArchivedTrade[];
  beforeEach(async () => {
    const archive = await readArchiveCsv(ARCHIVE_CSV);
    trades = archive.trades;
    server = await startArchiveServer('BTCUSDT', '2021-10-22', archive.csv, trades);
    env = await tempCatalog();
  });
  afterEach(async () => {
    await server.close();
    await env.cleanup();
  });

  const load = (source: TradeSource, endTime = TO) =>
    runHistoricalLoad({
      catalog: env.catalog,
      client: new BinanceRestClient({ baseUrl: server.url, backoffMs: 1 }),
      archive: new BinanceArchiveClient({ baseUrl: server.url, backoffMs: 1, pageSize: 7 }),
      symbols: ['BTC-USDT'],
      startTime: FROM,
      endTime,
      source,
      pageLimit: 10,
    });
  const tableRows = async () =>
    (await allRows(await env.catalog.loadTable('coattail.raw_trades'))).map(comparable).toSorted(byId);

  it('loads the same rows from the checksum-verified daily archive, from historicalTrades and from a recorded live session', async () => {
    const inRange = trades.filter((t) => t.time >= FROM && t.time <= TO).length;
    const live = await liveSessionRows(inRange);
    expect(live).toHaveLength(inRange);

    const [fromArchive] = await load('archive');
    expect(fromArchive).toMatchObject({ rows: inRange, rejected: 0 });
    expect(server.requests.filter((r) => r.startsWith('/api/'))).toEqual([]);
    const archiveRows = await tableRows();
    expect(archiveRows).toEqual(live);

    await env.cleanup();
    env = await tempCatalog();
    const [fromRest] = await load('rest');
    expect(fromRest?.rows).toBe(inRange);
    expect(server.requests.some((r) => r.startsWith('/api/v3/historicalTrades?symbol=BTCUSDT&fromId='))).toBe(true);
    expect(await tableRows()).toEqual(live);
  });

  it('by default reads the archive and falls back to historicalTrades for a day not archived yet', async () => {
    const [r] = await load('auto', Date.UTC(2021, 9, 23, 0, 10, 0));
    expect(r?.rows).toBe(trades.filter((t) => t.time >= FROM).length);
    expect(server.requests).toContain('/data/spot/daily/trades/BTCUSDT/BTCUSDT-trades-2021-10-22.zip');
    expect(server.requests).toContain('/data/spot/daily/trades/BTCUSDT/BTCUSDT-trades-2021-10-23.zip.CHECKSUM');
    expect(server.requests.some((r) => r.startsWith('/api/v3/aggTrades?symbol=BTCUSDT&startTime=1634947200000'))).toBe(
      true,
    );
  });

  it('refuses an archive whose SHA-256 differs from its CHECKSUM file and writes nothing', async () => {
    server.corruptChecksum = true;
    await expect(load('archive')).rejects.toThrow(/has SHA-256 [0-9a-f]{64} but its CHECKSUM file says/);
    await expect(env.catalog.loadTable('coattail.raw_trades').then(allRows)).resolves.toEqual([]);
  });

  it('writes aggTrades only under their own id namespace, so an aggregate of several fills never poses as a live trade', async () => {
    const [r] = await load('aggTrades');
    const rows = await tableRows();
    const inRange = trades.filter((t) => t.time >= FROM && t.time <= TO);
    expect(r?.rows).toBeLessThan(inRange.length);
    expect(rows.every((row) => String(row.event_id).startsWith('binance-agg:BTC-USDT:'))).toBe(true);
    const total = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
    expect(total(rows.map((row) => Number(row.quantity)))).toBeCloseTo(total(inRange.map((t) => Number(t.qty))), 8);
    // A later per-trade load of the same range is not skipped as "already loaded".
    const [trades2] = await load('archive');
    expect(trades2?.rows).toBe(inRange.length);
  });
});
