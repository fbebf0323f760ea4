import {
  DescribeTableCommand,
  DynamoDBClient,
  UpdateTimeToLiveCommand,
  type UpdateTimeToLiveCommandInput,
  type UpdateTimeToLiveCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '@coattail/local-stack';
import { ensureTable, loadTableDefinitions } from './table-definitions.js';

let stack: LocalStack;
let n = 0;
beforeAll(async () => {
  stack = await startLocalStack({ streams: [], tables: [], buckets: [] });
});
afterAll(() => stack.stop());

const alertsDefinition = async () => (await loadTableDefinitions()).find((t) => t.TableName === 'coattail-alerts')!;

/**
 * dynalite has no UpdateTimeToLive, so this client records that one call (and answers it as AWS
 * would); every other command goes to dynalite.
 */
class RecordingTtl extends DynamoDBClient {
  readonly ttlCalls: UpdateTimeToLiveCommandInput[] = [];
  constructor(private readonly real: DynamoDBClient) {
    super({});
  }
  override send(command: UpdateTimeToLiveCommand): Promise<UpdateTimeToLiveCommandOutput> {
    if (command instanceof UpdateTimeToLiveCommand) {
      this.ttlCalls.push(command.input);
      return Promise.resolve({ TimeToLiveSpecification: command.input.TimeToLiveSpecification, $metadata: {} });
    }
    return this.real.send(command);
  }
}

describe('DynamoDB table definitions', () => {
  it('give the alerts table a TTL on expires_at, the attribute the alert sink writes (epoch seconds)', async () => {
    // stream-jobs' alert sink (run-stream-job.ts) writes ttl { attribute: 'expires_at' }; DynamoDB
    // ignores a TTL on any other attribute, so alerts would never expire.
    expect((await alertsDefinition()).TimeToLiveSpecification).toEqual({ AttributeName: 'expires_at', Enabled: true });
  });

  it('ensureTable creates the table and applies its TTL with UpdateTimeToLive', async () => {
    const client = new RecordingTtl(stack.clients.dynamodb);
    const name = `alerts-ttl-${n++}`;
    expect(await ensureTable(client, await alertsDefinition(), name)).toBe(true);
    expect(client.ttlCalls).toEqual([
      { TableName: name, TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true } },
    ]);
    const { Table } = await stack.clients.dynamodb.send(new DescribeTableCommand({ TableName: name }));
    expect(Table?.TableStatus).toBe('ACTIVE');
  });

  it('ensureTable tolerates dynalite refusing UpdateTimeToLive (items then never expire locally)', async () => {
    const name = `alerts-dynalite-${n++}`;
    expect(await ensureTable(stack.clients.dynamodb, await alertsDefinition(), name)).toBe(true);
    expect(await ensureTable(stack.clients.dynamodb, await alertsDefinition(), name)).toBe(false);
  });
});
