import { ProducerConfigError } from '../errors.js';
import type { SymbolMap } from '../symbols.js';
import { coinbaseProtocol } from './coinbase.js';
import { coinbaseAdvancedProtocol } from './coinbase-advanced.js';
import type { ExchangeProtocol } from './protocol.js';

/** The two Coinbase market-data protocols the producer speaks. */
export const COINBASE_PROTOCOLS = ['exchange', 'advanced-trade'] as const;
export type CoinbaseProtocolName = (typeof COINBASE_PROTOCOLS)[number];

/** Coinbase's public market-data hosts and the protocol each speaks. */
const KNOWN_HOSTS: Readonly<Record<string, CoinbaseProtocolName>> = {
  'ws-feed.exchange.coinbase.com': 'exchange',
  'ws-feed-public.sandbox.exchange.coinbase.com': 'exchange',
  'advanced-trade-ws.coinbase.com': 'advanced-trade',
};

/**
 * Which protocol a Coinbase URL speaks. A known Coinbase host decides it (and a declared protocol
 * that contradicts it is refused); any other `coinbase.com` host is refused (the authenticated
 * user feed, retired hosts: they would publish nothing, silently); a host outside Coinbase (the
 * simulator, a proxy) speaks what `declared` says, the Exchange feed by default.
 */
export function resolveCoinbaseProtocol(
  url: string,
  declared?: CoinbaseProtocolName,
): { ok: true; protocol: CoinbaseProtocolName } | { ok: false; problem: string } {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return { ok: false, problem: `'${url}' is not a URL` };
  }
  const known = KNOWN_HOSTS[host];
  const hosts = Object.entries(KNOWN_HOSTS)
    .map(([h, p]) => `${h} (${p})`)
    .join(', ');
  if (known !== undefined) {
    if (declared !== undefined && declared !== known)
      return {
        ok: false,
        problem: `${host} speaks the ${known} protocol, not ${declared}: unset COINBASE_PROTOCOL or set it to ${known}`,
      };
    return { ok: true, protocol: known };
  }
  if (host === 'coinbase.com' || host.endsWith('.coinbase.com'))
    return {
      ok: false,
      problem: `${host} is not a Coinbase market-data feed this producer speaks; use one of ${hosts}`,
    };
  return { ok: true, protocol: declared ?? 'exchange' };
}

/** The Coinbase protocol for a URL (see {@link resolveCoinbaseProtocol}); throws {@link ProducerConfigError}. */
export function coinbaseProtocolFor(
  symbols: SymbolMap,
  url: string,
  declared?: CoinbaseProtocolName,
): ExchangeProtocol {
  const resolved = resolveCoinbaseProtocol(url, declared);
  if (!resolved.ok) throw new ProducerConfigError([`COINBASE_WS_URL: ${resolved.problem}`]);
  if (symbols.coinbaseCollisions().length > 0) throw new ProducerConfigError(symbols.coinbaseCollisions());
  return resolved.protocol === 'exchange' ? coinbaseProtocol(symbols, url) : coinbaseAdvancedProtocol(symbols, url);
}
