import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local emulator of Binance's `/api/v3/aggTrades` and `/api/v3/historicalTrades` on 127.0.0.1,
 * for the loader's tests and benchmark: the documented payload shapes (see
 * test/fixtures/binance-rest/), `fromId` / `startTime` / `endTime` / `limit`
 * semantics as documented (inclusive, oldest first, limit ≤ 1000), request weights (4 and 25)
 * counted per window and reported in `x-mbx-used-weight(-1m)`, 429 + `Retry-After` past the limit,
 * and `{"code","msg"}` error bodies. Trades are computed from their index, so 5 M of them cost no
 * memory: trade i of a symbol has id `firstId + i`, time `startTime + floor(i * 1000 / perSecond)`,
 * and aggregate id `firstAggId + i` (one fill per aggregate, `f == l`).
 */
export interface EmulatedSymbol {
  startTime: number;
  tradesPerSecond: number;
  count: number;
  firstId?: number;
  firstAggId?: number;
}

/** A scripted answer for the next request(s), before any normal handling. */
export interface Fault {
  status: number;
  retryAfter?: number;
  body?: string;
}

export interface EmulatorOptions {
  symbols: Record<string, EmulatedSymbol>;
  weightLimit?: number;
  windowMs?: number;
  /** Delay before every answer, to make a load slow enough to kill mid-way. */
  delayMs?: number;
}

export interface BinanceEmulator {
  url: string;
  /** Every request as `path?query`. */
  requests: string[];
  /** Trades (or aggregates) served per symbol. */
  served: Map<string, number>;
  rejectedForWeight: number;
  faults: Fault[];
  close(): Promise<void>;
}

const WEIGHTS: Record<string, number> = { '/api/v3/aggTrades': 4, '/api/v3/historicalTrades': 25 };

export async function startBinanceEmulator(options: EmulatorOptions): Promise<BinanceEmulator> {
  const limitWeight = options.weightLimit ?? 6000;
  const windowMs = options.windowMs ?? 60_000;
  let window = -1;
  let used = 0;
  const state: Omit<BinanceEmulator, 'url' | 'close'> = {
    requests: [],
    served: new Map(),
    rejectedForWeight: 0,
    faults: [],
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json;charset=UTF-8',
      'x-mbx-used-weight': String(used),
      'x-mbx-used-weight-1m': String(used),
      ...headers,
    });
    res.end(text);
  };
  const error = (res: ServerResponse, status: number, code: number, msg: string): void =>
    send(res, status, { code, msg });

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://x');
    state.requests.push(`${url.pathname}${url.search}`);
    const fault = state.faults.shift();
    if (fault)
      return send(
        res,
        fault.status,
        fault.body ?? '',
        fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) },
      );
    const weight = WEIGHTS[url.pathname];
    if (weight === undefined) return error(res, 404, -1000, 'An unknown error occurred while processing the request.');
    const w = Math.floor(Date.now() / windowMs);
    if (w !== window) [window, used] = [w, 0];
    used += weight;
    if (used > limitWeight) {
      state.rejectedForWeight++;
      const retryAfter = Math.ceil(((w + 1) * windowMs - Date.now()) / 1000);
      return send(
        res,
        429,
        {
          code: -1003,
          msg: `Too much request weight used; current limit is ${limitWeight} request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.`,
        },
        { 'retry-after': String(retryAfter) },
      );
    }
    const q = url.searchParams;
    const symbolName = q.get('symbol');
    if (!symbolName)
      return error(res, 400, -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
    const sym = options.symbols[symbolName];
    if (!sym) return error(res, 400, -1121, 'Invalid symbol.');
    const limit = q.has('limit') ? Number(q.get('limit')) : 500;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      return error(res, 400, -1130, "Data sent for parameter 'limit' is not valid.");
    const firstId = sym.firstId ?? 1_000_000;
    const firstAgg = sym.firstAggId ?? 500_000;
    const timeOf = (i: number): number => sym.startTime + Math.floor((i * 1000) / sym.tradesPerSecond);
    const num = (name: string): number | undefined => (q.has(name) ? Number(q.get(name)) : undefined);
    const fromId = num('fromId');
    const startTime = num('startTime');
    const endTime = num('endTime');
    const agg = url.pathname === '/api/v3/aggTrades';
    let from: number;
    let to = sym.count - 1;
    if (fromId !== undefined) from = fromId - (agg ? firstAgg : firstId);
    else if (startTime !== undefined) from = Math.ceil(((startTime - sym.startTime) * sym.tradesPerSecond) / 1000);
    else from = sym.count - limit;
    if (!agg && (startTime !== undefined || endTime !== undefined))
      return error(res, 400, -1104, "Not all sent parameters were read; read '3' parameter(s) but was sent '4'.");
    if (endTime !== undefined)
      to = Math.min(to, Math.ceil(((endTime + 1 - sym.startTime) * sym.tradesPerSecond) / 1000) - 1);
    from = Math.max(0, from);
    const last = Math.min(to, from + limit - 1);
    const parts: string[] = [];
    for (let i = from; i <= last; i++) {
      const price = (60_000 + ((i * 7919) % 100_000) / 100).toFixed(8);
      const qty = (0.001 + ((i * 31) % 500) / 1000).toFixed(8);
      const maker = i % 3 === 0;
      const id = firstId + i;
      parts.push(
        agg
          ? `{"a":${firstAgg + i},"p":"${price}","q":"${qty}","f":${id},"l":${id},"T":${timeOf(i)},"m":${maker},"M":true}`
          : `{"id":${id},"price":"${price}","qty":"${qty}","quoteQty":"${(Number(price) * Number(qty)).toFixed(8)}","time":${timeOf(i)},"isBuyerMaker":${maker},"isBestMatch":true}`,
      );
    }
    state.served.set(symbolName, (state.served.get(symbolName) ?? 0) + parts.length);
    send(res, 200, `[${parts.join(',')}]`);
  };

  const server = createServer((req, res) =>
    options.delayMs ? setTimeout(() => handle(req, res), options.delayMs) : handle(req, res),
  );
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((e) => (e ? reject(e) : resolve()));
    });
  return Object.assign(state, { url: `http://127.0.0.1:${port}`, close });
}
