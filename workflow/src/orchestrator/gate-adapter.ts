import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { GateResult } from '../gates/gate-result.js';
import type { OutputReport } from '../stages/stage-type.js';
import type { GateCheck, GateEvaluator } from './events.js';

/** What the orchestrator reads of a gate evaluation: the gates module's {@link GateResult}. */
export type GateOutcome = GateResult;

/** The signature of the gates module's `evaluateGate(connection, config, input, options)`. */
export type EvaluateGate = (
  connection: DuckDBConnection,
  config: unknown,
  input: unknown,
  options: { quarantinePath?: string; passedPath?: string },
) => Promise<GateOutcome>;

const gateName = (gate: unknown, i: number): string =>
  typeof gate === 'object' && gate !== null && 'name' in gate ? String(gate.name) : `gate-${i}`;

/**
 * Turns a DuckDB gate function into the orchestrator's {@link GateEvaluator}: each gate declared
 * on a stage is checked over the files of the stage's outputs; a `fail` verdict stops the
 * downstream stages, `warn` and `quarantine` let them run and are reported in the summary.
 * Quarantined rows go to `<baseDir>/.coattail/quarantine/<pipeline>/<stage>/<gate>-<run>.parquet`;
 * the passing rows to `<baseDir>/.coattail/gated/…`, and the stage's output then points there, so
 * downstream stages (and later gates of the same stage) read only the rows that passed.
 */
export function duckDbGateEvaluator(evaluate: EvaluateGate): GateEvaluator {
  return {
    async evaluate({ runId, pipeline, stage, result, baseDir }) {
      const outputs: OutputReport[] = (result.outputs ?? []).map((o) => ({ ...o }));
      const checked = outputs.filter((o) => (o.files ?? []).length > 0);
      if (checked.length === 0)
        return { passed: false, summary: `stage '${stage.id}' declares gates but reported no output files to check` };
      const instance = await DuckDBInstance.create(':memory:');
      const connection = await instance.connect();
      const lines: string[] = [];
      const checks: GateCheck[] = [];
      let passed = true;
      let rerouted = false;
      try {
        for (const [i, gate] of stage.gates.entries()) {
          const name = gateName(gate, i);
          for (const [j, out] of checked.entries()) {
            const file = `${name}-${runId}${checked.length > 1 ? `-${j}` : ''}.parquet`;
            const verdict = await evaluate(
              connection,
              gate,
              { format: out.format ?? 'parquet', paths: out.files ?? [] },
              {
                quarantinePath: join(baseDir, '.coattail', 'quarantine', pipeline, stage.id, file),
                passedPath: join(baseDir, '.coattail', 'gated', pipeline, stage.id, file),
              },
            );
            checks.push({ dataset: out.dataset, result: verdict });
            if (verdict.status === 'failed') passed = false;
            if (verdict.status === 'quarantined' && verdict.passedLocation !== undefined) {
              out.files = [verdict.passedLocation];
              out.format = 'parquet';
              out.rows = verdict.passedCount;
              rerouted = true;
            }
            const reasons = verdict.status === 'passed' ? [] : verdict.reasons;
            lines.push(
              `${name} ${verdict.status} on ${out.dataset} (${verdict.rowCount} rows)${reasons.length ? `: ${reasons.join('; ')}` : ''}${verdict.status === 'quarantined' ? ` → ${verdict.quarantinedCount} row(s) in ${verdict.quarantineLocation}` : ''}`,
            );
          }
        }
      } finally {
        connection.closeSync();
        instance.closeSync();
      }
      return { passed, summary: lines.join('; '), checks, ...(rerouted ? { outputs } : {}) };
    },
  };
}
