import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running replay of Binance's `/api/v3/aggTrades`. */
export interface BinanceReplay {
  url: string;
  close(): Promise<void>;
}

/**
 * A deterministic stand-in for Binance's public REST `aggTrades` on 127.0.0.1, so the daily
 * pipeline runs with no network: `tradesPerSecond` trades a second for every symbol asked, from
 * `startTime`/`endTime` (inclusive), oldest first, at most `limit` (≤ 1000) per page, in the
 * documented payload shape. Prices walk deterministically from the trade index.
 */
export async function startBinanceReplay(tradesPerSecond = 2): Promise<BinanceReplay> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://replay');
    if (url.pathname !== '/api/v3/aggTrades') {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end('{"code":-1,"msg":"only /api/v3/aggTrades is replayed"}');
      return;
    }
    const n = (k: string): number | undefined =>
      url.searchParams.has(k) ? Number(url.searchParams.get(k)) : undefined;
    const step = 1000 / tradesPerSecond;
    const limit = Math.min(1000, n('limit') ?? 500);
    const end = n('endTime') ?? Date.now();
    const fromId = n('fromId');
    const first = fromId !== undefined ? fromId : Math.ceil((n('startTime') ?? end - 3_600_000) / step);
    const trades: string[] = [];
    for (let i = first; trades.length < limit && i * step <= end; i++) {
      const price = (60_000 + Math.sin(i / 50) * 500 + (i % 17)).toFixed(2);
      const qty = (0.001 + ((i * 31) % 500) / 1000).toFixed(8);
      trades.push(
        `{"a":${i},"p":"${price}","q":"${qty}","f":${i},"l":${i},"T":${Math.round(i * step)},"m":${i % 3 === 0},"M":true}`,
      );
    }
    res
      .writeHead(200, { 'content-type': 'application/json', 'x-mbx-used-weight-1m': '4' })
      .end(`[${trades.join(',')}]`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
