import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { zipOneFile } from './zip-writer.js';

/** One trade as Binance's database holds it (and its archive CSV lists it). */
export interface ArchivedTrade {
  id: number;
  price: string;
  qty: string;
  time: number;
  buyerIsMaker: boolean;
}

/** Reads our archive CSV fixture (`id,price,qty,quote_qty,time,is_buyer_maker,is_best_match`). */
export async function readArchiveCsv(path: string): Promise<{ csv: Buffer; trades: ArchivedTrade[] }> {
  const csv = await readFile(path);
  const trades = csv
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => {
      const [id, price, qty, , time, maker] = l.split(',');
      return { id: Number(id), price: price!, qty: qty!, time: Number(time), buyerIsMaker: maker === 'True' };
    });
  return { csv, trades };
}

/**
 * Binance's trade aggregation: consecutive fills of one taker order at one price and time form
 * one aggregate (the property that makes aggTrades differ from the live `@trade` stream).
 */
export function aggregate(trades: readonly ArchivedTrade[], firstAggId: number) {
  const out: { a: number; p: string; q: number; f: number; l: number; T: number; m: boolean }[] = [];
  for (const t of trades) {
    const last = out.at(-1);
    if (last && last.T === t.time && last.m === t.buyerIsMaker && Number(last.p) === Number(t.price)) {
      last.q += Number(t.qty);
      last.l = t.id;
    } else
      out.push({
        a: firstAggId + out.length,
        p: t.price,
        q: Number(t.qty),
        f: t.id,
        l: t.id,
        T: t.time,
        m: t.buyerIsMaker,
      });
  }
  return out;
}

export interface ArchiveServer {
  url: string;
  requests: string[];
  /** Serve a CHECKSUM that does not match the zip (a corrupted download). */
  corruptChecksum: boolean;
  close(): Promise<void>;
}

/**
 * Binance on loopback for one symbol and day: the daily archive (`/data/spot/daily/trades/...zip`
 * and its `.CHECKSUM`), `/api/v3/historicalTrades` by `fromId`, and `/api/v3/aggTrades` by time
 * or id, all from the same trades. Any other day of the archive is 404 (not published).
 */
export async function startArchiveServer(symbol: string, day: string, csv: Buffer, trades: ArchivedTrade[]) {
  const name = `${symbol}-trades-${day}.zip`;
  const zip = zipOneFile(`${symbol}-trades-${day}.csv`, csv);
  const sha = createHash('sha256').update(zip).digest('hex');
  const aggs = aggregate(trades, 900_000);
  const state = { requests: [] as string[], corruptChecksum: false };
  const json = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    state.requests.push(`${url.pathname}${url.search}`);
    const q = url.searchParams;
    const num = (k: string): number | undefined => (q.has(k) ? Number(q.get(k)) : undefined);
    const limit = num('limit') ?? 500;
    const archive = `/data/spot/daily/trades/${symbol}/${name}`;
    if (url.pathname === archive) return res.writeHead(200, { 'content-type': 'application/zip' }).end(zip);
    if (url.pathname === `${archive}.CHECKSUM`)
      return res
        .writeHead(200)
        .end(`${state.corruptChecksum ? sha.replace(/^./, sha[0] === '0' ? '1' : '0') : sha}  ${name}\n`);
    if (url.pathname.startsWith('/data/')) return res.writeHead(404).end('<Error><Code>NoSuchKey</Code></Error>');
    if (q.get('symbol') !== symbol) return json(res, 400, { code: -1121, msg: 'Invalid symbol.' });
    if (url.pathname === '/api/v3/historicalTrades') {
      const from = num('fromId') ?? trades[0]!.id;
      return json(
        res,
        200,
        trades
          .filter((t) => t.id >= from)
          .slice(0, limit)
          .map((t) => ({
            id: t.id,
            price: t.price,
            qty: t.qty,
            quoteQty: '0',
            time: t.time,
            isBuyerMaker: t.buyerIsMaker,
            isBestMatch: true,
          })),
      );
    }
    if (url.pathname === '/api/v3/aggTrades') {
      const [fromId, start, end] = [num('fromId'), num('startTime'), num('endTime')];
      const page = aggs
        .filter(
          (a) =>
            (fromId === undefined || a.a >= fromId) &&
            (start === undefined || a.T >= start) &&
            (end === undefined || a.T <= end),
        )
        .slice(0, limit)
        .map((a) => ({ ...a, q: a.q.toFixed(8), M: true }));
      return json(res, 200, page);
    }
    return json(res, 404, { code: -1000, msg: 'unknown path' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  }) satisfies ArchiveServer;
}
