import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { StageType } from '@coattail/workflow';
import pino from 'pino';
import { z } from 'zod';
import { openCatalog } from '../commands/batch.js';
import { startBinanceReplay } from './binance-replay.js';
import { fileQualityStage } from './file-quality-stage.js';
import { reconcileStage } from './reconcile-stage.js';

const logger = () => pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
const time = z.union([z.number(), z.string()]).transform((v) => (typeof v === 'number' ? v : Date.parse(v)));

const loadParams = z
  .object({
    symbols: z.array(z.string()).default(['BTC-USDT']),
    from: time,
    to: time,
    /** `replay` serves deterministic trades from a local replay of the REST API; else a base URL. @default replay */
    source: z.string().default('replay'),
    /**
     * Which Binance REST pages: `rest` (`historicalTrades`, the trades themselves) or `aggTrades`
     * (aggregates). @default the endpoint the stage's declared input names, else rest
     */
    endpoint: z.enum(['aggTrades', 'rest']).optional(),
    chunkRows: z.number().int().positive().default(200_000),
  })
  .strict();

/**
 * The REST pages a historical load reads, from the dataset its definition declares as input:
 * `…/api/v3/aggTrades` loads aggregates, anything else (`…/api/v3/historicalTrades`) trades.
 */
export function restEndpointOf(inputs: readonly string[]): 'rest' | 'aggTrades' {
  return inputs.some((uri) => /\/api\/v3\/aggTrades\/?$/.test(uri)) ? 'aggTrades' : 'rest';
}

/**
 * The platform's batch work as workflow stages. They live in the CLI, which may import every
 * package, so `@coattail/workflow` keeps to the packages its row of the architecture table names.
 */
export function platformStageTypes(catalogOptions: { stateDir: string; warehouse?: string }): StageType[] {
  return [
    fileQualityStage,
    reconcileStage({
      stateDir: catalogOptions.stateDir,
      warehouse: catalogOptions.warehouse ?? join(catalogOptions.stateDir, 'warehouse'),
    }),
    {
      name: 'raw-zone',
      description:
        'copies the Iceberg data files a run has not seen yet into raw-zone Parquet by day (replacing, never appending)',
      async run(ctx) {
        const p = z
          .object({ table: z.string().default('coattail.raw_trades'), eventTime: z.string().default('event_time') })
          .strict()
          .parse(ctx.stage.params);
        const out = ctx.outputs[0];
        if (out?.scheme !== 'file') throw new Error(`stage '${ctx.stage.id}': raw-zone writes one file:// output`);
        const { localPath } = await import('@coattail/workflow');
        const { DuckDBInstance } = await import('@duckdb/node-api');
        const catalog = await openCatalog(catalogOptions);
        const table = await catalog.loadTable(p.table);
        const changes = ctx.changes?.find((c) => c.input === `iceberg://${p.table}`);
        const uris =
          changes && !changes.full ? changes.added : (await table.scan().planFiles()).map((t) => t.file.filePath);
        const dir = localPath(out.uri, ctx.baseDir);
        await mkdir(dir, { recursive: true });
        const db = await DuckDBInstance.create(':memory:');
        const c = await db.connect();
        let rows = 0;
        const files: string[] = [];
        try {
          for (const uri of uris) {
            const src = (await catalog.io.localPath(uri)).replaceAll("'", "''");
            const name = uri.slice(uri.lastIndexOf('/') + 1);
            const n = Number(
              (
                await c.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM read_parquet('${src}')`)
              ).getRowObjectsJson()[0]?.n ?? 0,
            );
            // One raw-zone folder per source file, replaced whole: a re-run rewrites, never duplicates.
            const target = join(dir, name.replace(/\.parquet$/, '')).replaceAll("'", "''");
            await c.run(
              `COPY (SELECT *, strftime("${p.eventTime}"::TIMESTAMP, '%Y-%m-%d') AS dt FROM read_parquet('${src}')) TO '${target}' (FORMAT parquet, PARTITION_BY (dt), OVERWRITE_OR_IGNORE)`,
            );
            rows += n;
            // The files of this run, for the stage's quality gates to read.
            const folder = join(dir, name.replace(/\.parquet$/, ''));
            for (const f of await readdir(folder, { recursive: true }))
              if (f.endsWith('.parquet')) files.push(join(folder, f));
          }
        } finally {
          c.closeSync();
          db.closeSync();
        }
        return {
          outputs: [{ dataset: out.uri, rows, location: dir, files, format: 'parquet' }],
          summary: `${uris.length} data file(s), ${rows} rows → ${dir}`,
          metrics: { files: uris.length, rows },
        };
      },
    },
    {
      name: 'historical-load',
      description:
        'loads Binance REST trade pages (historicalTrades) into iceberg://coattail.raw_trades (incremental by covered range)',
      async run(ctx) {
        const p = loadParams.parse(ctx.stage.params);
        const endpoint = p.endpoint ?? restEndpointOf(ctx.inputs.map((i) => i.uri));
        const { BinanceRestClient, runHistoricalLoad } = await import('@coattail/batch');
        const replay = p.source === 'replay' ? await startBinanceReplay() : undefined;
        try {
          const catalog = await openCatalog(catalogOptions);
          const client = new BinanceRestClient({ baseUrl: replay?.url ?? p.source, logger: logger() });
          const results = await runHistoricalLoad({
            catalog,
            client,
            symbols: p.symbols,
            startTime: p.from,
            endTime: p.to,
            chunkRows: p.chunkRows,
            source: endpoint,
            logger: logger(),
          });
          const table = await catalog.loadTable('coattail.raw_trades');
          const rows = results.reduce((n, r) => n + r.rows, 0);
          return {
            outputs: [
              {
                dataset: 'iceberg://coattail.raw_trades',
                rows,
                snapshotId: String(table.currentSnapshot()?.['snapshot-id'] ?? ''),
                location: table.metadataLocation,
              },
            ],
            summary: `${rows} ${endpoint === 'rest' ? 'trades' : 'aggregates'} loaded from ${endpoint === 'rest' ? 'historicalTrades' : 'aggTrades'} pages of ${replay ? 'the local Binance replay' : p.source} (${client.stats.requests} requests)`,
            metrics: { rows, requests: client.stats.requests },
          };
        } finally {
          await replay?.close();
        }
      },
    },
    {
      name: 'reprocess-anomalies',
      description:
        'reruns the volume-anomaly logic over raw_trades into anomalies_reprocessed, with a comparison report',
      async run(ctx) {
        const p = z
          .object({ symbols: z.array(z.string()).optional(), reportDir: z.string().default('reports') })
          .strict()
          .parse(ctx.stage.params);
        const [
          { compareAnomalies, originalAnomalies, reprocessAnomalies, writeComparisonReports },
          { parseJobConfig },
        ] = await Promise.all([import('@coattail/batch'), import('@coattail/stream-jobs')]);
        const catalog = await openCatalog(catalogOptions);
        const result = await reprocessAnomalies({
          catalog,
          config: parseJobConfig(process.env),
          logger: logger(),
          runId: ctx.runId,
          ...(p.symbols ? { symbols: p.symbols } : {}),
        });
        const comparison = compareAnomalies(await originalAnomalies(catalog, result.range, p.symbols), result.alerts);
        const files = await writeComparisonReports(
          comparison,
          join(ctx.baseDir, p.reportDir, `reprocess-${ctx.runId}`),
          { run_id: ctx.runId, source_snapshot_id: String(result.sourceSnapshotId), trades: result.trades },
        );
        return {
          outputs: [
            { dataset: 'iceberg://coattail.anomalies_reprocessed', rows: result.alerts.length },
            { dataset: `file://${p.reportDir}/`, location: files.xlsx },
          ],
          summary: `${result.trades} trades of snapshot ${result.sourceSnapshotId} → ${result.alerts.length} anomalies; report ${files.csv}`,
          metrics: { trades: result.trades, anomalies: result.alerts.length },
        };
      },
    },
  ];
}
