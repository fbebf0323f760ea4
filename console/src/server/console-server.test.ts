import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleHub } from '../hub/console-hub.js';
import type { ConsoleAlert, ConsoleSnapshot } from '../model/snapshot.js';
import { serveConsole, type ConsoleServer } from './console-server.js';

const TOKEN = 'console-server-test-token-0123456789';
let server: ConsoleServer | undefined;
let hub: ConsoleHub | undefined;
afterEach(async () => {
  hub?.stop();
  await server?.close();
  server = hub = undefined;
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** GETs a path; for an event stream, reads for `streamMs` and returns what arrived. */
function get(url: string, headers: Record<string, string> = {}, streamMs = 0): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      const done = (): void => resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      if (streamMs > 0 && res.statusCode === 200) setTimeout(() => (req.destroy(), done()), streamMs);
      else res.on('end', done);
    });
    req.on('error', reject);
    req.end();
  });
}

const events = (body: string): ConsoleSnapshot[] =>
  body
    .split('\n\n')
    .filter((e) => e.startsWith('data: '))
    .map((e) => JSON.parse(e.slice('data: '.length)) as ConsoleSnapshot);

describe('operations console server', () => {
  it('checks the token on every request, the event stream included, and hands the page a cookie for it', async () => {
    hub = new ConsoleHub({ sources: {} });
    hub.start();
    server = await serveConsole({ hub, port: 0, token: TOKEN });
    expect((await get(`${server.url}events`, {}, 300)).status).toBe(401);
    expect((await get(`${server.url}api/snapshot`, { authorization: 'Bearer wrong' })).status).toBe(401);
    const page = await get(`${server.url}?token=${TOKEN}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Operations · Coat Tail Capital</title>');
    // Nothing on the page may load from elsewhere.
    expect(page.headers['content-security-policy']).toMatch(/default-src 'none'.*connect-src 'self'/);
    expect(page.body).not.toMatch(/(src|href)="https?:/);
    const cookie = String(page.headers['set-cookie']).split(';')[0]!;
    const stream = await get(`${server.url}events`, { cookie }, 800);
    expect(stream.status).toBe(200);
    expect(events(stream.body).length).toBeGreaterThan(0);
  });

  it('pushes at most its update rate to a browser while 20 000 trades/s flow in', async () => {
    hub = new ConsoleHub({ sources: {}, updatesPerSecond: 4 });
    hub.start();
    server = await serveConsole({ hub, port: 0 });
    let id = 0;
    const feed = setInterval(() => {
      const now = Date.now();
      hub!.ingest(
        Array.from({ length: 1_000 }, () => ({
          exchange: id % 2 ? 'binance' : 'coinbase',
          symbol: ['BTC-USDT', 'ETH-USDT'][id++ % 2]!,
          price: 100,
          quantity: 1,
          quote_volume: 100,
          event_time: now,
        })),
      );
    }, 50);
    const stream = await get(`${server.url}events`, {}, 2_000).finally(() => clearInterval(feed));
    const snapshots = events(stream.body);
    // One snapshot on connect, then one per tick: 4 per second, whatever the trade rate.
    expect(snapshots.length).toBeGreaterThanOrEqual(3);
    expect(snapshots.length).toBeLessThanOrEqual(1 + 4 * 2 + 1);
    const last = snapshots.at(-1)!;
    expect(last.market.tradesSeen.binance! + last.market.tradesSeen.coinbase!).toBeGreaterThan(5_000);
  });

  it('refuses a request addressed to another host name when it runs without a token', async () => {
    hub = new ConsoleHub({ sources: {} });
    server = await serveConsole({ hub, port: 0 });
    expect((await get(`${server.url}api/snapshot`, { host: 'rebound.example' })).status).toBe(403);
    expect((await get(`${server.url}api/snapshot`)).status).toBe(200);
  });
});

describe('ConsoleHub', () => {
  it('shows each alert once although every poll reads the whole lookback again', async () => {
    const table: ConsoleAlert[] = [];
    const whale = (n: number): ConsoleAlert => ({
      alert_id: `whale:binance:BTC-USDT:${n}`,
      alert_type: 'WHALE',
      symbol: 'BTC-USDT',
      alert_time: 1_000 + n,
    });
    hub = new ConsoleHub({
      symbols: ['BTC-USDT'],
      sources: { alerts: (_symbols, since) => Promise.resolve(table.filter((a) => a.alert_time >= since)) },
      alertLookbackMs: 1_000_000,
    });
    table.push(whale(1), whale(2));
    await hub.pollAlerts(10_000);
    table.push(whale(3));
    await hub.pollAlerts(10_000);
    await hub.pollAlerts(10_000);
    const snapshot = hub.snapshot();
    expect(snapshot.alerts.map((a) => a.alert_id)).toEqual([3, 2, 1].map((n) => whale(n).alert_id));
    expect(snapshot.alertCounts.WHALE).toBe(3);
  });

  it('reports a failing source on the page and keeps polling the others', async () => {
    let fail = true;
    hub = new ConsoleHub({
      sources: {
        dlq: () => (fail ? Promise.reject(new Error('bucket unreachable')) : Promise.resolve({ parse_error: 2 })),
        health: () => ({ checkpoints: 7 }),
      },
      pollMs: { dlq: 50, health: 50 },
    });
    hub.start();
    await expect.poll(() => hub!.snapshot().errors.dlq).toBe('bucket unreachable');
    expect(hub.snapshot().health.checkpoints).toBe(7);
    fail = false;
    await expect.poll(() => hub!.snapshot().dlqByReason).toEqual({ parse_error: 2 });
    expect(hub.snapshot().errors).toEqual({});
  });
});
