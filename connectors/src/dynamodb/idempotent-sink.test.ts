import { DynamoDBClient, QueryCommand, ScanCommand, type PutItemCommand } from '@aws-sdk/client-dynamodb';
import { StreamEnvironment } from '@coattail/runtime';
import { InMemoryMetrics } from '@coattail/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '@coattail/local-stack';
import { DynamoDbIdempotentSink } from './idempotent-sink.js';
import { fromItem } from './marshal.js';
import { ensureTable, loadTableDefinitions } from './table-definitions.js';

interface Alert {
  id: string;
  symbol: string;
  time: number;
  zScore: number;
}

let stack: LocalStack;
let tables = 0;
beforeAll(async () => {
  stack = await startLocalStack({ streams: [], tables: [], buckets: [] });
});
afterAll(() => stack.stop());

async function alertsTable(): Promise<string> {
  const [alerts] = (await loadTableDefinitions()).filter((t) => t.TableName === 'coattail-alerts');
  const name = `alerts-${tables++}`;
  await ensureTable(stack.clients.dynamodb, alerts!, name);
  return name;
}

const alerts = (n: number): Alert[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `vol-BTC-${i}`,
    symbol: i % 2 === 0 ? 'BTC' : 'ETH',
    time: 1_000 + i,
    zScore: 2.5 + i / 100,
  }));
const sinkFor = (
  client: DynamoDBClient,
  tableName: string,
  metrics: InMemoryMetrics,
  concurrency = 16,
): DynamoDbIdempotentSink<Alert> =>
  new DynamoDbIdempotentSink<Alert>({
    client,
    tableName,
    toItem: (a) => ({
      alert_id: a.id,
      symbol: a.symbol,
      alert_time: a.time,
      alert_type: 'VOLUME_ANOMALY',
      z_score: a.zScore,
    }),
    ttl: { attribute: 'expires_at', afterMs: 86_400_000, from: (a) => a.time },
    concurrency,
    metrics,
  });

async function runJob(sink: DynamoDbIdempotentSink<Alert>, records: Alert[]): Promise<void> {
  const env = StreamEnvironment.create();
  env.fromCollection(records).sinkTo(sink);
  await env.execute({ jobId: 'alerts' });
}

/** dynalite never throttles, so this client (a fake by necessity) throttles every other call once, and counts calls in flight. */
class ThrottlingDynamo extends DynamoDBClient {
  inFlight = 0;
  maxInFlight = 0;
  #calls = 0;
  constructor(private readonly real: DynamoDBClient) {
    super({});
  }
  override async send(command: PutItemCommand): Promise<never> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((r) => setTimeout(r, 2));
      if (this.#calls++ % 2 === 0)
        throw Object.assign(new Error('Rate exceeded'), {
          name: 'ProvisionedThroughputExceededException',
          $metadata: { httpStatusCode: 400 },
        });
      return (await this.real.send(command)) as never;
    } finally {
      this.inFlight--;
    }
  }
}

describe('DynamoDbIdempotentSink', () => {
  it('writes each alert once; a replay of the same records writes nothing and counts duplicates', async () => {
    const table = await alertsTable();
    const metrics = new InMemoryMetrics();
    await runJob(sinkFor(stack.clients.dynamodb, table, metrics), alerts(60));
    await runJob(sinkFor(stack.clients.dynamodb, table, metrics), alerts(60));
    const { Items = [] } = await stack.clients.dynamodb.send(new ScanCommand({ TableName: table }));
    expect(Items).toHaveLength(60);
    expect(metrics.total('dynamoItemsWritten')).toBe(60);
    expect(metrics.total('dynamoDuplicates')).toBe(60);
    expect(fromItem(Items.find((i) => i.alert_id?.S === 'vol-BTC-3')!)).toEqual({
      alert_id: 'vol-BTC-3',
      symbol: 'ETH',
      alert_time: 1_003,
      alert_type: 'VOLUME_ANOMALY',
      z_score: 2.53,
      expires_at: Math.floor((1_003 + 86_400_000) / 1000),
    });
  });

  it('serves the recent alerts of a symbol, newest first, from the by_symbol_time index', async () => {
    const table = await alertsTable();
    await runJob(sinkFor(stack.clients.dynamodb, table, new InMemoryMetrics()), alerts(40));
    const out = await stack.clients.dynamodb.send(
      new QueryCommand({
        TableName: table,
        IndexName: 'by_symbol_time',
        KeyConditionExpression: 'symbol = :s AND alert_time >= :since',
        ExpressionAttributeValues: { ':s': { S: 'BTC' }, ':since': { N: '1030' } },
        ScanIndexForward: false,
      }),
    );
    expect(out.Items?.map((i) => Number(i.alert_time!.N))).toEqual([1038, 1036, 1034, 1032, 1030]);
  });

  it('backs off and retries when throttled, with no more than `concurrency` puts in flight', async () => {
    const table = await alertsTable();
    const metrics = new InMemoryMetrics();
    const throttling = new ThrottlingDynamo(stack.clients.dynamodb);
    await runJob(sinkFor(throttling, table, metrics, 4), alerts(30));
    const { Items = [] } = await stack.clients.dynamodb.send(new ScanCommand({ TableName: table }));
    expect(Items).toHaveLength(30);
    expect(metrics.total('dynamoThrottled')).toBeGreaterThan(0);
    expect(throttling.maxInFlight).toBeLessThanOrEqual(4);
  });
});
