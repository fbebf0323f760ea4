import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { CollectSink, StreamEnvironment, WatermarkStrategy } from '@coattail/runtime';
import { KafkaSink, KafkaSource, KafkaWriter, LocalObjectStore, type KafkaRecord } from '@coattail/connectors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaTestBroker } from './kafka-test-broker.js';

// kafkajs talks to a Kafka wire-protocol test fixture here (no Kafka broker can be installed on
// these machines); production points the same connectors at Kafka, MSK or Redpanda.
let broker: KafkaTestBroker;
let kafka: Kafka;
let n = 0;
beforeAll(async () => {
  broker = await new KafkaTestBroker().start();
  kafka = new Kafka({
    clientId: 'connectors-test',
    brokers: broker.brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 3, initialRetryTime: 50 },
  });
});
afterAll(() => broker.stop());

interface Trade {
  symbol: string;
  i: number;
}
const SYMBOLS = ['BTC', 'ETH', 'SOL', 'XRP', 'ADA'];
const trades = (from: number, count: number): Trade[] =>
  Array.from({ length: count }, (_, j) => ({ symbol: SYMBOLS[(from + j) % SYMBOLS.length]!, i: from + j }));
const parse = (r: KafkaRecord): Trade => JSON.parse(r.value!.toString()) as Trade;

function topic(partitions: number): string {
  const name = `trades-${n++}`;
  broker.createTopic(name, partitions);
  return name;
}

function job(name: string, groupId: string, stopAtEnd: boolean, sink: CollectSink<Trade>): StreamEnvironment {
  const env = StreamEnvironment.create();
  env
    .fromSource(
      new KafkaSource({
        kafka,
        topic: name,
        groupId,
        deserialize: parse,
        stopAtEnd,
        consumer: { maxWaitTimeInMs: 50 },
      }),
      WatermarkStrategy.noWatermarks(),
    )
    .sinkTo(sink);
  return env;
}

const perSymbol = (values: Trade[]): Map<string, number[]> => {
  const out = new Map<string, number[]>();
  for (const t of values) out.set(t.symbol, [...(out.get(t.symbol) ?? []), t.i]);
  return out;
};

describe('Kafka connectors (kafkajs against the protocol fixture)', () => {
  it('reads what the writer wrote, each partition a split, every record once and in order per key', async () => {
    const name = topic(3);
    const writer = new KafkaWriter({ kafka, topic: name });
    for (let i = 0; i < 200; i += 50)
      await writer.write(trades(i, 50).map((t) => ({ key: t.symbol, value: JSON.stringify(t) })));
    await writer.close();

    const sink = new CollectSink<Trade>();
    const result = await job(name, `g-${n}`, true, sink).execute({
      jobId: 'kafka-read',
      idlePollDelayMs: 5,
      maxIdlePollDelayMs: 50,
    });
    expect(result.tasks.map((t) => t.id).sort()).toEqual([`${name}-0`, `${name}-1`, `${name}-2`]);
    expect(sink.values.map((t) => t.i).sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(perSymbol(sink.values)).toEqual(perSymbol(trades(0, 200)));
  });

  it('resumes from the offsets in its checkpoints, not from the group, after a restart', async () => {
    const name = topic(2);
    const store = new LocalObjectStore(await mkdtemp(join(tmpdir(), 'kafka-chk-')));
    const writer = new KafkaWriter({ kafka, topic: name });
    await writer.write(trades(0, 100).map((t) => ({ key: t.symbol, value: JSON.stringify(t) })));

    const first = new CollectSink<Trade>();
    const running = job(name, `g-${n}`, false, first).executeAsync({
      jobId: 'kafka-resume',
      checkpointStore: store,
      idlePollDelayMs: 5,
      maxIdlePollDelayMs: 50,
    });
    for (let k = 0; k < 200 && first.values.length < 100; k++) await new Promise((r) => setTimeout(r, 25));
    await running.stop();
    expect(first.values).toHaveLength(100);

    // Nothing was committed to the group: positions live only in our checkpoints.
    const admin = kafka.admin();
    await admin.connect();
    try {
      const committed = await admin.fetchOffsets({ groupId: `g-${n}`, topics: [name] });
      expect(committed.flatMap((t) => t.partitions.map((p) => [p.partition, p.offset])).sort()).toEqual([
        [0, '-1'],
        [1, '-1'],
      ]);
    } finally {
      await admin.disconnect();
    }

    await writer.write(trades(100, 30).map((t) => ({ key: t.symbol, value: JSON.stringify(t) })));
    await writer.close();
    // A new group, which has no committed offsets and would start at the earliest offset: only the
    // checkpoint can explain resuming at offset 100.
    const second = new CollectSink<Trade>();
    await job(name, `g-${n}-resumed`, true, second).execute({
      jobId: 'kafka-resume',
      checkpointStore: store,
      idlePollDelayMs: 5,
      maxIdlePollDelayMs: 50,
    });
    expect(second.values.map((t) => t.i).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 100));
  });

  it('writes a stream to a topic through the sink', async () => {
    const name = topic(1);
    const env = StreamEnvironment.create();
    env
      .fromCollection(trades(0, 25))
      .sinkTo(
        new KafkaSink<Trade>({ kafka, topic: name, toRecord: (t) => ({ key: t.symbol, value: JSON.stringify(t) }) }),
      );
    await env.execute({ jobId: 'kafka-write' });
    expect(broker.endOffsets(name)).toEqual([25n]);
  });
});
