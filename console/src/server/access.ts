import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ConsoleConfigError } from '../errors.js';

/** The cookie a page opened with `?token=` gets, so its event stream carries the token too. */
export const TOKEN_COOKIE = 'coattail_console_token';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

/** True for an address only this machine can reach. */
export function isLoopback(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || host.startsWith('127.');
}

/**
 * Refuses to listen beyond loopback without a token: the page shows live trading signals, and an
 * open port on a deployed host would show them to anyone who finds it.
 */
export function checkListenAddress(host: string, token: string | undefined): void {
  if (!isLoopback(host) && (token === undefined || token.length === 0))
    throw new ConsoleConfigError(
      `the console would listen on ${host} without a token: pass --token <secret> (or set COATTAIL_CONSOLE_TOKEN), or keep it on 127.0.0.1 and put an SSH tunnel or an authenticating proxy in front`,
    );
  if (token !== undefined && token.length > 0 && token.length < 16)
    throw new ConsoleConfigError(
      'the console token is too short: use at least 16 characters (e.g. openssl rand -hex 16)',
    );
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** The token a request presents: `Authorization: Bearer`, then `?token=`, then the cookie. */
export function presentedToken(req: Pick<IncomingMessage, 'headers' | 'url'>): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length).trim();
  const query = new URL(req.url ?? '/', 'http://console').searchParams.get('token');
  if (query !== null) return query;
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === TOKEN_COOKIE) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

/** Why a request is refused, or undefined when it may proceed. */
export type AccessDenial = { status: 401; reason: string } | { status: 403; reason: string };

/**
 * Checks one request (every request, the event stream included). With a token: the request must
 * present it (compared in constant time). Without one the console is loopback-only, and the Host
 * header must name a loopback address too, so a web page the user visits cannot reach it through
 * DNS rebinding.
 */
export function checkAccess(
  req: Pick<IncomingMessage, 'headers' | 'url'>,
  token: string | undefined,
): AccessDenial | undefined {
  if (token !== undefined && token.length > 0) {
    const given = presentedToken(req);
    if (given === undefined) return { status: 401, reason: 'this console needs its token: open it as /?token=<token>' };
    return timingSafeEqual(digest(given), digest(token)) ? undefined : { status: 401, reason: 'wrong console token' };
  }
  const host = (req.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
  return isLoopback(host) ? undefined : { status: 403, reason: `host ${host || '(none)'} is not a loopback address` };
}
