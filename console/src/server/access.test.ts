import { describe, expect, it } from 'vitest';
import { ConsoleConfigError } from '../errors.js';
import { checkAccess, checkListenAddress, TOKEN_COOKIE } from './access.js';

const TOKEN = 'a-console-token-of-32-characters';
const req = (url: string, headers: Record<string, string> = {}) => ({
  url,
  headers: { host: 'ops.example:8790', ...headers },
});

describe('console access', () => {
  it('lets through a request that presents the token as a bearer header, a query parameter or the cookie', () => {
    expect(checkAccess(req('/events', { authorization: `Bearer ${TOKEN}` }), TOKEN)).toBeUndefined();
    expect(checkAccess(req(`/?token=${TOKEN}`), TOKEN)).toBeUndefined();
    expect(checkAccess(req('/events', { cookie: `other=1; ${TOKEN_COOKIE}=${TOKEN}` }), TOKEN)).toBeUndefined();
  });

  it('refuses a request without the token or with a wrong one, the event stream included', () => {
    expect(checkAccess(req('/events'), TOKEN)).toMatchObject({ status: 401 });
    expect(checkAccess(req('/api/snapshot', { authorization: 'Bearer nope' }), TOKEN)).toMatchObject({ status: 401 });
    expect(checkAccess(req(`/?token=${TOKEN}x`), TOKEN)).toMatchObject({ status: 401 });
    expect(checkAccess(req('/', { cookie: `${TOKEN_COOKIE}=${TOKEN.slice(1)}` }), TOKEN)).toMatchObject({
      status: 401,
    });
  });

  it('without a token, answers only requests addressed to a loopback host (no DNS rebinding)', () => {
    expect(checkAccess(req('/', { host: '127.0.0.1:8790' }), undefined)).toBeUndefined();
    expect(checkAccess(req('/', { host: 'localhost:8790' }), undefined)).toBeUndefined();
    expect(checkAccess(req('/', { host: '[::1]:8790' }), undefined)).toBeUndefined();
    expect(checkAccess(req('/', { host: 'attacker.example' }), undefined)).toMatchObject({ status: 403 });
  });

  it('refuses to listen beyond loopback without a token, and takes no short token', () => {
    expect(() => checkListenAddress('127.0.0.1', undefined)).not.toThrow();
    expect(() => checkListenAddress('0.0.0.0', undefined)).toThrow(ConsoleConfigError);
    expect(() => checkListenAddress('0.0.0.0', undefined)).toThrow(/--token/);
    expect(() => checkListenAddress('0.0.0.0', TOKEN)).not.toThrow();
    expect(() => checkListenAddress('0.0.0.0', 'short')).toThrow(/too short/);
  });
});
