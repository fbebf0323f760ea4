import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import type { Exchange } from '../models.js';
import type { SymbolMap } from '../symbols.js';
import { AdvancedTradeSession } from './advanced-trade-session.js';
import { onBinanceRequest, onCoinbaseRequest, type RequestContext, type Session } from './client-requests.js';
import type { SessionHub } from './session-hub.js';
import type { UpgradeRefusals } from './simulator-faults.js';
import type { ExchangeSimulatorOptions } from './simulator-options.js';

/** What accepting a client connection needs from the simulator. */
export interface UpgradeDeps {
  options: ExchangeSimulatorOptions;
  hub: SessionHub;
  map: SymbolMap;
  /** Canonical symbol of each listed Coinbase product. */
  byProduct: ReadonlyMap<string, string>;
  refusals: UpgradeRefusals;
  wss: WebSocketServer;
}

/**
 * Accepts WebSocket upgrades on `/binance/stream`, `/coinbase` and `/coinbase-advanced`: refuses
 * them as a fault or an over-long Binance URL asks, else opens a session and answers its requests.
 */
export function acceptSessions(server: Server, deps: UpgradeDeps): void {
  const { options, refusals } = deps;
  const requests = requestContext(deps);
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
    deps.wss.handleUpgrade(req, socket, head, (ws) => {
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
      openSession(s, url, advanced, deps, requests);
    });
  });
}

function openSession(
  s: Session,
  url: URL,
  advanced: boolean,
  { options, hub, map, byProduct }: UpgradeDeps,
  requests: RequestContext,
): void {
  const { ws, exchange } = s;
  if (advanced)
    s.advanced = new AdvancedTradeSession({
      symbolOf: (product) => byProduct.get(product),
      productOf: (symbol) => map.coinbaseProduct(symbol),
      recent: (symbol, n) => hub.recent('coinbase', symbol, n),
      send: (text) => hub.send(s, text),
      close: () => ws.close(1000, 'subscription failed'),
      closeOnError: options.coinbaseCloseOnError ?? false,
    });
  hub.sessions.add(s);
  ws.on('close', () => hub.sessions.delete(s));
  ws.on('error', () => hub.sessions.delete(s));
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
    if (options.replayOnConnect) hub.replayTo(s, options.replayOnConnect);
  }
}

function requestContext({ options, hub, map, byProduct }: UpgradeDeps): RequestContext {
  return {
    send: (s, text) => hub.send(s, text),
    fromBinance: (symbol) => map.fromBinance(symbol),
    symbolOfProduct: (product) => byProduct.get(product),
    lastMatch: (symbol) => {
      const last = hub.recent('coinbase', symbol, 1)[0];
      return last === undefined ? undefined : hub.frame(last, 'last_match');
    },
    replayOnConnect: (s) => {
      if (options.replayOnConnect) hub.replayTo(s, options.replayOnConnect);
    },
    closeOnError: options.coinbaseCloseOnError ?? false,
  };
}
