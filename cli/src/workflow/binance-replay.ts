import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running replay of Binance's `/api/v3/historicalTrades` and `/api/v3/aggTrades`. */
export interface BinanceReplay {
  url: string;
  close(): Promise<void>;
}

/**
 * A deterministic stand-in for Binance's public REST trade pages on 127.0.0.1, so the daily
 * pipeline runs with no network: `tradesPerSecond` trades a second for every symbol asked, oldest
 * first, at most `limit` (≤ 1000) per page, in the documented payload shapes.
 * `historicalTrades` pages by `fromId`; `aggTrades` by `startTime`/`endTime` (inclusive) or
 * `fromId`, one aggregate per trade (`a` = `f` = `l` = the trade id), which is how a load by
 * trades finds the first trade id of its range. Prices walk deterministically from the trade id.
 */
export async function startBinanceReplay(tradesPerSecond = 2): Promise<BinanceReplay> {
  const step = 1000 / tradesPerSecond;
  const trade = (i: number) => ({
    price: (60_000 + Math.sin(i / 50) * 500 + (i % 17)).toFixed(2),
    qty: (0.001 + ((i * 31) % 500) / 1000).toFixed(8),
    time: Math.round(i * step),
    buyerIsMaker: i % 3 === 0,
  });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://replay');
    const n = (k: string): number | undefined =>
      url.searchParams.has(k) ? Number(url.searchParams.get(k)) : undefined;
    const limit = Math.min(1000, n('limit') ?? 500);
    const now = Date.now();
    const body: string[] = [];
    if (url.pathname === '/api/v3/historicalTrades') {
      // Without fromId Binance answers the most recent trades.
      const first = n('fromId') ?? Math.max(0, Math.floor(now / step) - limit + 1);
      for (let i = first; body.length < limit && i * step <= now; i++) {
        const t = trade(i);
        const quote = (Number(t.price) * Number(t.qty)).toFixed(8);
        body.push(
          `{"id":${i},"price":"${t.price}","qty":"${t.qty}","quoteQty":"${quote}","time":${t.time},"isBuyerMaker":${t.buyerIsMaker},"isBestMatch":true}`,
        );
      }
    } else if (url.pathname === '/api/v3/aggTrades') {
      const end = n('endTime') ?? now;
      const fromId = n('fromId');
      const first = fromId !== undefined ? fromId : Math.ceil((n('startTime') ?? end - 3_600_000) / step);
      for (let i = first; body.length < limit && i * step <= end; i++) {
        const t = trade(i);
        body.push(
          `{"a":${i},"p":"${t.price}","q":"${t.qty}","f":${i},"l":${i},"T":${t.time},"m":${t.buyerIsMaker},"M":true}`,
        );
      }
    } else {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end('{"code":-1,"msg":"only /api/v3/historicalTrades and /api/v3/aggTrades are replayed"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'x-mbx-used-weight-1m': '4' }).end(`[${body.join(',')}]`);
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
