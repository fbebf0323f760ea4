import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { silentLogger, type Logger } from '@coattail/runtime';
import { describeError } from '../errors.js';
import { REPORT_FILES } from '../reports/write-reports.js';
import { readReconResult } from '../result/read-result.js';
import type { ReconResult } from '../result/types.js';
import { MismatchPages, pageQuerySchema } from './mismatch-pages.js';
import { dashboardHtml } from './page-html.js';
import { SuiteTables } from './suite-tables.js';

/** Options of {@link serveDashboard}. */
export interface DashboardOptions {
  /** Output folder of a reconciliation (holds result.json). */
  dir: string;
  /** @default 8787; 0 picks a free port */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  logger?: Logger;
}

/** A running dashboard. */
export interface DashboardServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the reconciliation dashboard: one self-contained page (inline SVG charts, no
 * framework, no CDN), the result JSON, server-side pages of the mismatch table and downloads
 * of the artifacts the result lists (nothing else on disk is reachable).
 *
 * @example
 * const server = await serveDashboard({ dir: 'recon-output', port: 0 });
 * console.log(server.url);
 */
export async function serveDashboard(options: DashboardOptions): Promise<DashboardServer> {
  const log = (options.logger ?? silentLogger).child({ component: 'recon-dashboard' });
  const tables = new SuiteTables(options.dir);
  const pages = new Map<string, Promise<MismatchPages>>();
  const pagesOf = (dir: string): Promise<MismatchPages> => {
    let opened = pages.get(dir);
    if (opened === undefined) pages.set(dir, (opened = MismatchPages.open(dir)));
    return opened;
  };
  const loadResult = (dir: string): Promise<ReconResult> => readReconResult(join(dir, REPORT_FILES.result));

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET') return send(res, 405, 'text/plain', 'method not allowed');
    if (url.pathname === '/') return send(res, 200, 'text/html; charset=utf-8', dashboardHtml());
    if (url.pathname === '/favicon.ico') return send(res, 204, 'image/x-icon', '');
    if (url.pathname === '/api/tables') return send(res, 200, 'application/json', JSON.stringify(await tables.list()));
    const table = url.searchParams.get('table');
    url.searchParams.delete('table');
    // A table of a multi-table run, or the single result the folder holds; null: no such table.
    const dir = await tables.dirOf(table);
    if (dir === null) return send(res, 404, 'text/plain', `no table named '${table}' in this run`);
    if (url.pathname === '/api/result')
      return send(res, 200, 'application/json', JSON.stringify(await loadResult(dir)));
    if (url.pathname === '/api/mismatches') {
      const query = pageQuerySchema.safeParse(Object.fromEntries(url.searchParams));
      if (!query.success) return send(res, 400, 'application/json', JSON.stringify({ error: query.error.issues }));
      return send(res, 200, 'application/json', JSON.stringify(await (await pagesOf(dir)).page(query.data)));
    }
    if (url.pathname.startsWith('/download/')) {
      const name = decodeURIComponent(url.pathname.slice('/download/'.length));
      const allowed = await tables.artifacts(table, () => loadResult(dir));
      if (!allowed.includes(name)) return send(res, 404, 'text/plain', 'no such report');
      const file = join(dir, name);
      const size = (await stat(file)).size;
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': size,
        'content-disposition': `attachment; filename="${name.replaceAll('"', '')}"`,
      });
      createReadStream(file).pipe(res);
      return;
    }
    send(res, 404, 'text/plain', 'not found');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.error({ err: error, url: req.url }, 'dashboard request failed');
      if (!res.headersSent) send(res, 500, 'application/json', JSON.stringify({ error: describeError(error) }));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8787, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}/`;
  log.info({ url, dir: options.dir }, 'dashboard listening');
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          void Promise.all([...pages.values()].map(async (p) => (await p).close())).then(() => resolve());
        });
      }),
  };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(body);
}
