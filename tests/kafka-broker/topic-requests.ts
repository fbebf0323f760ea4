/**
 * The test broker's topic requests: metadata and topic creation, produce and fetch (long-polled up
 * to the request's max wait), offsets, and producer ids for idempotent producers.
 */
import { API, type BrokerContext, type RequestHandler } from './kafka-api.js';
import { ErrorCode } from './group-coordinator.js';
import type { Partition } from './partition-log.js';
import type { WireReader, WireWriter } from './wire.js';

const OFFSET_OUT_OF_RANGE = 1;

function metadata(r: WireReader, w: WireWriter, ctx: BrokerContext): void {
  const requested = r.array((x) => x.string());
  for (const t of requested ?? []) ctx.createTopic(t, ctx.defaultPartitions);
  const names = requested ?? ctx.topicNames();
  w.array([0], (o) => o.int32(0).string('127.0.0.1').int32(ctx.port()).string(null)).int32(0);
  w.array(names, (o, name) => {
    const parts = ctx.partitions(name);
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
}

function createTopics(r: WireReader, w: WireWriter, ctx: BrokerContext): void {
  const topics = r.array((x) => {
    const name = x.string();
    const partitions = x.int32();
    x.int16();
    x.array((y) => [y.int32(), y.array((z) => z.int32())]);
    x.array((y) => [y.string(), y.nullableString()]);
    return { name, partitions };
  });
  w.array(topics ?? [], (o, t) =>
    o.string(t.name).int16(ctx.createTopic(t.name, Math.max(1, t.partitions)) ? 0 : ErrorCode.TOPIC_ALREADY_EXISTS),
  );
}

function produce(r: WireReader, w: WireWriter, ctx: BrokerContext): void {
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
      if (!ctx.hasTopic(t.name)) ctx.createTopic(t.name, ctx.defaultPartitions);
      const partition = ctx.partition(t.name, part.index);
      if (partition === undefined)
        return void p.int32(part.index).int16(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).int64(-1n).int64(-1n);
      p.int32(part.index)
        .int16(0)
        .int64(partition.append(part.records ?? Buffer.alloc(0)))
        .int64(-1n);
    }),
  );
  w.int32(0);
}

async function fetch(r: WireReader, w: WireWriter, ctx: BrokerContext): Promise<void> {
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
    topics.some((t) => t.parts.some((p) => (ctx.partition(t.name, p.index)?.next ?? 0n) > p.offset));
  if (!hasData() && maxWait > 0)
    await waitForData(
      topics.flatMap((t) => t.parts.map((p) => ctx.partition(t.name, p.index))),
      maxWait,
    );
  w.int32(0).array(topics, (o, t) =>
    o.string(t.name).array(t.parts, (p, part) => {
      const partition = ctx.partition(t.name, part.index);
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
}

function listOffsets(r: WireReader, w: WireWriter, ctx: BrokerContext): void {
  r.int32();
  const topics =
    r.array((x) => ({
      name: x.string(),
      parts: x.array((y) => ({ index: y.int32(), time: y.int64() })) ?? [],
    })) ?? [];
  w.array(topics, (o, t) =>
    o.string(t.name).array(t.parts, (p, part) => {
      const partition = ctx.partition(t.name, part.index);
      if (partition === undefined)
        return void p.int32(part.index).int16(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).int64(-1n).int64(-1n);
      // -1 = latest, -2 = earliest; by-timestamp lookups answer the log end (enough for the fixture).
      p.int32(part.index)
        .int16(0)
        .int64(-1n)
        .int64(part.time === -2n ? (partition.batches[0]?.base ?? 0n) : partition.next);
    }),
  );
}

function initProducerId(r: WireReader, w: WireWriter, ctx: BrokerContext): void {
  // Idempotent producers only (no transactions): a fresh id, epoch 0.
  r.nullableString();
  r.int32();
  w.int32(0).int16(0).int64(ctx.nextProducerId()).int16(0);
}

async function waitForData(partitions: (Partition | undefined)[], maxWaitMs: number): Promise<void> {
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

/** Handlers of the topic requests, by API key. */
export const TOPIC_REQUESTS: Record<number, RequestHandler> = {
  [API.Metadata]: metadata,
  [API.CreateTopics]: createTopics,
  [API.Produce]: produce,
  [API.Fetch]: fetch,
  [API.ListOffsets]: listOffsets,
  [API.InitProducerId]: initProducerId,
};
