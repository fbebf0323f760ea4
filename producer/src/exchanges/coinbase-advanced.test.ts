import { InMemoryMetrics } from '@coattail/runtime';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import type { UnifiedTrade } from '../models.js';
import { startExchangeSimulator, type ExchangeSimulator } from '../simulator/exchange-simulator.js';
import { SymbolMap } from '../symbols.js';
import { sampleLines } from '../testing/fixtures.js';
import { waitFor } from '../testing/wait.js';
import { coinbaseProtocol } from './coinbase.js';
import { AdvancedTradeParser, coinbaseAdvancedProtocol } from './coinbase-advanced.js';
import { ExchangeConnection } from './exchange-connection.js';
import type { ParsedMessage } from './protocol.js';

const NOW = 1_800_000_000_000;
const symbols = new SymbolMap(['BTC-USDT', 'ETH-USDT']);
const describeMsg = (m: ParsedMessage): string =>
  m.kind === 'trade' ? `trade ${m.trade.trade_id} ${m.trade.side}` : m.kind === 'lost' ? `lost ${m.messages}` : m.kind;

describe('Advanced Trade messages (our sample frames in the documented shapes)', () => {
  it('reads the ack, a snapshot and out-of-order updates oldest first, heartbeats, lost messages and errors', () => {
    const parser = new AdvancedTradeParser(symbols);
    const parsed = sampleLines('coinbase-advanced-messages.jsonl').map((l) => parser.parse(l, NOW).map(describeMsg));
    expect(parsed).toEqual([
      ['ack'],
      ['trade 300000011 buy', 'trade 600000002 sell', 'trade 600000003 buy'],
      ['heartbeat'],
      // Newest first on the wire; emitted by id. 600000003 repeats the snapshot (dropped downstream).
      ['trade 600000003 buy', 'trade 600000004 buy', 'trade 600000005 sell'],
      // sequence_num 3 → 6: two messages of the connection (any channel) never arrived.
      ['lost 2', 'trade 600000006 buy'],
      ['error'],
    ]);
    const trade = parser.parse(sampleLines('coinbase-advanced-messages.jsonl')[1]!, NOW)[1];
    expect(trade).toEqual({
      kind: 'trade',
      trade: {
        event_id: 'coinbase:BTC-USDT:600000002',
        exchange: 'coinbase',
        symbol: 'BTC-USDT',
        price: 37005.1,
        quantity: 0.25,
        quote_volume: 9251.275,
        side: 'sell', // Advanced Trade's side is the taker's: SELL means the taker sold
        trade_id: 600000002,
        event_time: Date.UTC(2023, 10, 14, 22, 13, 19, 250),
        ingest_time: NOW,
      },
    });
  });

  it('starts sequence numbering over on a new connection', () => {
    const parser = new AdvancedTradeParser(symbols);
    const lines = sampleLines('coinbase-advanced-messages.jsonl');
    parser.parse(lines[3]!, NOW);
    parser.reset();
    expect(parser.parse(lines[0]!, NOW).map(describeMsg)).toEqual(['ack']);
  });
});

describe('which Coinbase protocol a URL speaks', () => {
  it('follows the host, refuses contradictions and Coinbase hosts we do not speak', () => {
    expect(loadConfig({ COINBASE_WS_URL: 'wss://advanced-trade-ws.coinbase.com' }).coinbaseProtocol).toBe(
      'advanced-trade',
    );
    expect(loadConfig({}).coinbaseProtocol).toBe('exchange');
    expect(
      loadConfig({ COINBASE_WS_URL: 'ws://127.0.0.1:9/x', COINBASE_PROTOCOL: 'advanced-trade' }).coinbaseProtocol,
    ).toBe('advanced-trade');
    expect(() =>
      loadConfig({ COINBASE_WS_URL: 'wss://advanced-trade-ws.coinbase.com', COINBASE_PROTOCOL: 'exchange' }),
    ).toThrow(/COINBASE_WS_URL: advanced-trade-ws.coinbase.com speaks the advanced-trade protocol, not exchange/);
    expect(() => loadConfig({ COINBASE_WS_URL: 'wss://advanced-trade-ws-user.coinbase.com' })).toThrow(
      /advanced-trade-ws-user.coinbase.com is not a Coinbase market-data feed this producer speaks/,
    );
  });
});

describe('Advanced Trade against the simulator', () => {
  let sim: ExchangeSimulator;
  let stops: (() => Promise<void>)[] = [];
  beforeEach(async () => {
    sim = await startExchangeSimulator({ symbols: ['BTC-USDT', 'ETH-USDT'], tradesPerSecond: 400, heartbeatMs: 50 });
  });
  afterEach(async () => {
    for (const stop of stops.reverse()) await stop();
    stops = [];
    await sim.close();
  });

  function connect(protocol: 'advanced' | 'exchange' = 'advanced', silentAfterMs = 60_000) {
    const metrics = new InMemoryMetrics();
    const trades: UnifiedTrade[] = [];
    const conn = new ExchangeConnection({
      protocol:
        protocol === 'advanced'
          ? coinbaseAdvancedProtocol(symbols, sim.coinbaseAdvancedUrl)
          : coinbaseProtocol(symbols, sim.coinbaseUrl),
      onTrade: (t) => trades.push(t),
      metrics,
      silentAfterMs,
    });
    stops.push(() => conn.stop());
    conn.start();
    return { conn, trades, count: (name: string) => metrics.total(name, { exchange: 'coinbase' }) };
  }

  it('publishes the snapshot then the updates in id order, each trade once, without gaps', async () => {
    const { trades, count } = connect();
    await waitFor(() => trades.length > 300, 'trades from snapshot and updates');
    expect(count('subscriptionAcks')).toBe(2);
    // The first update repeats up to two snapshot trades (fewer when the market had barely started
    // at subscribe time, as on a loaded machine): each repeat is counted and dropped.
    expect(count('tradesDuplicate')).toBeGreaterThanOrEqual(1);
    expect(new Set(trades.map((t) => t.event_id)).size).toBe(trades.length);
    expect(count('tradesMissing')).toBe(0);
    expect(count('tradesOutOfOrder')).toBe(0);
    expect(count('messagesLost')).toBe(0);
  });

  it('detects gaps on trade ids per product and lost messages on the connection-wide sequence_num', async () => {
    const { trades, count } = connect();
    await waitFor(() => trades.length > 50, 'first trades');
    sim.faults.gap('coinbase', 'BTC-USDT', 5);
    sim.faults.loseMessages(3);
    await waitFor(() => count('tradesMissing') === 5 && count('messagesLost') === 3, 'the gap and the lost messages');
    expect(count('gapEvents')).toBe(1);
  });

  it('stays healthy on heartbeats alone in a quiet market', async () => {
    const { conn, trades, count } = connect('advanced', 400);
    await waitFor(() => trades.length > 0 && conn.health().ok, 'a healthy feed');
    sim.setGenerating(false);
    const heartbeats = count('heartbeats');
    await waitFor(() => count('heartbeats') > heartbeats + 12, 'heartbeats over more than the silence limit');
    expect(conn.health().ok).toBe(true);
  });

  it('normalizes a trade the same on both Coinbase protocols: same event id, taker side, price and time', async () => {
    const advanced = connect('advanced');
    const exchange = connect('exchange');
    const byId = (ts: UnifiedTrade[]) => new Map(ts.map(({ ingest_time: _, ...t }) => [t.event_id, t]));
    await waitFor(() => {
      const a = byId(advanced.trades);
      return [...byId(exchange.trades).keys()].filter((id) => a.has(id)).length > 100;
    }, 'a hundred trades seen on both');
    const a = byId(advanced.trades);
    const both = [...byId(exchange.trades)].filter(([id]) => a.has(id));
    for (const [id, t] of both) expect(a.get(id)).toEqual(t);
    expect(new Set(both.map(([, t]) => t.side))).toEqual(new Set(['buy', 'sell']));
  });
});
