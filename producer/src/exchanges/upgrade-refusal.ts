import type { IncomingMessage } from 'node:http';

/** What an HTTP answer to the WebSocket upgrade means, and how long to wait before trying again. */
export interface UpgradeRefusal {
  status: number;
  meaning: string;
  delayMs: number;
  /** 451: the exchange does not serve the region we connect from. */
  unavailable: boolean;
}

const MEANINGS: Record<number, string> = {
  451: 'unavailable for legal reasons: the exchange refuses connections from this region (geo-blocking); run the producer where the exchange is offered or point its URL at an endpoint that serves this region',
  429: 'rate limited: too many connection attempts; waiting before the next',
  418: 'IP banned after repeated rate-limit violations; waiting out the ban',
  403: 'forbidden: the exchange (or a firewall in front of it) refuses this client',
  401: 'unauthorized: the endpoint wants credentials this producer does not send',
  404: 'not found: the URL path is wrong for this exchange',
  414: 'URI too long: too many streams in the URL; subscribe with messages instead',
};

/** Longest wait we honour from a `Retry-After` header (an hour). */
const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * Reads a refused upgrade: HTTP 451 (geo-blocked), 429 and 418 (rate limited, banned) and the
 * rest. A refusal is not a network blip: reconnecting at the usual pace makes a ban longer,
 * so the wait is `Retry-After` when the exchange sends one, else `refusalBackoffMs`, and never
 * shorter than the usual back-off would be.
 */
export function readUpgradeRefusal(
  response: IncomingMessage,
  refusalBackoffMs: number,
  usualDelayMs: number,
): UpgradeRefusal {
  const status = response.statusCode ?? 0;
  const header = response.headers['retry-after'];
  const seconds = typeof header === 'string' && /^\d+$/.test(header.trim()) ? Number(header) : undefined;
  const requested = seconds === undefined ? refusalBackoffMs : Math.min(MAX_RETRY_AFTER_MS, seconds * 1000);
  return {
    status,
    meaning:
      MEANINGS[status] ??
      (status >= 500 ? 'the exchange failed to answer the upgrade' : 'the exchange refused the upgrade'),
    delayMs: Math.max(usualDelayMs, status >= 500 ? usualDelayMs : requested),
    unavailable: status === 451,
  };
}
