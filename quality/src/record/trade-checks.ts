import type { CheckSuite, QualityCheck } from './data-quality-checker.js';

/** A trade as it reaches the quality gate: decoded JSON whose fields are not yet trusted. */
export interface RawTradeRecord {
  readonly event_id?: unknown;
  readonly exchange?: unknown;
  readonly symbol?: unknown;
  readonly price?: unknown;
  readonly quantity?: unknown;
  readonly quote_volume?: unknown;
  /** The record's `timestamp`: the exchange's trade time in epoch milliseconds. */
  readonly event_time?: unknown;
}

export interface TradeCheckOptions {
  /** @default ['BTC-USDT', 'ETH-USDT', 'SOL-USDT'] */
  allowedSymbols?: readonly string[];
  /** @default ['binance', 'coinbase'] */
  allowedExchanges?: readonly string[];
  /** Older than this against the processing clock is not timely (WARN). @default 300_000 */
  maxAgeMs?: number;
  /** Largest relative difference between quote_volume and price × quantity (WARN). @default 0.001 */
  quoteVolumeTolerance?: number;
}

const present = (v: unknown): boolean => v !== null && v !== undefined && v !== '';
const positive = (v: unknown): boolean => typeof v === 'number' && v > 0 && Number.isFinite(v);

/**
 * Exactly the eleven trade checks, with their names and severities. Allowed
 * sets and thresholds are configuration.
 */
export function tradeChecks(options: TradeCheckOptions = {}): QualityCheck<RawTradeRecord>[] {
  return tradeCheckSuite(options).checks as QualityCheck<RawTradeRecord>[];
}

/**
 * The eleven checks with a fused predicate for the happy path: true exactly when all eleven pass
 * (a property test holds it to that). Use with `checker.addSuite(...)`.
 */
export function tradeCheckSuite(options: TradeCheckOptions = {}): CheckSuite<RawTradeRecord> {
  const symbols = new Set(options.allowedSymbols ?? ['BTC-USDT', 'ETH-USDT', 'SOL-USDT']);
  const exchanges = new Set(options.allowedExchanges ?? ['binance', 'coinbase']);
  const maxAgeMs = options.maxAgeMs ?? 300_000;
  const tolerance = options.quoteVolumeTolerance ?? 0.001;
  const checks: QualityCheck<RawTradeRecord>[] = [
    { name: 'completeness_event_id', check: (r) => present(r.event_id) },
    { name: 'completeness_symbol', check: (r) => present(r.symbol) },
    { name: 'completeness_price', check: (r) => present(r.price) },
    { name: 'completeness_quantity', check: (r) => present(r.quantity) },
    { name: 'completeness_timestamp', check: (r) => present(r.event_time) },
    { name: 'validity_price_positive', check: (r) => positive(r.price) },
    { name: 'validity_quantity_positive', check: (r) => positive(r.quantity) },
    { name: 'validity_symbol_allowed', check: (r) => typeof r.symbol === 'string' && symbols.has(r.symbol) },
    { name: 'validity_exchange_allowed', check: (r) => typeof r.exchange === 'string' && exchanges.has(r.exchange) },
    {
      name: 'timeliness_recent',
      severity: 'WARN',
      check: (r, { now }) => typeof r.event_time === 'number' && r.event_time > now - maxAgeMs,
    },
    {
      name: 'consistency_quote_volume',
      severity: 'WARN',
      check: (r) => {
        const { price, quantity, quote_volume: qv } = r;
        if (typeof price !== 'number' || typeof quantity !== 'number' || typeof qv !== 'number' || qv === 0)
          return false;
        return Math.abs(qv - price * quantity) / Math.abs(qv) < tolerance;
      },
    },
  ];
  const passesAll = (r: RawTradeRecord, context: { now: number }): boolean => {
    const { event_id: id, symbol, price, quantity, event_time: time, exchange, quote_volume: qv } = r;
    return (
      id !== null &&
      id !== undefined &&
      id !== '' &&
      typeof symbol === 'string' &&
      symbol !== '' &&
      symbols.has(symbol) &&
      typeof price === 'number' &&
      price > 0 &&
      price < Infinity &&
      typeof quantity === 'number' &&
      quantity > 0 &&
      quantity < Infinity &&
      typeof exchange === 'string' &&
      exchanges.has(exchange) &&
      typeof time === 'number' &&
      time > context.now - maxAgeMs &&
      typeof qv === 'number' &&
      qv !== 0 &&
      Math.abs(qv - price * quantity) / Math.abs(qv) < tolerance
    );
  };
  return { checks, passesAll };
}
