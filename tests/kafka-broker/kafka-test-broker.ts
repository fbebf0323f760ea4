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
import { ConsumerGroup } from './group-coordinator.js';
import { GROUP_REQUESTS } from './group-requests.js';
import { API, VERSIONS, type BrokerContext, type RequestHandler } from './kafka-api.js';
import { Partition } from './partition-log.js';
import { TOPIC_REQUESTS } from './topic-requests.js';
import { WireReader, WireWriter } from './wire.js';

const HANDLERS: Record<number, RequestHandler> = { ...TOPIC_REQUESTS, ...GROUP_REQUESTS };

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

  /** What the request handlers see of this broker. */
  readonly #context: BrokerContext;

  constructor(private readonly options: KafkaTestBrokerOptions = {}) {
    this.#context = {
      port: () => this.#port,
      defaultPartitions: options.defaultPartitions ?? 1,
      hasTopic: (name) => this.#topics.has(name),
      createTopic: (name, partitions) => this.createTopic(name, partitions),
      topicNames: () => [...this.#topics.keys()],
      partitions: (topic) => this.#topics.get(topic) ?? [],
      partition: (topic, index) => this.#topics.get(topic)?.[index],
      nextProducerId: () => this.#producerIds++,
      group: (id) => {
        let g = this.#groups.get(id);
        if (g === undefined) this.#groups.set(id, (g = new ConsumerGroup(id, options.initialRebalanceDelayMs ?? 100)));
        return g;
      },
    };
  }

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
    const handler = HANDLERS[apiKey];
    if (handler === undefined) throw new Error(`kafka test broker: API ${apiKey} is not implemented`);
    await handler(r, w, this.#context, clientId);
    return w.finish();
  }
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}
