/**
 * Iceberg append benchmark: `npm run bench -w @coattail/iceberg`.
 * BENCH_ROWS (default 10 M), BENCH_BATCH (default 250 000), BENCH_DAYS (default 30), BENCH_NO_DOCS=1 to skip docs.
 *
 * Measures, in one run: rows/s appended to a raw_trades table (Parquet + manifests + commit per
 * batch; the rows handed over as a column batch built from the table schema, as sinks do), commit
 * latency, bytes on disk vs the same rows as JSON lines, DuckDB writing the same rows as one plain
 * Parquet file (speed baseline, timed batch by batch alternately with the appends), the same column
 * batch scanned by DuckDB into plain Parquet (second baseline: the Iceberg path's own input without
 * partitions, statistics or commits), and a 1-day query over the daily partitions.
 */
import { appendFile, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalObjectStore } from '@coattail/connectors';
import { DuckDBDataChunk, DuckDBTimestampValue, type DuckDBType } from '@duckdb/node-api';
import {
  IcebergCatalog,
  LocalPointerStore,
  TABLES,
  columnBatchFromRows,
  tablePartitionSpec,
  tableSchema,
} from '../src/index.js';
import { withBatchScan } from '../src/data/batch-scan.js';
import { withDuckDB, withWriterDuckDB } from '../src/data/duckdb.js';
import { duckdbType, quoteIdent, quoteLiteral } from '../src/data/duckdb-types.js';
import { DAY_US, START_US, tradeBatch, type BenchTrade } from './trade-generator.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 250_000);
const DAYS = Number(process.env.BENCH_DAYS ?? 30);
const fmt = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 2 });
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function dirSize(path: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(path, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

const root = await mkdtemp(join(tmpdir(), 'iceberg-bench-'));
const def = TABLES.raw_trades;
const schema = tableSchema(def);
const catalog = new IcebergCatalog({
  pointers: new LocalPointerStore(join(root, 'catalog')),
  store: new LocalObjectStore(join(root, 'objects')),
});
const table = await catalog.createTable('coattail.raw_trades', { schema, spec: tablePartitionSpec(def) });
console.log(`appending ${fmt(ROWS)} trades over ${DAYS} days in batches of ${fmt(BATCH)} to ${root}`);

// 1. Iceberg appends, interleaved batch by batch with 2. the baseline: the same rows through
// DuckDB's appender into one plain Parquet file. On a shared machine the load changes from minute
// to minute; timing both on each batch in turn keeps the ratio like for like. CPU time (all
// threads of the process) is reported beside wall time as the steadier measure under load.
let jsonBytes = 0;
const commitMs: number[] = [];
let writeMs = 0;
let icebergMs = 0;
let icebergCpuMs = 0;
let plainMs = 0;
let plainCpuMs = 0;
let scanMs = 0;
let scanCpuMs = 0;
let scanBytes = 0;
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const plainPath = join(root, 'plain.parquet');
const plainBytes = await withDuckDB(async (c) => {
  await c.run(
    `CREATE TABLE plain (${schema.fields.map((f) => `${quoteIdent(f.name)} ${duckdbType(f.type)}`).join(', ')})`,
  );
  const appender = await c.createAppender('plain');
  const types: DuckDBType[] = schema.fields.map((_, i) => appender.columnType(i));
  for (let from = 0; from < ROWS; from += BATCH) {
    const rows = tradeBatch(from, Math.min(BATCH, ROWS - from), ROWS, DAYS);
    for (const r of rows)
      jsonBytes +=
        Buffer.byteLength(JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) + 1;

    const w0 = performance.now();
    const wc0 = cpuMs();
    // as the sinks and loaders do: one columnar batch typed from the table schema
    const files = await table.writeDataFiles(table.batchBuilder(rows.length).appendAll(rows).finish());
    const c0 = performance.now();
    await table.commitAppend(files);
    commitMs.push(performance.now() - c0);
    writeMs += c0 - w0;
    icebergMs += performance.now() - w0;
    icebergCpuMs += cpuMs() - wc0;

    const b0 = performance.now();
    const bc0 = cpuMs();
    for (let s = 0; s < rows.length; s += 2048) {
      const slice = rows.slice(s, s + 2048);
      const chunk = DuckDBDataChunk.create(types, slice.length);
      chunk.setColumns(
        schema.fields.map((f) =>
          slice.map((r) => {
            const v = r[f.name as keyof BenchTrade];
            return typeof v === 'bigint' ? new DuckDBTimestampValue(v) : v;
          }),
        ),
      );
      appender.appendDataChunk(chunk);
    }
    plainMs += performance.now() - b0;
    plainCpuMs += cpuMs() - bc0;

    // 2b. the same rows as one column batch scanned by DuckDB into one plain Parquet file per
    // batch: the Iceberg path's own way into DuckDB, without partitions, statistics or commits
    const s0 = performance.now();
    const sc0 = cpuMs();
    const batch = columnBatchFromRows(schema, rows);
    const scanPath = join(root, `scan-${from}.parquet`);
    await withWriterDuckDB((w) =>
      withBatchScan(
        batch,
        Array.from({ length: rows.length }, (_, r) => r),
        (src) => w.run(`COPY (FROM ${src}) TO ${quoteLiteral(scanPath)} (FORMAT parquet, COMPRESSION zstd)`),
      ),
    );
    scanMs += performance.now() - s0;
    scanCpuMs += cpuMs() - sc0;
    scanBytes += (await stat(scanPath)).size;
  }
  const b0 = performance.now();
  const bc0 = cpuMs();
  appender.flushSync();
  appender.closeSync();
  await c.run(`COPY plain TO ${quoteLiteral(plainPath)} (FORMAT parquet, COMPRESSION zstd)`);
  await c.run('DROP TABLE plain');
  plainMs += performance.now() - b0;
  plainCpuMs += cpuMs() - bc0;
  return (await stat(plainPath)).size;
});
const snapshot = table.currentSnapshot()!;
const dataBytes = Number(snapshot.summary['total-files-size']);
const tableBytes = await dirSize(join(root, 'objects'));
commitMs.sort((a, b) => a - b);

// 3. A 1-day query over the daily partitions
const day = BigInt(Math.floor(DAYS / 2));
const q0 = performance.now();
const scan = table.scan({
  filter: [
    { column: 'event_time', op: '>=', value: START_US + day * DAY_US },
    { column: 'event_time', op: '<', value: START_US + (day + 1n) * DAY_US },
  ],
});
const dayRows = await scan.sql(
  'SELECT count(*) AS n, sum(quote_volume) AS v FROM t WHERE epoch_us(event_time) >= ' +
    String(START_US + day * DAY_US) +
    ' AND epoch_us(event_time) < ' +
    String(START_US + (day + 1n) * DAY_US),
);
const queryMs = performance.now() - q0;
const p = (q: number): number => commitMs[Math.min(commitMs.length - 1, Math.floor(q * commitMs.length))]!;

const rowsPerSec = ROWS / (icebergMs / 1000);
const plainRowsPerSec = ROWS / (plainMs / 1000);
const scanRowsPerSec = ROWS / (scanMs / 1000);
const lines = [
  `| measure | value |`,
  `| --- | --- |`,
  `| Iceberg append (write Parquet + manifests + commit per batch) | ${fmt(rowsPerSec)} rows/s (${fmt(icebergMs / 1000)} s; writing files ${fmt(writeMs / 1000)} s) |`,
  `| baseline: DuckDB appender → one plain Parquet file, same rows, timed alternately | ${fmt(plainRowsPerSec)} rows/s (${fmt(plainMs / 1000)} s) |`,
  `| speed ratio Iceberg ÷ plain DuckDB | ${(rowsPerSec / plainRowsPerSec).toFixed(2)}× wall, ${(plainCpuMs / icebergCpuMs).toFixed(2)}× CPU (Iceberg ${fmt(icebergCpuMs / 1000)} CPU s, plain ${fmt(plainCpuMs / 1000)} CPU s) |`,
  `| second baseline: the same column batch scanned by DuckDB into one plain Parquet file per batch (the Iceberg path's own input and writer DuckDB, no partitions/statistics/commit) | ${fmt(scanRowsPerSec)} rows/s (${fmt(scanMs / 1000)} s), ${fmt(scanCpuMs / 1000)} CPU s, ${mb(scanBytes)}; Iceberg ÷ this: ${(rowsPerSec / scanRowsPerSec).toFixed(2)}× wall, ${(scanCpuMs / icebergCpuMs).toFixed(2)}× CPU |`,
  `| commit latency (${commitMs.length} commits) | p50 ${fmt(p(0.5))} ms, p95 ${fmt(p(0.95))} ms, max ${fmt(commitMs.at(-1)!)} ms |`,
  `| data files | ${snapshot.summary['total-data-files']} files, ${mb(dataBytes)} (whole table incl. metadata ${mb(tableBytes)}) |`,
  `| same rows as JSON lines | ${mb(jsonBytes)} → Parquet table is ${((1 - tableBytes / jsonBytes) * 100).toFixed(1)} % smaller (target ≥ 80 %) |`,
  `| plain Parquet file (baseline) | ${mb(plainBytes)} |`,
  `| 1-day query over ${DAYS} daily partitions | ${scan.stats.filesPlanned} of ${scan.stats.filesTotal} files planned, ${fmt(Number(dayRows[0]!.n))} rows, ${fmt(queryMs)} ms |`,
];
console.log(lines.join('\n'));

if (process.env.BENCH_NO_DOCS !== '1') {
  const now = new Date();
  const section = [
    '',
    `### Iceberg append (@coattail/iceberg) — ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `Command: \`BENCH_ROWS=${ROWS} BENCH_BATCH=${BATCH} BENCH_DAYS=${DAYS} npm run bench -w @coattail/iceberg\`. ` +
      `node ${process.version}, ${cpus().length} cores, load average at end ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' / ')} (cores shared with other agents). ` +
      `Table: coattail.raw_trades (10 columns, partitioned by day(event_time), symbol), local object store, local catalog; ${fmt(ROWS / BATCH)} appends of ${fmt(BATCH)} rows, one snapshot each.`,
    '',
    ...lines,
    '',
  ].join('\n');
  await appendFile(new URL('../../docs/benchmarks.md', import.meta.url), section);
  console.log('appended to docs/benchmarks.md');
}
await rm(root, { recursive: true, force: true });
