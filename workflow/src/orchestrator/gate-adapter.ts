import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { localPath } from '../datasets/locations.js';
import { WorkflowUsageError } from '../errors.js';
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
  options: { quarantinePath?: string; passedPath?: string; passedInPlace?: boolean },
) => Promise<GateOutcome>;

const field = (gate: unknown, key: string): string | undefined =>
  typeof gate === 'object' && gate !== null && key in gate ? String((gate as Record<string, unknown>)[key]) : undefined;

/** The folder a gate's failing rows go to: its `quarantineDataset` (a `file://` folder), else the run's own. */
function quarantineFolder(gate: unknown, base: string, stage: string): string {
  const dataset = field(gate, 'quarantineDataset');
  if (dataset === undefined) return base;
  if (!dataset.startsWith('file://'))
    throw new WorkflowUsageError(
      `gate '${field(gate, 'name')}' of stage '${stage}': quarantineDataset '${dataset}' must be a file:// folder`,
    );
  return dataset;
}

/**
 * Turns a DuckDB gate function into the orchestrator's {@link GateEvaluator}: each gate declared
 * on a stage is checked over the files of the stage's outputs; a `fail` verdict stops the
 * downstream stages, `warn` and `quarantine` let them run and are reported in the summary.
 * Quarantined rows go to the gate's `quarantineDataset` folder (reported as an output of the
 * stage, for lineage) or `<baseDir>/.coattail/quarantine/<pipeline>/<stage>/`, as
 * `<gate>-<run>.parquet`. The passing rows of a `file://` output replace its files in place, so
 * every later reader — downstream stages that read the dataset by name, later gates, other
 * tools — sees only rows that passed; for other outputs they go to `<baseDir>/.coattail/gated/…`
 * and the stage's output points there.
 */
export function duckDbGateEvaluator(evaluate: EvaluateGate): GateEvaluator {
  return {
    async evaluate({ runId, pipeline, stage, result, baseDir }) {
      const outputs: OutputReport[] = (result.outputs ?? []).map((o) => ({ ...o }));
      const quarantines: OutputReport[] = [];
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
          const name = field(gate, 'name') ?? `gate-${i}`;
          const folder = quarantineFolder(gate, join(baseDir, '.coattail', 'quarantine', pipeline, stage.id), stage.id);
          for (const [j, out] of checked.entries()) {
            const file = `${name}-${runId}${checked.length > 1 ? `-${j}` : ''}.parquet`;
            const inPlace = out.dataset.startsWith('file://');
            const quarantinePath = join(folder.startsWith('file://') ? localPath(folder, baseDir) : folder, file);
            const verdict = await evaluate(
              connection,
              gate,
              { format: out.format ?? 'parquet', paths: out.files ?? [] },
              inPlace
                ? { quarantinePath, passedInPlace: true }
                : { quarantinePath, passedPath: join(baseDir, '.coattail', 'gated', pipeline, stage.id, file) },
            );
            checks.push({ dataset: out.dataset, result: verdict });
            if (verdict.status === 'failed') passed = false;
            if (verdict.status === 'quarantined') {
              if (verdict.passedLocation !== undefined) {
                out.files = [verdict.passedLocation];
                out.format = 'parquet';
              }
              out.rows = verdict.passedCount;
              rerouted = true;
              if (folder.startsWith('file://'))
                quarantines.push({
                  dataset: folder,
                  rows: verdict.quarantinedCount,
                  files: [quarantinePath],
                  location: quarantinePath,
                });
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
      return {
        passed,
        summary: lines.join('; '),
        checks,
        ...(rerouted ? { outputs: [...outputs, ...quarantines] } : {}),
      };
    },
  };
}
