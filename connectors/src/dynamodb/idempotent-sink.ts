import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  noopMetrics,
  silentLogger,
  type Json,
  type Logger,
  type Metrics,
  type Sink,
  type SinkContext,
  type SinkWriter,
} from '@coattail/runtime';
import { awsErrorName, isTransientAwsError, sdkAttempts } from '../aws/aws-errors.js';
import { ConnectorConfigError, PeerUnavailableError } from '../errors.js';
import { withRetry } from '../retry.js';
import { toItem } from './marshal.js';

/** How a {@link DynamoDbIdempotentSink} writes. */
export interface DynamoDbIdempotentSinkOptions<T> {
  client: DynamoDBClient;
  tableName: string;
  /** Turns a record into the item to write; it must carry `idAttribute`. */
  toItem: (value: T) => { [key: string]: Json | undefined };
  /** The deterministic id the conditional put checks. @default 'alert_id' */
  idAttribute?: string;
  /** Adds a TTL attribute (epoch seconds) `afterMs` after `from(value)` (default: now). */
  ttl?: { attribute: string; afterMs: number; from?: (value: T) => number };
  /** PutItem calls in flight per writer. @default 16 */
  concurrency?: number;
  /** Attempts per item on throttling and 5xx. @default 10 */
  maxAttempts?: number;
  /** @default 'dynamodb:{tableName}' */
  name?: string;
  logger?: Logger;
  metrics?: Metrics;
}

/**
 * A runtime `Sink` that writes each record once to DynamoDB: `PutItem` with
 * `attribute_not_exists(id)` on a deterministic id. A `ConditionalCheckFailedException` means the
 * item was written before (a replay after a restore) and counts as a duplicate, not an error.
 *
 * Writes happen as records arrive, not at checkpoint commit: alerts should reach the dashboard in
 * seconds rather than a checkpoint interval later, and because the id is derived from the job, key
 * and window (or trade id), a replay writes nothing new. Exactly-once therefore needs no two-phase
 * commit here. Bounded concurrency per writer; throttling and 5xx are retried with jittered back-off.
 *
 * @example
 * stream.sinkTo(new DynamoDbIdempotentSink({
 *   client: createDynamoDbClient(), tableName: 'coattail-alerts',
 *   toItem: (a) => ({ alert_id: a.alertId, symbol: a.symbol, alert_time: a.windowEnd, alert_type: 'VOLUME_ANOMALY' }),
 *   ttl: { attribute: 'expires_at', afterMs: 30 * 86_400_000 },
 * }));
 */
export class DynamoDbIdempotentSink<T> implements Sink<T> {
  readonly name: string;

  constructor(private readonly options: DynamoDbIdempotentSinkOptions<T>) {
    this.name = options.name ?? `dynamodb:${options.tableName}`;
    if ((options.concurrency ?? 16) < 1) throw new ConnectorConfigError('concurrency must be at least 1');
  }

  createWriter(context: SinkContext): SinkWriter<T> {
    return new IdempotentWriter(this.options, context);
  }
}

class IdempotentWriter<T> implements SinkWriter<T> {
  readonly #o: DynamoDbIdempotentSinkOptions<T>;
  readonly #id: string;
  readonly #limit: number;
  #active = 0;
  readonly #queue: (() => void)[] = [];
  readonly #log: Logger;
  readonly #m;

  constructor(options: DynamoDbIdempotentSinkOptions<T>, context: SinkContext) {
    this.#o = options;
    this.#id = options.idAttribute ?? 'alert_id';
    this.#limit = options.concurrency ?? 16;
    this.#log = (options.logger ?? silentLogger).child({
      component: 'dynamodb-sink',
      table: options.tableName,
      task: context.taskId,
    });
    const m = options.metrics ?? noopMetrics;
    const tags = { table: options.tableName, task: context.taskId };
    this.#m = {
      written: m.counter('dynamoItemsWritten', tags),
      duplicates: m.counter('dynamoDuplicates', tags),
      throttled: m.counter('dynamoThrottled', tags),
    };
  }

  async write(values: readonly T[]): Promise<void> {
    await Promise.all(values.map((v) => this.#slot(() => this.#put(v))));
  }

  async #slot<R>(fn: () => Promise<R>): Promise<R> {
    if (this.#active >= this.#limit) await new Promise<void>((resolve) => this.#queue.push(resolve));
    this.#active++;
    try {
      return await fn();
    } finally {
      this.#active--;
      this.#queue.shift()?.();
    }
  }

  async #put(value: T): Promise<void> {
    const item = this.#o.toItem(value);
    const id = item[this.#id];
    if (typeof id !== 'string' && typeof id !== 'number') {
      throw new ConnectorConfigError(
        `item for ${this.#o.tableName} has no '${this.#id}' (the deterministic id the conditional put needs)`,
      );
    }
    const ttl = this.#o.ttl;
    if (ttl !== undefined) item[ttl.attribute] = Math.floor(((ttl.from?.(value) ?? Date.now()) + ttl.afterMs) / 1000);
    const command = new PutItemCommand({
      TableName: this.#o.tableName,
      Item: toItem(item),
      ConditionExpression: 'attribute_not_exists(#id)',
      ExpressionAttributeNames: { '#id': this.#id },
    });
    try {
      await withRetry(() => this.#o.client.send(command), {
        attempts: this.#o.maxAttempts ?? 10,
        baseMs: 50,
        maxMs: 5_000,
        retryable: isTransientAwsError,
        attemptsUsed: sdkAttempts,
        onRetry: (error, attempt, delayMs) => {
          this.#m.throttled.inc();
          this.#log.debug({ err: error, attempt, delayMs }, 'PutItem throttled or failed; retrying');
        },
      });
      this.#m.written.inc();
    } catch (error) {
      if (awsErrorName(error) === 'ConditionalCheckFailedException') {
        this.#m.duplicates.inc();
        return;
      }
      if (isTransientAwsError(error))
        throw new PeerUnavailableError(`DynamoDB (${this.#o.tableName})`, 'PutItem', error);
      throw error;
    }
  }
}
