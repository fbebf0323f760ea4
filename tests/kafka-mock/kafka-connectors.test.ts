import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { CollectSink, StreamEnvironment, WatermarkStrategy } from '@coattail/runtime';
import { KafkaSink, KafkaSource, KafkaWriter, LocalObjectStore, type KafkaRecord } from '@coattail/connectors';
import { type MockKafkaCluster } from '@coattail/local-stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMockClusterTests, startMockCluster } from './mock-cluster.js';

// The connectors against librdkafka's mock cluster (3 brokers): a Kafka implementation we did not
// write. It creates topics itself on first use, so partition counts come from its metadata.
let cluster: MockKafkaCluster;
let kafka: Kafka;
let n = 0;

interface Trade {
  symbol: string;
  i: number;
}
const SYMBOLS = ['BTC', 'ETH', 'SOL', 'XRP', 'ADA', 'DOT', 'LTC'];
const trades = (from: number, count: number): Trade[] =>
  Array.from({ length: count }, (_, j) => ({ symbol: SYMBOLS[(from + j) % SYMBOLS.length]!, i: from + j }));
const parse = (r: KafkaRecord): Trade => JSON.parse(r.value!.toString()) as Trade;
const write = async (topic: string, values: Trade[]): Promise<void> => {
  const writer = new KafkaWriter({ kafka, topic });
  await writer.write(values.map((t) => ({ key: t.symbol, value: JSON.stringify(t) })));
  await writer.close();
};

function job(topic: string, groupId: string, stopAtEnd: boolean, sink: CollectSink<Trade>): StreamEnvironment {
  const env = StreamEnvironment.create();
  const source = new KafkaSource({
    kafka,
    topic,
    groupId,
    deserialize: parse,
    stopAtEnd,
    consumer: { maxWaitTimeInMs: 50 },
  });
  env.fromSource(source, WatermarkStrategy.noWatermarks()).sinkTo(sink);
  return env;
}

describe.skipIf(!runMockClusterTests)('Kafka connectors on the librdkafka mock cluster', () => {
  beforeAll(async () => {
    cluster = await startMockCluster();
    kafka = cluster.kafka('connectors-test');
  });
  afterAll(() => cluster?.stop());

  it('reads what the writer wrote, each partition a split, every record once and in order per key', async () => {
    const topic = `trades-${n++}`;
    const partitions = await cluster.partitions(kafka, topic);
    expect(partitions).toBeGreaterThan(1);
    for (let i = 0; i < 500; i += 100) await write(topic, trades(i, 100));
    const sink = new CollectSink<Trade>();
    const result = await job(topic, `g-${n}`, true, sink).execute({ jobId: 'read', idlePollDelayMs: 5 });
    expect(result.tasks.map((t) => t.id).sort()).toEqual(
      Array.from({ length: partitions }, (_, p) => `${topic}-${p}`).sort(),
    );
    expect(sink.values.map((t) => t.i).sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    for (const symbol of SYMBOLS) {
      const seen = sink.values.filter((t) => t.symbol === symbol).map((t) => t.i);
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
    }
  });

  it('resumes from the offsets in its checkpoints, not from the group, after a restart', async () => {
    const topic = `trades-${n++}`;
    const store = new LocalObjectStore(await mkdtemp(join(tmpdir(), 'kafka-mock-chk-')));
    await write(topic, trades(0, 100));
    const first = new CollectSink<Trade>();
    const running = job(topic, `g-${n}`, false, first).executeAsync({
      jobId: 'resume',
      checkpointStore: store,
      idlePollDelayMs: 5,
    });
    for (let k = 0; k < 400 && first.values.length < 100; k++) await new Promise((r) => setTimeout(r, 25));
    await running.stop();
    expect(first.values).toHaveLength(100);
    await write(topic, trades(100, 30));
    // A new group has no committed offsets and would start at the earliest: only the checkpoint
    // can explain resuming after the first 100.
    const second = new CollectSink<Trade>();
    await job(topic, `g-${n}-resumed`, true, second).execute({ jobId: 'resume', checkpointStore: store });
    expect(second.values.map((t) => t.i).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 100));
  });

  it('writes a stream to a topic through the sink', async () => {
    const topic = `trades-${n++}`;
    const env = StreamEnvironment.create();
    env
      .fromCollection(trades(0, 25))
      .sinkTo(new KafkaSink<Trade>({ kafka, topic, toRecord: (t) => ({ key: t.symbol, value: JSON.stringify(t) }) }));
    await env.execute({ jobId: 'write' });
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    expect(offsets.reduce((sum, o) => sum + Number(o.high) - Number(o.low), 0)).toBe(25);
  });
});
