import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { backoffDelay, silentLogger, type Logger } from '@coattail/runtime';
import { BatchJobError } from '../errors.js';
import type { FetchedTrade } from '../trade-pages.js';
import { parseArchiveLine } from './archive-csv.js';
import { openZipEntry, singleZipEntry } from './zip-entry.js';

/** Binance's public market-data archive (daily and monthly zipped CSV, one CHECKSUM file each). */
export const BINANCE_ARCHIVE_URL = 'https://data.binance.vision';

/** Options of {@link BinanceArchiveClient}. */
export interface BinanceArchiveClientOptions {
  /** @default BINANCE_ARCHIVE_URL */
  baseUrl?: string;
  /** Where a day's zip is kept while it is verified and read (deleted afterwards). @default the OS temp folder */
  downloadDir?: string;
  /** Retries of one download after a 5xx or a network error. @default 4 */
  maxRetries?: number;
  /** First back-off, doubled per attempt. @default 500 */
  backoffMs?: number;
  /** Trades per yielded page. @default 10000 */
  pageSize?: number;
  sleep?: (ms: number) => Promise<void>;
  logger?: Logger;
}

/** Counters of an archive client. */
export interface ArchiveStats {
  days: number;
  missingDays: number;
  bytes: number;
  retries: number;
}

const CHECKSUM_LINE = /^([0-9a-f]{64})\s+\*?(\S+)\s*$/i;

/** The archive path of one day of spot trades: `data/spot/daily/trades/BTCUSDT/BTCUSDT-trades-2021-10-22.zip`. */
export function dailyTradesPath(symbol: string, day: string): string {
  return `data/spot/daily/trades/${symbol}/${symbol}-trades-${day}.zip`;
}

/**
 * Reads Binance's daily spot trade archives: one zipped CSV per symbol and UTC day, with a
 * `.CHECKSUM` file holding its SHA-256. The zip is streamed to disk while hashed and refused
 * unless the digest matches; then its CSV is streamed, so a busy day costs disk, not memory. A
 * day not published yet (the archive appears the next day) is reported as missing, not an error.
 *
 * @example
 * const archive = new BinanceArchiveClient();
 * const day = await archive.dayTrades('BTCUSDT', '2021-10-22');
 * if (day !== 'missing') for await (const page of day) rows += page.length;
 */
export class BinanceArchiveClient {
  readonly stats: ArchiveStats = { days: 0, missingDays: 0, bytes: 0, retries: 0 };
  readonly #o: Required<Omit<BinanceArchiveClientOptions, 'logger' | 'downloadDir'>> & { downloadDir?: string };
  readonly #log: Logger;

  constructor(options: BinanceArchiveClientOptions = {}) {
    this.#o = {
      baseUrl: (options.baseUrl ?? BINANCE_ARCHIVE_URL).replace(/\/+$/, ''),
      maxRetries: options.maxRetries ?? 4,
      backoffMs: options.backoffMs ?? 500,
      pageSize: options.pageSize ?? 10_000,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      ...(options.downloadDir !== undefined ? { downloadDir: options.downloadDir } : {}),
    };
    this.#log = (options.logger ?? silentLogger).child({ component: 'binance-archive' });
  }

  /** The base URL the archives are read from. */
  get baseUrl(): string {
    return this.#o.baseUrl;
  }

  /**
   * The trades of one symbol (Binance spelling) and UTC day (`YYYY-MM-DD`), oldest first, in
   * pages; `'missing'` when the archive has no file for that day (yet). Throws when the
   * checksum does not match or a line cannot be read.
   */
  async dayTrades(symbol: string, day: string): Promise<AsyncGenerator<FetchedTrade[]> | 'missing'> {
    const path = dailyTradesPath(symbol, day);
    const checksum = await this.#get(`${path}.CHECKSUM`);
    if (checksum === 'missing') {
      this.stats.missingDays++;
      this.#log.info({ symbol, day }, 'no daily archive for this day (not published yet?)');
      return 'missing';
    }
    const match = CHECKSUM_LINE.exec((await checksum.text()).trim());
    if (match === null)
      throw new BatchJobError('INVALID_RESPONSE', `${this.#o.baseUrl}/${path}.CHECKSUM is not '<sha256>  <file>'`, {
        domain: 'external',
      });
    const dir = await mkdtemp(join(this.#o.downloadDir ?? tmpdir(), 'coattail-archive-'));
    try {
      const file = join(dir, `${symbol}-trades-${day}.zip`);
      const digest = await this.#download(path, file);
      if (digest !== match[1]!.toLowerCase())
        throw new BatchJobError(
          'ARCHIVE_CHECKSUM_MISMATCH',
          `${this.#o.baseUrl}/${path} has SHA-256 ${digest} but its CHECKSUM file says ${match[1]}; nothing was loaded from it — rerun the load (a download corrupted in transit) or report the archive`,
          { domain: 'external', retryable: true },
        );
      this.stats.days++;
      return this.#read(file, `${this.#o.baseUrl}/${path}`, dir);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  async *#read(file: string, source: string, dir: string): AsyncGenerator<FetchedTrade[]> {
    try {
      const lines = createInterface({ input: openZipEntry(file, await singleZipEntry(file)), crlfDelay: Infinity });
      let page: FetchedTrade[] = [];
      let n = 0;
      for await (const line of lines) {
        n++;
        if (line.trim().length === 0) continue;
        const parsed = parseArchiveLine(line);
        if (parsed.kind === 'header') continue;
        if (parsed.kind === 'bad')
          throw new BatchJobError('INVALID_RESPONSE', `${source} line ${n} cannot be read: ${parsed.reason}`, {
            domain: 'external',
          });
        page.push(parsed.trade);
        if (page.length >= this.#o.pageSize) {
          yield page;
          page = [];
        }
      }
      if (page.length > 0) yield page;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Streams `path` into `file`, returning the SHA-256 (hex) of what was written. */
  async #download(path: string, file: string): Promise<string> {
    const response = await this.#get(path);
    if (response === 'missing')
      throw new BatchJobError('INVALID_RESPONSE', `${this.#o.baseUrl}/${path} is missing though its CHECKSUM exists`, {
        domain: 'external',
        retryable: true,
      });
    if (response.body === null) throw new BatchJobError('INVALID_RESPONSE', `${path} answered without a body`);
    const hash = createHash('sha256');
    const tap = new Transform({
      transform: (chunk: Buffer, _enc, done) => {
        hash.update(chunk);
        this.stats.bytes += chunk.length;
        done(null, chunk);
      },
    });
    await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), tap, createWriteStream(file));
    return hash.digest('hex');
  }

  /** GET with retries on 5xx and network errors; 404 (and 403, S3's answer for absent keys) is 'missing'. */
  async #get(path: string): Promise<Response | 'missing'> {
    const url = `${this.#o.baseUrl}/${path}`;
    for (let attempt = 0; ; attempt++) {
      let failure: string;
      try {
        const response = await fetch(url);
        if (response.ok) return response;
        await response.body?.cancel();
        if (response.status === 404 || response.status === 403) return 'missing';
        failure = `HTTP ${response.status}`;
        if (response.status < 500 && response.status !== 429)
          throw new BatchJobError('EXCHANGE_API_ERROR', `GET ${url} failed: ${failure}`, { domain: 'external' });
      } catch (error) {
        if (error instanceof BatchJobError) throw error;
        failure = String(error);
      }
      if (attempt >= this.#o.maxRetries)
        throw new BatchJobError('EXCHANGE_UNAVAILABLE', `GET ${url} failed ${attempt + 1} times: ${failure}`, {
          domain: 'external',
          retryable: true,
        });
      const waitMs = backoffDelay(attempt, this.#o.backoffMs, 30_000);
      this.stats.retries++;
      this.#log.warn({ url, failure, waitMs }, 'retrying an archive download');
      await this.#o.sleep(waitMs);
    }
  }
}
