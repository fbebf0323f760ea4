import { backoffDelay, silentLogger, type Logger } from '@coattail/runtime';
import { z } from 'zod';
import { BatchJobError, BinanceApiError } from './errors.js';

/** Public market-data host of Binance spot (no key needed for aggTrades/historicalTrades). */
export const BINANCE_REST_URL = 'https://data-api.binance.vision';

/** Binance's documented maximum page size of both trade endpoints. */
export const MAX_PAGE_SIZE = 1000;

/** Request weights of the endpoints (rest-api.md). */
export const ENDPOINT_WEIGHT = { aggTrades: 4, historicalTrades: 25 } as const;

const aggTradeSchema = z.object({
  a: z.number(),
  p: z.string(),
  q: z.string(),
  f: z.number(),
  l: z.number(),
  T: z.number(),
  m: z.boolean(),
});
const historicalTradeSchema = z.object({
  id: z.number(),
  price: z.string(),
  qty: z.string(),
  time: z.number(),
  isBuyerMaker: z.boolean(),
});
const errorBodySchema = z.object({ code: z.number(), msg: z.string() });

/** One `/api/v3/aggTrades` record (unknown fields such as `M` are dropped). */
export type AggTrade = z.infer<typeof aggTradeSchema>;
/** One `/api/v3/historicalTrades` record. */
export type HistoricalTrade = z.infer<typeof historicalTradeSchema>;

/** Options of {@link BinanceRestClient}. */
export interface BinanceRestClientOptions {
  /** @default BINANCE_REST_URL */
  baseUrl?: string;
  /** REQUEST_WEIGHT limit per window (exchangeInfo; 6000/min since 2023-08). @default 6000 */
  weightLimit?: number;
  /** Fraction of the limit above which requests wait for the next window. @default 0.8 */
  slowDownRatio?: number;
  /** Length of the weight window; Binance's is a clock minute. @default 60000 */
  weightWindowMs?: number;
  /** Retries of one request after 429/418/5xx/network errors. @default 6 */
  maxRetries?: number;
  /** A `Retry-After` longer than this fails the load instead of waiting. @default 300000 */
  maxRetryAfterMs?: number;
  /** Ceiling of the first 5xx back-off (full jitter), doubled per attempt, capped at 30 s. @default 500 */
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  logger?: Logger;
}

/** Counters of a client, for progress and tests. */
export interface RestStats {
  requests: number;
  retries: number;
  throttledMs: number;
  lastUsedWeight: number;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Binance spot REST client for the two historical trade endpoints. It reads
 * `X-MBX-USED-WEIGHT-1M` from every answer and waits for the next weight window before a request
 * would cross `slowDownRatio` of the limit; on 429/418 it sleeps `Retry-After` seconds, on 5xx or
 * a network error it backs off exponentially; any other error body (`{"code","msg"}`) becomes a
 * {@link BinanceApiError} naming the request.
 *
 * @example
 * const client = new BinanceRestClient({ baseUrl: 'http://127.0.0.1:8080' });
 * const page = await client.aggTrades({ symbol: 'BTCUSDT', startTime: 1634944096000, limit: 1000 });
 */
export class BinanceRestClient {
  readonly stats: RestStats = { requests: 0, retries: 0, throttledMs: 0, lastUsedWeight: 0 };
  readonly #o: Required<Omit<BinanceRestClientOptions, 'logger'>>;
  readonly #log: Logger;
  #usedWindow = -1;

  constructor(options: BinanceRestClientOptions = {}) {
    this.#o = {
      baseUrl: (options.baseUrl ?? BINANCE_REST_URL).replace(/\/+$/, ''),
      weightLimit: options.weightLimit ?? 6000,
      slowDownRatio: options.slowDownRatio ?? 0.8,
      weightWindowMs: options.weightWindowMs ?? 60_000,
      maxRetries: options.maxRetries ?? 6,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 300_000,
      backoffMs: options.backoffMs ?? 500,
      sleep: options.sleep ?? defaultSleep,
      now: options.now ?? Date.now,
    };
    this.#log = (options.logger ?? silentLogger).child({ component: 'binance-rest' });
  }

  /** `GET /api/v3/aggTrades`: by `fromId`, or by `startTime`/`endTime` (inclusive), oldest first. */
  async aggTrades(params: {
    symbol: string;
    fromId?: number;
    startTime?: number;
    endTime?: number;
    limit?: number;
  }): Promise<AggTrade[]> {
    return validate(
      z.array(aggTradeSchema),
      await this.#get('/api/v3/aggTrades', params, ENDPOINT_WEIGHT.aggTrades),
      'aggTrades',
    );
  }

  /** `GET /api/v3/historicalTrades`: trades from `fromId` (inclusive), oldest first. */
  async historicalTrades(params: { symbol: string; fromId?: number; limit?: number }): Promise<HistoricalTrade[]> {
    return validate(
      z.array(historicalTradeSchema),
      await this.#get('/api/v3/historicalTrades', params, ENDPOINT_WEIGHT.historicalTrades),
      'historicalTrades',
    );
  }

  async #get(path: string, params: Record<string, string | number | undefined>, weight: number): Promise<unknown> {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) query.set(k, String(v));
    const request = `GET ${path}?${query.toString()}`;
    for (let attempt = 0; ; attempt++) {
      await this.#throttle(weight);
      this.stats.requests++;
      let response: Response;
      try {
        response = await fetch(`${this.#o.baseUrl}${path}?${query.toString()}`);
      } catch (error) {
        await this.#retry(
          attempt,
          request,
          this.#backoff(attempt),
          new BatchJobError('EXCHANGE_UNAVAILABLE', `${request} failed: ${String(error)}`, {
            domain: 'external',
            retryable: true,
            cause: error,
          }),
        );
        continue;
      }
      this.#readWeight(response.headers);
      const text = await response.text();
      if (response.ok) return parseJson(text, request);
      const body = errorBodySchema.safeParse(safeJson(text));
      const apiCode = body.success ? body.data.code : undefined;
      const apiMsg = body.success ? body.data.msg : text.slice(0, 200);
      if (response.status === 429 || response.status === 418) {
        const waitMs = retryAfterMs(response.headers, this.#o.weightWindowMs);
        const code = response.status === 418 ? 'IP_BANNED' : 'RATE_LIMITED';
        const error = new BinanceApiError(request, response.status, apiCode, apiMsg, code, true);
        if (waitMs > this.#o.maxRetryAfterMs) throw error;
        await this.#retry(attempt, request, waitMs, error);
      } else if (response.status >= 500) {
        await this.#retry(
          attempt,
          request,
          this.#backoff(attempt),
          new BinanceApiError(request, response.status, apiCode, apiMsg, 'EXCHANGE_UNAVAILABLE', true),
        );
      } else {
        throw new BinanceApiError(request, response.status, apiCode, apiMsg);
      }
    }
  }

  async #retry(attempt: number, request: string, waitMs: number, error: BatchJobError): Promise<void> {
    if (attempt >= this.#o.maxRetries) throw error;
    this.stats.retries++;
    this.#log.warn({ request, waitMs, attempt: attempt + 1, error: error.message }, 'retrying Binance request');
    this.stats.throttledMs += waitMs;
    await this.#o.sleep(waitMs);
  }

  /** The platform's retry policy: full-jitter back-off, doubling from `backoffMs`, capped at 30 s. */
  #backoff(attempt: number): number {
    return backoffDelay(attempt, this.#o.backoffMs, 30_000);
  }

  #readWeight(headers: Headers): void {
    const used = Number(headers.get('x-mbx-used-weight-1m') ?? headers.get('x-mbx-used-weight'));
    if (!Number.isFinite(used)) return;
    this.stats.lastUsedWeight = used;
    this.#usedWindow = Math.floor(this.#o.now() / this.#o.weightWindowMs);
  }

  /** Waits for the next weight window when this request would take us past the slow-down mark. */
  async #throttle(weight: number): Promise<void> {
    const now = this.#o.now();
    const window = Math.floor(now / this.#o.weightWindowMs);
    const used = window === this.#usedWindow ? this.stats.lastUsedWeight : 0;
    if (used + weight <= this.#o.weightLimit * this.#o.slowDownRatio) return;
    const waitMs = (window + 1) * this.#o.weightWindowMs - now + 5;
    this.#log.info(
      { usedWeight: used, limit: this.#o.weightLimit, waitMs },
      'near the request-weight limit, waiting for the next window',
    );
    this.stats.throttledMs += waitMs;
    await this.#o.sleep(waitMs);
    this.stats.lastUsedWeight = 0;
  }
}

function retryAfterMs(headers: Headers, fallbackMs: number): number {
  const seconds = Number(headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds >= 0 && headers.get('retry-after') !== null ? seconds * 1000 : fallbackMs;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function parseJson(text: string, request: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new BatchJobError(
      'INVALID_RESPONSE',
      `${request} answered with a body that is not JSON: ${text.slice(0, 120)}`,
      { domain: 'external', cause: error },
    );
  }
}

function validate<T>(schema: z.ZodType<T>, body: unknown, endpoint: string): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new BatchJobError(
    'INVALID_RESPONSE',
    `${endpoint} answered with an unexpected shape: ${z.prettifyError(parsed.error)}`,
    { domain: 'external', cause: parsed.error },
  );
}
