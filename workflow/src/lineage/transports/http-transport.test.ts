import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../openlineage-schema.js';
import { createHttpTransport } from './http-transport.js';

// Marquez cannot run here (JVM + PostgreSQL service); this endpoint speaks the same
// `POST /api/v1/lineage` contract and lets a test choose each response.
type Reply = (event: RunEvent, res: ServerResponse) => void;
interface Endpoint {
  url: string;
  port: number;
  received: RunEvent[];
  reply: Reply;
  /** Resolves once `n` events have been accepted. */
  until(n: number): Promise<void>;
  close(): Promise<void>;
}

async function startEndpoint(port = 0, reply: Reply = (_e, res) => res.writeHead(201).end()): Promise<Endpoint> {
  const waiters: { n: number; resolve: () => void }[] = [];
  const endpoint: Endpoint = {
    url: '',
    port: 0,
    received: [],
    reply,
    until: (n) => new Promise((resolve) => (endpoint.received.length >= n ? resolve() : waiters.push({ n, resolve }))),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const server: Server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const event = JSON.parse(body) as RunEvent;
      endpoint.reply(event, res);
      if (res.statusCode < 300) endpoint.received.push(event);
      for (const w of waiters.filter((w) => endpoint.received.length >= w.n)) w.resolve();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  endpoint.port = (server.address() as AddressInfo).port;
  endpoint.url = `http://127.0.0.1:${endpoint.port}/api/v1/lineage`;
  return endpoint;
}

const event = (n: number): RunEvent => ({
  eventTime: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
  producer: 'https://example.com/p',
  schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
  eventType: 'START',
  run: { runId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}` },
  job: { namespace: 'coattail', name: `job-${n}` },
});
const names = (events: RunEvent[]) => events.map((e) => e.job.name);

let dir: string;
let spoolPath: string;
const endpoints: Endpoint[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coattail-lineage-http-'));
  spoolPath = join(dir, 'spool', 'lineage.jsonl');
});
afterEach(async () => {
  await Promise.all(endpoints.splice(0).map((e) => e.close()));
  await rm(dir, { recursive: true, force: true });
});
async function endpoint(port?: number, reply?: Reply) {
  const e = await startEndpoint(port, reply);
  endpoints.push(e);
  return e;
}

describe('HTTP lineage transport', () => {
  it('posts events to the endpoint in emission order', async () => {
    const marquez = await endpoint();
    const transport = createHttpTransport({ url: marquez.url, spoolPath, headers: { 'X-Test': '1' } });
    for (let i = 1; i <= 5; i++) await transport.emit(event(i));
    await transport.close();
    expect(names(marquez.received)).toEqual(['job-1', 'job-2', 'job-3', 'job-4', 'job-5']);
    expect(transport.stats()).toEqual({ sent: 5, rejected: 0, spooled: 0, queued: 0 });
    await expect(transport.emit(event(6))).rejects.toThrow(/is closed/);
  });

  it('spools while the endpoint is down and replays everything in order once it is back', async () => {
    const probe = await startEndpoint();
    const port = probe.port;
    await probe.close();
    const transport = createHttpTransport({
      url: `http://127.0.0.1:${port}/api/v1/lineage`,
      spoolPath,
      retryIntervalMs: 20,
    });
    await transport.emit(event(1));
    await transport.flush();
    await transport.emit(event(2));
    await transport.emit(event(3));
    await transport.flush();
    expect(
      (await readFile(spoolPath, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as RunEvent).job.name),
    ).toEqual(['job-1', 'job-2', 'job-3']);
    expect(transport.stats()).toMatchObject({ sent: 0, spooled: 3, queued: 0 });
    const marquez = await endpoint(port);
    await marquez.until(3);
    await transport.emit(event(4));
    await transport.close();
    expect(names(marquez.received)).toEqual(['job-1', 'job-2', 'job-3', 'job-4']);
    await expect(readFile(spoolPath)).rejects.toThrow(/ENOENT/);
  });

  it('keeps the unsent rest of the spool when the endpoint fails again during replay', async () => {
    let failures = 2;
    const marquez = await endpoint(0, (e, res) => {
      if (e.job.name === 'job-2' && failures-- > 0) res.writeHead(503).end();
      else res.writeHead(201).end();
    });
    const transport = createHttpTransport({ url: marquez.url, spoolPath, retryIntervalMs: 10 });
    for (let i = 1; i <= 4; i++) await transport.emit(event(i));
    await marquez.until(4);
    await transport.close();
    expect(names(marquez.received)).toEqual(['job-1', 'job-2', 'job-3', 'job-4']);
  });

  it('keeps events the endpoint refuses beside the spool and goes on with the rest', async () => {
    const marquez = await endpoint(0, (e, res) => res.writeHead(e.job.name === 'job-2' ? 422 : 201).end());
    const transport = createHttpTransport({ url: marquez.url, spoolPath });
    for (let i = 1; i <= 3; i++) await transport.emit(event(i));
    await transport.close();
    expect(names(marquez.received)).toEqual(['job-1', 'job-3']);
    expect(JSON.parse(await readFile(`${spoolPath}.rejected`, 'utf8'))).toMatchObject({ job: { name: 'job-2' } });
    expect(transport.stats()).toMatchObject({ sent: 2, rejected: 1 });
  });

  it('replays a spool left by an earlier process before anything new, refusing what the endpoint refuses', async () => {
    const first = createHttpTransport({
      url: 'http://127.0.0.1:9/api/v1/lineage',
      spoolPath,
      retryIntervalMs: 60_000,
      timeoutMs: 200,
    });
    await first.emit(event(1));
    await first.emit(event(2));
    await first.close();
    const marquez = await endpoint(0, (e, res) => res.writeHead(e.job.name === 'job-1' ? 400 : 201).end());
    const second = createHttpTransport({ url: marquez.url, spoolPath });
    await second.emit(event(3));
    await second.close();
    expect(names(marquez.received)).toEqual(['job-2', 'job-3']);
    expect(second.stats()).toMatchObject({ rejected: 1, sent: 2 });
  });

  it('treats a request that times out as the endpoint being down', async () => {
    const held: ServerResponse[] = [];
    const marquez = await endpoint(0, (_e, res) => void held.push(res));
    const transport = createHttpTransport({ url: marquez.url, spoolPath, timeoutMs: 50, retryIntervalMs: 60_000 });
    await transport.emit(event(1));
    await transport.flush();
    expect(transport.stats()).toMatchObject({ sent: 0, spooled: 1 });
    for (const res of held) res.writeHead(201).end();
    await transport.close();
  });

  it('makes emitters wait while the queue is full (back-pressure)', async () => {
    const held: ServerResponse[] = [];
    let arrived: () => void = () => undefined;
    const first = new Promise<void>((resolve) => (arrived = resolve));
    const marquez = await endpoint(0, (_e, res) => {
      held.push(res);
      arrived();
    });
    const transport = createHttpTransport({ url: marquez.url, spoolPath, maxQueued: 2 });
    await transport.emit(event(1));
    await transport.emit(event(2));
    let thirdAccepted = false;
    const third = transport.emit(event(3)).then(() => (thirdAccepted = true));
    await first;
    await Promise.resolve();
    expect(thirdAccepted).toBe(false);
    expect(transport.stats().queued).toBe(2);
    marquez.reply = (_e, res) => res.writeHead(201).end();
    held.shift()!.writeHead(201).end();
    await third;
    expect(thirdAccepted).toBe(true);
    await transport.close();
    expect(transport.stats().sent).toBe(3);
  });

  it('says so when events can be neither sent nor spooled, and keeps them in memory', async () => {
    await mkdir(spoolPath, { recursive: true });
    const transport = createHttpTransport({
      url: 'http://127.0.0.1:9/api/v1/lineage',
      spoolPath,
      retryIntervalMs: 60_000,
    });
    await transport.emit(event(1));
    await expect(transport.flush()).rejects.toThrow(
      /could not be spooled to .*lineage\.jsonl: EISDIR.*1 event\(s\) still held in memory/,
    );
    await expect(transport.close()).rejects.toThrow(/could not be spooled/);
  });
});
