import type { Exchange } from '../models.js';
import type { Market, SimTrade } from './market.js';
import type { SessionHub } from './session-hub.js';
import type { SimulatorFaults } from './simulator-options.js';

/** WebSocket upgrades to refuse, per exchange (set by `faults.refuseUpgrades`). */
export type UpgradeRefusals = Record<Exchange, { status: number; count: number; retryAfterSec?: number } | undefined>;

/** The faults a test can inject into the simulator's sessions. */
export function createFaults(hub: SessionHub, market: Market, refusals: UpgradeRefusals): SimulatorFaults {
  const faults: SimulatorFaults = {
    drop: (exchange) => hub.of(exchange).forEach((s) => s.ws.terminate()),
    silence: (exchange, ms) => hub.of(exchange).forEach((s) => (s.silentUntil = Date.now() + ms)),
    garbage: (exchange) =>
      hub.of(exchange).forEach((s) => {
        hub.send(s, '\u0000{garbage');
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
        hub.send(s, hub.frame(fake));
      }),
    errorFrame: (exchange) =>
      hub
        .of(exchange)
        .forEach((s) =>
          hub.send(
            s,
            exchange === 'binance'
              ? '{"code":2,"msg":"Invalid request: simulated error"}'
              : '{"type":"error","message":"Failed to subscribe","reason":"simulated error"}',
          ),
        ),
    gap: (exchange, symbol, n) => market.skipIds(exchange, symbol, n),
    duplicate: (exchange, n) => hub.of(exchange).forEach((s) => hub.replayTo(s, n)),
    replay: (exchange, frames) => hub.of(exchange).forEach((s) => frames.forEach((f) => hub.send(s, f))),
    loseMessages: (n) => hub.of('coinbase').forEach((s) => s.advanced?.lose(n)),
    refuseUpgrades: (exchange, status, o = {}) => {
      refusals[exchange] = {
        status,
        count: o.count ?? Number.POSITIVE_INFINITY,
        ...(o.retryAfterSec !== undefined ? { retryAfterSec: o.retryAfterSec } : {}),
      };
    },
  };
  return faults;
}
