import { z } from 'zod';

/**
 * Quote assets Binance spot lists (stablecoins, crypto quotes and the fiat currencies of its
 * markets), for splitting a symbol no configuration or exchange metadata explains.
 */
export const BINANCE_QUOTE_ASSETS: readonly string[] = [
  'USDT',
  'USDC',
  'FDUSD',
  'TUSD',
  'BUSD',
  'USDP',
  'DAI',
  'USD1',
  'AEUR',
  'EURI',
  'USD',
  'BTC',
  'ETH',
  'BNB',
  'XRP',
  'TRX',
  'DOGE',
  'DOT',
  'SOL',
  'EUR',
  'GBP',
  'TRY',
  'BRL',
  'AUD',
  'ARS',
  'JPY',
  'MXN',
  'PLN',
  'RON',
  'ZAR',
  'UAH',
  'RUB',
  'NGN',
  'COP',
  'CZK',
  'IDR',
  'IDRT',
  'BIDR',
  'BKRW',
  'VAI',
];

/** Base and quote of one Binance symbol, as `exchangeInfo` states them. */
export interface BinanceSymbolInfo {
  symbol: string;
  baseAsset: string;
  quoteAsset: string;
}

const exchangeInfoSchema = z.object({
  symbols: z.array(z.object({ symbol: z.string(), baseAsset: z.string(), quoteAsset: z.string() })),
});

/** Reads `GET /api/v3/exchangeInfo` (only the fields we use); throws naming what is wrong. */
export function parseBinanceExchangeInfo(body: unknown): BinanceSymbolInfo[] {
  const parsed = exchangeInfoSchema.safeParse(body);
  if (!parsed.success)
    throw new Error(`exchangeInfo answered with an unexpected shape: ${z.prettifyError(parsed.error)}`);
  return parsed.data.symbols;
}

/**
 * Fetches Binance's symbol metadata (`<restUrl>/api/v3/exchangeInfo`), so symbols split exactly
 * as the exchange defines them.
 */
export async function fetchBinanceExchangeInfo(restUrl: string): Promise<BinanceSymbolInfo[]> {
  const url = `${restUrl.replace(/\/+$/, '')}/api/v3/exchangeInfo`;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} answered HTTP ${response.status}`);
  return parseBinanceExchangeInfo(await response.json());
}

/**
 * Splits a Binance symbol nobody told us about into `BASE-QUOTE`. Among the quote assets it ends
 * with, one whose base is a known asset wins (the longest such); otherwise the longest quote that
 * leaves a base of at least three characters (so `HNTUSD` is `HNT-USD`, not `HN-TUSD`, and
 * `BTCTUSD` is `BTC-TUSD`); otherwise the longest that leaves two. A single-letter base is never
 * guessed: only configuration or `exchangeInfo` can say `TUSDT` is `T-USDT`.
 */
export function splitBinanceSymbol(symbol: string, knownAssets: ReadonlySet<string> = new Set()): string | undefined {
  const upper = symbol.toUpperCase();
  const candidates = BINANCE_QUOTE_ASSETS.filter((q) => upper.endsWith(q) && upper.length - q.length >= 2)
    .toSorted((a, b) => b.length - a.length)
    .map((quote) => ({ quote, base: upper.slice(0, -quote.length) }));
  const pick =
    candidates.find((c) => knownAssets.has(c.base)) ?? candidates.find((c) => c.base.length >= 3) ?? candidates[0];
  return pick === undefined ? undefined : `${pick.base}-${pick.quote}`;
}
