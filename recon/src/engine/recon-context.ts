import type { Logger } from '@coattail/runtime';
import type { DeclaredType } from '../result/types.js';
import type { InputConfig, ReconConfig } from '../config/recon-config.js';
import { ReconError, ReconInputError } from '../errors.js';
import { quoteIdent } from '../sql/quote.js';
import { buildColumnPlan, type ColumnInfo, type ColumnPlan } from './column-plan.js';
import { toText, type DuckSession } from './duck-session.js';
import { inputLocation, resolveRelation } from './inputs.js';
import type { SideProfile } from './profile.js';

/** The views every check reads; the target view already carries source column names. */
export const SOURCE_VIEW = '__recon_source';
export const TARGET_VIEW = '__recon_target';
/** A hidden column of both views: the row's position in its input (file, then row), for `duplicates: first`. */
export const ORDINAL = '__recon_ord';

/** What every engine function receives: the session, the parsed config and the column plan. */
export interface ReconContext {
  session: DuckSession;
  config: ReconConfig;
  plan: ColumnPlan;
  logger: Logger;
  /** One scan per side computes counts, nulls and aggregates; memoized here (what Spark's cache() does). */
  profiles: Partial<Record<'source' | 'target', Promise<SideProfile>>>;
  /** The key-classification table, built once and shared by the key and hash layers. */
  keyStage?: Promise<void>;
  /** CSV columns read with a declared type, and what the sniffer would have inferred. */
  declaredTypes: DeclaredType[];
  /** Per side, the Parquet read as is (no filter, no copy): its footers can serve the profile. */
  footers: Partial<Record<'source' | 'target', string>>;
}

/**
 * Registers the source and target as views (filters applied, mapped target columns renamed)
 * and derives the column plan. Unreadable inputs throw {@link ReconInputError}.
 */
export async function prepareRecon(session: DuckSession, config: ReconConfig, logger: Logger): Promise<ReconContext> {
  const cache = config.engine.cache;
  const declaredTypes: DeclaredType[] = [];
  const source = await registerSide(session, 'source', config.source, SOURCE_VIEW, {}, cache, declaredTypes);
  const target = await registerSide(
    session,
    'target',
    config.target,
    TARGET_VIEW,
    config.columns.map,
    cache,
    declaredTypes,
  );
  const plan = buildColumnPlan(config, source.columns, target.columns);
  // The tables the checks build from here on (suspect keys and their rows, cell differences) are
  // small and read a few times: analysing them for compression cost more than the rest of
  // attribution (measured at 1 M rows). Inputs cached above stay compressed.
  await session.run(`SET force_compression = 'uncompressed'`);
  const log = logger.child({ component: 'recon', recon: config.name });
  for (const c of plan.schema) {
    if (c.issue === 'type_mismatch')
      log.warn(
        { column: c.column, sourceType: c.sourceType, targetType: c.targetType },
        'type mismatch: compared as text',
      );
    if (c.issue === 'type_compatible')
      log.info(
        { column: c.column, sourceType: c.sourceType, targetType: c.targetType },
        'type differs within its family',
      );
  }
  const footers: ReconContext['footers'] = {};
  if (source.footer !== undefined) footers.source = source.footer;
  if (target.footer !== undefined) footers.target = target.footer;
  return { session, config, plan, logger: log, profiles: {}, declaredTypes, footers };
}

async function registerSide(
  session: DuckSession,
  side: 'source' | 'target',
  input: InputConfig,
  view: string,
  map: Record<string, string>,
  cache: ReconConfig['engine']['cache'],
  declaredTypes: DeclaredType[],
): Promise<{ columns: ColumnInfo[]; footer?: string }> {
  const relation = await resolveRelation(input);
  if (relation.inferredSql !== undefined) {
    const declared = await describe(session, `SELECT * FROM ${relation.sql}`).catch((error: unknown) => {
      throw new ReconInputError(side, inputLocation(input), error);
    });
    const inferred = await describe(session, `SELECT * FROM ${relation.inferredSql}`);
    for (const column of Object.keys(input.csv.columns)) {
      const declaredType = declared.find((c) => c.name === column)?.type ?? input.csv.columns[column] ?? '';
      const inferredType = inferred.find((c) => c.name === column)?.type ?? null;
      declaredTypes.push({ side, column, declaredType, inferredType });
    }
  }
  // File order: Parquet (and Iceberg, read as Parquet) names each row's file and position; a CSV
  // scan is numbered as read, which is file order while insertion order is preserved (below).
  const ordinal = relation.format === 'csv' ? 'row_number() OVER ()' : '(file_index::BIGINT << 40) + file_row_number';
  let filtered = `SELECT * FROM (SELECT *, ${ordinal} AS ${ORDINAL} FROM ${relation.sql})`;
  if (input.filter !== undefined) {
    const probe = `SELECT * FROM (SELECT 1) WHERE (${input.filter})`;
    const count = await session.statementCount(probe).catch((error: unknown) => {
      throw new ReconError('FILTER_INVALID', `${side} filter is not valid SQL: ${String(error)}`, {
        domain: 'user',
        cause: error,
      });
    });
    if (count !== 1)
      throw new ReconError('FILTER_INVALID', `${side} filter must be one SQL expression, not several statements`, {
        domain: 'user',
      });
    filtered += ` WHERE (${input.filter})`;
  }
  let raw: ColumnInfo[];
  try {
    raw = (await describe(session, filtered)).filter((c) => c.name !== ORDINAL);
  } catch (error) {
    throw new ReconInputError(side, inputLocation(input), error);
  }
  const present = new Set(raw.map((c) => c.name));
  const renames = Object.entries(map).filter(([, targetName]) => present.has(targetName));
  const rename =
    renames.length === 0
      ? ''
      : ` RENAME (${renames.map(([s, t]) => `${quoteIdent(t)} AS ${quoteIdent(s)}`).join(', ')})`;
  // The layers read each side three times. Parquet rescans are cheaper than a copy (measured, see
  // README); CSV parsing is not, and its row numbers are file order only when numbered in one
  // ordered pass, so a CSV is always materialized once.
  const materialize = cache === 'always' || relation.format === 'csv';
  const kind = materialize ? 'TABLE' : 'VIEW';
  try {
    if (relation.format === 'csv') await session.run('SET preserve_insertion_order = true');
    await session.run(`CREATE OR REPLACE TEMP ${kind} ${view} AS SELECT *${rename} FROM (${filtered})`);
  } catch (error) {
    throw new ReconInputError(side, inputLocation(input), error);
  } finally {
    if (relation.format === 'csv') await session.run('SET preserve_insertion_order = false');
  }
  const columns = (await describe(session, `SELECT * FROM ${view}`)).filter((c) => c.name !== ORDINAL);
  // Footer statistics describe the files as written: only a side read as is can use them.
  const asIs = relation.parquetLocation !== undefined && input.filter === undefined && !materialize;
  return asIs ? { columns, footer: relation.parquetLocation } : { columns };
}

async function describe(session: DuckSession, query: string): Promise<ColumnInfo[]> {
  const rows = await session.rows(`DESCRIBE ${query}`);
  return rows.map((r) => ({ name: toText(r.column_name) ?? '', type: toText(r.column_type) ?? '' }));
}
