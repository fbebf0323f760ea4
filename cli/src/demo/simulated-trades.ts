import { DataGeneratorSource, seededRandom, type Clock } from '@coattail/runtime';

/** A trade as the demo simulates it; the producer's unified schema replaces this later. */
export interface DemoTrade {
  exchange: 'binance' | 'coinbase';
  symbol: string;
  price: number;
  quantity: number;
  eventTime: number;
}

const SYMBOLS: readonly [string, number][] = [
  ['BTC-USDT', 97_000],
  ['ETH-USDT', 3_400],
  ['SOL-USDT', 240],
];

/** A deterministic number in [0, 1) for an integer seed: the first draw of its seeded sequence. */
export function random(seed: number): number {
  return seededRandom(seed)();
}

/**
 * Trades at `ratePerSecond` per split, event time near the wall clock with up to `jitterMs` of
 * disorder, prices on a slow sine around each symbol's level with a small exchange premium.
 */
export function simulatedTrades(options: {
  ratePerSecond: number;
  jitterMs: number;
  clock: Clock;
}): DataGeneratorSource<DemoTrade> {
  const { ratePerSecond, jitterMs, clock } = options;
  return new DataGeneratorSource<DemoTrade>({
    name: 'simulated-trades',
    splits: 2,
    ratePerSecond,
    clock,
    generate: (index, split) => {
      const seed = index * 2 + split;
      const [symbol, level] = SYMBOLS[index % SYMBOLS.length]!;
      const exchange = random(seed) < 0.5 ? 'binance' : 'coinbase';
      const now = clock.now();
      const drift = Math.sin(now / 60_000) * 0.002 + (exchange === 'coinbase' ? 0.0004 : 0);
      const whale = random(seed + 7) < 0.01 ? 40 : 1;
      return {
        exchange,
        symbol,
        price: Number((level * (1 + drift + (random(seed + 1) - 0.5) * 0.001)).toFixed(2)),
        quantity: Number((random(seed + 3) * 2 * whale).toFixed(4)),
        eventTime: now - Math.floor(random(seed + 5) * jitterMs),
      };
    },
  });
}
