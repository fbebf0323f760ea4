import { describe, expect, it } from 'vitest';
import type { StageDefinition } from '../definition/schema.js';
import { duckDbGateEvaluator, type EvaluateGate } from './gate-adapter.js';

// A stand-in for the gates module's evaluateGate (same signature): it counts rows with DuckDB
// itself and fails when the gate's `max` is exceeded, so the adapter is tested on its own.
const rowLimit: EvaluateGate = async (connection, config, input) => {
  const { paths } = input as { paths: string[] };
  const { max, action } = config as { max: number; action: string };
  const n = Number(
    (
      await connection.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM (VALUES ${paths.map(() => '(1)').join(',')})`)
    ).getRowObjectsJson()[0]?.n,
  );
  const base = { gate: 'g', action: action === 'warn' ? 'warn' : 'fail', rules: [], durationMs: 0 } as const;
  return n > max
    ? { ...base, status: action === 'warn' ? 'warned' : 'failed', rowCount: n, reasons: [`${n} > ${max}`] }
    : { ...base, status: 'passed', rowCount: n };
};

const stage = (gates: unknown[]) => ({ id: 's', gates }) as unknown as StageDefinition;
const input = (files: string[]) => ({
  runId: 'r',
  pipeline: 'p',
  baseDir: '/tmp',
  signal: new AbortController().signal,
  result: { outputs: [{ dataset: 'file://out/', files }] },
});

describe('DuckDB gates between stages', () => {
  it('stops downstream on a failing gate and says why', async () => {
    const verdict = await duckDbGateEvaluator(rowLimit).evaluate({
      ...input(['a', 'b', 'c']),
      stage: stage([{ name: 'small', max: 2, action: 'fail' }]),
    });
    expect(verdict).toMatchObject({ passed: false, summary: 'small failed on file://out/ (3 rows): 3 > 2' });
  });

  it('lets downstream run on a warning and on a pass', async () => {
    const verdict = await duckDbGateEvaluator(rowLimit).evaluate({
      ...input(['a']),
      stage: stage([{ name: 'w', max: 0, action: 'warn' }, { max: 5 }]),
    });
    expect(verdict).toMatchObject({
      passed: true,
      summary: 'w warned on file://out/ (1 rows): 1 > 0; gate-1 passed on file://out/ (1 rows)',
    });
  });

  it('refuses to pass a stage that reported nothing to check', async () => {
    const verdict = await duckDbGateEvaluator(rowLimit).evaluate({
      ...input([]),
      stage: stage([{ name: 'g', max: 1 }]),
    });
    expect(verdict.passed).toBe(false);
  });
});
