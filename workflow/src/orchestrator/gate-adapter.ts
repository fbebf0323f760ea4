import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { GateEvaluator } from './events.js';

/** The outcome shape of a DuckDB gate evaluation (the gates module's `GateResult`, as far as the orchestrator reads it). */
export interface GateOutcome {
  status: 'passed' | 'warned' | 'quarantined' | 'failed';
  rowCount: number;
  reasons?: readonly string[];
}

/** The signature of the gates module's `evaluateGate(connection, config, input, options)`. */
export type EvaluateGate = (
  connection: DuckDBConnection,
  config: unknown,
  input: unknown,
  options: { quarantinePath?: string },
) => Promise<GateOutcome>;

/**
 * Turns a DuckDB gate function into the orchestrator's {@link GateEvaluator}: each gate declared
 * on a stage is checked over the files of the stage's outputs; a `fail` verdict stops the
 * downstream stages, `warn` and `quarantine` let them run and are reported in the summary.
 * Quarantined rows go to `<baseDir>/.coattail/quarantine/<pipeline>/<stage>/<gate>-<run>.parquet`.
 */
export function duckDbGateEvaluator(evaluate: EvaluateGate): GateEvaluator {
  return {
    async evaluate({ runId, pipeline, stage, result, baseDir }) {
      const outputs = (result.outputs ?? []).filter((o) => (o.files ?? []).length > 0);
      if (outputs.length === 0)
        return { passed: false, summary: `stage '${stage.id}' declares gates but reported no output files to check` };
      const instance = await DuckDBInstance.create(':memory:');
      const connection = await instance.connect();
      const lines: string[] = [];
      let passed = true;
      try {
        for (const [i, gate] of stage.gates.entries()) {
          const name = typeof gate === 'object' && gate !== null && 'name' in gate ? String(gate.name) : `gate-${i}`;
          for (const out of outputs) {
            const verdict = await evaluate(
              connection,
              gate,
              { format: out.format ?? 'parquet', paths: out.files ?? [] },
              {
                quarantinePath: join(
                  baseDir,
                  '.coattail',
                  'quarantine',
                  pipeline,
                  stage.id,
                  `${name}-${runId}.parquet`,
                ),
              },
            );
            if (verdict.status === 'failed') passed = false;
            lines.push(
              `${name} ${verdict.status} on ${out.dataset} (${verdict.rowCount} rows)${verdict.reasons?.length ? `: ${verdict.reasons.join('; ')}` : ''}`,
            );
          }
        }
      } finally {
        connection.closeSync();
        instance.closeSync();
      }
      return { passed, summary: lines.join('; ') };
    },
  };
}
