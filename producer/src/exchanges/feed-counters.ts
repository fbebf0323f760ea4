import type { Counter, Metrics } from '@coattail/runtime';
import type { Exchange } from '../models.js';

/** The counters of one exchange feed, by role, with the metric names `/metrics` and EMF publish. */
const NAMES = {
  received: 'tradesReceived',
  duplicates: 'tradesDuplicate',
  malformed: 'tradesMalformed',
  acks: 'subscriptionAcks',
  heartbeats: 'heartbeats',
  errors: 'exchangeErrors',
  reconnects: 'reconnects',
  stale: 'staleConnections',
  gapEvents: 'gapEvents',
  missing: 'tradesMissing',
  recovered: 'tradesRecovered',
  outOfOrder: 'tradesOutOfOrder',
  handovers: 'connectionHandovers',
  subscribes: 'subscribesSent',
  refusals: 'upgradeRefusals',
  lost: 'messagesLost',
} as const;

/** Counters of one feed, tagged with its exchange. */
export type FeedCounters = Record<keyof typeof NAMES, Counter> & {
  /** `messagesIgnored{type}`: types come from outside, so the distinct series are capped. */
  ignored(type: string): Counter;
};

const MAX_IGNORED_TYPES = 32;

/** Creates the counters of one exchange's feed. */
export function feedCounters(metrics: Metrics, exchange: Exchange): FeedCounters {
  const tags = { exchange };
  const counters = Object.fromEntries(
    Object.entries(NAMES).map(([role, name]) => [role, metrics.counter(name, tags)]),
  ) as Record<keyof typeof NAMES, Counter>;
  const ignored = new Map<string, Counter>();
  return {
    ...counters,
    ignored(type) {
      const key = ignored.has(type) || ignored.size < MAX_IGNORED_TYPES ? type : 'other';
      let c = ignored.get(key);
      if (c === undefined) {
        c = metrics.counter('messagesIgnored', { exchange, type: key });
        ignored.set(key, c);
      }
      return c;
    },
  };
}
