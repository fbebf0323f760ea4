import type { Logger } from '@coattail/runtime';
import { GapDetector } from '../resilience/gap-detector.js';
import { RecentIds } from '../resilience/recent-ids.js';
import type { FeedCounters } from './feed-counters.js';

/**
 * One connection's bookkeeping of trade ids per symbol: duplicates (dropped), gaps (counted
 * missing), gaps filled later (counted back), out-of-order arrivals, and gaps a heartbeat reveals.
 */
export class TradeIdAccounting {
  readonly #recent: RecentIds;
  readonly #gaps = new GapDetector();
  readonly #c: FeedCounters;
  readonly #log: Logger;

  constructor(recentIdsPerSymbol: number, counters: FeedCounters, logger: Logger) {
    this.#recent = new RecentIds(recentIdsPerSymbol);
    this.#c = counters;
    this.#log = logger;
  }

  /** Accounts for a received trade; false when it is a duplicate and must not be published. */
  trade(symbol: string, id: number): boolean {
    if (!this.#recent.add(symbol, id)) {
      this.#c.duplicates.inc();
      return false;
    }
    const gap = this.#gaps.observe(symbol, id);
    if (gap.kind === 'gap') this.#gap(symbol, gap.missing, gap.after);
    else if (gap.kind === 'filled') {
      // Counted missing earlier, here after all: the count of missing trades goes back down.
      this.#c.missing.inc(-1);
      this.#c.recovered.inc();
    } else if (gap.kind === 'out-of-order') this.#c.outOfOrder.inc();
    return true;
  }

  /** A heartbeat naming the symbol's last trade id: trades before it that never came are missing. */
  heartbeat(symbol: string, lastTradeId: number): void {
    const missed = this.#gaps.heartbeat(symbol, lastTradeId);
    if (missed > 0) this.#gap(symbol, missed, lastTradeId - missed);
  }

  #gap(symbol: string, missing: number, after: number): void {
    this.#c.gapEvents.inc();
    this.#c.missing.inc(missing);
    this.#log.warn({ symbol, missing, after }, 'trade id gap');
  }
}
