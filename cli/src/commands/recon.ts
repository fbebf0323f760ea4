import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import pino from 'pino';
import {
  formatSuiteSummary,
  formatSummary,
  generateGoldenDataset,
  icebergInputResolver,
  loadReconConfigFile,
  registerInputResolver,
  runReconSuite,
  runReconciliation,
  serveDashboard,
  type ReconConfig,
  type ReconSuite,
} from '@coattail/recon';
import { port, positiveNumber } from '../options.js';

interface GenOptions {
  dir: string;
  rows: number;
  rate: number;
  format: 'parquet' | 'csv';
  drift: boolean;
}

function logger(): pino.Logger {
  return pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
}

/**
 * Lets Iceberg inputs read an `s3://bucket/prefix` warehouse (where the platform's jobs write)
 * through the connectors' S3 store, endpoint from COATTAIL_S3_ENDPOINT / AWS_ENDPOINT_URL, and
 * `catalog: glue` inputs find their tables in Glue (GLUE_ENDPOINT / GLUE_CATALOG_ID).
 * Loaded only when a config names one, so file-only runs never load the AWS SDK.
 */
async function readS3Warehouses(config: ReconConfig, log: pino.Logger): Promise<void> {
  const remote = (i: ReconConfig['source']): boolean =>
    i.format === 'iceberg' && (i.warehouse?.startsWith('s3://') === true || i.catalog === 'glue');
  if (![config.source, config.target].some(remote)) return;
  const [{ createS3Client, endpointsFromEnv, S3ObjectStore }, { parseCatalogConfig }] = await Promise.all([
    import('@coattail/connectors'),
    import('@coattail/iceberg'),
  ]);
  const { GLUE_ENDPOINT, GLUE_CATALOG_ID } = parseCatalogConfig(process.env);
  const endpoint = endpointsFromEnv().s3;
  const client = createS3Client(endpoint ? { endpoint } : {});
  const openStore = (warehouse: string) => {
    const [, bucket, prefix] = /^s3:\/\/([^/]+)\/?(.*)$/.exec(warehouse) ?? [];
    return bucket === undefined
      ? undefined
      : new S3ObjectStore({ client, bucket, prefix: (prefix ?? '').replace(/\/+$/, ''), logger: log });
  };
  registerInputResolver(
    'iceberg',
    icebergInputResolver({
      openStore,
      glue: {
        ...(GLUE_ENDPOINT !== undefined ? { GLUE_ENDPOINT } : {}),
        ...(GLUE_CATALOG_ID !== undefined ? { GLUE_CATALOG_ID } : {}),
      },
    }),
  );
}

/** The suite with its reports (and each table's) moved under `dir`. */
function withOutputDir(suite: ReconSuite, dir: string): ReconSuite {
  const outputDir = resolve(dir);
  return {
    ...suite,
    outputDir,
    tables: suite.tables.map((t) => ({
      ...t,
      config: { ...t.config, output: { ...t.config.output, dir: join(outputDir, t.folder) } },
    })),
  };
}

/** `coattail recon run|gen|serve`: reconcile a source against a target, make a golden dataset, browse results. */
export function registerRecon(program: Command): void {
  const recon = program
    .command('recon')
    .description('source-vs-target reconciliation on DuckDB (CSV, Parquet, Iceberg tables), reports and dashboard');

  recon
    .command('run')
    .description(
      'reconcile per a YAML/JSON config; exit code 2 when the data does not reconcile. Inputs: CSV, Parquet, a folder or glob of either, ' +
        'or an Iceberg table (format: iceberg, path: <catalog folder>, table: <ns.name>, optional snapshotId/asOf, warehouse: <folder or s3://bucket>)',
    )
    .requiredOption(
      '-c, --config <file>',
      'reconciliation config (YAML or JSON): one table pair, or several under tables:',
    )
    .option('-o, --out <dir>', 'output folder (overrides output.dir of the config)')
    .action(async (options: { config: string; out?: string }) => {
      const file = await loadReconConfigFile(options.config);
      const log = logger();
      if (file.kind === 'suite') {
        const suite = options.out === undefined ? file.suite : withOutputDir(file.suite, options.out);
        for (const table of suite.tables) await readS3Warehouses(table.config, log);
        const result = await runReconSuite(suite, { logger: log });
        console.log(formatSuiteSummary(result, suite.outputDir));
        process.exitCode = result.tables.some((t) => t.status === 'ERROR') ? 1 : result.reconciled ? 0 : 2;
        return;
      }
      const config = file.config;
      if (options.out !== undefined) config.output.dir = options.out;
      await readS3Warehouses(config, log);
      const result = await runReconciliation(config, { logger: log });
      console.log(formatSummary(result, config.output.dir));
      process.exitCode = result.reconciled ? 0 : 2;
    });

  recon
    .command('gen')
    .description('write a golden dataset: source, target with induced errors, recon.yaml and expected.json')
    .option('-d, --dir <dir>', 'output folder', 'recon-golden')
    .option('-n, --rows <rows>', 'source rows', positiveNumber, 100_000)
    .option('-r, --rate <fraction>', 'fraction of rows per induced error kind (at most 1/15)', positiveNumber, 0.001)
    .addOption(
      new Option('-f, --format <format>', 'file format of source and target')
        .choices(['parquet', 'csv'])
        .default('parquet'),
    )
    .option('--no-drift', 'keep the schemas identical (no missing/extra column, no type change)')
    .action(async (options: GenOptions) => {
      const format = options.format === 'csv' ? 'csv' : 'parquet';
      const golden = await generateGoldenDataset({
        dir: options.dir,
        rows: Math.floor(options.rows),
        rate: options.rate,
        format,
        schemaDrift: options.drift,
      });
      console.log(`golden dataset in ${options.dir}: ${golden.sourcePath}, ${golden.targetPath}`);
      console.log(
        `expected findings: ${golden.expectedPath}; run it with: coattail recon run --config ${golden.configPath}`,
      );
    });

  recon
    .command('serve')
    .description(
      'serve the reconciliation dashboard for an output folder (of one table, or of several with a table picker)',
    )
    .option('-d, --dir <dir>', 'output folder holding result.json', 'recon-output')
    .option('-p, --port <port>', 'port on 127.0.0.1 (0 = any free port)', port, 8787)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .action(async (options: { dir: string; port: number; host: string }) => {
      const server = await serveDashboard({
        dir: options.dir,
        port: options.port,
        host: options.host,
        logger: logger(),
      });
      console.log(`recon dashboard: ${server.url} (Ctrl-C to stop)`);
      const stop = (): void => void server.close();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
