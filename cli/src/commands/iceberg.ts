import { join } from 'node:path';
import type { Command } from 'commander';
import pino from 'pino';
import { snapshotId } from '../options.js';
import { explainLoadFailure, localWarehouseEndpoint, readableRows } from './iceberg-cli.js';
import { registerMaintain } from './iceberg-maintain.js';

interface IcebergOptions {
  stateDir: string;
  snapshot?: bigint;
  asOf?: string;
}

/**
 * Opens the platform catalog the jobs write: ICEBERG_CATALOG (local under --state-dir, or Glue). The
 * local catalog's files are read from COATTAIL_S3_ENDPOINT or, unset, from the S3 of the
 * `coattail up` running on --state-dir.
 */
async function openTable(name: string, options: IcebergOptions) {
  const [{ createS3Client, endpointsFromEnv, S3ObjectStore }, { openCatalog }, { parseJobConfig }] = await Promise.all([
    import('@coattail/connectors'),
    import('@coattail/iceberg'),
    import('@coattail/stream-jobs'),
  ]);
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });
  const config = parseJobConfig(process.env);
  const warehouse = config.ICEBERG_CATALOG === 'local' ? await localWarehouseEndpoint(options.stateDir) : undefined;
  const endpoint = warehouse?.endpoint ?? endpointsFromEnv().s3;
  const catalog = openCatalog(config, {
    store: new S3ObjectStore({
      client: createS3Client(endpoint ? { endpoint } : {}),
      bucket: config.WAREHOUSE_BUCKET,
      logger,
    }),
    localDir: join(options.stateDir, 'catalog'),
    logger,
  });
  const id = name.includes('.') ? name : `coattail.${name}`;
  return {
    catalog,
    table:
      name === ''
        ? undefined
        : await catalog.loadTable(id).catch((error: unknown) => {
            throw explainLoadFailure(error, id, options.stateDir, warehouse);
          }),
  };
}

function scanOptions(options: IcebergOptions): { snapshotId?: bigint; asOfTimestamp?: number } {
  if (options.snapshot !== undefined) return { snapshotId: options.snapshot };
  if (options.asOf !== undefined) {
    const t = Date.parse(options.asOf);
    if (Number.isNaN(t)) throw new Error(`--as-of '${options.asOf}' is not a date (try 2026-11-21T10:00:00Z)`);
    return { asOfTimestamp: t };
  }
  return {};
}

const print = (rows: readonly object[]): void =>
  console.table(
    rows.map(
      (r) => JSON.parse(JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as object,
    ),
  );

/** `coattail iceberg`: look into the platform's Iceberg tables. */
export function registerIceberg(program: Command): void {
  const iceberg = program
    .command('iceberg')
    .description('inspect the platform Iceberg tables: list, snapshots, SQL with time travel')
    .option(
      '--state-dir <dir>',
      'local catalog folder (as for coattail up / job; unused with ICEBERG_CATALOG=glue)',
      '.coattail',
    )
    .addHelpText(
      'after',
      '\nCatalog: ICEBERG_CATALOG=local (default, under --state-dir) or glue (GLUE_ENDPOINT, GLUE_CATALOG_ID).\n',
    );
  iceberg
    .command('tables')
    .description('list the tables of the coattail namespace')
    .action(async () => {
      const { catalog } = await openTable('', iceberg.opts<IcebergOptions>());
      for (const t of await catalog.listTables('coattail')) console.log(`${t.namespace}.${t.name}`);
    });
  iceberg
    .command('describe <table>')
    .description('schema (field ids, types), partition spec, location, properties and current snapshot')
    .action(async (name: string) => {
      const { table } = await openTable(name, iceberg.opts<IcebergOptions>());
      const t = table!;
      console.log(`${name}  format-version ${t.metadata['format-version']}  location ${t.metadata.location}`);
      print(
        t.schema().fields.map((f) => ({
          id: f.id,
          name: f.name,
          type: typeof f.type === 'string' ? f.type : JSON.stringify(f.type),
          required: f.required,
        })),
      );
      print(t.spec().fields.map((f) => ({ field: f.name, source: f['source-id'], transform: f.transform })));
      const current = t.currentSnapshot();
      console.log(
        `current snapshot ${current ? `${current['snapshot-id']} (${new Date(current['timestamp-ms']).toISOString()}, ${current.summary['total-records'] ?? '?'} records)` : 'none'}`,
      );
      console.log(`properties ${JSON.stringify(t.metadata.properties)}`);
    });
  iceberg
    .command('snapshots <table>')
    .description('the snapshots of a table: id, time, operation, counters, checkpoint ids')
    .action(async (name: string) => {
      const { table } = await openTable(name, iceberg.opts<IcebergOptions>());
      print(
        table!.snapshots().map((s) => ({
          id: s['snapshot-id'],
          at: new Date(s['timestamp-ms']).toISOString(),
          operation: s.summary.operation,
          records: s.summary['total-records'],
          files: s.summary['total-data-files'],
          checkpoint: s.summary['coattail.max-committed-checkpoint-id'] ?? '',
        })),
      );
    });
  iceberg
    .command('query <table> [sql]')
    .description(
      'run SQL over a table as view t (default: the first 20 rows), e.g. "SELECT symbol, count(*) FROM t GROUP BY 1"',
    )
    .option('--snapshot <id>', 'read as of this snapshot id', snapshotId)
    .option('--as-of <time>', 'read as of this time (ISO 8601)')
    .action(async (name: string, sql: string | undefined, options: IcebergOptions) => {
      const all = { ...iceberg.opts<IcebergOptions>(), ...options };
      const { table } = await openTable(name, all);
      const scan = table!.scan(scanOptions(all));
      const query = sql ?? 'SELECT * FROM t LIMIT 20';
      // The column types of the answer, so time columns print as ISO strings, not raw microseconds.
      const types = await scan
        .sql(`DESCRIBE ${query}`)
        .then((rows) => new Map(rows.map((r) => [String(r.column_name), String(r.column_type)])))
        .catch(() => new Map<string, string>());
      print(readableRows(await scan.sql(query), types));
    });
  registerMaintain(iceberg, async (name) => (await openTable(name, iceberg.opts<IcebergOptions>())).table!);
}
