import {
  type IcebergCatalog,
  NoSuchTableError,
  type Row,
  type Table,
  TABLES,
  tablePartitionSpec,
  tableSchema,
} from '@coattail/iceberg';
import { SymbolMap } from '@coattail/producer';
import { silentLogger, type Logger } from '@coattail/runtime';
import type { BinanceArchiveClient } from './archive/binance-archive.js';
import type { BinanceRestClient } from './binance-rest.js';
import { coverageKey, mergeRanges, missingRanges, readCoverage, type TimeRange } from './coverage.js';
import { BatchJobError } from './errors.js';
import { type LoadProgress, type ProgressReporter, silentProgress } from './progress.js';
import type { TradeEndpoint } from './trade-pages.js';
import { fetchedTradeRow } from './trade-rows.js';
import { sourcePages, type TradeSource } from './trade-sources.js';

/** Options of {@link planHistoricalLoad} and {@link runHistoricalLoad}. */
export interface HistoricalLoadOptions {
  catalog: IcebergCatalog;
  client: BinanceRestClient;
  /** The daily archives; needed by the `auto` and `archive` sources. */
  archive?: BinanceArchiveClient;
  /** Canonical symbols, e.g. `BTC-USDT`. */
  symbols: readonly string[];
  /** Inclusive epoch-ms range. */
  startTime: number;
  endTime: number;
  /**
   * Where trades come from (see {@link TradeSource}); `aggTrades` writes aggregates under the
   * `binance-agg:` id namespace, never as trades. @default 'auto'
   */
  source?: TradeSource;
  /** @deprecated use `source`: `historicalTrades` is `rest`, `aggTrades` is `aggTrades`. */
  endpoint?: TradeEndpoint;
  /** Rows per Parquet write + Iceberg commit; bounds memory. @default 200000 */
  chunkRows?: number;
  /** Page size, at most 1000. @default 1000 */
  pageLimit?: number;
  progress?: ProgressReporter;
  logger?: Logger;
  now?: () => number;
}

/** What a symbol's load will do: the ranges already in the table and those to download. */
export interface SymbolPlan {
  symbol: string;
  binanceSymbol: string;
  covered: TimeRange[];
  missing: TimeRange[];
}

/** Outcome per symbol. */
export interface SymbolLoadResult extends SymbolPlan {
  rows: number;
  rejected: number;
  commits: number;
}

const RAW = TABLES.raw_trades;
const RAW_ID = `${RAW.namespace}.${RAW.name}`;

async function existingTable(catalog: IcebergCatalog): Promise<Table | undefined> {
  try {
    return await catalog.loadTable(RAW_ID);
  } catch (error) {
    if (error instanceof NoSuchTableError) return undefined;
    throw error;
  }
}

/** Checks the options and works out, per symbol, what is loaded and what is missing (no download). */
export async function planHistoricalLoad(options: HistoricalLoadOptions): Promise<SymbolPlan[]> {
  if (
    !Number.isSafeInteger(options.startTime) ||
    !Number.isSafeInteger(options.endTime) ||
    options.endTime < options.startTime
  ) {
    throw new BatchJobError(
      'INVALID_REQUEST',
      `the time range ${options.startTime}..${options.endTime} is empty or not epoch milliseconds`,
      { domain: 'user' },
    );
  }
  let map: SymbolMap;
  try {
    map = new SymbolMap(options.symbols);
  } catch (error) {
    throw new BatchJobError('INVALID_REQUEST', `symbols must look like BTC-USDT, got ${options.symbols.join(', ')}`, {
      domain: 'user',
      cause: error,
    });
  }
  const table = await existingTable(options.catalog);
  return options.symbols.map((symbol) => {
    const covered = readCoverage(table, symbol, namespaceOf(resolveSource(options)));
    return {
      symbol,
      binanceSymbol: map.binanceStream(symbol).toUpperCase(),
      covered,
      missing: missingRanges([options.startTime, options.endTime], covered),
    };
  });
}

/** The source a load reads: `source`, else the deprecated `endpoint`, else `auto`. */
export function resolveSource(o: Pick<HistoricalLoadOptions, 'source' | 'endpoint'>): TradeSource {
  if (o.source !== undefined) return o.source;
  if (o.endpoint !== undefined) return o.endpoint === 'aggTrades' ? 'aggTrades' : 'rest';
  return 'auto';
}

const namespaceOf = (source: TradeSource): 'trades' | 'aggregates' =>
  source === 'aggTrades' ? 'aggregates' : 'trades';

/**
 * Downloads the missing ranges of every symbol (by default from the daily archives, checksum
 * verified, and `historicalTrades` for days not archived yet), normalizes each trade with the
 * producer's own `normalizeTrade` (same schema, same `event_id` as the live path), and commits them to
 * `raw_trades` in chunks. Each commit carries the symbol's loaded ranges in its snapshot summary,
 * atomically with its rows: a rerun downloads only what is missing, and a load killed mid-way
 * resumes after its last commit without duplicates. A chunk ends before the last timestamp it
 * holds (trades sharing that millisecond go to the next chunk), so "loaded up to t" is exact.
 *
 * @example
 * await runHistoricalLoad({ catalog, client, symbols: ['BTC-USDT'], startTime, endTime, progress: progressReporter(process.stderr) });
 */
export async function runHistoricalLoad(options: HistoricalLoadOptions): Promise<SymbolLoadResult[]> {
  const plans = await planHistoricalLoad(options);
  const table = await options.catalog.loadOrCreateTable(RAW_ID, {
    schema: tableSchema(RAW),
    spec: tablePartitionSpec(RAW),
  });
  const results: SymbolLoadResult[] = [];
  for (const plan of plans) results.push(await loadSymbol(table, plan, options));
  return results;
}

async function loadSymbol(table: Table, plan: SymbolPlan, o: HistoricalLoadOptions): Promise<SymbolLoadResult> {
  const log = (o.logger ?? silentLogger).child({ symbol: plan.symbol });
  const now = o.now ?? Date.now;
  const progressSink = o.progress ?? silentProgress;
  const chunkRows = o.chunkRows ?? 200_000;
  const result: SymbolLoadResult = { ...plan, rows: 0, rejected: 0, commits: 0 };
  const requestsAtStart = o.client.stats.requests;
  const source = resolveSource(o);
  const namespace = namespaceOf(source);
  if (source === 'aggTrades')
    log.warn(
      { idPrefix: 'binance-agg' },
      'loading aggregates, not trades: rows are written under binance-agg:<symbol>:<aggregate id> and will not match live trade ids',
    );
  const progress: LoadProgress = {
    symbol: plan.symbol,
    rows: 0,
    requests: 0,
    doneMs: 0,
    totalMs: plan.missing.reduce((n, [s, e]) => n + e - s + 1, 0),
    startedAt: now(),
  };
  let covered = plan.covered;
  let doneBefore = 0;
  const commit = async (rows: Row[], loaded: TimeRange): Promise<void> => {
    covered = mergeRanges([...covered, loaded]);
    const files =
      rows.length > 0 ? await table.writeDataFiles(table.batchBuilder(rows.length).appendAll(rows).finish()) : [];
    await table.commitAppend(files, {
      summary: {
        [coverageKey(plan.symbol, namespace)]: JSON.stringify(covered),
        'coattail.source': source === 'aggTrades' ? 'historical-load-aggregates' : 'historical-load',
      },
    });
    result.rows += rows.length;
    result.commits++;
    log.debug({ rows: rows.length, loaded }, 'committed a chunk');
  };
  for (const [start, end] of plan.missing) {
    let buffer: Row[] = [];
    for await (const page of sourcePages(
      { rest: o.client, archive: o.archive },
      source,
      plan.binanceSymbol,
      start,
      end,
      o.pageLimit,
    )) {
      const ingestTime = now();
      for (const t of page) {
        const r = fetchedTradeRow(plan.symbol, t, ingestTime);
        if (r.ok) buffer.push(r.row);
        else if (result.rejected++ === 0)
          log.warn(
            { tradeId: t.tradeId, reason: r.reason },
            'skipping a trade that does not normalize (only the first is logged)',
          );
      }
      const lastTime = page.at(-1)?.time ?? start;
      progress.rows = result.rows + buffer.length;
      progress.requests = o.client.stats.requests - requestsAtStart;
      progress.doneMs = doneBefore + lastTime - start;
      progressSink.update(progress);
      if (buffer.length >= chunkRows) {
        const cut = chunkCut(buffer, lastTime);
        if (cut > 0) {
          await commit(buffer.slice(0, cut), [start, lastTime - 1]);
          buffer = buffer.slice(cut);
        }
      }
    }
    // The range is complete: commit the rest and remember all of it (even an empty tail).
    await commit(buffer, [start, Math.min(end, now())]);
    doneBefore += end - start + 1;
  }
  progress.rows = result.rows;
  progress.requests = o.client.stats.requests - requestsAtStart;
  progressSink.finish(progress);
  log.info(
    { rows: result.rows, rejected: result.rejected, commits: result.commits, ranges: plan.missing.length },
    'symbol loaded',
  );
  return result;
}

/** Index of the first row whose event time is `lastTime` (rows are in time order). */
function chunkCut(rows: readonly Row[], lastTime: number): number {
  let i = rows.length;
  while (i > 0) {
    const t = rows[i - 1]?.event_time;
    if (!(t instanceof Date) || t.getTime() < lastTime) break;
    i--;
  }
  return i;
}
