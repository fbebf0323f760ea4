import type { Consumer, EachBatchPayload } from 'kafkajs';
import {
  silentLogger,
  type CheckpointStore,
  type Logger,
  type Source,
  type SplitBatch,
  type SplitDescriptor,
  type SplitPosition,
  type SplitReader,
} from '@coattail/runtime';
import { ConnectorConfigError } from '../errors.js';
import { fencedByAssignment } from './kafka-fence.js';
import type { KafkaRecord, KafkaSourceOptions } from './kafka-source-options.js';
import { GroupConnection } from './group-consumer.js';
import type { GroupSession } from './group-session.js';
import { PartitionBuffer } from './partition-buffer.js';
import { startReader } from './reader-start.js';

export type { KafkaRecord, KafkaSourceOptions } from './kafka-source-options.js';

/**
 * A Kafka topic as a runtime `Source`, read with kafkajs in a consumer group: the partitions the
 * group assigns to this worker become its splits (`{topic}-{partition}`). Positions live in the
 * runtime's checkpoints (the next offset to read) and are sought on restore; nothing is
 * auto-committed to Kafka, so the checkpoint is the only truth about progress. One kafkajs
 * consumer feeds per-partition buffers; a partition whose buffer is full is paused.
 *
 * The source follows the group's rebalances: run the job with `splitFilter: source.owns` (and a
 * short `splitDiscoveryIntervalMs`) and the checkpoint store wrapped by `source.fence(store)`.
 * A worker joining or leaving the group moves partitions; the runtime then releases the tasks of
 * partitions this worker lost (without a checkpoint: the fence refuses them for good once the
 * partition is gone, and for now while the group rebalances or this worker's session may have
 * lapsed, see `GroupSession`) and starts tasks for the ones it gained, each restored from
 * the last completed checkpoint of that partition's task, whichever worker wrote it. A partition
 * that never had a checkpoint starts as `fromBeginning` says. The handover is at least once for
 * records a losing worker read after its last checkpoint; with a two-phase-commit sink those
 * records were never committed, so the output stays exactly once. Without a `splitFilter` the
 * runtime lists splits once: lost partitions go idle and gained ones are not read until a restart.
 *
 * A worker left with no partitions cannot tell that its job stopped: `close()` the source then.
 *
 * @example
 * const source = new KafkaSource({ kafka, topic: 'coattail-trades', groupId: 'whales', deserialize: (r) => JSON.parse(r.value!.toString()) as Trade });
 * env.fromSource(source, strategy).sinkTo(sink);
 * env.executeAsync({ jobId: 'whales', splitFilter: source.owns, splitDiscoveryIntervalMs: 1_000, checkpointStore: source.fence(store) });
 */
export class KafkaSource<T = KafkaRecord> implements Source<T> {
  readonly name: string;
  readonly #o: KafkaSourceOptions<T>;
  readonly #buffers = new Map<number, PartitionBuffer<T>>();
  readonly #log: Logger;
  /** The consumer group membership; undefined before the first listing and once closed. */
  #group: GroupConnection | undefined;
  #started: Promise<void> | undefined;
  /** The partitions of the last completed join; empty before the first. */
  #assigned = new Set<number>();
  #rebalancing = false;
  /** This worker's member id in the group as of the last completed join. */
  #memberId: string | undefined;
  #session: GroupSession | undefined;
  #open = 0;
  #closed = false;
  readonly #closing: Promise<void>;
  #markClosed: () => void = () => undefined;

  constructor(options: KafkaSourceOptions<T>) {
    this.#o = options;
    this.#closing = new Promise<void>((resolve) => {
      this.#markClosed = resolve;
    });
    this.name = `kafka:${options.topic}`;
    this.#log = (options.logger ?? silentLogger).child({
      component: 'kafka-source',
      topic: options.topic,
      group: options.groupId,
    });
  }

  /** Partitions the group assigns to this worker now, ascending. */
  get assignment(): number[] {
    return [...this.#assigned].sort((a, b) => a - b);
  }

  /**
   * The runtime's `splitFilter`: true for the splits of partitions assigned to this worker, except
   * one whose reader from before it was lost is still open (see `#onAssignment`): the runtime then
   * releases that reader's task and starts a new one from the partition's latest checkpoint.
   */
  readonly owns = (split: SplitDescriptor): boolean => {
    const partition = (split.meta as { partition?: unknown } | undefined)?.partition;
    return typeof partition === 'number' && this.#holds(partition);
  };

  /** `store`, refusing to complete checkpoints of partitions this worker does not hold (see the class notes). */
  fence(store: CheckpointStore): CheckpointStore {
    return fencedByAssignment(store, this.#o.topic, (p) =>
      this.#unsettled ? 'rebalancing' : this.#holds(p) ? undefined : 'not-assigned',
    );
  }

  /** Joins the group (once) and returns this worker's partitions as splits; `close()` ends a wait for the join. */
  async listSplits(): Promise<readonly SplitDescriptor[]> {
    if (this.#closed) return [];
    await Promise.race([(this.#started ??= this.#start()), this.#closing]);
    return this.assignment.map((p) => ({ id: `${this.#o.topic}-${p}`, meta: { topic: this.#o.topic, partition: p } }));
  }

  createReader(split: SplitDescriptor, position: SplitPosition | undefined): SplitReader<T> {
    const partition = (split.meta as { partition?: number } | undefined)?.partition;
    if (typeof partition !== 'number' || this.#group === undefined)
      throw new ConnectorConfigError(
        `split ${split.id} is not a partition of ${this.#o.topic} assigned to this worker`,
      );
    const b = this.#buffer(partition);
    const ready = startReader(b, position, {
      kafka: this.#o.kafka,
      topic: this.#o.topic,
      partition,
      splitId: split.id,
      fromBeginning: this.#o.fromBeginning,
      stopAtEnd: this.#o.stopAtEnd,
      seek: (offset) => this.#seek(partition, offset),
      release: () => this.#release(partition, b),
    });
    b.reader = true;
    b.lostWhileRead = false;
    b.revoked = false;
    this.#release(partition, b);
    this.#open++;
    return {
      poll: async (max) => {
        await ready;
        // Between a rebalance's start and its end, while the session may have lapsed, and after
        // losing the partition, hand out nothing: the task idles until the runtime releases it
        // (or the partition comes back).
        if (this.#unsettled || !this.#holds(partition)) return { records: [] };
        return this.#take(partition, b, max);
      },
      close: async () => {
        b.reader = false;
        b.revoked = false;
        // A released task (its partition went to another worker) must not take the consumer down,
        // also when the group gave the partition back before the task was done closing.
        if (--this.#open === 0 && this.#assigned.has(partition) && !b.lostWhileRead) await this.close();
      },
    };
  }

  /**
   * Resolves once no group rebalance is under way and this worker's session is confirmed (at once
   * when so), or after `timeoutMs`. A worker stopping waits for it first: its final checkpoint is
   * refused meanwhile, as the partitions it holds may be moving.
   */
  async settled(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.#unsettled && this.#group !== undefined && Date.now() < until)
      await new Promise((resolve) => setTimeout(resolve, 50));
  }

  /**
   * Leaves the group and disconnects (a closed source never rejoins). While the consumer is
   * joining, it leaves once that join ends (see `GroupMembership`), so a closed source never
   * keeps partitions in the group.
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.#markClosed();
    const group = this.#group;
    this.#group = undefined;
    await group?.leave();
  }

  #take(partition: number, b: PartitionBuffer<T>, max: number): SplitBatch<T> {
    const batch = b.take(max);
    if (b.paused && b.records.length < (this.#o.maxBufferedPerPartition ?? 10_000) / 2) {
      b.paused = false;
      this.#release(partition, b);
    }
    return batch;
  }

  #holds(partition: number): boolean {
    return this.#assigned.has(partition) && this.#buffers.get(partition)?.revoked !== true;
  }

  /** A rebalance is under way, or the group may have evicted this worker (see `GroupSession`). */
  get #unsettled(): boolean {
    return this.#rebalancing || (this.#session?.lapsed ?? false);
  }

  /** Resumes fetching a partition once nothing holds it back (and pauses it while something does). */
  #release(partition: number, b: PartitionBuffer<T>): void {
    b.held = b.held && (!b.reader || b.revoked);
    const tp = [{ topic: this.#o.topic, partitions: [partition] }];
    this.#call(b.blocked ? 'pause' : 'resume', (c) => (b.blocked ? c.pause(tp) : c.resume(tp)));
  }

  #seek(partition: number, offset: bigint): void {
    this.#call('seek', (c) => c.seek({ topic: this.#o.topic, partition, offset: String(offset) }));
  }

  /**
   * Flow control on the consumer. kafkajs refuses it between a crash of its consumer and the
   * restart (it has no consumer group then); the restarted consumer starts with nothing paused or
   * sought, and its join re-applies both for every partition (`#onAssignment`).
   */
  #call(what: string, act: (consumer: Consumer) => void): void {
    const consumer = this.#group?.consumer;
    if (consumer === undefined) return;
    try {
      act(consumer);
    } catch (error) {
      this.#log.debug({ err: error }, `${what} deferred to the next join: the consumer is restarting`);
    }
  }

  #buffer(partition: number): PartitionBuffer<T> {
    let b = this.#buffers.get(partition);
    if (b === undefined) this.#buffers.set(partition, (b = new PartitionBuffer<T>()));
    return b;
  }

  async #start(): Promise<void> {
    const group = new GroupConnection(this.#o, this.#log, () => this.#closed, {
      onRebalancing: () => {
        this.#rebalancing = true;
        this.#log.info({ partitions: this.assignment }, 'group rebalancing: handing out nothing until it settles');
      },
      onJoin: (partitions, memberId) => this.#onAssignment(partitions, memberId),
      onBatch: (payload) => this.#onBatch(payload),
    });
    this.#group = group;
    this.#session = group.session;
    await group.start();
  }

  /**
   * A join completed (kafkajs emits this after SyncGroup, before the generation's first fetch).
   * Lost partitions drop what they buffered, back to what their reader handed out. Kept ones are
   * sought to where their buffer stands: after a rebalance kafkajs would otherwise start them again
   * from the group's committed offset. Gained ones are held until a reader says where to start.
   *
   * A partition gained while a reader of it from before it was lost is still open is revoked from
   * that reader: another worker may have read and checkpointed it meanwhile, past where the reader
   * stands, so carrying on would commit those records twice. A new member id means this worker
   * was out of the group (evicted after its session lapsed, or kafkajs restarted its consumer),
   * possibly for whole generations it never saw: every partition it held counts as lost then.
   */
  #onAssignment(partitions: readonly number[], memberId: string): void {
    const rejoined = this.#memberId !== undefined && memberId !== this.#memberId;
    this.#memberId = memberId;
    const before = rejoined ? new Set<number>() : this.#assigned;
    const next = new Set(partitions);
    const lost = [...this.#assigned].filter((p) => !next.has(p) || rejoined);
    const gained = partitions.filter((p) => !before.has(p));
    for (const p of lost) {
      const b = this.#buffer(p);
      b.clear(b.offsets[0] ?? b.next);
      b.paused = false;
      b.held = true;
      b.end = undefined;
      b.lostWhileRead = b.reader;
    }
    for (const p of partitions) {
      const b = this.#buffer(p);
      if (gained.includes(p)) {
        b.held = true;
        b.revoked = b.reader;
      }
      // Kept: carry on where the reader is.
      else if (b.next >= 0n) this.#seek(p, b.next);
      // Paused or resumed again, whatever kafkajs remembers: a consumer it restarted remembers nothing.
      this.#release(p, b);
    }
    const gone = lost.filter((p) => !next.has(p));
    if (gone.length > 0) this.#call('pause', (c) => c.pause([{ topic: this.#o.topic, partitions: gone }]));
    this.#assigned = next;
    this.#rebalancing = false;
    this.#log.info({ partitions: this.assignment, gained, lost }, 'joined the consumer group');
  }

  #onBatch(payload: EachBatchPayload): void {
    const { batch } = payload;
    const b = this.#buffer(batch.partition);
    b.fetched = true;
    // Fetched before a seek that is not applied yet (it would leave a gap), or for a partition
    // that was lost or is waiting for its reader: dropped.
    if (payload.isStale() || !this.#holds(batch.partition) || b.held || b.starting) return;
    b.append(batch, this.#o.deserialize ?? ((r: KafkaRecord) => r as T));
    if (!b.paused && b.records.length >= (this.#o.maxBufferedPerPartition ?? 10_000)) {
      b.paused = true;
      this.#release(batch.partition, b);
    }
  }
}
