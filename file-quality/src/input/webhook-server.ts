import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger, type Logger } from '@coattail/runtime';
import { EventFormatError, describeError } from '../errors.js';
import type { FileQualityProcessor } from '../processor.js';
import { runEvents } from './run-events.js';
import { parseS3Events } from './s3-events.js';

/** Options of {@link startWebhookServer}. */
export interface WebhookServerOptions {
  readonly processor: Pick<FileQualityProcessor, 'process'>;
  /** @default 127.0.0.1 */
  readonly host?: string;
  /** 0 picks a free port. @default 8788 */
  readonly port?: number;
  /** Largest request body. @default 1 MiB */
  readonly maxBodyBytes?: number;
  /** Events of one request processed at once. @default 2 */
  readonly concurrency?: number;
  readonly logger?: Logger;
}

/** A running webhook: its URL and `close()`. */
export interface WebhookServer {
  readonly url: string;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new EventFormatError(`request body over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * An HTTP webhook for S3 event notifications: `POST /events` with any shape
 * `parseS3Events` reads. Answers 200 with each event's outcome when every event was handled, 400
 * for a body that is not an S3 event, and 503 when an event failed retryably (the sender should
 * retry). `GET /healthz` answers 200.
 *
 * @example
 * const server = await startWebhookServer({ processor, port: 8788 });
 * // curl -XPOST localhost:8788/events -d '{"bucket":"b","key":"agency/a/files/f/2026-01-04/12/x.csv"}'
 */
export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const log = (options.logger ?? silentLogger).child({ component: 'dq-webhook' });
  const server: Server = createServer((req, res) => {
    void (async () => {
      if (req.method === 'GET' && req.url === '/healthz') return send(res, 200, { ok: true });
      if (req.method !== 'POST' || (req.url !== '/events' && req.url !== '/'))
        return send(res, 404, { error: 'POST /events with an S3 event notification' });
      try {
        const events = parseS3Events(await readBody(req, options.maxBodyBytes ?? 1_048_576));
        const summary = await runEvents(options.processor, events, options.concurrency ?? 2);
        const retry = summary.outcomes.some((o) => o.status === 'failed' && o.retryable);
        send(res, retry ? 503 : 200, summary);
      } catch (error) {
        if (error instanceof EventFormatError) return send(res, 400, { error: error.message });
        log.error({ error: describeError(error) }, 'webhook request failed');
        send(res, 500, { error: describeError(error) });
      }
    })();
  });
  server.listen(options.port ?? 8788, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;
  log.info({ url }, 'file-quality webhook listening');
  return {
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
