import {
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { listIssues, type Json } from '@coattail/runtime';
import { z } from 'zod';
import { awsErrorName, isTransientAwsError, sdkAttempts } from '../aws/aws-errors.js';
import { fromItem } from '../dynamodb/marshal.js';
import { ConnectorError } from '../errors.js';
import { withRetry } from '../retry.js';

/** The checkpoint value of a shard whose records were all processed. */
export const SHARD_END = 'SHARD_END';

/** One lease: a shard, who holds it, and how far it was processed. */
export interface Lease {
  leaseKey: string;
  leaseOwner?: string;
  /** Bumped by every renew, take and checkpoint: the fencing token. */
  leaseCounter: number;
  checkpoint: string;
  parentShardIds: string[];
  startingHashKey?: string;
  endingHashKey?: string;
  ownerSwitchesSinceCheckpoint: number;
}

/** A shard as the lease table needs it. */
export interface LeaseShard {
  shardId: string;
  parentShardIds: string[];
  startingHashKey?: string;
  endingHashKey?: string;
}

const leaseSchema: z.ZodType<Lease> = z.object({
  leaseKey: z.string().min(1),
  leaseOwner: z.string().min(1).optional(),
  leaseCounter: z.number().int().nonnegative(),
  checkpoint: z.string().min(1),
  parentShardIds: z.array(z.string().min(1)),
  startingHashKey: z.string().regex(/^\d+$/).optional(),
  endingHashKey: z.string().regex(/^\d+$/).optional(),
  ownerSwitchesSinceCheckpoint: z.number().int().nonnegative(),
});

/**
 * A lease item as {@link LeaseTable.createMissing} and the fenced updates write it, or a
 * non-retryable error naming the table, the item and what is wrong. A lease read from a guess
 * (a counter of 0, no parents) would break the fencing or lease a child before its parents ended.
 */
function parse(tableName: string, item: Record<string, AttributeValue>): Lease {
  const refuse = (what: string, cause?: unknown): ConnectorError =>
    new ConnectorError(
      'LEASE_INVALID',
      `lease table '${tableName}': item '${item.leaseKey?.S ?? '(no leaseKey)'}' is not a lease (${what}); repair or delete it`,
      { domain: 'external', retryable: false, cause },
    );
  let json: Json;
  try {
    json = fromItem(item);
  } catch (cause) {
    throw refuse(cause instanceof Error ? cause.message : String(cause), cause);
  }
  const parsed = leaseSchema.safeParse(json);
  if (!parsed.success) throw refuse(listIssues(parsed.error));
  return parsed.data;
}

/**
 * The DynamoDB lease table (see ddl/dynamodb/leases.json). Every write that changes ownership or
 * progress is conditional on the `leaseCounter` the caller last saw, and increments it: the
 * counter is a fencing token, so a worker holding a stale view can change nothing.
 */
export class LeaseTable {
  constructor(
    private readonly client: DynamoDBClient,
    readonly tableName: string,
  ) {}

  async #send<T>(fn: () => Promise<T>): Promise<T> {
    return withRetry(fn, {
      attempts: 6,
      baseMs: 50,
      maxMs: 2_000,
      retryable: isTransientAwsError,
      attemptsUsed: sdkAttempts,
    });
  }

  /** Creates a lease for each shard that has none (a conditional put: concurrent workers agree). */
  async createMissing(
    shards: readonly LeaseShard[],
    known: ReadonlySet<string>,
    initialCheckpoint = 'TRIM_HORIZON',
  ): Promise<void> {
    for (const s of shards) {
      if (known.has(s.shardId)) continue;
      const item: Record<string, AttributeValue> = {
        leaseKey: { S: s.shardId },
        leaseCounter: { N: '0' },
        checkpoint: { S: initialCheckpoint },
        parentShardIds: { L: s.parentShardIds.map((p) => ({ S: p })) },
        ownerSwitchesSinceCheckpoint: { N: '0' },
        ...(s.startingHashKey !== undefined ? { startingHashKey: { S: s.startingHashKey } } : {}),
        ...(s.endingHashKey !== undefined ? { endingHashKey: { S: s.endingHashKey } } : {}),
      };
      try {
        await this.#send(() =>
          this.client.send(
            new PutItemCommand({
              TableName: this.tableName,
              Item: item,
              ConditionExpression: 'attribute_not_exists(leaseKey)',
            }),
          ),
        );
      } catch (error) {
        if (awsErrorName(error) !== 'ConditionalCheckFailedException') throw error;
      }
    }
  }

  /** Every lease, read consistently. */
  async list(): Promise<Lease[]> {
    const out: Lease[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const from = start;
      const page = await this.#send(() =>
        this.client.send(new ScanCommand({ TableName: this.tableName, ConsistentRead: true, ExclusiveStartKey: from })),
      );
      out.push(...(page.Items ?? []).map((item) => parse(this.tableName, item)));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return out;
  }

  /**
   * Applies `set` to a lease if its counter is still `expectedCounter` (and, with `owner`, it is
   * still held by `owner`); increments the counter. Returns the new counter, or undefined when the
   * condition failed (someone else changed the lease).
   */
  async #fenced(
    leaseKey: string,
    expectedCounter: number,
    set: Record<string, AttributeValue | null>,
    owner?: string,
  ): Promise<number | undefined> {
    const names: Record<string, string> = { '#c': 'leaseCounter' };
    const values: Record<string, AttributeValue> = { ':expected': { N: String(expectedCounter) }, ':one': { N: '1' } };
    const sets = ['#c = #c + :one'];
    const removes: string[] = [];
    Object.entries(set).forEach(([attr, value], i) => {
      names[`#a${i}`] = attr;
      if (value === null) removes.push(`#a${i}`);
      else {
        values[`:v${i}`] = value;
        sets.push(`#a${i} = :v${i}`);
      }
    });
    let condition = '#c = :expected';
    if (owner !== undefined) {
      names['#o'] = 'leaseOwner';
      values[':owner'] = { S: owner };
      condition += ' AND #o = :owner';
    }
    try {
      await this.#send(() =>
        this.client.send(
          new UpdateItemCommand({
            TableName: this.tableName,
            Key: { leaseKey: { S: leaseKey } },
            UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
            ConditionExpression: condition,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        ),
      );
      return expectedCounter + 1;
    } catch (error) {
      if (awsErrorName(error) === 'ConditionalCheckFailedException') return undefined;
      throw error;
    }
  }

  /** Takes a lease seen at `lease.leaseCounter` (free, expired, or stolen). */
  take(lease: Lease, owner: string): Promise<number | undefined> {
    const switches =
      lease.leaseOwner === owner ? lease.ownerSwitchesSinceCheckpoint : lease.ownerSwitchesSinceCheckpoint + 1;
    return this.#fenced(lease.leaseKey, lease.leaseCounter, {
      leaseOwner: { S: owner },
      ownerSwitchesSinceCheckpoint: { N: String(switches) },
    });
  }

  /** Renews a held lease: proves the owner is alive. */
  renew(leaseKey: string, owner: string, counter: number): Promise<number | undefined> {
    return this.#fenced(leaseKey, counter, {}, owner);
  }

  /** Records progress; refused (undefined) unless `owner` still holds the lease at `counter`. */
  checkpoint(leaseKey: string, owner: string, counter: number, checkpoint: string): Promise<number | undefined> {
    return this.#fenced(
      leaseKey,
      counter,
      { checkpoint: { S: checkpoint }, ownerSwitchesSinceCheckpoint: { N: '0' } },
      owner,
    );
  }

  /** Gives a lease up (clean shutdown), so another worker can take it at once. */
  release(leaseKey: string, owner: string, counter: number): Promise<number | undefined> {
    return this.#fenced(leaseKey, counter, { leaseOwner: null }, owner);
  }
}
