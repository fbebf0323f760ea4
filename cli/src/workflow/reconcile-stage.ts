import { join } from 'node:path';
import type { StageType } from '@coattail/workflow';
import { z } from 'zod';

const paramsSchema = z
  .object({
    /** The loaded Iceberg table, the reference side. @default coattail.raw_trades */
    table: z.string().default('coattail.raw_trades'),
    /** @default event_id */
    primaryKey: z.union([z.string(), z.array(z.string()).min(1)]).default('event_id'),
    /** Columns the landing adds and the table does not have. @default ['dt'] */
    exclude: z.array(z.string()).default(['dt']),
    /** Where the reconciliation reports go, relative to the definition's folder. @default reports */
    reportDir: z.string().default('reports'),
  })
  .strict();

/**
 * `reconcile`: the reconciliation engine (row counts, schema, nulls, aggregates, keys, row
 * hashes on DuckDB) between an Iceberg table as loaded (the stage's `iceberg://` input, read
 * from the local catalog under the state folder) and what landed from it (its `file://` input, a
 * Parquet folder). Differences fail the stage (not retried) and the reports say which rows.
 */
export function reconcileStage(catalog: { stateDir: string; warehouse: string }): StageType {
  return {
    name: 'reconcile',
    description: 'reconciles an Iceberg table with a Parquet folder landed from it (recon on DuckDB), with reports',
    async run(ctx) {
      const p = paramsSchema.parse(ctx.stage.params);
      const { localPath, WorkflowUsageError } = await import('@coattail/workflow');
      const landed = ctx.inputs.find((i) => i.scheme === 'file');
      if (landed === undefined)
        throw new WorkflowUsageError(`stage '${ctx.stage.id}': reconcile needs a file:// input, the landed Parquet`);
      const { parseReconConfig, runReconciliation } = await import('@coattail/recon');
      const dir = join(ctx.baseDir, p.reportDir, `recon-${ctx.runId}`);
      const config = parseReconConfig({
        name: `${p.table} → ${landed.uri}`,
        source: { path: catalog.stateDir, format: 'iceberg', table: p.table, warehouse: catalog.warehouse },
        target: { path: localPath(landed.uri, ctx.baseDir), format: 'parquet' },
        primaryKey: p.primaryKey,
        columns: { exclude: p.exclude },
        engine: { threads: 1 },
        output: { dir, excel: false },
      });
      const result = await runReconciliation(config);
      const summary = `${result.reconciled ? 'reconciled' : 'NOT reconciled'}: ${result.rowCount.source} rows loaded, ${result.rowCount.target} landed, match ${result.matchRate.toFixed(2)} %; reports in ${dir}`;
      if (!result.reconciled)
        throw new WorkflowUsageError(
          `stage '${ctx.stage.id}': ${summary}${result.messages.length ? ` (${result.messages.join('; ')})` : ''}`,
        );
      return {
        outputs: ctx.outputs.map((o) => ({ dataset: o.uri, location: dir })),
        summary,
        metrics: { source: result.rowCount.source, target: result.rowCount.target, matchRate: result.matchRate },
      };
    },
  };
}
