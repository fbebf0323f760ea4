import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { Exchange } from '../models.js';
import { SymbolMap } from '../symbols.js';
import { AdvancedTradeSession } from './advanced-trade-session.js';
import { onBinanceRequest, onCoinbaseRequest, type RequestContext, type Session } from './client-requests.js';
import { binanceTradeFrame, coinbaseMatchFrame } from './encode.js';
import { Market, type SimTrade } from './market.js';
import type { ExchangeSimulator, ExchangeSimulatorOptions, SimulatorFaults } from './simulator-options.js';

export type { ExchangeSimulator, ExchangeSimulatorOptions, SimulatorFaults } from './simulator-options.js';

const HISTORY = 1_000;

/**
 * A local WebSocket server speaking Binance's combined-stream protocol (`/binance/stream?streams=
 * btcusdt@trade/...`, server pings, `SUBSCRIBE` acks, 5 messages/s inbound limit) and Coinbase
 * Exchange's feed (`/coinbase`: subscribe → `subscriptions` ack, `last_match`, `match`,
 * heartbeats, `error` for unknown products), fed by a synthetic {@link Market}. The production
 * adapters connect to it unchanged; only the URL differs.
 *
 * @example
 * const sim = await startExchangeSimulator({ symbols: ['BTC-USDT'], tradesPerSecond: 1_000 });
 * const protocol = binanceProtocol(symbols, sim.binanceUrl);
 * sim.faults.drop('binance');
 * await sim.close();
 */
export async function startExchangeSimulator(options: ExchangeSimulatorOptions = {}): Promise<ExchangeSimulator> {
  const market = new Market(options);
  const map = new SymbolMap(market.symbols, options.coinbaseProducts ?? {});
  const tickMs = options.tickMs ?? 10;
  const pingMs = options.pingIntervalMs ?? 20_000;
  const pongTimeoutMs = options.pongTimeoutMs ?? 60_000;
  const sessions = new Set<Session>();
  const history = { binance: new Map<string, SimTrade[]>(), coinbase: new Map<string, SimTrade[]>() };
  const generated: Record<Exchange, number> = { binance: 0, coinbase: 0 };
  const unlisted = new Set(options.coinbaseUnlisted ?? []);
  const byProduct = new Map(
    market.symbols.filter((s) => !unlisted.has(s)).map((s) => [map.coinbaseProduct(s), s] as const),
  );
  const refusals: Record<Exchange, { status: number; count: number; retryAfterSec?: number } | undefined> = {
    binance: undefined,
    coinbase: undefined,
  };

  const frame = (t: SimTrade, type: 'match' | 'last_match' = 'match'): string =>
    t.exchange === 'binance'
      ? binanceTradeFrame(t, `${map.binanceStream(t.symbol)}@trade`)
      : coinbaseMatchFrame(t, map.coinbaseProduct(t.symbol), type);
  const send = (s: Session, text: string): void => {
    if (s.ws.readyState === WebSocket.OPEN && Date.now() >= s.silentUntil) s.ws.send(text);
  };
  const recent = (exchange: Exchange, symbol: string, n: number): SimTrade[] =>
    (history[exchange].get(symbol) ?? []).slice(-n);
  const replayTo = (s: Session, n: number): void => {
    if (s.advanced !== undefined) {
      const trades = [...s.advanced.symbols].flatMap((symbol) => recent('coinbase', symbol, n));
      if (trades.length > 0) send(s, s.advanced.trades('update', trades));
      return;
    }
    for (const symbol of s.symbols) for (const t of recent(s.exchange, symbol, n)) send(s, frame(t));
  };

  const wss = new WebSocketServer({ noServer: true, autoPong: false });
  // Binance's symbol metadata, as `GET /api/v3/exchangeInfo` answers it (only the fields read).
  const exchangeInfo = JSON.stringify({
    symbols: [
      ...market.symbols.map((s) => {
        const [baseAsset, quoteAsset] = s.split('-');
        return { symbol: `${baseAsset}${quoteAsset}`, baseAsset, quoteAsset, status: 'TRADING' };
      }),
      ...(options.binanceSymbolInfo ?? []).map((i) => ({ ...i, status: 'TRADING' })),
    ],
  });
  const server = createServer((req, res) => {
    if (req.url === '/binance/api/v3/exchangeInfo')
      res.writeHead(200, { 'content-type': 'application/json' }).end(exchangeInfo);
    else res.writeHead(404).end();
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://sim');
    const advanced = url.pathname === '/coinbase-advanced';
    const exchange: Exchange | undefined =
      url.pathname === '/binance/stream'
        ? 'binance'
        : url.pathname === '/coinbase' || advanced
          ? 'coinbase'
          : undefined;
    if (exchange === undefined) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    if (exchange === 'binance' && (req.url ?? '').length > (options.binanceMaxUrlLength ?? Infinity)) {
      socket.end('HTTP/1.1 414 URI Too Long\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    const refusal = refusals[exchange];
    if (refusal !== undefined && refusal.count > 0) {
      refusal.count--;
      const retryAfter = refusal.retryAfterSec === undefined ? '' : `Retry-After: ${refusal.retryAfterSec}\r\n`;
      socket.end(`HTTP/1.1 ${refusal.status} Refused\r\n${retryAfter}Content-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const s: Session = {
        ws,
        socket,
        exchange,
        symbols: new Set(),
        heartbeats: new Set(),
        silentUntil: 0,
        lastPong: Date.now(),
        inbound: [],
      };
      if (advanced)
        s.advanced = new AdvancedTradeSession({
          symbolOf: (product) => byProduct.get(product),
          productOf: (symbol) => map.coinbaseProduct(symbol),
          recent: (symbol, n) => recent('coinbase', symbol, n),
          send: (text) => send(s, text),
          close: () => ws.close(1000, 'subscription failed'),
          closeOnError: options.coinbaseCloseOnError ?? false,
        });
      sessions.add(s);
      ws.on('close', () => sessions.delete(s));
      ws.on('error', () => sessions.delete(s));
      ws.on('ping', (data) => {
        if (Date.now() >= s.silentUntil) ws.pong(data);
      });
      ws.on('pong', () => (s.lastPong = Date.now()));
      ws.on('message', (data: Buffer) => {
        if (s.advanced !== undefined) s.advanced.onMessage(data.toString());
        else if (exchange === 'binance') onBinanceRequest(s, data.toString(), requests);
        else onCoinbaseRequest(s, data.toString(), requests);
      });
      if (exchange === 'binance') {
        for (const stream of (url.searchParams.get('streams') ?? '').split('/')) {
          const symbol = stream.endsWith('@trade') ? map.fromBinance(stream.slice(0, -6)) : undefined;
          if (symbol !== undefined) s.symbols.add(symbol);
        }
        if (options.replayOnConnect) replayTo(s, options.replayOnConnect);
      }
    });
  });

  const requests: RequestContext = {
    send,
    fromBinance: (symbol) => map.fromBinance(symbol),
    symbolOfProduct: (product) => byProduct.get(product),
    lastMatch: (symbol) => {
      const last = recent('coinbase', symbol, 1)[0];
      return last === undefined ? undefined : frame(last, 'last_match');
    },
    replayOnConnect: (s) => {
      if (options.replayOnConnect) replayTo(s, options.replayOnConnect);
    },
    closeOnError: options.coinbaseCloseOnError ?? false,
  };

  let generating = true;
  let lastTick = Date.now();
  const ticker = setInterval(() => {
    const now = Date.now();
    const dt = now - lastTick;
    lastTick = now;
    if (!generating) return;
    const trades = market.tick(now, dt);
    if (trades.length === 0) return;
    // One frame per trade, as the exchanges send them, but one socket write per tick.
    for (const s of sessions) s.socket.cork();
    try {
      for (const t of trades) {
        generated[t.exchange]++;
        const h = history[t.exchange].get(t.symbol) ?? [];
        h.push(t);
        // Trim in chunks: a shift per trade would move the whole history every time.
        if (h.length > 2 * HISTORY) h.splice(0, h.length - HISTORY);
        history[t.exchange].set(t.symbol, h);
        let text: string | undefined;
        for (const s of sessions)
          if (s.advanced !== undefined) {
            if (t.exchange === 'coinbase') s.advanced.push(t);
          } else if (s.exchange === t.exchange && s.symbols.has(t.symbol)) send(s, (text ??= frame(t)));
      }
      for (const s of sessions) s.advanced?.flush();
    } finally {
      for (const s of sessions) s.socket.uncork();
    }
  }, tickMs);
  const pinger = setInterval(() => {
    for (const s of sessions) {
      if (s.exchange !== 'binance' || Date.now() < s.silentUntil) continue;
      if (Date.now() - s.lastPong > pongTimeoutMs) s.ws.terminate();
      else if (s.ws.readyState === WebSocket.OPEN) s.ws.ping();
    }
  }, pingMs);
  const heartbeat = setInterval(() => {
    const time = new Date().toISOString();
    for (const s of sessions) {
      s.advanced?.heartbeat();
      for (const sym of s.heartbeats) {
        send(
          s,
          JSON.stringify({
            type: 'heartbeat',
            sequence: market.sequence(sym),
            last_trade_id: market.lastTradeId('coinbase', sym),
            product_id: map.coinbaseProduct(sym),
            time,
          }),
        );
      }
    }
  }, options.heartbeatMs ?? 1_000);

  const of = (exchange: Exchange): Session[] => [...sessions].filter((s) => s.exchange === exchange);
  const faults: SimulatorFaults = {
    drop: (exchange) => of(exchange).forEach((s) => s.ws.terminate()),
    silence: (exchange, ms) => of(exchange).forEach((s) => (s.silentUntil = Date.now() + ms)),
    garbage: (exchange) =>
      of(exchange).forEach((s) => {
        send(s, '\u0000{garbage');
        const sym = [...s.symbols][0] ?? market.symbols[0]!;
        const fake: SimTrade = {
          exchange,
          symbol: sym,
          tradeId: 1,
          sequence: 1,
          price: 'NaN',
          size: '-1',
          takerSide: 'buy',
          time: Date.now(),
        };
        send(s, frame(fake));
      }),
    errorFrame: (exchange) =>
      of(exchange).forEach((s) =>
        send(
          s,
          exchange === 'binance'
            ? '{"code":2,"msg":"Invalid request: simulated error"}'
            : '{"type":"error","message":"Failed to subscribe","reason":"simulated error"}',
        ),
      ),
    gap: (exchange, symbol, n) => market.skipIds(exchange, symbol, n),
    duplicate: (exchange, n) => of(exchange).forEach((s) => replayTo(s, n)),
    replay: (exchange, frames) => of(exchange).forEach((s) => frames.forEach((f) => send(s, f))),
    loseMessages: (n) => of('coinbase').forEach((s) => s.advanced?.lose(n)),
    refuseUpgrades: (exchange, status, o = {}) => {
      refusals[exchange] = {
        status,
        count: o.count ?? Number.POSITIVE_INFINITY,
        ...(o.retryAfterSec !== undefined ? { retryAfterSec: o.retryAfterSec } : {}),
      };
    },
  };

  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const { address, port } = server.address() as AddressInfo;
  const base = `ws://${address}:${port}`;
  return {
    binanceUrl: `${base}/binance`,
    binanceRestUrl: `http://${address}:${port}/binance`,
    coinbaseUrl: `${base}/coinbase`,
    coinbaseAdvancedUrl: `${base}/coinbase-advanced`,
    market,
    faults,
    generated,
    sessions: (exchange) => of(exchange).length,
    replayFile: async (exchange, path) => {
      const frames = (await readFile(path, 'utf8')).split('\n').filter((l) => l.trim().length > 0);
      faults.replay(exchange, frames);
      return frames.length;
    },
    setGenerating: (on) => {
      generating = on;
    },
    close: async () => {
      clearInterval(ticker);
      clearInterval(pinger);
      clearInterval(heartbeat);
      for (const s of sessions) s.ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
