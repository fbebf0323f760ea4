import { UserFunctionError } from '../errors.js';
import type { Pipeline } from '../task/pipeline.js';
import type { Timestamp } from '../types.js';
import type { ExchangeEdge } from './exchange-plan.js';
import { keyGroupOf, taskOfKeyGroup } from './key-groups.js';

/**
 * What flows through a channel, in order: record batches for one keyed operator (`edge`),
 * watermarks (with the sender's idleness), checkpoint barriers, and the end of the sender's input.
 */
export type ChannelEvent =
  | { kind: 'records'; edge: string; values: unknown[]; timestamps: Timestamp[] }
  | { kind: 'watermark'; watermark: Timestamp; idle: boolean }
  | { kind: 'barrier'; checkpointId: number }
  | { kind: 'end' };

/**
 * Records that crossed from another thread and are decoded only when their task takes them (see
 * threads/event-decoder.ts): until then they cost bytes, not objects.
 */
export interface PendingRecords {
  readonly kind: 'pending';
  readonly count: number;
  open(): ChannelEvent;
}

/** The sending end of a channel: a {@link Channel} in this thread, or one into another thread. */
export interface ChannelSender {
  readonly name: string;
  /** Records sent and not yet taken by the receiving task: what backpressure looks at. */
  readonly bufferedRecords: number;
  send(event: ChannelEvent): void;
}

/** A FIFO from one upstream task to one downstream task, counting the records it buffers. */
export class Channel implements ChannelSender {
  #queue: (ChannelEvent | PendingRecords)[] = [];
  #head = 0;
  #records = 0;

  constructor(readonly name: string) {}

  /** Records sent and not yet taken: what backpressure looks at. */
  get bufferedRecords(): number {
    return this.#records;
  }

  send(event: ChannelEvent | PendingRecords): void {
    this.#queue.push(event);
    if (event.kind === 'records') this.#records += event.values.length;
    else if (event.kind === 'pending') this.#records += event.count;
  }

  peek(): ChannelEvent | undefined {
    const event = this.#queue[this.#head];
    if (event?.kind !== 'pending') return event;
    return (this.#queue[this.#head] = event.open());
  }

  take(): ChannelEvent | undefined {
    let event = this.#queue[this.#head];
    if (event === undefined) return undefined;
    this.#head++;
    if (event.kind === 'pending') event = event.open();
    if (event.kind === 'records') this.#records -= event.values.length;
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    return event;
  }
}

/**
 * A task's outgoing side of the exchange: hashes every record of each exchange edge by its key to
 * the task owning the key's group, and broadcasts watermarks, barriers and the end of input to
 * every channel.
 */
export class ExchangeOutput {
  constructor(
    readonly channels: readonly ChannelSender[],
    private readonly maxParallelism: number,
  ) {}

  /** Connects the partitioner of every edge to its upstream operator's output in `pipeline`. */
  attach(pipeline: Pipeline, edges: readonly ExchangeEdge[]): void {
    const n = this.channels.length;
    const maxP = this.maxParallelism;
    for (const edge of edges) {
      const select = edge.keyed.selector;
      pipeline.outputOf(edge.from.id).connect((values, timestamps) => {
        const parts = Array.from({ length: n }, () => ({ values: [] as unknown[], timestamps: [] as Timestamp[] }));
        for (let i = 0; i < values.length; i++) {
          let key;
          try {
            key = select(values[i]);
          } catch (error) {
            throw new UserFunctionError(`keyBy of '${edge.to.name}'`, error);
          }
          const part = parts[taskOfKeyGroup(keyGroupOf(key, maxP), n, maxP)]!;
          part.values.push(values[i]);
          part.timestamps.push(timestamps[i]!);
        }
        for (let t = 0; t < n; t++) {
          const part = parts[t]!;
          if (part.values.length > 0) this.channels[t]!.send({ kind: 'records', edge: edge.id, ...part });
        }
      }, edge.tag);
    }
  }

  broadcast(event: ChannelEvent): void {
    for (const channel of this.channels) channel.send(event);
  }

  /** True when some downstream task has more than `limit` records waiting from this one. */
  congested(limit: number): boolean {
    return this.channels.some((c) => c.bufferedRecords > limit);
  }
}
