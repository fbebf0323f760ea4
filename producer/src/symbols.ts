import { splitBinanceSymbol, type BinanceSymbolInfo } from './binance-symbols.js';
import { canonicalSymbolSchema } from './models.js';

/**
 * Maps between canonical symbols (`BTC-USDT`), Binance symbols (`BTCUSDT`, streams in lower case)
 * and Coinbase products (`BTC-USD`). Coinbase lists few USDT markets, so by default a canonical
 * `X-USDT` reads Coinbase's `X-USD`: both exchanges' trades of one asset then share a partition
 * key and the spread job compares them. `coinbaseProducts` overrides that per symbol.
 *
 * @example
 * const map = new SymbolMap(['BTC-USDT', 'ETH-USDT'], { 'ETH-USDT': 'ETH-USDC' });
 * map.coinbaseProduct('BTC-USDT'); // 'BTC-USD'
 * map.fromCoinbase('ETH-USDC');     // 'ETH-USDT'
 */
export class SymbolMap {
  readonly symbols: readonly string[];
  readonly #binance = new Map<string, string>();
  readonly #toCoinbase = new Map<string, string>();
  readonly #fromCoinbase = new Map<string, string>();
  readonly #collisions: string[] = [];

  readonly #binanceInfo = new Map<string, string>();
  readonly #assets = new Set<string>();

  /**
   * @param binanceInfo Binance's own base/quote of its symbols (`exchangeInfo`): when given, a
   *   symbol outside the configuration splits exactly as the exchange defines it.
   */
  constructor(
    symbols: readonly string[],
    coinbaseProducts: Readonly<Record<string, string>> = {},
    binanceInfo: readonly BinanceSymbolInfo[] = [],
  ) {
    for (const s of symbols) canonicalSymbolSchema.parse(s);
    this.symbols = [...symbols];
    for (const i of binanceInfo) {
      this.#binanceInfo.set(i.symbol.toUpperCase(), `${i.baseAsset.toUpperCase()}-${i.quoteAsset.toUpperCase()}`);
      this.#assets.add(i.baseAsset.toUpperCase()).add(i.quoteAsset.toUpperCase());
    }
    for (const s of symbols) {
      for (const asset of s.split('-')) this.#assets.add(asset);
      this.#binance.set(binanceSymbol(s), s);
      const product = coinbaseProducts[s] ?? defaultCoinbaseProduct(s);
      this.#toCoinbase.set(s, product);
      const taken = this.#fromCoinbase.get(product);
      if (taken === undefined) this.#fromCoinbase.set(product, s);
      else if (taken !== s)
        this.#collisions.push(
          `${taken} and ${s} both read Coinbase product ${product}; list only one of them for Coinbase (COINBASE_SYMBOLS) or map the other elsewhere (COINBASE_PRODUCT_MAP=${s}=...)`,
        );
    }
  }

  /**
   * Canonical symbols that would read the same Coinbase product (`BTC-USDT` reads `BTC-USD` by
   * default, so `BTC-USDT` plus `BTC-USD` collide). Empty when every symbol has its own product;
   * the Coinbase adapter refuses to start otherwise, rather than merge two markets into one.
   */
  coinbaseCollisions(): readonly string[] {
    return this.#collisions;
  }

  /** The Binance stream name of a canonical symbol: `btcusdt`. */
  binanceStream(symbol: string): string {
    return binanceSymbol(symbol).toLowerCase();
  }

  /**
   * Canonical symbol of a Binance symbol (`BTCUSDT` → `BTC-USDT`): the configured symbol, else
   * Binance's own `exchangeInfo` split, else {@link splitBinanceSymbol}; undefined if none fits.
   */
  fromBinance(symbol: string): string | undefined {
    const upper = symbol.toUpperCase();
    const known = this.#binance.get(upper) ?? this.#binanceInfo.get(upper);
    if (known !== undefined) return known;
    const split = splitBinanceSymbol(upper, this.#assets);
    return split !== undefined && canonicalSymbolSchema.safeParse(split).success ? split : undefined;
  }

  /** The Coinbase product a canonical symbol reads. */
  coinbaseProduct(symbol: string): string {
    return this.#toCoinbase.get(symbol) ?? defaultCoinbaseProduct(symbol);
  }

  /** Canonical symbol of a Coinbase product; products outside the map keep their own name. */
  fromCoinbase(product: string): string {
    return this.#fromCoinbase.get(product) ?? product;
  }

  /** Canonical symbol of a Coinbase product we subscribe to, or undefined for any other product. */
  mappedFromCoinbase(product: string): string | undefined {
    return this.#fromCoinbase.get(product);
  }

  /** Every Coinbase product to subscribe to. */
  coinbaseProducts(): string[] {
    return [...new Set(this.symbols.map((s) => this.coinbaseProduct(s)))];
  }
}

function binanceSymbol(canonical: string): string {
  return canonical.replace('-', '');
}

function defaultCoinbaseProduct(canonical: string): string {
  return canonical.endsWith('-USDT') ? `${canonical.slice(0, -5)}-USD` : canonical;
}

/**
 * Parses `BTC-USDT=BTC-USD,ETH-USDT=ETH-USD` (the `COINBASE_PRODUCT_MAP` variable) into a map.
 * Returns the problems instead of throwing so config parsing can list them all.
 */
export function parseProductMap(text: string): { map: Record<string, string>; problems: string[] } {
  const map: Record<string, string> = {};
  const problems: string[] = [];
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0)) {
    const [canonical, product, extra] = part.split('=').map((p) => p.trim());
    if (
      canonical === undefined ||
      product === undefined ||
      extra !== undefined ||
      !canonicalSymbolSchema.safeParse(canonical).success ||
      !/^[A-Z0-9]+-[A-Z0-9]+$/.test(product)
    ) {
      problems.push(`'${part}' is not SYMBOL=PRODUCT (e.g. BTC-USDT=BTC-USD)`);
      continue;
    }
    map[canonical] = product;
  }
  return { map, problems };
}
