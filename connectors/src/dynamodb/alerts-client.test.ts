import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '@coattail/local-stack';
import { freshAlertsTable, putRaw, sampleAlert, writeAlerts } from './alert-fixtures.test-support.js';
import type { Alert, AlertKind, MalformedAlert } from './alert-schema.js';
import { AlertsClient, type AlertPage } from './alerts-client.js';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ streams: [], tables: [], buckets: [] });
});
afterAll(() => stack.stop());

const KINDS: AlertKind[] = ['VOLUME_ANOMALY', 'WHALE', 'SPREAD'];
const SYMBOLS = ['BTC-USDT', 'ETH-USDT', 'SOL-USDT'];
const T0 = 1_765_000_000_000;

/** 90 alerts: every 10 s, symbols and kinds in rotation; two of them share a millisecond. */
function fixture(): Alert[] {
  const out = Array.from({ length: 90 }, (_, i) => sampleAlert(KINDS[i % 3]!, SYMBOLS[i % 3]!, T0 + i * 10_000, i));
  out.push(sampleAlert('WHALE', 'BTC-USDT', T0 + 30_000, 999)); // same time as alert 3
  return out;
}

async function loaded(extra?: (table: string) => Promise<void>) {
  const table = await freshAlertsTable(stack);
  await writeAlerts(stack.clients.dynamodb, table, fixture());
  await extra?.(table);
  const malformed: MalformedAlert[] = [];
  const client = new AlertsClient({
    client: stack.clients.dynamodb,
    tableName: table,
    requestLimit: 7,
    onMalformed: (m) => malformed.push(m),
  });
  return { table, client, malformed };
}

async function allPages(read: (cursor: string | undefined) => Promise<AlertPage>): Promise<AlertPage[]> {
  const pages: AlertPage[] = [];
  let cursor: string | undefined;
  do {
    const page = await read(cursor);
    pages.push(page);
    cursor = page.cursor;
  } while (cursor !== undefined);
  return pages;
}

const ids = (alerts: readonly Alert[]): string[] => alerts.map((a) => a.alert_id);

describe('AlertsClient', () => {
  it('reads a symbol through by_symbol_time, newest first, [since, until) on alert_time', async () => {
    const { client } = await loaded();
    const since = T0 + 30_000;
    const until = T0 + 120_000;
    const page = await client.bySymbol('BTC-USDT', { since, until });
    const expected = fixture()
      .filter((a) => a.symbol === 'BTC-USDT' && a.alert_time >= since && a.alert_time < until)
      .sort((a, b) => b.alert_time - a.alert_time);
    expect(page.alerts.map((a) => a.alert_time)).toEqual(expected.map((a) => a.alert_time));
    expect(new Set(ids(page.alerts))).toEqual(new Set(ids(expected)));
    // Both bounds on a stored time: since is in, until is out.
    expect(page.alerts.some((a) => a.alert_time === since)).toBe(true);
    expect(page.alerts.some((a) => a.alert_time === until)).toBe(false);
    expect(page.cursor).toBeUndefined();
    const oldest = await client.bySymbol('BTC-USDT', { since, until, order: 'oldest' });
    expect(oldest.alerts.map((a) => a.alert_time)).toEqual(expected.map((a) => a.alert_time).reverse());
  });

  it('adjacent ranges [a, b) and [b, c) return every alert once', async () => {
    const { client } = await loaded();
    const b = T0 + 450_000;
    const left = await client.bySymbol('SOL-USDT', { since: T0, until: b }, { limit: 1_000 });
    const right = await client.bySymbol('SOL-USDT', { since: b, until: T0 + 900_000 }, { limit: 1_000 });
    const all = await client.bySymbol('SOL-USDT', {}, { limit: 1_000 });
    expect([...ids(left.alerts), ...ids(right.alerts)].sort()).toEqual(ids(all.alerts).sort());
    expect(all.alerts).toHaveLength(30);
  });

  it('pages through several symbols merged in time order: every alert exactly once, across pages', async () => {
    const { client } = await loaded();
    const query = { symbols: SYMBOLS, order: 'oldest' as const };
    const pages = await allPages((cursor) => client.page(query, { limit: 8, ...(cursor ? { cursor } : {}) }));
    const read = pages.flatMap((p) => p.alerts);
    expect(pages.length).toBe(Math.ceil(91 / 8));
    expect(pages.slice(0, -1).every((p) => p.alerts.length === 8)).toBe(true);
    expect(read).toHaveLength(91);
    expect(new Set(ids(read)).size).toBe(91);
    expect(new Set(ids(read))).toEqual(new Set(ids(fixture())));
    const times = read.map((a) => a.alert_time);
    expect(times).toEqual([...times].sort((x, y) => x - y));
  });

  it('ends on an exact multiple of the page size without an empty extra page', async () => {
    const { client } = await loaded();
    const pages = await allPages((cursor) =>
      client.bySymbol('ETH-USDT', {}, { limit: 10, ...(cursor ? { cursor } : {}) }),
    );
    expect(pages.map((p) => p.alerts.length)).toEqual([10, 10, 10]);
  });

  it('resumes between two alerts of one symbol stamped with the same millisecond', async () => {
    const { client } = await loaded();
    const pages = await allPages((cursor) =>
      client.bySymbol('BTC-USDT', { until: T0 + 60_000 }, { limit: 1, ...(cursor ? { cursor } : {}) }),
    );
    const read = pages.flatMap((p) => p.alerts);
    expect(read.map((a) => a.alert_time)).toEqual([T0 + 30_000, T0 + 30_000, T0]);
    expect(new Set(ids(read)).size).toBe(3);
  });

  it('filters by kind, through the index with symbols and by scan without; pages the scan too', async () => {
    const { client } = await loaded();
    const whales = fixture().filter((a) => a.alert_type === 'WHALE');
    const scanned = await allPages((cursor) => client.byKind('WHALE', {}, { limit: 4, ...(cursor ? { cursor } : {}) }));
    expect(scanned.length).toBeGreaterThan(2);
    expect(ids(scanned.flatMap((p) => p.alerts)).sort()).toEqual(ids(whales).sort());
    const btc = await client.byKind('WHALE', { symbols: ['BTC-USDT'] }, { limit: 100 });
    expect(ids(btc.alerts).sort()).toEqual(ids(whales.filter((a) => a.symbol === 'BTC-USDT')).sort());
    expect(btc.alerts.every((a) => a.alert_type === 'WHALE')).toBe(true);
  });

  it('returns the latest N across symbols, by index and by scan alike', async () => {
    const { client } = await loaded();
    const newest = fixture()
      .sort((a, b) => b.alert_time - a.alert_time)
      .slice(0, 5);
    expect(ids(await client.latest(5))).toEqual(ids(newest));
    expect(ids(await client.latest(5, { symbols: SYMBOLS }))).toEqual(ids(newest));
    expect(ids(await client.latest(2, { kinds: ['SPREAD'], until: T0 + 100_000 }))).toEqual([
      fixture()[8]!.alert_id,
      fixture()[5]!.alert_id,
    ]);
  });

  it('gets one alert by id, typed by its kind, with a consistent read when asked', async () => {
    const { client } = await loaded();
    const found = await client.get(fixture()[4]!.alert_id, { consistentRead: true });
    expect(found).toEqual({ status: 'found', alert: { ...fixture()[4], expires_at: expect.any(Number) as number } });
    if (found.status === 'found' && found.alert.alert_type === 'WHALE') expect(found.alert.quote_volume).toBe(150_000);
    expect(await client.get('no-such-alert')).toEqual({ status: 'missing' });
  });

  it('reports a malformed item with its key and reads on past it, in pages, scans and get', async () => {
    const { client, malformed } = await loaded(async (table) => {
      await putRaw(stack.clients.dynamodb, table, {
        alert_id: 'bad-whale',
        alert_type: 'WHALE',
        symbol: 'BTC-USDT',
        alert_time: T0 + 15_000,
        event_time: T0 + 15_000,
        price: 'a lot',
      });
      await putRaw(stack.clients.dynamodb, table, {
        alert_id: 'bad-kind',
        alert_type: 'RUG_PULL',
        symbol: 'ETH-USDT',
        alert_time: T0 + 16_000,
      });
    });
    const pages = await allPages((cursor) =>
      client.page({ symbols: SYMBOLS, order: 'oldest' }, { limit: 5, ...(cursor ? { cursor } : {}) }),
    );
    expect(pages.flatMap((p) => p.alerts)).toHaveLength(91);
    const reported = pages.flatMap((p) => p.malformed);
    expect(reported.map((m) => m.key)).toEqual([
      { alert_id: 'bad-whale', symbol: 'BTC-USDT', alert_time: T0 + 15_000 },
      { alert_id: 'bad-kind', symbol: 'ETH-USDT', alert_time: T0 + 16_000 },
    ]);
    expect(reported[0]!.reason).toMatch(/price/);
    expect(reported[1]!.reason).toMatch(/alert_type/);
    expect(malformed).toEqual(reported);
    expect(await client.latest(1_000)).toHaveLength(91);
    const got = await client.get('bad-whale');
    expect(got.status).toBe('malformed');
  });

  it('refuses what cannot be answered right, saying what to do', async () => {
    const { client } = await loaded();
    await expect(client.bySymbol('BTC-USDT', {}, { consistentRead: true })).rejects.toThrow(
      /eventually consistent only/,
    );
    await expect(client.page({ kinds: ['WHALES' as AlertKind] })).rejects.toThrow(/unknown alert kind 'WHALES'/);
    await expect(client.page({ since: T0 + 1, until: T0 })).rejects.toThrow(/is after until/);
    const first = await client.bySymbol('BTC-USDT', {}, { limit: 2 });
    await expect(client.bySymbol('ETH-USDT', {}, { cursor: first.cursor! })).rejects.toThrow(/different query/);
    await expect(client.bySymbol('BTC-USDT', {}, { cursor: 'garbage' })).rejects.toThrow(/not an alerts cursor/);
    const missing = new AlertsClient({ client: stack.clients.dynamodb, tableName: 'no-such-table' });
    await expect(missing.latest(1)).rejects.toThrow(/does not exist at this endpoint/);
  });
});
