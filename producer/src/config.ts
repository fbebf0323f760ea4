import { z } from 'zod';
import { BINANCE_WS_URL } from './exchanges/binance.js';
import { COINBASE_WS_URL } from './exchanges/coinbase.js';
import {
  COINBASE_PROTOCOLS,
  resolveCoinbaseProtocol,
  type CoinbaseProtocolName,
} from './exchanges/coinbase-endpoint.js';
import { ProducerConfigError } from './errors.js';
import { EXCHANGES, canonicalSymbolSchema, type Exchange } from './models.js';
import { parseProductMap, SymbolMap } from './symbols.js';

const csv = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
const int = (def: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(def);
const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(def ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');
const symbolList = z
  .string()
  .transform(csv)
  .pipe(z.array(canonicalSymbolSchema).min(1, 'name at least one symbol').max(1024));
const wsUrl = (def: string) => z.url({ protocol: /^wss?$/, error: 'must be a ws:// or wss:// URL' }).default(def);

/**
 * The producer's environment. Every variable is optional except `KAFKA_BROKERS` with
 * `SINK=kafka`; credentials never appear here (the ECS task role or the default AWS chain).
 */
const envSchema = z
  .object({
    /** `kinesis` or `kafka`. @default 'kinesis' */
    SINK: z.enum(['kinesis', 'kafka']).default('kinesis'),
    /** @default 'coattail-trades' */
    STREAM_NAME: z.string().min(1).max(128).default('coattail-trades'),
    /** @default 'coattail-trades' */
    KAFKA_TOPIC: z.string().min(1).default('coattail-trades'),
    KAFKA_BROKERS: z.string().optional(),
    /** Canonical symbols. @default 'BTC-USDT,ETH-USDT,SOL-USDT' */
    SYMBOLS: z
      .string()
      .default('BTC-USDT,ETH-USDT,SOL-USDT')
      .transform(csv)
      .pipe(z.array(canonicalSymbolSchema).min(1, 'name at least one symbol').max(1024)),
    /** Canonical symbols read on Binance only; unset means `SYMBOLS`. */
    BINANCE_SYMBOLS: symbolList.optional(),
    /** Canonical symbols read on Coinbase only; unset means `SYMBOLS`. */
    COINBASE_SYMBOLS: symbolList.optional(),
    /** @default 'binance,coinbase' */
    EXCHANGES: z
      .string()
      .default('binance,coinbase')
      .transform(csv)
      .pipe(z.array(z.enum(EXCHANGES)).min(1, 'name at least one exchange')),
    /** `BTC-USDT=BTC-USD,...`; unlisted X-USDT symbols read Coinbase's X-USD. */
    COINBASE_PRODUCT_MAP: z.string().default(''),
    /** @default 'us-east-1' */
    AWS_REGION: z.string().min(1).default('us-east-1'),
    /** Kinesis endpoint override (the local stack); unset means real AWS. */
    COATTAIL_KINESIS_ENDPOINT: z.url().optional(),
    AWS_ENDPOINT_URL: z.url().optional(),
    BINANCE_WS_URL: wsUrl(BINANCE_WS_URL),
    /**
     * Binance REST base URL whose `/api/v3/exchangeInfo` is read at start-up, so symbols split as
     * Binance defines them (`https://api.binance.com`); unset means no request is made.
     */
    BINANCE_EXCHANGE_INFO_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    COINBASE_WS_URL: wsUrl(COINBASE_WS_URL),
    /**
     * `exchange` or `advanced-trade`; unset means what the URL's host speaks (Coinbase's own
     * hosts) or `exchange` (the simulator, proxies). A contradiction is a startup error.
     */
    COINBASE_PROTOCOL: z.enum(COINBASE_PROTOCOLS).optional(),
    /** KPL aggregation of records per symbol. @default true */
    KINESIS_AGGREGATION: bool(true),
    /** @default 5000 */
    PUBLISH_BATCH_MAX: int(5_000, 1, 100_000),
    /** Group-commit window before each publish. @default 0 */
    PUBLISH_LINGER_MS: int(0, 0, 60_000),
    /** @default 200000 */
    BUFFER_MAX_TRADES: int(200_000, 1_000, 10_000_000),
    /** @default 500 */
    RECONNECT_BASE_MS: int(500, 1, 60_000),
    /** @default 30000 */
    RECONNECT_MAX_MS: int(30_000, 1, 600_000),
    /** @default 30000 */
    STALE_AFTER_MS: int(30_000, 100, 600_000),
    /** No trade or heartbeat from an exchange for this long turns `/healthz` red. @default 60000 */
    EXCHANGE_SILENT_AFTER_MS: int(60_000, 100, 3_600_000),
    /** Wait after an HTTP refusal of the upgrade (451/429/418) without Retry-After. @default 300000 */
    UPGRADE_REFUSAL_BACKOFF_MS: int(300_000, 1, 3_600_000),
    /** Longer Binance URLs are not used: the streams go in SUBSCRIBE messages instead. @default 4000 */
    BINANCE_MAX_URL_LENGTH: int(4_000, 100, 16_000),
    /** @default 10000 */
    DEDUP_IDS_PER_SYMBOL: int(10_000, 1, 1_000_000),
    /** Below the ECS task's stopTimeout (30 s in the producer service of infra/cdk). @default 20000 */
    SHUTDOWN_DEADLINE_MS: int(20_000, 100, 110_000),
    /** `/healthz` and `/metrics`; 0 turns the server off. @default 8080 */
    HEALTH_PORT: int(8_080, 0, 65_535),
    /** CloudWatch embedded-metric documents to stdout every N ms; 0 turns them off. @default 60000 */
    EMF_INTERVAL_MS: int(60_000, 0, 3_600_000),
    /** @default 'info' */
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((env, ctx) => {
    if (env.SINK === 'kafka' && (env.KAFKA_BROKERS === undefined || csv(env.KAFKA_BROKERS).length === 0)) {
      ctx.addIssue({
        code: 'custom',
        path: ['KAFKA_BROKERS'],
        message: 'required with SINK=kafka (host:port,host:port)',
      });
    }
    if (env.RECONNECT_BASE_MS > env.RECONNECT_MAX_MS)
      ctx.addIssue({ code: 'custom', path: ['RECONNECT_BASE_MS'], message: 'must not exceed RECONNECT_MAX_MS' });
    const coinbase = resolveCoinbaseProtocol(env.COINBASE_WS_URL, env.COINBASE_PROTOCOL);
    if (!coinbase.ok) ctx.addIssue({ code: 'custom', path: ['COINBASE_WS_URL'], message: coinbase.problem });
    const products = parseProductMap(env.COINBASE_PRODUCT_MAP);
    for (const problem of products.problems)
      ctx.addIssue({ code: 'custom', path: ['COINBASE_PRODUCT_MAP'], message: problem });
    if (env.EXCHANGES.includes('coinbase')) {
      const path = env.COINBASE_SYMBOLS === undefined ? 'SYMBOLS' : 'COINBASE_SYMBOLS';
      for (const message of new SymbolMap(env.COINBASE_SYMBOLS ?? env.SYMBOLS, products.map).coinbaseCollisions())
        ctx.addIssue({ code: 'custom', path: [path], message });
    }
  });

/** The producer's parsed configuration. */
/** Every environment variable the producer reads (for deployment checks and docs). */
export const PRODUCER_ENV_VARS: readonly string[] = Object.keys(envSchema.shape);

export interface ProducerConfig {
  sink: 'kinesis' | 'kafka';
  streamName: string;
  kafkaTopic: string;
  kafkaBrokers: string[];
  /** `SYMBOLS`: the default list of both exchanges. */
  symbols: string[];
  /** What Binance reads (`BINANCE_SYMBOLS`, else `SYMBOLS`). */
  binanceSymbols: string[];
  /** What Coinbase reads (`COINBASE_SYMBOLS`, else `SYMBOLS`). */
  coinbaseSymbols: string[];
  exchanges: Exchange[];
  coinbaseProducts: Record<string, string>;
  region: string;
  kinesisEndpoint: string | undefined;
  binanceUrl: string;
  binanceExchangeInfoUrl: string | undefined;
  binanceMaxUrlLength: number;
  coinbaseUrl: string;
  /** The protocol `coinbaseUrl` speaks (resolved from `COINBASE_PROTOCOL` and the URL). */
  coinbaseProtocol: CoinbaseProtocolName;
  aggregation: boolean;
  publishBatchMax: number;
  publishLingerMs: number;
  bufferMaxTrades: number;
  reconnectBaseMs: number;
  reconnectMaxMs: number;
  staleAfterMs: number;
  silentAfterMs: number;
  refusalBackoffMs: number;
  dedupIdsPerSymbol: number;
  shutdownDeadlineMs: number;
  healthPort: number;
  emfIntervalMs: number;
  logLevel: string;
}

/**
 * Reads the producer's configuration from the environment, once, at the process boundary.
 * Throws {@link ProducerConfigError} listing every problem (`VARIABLE: what is wrong`).
 *
 * @example
 * const config = loadConfig(process.env);
 */
export function loadConfig(env: NodeJS.ProcessEnv): ProducerConfig {
  const known = Object.fromEntries(Object.keys(envSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]));
  const parsed = envSchema.safeParse(known);
  if (!parsed.success)
    throw new ProducerConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`));
  const e = parsed.data;
  return {
    sink: e.SINK,
    streamName: e.STREAM_NAME,
    kafkaTopic: e.KAFKA_TOPIC,
    kafkaBrokers: csv(e.KAFKA_BROKERS ?? ''),
    symbols: e.SYMBOLS,
    binanceSymbols: e.BINANCE_SYMBOLS ?? e.SYMBOLS,
    coinbaseSymbols: e.COINBASE_SYMBOLS ?? e.SYMBOLS,
    exchanges: [...new Set(e.EXCHANGES)],
    coinbaseProducts: parseProductMap(e.COINBASE_PRODUCT_MAP).map,
    region: e.AWS_REGION,
    kinesisEndpoint: e.COATTAIL_KINESIS_ENDPOINT ?? e.AWS_ENDPOINT_URL,
    binanceUrl: e.BINANCE_WS_URL,
    binanceExchangeInfoUrl: e.BINANCE_EXCHANGE_INFO_URL,
    binanceMaxUrlLength: e.BINANCE_MAX_URL_LENGTH,
    coinbaseUrl: e.COINBASE_WS_URL,
    coinbaseProtocol: resolved(resolveCoinbaseProtocol(e.COINBASE_WS_URL, e.COINBASE_PROTOCOL)),
    aggregation: e.KINESIS_AGGREGATION,
    publishBatchMax: e.PUBLISH_BATCH_MAX,
    publishLingerMs: e.PUBLISH_LINGER_MS,
    bufferMaxTrades: e.BUFFER_MAX_TRADES,
    reconnectBaseMs: e.RECONNECT_BASE_MS,
    reconnectMaxMs: e.RECONNECT_MAX_MS,
    staleAfterMs: e.STALE_AFTER_MS,
    silentAfterMs: e.EXCHANGE_SILENT_AFTER_MS,
    refusalBackoffMs: e.UPGRADE_REFUSAL_BACKOFF_MS,
    dedupIdsPerSymbol: e.DEDUP_IDS_PER_SYMBOL,
    shutdownDeadlineMs: e.SHUTDOWN_DEADLINE_MS,
    healthPort: e.HEALTH_PORT,
    emfIntervalMs: e.EMF_INTERVAL_MS,
    logLevel: e.LOG_LEVEL,
  };
}

/** The protocol of a resolution the schema already accepted. */
function resolved(r: ReturnType<typeof resolveCoinbaseProtocol>): CoinbaseProtocolName {
  if (!r.ok) throw new ProducerConfigError([`COINBASE_WS_URL: ${r.problem}`]);
  return r.protocol;
}
