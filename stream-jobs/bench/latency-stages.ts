/**
 * Where a whale's end-to-end latency goes, measured from outside the job (bench only, no product
 * code changed): the producer's sink, the job's broker client and its DynamoDB client are wrapped
 * so each whale trade gets a timestamp per stage (all `performance.now()` of this process):
 *
 *   push → publish start (publisher queue) → broker ack (the put) → read by the job's broker
 *   client (GetRecords response / kafkajs batch) → alert PutItem sent → PutItem answered → alert
 *   seen by the bench's DynamoDB poll.
 *
 * "read − ack" can be negative: the broker hands a record out before the producer hears its ack.
 * Checkpoints are timed through the job's `checkpointDurationMs` gauge.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { TradeSink, UnifiedTrade } from '@coattail/producer';
import { InMemoryMetrics, type Gauge, type MetricTags, type Metrics } from '@coattail/runtime';
import type { KafkaClient } from '../src/index.js';

export interface Stamps {
  push: number;
  publish?: number;
  ack?: number;
  read?: number;
  putStart?: number;
  putDone?: number;
  seen?: number;
}

const pct = (sorted: number[], q: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

/** Per-whale stage timestamps, keyed by event id. */
export class StageClock {
  readonly stamps = new Map<string, Stamps>();
  /** Checkpoints as [start, end] in performance.now() time. */
  readonly checkpoints: [number, number][] = [];

  push(eventId: string): void {
    this.stamps.set(eventId, { push: performance.now() });
  }

  #mark(eventId: string, stage: Exclude<keyof Stamps, 'push'>): void {
    const s = this.stamps.get(eventId);
    if (s !== undefined && s[stage] === undefined) s[stage] = performance.now();
  }

  /** Marks every whale found in `payloads` (trade JSON, or KPL aggregates of many trades) as `stage`. */
  #markPayloads(payloads: Iterable<Uint8Array | Buffer | null | undefined>, stage: 'read'): void {
    for (const p of payloads) {
      if (p == null) continue;
      const buf = Buffer.isBuffer(p) ? p : Buffer.from(p.buffer, p.byteOffset, p.byteLength);
      for (let at = buf.indexOf('"event_id":"'); at >= 0; at = buf.indexOf('"event_id":"', at + 12)) {
        const end = buf.indexOf('"', at + 12);
        const id = buf.toString('utf8', at + 12, end);
        if (this.stamps.has(id)) this.#mark(id, stage);
      }
    }
  }

  /** The producer's sink, stamping publish start and broker ack. */
  sink(inner: TradeSink): TradeSink {
    const whales = (trades: readonly UnifiedTrade[]) => trades.filter((t) => this.stamps.has(t.event_id));
    return {
      kind: inner.kind,
      publish: async (trades) => {
        const mine = whales(trades);
        for (const t of mine) this.#mark(t.event_id, 'publish');
        await inner.publish(trades);
        for (const t of mine) this.#mark(t.event_id, 'ack');
      },
      close: () => inner.close(),
    };
  }

  /** The job's Kinesis client: stamps whales as GetRecords returns them. */
  kinesis(inner: KinesisClient): KinesisClient {
    const send = inner.send.bind(inner) as (c: unknown) => Promise<unknown>;
    return new Proxy(inner, {
      get: (target, prop, receiver) => {
        if (prop !== 'send') return Reflect.get(target, prop, receiver) as unknown;
        return async (command: { constructor: { name: string } }) => {
          const out = (await send(command)) as { Records?: { Data?: Uint8Array }[] };
          if (command.constructor.name === 'GetRecordsCommand')
            this.#markPayloads(
              (out.Records ?? []).map((r) => r.Data),
              'read',
            );
          return out;
        };
      },
    });
  }

  /** The job's kafkajs client: stamps whales as a fetched batch reaches the source. */
  kafka(inner: KafkaClient): KafkaClient {
    type Consumer = ReturnType<KafkaClient['consumer']>;
    type RunConfig = Parameters<Consumer['run']>[0];
    return new Proxy(inner, {
      get: (target, prop, receiver) => {
        if (prop !== 'consumer') return Reflect.get(target, prop, receiver) as unknown;
        return (...args: Parameters<KafkaClient['consumer']>) => {
          const consumer = target.consumer(...args);
          const run = consumer.run.bind(consumer);
          consumer.run = (config?: RunConfig) => {
            const eachBatch = config?.eachBatch;
            if (eachBatch === undefined) return run(config);
            return run({
              ...config,
              eachBatch: (payload) => {
                this.#markPayloads(
                  payload.batch.messages.map((m) => m.value),
                  'read',
                );
                return eachBatch(payload);
              },
            });
          };
          return consumer;
        };
      },
    });
  }

  /** The job's DynamoDB client: stamps a whale alert's PutItem sent and answered. */
  dynamodb(inner: DynamoDBClient): DynamoDBClient {
    const send = inner.send.bind(inner) as (c: unknown) => Promise<unknown>;
    return new Proxy(inner, {
      get: (target, prop, receiver) => {
        if (prop !== 'send') return Reflect.get(target, prop, receiver) as unknown;
        return async (command: { constructor: { name: string }; input?: { Item?: { alert_id?: { S?: string } } } }) => {
          const alertId = command.input?.Item?.alert_id?.S;
          const id =
            command.constructor.name === 'PutItemCommand' && alertId?.startsWith('whale:')
              ? alertId.slice(6)
              : undefined;
          if (id !== undefined) this.#mark(id, 'putStart');
          const out = await send(command);
          if (id !== undefined) this.#mark(id, 'putDone');
          return out;
        };
      },
    });
  }

  /** The bench's poll found the alert. */
  seen(eventId: string): void {
    this.#mark(eventId, 'seen');
  }

  /** Metrics for the job: records each checkpoint's span from its duration gauge. */
  metrics(): Metrics {
    const base = new InMemoryMetrics();
    return {
      counter: (name: string, tags?: MetricTags) => base.counter(name, tags),
      gauge: (name: string, tags?: MetricTags): Gauge => {
        const g = base.gauge(name, tags);
        if (name !== 'checkpointDurationMs') return g;
        return {
          set: (value: number) => {
            const now = performance.now();
            this.checkpoints.push([now - value, now]);
            g.set(value);
          },
        };
      },
    };
  }

  reset(): void {
    this.stamps.clear();
    this.checkpoints.length = 0;
  }

  /** p50/p99 per stage over the whales whose alert was seen, and how many waited on a checkpoint. */
  breakdown(): string {
    const done = [...this.stamps.values()].filter((s) => s.seen !== undefined);
    const stages: [string, (s: Stamps) => number | undefined][] = [
      ['queue (push → publish)', (s) => sub(s.publish, s.push)],
      ['put (publish → ack)', (s) => sub(s.ack, s.publish)],
      ['to read (ack → read by job)', (s) => sub(s.read, s.ack)],
      ['job (read → alert put)', (s) => sub(s.putStart, s.read)],
      ['DynamoDB put', (s) => sub(s.putDone, s.putStart)],
      ['seen by poll', (s) => sub(s.seen, s.putDone)],
      ['total', (s) => sub(s.seen, s.push)],
    ];
    const parts = stages.map(([name, f]) => {
      const v = done
        .map(f)
        .filter((x): x is number => x !== undefined)
        .sort((a, b) => a - b);
      return `${name} p50 ${pct(v, 0.5).toFixed(0)} / p99 ${pct(v, 0.99).toFixed(0)}`;
    });
    const inCheckpoint = done.filter(
      (s) => s.read !== undefined && s.putStart !== undefined && this.#overlapsCheckpoint(s.read, s.putStart),
    ).length;
    const cps = this.checkpoints.map(([a, b]) => b - a).sort((a, b) => a - b);
    const t0 = Math.min(...done.map((s) => s.push));
    const slowest = done
      .sort((a, b) => b.seen! - b.push - (a.seen! - a.push))
      .slice(0, 3)
      .map((s) => `at +${((s.push - t0) / 1000).toFixed(1)} s: ${stampLine(s)}`);
    return `${parts.join('; ')} (ms, ${done.length} whales); slowest ${slowest.join(', ')}; ${inCheckpoint} whales waited on a checkpoint (${cps.length} task checkpoints, duration p50 ${pct(cps, 0.5).toFixed(0)} / max ${(cps.at(-1) ?? NaN).toFixed(0)} ms)`;
  }

  #overlapsCheckpoint(from: number, to: number): boolean {
    return this.checkpoints.some(([a, b]) => a < to && b > from);
  }
}

/** One whale's stages, ms after its push. */
function stampLine(s: Stamps): string {
  const at = (t: number | undefined) => (t === undefined ? '?' : (t - s.push).toFixed(0));
  return `[publish ${at(s.publish)} ack ${at(s.ack)} read ${at(s.read)} put ${at(s.putStart)}–${at(s.putDone)} seen ${at(s.seen)}]`;
}

function sub(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : a - b;
}
