import { emfDocument, type InMemoryMetrics } from '@coattail/runtime';

/** A series key of {@link InMemoryMetrics} (`name{k=v,...}`) split into name and tags. */
export function splitSeries(key: string): { name: string; tags: Record<string, string> } {
  const brace = key.indexOf('{');
  if (brace < 0) return { name: key, tags: {} };
  const tags: Record<string, string> = {};
  for (const pair of key.slice(brace + 1, -1).split(',')) {
    const eq = pair.indexOf('=');
    if (eq > 0) tags[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return { name: key.slice(0, brace), tags };
}

const snake = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
const label = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** Prometheus text exposition of every counter and gauge (`coattail_producer_*`). */
export function prometheusText(metrics: InMemoryMetrics, extraGauges: Record<string, number> = {}): string {
  const lines: string[] = [];
  const emit = (key: string, value: number, suffix: string): void => {
    const { name, tags } = splitSeries(key);
    const labels = Object.entries(tags).map(([k, v]) => `${k}="${label(v)}"`);
    lines.push(`coattail_producer_${snake(name)}${suffix}${labels.length > 0 ? `{${labels.join(',')}}` : ''} ${value}`);
  };
  for (const [key, value] of [...metrics.counters].sort()) emit(key, value, '_total');
  for (const [key, value] of [...metrics.gauges].sort()) emit(key, value, '');
  for (const [key, value] of Object.entries(extraGauges)) emit(key, value, '');
  return `${lines.join('\n')}\n`;
}

/**
 * CloudWatch embedded metric format documents with the counter increments since the previous
 * call, one document per dimension set, namespace `CoatTail/Producer`. Written to stdout, the
 * awslogs driver ships them and CloudWatch extracts the metrics; no SDK call on the hot path.
 */
export function emfDocuments(
  metrics: InMemoryMetrics,
  previous: Map<string, number>,
  extra: Record<string, number>,
  now: number,
): string[] {
  const groups = new Map<string, { tags: Record<string, string>; values: Record<string, number> }>();
  for (const [key, value] of metrics.counters) {
    const delta = value - (previous.get(key) ?? 0);
    previous.set(key, value);
    const { name, tags } = splitSeries(key);
    const dims = JSON.stringify(
      Object.keys(tags)
        .sort()
        .map((k) => [k, tags[k]]),
    );
    const g = groups.get(dims) ?? { tags, values: {} };
    g.values[name] = delta;
    groups.set(dims, g);
  }
  if (Object.keys(extra).length > 0) groups.set('extra', { tags: {}, values: extra });
  return [...groups.values()].map(({ tags, values }) =>
    emfDocument({
      namespace: 'CoatTail/Producer',
      timestamp: now,
      dimensions: tags,
      metrics: Object.entries(values).map(([name, value]) => ({
        name,
        value,
        unit: name.endsWith('Ms') ? 'Milliseconds' : 'Count',
      })),
    }),
  );
}

/**
 * The producer's EMF batch: every counter's increment since `previous` plus publish latency
 * p50/p99 (`PublishLatencyP50Ms`, `PublishLatencyP99Ms`). `main.ts` writes one batch every
 * `EMF_INTERVAL_MS` and a final one on SIGTERM after the flush, so the last interval's counts
 * (including what the shutdown itself published) reach CloudWatch.
 */
export function producerEmfDocuments(
  metrics: InMemoryMetrics,
  latency: { percentile(q: number): number },
  previous: Map<string, number>,
  now: number,
): string[] {
  return emfDocuments(
    metrics,
    previous,
    { PublishLatencyP50Ms: latency.percentile(0.5), PublishLatencyP99Ms: latency.percentile(0.99) },
    now,
  );
}
