import { createHash } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { ConnectorConfigError } from '../errors.js';
import { ALERT_KINDS, type AlertKind } from './alert-schema.js';

/**
 * Which alerts to read. Time bounds are epoch ms on `alert_time` (the event time of the alert):
 * `since` is inclusive and `until` exclusive, so consecutive ranges `[a, b)`, `[b, c)` never
 * return an alert twice and never miss one.
 */
export interface AlertQuery {
  /** Read through the `by_symbol_time` index, in time order. Without symbols the table is scanned. */
  symbols?: readonly string[];
  /** Only these kinds. @default every kind */
  kinds?: readonly AlertKind[];
  /** Inclusive lower bound on alert_time, epoch ms. */
  since?: number;
  /** Exclusive upper bound on alert_time, epoch ms. */
  until?: number;
  /** Time order of a query by symbol; a scan has no order. @default 'newest' */
  order?: 'newest' | 'oldest';
}

export type Item = Record<string, AttributeValue>;

/** A DynamoDB request's expression parts (names and values only for what the expressions use). */
export interface Expressions {
  KeyConditionExpression?: string;
  FilterExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Item;
}

/** Refuses a query DynamoDB would answer wrongly or that can only be a mistake. */
export function validateQuery(query: AlertQuery): void {
  for (const kind of query.kinds ?? [])
    if (!(ALERT_KINDS as readonly string[]).includes(kind))
      throw new ConnectorConfigError(`unknown alert kind '${kind}' (kinds: ${ALERT_KINDS.join(', ')})`);
  for (const [name, t] of [
    ['since', query.since],
    ['until', query.until],
  ] as const)
    if (t !== undefined && !Number.isFinite(t)) throw new ConnectorConfigError(`${name} must be epoch ms, got ${t}`);
  if (query.since !== undefined && query.until !== undefined && query.since > query.until)
    throw new ConnectorConfigError(
      `since (${new Date(query.since).toISOString()}) is after until (${new Date(query.until).toISOString()})`,
    );
  if (query.symbols?.length === 0)
    throw new ConnectorConfigError('symbols is empty: leave it out to read every symbol');
}

class ExpressionBuilder {
  readonly names: Record<string, string> = {};
  readonly values: Item = {};
  #n = 0;
  name(attribute: string): string {
    const ref = `#${attribute.replace(/[^a-zA-Z0-9_]/g, '_')}`;
    this.names[ref] = attribute;
    return ref;
  }
  value(value: AttributeValue): string {
    const ref = `:v${this.#n++}`;
    this.values[ref] = value;
    return ref;
  }
  inList(attribute: string, strings: readonly string[]): string {
    return `${this.name(attribute)} IN (${strings.map((s) => this.value({ S: s })).join(', ')})`;
  }
  done(key: string | undefined, filters: string[]): Expressions {
    return {
      ...(key !== undefined ? { KeyConditionExpression: key } : {}),
      ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
      ...(Object.keys(this.names).length > 0 ? { ExpressionAttributeNames: this.names } : {}),
      ...(Object.keys(this.values).length > 0 ? { ExpressionAttributeValues: this.values } : {}),
    };
  }
}

const num = (n: number): AttributeValue => ({ N: String(n) });

/**
 * A `Query` on `by_symbol_time` for one symbol. The sort-key condition takes one comparison and
 * DynamoDB refuses filters on key attributes, so with both bounds it is `BETWEEN since AND until`
 * and the reader drops `alert_time = until` itself (see {@link beyondUntil}).
 */
export function indexExpressions(symbol: string, query: AlertQuery): Expressions {
  const b = new ExpressionBuilder();
  let key = `${b.name('symbol')} = ${b.value({ S: symbol })}`;
  const filters: string[] = [];
  const { since, until } = query;
  const t = since !== undefined || until !== undefined ? b.name('alert_time') : '';
  if (since !== undefined && until !== undefined) {
    key += ` AND ${t} BETWEEN ${b.value(num(since))} AND ${b.value(num(until))}`;
  } else if (since !== undefined) key += ` AND ${t} >= ${b.value(num(since))}`;
  else if (until !== undefined) key += ` AND ${t} < ${b.value(num(until))}`;
  if (query.kinds !== undefined) filters.push(b.inList('alert_type', query.kinds));
  return b.done(key, filters);
}

/** True for an item the index returned at `alert_time = until`, which the exclusive bound leaves out. */
export function beyondUntil(item: Item, query: AlertQuery): boolean {
  return query.until !== undefined && Number(item.alert_time?.N) >= query.until;
}

/** A `Scan` of the table with every condition of the query as a filter. */
export function scanExpressions(query: AlertQuery): Expressions {
  const b = new ExpressionBuilder();
  const filters: string[] = [];
  if (query.symbols !== undefined) filters.push(b.inList('symbol', query.symbols));
  if (query.kinds !== undefined) filters.push(b.inList('alert_type', query.kinds));
  if (query.since !== undefined) filters.push(`${b.name('alert_time')} >= ${b.value(num(query.since))}`);
  if (query.until !== undefined) filters.push(`${b.name('alert_time')} < ${b.value(num(query.until))}`);
  return b.done(undefined, filters);
}

/** The key DynamoDB resumes after: the table key, plus the index key for `by_symbol_time`. */
export function resumeKey(item: Item, index: boolean): Item {
  const key: Item = { alert_id: item.alert_id! };
  if (index) {
    key.symbol = item.symbol!;
    key.alert_time = item.alert_time!;
  }
  return key;
}

const positionSchema = z.object({ id: z.string(), symbol: z.string().optional(), time: z.string().optional() });
const cursorSchema = z.object({
  v: z.literal(1),
  q: z.string(),
  at: z.record(z.string(), positionSchema),
});
type Position = z.infer<typeof positionSchema>;

/** Fingerprint of a query, so a cursor cannot silently continue a different one. */
function fingerprint(query: AlertQuery): string {
  const normal = {
    symbols: query.symbols ? [...query.symbols].sort() : null,
    kinds: query.kinds ? [...query.kinds].sort() : null,
    since: query.since ?? null,
    until: query.until ?? null,
    order: query.symbols ? (query.order ?? 'newest') : null,
  };
  return createHash('sha256').update(JSON.stringify(normal)).digest('base64url').slice(0, 16);
}

/**
 * Where a paged read stopped: for each stream (a symbol of the index, or the scan under the key
 * `''`) the key of the last item it consumed. Opaque to callers (base64url JSON).
 */
export function encodeCursor(query: AlertQuery, positions: ReadonlyMap<string, Item>): string {
  const at: Record<string, Position> = {};
  for (const [stream, key] of positions) {
    const p: Position = { id: key.alert_id!.S! };
    if (key.symbol?.S !== undefined) p.symbol = key.symbol.S;
    if (key.alert_time?.N !== undefined) p.time = key.alert_time.N;
    at[stream] = p;
  }
  return Buffer.from(JSON.stringify({ v: 1, q: fingerprint(query), at })).toString('base64url');
}

/** The positions of a cursor made by {@link encodeCursor} for this same query. */
export function decodeCursor(query: AlertQuery, cursor: string): Map<string, Item> {
  let parsed: z.infer<typeof cursorSchema>;
  try {
    parsed = cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch (error) {
    throw new ConnectorConfigError('not an alerts cursor (pass back the cursor a page returned)', error);
  }
  if (parsed.q !== fingerprint(query))
    throw new ConnectorConfigError(
      'this cursor belongs to a different query: keep symbols, kinds, since, until and order as they were',
    );
  const out = new Map<string, Item>();
  for (const [stream, p] of Object.entries(parsed.at)) {
    const key: Item = { alert_id: { S: p.id } };
    if (p.symbol !== undefined) key.symbol = { S: p.symbol };
    if (p.time !== undefined) key.alert_time = { N: p.time };
    out.set(stream, key);
  }
  return out;
}
