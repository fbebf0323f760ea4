import { describe, expect, it } from 'vitest';
import { sampleLines } from '../testing/fixtures.js';
import { SymbolMap } from '../symbols.js';
import { binanceProtocol, parseBinanceMessage } from './binance.js';
import { coinbaseProtocol, parseCoinbaseMessage } from './coinbase.js';
import type { ParsedMessage } from './protocol.js';

const symbols = new SymbolMap(['BTC-USDT', 'BNB-BTC', 'ETC-GBP'], { 'ETC-GBP': 'ETC-GBP' });
const NOW = 1_800_000_000_000;
const kinds = (msgs: ParsedMessage[]): string[] =>
  msgs.map((m) => (m.kind === 'ignored' ? `ignored:${m.type}` : m.kind));

// Our own frames (producer/test/fixtures/), written from the exchanges' documented field lists:
// these run everywhere; the shared third-party captures below are an extra when present.
describe('Binance messages (our sample frames in the documented shapes)', () => {
  const sample = new SymbolMap(['BTC-USDT', 'ETH-USDT']);

  it('normalizes combined-stream and raw trade frames, with the taker side from m', () => {
    const parsed = sampleLines('binance-trades.jsonl').map((l) => parseBinanceMessage(l, NOW, sample));
    expect(kinds(parsed)).toEqual(['trade', 'trade', 'trade', 'trade']);
    expect(parsed[0]).toEqual({
      kind: 'trade',
      trade: {
        event_id: 'binance:BTC-USDT:4100000001',
        exchange: 'binance',
        symbol: 'BTC-USDT',
        price: 37012.5,
        quantity: 0.02,
        quote_volume: 740.25,
        side: 'buy', // m=false: the buyer took liquidity
        trade_id: 4100000001,
        event_time: 1700000000120, // T, the trade time, not E
        ingest_time: NOW,
      },
    });
    expect(parsed.map((p) => (p.kind === 'trade' ? `${p.trade.symbol}/${p.trade.side}` : p.kind))).toEqual([
      'BTC-USDT/buy',
      'BTC-USDT/sell',
      'ETH-USDT/buy',
      'ETH-USDT/sell',
    ]);
  });

  it('recognizes subscription acks, error frames and serverShutdown (combined and raw)', () => {
    const parsed = sampleLines('binance-control.jsonl').map((l) => parseBinanceMessage(l, NOW, sample));
    expect(kinds(parsed)).toEqual(['ack', 'ack', 'error', 'error', 'shutdown', 'shutdown']);
    expect(parsed[0]).toEqual({ kind: 'ack', detail: 'id 1' });
    expect(parsed[2]).toEqual({ kind: 'error', message: '2: Invalid request: unknown variant `SUBSCRIB`' });
  });
});

describe('Coinbase messages (our sample frames in the documented shapes)', () => {
  it('reads the subscription ack, last_match, match, heartbeat and error', () => {
    const parsed = sampleLines('coinbase-messages.jsonl').map((l) =>
      parseCoinbaseMessage(l, NOW, new SymbolMap(['BTC-USDT', 'ETH-USDT'])),
    );
    expect(kinds(parsed)).toEqual(['ack', 'trade', 'trade', 'heartbeat', 'error']);
    expect(parsed[2]).toEqual({
      kind: 'trade',
      trade: {
        event_id: 'coinbase:BTC-USDT:600000002',
        exchange: 'coinbase',
        symbol: 'BTC-USDT', // product BTC-USD through the default map
        price: 37005.1,
        quantity: 0.25,
        quote_volume: 9251.275,
        side: 'sell', // maker side 'buy': the taker sold
        trade_id: 600000002,
        event_time: Date.UTC(2023, 10, 14, 22, 13, 20, 250),
        ingest_time: NOW,
      },
    });
    expect(parsed[1]?.kind === 'trade' && parsed[1].trade.side).toBe('buy'); // last_match, maker 'sell'
    expect(parsed[3]).toEqual({ kind: 'heartbeat', symbol: 'BTC-USDT', lastTradeId: 600000002 });
    expect(parsed[4]).toEqual({ kind: 'error', message: 'Failed to subscribe: BTC-XYZ is not a valid product' });
  });
});

describe('Binance payloads other than current trades (our sample frames in the documented shapes)', () => {
  it('normalizes a trade of the old field set (with b and a) and a symbol outside the configuration', () => {
    const [old] = sampleLines('binance-other-payloads.jsonl').map((l) => parseBinanceMessage(l, NOW, symbols));
    expect(old).toEqual({
      kind: 'trade',
      trade: {
        event_id: 'binance:BNB-BTC:88000001',
        exchange: 'binance',
        symbol: 'BNB-BTC',
        price: 0.0065,
        quantity: 4,
        quote_volume: 0.026,
        side: 'sell', // m=true: the seller took liquidity
        trade_id: 88000001,
        event_time: 1700000002999,
        ingest_time: NOW,
      },
    });
  });

  it('ignores every other payload by name, including untyped ones, never as malformed', () => {
    const parsed = sampleLines('binance-other-payloads.jsonl')
      .slice(1)
      .map((l) => parseBinanceMessage(l, NOW, symbols));
    expect(kinds(parsed)).toEqual([
      'ignored:aggTrade',
      'ignored:kline',
      'ignored:depthUpdate',
      'ignored:untyped', // bookTicker carries no `e`
      'ignored:untyped', // nor does a depth snapshot
      'ignored:24hrTicker',
    ]);
  });
});

describe('Binance malformed input', () => {
  const trade = (over: Record<string, unknown>): string =>
    JSON.stringify({
      stream: 'btcusdt@trade',
      data: { e: 'trade', E: 1, s: 'BTCUSDT', t: 1, p: '1.0', q: '2.0', T: 1, m: false, ...over },
    });

  it.each([
    ['a NaN price', trade({ p: 'NaN' }), 'price is NaN'],
    ['a zero size', trade({ q: '0.00000000' }), "quantity '0.00000000' is zero"],
    ['a negative size', trade({ q: '-3' }), "quantity '-3' is negative"],
    ['a missing trade id', trade({ t: undefined }), 'trade payload: t'],
    ['an unknown symbol', trade({ s: 'ZZZ' }), "unknown Binance symbol 'ZZZ'"],
    ['garbage', '\u0000{not json', 'not JSON'],
    ['a JSON array', '[1,2]', 'not a JSON object'],
  ])('reports %s as malformed with a reason', (_name, text, reason) => {
    const r = parseBinanceMessage(text, NOW, symbols);
    expect(r.kind).toBe('malformed');
    if (r.kind === 'malformed') expect(r.reason).toContain(reason);
  });

  it('refuses more than the 1024 streams Binance allows on one connection', () => {
    const names = (n: number): string[] => Array.from({ length: n }, (_, i) => `S${String(i).padStart(4, '0')}-USDT`);
    expect(() => binanceProtocol(new SymbolMap(names(1024)))).not.toThrow();
    expect(() => binanceProtocol(new SymbolMap(names(1025)))).toThrow(
      new RangeError('Binance allows 1024 streams per connection, got 1025'),
    );
  });

  it('subscribes through the combined-stream URL', () => {
    expect(binanceProtocol(new SymbolMap(['BTC-USDT', 'ETH-USDT']), 'ws://127.0.0.1:9/binance/').url()).toBe(
      'ws://127.0.0.1:9/binance/stream?streams=btcusdt@trade/ethusdt@trade',
    );
  });
});

describe('Coinbase messages other than our subscription’s (our sample frames in the documented shapes)', () => {
  it('ignores the client-side subscribe shape and channels we do not use; reads a match of a mapped product, errors and heartbeats', () => {
    const parsed = sampleLines('coinbase-other-messages.jsonl').map((l) => parseCoinbaseMessage(l, NOW, symbols));
    expect(kinds(parsed)).toEqual(['ignored:subscribe', 'ignored:ticker', 'trade', 'error', 'heartbeat']);
    expect(parsed[2]).toEqual({
      kind: 'trade',
      trade: {
        event_id: 'coinbase:ETC-GBP:216544',
        exchange: 'coinbase',
        symbol: 'ETC-GBP',
        price: 4.978,
        quantity: 0.97133855,
        quote_volume: 4.8353233019,
        side: 'sell', // maker side 'buy' means the taker sold
        trade_id: 216544,
        event_time: Date.UTC(2019, 7, 1, 0, 0, 3, 816),
        ingest_time: NOW,
      },
    });
    expect(parsed[3]).toEqual({ kind: 'error', message: 'Failed to subscribe: GIBBERISH-USD is not a valid product' });
    expect(parsed[4]).toEqual({ kind: 'heartbeat', symbol: 'BTC-USDT', lastTradeId: 20 });
  });
});

describe('Coinbase malformed input and subscription', () => {
  const match = (over: Record<string, unknown>): string =>
    JSON.stringify({
      type: 'match',
      trade_id: 1,
      product_id: 'BTC-USD',
      side: 'buy',
      size: '1',
      price: '2',
      time: '2024-01-01T00:00:00.123456Z',
      sequence: 5,
      ...over,
    });

  it('reads last_match like match and maps the product to the canonical symbol', () => {
    const r = parseCoinbaseMessage(match({ type: 'last_match' }), NOW, symbols);
    expect(r.kind === 'trade' && r.trade.symbol).toBe('BTC-USDT');
  });

  it.each([
    ['an infinite price', match({ price: 'Infinity' }), 'infinite'],
    ['a bad time', match({ time: 'yesterday' }), 'not ISO-8601'],
    ['a numeric size', match({ size: 1 }), 'decimal string'],
  ])('reports %s as malformed', (_n, text, reason) => {
    const r = parseCoinbaseMessage(text, NOW, symbols);
    expect(r.kind === 'malformed' && r.reason).toContain(reason);
  });

  it.each(['btc-usd', 'BTC-EUR'])(
    'refuses a match of the unmapped product %s instead of publishing a symbol outside the map',
    (product) => {
      expect(parseCoinbaseMessage(match({ product_id: product }), NOW, symbols)).toEqual({
        kind: 'malformed',
        reason: `unmapped product ${product}`,
      });
    },
  );

  it('ignores a frame without a type field', () => {
    expect(parseCoinbaseMessage('{"product_id":"BTC-USD"}', NOW, symbols)).toEqual({
      kind: 'ignored',
      type: 'untyped',
    });
  });

  it('subscribes to matches and heartbeat for every mapped product', () => {
    const [msg] = coinbaseProtocol(new SymbolMap(['BTC-USDT', 'ETH-USDT'])).subscribeMessages();
    expect(JSON.parse(msg!)).toEqual({
      type: 'subscribe',
      product_ids: ['BTC-USD', 'ETH-USD'],
      channels: ['matches', 'heartbeat'],
    });
  });
});
