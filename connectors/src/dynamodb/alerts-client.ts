import {
  GetItemCommand,
  QueryCommand,
  ScanCommand,
  type DynamoDBClient,
  type QueryCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { silentLogger, type Logger } from '@coattail/runtime';
import { awsErrorName, isTransientAwsError } from '../aws/aws-errors.js';
import { ConnectorConfigError, PeerUnavailableError } from '../errors.js';
import { followAlerts, type FollowOptions } from './alert-follower.js';
import {
  beyondUntil,
  decodeCursor,
  encodeCursor,
  indexExpressions,
  resumeKey,
  scanExpressions,
  validateQuery,
  type AlertQuery,
  type Item,
} from './alert-query.js';
import { parseAlertItem, type Alert, type AlertKind, type MalformedAlert } from './alert-schema.js';

/** How an {@link AlertsClient} reads. */
export interface AlertsClientOptions {
  client: DynamoDBClient;
  /** @default 'coattail-alerts' */
  tableName?: string;
  /** The GSI keyed by (symbol, alert_time). @default 'by_symbol_time' */
  indexName?: string;
  /** Strongly consistent reads for `get` and scans unless a call says otherwise. @default false */
  consistentRead?: boolean;
  /** Items DynamoDB evaluates per request (its `Limit`, counted before filters). @default 500 */
  requestLimit?: number;
  /** Told about every malformed item read, besides the page's `malformed` list. @default a warning on `logger` */
  onMalformed?: (malformed: MalformedAlert) => void;
  logger?: Logger;
}

/** Options of one paged read. */
export interface PageOptions {
  /** Alerts per page (malformed items do not count). @default 100 */
  limit?: number;
  /** The `cursor` of the previous page of the same query. */
  cursor?: string;
  /**
   * Strongly consistent read. Only for scans (queries without symbols) and `get`: DynamoDB serves a
   * global secondary index eventually consistent only, so asking for it by symbol is refused.
   * @default the client's `consistentRead`
   */
  consistentRead?: boolean;
}

/** One page of alerts; `cursor` is absent on the last page. */
export interface AlertPage {
  alerts: Alert[];
  malformed: MalformedAlert[];
  cursor?: string;
}

/** What `get` found. */
export type AlertLookup =
  { status: 'found'; alert: Alert } | { status: 'missing' } | { status: 'malformed'; malformed: MalformedAlert };

/** Pages through one Query or Scan lazily, one DynamoDB request at a time. */
class ItemStream {
  readonly #buffer: Item[] = [];
  #next: Item | undefined;
  #ended = false;
  constructor(
    private readonly fetch: (
      start: Item | undefined,
    ) => Promise<Pick<QueryCommandOutput, 'Items' | 'LastEvaluatedKey'>>,
    start: Item | undefined,
  ) {
    this.#next = start;
  }
  async peek(): Promise<Item | undefined> {
    while (this.#buffer.length === 0 && !this.#ended) {
      const out = await this.fetch(this.#next);
      this.#buffer.push(...(out.Items ?? []));
      this.#next = out.LastEvaluatedKey;
      if (this.#next === undefined) this.#ended = true;
    }
    return this.#buffer[0];
  }
  take(): Item {
    return this.#buffer.shift()!;
  }
}

const timeOf = (item: Item): number => Number(item.alert_time?.N ?? Number.NaN);

/**
 * Typed reads of the alerts table the stream jobs write (`coattail-alerts`, ddl/dynamodb): by symbol
 * and time range through the `by_symbol_time` index (in time order, several symbols merged), by
 * kind, the latest N across symbols, one alert by id. Every item is parsed with zod; an item that is
 * not a valid alert is reported with its key (page `malformed`, `onMalformed`) and skipped, never
 * thrown. The same code runs against dynalite and DynamoDB.
 *
 * Without `symbols` a read is a `Scan` (filtered server-side): it reads the whole table, in no time
 * order. Give symbols where you can.
 *
 * @example
 * const alerts = new AlertsClient({ client: createDynamoDbClient() });
 * const page = await alerts.page({ symbols: ['BTC-USDT'], since: Date.now() - 600_000 }, { limit: 50 });
 * for await (const alert of alerts.iterate({ kinds: ['WHALE'] })) console.log(alert.alert_id);
 */
export class AlertsClient {
  readonly tableName: string;
  readonly indexName: string;
  readonly #o: AlertsClientOptions;
  readonly #log: Logger;

  constructor(options: AlertsClientOptions) {
    this.#o = options;
    this.tableName = options.tableName ?? 'coattail-alerts';
    this.indexName = options.indexName ?? 'by_symbol_time';
    this.#log = (options.logger ?? silentLogger).child({ component: 'alerts-client', table: this.tableName });
  }

  /** One alert by its id (a single `GetItem`). */
  async get(alertId: string, options: { consistentRead?: boolean } = {}): Promise<AlertLookup> {
    const out = await this.#send('GetItem', () =>
      this.#o.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: { alert_id: { S: alertId } },
          ConsistentRead: options.consistentRead ?? this.#o.consistentRead ?? false,
        }),
      ),
    );
    if (out.Item === undefined) return { status: 'missing' };
    const parsed = parseAlertItem(out.Item);
    if (parsed.ok) return { status: 'found', alert: parsed.alert };
    this.#report(parsed.malformed);
    return { status: 'malformed', malformed: parsed.malformed };
  }

  /** Alerts of one symbol, newest first unless `order: 'oldest'`; `[since, until)` on alert_time. */
  bySymbol(symbol: string, query: Omit<AlertQuery, 'symbols'> = {}, options: PageOptions = {}): Promise<AlertPage> {
    return this.page({ ...query, symbols: [symbol] }, options);
  }

  /** Alerts of one kind (a scan unless `symbols` are given). */
  byKind(kind: AlertKind, query: Omit<AlertQuery, 'kinds'> = {}, options: PageOptions = {}): Promise<AlertPage> {
    return this.page({ ...query, kinds: [kind] }, options);
  }

  /** One page of a query; pass its `cursor` back for the next. */
  async page(query: AlertQuery, options: PageOptions = {}): Promise<AlertPage> {
    validateQuery(query);
    const limit = options.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1) throw new ConnectorConfigError(`limit must be at least 1, got ${limit}`);
    const index = query.symbols !== undefined;
    const consistent = options.consistentRead ?? (index ? false : (this.#o.consistentRead ?? false));
    if (index && options.consistentRead === true)
      throw new ConnectorConfigError(
        `${this.indexName} is a global secondary index, which DynamoDB reads eventually consistent only: ` +
          'leave out consistentRead, or read without symbols (a scan) or by id',
      );
    const positions = options.cursor !== undefined ? decodeCursor(query, options.cursor) : new Map<string, Item>();
    const names = query.symbols ? [...new Set(query.symbols)] : [''];
    const requestLimit = Math.min(this.#o.requestLimit ?? 500, Math.max(limit + 1, 25));
    const streams = names.map(
      (name) =>
        new ItemStream(
          (start) =>
            index ? this.#query(name, query, requestLimit, start) : this.#scan(query, requestLimit, consistent, start),
          positions.get(name),
        ),
    );
    const newest = (query.order ?? 'newest') === 'newest';
    const page: AlertPage = { alerts: [], malformed: [] };
    for (;;) {
      const heads = await Promise.all(streams.map((s) => s.peek()));
      let pick = -1;
      heads.forEach((head, i) => {
        if (head === undefined) return;
        const best = pick < 0 ? undefined : heads[pick];
        if (best === undefined || (newest ? timeOf(head) > timeOf(best) : timeOf(head) < timeOf(best))) pick = i;
      });
      if (pick < 0) return page;
      if (page.alerts.length === limit) break;
      const item = streams[pick]!.take();
      positions.set(names[pick]!, resumeKey(item, index));
      if (beyondUntil(item, query)) continue;
      const parsed = parseAlertItem(item);
      if (parsed.ok) page.alerts.push(parsed.alert);
      else {
        page.malformed.push(parsed.malformed);
        this.#report(parsed.malformed);
      }
    }
    page.cursor = encodeCursor(query, positions);
    return page;
  }

  /** Every alert of a query, page after page. */
  async *iterate(query: AlertQuery, options: Omit<PageOptions, 'cursor'> = {}): AsyncGenerator<Alert> {
    let cursor: string | undefined;
    do {
      const page = await this.page(query, { ...options, ...(cursor !== undefined ? { cursor } : {}) });
      yield* page.alerts;
      cursor = page.cursor;
    } while (cursor !== undefined);
  }

  /**
   * The `n` newest alerts across symbols, newest first (ties by id). With `symbols` it reads only
   * the head of each symbol's index; without, it scans the table once keeping the newest `n`.
   */
  async latest(
    n: number,
    query: Omit<AlertQuery, 'order'> = {},
    options: { consistentRead?: boolean } = {},
  ): Promise<Alert[]> {
    if (query.symbols !== undefined) return (await this.page({ ...query, order: 'newest' }, { limit: n })).alerts;
    let kept: Alert[] = [];
    const newestFirst = (a: Alert, b: Alert): number =>
      b.alert_time - a.alert_time || (a.alert_id < b.alert_id ? -1 : a.alert_id > b.alert_id ? 1 : 0);
    for await (const alert of this.iterate(query, { limit: 1_000, ...options })) {
      kept.push(alert);
      if (kept.length >= 2 * n + 1_000) kept = kept.sort(newestFirst).slice(0, n);
    }
    return kept.sort(newestFirst).slice(0, n);
  }

  /** New alerts as they are written, like `tail -f`: see {@link followAlerts}. */
  follow(
    query: Omit<AlertQuery, 'order' | 'since' | 'until'> = {},
    options: FollowOptions = {},
  ): AsyncGenerator<Alert> {
    return followAlerts(this, query, options);
  }

  #query(symbol: string, query: AlertQuery, limit: number, start: Item | undefined) {
    return this.#send('Query', () =>
      this.#o.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: this.indexName,
          ...indexExpressions(symbol, query),
          ScanIndexForward: query.order === 'oldest',
          Limit: limit,
          ...(start !== undefined ? { ExclusiveStartKey: start } : {}),
        }),
      ),
    );
  }

  #scan(query: AlertQuery, limit: number, consistent: boolean, start: Item | undefined) {
    return this.#send('Scan', () =>
      this.#o.client.send(
        new ScanCommand({
          TableName: this.tableName,
          ...scanExpressions(query),
          ConsistentRead: consistent,
          Limit: limit,
          ...(start !== undefined ? { ExclusiveStartKey: start } : {}),
        }),
      ),
    );
  }

  #report(malformed: MalformedAlert): void {
    if (this.#o.onMalformed) this.#o.onMalformed(malformed);
    else this.#log.warn({ key: malformed.key, reason: malformed.reason }, 'malformed item in the alerts table');
  }

  /** The SDK retries throttling and 5xx itself; this only turns what is left into errors that say what to do. */
  async #send<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      const name = awsErrorName(error);
      if (name === 'ResourceNotFoundException')
        throw new ConnectorConfigError(
          `the alerts table '${this.tableName}' (or its index '${this.indexName}') does not exist at this endpoint: ` +
            'create it from ddl/dynamodb/alerts.json, or point the reader at the endpoint the stream jobs write to',
          error,
        );
      if (isTransientAwsError(error)) throw new PeerUnavailableError(`DynamoDB (${this.tableName})`, operation, error);
      throw error;
    }
  }
}
