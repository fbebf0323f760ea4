import { normalizedExpr } from './expressions.js';
import { keyAliases } from './key-sql.js';
import { SOURCE_VIEW, TARGET_VIEW, type ReconContext } from './recon-context.js';

/** Keys that are not one row a side with equal row hashes: (k0.., nk, sn, tn); see the key stage. */
export const SUSPECTS_TABLE = '__recon_suspects';

/** Every column of the rows of suspect keys that are paired or duplicated, one table per side. */
export const SUSPECT_ROWS = { source: '__recon_rows_source', target: '__recon_rows_target' } as const;

const ROW = '__recon_row';

/**
 * Copies one side's rows of the suspect keys that are paired (attribution compares them) or
 * duplicated (whether the copies agree, which one comes first) into {@link SUSPECT_ROWS}. A key
 * whose only row is an orphan needs nothing beyond its count and is not fetched. The semi join
 * streams, so a column that differs on every row costs a copy of the side, not an in-memory list.
 */
export async function fetchSuspectRows(ctx: ReconContext, side: 'source' | 'target'): Promise<void> {
  const view = side === 'source' ? SOURCE_VIEW : TARGET_VIEW;
  const [mine, other] = side === 'source' ? ['sn', 'tn'] : ['tn', 'sn'];
  const k = keyAliases(ctx);
  // A NULL-keyed group (`nk` names its side) is this side's only when `nk` says so.
  const keys = `SELECT ${k.join(', ')} FROM ${SUSPECTS_TABLE}
    WHERE ${mine} > 0 AND (${other} > 0 OR ${mine} > 1) AND nk IS NOT ${side === 'source' ? 'false' : 'true'}`;
  const on = ctx.plan.keys
    .map((key, i) => `${normalizedExpr(key, ctx.config.normalize, ROW)} IS NOT DISTINCT FROM d.k${i}`)
    .join(' AND ');
  await ctx.session.run(
    `CREATE OR REPLACE TEMP TABLE ${SUSPECT_ROWS[side]} AS SELECT ${ROW}.* FROM ${view} ${ROW} SEMI JOIN (${keys}) d ON ${on}`,
  );
}
