/**
 * A Kafka wire-protocol TEST FIXTURE — not a broker to deploy. No Kafka broker can be installed on
 * the machines this repository is built on, so connector tests run kafkajs against this
 * single-node, in-memory stand-in that answers exactly the requests kafkajs makes, at one protocol
 * version each: ApiVersions, Metadata, Produce, Fetch, ListOffsets, FindCoordinator, JoinGroup,
 * SyncGroup, Heartbeat, OffsetCommit, OffsetFetch, LeaveGroup, CreateTopics, InitProducerId.
 * Record batches are stored as the producer sent them (only their base offset is rewritten) and
 * fetched back whole; an idempotent producer's resent batches are kept once. No replication, no
 * persistence, no compaction, no transactions, no security. Production points at Kafka, Amazon MSK
 * or Redpanda.
 */
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { ConsumerGroup, ErrorCode } from './group-coordinator.js';
import { Partition } from './partition-log.js';
import { WireReader, WireWriter } from './wire.js';

const API = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  ApiVersions: 18,
  CreateTopics: 19,
  InitProducerId: 22,
} as const;
/** The one version of each API this fixture speaks (ApiVersions itself: 0 to 2). */
const VERSIONS: Record<number, number> = {
  0: 3,
  1: 4,
  2: 1,
  3: 1,
  8: 2,
  9: 1,
  10: 0,
  11: 1,
  12: 0,
  13: 0,
  14: 0,
  18: 2,
  19: 0,
  22: 0,
};
const OFFSET_OUT_OF_RANGE = 1;

export interface KafkaTestBrokerOptions {
  /** @default 0 (a free port) */
  port?: number;
  /** Partitions of a topic created implicitly by Metadata or Produce. @default 1 */
  defaultPartitions?: number;
  /** How long the first members of an empty group are gathered before the first generation. @default 100 */
  initialRebalanceDelayMs?: number;
}

/** The fixture. `start()` listens on 127.0.0.1; `brokers` is what kafkajs takes. */
export class KafkaTestBroker {
  readonly #topics = new Map<string, Partition[]>();
  readonly #groups = new Map<string, ConsumerGroup>();
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  #port = 0;
  #expiry: NodeJS.Timeout | undefined;
  #producerIds = 0n;
  #dropProduceResponses = 0;
  /** Produce responses lost so far (see {@link loseProduceResponses}). */
  lostProduceResponses = 0;

  constructor(private readonly options: KafkaTestBrokerOptions = {}) {}

  get brokers(): string[] {
    return [`127.0.0.1:${this.#port}`];
  }

  async start(): Promise<this> {
    this.#server = createServer((socket) => this.#serve(socket));
    this.#server.listen(this.options.port ?? 0, '127.0.0.1');
    await once(this.#server, 'listening');
    this.#port = (this.#server.address() as { port: number }).port;
    this.#expiry = setInterval(() => this.#groups.forEach((g) => g.expire(Date.now())), 200);
    return this;
  }

  async stop(): Promise<void> {
    clearInterval(this.#expiry);
    this.#groups.forEach((g) => g.close());
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }

  /** Creates a topic (no-op if it exists). */
  createTopic(name: string, partitions: number): boolean {
    if (this.#topics.has(name)) return false;
    this.#topics.set(
      name,
      Array.from({ length: partitions }, () => new Partition()),
    );
    return true;
  }

  /** Log-end offsets of a topic's partitions, for assertions. */
  endOffsets(topic: string): bigint[] {
    return (this.#topics.get(topic) ?? []).map((p) => p.next);
  }

  /** Producer ids stamped on a topic's stored batches (-1 for a non-idempotent producer), distinct, ascending. */
  producerIds(topic: string): bigint[] {
    const ids = new Set((this.#topics.get(topic) ?? []).flatMap((p) => p.batches.map((b) => b.producerId)));
    return [...ids].sort((a, b) => (a < b ? -1 : 1));
  }

  /**
   * Fault: the next `count` Produce requests are applied, but their connection is closed instead
   * of answered, as when a broker's response is lost. The client then sends the batch again.
   */
  loseProduceResponses(count: number): void {
    this.#dropProduceResponses += count;
  }

  #serve(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const frame = pending.subarray(4, 4 + pending.readInt32BE(0));
        pending = pending.subarray(4 + frame.length);
        const isProduce = frame.readInt16BE(0) === API.Produce;
        void this.#handle(frame).then((response) => {
          if (isProduce && this.#dropProduceResponses > 0) {
            this.#dropProduceResponses--;
            this.lostProduceResponses++;
            return void socket.destroy();
          }
          if (!socket.destroyed) socket.write(Buffer.concat([int32(response.length), response]));
        });
      }
    });
  }

  async #handle(frame: Buffer): Promise<Buffer> {
    const r = new WireReader(frame);
    const apiKey = r.int16();
    const version = r.int16();
    const correlationId = r.int32();
    const clientId = r.nullableString() ?? '';
    const w = new WireWriter().int32(correlationId);
    if (apiKey === API.ApiVersions) {
      w.int16(version <= 2 ? 0 : 35).array(Object.entries(VERSIONS), (o, [key, max]) =>
        o
          .int16(Number(key))
          .int16(Number(key) === API.ApiVersions ? 0 : max)
          .int16(max),
      );
      if (version >= 1) w.int32(0);
      return w.finish();
    }
    if (VERSIONS[apiKey] !== version)
      throw new Error(`kafka test broker: API ${apiKey} v${version} is not implemented`);
    await this.#body(apiKey, r, w, clientId);
    return w.finish();
  }

  #partition(topic: string, index: number): Partition | undefined {
    return this.#topics.get(topic)?.[index];
  }

  #group(id: string): ConsumerGroup {
    let g = this.#groups.get(id);
    if (g === undefined) this.#groups.set(id, (g = new ConsumerGroup(id, this.options.initialRebalanceDelayMs ?? 100)));
    return g;
  }

  async #body(apiKey: number, r: WireReader, w: WireWriter, clientId: string): Promise<void> {
    switch (apiKey) {
      case API.Metadata: {
        const requested = r.array((x) => x.string());
        for (const t of requested ?? []) this.createTopic(t, this.options.defaultPartitions ?? 1);
        const names = requested ?? [...this.#topics.keys()];
        w.array([0], (o) => o.int32(0).string('127.0.0.1').int32(this.#port).string(null)).int32(0);
        w.array(names, (o, name) => {
          const parts = this.#topics.get(name) ?? [];
          o.int16(parts.length === 0 ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : 0)
            .string(name)
            .bool(false);
          o.array(
            parts.map((_, i) => i),
            (p, i) =>
              p
                .int16(0)
                .int32(i)
                .int32(0)
                .array([0], (q, n) => q.int32(n))
                .array([0], (q, n) => q.int32(n)),
          );
        });
        return;
      }
      case API.CreateTopics: {
        const topics = r.array((x) => {
          const name = x.string();
          const partitions = x.int32();
          x.int16();
          x.array((y) => [y.int32(), y.array((z) => z.int32())]);
          x.array((y) => [y.string(), y.nullableString()]);
          return { name, partitions };
        });
        w.array(topics ?? [], (o, t) =>
          o
            .string(t.name)
            .int16(this.createTopic(t.name, Math.max(1, t.partitions)) ? 0 : ErrorCode.TOPIC_ALREADY_EXISTS),
        );
        return;
      }
      case API.Produce: {
        r.nullableString();
        r.int16();
        r.int32();
        const topics =
          r.array((x) => ({
            name: x.string(),
            parts: x.array((y) => ({ index: y.int32(), records: y.bytes() })) ?? [],
          })) ?? [];
        w.array(topics, (o, t) =>
          o.string(t.name).array(t.parts, (p, part) => {
            if (!this.#topics.has(t.name)) this.createTopic(t.name, this.options.defaultPartitions ?? 1);
            const partition = this.#partition(t.name, part.index);
            if (partition === undefined)
              return void p.int32(part.index).int16(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).int64(-1n).int64(-1n);
            p.int32(part.index)
              .int16(0)
              .int64(partition.append(part.records ?? Buffer.alloc(0)))
              .int64(-1n);
          }),
        );
        w.int32(0);
        return;
      }
      case API.Fetch: {
        r.int32();
        const maxWait = r.int32();
        r.int32();
        r.int32();
        r.int8();
        const topics =
          r.array((x) => ({
            name: x.string(),
            parts: x.array((y) => ({ index: y.int32(), offset: y.int64(), maxBytes: y.int32() })) ?? [],
          })) ?? [];
        const hasData = (): boolean =>
          topics.some((t) => t.parts.some((p) => (this.#partition(t.name, p.index)?.next ?? 0n) > p.offset));
        if (!hasData() && maxWait > 0)
          await this.#waitForData(
            topics.flatMap((t) => t.parts.map((p) => this.#partition(t.name, p.index))),
            maxWait,
          );
        w.int32(0).array(topics, (o, t) =>
          o.string(t.name).array(t.parts, (p, part) => {
            const partition = this.#partition(t.name, part.index);
            const error =
              partition === undefined
                ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
                : part.offset > partition.next
                  ? OFFSET_OUT_OF_RANGE
                  : 0;
            const hw = partition?.next ?? -1n;
            p.int32(part.index)
              .int16(error)
              .int64(hw)
              .int64(hw)
              .array([], () => undefined);
            p.bytes(error === 0 ? partition!.read(part.offset, part.maxBytes) : Buffer.alloc(0));
          }),
        );
        return;
      }
      case API.ListOffsets: {
        r.int32();
        const topics =
          r.array((x) => ({
            name: x.string(),
            parts: x.array((y) => ({ index: y.int32(), time: y.int64() })) ?? [],
          })) ?? [];
        w.array(topics, (o, t) =>
          o.string(t.name).array(t.parts, (p, part) => {
            const partition = this.#partition(t.name, part.index);
            if (partition === undefined)
              return void p.int32(part.index).int16(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).int64(-1n).int64(-1n);
            // -1 = latest, -2 = earliest; by-timestamp lookups answer the log end (enough for the fixture).
            p.int32(part.index)
              .int16(0)
              .int64(-1n)
              .int64(part.time === -2n ? (partition.batches[0]?.base ?? 0n) : partition.next);
          }),
        );
        return;
      }
      case API.InitProducerId:
        // Idempotent producers only (no transactions): a fresh id, epoch 0.
        r.nullableString();
        r.int32();
        w.int32(0).int16(0).int64(this.#producerIds++).int16(0);
        return;
      case API.FindCoordinator:
        r.string();
        w.int16(0).int32(0).string('127.0.0.1').int32(this.#port);
        return;
      case API.JoinGroup: {
        const groupId = r.string();
        const sessionTimeoutMs = r.int32();
        const rebalanceTimeoutMs = r.int32();
        const memberId = r.string();
        r.string();
        const protocols = r.array((x) => ({ name: x.string(), metadata: x.bytes() ?? Buffer.alloc(0) })) ?? [];
        const res = await this.#group(groupId).join({
          memberId,
          clientId,
          sessionTimeoutMs,
          rebalanceTimeoutMs,
          protocols,
        });
        w.int16(res.errorCode).int32(res.generationId).string(res.protocol).string(res.leaderId).string(res.memberId);
        w.array(res.members, (o, m) => o.string(m.memberId).bytes(m.metadata));
        return;
      }
      case API.SyncGroup: {
        const groupId = r.string();
        const generationId = r.int32();
        const memberId = r.string();
        const assignments = r.array((x) => ({ memberId: x.string(), assignment: x.bytes() ?? Buffer.alloc(0) })) ?? [];
        const res = await this.#group(groupId).sync({ generationId, memberId, assignments });
        w.int16(res.errorCode).bytes(res.assignment);
        return;
      }
      case API.Heartbeat: {
        const groupId = r.string();
        const generationId = r.int32();
        w.int16(this.#group(groupId).heartbeat(generationId, r.string()));
        return;
      }
      case API.LeaveGroup: {
        const groupId = r.string();
        w.int16(this.#group(groupId).leave(r.string()));
        return;
      }
      case API.OffsetCommit: {
        const group = this.#group(r.string());
        r.int32();
        r.string();
        r.int64();
        const topics =
          r.array((x) => ({
            name: x.string(),
            parts: x.array((y) => ({ index: y.int32(), offset: y.int64(), meta: y.nullableString() })) ?? [],
          })) ?? [];
        for (const t of topics) for (const p of t.parts) group.offsets.set(`${t.name}/${p.index}`, p.offset);
        w.array(topics, (o, t) => o.string(t.name).array(t.parts, (p, part) => p.int32(part.index).int16(0)));
        return;
      }
      case API.OffsetFetch: {
        const group = this.#group(r.string());
        const topics = r.array((x) => ({ name: x.string(), parts: x.array((y) => y.int32()) ?? [] })) ?? [];
        w.array(topics, (o, t) =>
          o.string(t.name).array(t.parts, (p, index) =>
            p
              .int32(index)
              .int64(group.offsets.get(`${t.name}/${index}`) ?? -1n)
              .string('')
              .int16(0),
          ),
        );
        return;
      }
      default:
        throw new Error(`kafka test broker: API ${apiKey} is not implemented`);
    }
  }

  async #waitForData(partitions: (Partition | undefined)[], maxWaitMs: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, maxWaitMs);
      const live = partitions.filter((p): p is Partition => p !== undefined);
      function done(): void {
        clearTimeout(timer);
        for (const p of live) p.waiters.delete(done);
        resolve();
      }
      for (const p of live) p.waiters.add(done);
    });
  }
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}
