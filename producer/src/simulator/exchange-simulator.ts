import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { SymbolMap } from '../symbols.js';
import { Market } from './market.js';
import { SessionHub } from './session-hub.js';
import { acceptSessions } from './session-upgrade.js';
import { createFaults, type UpgradeRefusals } from './simulator-faults.js';
import type { ExchangeSimulator, ExchangeSimulatorOptions } from './simulator-options.js';

export type { ExchangeSimulator, ExchangeSimulatorOptions, SimulatorFaults } from './simulator-options.js';

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
  const hub = new SessionHub(map);
  const unlisted = new Set(options.coinbaseUnlisted ?? []);
  const byProduct = new Map(
    market.symbols.filter((s) => !unlisted.has(s)).map((s) => [map.coinbaseProduct(s), s] as const),
  );
  const refusals: UpgradeRefusals = { binance: undefined, coinbase: undefined };

  const wss = new WebSocketServer({ noServer: true, autoPong: false });
  const exchangeInfo = exchangeInfoJson(market, options);
  const server = createServer((req, res) => {
    if (req.url === '/binance/api/v3/exchangeInfo')
      res.writeHead(200, { 'content-type': 'application/json' }).end(exchangeInfo);
    else res.writeHead(404).end();
  });
  acceptSessions(server, { options, hub, map, byProduct, refusals, wss });

  let generating = true;
  let lastTick = Date.now();
  const ticker = setInterval(() => {
    const now = Date.now();
    const dt = now - lastTick;
    lastTick = now;
    if (!generating) return;
    const trades = market.tick(now, dt);
    if (trades.length === 0) return;
    hub.deliver(trades);
  }, tickMs);
  const pinger = setInterval(() => hub.ping(pongTimeoutMs), pingMs);
  const heartbeat = setInterval(() => hub.heartbeat(market), options.heartbeatMs ?? 1_000);
  const faults = createFaults(hub, market, refusals);

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
    generated: hub.generated,
    sessions: (exchange) => hub.of(exchange).length,
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
      for (const s of hub.sessions) s.ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Binance's symbol metadata, as `GET /api/v3/exchangeInfo` answers it (only the fields read). */
function exchangeInfoJson(market: Market, options: ExchangeSimulatorOptions): string {
  return JSON.stringify({
    symbols: [
      ...market.symbols.map((s) => {
        const [baseAsset, quoteAsset] = s.split('-');
        return { symbol: `${baseAsset}${quoteAsset}`, baseAsset, quoteAsset, status: 'TRADING' };
      }),
      ...(options.binanceSymbolInfo ?? []).map((i) => ({ ...i, status: 'TRADING' })),
    ],
  });
}
