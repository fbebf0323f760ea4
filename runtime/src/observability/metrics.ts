/** Dimensions of a metric, e.g. `{ job: 'whales', operator: 'window-2' }`. */
export type MetricTags = Readonly<Record<string, string>>;

export interface Counter {
  inc(n?: number): void;
}

export interface Gauge {
  set(value: number): void;
}

/**
 * One small interface for every metric the platform emits. Production wires it to CloudWatch
 * embedded metrics; tests read an {@link InMemoryMetrics}. Handles are fetched once and kept, so
 * the hot path costs one addition per batch.
 */
export interface Metrics {
  counter(name: string, tags?: MetricTags): Counter;
  gauge(name: string, tags?: MetricTags): Gauge;
}

const noopCounter: Counter = { inc: () => undefined };
const noopGauge: Gauge = { set: () => undefined };

export const noopMetrics: Metrics = {
  counter: () => noopCounter,
  gauge: () => noopGauge,
};

function seriesKey(name: string, tags: MetricTags | undefined): string {
  if (tags === undefined) return name;
  const parts = Object.keys(tags)
    .sort()
    .map((k) => `${k}=${tags[k]}`);
  return parts.length === 0 ? name : `${name}{${parts.join(',')}}`;
}

/** Metrics kept in memory, readable by series key (`name{tag=value,...}`, tags sorted). */
export class InMemoryMetrics implements Metrics {
  readonly counters = new Map<string, number>();
  readonly gauges = new Map<string, number>();

  counter(name: string, tags?: MetricTags): Counter {
    const key = seriesKey(name, tags);
    if (!this.counters.has(key)) this.counters.set(key, 0);
    return { inc: (n = 1) => this.counters.set(key, (this.counters.get(key) ?? 0) + n) };
  }

  gauge(name: string, tags?: MetricTags): Gauge {
    const key = seriesKey(name, tags);
    return { set: (value) => this.gauges.set(key, value) };
  }

  /** Sum of a counter over every series whose tags include `match`. */
  total(name: string, match: MetricTags = {}): number {
    let sum = 0;
    for (const [key, value] of this.counters) {
      if (key !== name && !key.startsWith(`${name}{`)) continue;
      if (Object.entries(match).every(([k, v]) => key.includes(`${k}=${v}`))) sum += value;
    }
    return sum;
  }

  /** The last value of the first gauge series whose tags include `match`. */
  gaugeValue(name: string, match: MetricTags = {}): number | undefined {
    for (const [key, value] of this.gauges) {
      if (key !== name && !key.startsWith(`${name}{`)) continue;
      if (Object.entries(match).every(([k, v]) => key.includes(`${k}=${v}`))) return value;
    }
    return undefined;
  }
}
