import type { HashResult, MismatchCell } from '../result/types.js';
import { quoteIdent, quoteLiteral } from '../sql/quote.js';
import { toCount, toText, type JsonRow } from './duck-session.js';
import { differsExpr, normalizedExpr, recordKeyExpr, renderedExpr } from './expressions.js';
import { KEY_ISSUES_TABLE, ensureKeyStage, keyAliases } from './key-stage.js';
import { keyCounts } from './primary-key.js';
import { ORDINAL, type ReconContext } from './recon-context.js';
import { SUSPECT_ROWS } from './suspect-rows.js';

/** Cell-level mismatches: (k0.., record_key, column_name, source_value, target_value); k0.. order the exports. */
export const MISMATCH_TABLE = '__recon_mismatches';

/** The user-facing columns of {@link MISMATCH_TABLE}. */
export const MISMATCH_COLUMNS = 'record_key, column_name, source_value, target_value';

/** `SELECT` of the mismatch table in key order (typed keys: 2 before 10), grouped by column when asked. */
export function orderedMismatchesSql(ctx: ReconContext, byColumnFirst: boolean): string {
  const keys = keyAliases(ctx).join(', ');
  return `SELECT ${MISMATCH_COLUMNS} FROM ${MISMATCH_TABLE} ORDER BY ${byColumnFirst ? `column_name, ${keys}` : `${keys}, column_name`}`;
}
const DIFF_TABLE = '__recon_diff';

/**
 * Layer 5b — hash comparison of all non-key columns, then per-column attribution.
 *
 * Pairs whose row hashes are equal match (the hash covers normalized values, so it is
 * type-insensitive and NULL-safe). Only pairs whose hashes differ are read again (from the rows the
 * key stage gathered for them, see {@link SUSPECT_ROWS}), joined on
 * the key, and each column is tested with its tolerance and normalization; a pair is a
 * mismatch when at least one column differs. Cells that differ land in {@link MISMATCH_TABLE}.
 *
 * @param sampleSize how many mismatch cells to return as a sample.
 */
export async function hashComparison(ctx: ReconContext, sampleSize = 100): Promise<HashResult> {
  await ensureKeyStage(ctx);
  const k = keyAliases(ctx);
  const cols = ctx.plan.compared;
  // Filter to the candidate keys first, then normalize and render: the expensive expressions
  // run on a few thousand rows, not on every row of the input.
  const keyExprs = ctx.plan.keys.map((key, i) => `${normalizedExpr(key, ctx.config.normalize, 'x')} AS __recon_k${i}`);
  const policy = ctx.config.duplicates;
  // Under `first` a conflicting key reaches attribution with its hash comparison unknown (see the
  // key stage): the fetched first rows' hashes, the same expression as the key stage's, decide it.
  const rowHash =
    policy === 'first' && cols.length > 0 ? [`hash(${cols.map((_, i) => `v${i}`).join(', ')}) AS hv`] : [];
  // Raw values travel with the normalized ones and are rendered as report text only in the cells
  // that differ: rendering every column of every candidate (numbers to text) cost more than the
  // comparison itself (measured at 1 M rows).
  const values = cols.flatMap((c, i) => [
    `${normalizedExpr(c, ctx.config.normalize, 'y')} AS v${i}`,
    `y.${quoteIdent(c.name)} AS r${i}`,
  ]);
  // `first` fetches the row at each key's first position (recorded by the key stage): an equality
  // in the semi join, measured 2× cheaper than numbering the rows of every candidate key with a
  // window; `all` pairs every row with every row.
  const firstAt = (side: 'source' | 'target'): string =>
    policy === 'first' ? ` AND y.${ORDINAL} = c.${side === 'source' ? 's_first' : 't_first'}` : '';
  const norm = (view: string, side: 'source' | 'target'): string =>
    `SELECT *${rowHash.map((h) => `, ${h}`).join('')} FROM (
       SELECT ${[...k.map((a, i) => `y.__recon_k${i} AS ${a}`), ...values].join(', ')}
       FROM (SELECT x.*, ${keyExprs.join(', ')} FROM ${view} x) y
       SEMI JOIN c ON ${k.map((a, i) => `y.__recon_k${i} = c.${a}`).join(' AND ')}${firstAt(side)})`;
  const paired = policy === 'exclude' ? 'sn = 1 AND tn = 1' : 'sn > 0 AND tn > 0';
  const firstColumns = policy === 'first' ? ', s_first, t_first' : '';
  const candidates = `SELECT ${k.join(', ')}${firstColumns} FROM ${KEY_ISSUES_TABLE} WHERE ${paired} AND hash_differs IS NOT false`;
  const using = `USING (${k.join(', ')})`;
  const diffCols = cols.flatMap((c, i) => [
    `${differsExpr(c, `s.v${i}`, `t.v${i}`)} AS d${i}`,
    `s.r${i} AS rs${i}`,
    `t.r${i} AS rt${i}`,
  ]);
  const started = Date.now();
  await ctx.session.run(
    `CREATE OR REPLACE TEMP TABLE ${DIFF_TABLE} AS
     WITH c AS (${candidates}),
       s AS (${norm(SUSPECT_ROWS.source, 'source')}),
       t AS (${norm(SUSPECT_ROWS.target, 'target')})
     SELECT ${[...k.map((a) => `s.${a} AS ${a}`), `${rowHash.length > 0 ? 's.hv <> t.hv' : 'true'} AS hd`, ...diffCols].join(', ')} FROM s JOIN t ${using}`,
  );
  const key = recordKeyExpr(k);
  const render = (column: string, type: string): string => renderedExpr(column, type, ctx.config.normalize);
  const cells = cols.map(
    (c, i) =>
      `SELECT ${k.join(', ')}, ${key} AS record_key, ${quoteLiteral(c.name)} AS column_name,
        ${render(`rs${i}`, c.sourceType)} AS source_value, ${render(`rt${i}`, c.targetType)} AS target_value FROM ${DIFF_TABLE} WHERE d${i}`,
  );
  const empty = `SELECT ${k.map((a) => `NULL AS ${a}`).join(', ')}, NULL::VARCHAR AS record_key, NULL::VARCHAR AS column_name, NULL::VARCHAR AS source_value, NULL::VARCHAR AS target_value WHERE false`;
  await ctx.session.run(
    `CREATE OR REPLACE TEMP TABLE ${MISMATCH_TABLE} AS ${cells.length === 0 ? empty : cells.join(' UNION ALL ')}`,
  );

  const any = cols.length === 0 ? 'false' : cols.map((_, i) => `d${i}`).join(' OR ');
  const perColumn = cols.map((_, i) => `count(*) FILTER (WHERE d${i}) AS m${i}`);
  const counts = await ctx.session.one(
    `SELECT ${['count(*) AS candidates', `count(*) FILTER (WHERE ${any}) AS mismatched`, ...perColumn].join(', ')} FROM ${DIFF_TABLE} WHERE hd`,
  );
  const hashCandidates = toCount(counts.candidates);
  const mismatchedRows = toCount(counts.mismatched);
  const { pairedKeys, duplicatePairsCompared } = await keyCounts(ctx);
  const pairedRows = pairedKeys + duplicatePairsCompared;
  const sample =
    sampleSize === 0
      ? []
      : await ctx.session.rows(`${orderedMismatchesSql(ctx, false)} LIMIT ${Math.floor(sampleSize)}`);
  ctx.logger.debug({ ms: Date.now() - started, hashCandidates, mismatchedRows }, 'hash comparison done');
  return {
    status: mismatchedRows === 0 ? 'PASS' : 'FAIL',
    detail: `${mismatchedRows} of the paired rows differ in at least one column (${hashCandidates - mismatchedRows} hash differences were within tolerance)`,
    pairedRows,
    hashCandidates,
    mismatchedRows,
    matchedRows: pairedRows - mismatchedRows,
    toleratedRows: hashCandidates - mismatchedRows,
    byColumn: cols.map((c, i) => ({ column: c.name, mismatches: toCount(counts[`m${i}`]) })),
    sample: sample.map(toCell),
  };
}

function toCell(r: JsonRow): MismatchCell {
  return {
    recordKey: toText(r.record_key) ?? '',
    column: toText(r.column_name) ?? '',
    sourceValue: toText(r.source_value),
    targetValue: toText(r.target_value),
  };
}
