import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DeleteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { toItem } from '@coattail/connectors';
import { startLocalStack, type LocalStack } from '@coattail/local-stack';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshTable, jobAlert, writeAsJobs, type JobAlert } from '../alerts/job-alerts.test-support.js';
import { CSV_COLUMNS } from '../alerts/alert-format.js';
import { registerAlerts } from './alerts.js';

const NOW = Date.parse('2026-12-07T14:00:00Z');
let stack: LocalStack;
let dir: string;
let table: string;
/** 60 alerts, one every 20 s back from NOW - 1 s; the newest first in this array. */
const known: JobAlert[] = Array.from({ length: 60 }, (_, i) => jobAlert(i, NOW - 1_000 - i * 20_000));

beforeAll(async () => {
  [stack, dir] = await Promise.all([
    startLocalStack({ streams: [], tables: [], buckets: [] }),
    mkdtemp(join(tmpdir(), 'coattail-alerts-')),
  ]);
  table = await freshTable(stack.clients.dynamodb);
  await writeAsJobs(stack.clients.dynamodb, table, known);
  await writeAsJobs(stack.clients.dynamodb, table, known); // a replay: the sink writes nothing twice
});
afterAll(async () => {
  await stack.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Runs `coattail alerts ...args` in this process; returns its stdout and stderr lines and the error, if any. */
async function alerts(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const program = new Command('coattail').exitOverride().configureOutput({
    writeOut: (s) => out.push(...s.trimEnd().split('\n')),
    writeErr: (s) => err.push(...s.trimEnd().split('\n')),
  });
  registerAlerts(program, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env: {},
    now: () => NOW,
    onInterrupt: () => {},
  });
  const withEndpoint = args.some((a) => a === '--state-dir' || a === '--endpoint')
    ? args
    : [...args, '--endpoint', stack.endpoints.dynamodb, '--table', table];
  let error: Error | undefined;
  try {
    await program.parseAsync(['node', 'coattail', 'alerts', ...withEndpoint]);
  } catch (e) {
    error = e as Error;
  }
  return { out, err, error };
}

const idsOf = (lines: readonly string[]): string[] =>
  lines.map((l) => (JSON.parse(l) as { alert_id: string }).alert_id);

describe('coattail alerts list', () => {
  it('prints every alert of a symbol in the last 10 minutes once, newest first, as JSON lines', async () => {
    const { out, err, error } = await alerts('list', '--symbol', 'btc-usdt', '--since', '10m', '--format', 'jsonl');
    expect(error).toBeUndefined();
    const expected = known.filter((a) => a.symbol === 'BTC-USDT' && a.event_time >= NOW - 600_000);
    expect(expected.length).toBe(12);
    expect(new Set(expected.map((a) => a.alert_type)).size).toBe(3);
    expect(idsOf(out)).toEqual(expected.map((a) => a.alert_id));
    expect(err).toEqual([]);
    const first = JSON.parse(out[0]!) as Record<string, unknown>;
    expect(first).toEqual({
      ...expected[0],
      alert_time: expected[0]!.event_time,
      expires_at: expect.any(Number) as number,
    });
  });

  it('reads every symbol and kind by scan, in time order, --since inclusive and --until exclusive', async () => {
    const since = new Date(known[40]!.event_time).toISOString();
    const until = new Date(known[10]!.event_time).toISOString();
    const { out } = await alerts('list', '--since', since, '--until', until, '--order', 'oldest', '-f', 'jsonl');
    expect(idsOf(out)).toEqual(
      known
        .slice(11, 41)
        .reverse()
        .map((a) => a.alert_id),
    );
  });

  it('filters by kind, and writes CSV with one row per alert', async () => {
    const { out } = await alerts('list', '--kind', 'whale,spread', '--limit', '1000', '--format', 'csv');
    expect(out[0]).toBe(CSV_COLUMNS.join(','));
    const rows = out.slice(1).map((l) => l.split(','));
    const expected = known.filter((a) => a.alert_type !== 'VOLUME_ANOMALY');
    expect(rows.map((r) => r[0]).sort()).toEqual(expected.map((a) => a.alert_id).sort());
    const whale = rows.find((r) => r[0] === known[0]!.alert_id)!;
    const at = (column: string): string => whale[CSV_COLUMNS.indexOf(column as (typeof CSV_COLUMNS)[number])]!;
    expect([at('alert_type'), at('side'), at('quote_volume'), at('alert_time_iso')]).toEqual([
      'WHALE',
      'buy',
      String(2.5 * 50_000),
      new Date(known[0]!.event_time).toISOString(),
    ]);
  });

  it('stops at --limit with the newest, and says that more match', async () => {
    const { out, err } = await alerts('list', '--limit', '5', '--format', 'jsonl');
    expect(idsOf(out)).toEqual(known.slice(0, 5).map((a) => a.alert_id));
    expect(err.join('\n')).toMatch(/more alerts match: raise --limit/);
    const bySymbol = await alerts('list', '-s', 'ETH-USDT', '-n', '3', '-f', 'jsonl');
    expect(idsOf(bySymbol.out)).toEqual(
      known
        .filter((a) => a.symbol === 'ETH-USDT')
        .slice(0, 3)
        .map((a) => a.alert_id),
    );
    expect(bySymbol.err.join('\n')).toMatch(/more alerts match/);
  });

  it('prints a table a person can read at a glance', async () => {
    const { out } = await alerts('list', '--symbol', 'SOL-USDT', '--kind', 'spread', '--limit', '1');
    expect(out[0]).toMatch(/^TIME \(UTC\)\s+KIND\s+SYMBOL\s+EXCHANGE\s+DETAIL\s+ID$/);
    expect(out[1]).toMatch(
      /^2026-12-07T13:57:19\.000Z\s+SPREAD\s+SOL-USDT\s+binance\/coinbase\s+binance 100 → coinbase 100\.8: 0\.8% \(threshold 0\.5%\)\s+spread:SOL-USDT:\d+$/,
    );
    expect(out).toHaveLength(2);
  });

  it('refuses bad filters with a message that says what is expected', async () => {
    const kind = await alerts('list', '--kind', 'rugpull');
    expect(kind.err.join('\n')).toMatch(/unknown alert kind 'rugpull': expected VOLUME_ANOMALY, WHALE, SPREAD/);
    const since = await alerts('list', '--since', 'yesterday');
    expect(since.err.join('\n')).toMatch(/'--since <time>' argument 'yesterday' is invalid. expected an age like 10m/);
    const order = await alerts('list', '--since', '1h', '--until', '2h');
    expect(order.error?.message).toMatch(/--since \(2026-12-07T13:00:00.000Z\) must be before --until/);
    const consistent = await alerts('list', '--symbol', 'BTC-USDT', '--consistent');
    expect(consistent.error?.message).toMatch(/eventually consistent only/);
    for (const r of [kind, since, order, consistent]) expect(r.out).toEqual([]);
  });
});

describe('coattail alerts list, when the table or the endpoint is not right', () => {
  it('reports a malformed item with its key on stderr and prints every valid alert', async () => {
    await stack.clients.dynamodb.send(
      new PutItemCommand({
        TableName: table,
        Item: toItem({ alert_id: 'broken', alert_type: 'WHALE', symbol: 'BTC-USDT', alert_time: NOW - 500 }),
      }),
    );
    try {
      const { out, err } = await alerts('list', '-s', 'BTC-USDT', '-n', '1000', '-f', 'jsonl');
      expect(idsOf(out)).toEqual(known.filter((a) => a.symbol === 'BTC-USDT').map((a) => a.alert_id));
      expect(err).toHaveLength(1);
      expect(err[0]).toMatch(/^skipped a malformed alert \{"alert_id":"broken","symbol":"BTC-USDT",.*event_id/);
    } finally {
      await stack.clients.dynamodb.send(
        new DeleteItemCommand({ TableName: table, Key: { alert_id: { S: 'broken' } } }),
      );
    }
  });

  it('names the endpoint it could not reach', async () => {
    const { error } = await alerts('list', '--endpoint', 'http://127.0.0.1:9', '--table', 'coattail-alerts');
    expect(error?.message).toMatch(
      /while reading coattail-alerts at http:\/\/127\.0\.0\.1:9 \(--endpoint\); is it running\?/,
    );
  });
});

describe('coattail alerts show', () => {
  it('prints every attribute of one alert, and the alert itself as JSON', async () => {
    const whale = known[3]!;
    const { out } = await alerts('show', whale.alert_id);
    expect(out).toContain(`quote_volume       ${2.5 * 50_003}`);
    expect(out.find((l) => l.startsWith('alert_time'))).toContain(new Date(whale.event_time).toISOString());
    expect(out.at(-1)).toMatch(/^summary\s+buy 2\.5 @ 50,003 = 125,008 \(12\.5x avg, \+0\.02% vs 1m VWAP\)$/);
    const json = await alerts('show', whale.alert_id, '--format', 'json');
    expect(JSON.parse(json.out.join('\n'))).toMatchObject(whale);
  });

  it('says so when there is no such alert', async () => {
    const { error } = await alerts('show', 'whale:binance:BTC-USDT:0');
    expect(error?.message).toMatch(/no alert 'whale:binance:BTC-USDT:0' in cli-alerts-.* at http:\/\/127\.0\.0\.1/);
  });
});

describe('where coattail alerts reads', () => {
  it('finds the running npm start through the state file in --state-dir', async () => {
    const state = join(dir, 'running');
    await mkdir(state);
    const running = { pid: process.pid, startedAt: new Date().toISOString(), phase: 'running' };
    await writeFile(
      join(state, 'up.json'),
      JSON.stringify({ ...running, stack: { region: stack.region, endpoints: stack.endpoints, alertsTable: table } }),
    );
    const { out } = await alerts('list', '--state-dir', state, '--limit', '1000', '-f', 'jsonl');
    expect(out).toHaveLength(60);
  });

  it('says what to do when npm start is not running there', async () => {
    const state = join(dir, 'stale');
    await mkdir(state);
    const none = await alerts('list', '--state-dir', state);
    expect(none.error?.message).toMatch(/no running npm start found .* start the platform with `npm start`/);
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', 'console.log(process.pid)']);
    const dead = { pid: Number(stdout), startedAt: '2026-12-07T10:00:00Z', phase: 'running' };
    const endpoints = { kinesis: 'http://127.0.0.1:1', dynamodb: 'http://127.0.0.1:1', s3: 'http://127.0.0.1:1' };
    await writeFile(
      join(state, 'up.json'),
      JSON.stringify({ ...dead, stack: { region: 'us-east-1', endpoints, alertsTable: table } }),
    );
    const stale = await alerts('list', '--state-dir', state);
    expect(stale.error?.message).toMatch(/the npm start that wrote .*up\.json \(pid \d+.*\) is no longer running/);
  });
});
