import { mkdtemp, rm } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { evaluateGate } from '../src/gates/evaluate-gate.js';
import { createLineageEmitter, type LineageEmitter } from '../src/lineage/emitter.js';
import { createHttpTransport } from '../src/lineage/transports/http-transport.js';
import { pairedMedians, tradesSql } from './bench-data.js';

// Lineage overhead: the same five-stage pipeline (load → gate → aggregate → enrich → report, real
// DuckDB work on trades) with lineage off and on, lineage going over HTTP to a local
// OpenLineage endpoint started here in a child process (it answers 201 and counts events, as Marquez would).
const ROWS = Number(process.env.LINEAGE_BENCH_ROWS ?? 500_000);
const dir = await mkdtemp(join(tmpdir(), 'coattail-lineage-bench-'));
// The endpoint runs in its own process, as Marquez would: its CPU is not the pipeline's overhead.
const endpoint = spawn(
  process.execPath,
  [
    '-e',
    `let n = 0;
     const server = require('node:http').createServer((req, res) => {
       req.resume();
       req.on('end', () => { n++; res.writeHead(201).end(); });
     });
     server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
     process.on('message', () => process.send(n));`,
  ],
  { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] },
);
const port = await new Promise<number>((resolve) =>
  endpoint.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))),
);
const url = `http://127.0.0.1:${port}/api/v1/lineage`;
const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
const connection = await instance.connect();

const file = (name: string) => join(dir, `${name}.parquet`);
const stages: { name: string; inputs: string[]; output: string; sql: (c: DuckDBConnection) => Promise<unknown> }[] = [
  {
    name: 'load',
    inputs: [],
    output: 'raw',
    sql: (c) => c.run(`COPY (${tradesSql(ROWS)}) TO '${file('raw')}' (FORMAT parquet)`),
  },
  {
    name: 'gate',
    inputs: ['raw'],
    output: 'raw',
    sql: async (c) => {
      await evaluateGate(
        c,
        { name: 'g', rules: [{ type: 'bounds', column: 'price', min: 0 }] },
        { format: 'parquet', paths: [file('raw')] },
      );
    },
  },
  {
    name: 'aggregate',
    inputs: ['raw'],
    output: 'minute_volume',
    sql: (c) =>
      c.run(
        `COPY (SELECT symbol, event_time // 60000 AS minute, sum(quote_volume) AS volume, count(*) AS trades FROM '${file('raw')}' GROUP BY ALL) TO '${file('minute_volume')}' (FORMAT parquet)`,
      ),
  },
  {
    name: 'enrich',
    inputs: ['minute_volume'],
    output: 'anomalies',
    sql: (c) =>
      c.run(
        `COPY (SELECT *, volume / avg(volume) OVER (PARTITION BY symbol) AS ratio FROM '${file('minute_volume')}' QUALIFY ratio > 1.5) TO '${file('anomalies')}' (FORMAT parquet)`,
      ),
  },
  {
    name: 'report',
    inputs: ['anomalies'],
    output: 'report',
    sql: (c) =>
      c.run(
        `COPY (SELECT symbol, count(*) AS n FROM '${file('anomalies')}' GROUP BY symbol) TO '${file('report')}' (FORMAT parquet)`,
      ),
  },
];
const uri = (name: string) => `file://${file(name)}`;

async function pipeline(lineage: LineageEmitter | undefined, work = true): Promise<void> {
  const run = await lineage?.runStarted({ pipeline: 'bench' });
  for (const stage of stages) {
    const ref =
      run === undefined
        ? undefined
        : await lineage!.stageStarted(run, {
            stage: stage.name,
            inputs: stage.inputs.map((i) => ({ uri: uri(i) })),
            outputs: [{ uri: uri(stage.output) }],
          });
    if (work) await stage.sql(connection);
    if (ref !== undefined)
      await lineage!.stageCompleted(ref, {
        outputs: [{ uri: uri(stage.output), rowCount: ROWS, fields: [{ name: 'symbol', type: 'VARCHAR' }] }],
      });
  }
  if (run !== undefined) await lineage!.runCompleted(run);
  await lineage?.flush();
}

const lineage = createLineageEmitter({ transport: createHttpTransport({ url, spoolPath: join(dir, 'spool.jsonl') }) });
const RUNS = Number(process.env.LINEAGE_BENCH_RUNS ?? 15);
await pipeline(undefined); // warm-up
await pipeline(lineage, false);
// The run ends when its lineage is delivered (the orchestrator flushes at the end of a run), so
// the final flush is inside the timed run; within it, events go out while stages work.
const [offMs, onMs] = await pairedMedians(
  RUNS,
  () => pipeline(undefined),
  () => pipeline(lineage),
);
// The lineage work alone — the same 12 events per run, no stage work — timed the same way: its CPU
// against the pipeline's is the overhead without the machine's noise in the difference of two runs.
const [, eventsOnly] = await pairedMedians(
  RUNS,
  () => Promise.resolve(),
  () => pipeline(lineage, false),
);
await lineage.close();
const received = await new Promise<number>((resolve) => {
  endpoint.once('message', (n) => resolve(Number(n)));
  endpoint.send('count');
});
const pct = (off: number, on: number) => `${(((on - off) / off) * 100).toFixed(2)} %`;
console.log(
  `lineage overhead, 5-stage pipeline on ${ROWS.toLocaleString('en-US')} trades, HTTP to a local endpoint (medians of ${RUNS} alternated runs): ` +
    `CPU off ${offMs.cpu.toFixed(0)} ms, on ${onMs.cpu.toFixed(0)} ms → ${pct(offMs.cpu, onMs.cpu)}; ` +
    `wall off ${offMs.wall.toFixed(0)} ms, on ${onMs.wall.toFixed(0)} ms → ${pct(offMs.wall, onMs.wall)}; ` +
    `lineage alone (12 events, delivered) CPU ${eventsOnly.cpu.toFixed(1)} ms = ${((eventsOnly.cpu / offMs.cpu) * 100).toFixed(2)} % of the pipeline's, wall ${eventsOnly.wall.toFixed(1)} ms = ${((eventsOnly.wall / offMs.wall) * 100).toFixed(2)} % (${received} events delivered)`,
);
connection.closeSync();
instance.closeSync();
endpoint.kill();
await rm(dir, { recursive: true, force: true });
