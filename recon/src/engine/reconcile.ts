import { silentLogger, type Logger } from '@coattail/runtime';
import type { ReconConfig } from '../config/recon-config.js';
import { describeError } from '../errors.js';
import { buildSummary, worst } from '../result/summary.js';
import type { HashResult, KeyResult, ReconResult } from '../result/types.js';
import { DuckSession } from './duck-session.js';
import { hashComparison } from './hash-comparison.js';
import { inputLocation } from './inputs.js';
import { primaryKeyMismatch } from './primary-key.js';
import { prepareRecon, type ReconContext } from './recon-context.js';
import { compareSchema } from './schema-check.js';
import { compareAggregates, compareNulls, getRowCount } from './volume-and-profile-checks.js';

/** Options of {@link reconcile}. */
export interface ReconcileOptions {
  /** @default silent */
  logger?: Logger;
  /**
   * Called with the live context and the result before the database closes: the report
   * writers use it to export full mismatch tables straight from DuckDB.
   */
  onResult?: (ctx: ReconContext, result: ReconResult) => Promise<void>;
}

/**
 * Runs the five layers on DuckDB and returns the structured result. Data differences are in the
 * result (`reconciled: false`); only unusable inputs or config throw.
 *
 * @example
 * const result = await reconcile(await loadReconConfig('recon.yaml'), { logger });
 * if (!result.reconciled) process.exitCode = 2;
 */
export async function reconcile(config: ReconConfig, options: ReconcileOptions = {}): Promise<ReconResult> {
  const logger = options.logger ?? silentLogger;
  const started = Date.now();
  const session = await DuckSession.open(config.engine);
  try {
    const ctx = await prepareRecon(session, config, logger);
    const messages: string[] = [];
    const rowCount = await getRowCount(ctx);
    if (rowCount.source === 0) messages.push('source input has no rows');
    if (rowCount.target === 0) messages.push('target input has no rows');
    const schema = compareSchema(ctx);
    const nullColumns = await compareNulls(ctx);
    const aggregateRows = await compareAggregates(ctx);
    const { keys, hash } = await rowLevel(ctx, messages);
    const parts = {
      rowCount,
      schema,
      nulls: { status: worst(nullColumns.map((c) => c.status)), columns: nullColumns },
      aggregates: { status: worst(aggregateRows.map((a) => a.status)), rows: aggregateRows },
      keys,
      hash,
    };
    const summary = buildSummary(parts);
    // Keys whose rows were not compared (duplicates under `exclude`) still count against the match rate.
    const uncompared = keys.duplicatePolicy === 'exclude' ? keys.pairedWithDuplicates : 0;
    const unionKeys = hash.pairedRows + keys.sourceOnly + keys.targetOnly + uncompared;
    const result: ReconResult = {
      name: config.name,
      startedAt: new Date(started).toISOString(),
      finishedAt: '',
      durationMs: 0,
      reconciled: summary.every((s) => s.status === 'PASS' || s.status === 'WARN' || s.status === 'SKIPPED'),
      matchRate:
        unionKeys === 0
          ? rowCount.source === 0 && rowCount.target === 0
            ? 100
            : 0
          : (100 * hash.matchedRows) / unionKeys,
      source: { location: inputLocation(config.source) },
      target: { location: inputLocation(config.target) },
      primaryKey: config.primaryKey,
      ...parts,
      summary,
      messages,
      artifacts: {},
    };
    if (options.onResult) await options.onResult(ctx, result);
    result.finishedAt = new Date().toISOString();
    result.durationMs = Date.now() - started;
    ctx.logger.info(
      { reconciled: result.reconciled, matchRate: result.matchRate, ms: result.durationMs },
      'reconciliation finished',
    );
    return result;
  } finally {
    session.close();
  }
}

async function rowLevel(ctx: ReconContext, messages: string[]): Promise<{ keys: KeyResult; hash: HashResult }> {
  const { source, target } = ctx.plan.missingKeys;
  if (source.length > 0 || target.length > 0) {
    const detail = `key column(s) missing — source: [${source.join(', ')}], target: [${target.join(', ')}]; row-level checks cannot run`;
    ctx.logger.error({ source, target }, 'primary key column missing');
    messages.push(detail);
    return { keys: errorKeys(detail, ctx.config.duplicates), hash: errorHash(detail) };
  }
  try {
    const sample = ctx.config.output.sampleSize;
    const keys = await primaryKeyMismatch(ctx, sample);
    const hash = await hashComparison(ctx, sample);
    return { keys, hash };
  } catch (error) {
    const detail = `row-level comparison failed: ${describeError(error)}`;
    ctx.logger.error({ err: error }, 'row-level comparison failed');
    messages.push(detail);
    return { keys: errorKeys(detail, ctx.config.duplicates), hash: errorHash(detail) };
  }
}

function errorKeys(detail: string, duplicatePolicy: KeyResult['duplicatePolicy']): KeyResult {
  return {
    status: 'ERROR',
    detail,
    sourceOnly: 0,
    targetOnly: 0,
    duplicatePolicy,
    duplicateKeysSource: 0,
    duplicateRowsSource: 0,
    exactDuplicateKeysSource: 0,
    conflictingDuplicateKeysSource: 0,
    duplicateKeysTarget: 0,
    duplicateRowsTarget: 0,
    exactDuplicateKeysTarget: 0,
    conflictingDuplicateKeysTarget: 0,
    pairedKeys: 0,
    pairedWithDuplicates: 0,
    duplicatePairsCompared: 0,
    sample: [],
  };
}

function errorHash(detail: string): HashResult {
  return {
    status: 'ERROR',
    detail,
    pairedRows: 0,
    hashCandidates: 0,
    mismatchedRows: 0,
    matchedRows: 0,
    toleratedRows: 0,
    byColumn: [],
    sample: [],
  };
}
