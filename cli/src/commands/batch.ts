import { join } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import pino from 'pino';
import { positiveNumber } from '../options.js';

interface CatalogOptions {
  stateDir: string;
  warehouse?: string;
}

interface HistoricalOptions extends CatalogOptions {
  symbols: string[];
  from: number;
  to: number;
  endpoint?: 'aggTrades' | 'historicalTrades';
  source?: 'auto' | 'archive' | 'rest' | 'aggTrades';
  baseUrl: string;
  archiveUrl: string;
  chunkRows: number;
  weightLimit: number;
  dryRun?: boolean;
}

const logger = () => pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));

function time(value: string): number {
  const t = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isSafeInteger(t))
    throw new InvalidArgumentError(`'${value}' is not a date (try 2021-10-22T00:00:00Z or epoch ms)`);
  return t;
}

const list = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

/**
 * The platform catalog as configured (ICEBERG_CATALOG=local: pointers under --state-dir; glue: AWS
 * Glue), data in --warehouse (a folder) or the S3 warehouse bucket.
 */
export async function openCatalog(options: CatalogOptions) {
  const [{ createS3Client, endpointsFromEnv, LocalObjectStore, S3ObjectStore }, iceberg, { parseJobConfig }] =
    await Promise.all([import('@coattail/connectors'), import('@coattail/iceberg'), import('@coattail/stream-jobs')]);
  const log = logger();
  const config = parseJobConfig(process.env);
  const endpoint = endpointsFromEnv().s3;
  const store =
    options.warehouse !== undefined
      ? new LocalObjectStore(options.warehouse)
      : new S3ObjectStore({
          client: createS3Client(endpoint ? { endpoint } : {}),
          bucket: config.WAREHOUSE_BUCKET,
          logger: log,
        });
  return iceberg.openCatalog(config, { store, localDir: join(options.stateDir, 'catalog'), logger: log });
}

async function historicalLoad(o: HistoricalOptions): Promise<void> {
  const {
    BinanceArchiveClient,
    BinanceRestClient,
    formatRange,
    planHistoricalLoad,
    progressReporter,
    resolveSource,
    runHistoricalLoad,
  } = await import('@coattail/batch');
  const log = logger();
  const client = new BinanceRestClient({ baseUrl: o.baseUrl, weightLimit: o.weightLimit, logger: log });
  const source = resolveSource(o);
  const options = {
    catalog: await openCatalog(o),
    client,
    archive: new BinanceArchiveClient({ baseUrl: o.archiveUrl, logger: log }),
    symbols: o.symbols,
    startTime: o.from,
    endTime: o.to,
    source,
    chunkRows: o.chunkRows,
    logger: log,
  };
  const via = {
    auto: `daily archives (${o.archiveUrl}), /api/v3/historicalTrades for days not archived yet (${o.baseUrl})`,
    archive: `daily archives, ${o.archiveUrl}`,
    rest: `/api/v3/historicalTrades, ${o.baseUrl}`,
    aggTrades: `/api/v3/aggTrades, ${o.baseUrl}`,
  }[source];
  if (source === 'aggTrades')
    console.log(
      'note: aggTrades are aggregates of possibly several fills, not the live feed’s trades; they are written as binance-agg:<symbol>:<aggregate id> and never match live event ids',
    );
  const plans = await planHistoricalLoad(options);
  for (const p of plans) {
    console.log(`${p.symbol} (${p.binanceSymbol} via ${via})`);
    for (const r of p.covered) console.log(`  loaded   ${formatRange(r)}`);
    for (const r of p.missing) console.log(`  download ${formatRange(r)}`);
    if (p.missing.length === 0) console.log('  nothing to download');
  }
  if (o.dryRun) {
    console.log('dry run: nothing downloaded or written');
    return;
  }
  const started = Date.now();
  const results = await runHistoricalLoad({ ...options, progress: progressReporter(process.stderr) });
  const seconds = (Date.now() - started) / 1000;
  for (const r of results)
    console.log(
      `${r.symbol}: ${r.rows} trades in ${r.commits} commits${r.rejected > 0 ? `, ${r.rejected} refused by normalization` : ''}`,
    );
  console.log(
    `${client.stats.requests} requests, ${client.stats.retries} retries, ${Math.round(client.stats.throttledMs / 1000)} s waiting for rate limits, ${seconds.toFixed(1)} s`,
  );
}

interface ReprocessCliOptions extends CatalogOptions {
  snapshot?: bigint;
  asOf?: number;
  symbols?: string[];
  reportDir?: string;
  runId?: string;
}

function snapshotId(value: string): bigint {
  if (!/^-?\d+$/.test(value))
    throw new InvalidArgumentError(`'${value}' is not a snapshot id (see coattail iceberg snapshots raw_trades)`);
  return BigInt(value);
}

async function reprocess(o: ReprocessCliOptions): Promise<void> {
  if (o.snapshot !== undefined && o.asOf !== undefined)
    throw new InvalidArgumentError('give --snapshot or --as-of, not both');
  const [
    { comparisonSummary, compareAnomalies, originalAnomalies, reprocessAnomalies, writeComparisonReports },
    { parseJobConfig },
  ] = await Promise.all([import('@coattail/batch'), import('@coattail/stream-jobs')]);
  const catalog = await openCatalog(o);
  const result = await reprocessAnomalies({
    catalog,
    config: parseJobConfig(process.env),
    logger: logger(),
    ...(o.snapshot !== undefined ? { snapshotId: o.snapshot } : {}),
    ...(o.asOf !== undefined ? { asOfTimestamp: o.asOf } : {}),
    ...(o.symbols ? { symbols: o.symbols } : {}),
    ...(o.runId ? { runId: o.runId } : {}),
  });
  console.log(
    `run ${result.runId}: raw_trades snapshot ${result.sourceSnapshotId} (${new Date(result.sourceSnapshotTime).toISOString()}), ${result.trades} trades → ${result.alerts.length} anomalies in anomalies_reprocessed`,
  );
  const comparison = compareAnomalies(await originalAnomalies(catalog, result.range, o.symbols), result.alerts);
  const files = await writeComparisonReports(comparison, o.reportDir ?? join('reports', `reprocess-${result.runId}`), {
    run_id: result.runId,
    source_snapshot_id: String(result.sourceSnapshotId),
    trades: result.trades,
  });
  console.log(comparisonSummary(comparison));
  console.log(`report: ${files.csv}, ${files.xlsx}`);
}

async function schemaDemo(o: CatalogOptions & { table?: string; column: string }): Promise<void> {
  const { runSchemaEvolutionDemo } = await import('@coattail/batch');
  await runSchemaEvolutionDemo({
    catalog: await openCatalog(o),
    column: o.column,
    print: (line) => console.log(line),
    ...(o.table ? { table: o.table } : {}),
  });
}

/** `coattail batch`: the batch jobs (historical load, reprocessing, schema evolution demo). */
export function registerBatch(program: Command): void {
  const batch = program
    .command('batch')
    .description('batch jobs: historical trade load, anomaly reprocessing with time travel, schema evolution demo');
  const catalogOptions = (c: Command): Command =>
    c
      .option('--state-dir <dir>', 'local Iceberg catalog folder (as for coattail up / job)', '.coattail')
      .option(
        '--warehouse <dir>',
        'keep table data in this folder instead of the S3 warehouse bucket (WAREHOUSE_BUCKET, COATTAIL_S3_ENDPOINT)',
      );

  catalogOptions(
    batch
      .command('historical-load')
      .description('load historical Binance trades into raw_trades (incremental, resumable)')
      .requiredOption('--from <time>', 'start of the range, inclusive (ISO date or epoch ms)', time)
      .requiredOption('--to <time>', 'end of the range, inclusive (ISO date or epoch ms)', time)
      .option('--symbols <list>', 'canonical symbols, comma-separated', list, ['BTC-USDT'])
      .addOption(
        new Option(
          '--source <name>',
          'where trades come from: auto (daily archives, historicalTrades for days not archived yet), archive, rest (historicalTrades), aggTrades (aggregates under their own binance-agg ids) [default: auto]',
        ).choices(['auto', 'archive', 'rest', 'aggTrades']),
      )
      .addOption(
        new Option('--endpoint <name>', 'deprecated: --source rest (historicalTrades) or --source aggTrades')
          .choices(['aggTrades', 'historicalTrades'])
          .conflicts('source'),
      )
      .option(
        '--base-url <url>',
        'Binance REST base URL (COATTAIL_BINANCE_REST_URL)',
        process.env.COATTAIL_BINANCE_REST_URL ?? 'https://data-api.binance.vision',
      )
      .option(
        '--archive-url <url>',
        'Binance daily archive base URL (COATTAIL_BINANCE_ARCHIVE_URL)',
        process.env.COATTAIL_BINANCE_ARCHIVE_URL ?? 'https://data.binance.vision',
      )
      .option('--chunk-rows <n>', 'trades per Parquet write and Iceberg commit', positiveNumber, 200_000)
      .option('--weight-limit <n>', 'REQUEST_WEIGHT per minute of the API (exchangeInfo)', positiveNumber, 6000)
      .option('--dry-run', 'print what is loaded and what would be downloaded, then stop'),
  ).action((o: HistoricalOptions) => historicalLoad(o));

  catalogOptions(
    batch
      .command('reprocess-anomalies')
      .description(
        'rerun the volume-anomaly logic over raw_trades as of a snapshot or time; write anomalies_reprocessed and a comparison with the original alerts',
      )
      .option('--snapshot <id>', 'raw_trades snapshot id to read', snapshotId)
      .option('--as-of <time>', 'read raw_trades as it was at this time (ISO date or epoch ms)', time)
      .option('--symbols <list>', 'only these canonical symbols', list)
      .option('--report-dir <dir>', 'where comparison.csv and comparison.xlsx go (default reports/reprocess-<run id>)')
      .option('--run-id <id>', 'id of this run (default a UUID)')
      .addHelpText(
        'after',
        "\nThe anomaly settings are the stream job's: ANOMALY_Z_THRESHOLD, ANOMALY_WINDOW_MS, ANOMALY_MIN_HISTORY, OUT_OF_ORDERNESS_MS.\n",
      ),
  ).action((o: ReprocessCliOptions) => reprocess(o));

  catalogOptions(
    batch
      .command('schema-evolution-demo')
      .description(
        'add a column to a fresh Iceberg table and show: old rows read NULL, new rows fill it, no Parquet file rewritten',
      )
      .option('--table <name>', 'name of the new demo table (default coattail_demo.schema_evolution_<epoch ms>)')
      .option('--column <name>', 'the column to add', 'venue'),
  ).action((o: CatalogOptions & { table?: string; column: string }) => schemaDemo(o));
}
