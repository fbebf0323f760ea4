/**
 * One measured phase of the recon benchmark, run in its own process so its peak RSS is its own.
 * Usage: node --import tsx bench/bench-phase.ts <except|recon> <dir> <threads>
 * Prints one JSON line: { phase, wallMs, cpuMs, peakRssMb, ... }.
 */
import { join } from 'node:path';
import { DuckSession, parseReconConfig, quoteLiteral, runReconciliation } from '../src/index.js';

const [phase, dir, threadsArg] = process.argv.slice(2);
if ((phase !== 'except' && phase !== 'recon') || dir === undefined)
  throw new Error('usage: bench-phase.ts <except|recon> <dir> [threads]');
const threads = Number(threadsArg ?? 2);

async function exceptBothWays(): Promise<Record<string, number>> {
  // The baseline users would write by hand: set difference both ways, no keys, no attribution.
  const session = await DuckSession.open({ threads });
  try {
    const s = `read_parquet(${quoteLiteral(join(dir!, 'source.parquet'))})`;
    const t = `read_parquet(${quoteLiteral(join(dir!, 'target.parquet'))})`;
    const row = await session.one(
      `SELECT (SELECT count(*) FROM (SELECT * FROM ${s} EXCEPT SELECT * FROM ${t})) AS only_source,
              (SELECT count(*) FROM (SELECT * FROM ${t} EXCEPT SELECT * FROM ${s})) AS only_target`,
    );
    return { onlySource: Number(row.only_source), onlyTarget: Number(row.only_target) };
  } finally {
    session.close();
  }
}

async function fullRecon(): Promise<Record<string, number>> {
  const config = parseReconConfig(
    {
      name: 'bench',
      source: { path: 'source.parquet' },
      target: { path: 'target.parquet' },
      primaryKey: 'trade_id',
      tolerance: { columns: { price: { relative: 1e-9 } } },
      normalize: { trim: true, case: 'lower', timestampPrecision: 'milliseconds' },
      engine: { threads },
      output: { dir: 'bench-report' },
    },
    dir,
  );
  const r = await runReconciliation(config);
  return {
    mismatchedRows: r.hash.mismatchedRows,
    toleratedRows: r.hash.toleratedRows,
    sourceOnly: r.keys.sourceOnly,
    targetOnly: r.keys.targetOnly,
    duplicateKeysSource: r.keys.duplicateKeysSource,
    duplicateKeysTarget: r.keys.duplicateKeysTarget,
    pairedKeys: r.keys.pairedKeys,
    matchRate: r.matchRate,
  };
}

const started = performance.now();
const cpuStart = process.cpuUsage();
const figures = phase === 'except' ? await exceptBothWays() : await fullRecon();
const wallMs = performance.now() - started;
// Every thread of the process, DuckDB's workers included: steadier than wall time on shared cores.
const cpu = process.cpuUsage(cpuStart);
const cpuMs = (cpu.user + cpu.system) / 1000;
const peakRssMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ phase, wallMs, cpuMs, peakRssMb, ...figures })}\n`);
