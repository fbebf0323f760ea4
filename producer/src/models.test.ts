import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalToNumber, decimalToString, multiply, parseDecimal } from './decimal.js';
import { normalizeTrade, tradeEventId, unifiedTradeSchema } from './models.js';
import { parseProductMap, SymbolMap } from './symbols.js';

const base = {
  exchange: 'binance' as const,
  symbol: 'BTC-USDT',
  side: 'buy' as const,
  tradeId: 7,
  eventTime: 1_700_000_000_000,
  ingestTime: 1_700_000_000_005,
};

describe('decimal parsing', () => {
  it('keeps exchange decimals exact and multiplies them exactly', () => {
    const p = parseDecimal('9302.00000000', 'price');
    const q = parseDecimal('0.00101900', 'quantity');
    if (!p.ok || !q.ok) throw new Error('expected valid decimals');
    expect(decimalToString(multiply(p.value, q.value))).toBe('9.478738');
  });

  it('prints canonical text and converts to the nearest double, for any plain decimal', () => {
    const plain = fc
      .tuple(fc.stringMatching(/^\d{1,12}$/), fc.stringMatching(/^\d{0,12}$/))
      .map(([i, f]) => (f === '' ? i : `${i}.${f}`));
    fc.assert(
      fc.property(plain, (text) => {
        const d = parseDecimal(text, 'price');
        fc.pre(d.ok);
        if (!d.ok) return;
        const canonical = decimalToString(d.value);
        expect(canonical).toMatch(/^(0|[1-9]\d*)(\.\d*[1-9])?$/);
        expect(parseDecimal(canonical, 'price')).toEqual({ ok: true, value: expect.anything() as unknown });
        // normalizeTrade converts prices with Number(text): the same double as the exact route.
        expect(decimalToNumber(d.value)).toBe(Number(text));
      }),
    );
    expect(
      ['1.50', '0.000100', '120', '007.0'].map((t) => {
        const d = parseDecimal(t, 'price');
        return d.ok ? decimalToString(d.value) : t;
      }),
    ).toEqual(['1.5', '0.0001', '120', '7']);
  });

  it.each([
    ['NaN', 'NaN'],
    ['Infinity', 'infinite'],
    ['-Infinity', 'infinite'],
    ['-0.5', 'negative'],
    ['0.00000000', 'zero'],
    ['0', 'zero'],
    ['1e3', 'not a plain decimal'],
    ['', 'not a plain decimal'],
    [' 1', 'not a plain decimal'],
  ])('refuses %j with a reason naming %s', (text, reason) => {
    const r = parseDecimal(text, 'quantity');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });

  it('refuses numbers that are not strings', () => {
    expect(parseDecimal(1.5, 'price')).toEqual({ ok: false, reason: 'price must be a decimal string, got number' });
  });
});

describe('normalizeTrade', () => {
  it('builds a schema-valid trade with a deterministic event id and quote volume', () => {
    const r = normalizeTrade({ ...base, price: '0.1', quantity: '0.2' });
    if (!r.ok) throw new Error(r.reason);
    expect(unifiedTradeSchema.parse(r.trade)).toEqual(r.trade);
    expect(r.trade.event_id).toBe(tradeEventId('binance', 'BTC-USDT', 7));
    // Exact decimal product rounded once: 0.02, not 0.1 * 0.2 = 0.020000000000000004.
    expect(r.trade.quote_volume).toBe(0.02);
  });

  it('gives the same trade the same event id on every delivery', () => {
    const a = normalizeTrade({ ...base, price: '1', quantity: '1' });
    const b = normalizeTrade({ ...base, price: '1', quantity: '1', ingestTime: base.ingestTime + 60_000 });
    expect(a.ok && b.ok && a.trade.event_id === b.trade.event_id).toBe(true);
  });

  it('refuses a zero size, a negative price and a non-integer trade id with reasons', () => {
    expect(normalizeTrade({ ...base, price: '1', quantity: '0.0' })).toEqual({
      ok: false,
      reason: "quantity '0.0' is zero",
    });
    expect(normalizeTrade({ ...base, price: '-1', quantity: '1' })).toEqual({
      ok: false,
      reason: "price '-1' is negative",
    });
    expect(normalizeTrade({ ...base, price: '1', quantity: '1', tradeId: 1.5 }).ok).toBe(false);
  });

  it('rejects unknown fields and non-canonical symbols in the schema', () => {
    const r = normalizeTrade({ ...base, price: '1', quantity: '1' });
    if (!r.ok) throw new Error(r.reason);
    expect(unifiedTradeSchema.safeParse({ ...r.trade, extra: 1 }).success).toBe(false);
    expect(unifiedTradeSchema.safeParse({ ...r.trade, symbol: 'BTCUSDT' }).success).toBe(false);
  });

  it('refuses a non-canonical symbol before building the trade', () => {
    expect(normalizeTrade({ ...base, symbol: 'btc-usd', price: '1', quantity: '1' })).toEqual({
      ok: false,
      reason: "symbol 'btc-usd' is not canonical (BASE-QUOTE in upper case)",
    });
  });
});

describe('SymbolMap', () => {
  it('maps canonical symbols to Binance streams and back', () => {
    const map = new SymbolMap(['BTC-USDT', 'ETH-BTC']);
    expect(map.binanceStream('BTC-USDT')).toBe('btcusdt');
    expect(map.fromBinance('ETHBTC')).toBe('ETH-BTC');
    expect(map.fromBinance('BNBBTC')).toBe('BNB-BTC');
    expect(map.fromBinance('XYZ')).toBeUndefined();
  });

  it('reads Coinbase X-USD for canonical X-USDT unless the map says otherwise', () => {
    const map = new SymbolMap(['BTC-USDT', 'ETH-USDT', 'SOL-EUR'], { 'ETH-USDT': 'ETH-USDC' });
    expect(map.coinbaseProducts()).toEqual(['BTC-USD', 'ETH-USDC', 'SOL-EUR']);
    expect(map.fromCoinbase('BTC-USD')).toBe('BTC-USDT');
    expect(map.fromCoinbase('ETH-USDC')).toBe('ETH-USDT');
    expect(map.fromCoinbase('ETC-GBP')).toBe('ETC-GBP');
    expect(map.mappedFromCoinbase('ETH-USDC')).toBe('ETH-USDT');
    expect(map.mappedFromCoinbase('ETC-GBP')).toBeUndefined();
  });

  it('parses COINBASE_PRODUCT_MAP and lists every bad entry', () => {
    expect(parseProductMap('BTC-USDT=BTC-USD, ETH-USDT=ETH-USD')).toEqual({
      map: { 'BTC-USDT': 'BTC-USD', 'ETH-USDT': 'ETH-USD' },
      problems: [],
    });
    expect(parseProductMap('BTC-USDT,x=y=z').problems).toHaveLength(2);
  });
});
