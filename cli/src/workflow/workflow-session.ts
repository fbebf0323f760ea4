import { join } from 'node:path';
import type { RunSummary } from '@coattail/workflow';
import { openLineage } from './lineage.js';

/** Where a workflow command keeps its state, runs and lineage. */
export interface StoreOptions {
  stateDir: string;
  runStore?: string;
  /** Where lineage goes (see `openLineage`). @default file */
  lineage?: string;
}

/** The run store: PostgreSQL when --run-store (or COATTAIL_WORKFLOW_DB) names one, else the embedded folder store. */
export async function openStore(o: StoreOptions) {
  const { FileRunStore, PostgresRunStore } = await import('@coattail/workflow');
  const url = o.runStore ?? process.env.COATTAIL_WORKFLOW_DB;
  if (url === undefined) return new FileRunStore(join(o.stateDir, 'workflow'));
  const store = new PostgresRunStore({ connectionString: url });
  await store.migrate();
  return store;
}

/** Built-in stage types and the platform's batch stages (historical load, reprocessing) on the catalog under --state-dir. */
export async function registry(o: { stateDir?: string; warehouse?: string } = {}) {
  const [{ StageRegistry, builtinStageTypes }, { platformStageTypes }] = await Promise.all([
    import('@coattail/workflow'),
    import('../workflow/platform-stages.js'),
  ]);
  const stateDir = o.stateDir ?? '.coattail';
  return new StageRegistry([
    ...builtinStageTypes(),
    ...platformStageTypes({ stateDir, warehouse: o.warehouse ?? join(stateDir, 'warehouse') }),
  ]);
}

/** Aborts the run on SIGTERM/SIGINT: running stages are told, the run ends ABORTED and can be resumed. */
export function cancellation(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const stop = (sig: NodeJS.Signals) => {
    process.stderr.write(`\n${sig}: cancelling the run (resume it with coattail workflow resume RUN_ID)\n`);
    controller.abort(new Error(`cancelled by ${sig}`));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
    },
  };
}

export async function orchestrator(o: StoreOptions, baseDir: string) {
  const { Orchestrator, duckDbGateEvaluator, evaluateGate, platformObserver, progressPrinter } =
    await import('@coattail/workflow');
  const store = await openStore(o);
  const reg = await registry(o);
  const { openCatalog } = await import('../commands/batch.js');
  const catalog = await openCatalog({ stateDir: o.stateDir, warehouse: join(o.stateDir, 'warehouse') });
  const lineage = await openLineage(o.lineage ?? 'file', o.stateDir);
  return {
    store,
    reg,
    lineage,
    orchestrator: new Orchestrator({
      store,
      registry: reg,
      observer: platformObserver({ baseDir, catalog }),
      gates: duckDbGateEvaluator(evaluateGate),
      listeners: [progressPrinter(process.stderr), ...(lineage.listener ? [lineage.listener] : [])],
    }),
  };
}

export function report(summary: RunSummary, storeLocation: string, lineage: string): void {
  console.log(`run ${summary.runId}: ${summary.status}`);
  for (const [id, s] of Object.entries(summary.stages))
    console.log(`  ${id.padEnd(24)} ${s.status}${s.reason ? `  ${s.reason}` : ''}`);
  for (const out of summary.outputs)
    console.log(
      `  output ${out.dataset}${out.location ? ` → ${out.location}` : ''}${out.rows === undefined ? '' : ` (${out.rows} rows)`}`,
    );
  console.log(`run record: ${storeLocation}`);
  console.log(lineage);
  if (summary.status !== 'SUCCEEDED') process.exitCode = 1;
}
