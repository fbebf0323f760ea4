import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger, type Logger } from '@coattail/runtime';
import type { ConsoleHub } from '../hub/console-hub.js';
import { consoleHtml } from '../page/page-html.js';
import { checkAccess, checkListenAddress, presentedToken, TOKEN_COOKIE } from './access.js';

/** Options of {@link serveConsole}. */
export interface ConsoleServerOptions {
  hub: ConsoleHub;
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 8790; 0 picks a free port */
  port?: number;
  /** Required for any address beyond loopback; checked on every request, the event stream included. */
  token?: string;
  logger?: Logger;
}

/** A running console. */
export interface ConsoleServer {
  /** The page's address (without the token). */
  url: string;
  close(): Promise<void>;
}

/** A slow browser gets the next snapshot instead of a queue of old ones. */
const MAX_BUFFERED_BYTES = 1 << 20;

// The page loads nothing from anywhere: no CDN, no fonts, no images; it talks only to this server.
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};

/**
 * Serves the live operations page: `/` (one self-contained document), `/api/snapshot` (the latest
 * snapshot as JSON) and `/events` (server-sent events, one aggregated snapshot per hub tick).
 *
 * @example
 * const server = await serveConsole({ hub, port: 0 });
 * console.log(`operations console: ${server.url}`);
 */
export async function serveConsole(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token === '' ? undefined : options.token;
  checkListenAddress(host, token);
  const log = (options.logger ?? silentLogger).child({ component: 'console-server' });
  const { hub } = options;

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const denied = checkAccess(req, token);
    if (denied !== undefined) return send(res, denied.status, 'text/plain; charset=utf-8', denied.reason);
    if (req.method !== 'GET') return send(res, 405, 'text/plain', 'method not allowed');
    const { pathname } = new URL(req.url ?? '/', 'http://console');
    if (pathname === '/') {
      // A page opened with ?token= keeps it in a cookie its event stream sends back.
      const cookie: Record<string, string> =
        token !== undefined && presentedToken(req) === token
          ? { 'set-cookie': `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/` }
          : {};
      return send(res, 200, 'text/html; charset=utf-8', consoleHtml(), { ...PAGE_HEADERS, ...cookie });
    }
    if (pathname === '/favicon.ico') return send(res, 204, 'image/x-icon', '');
    if (pathname === '/api/snapshot') return send(res, 200, 'application/json', JSON.stringify(hub.latest()));
    if (pathname === '/events') return stream(req, res);
    send(res, 404, 'text/plain', 'not found');
  };

  const stream = (req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-content-type-options': 'nosniff',
    });
    const write = (snapshot: ReturnType<ConsoleHub['latest']>): void => {
      if (res.writableLength > MAX_BUFFERED_BYTES) return;
      res.write(`data: ${JSON.stringify(snapshot)}\n\n`);
    };
    res.write('retry: 2000\n\n');
    write(hub.latest());
    const unsubscribe = hub.subscribe(write);
    req.on('close', unsubscribe);
  };

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (error) {
      log.error({ err: error, url: req.url }, 'console request failed');
      if (!res.headersSent) send(res, 500, 'text/plain', 'internal error');
      else res.destroy();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8790, host, resolve);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}/`;
  log.info({ url }, 'operations console listening');
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(body);
}
