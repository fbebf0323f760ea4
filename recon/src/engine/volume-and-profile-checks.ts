import type { AggregateDiff, CheckStatus, NullProfile, RowCountResult } from '../result/types.js';
import { numericColumns, profileOf } from './profile.js';
import type { ReconContext } from './recon-context.js';

/**
 * Layer 1 — row counts of both sides (after filters).
 *
 * @example
 * const { source, target, status } = await getRowCount(ctx);
 */
export async function getRowCount(ctx: ReconContext): Promise<RowCountResult> {
  const [s, t] = await Promise.all([profileOf(ctx, 'source'), profileOf(ctx, 'target')]);
  if (s.rows === 0) ctx.logger.error({ side: 'source' }, 'source input has no rows');
  if (t.rows === 0) ctx.logger.error({ side: 'target' }, 'target input has no rows');
  const status: CheckStatus = s.rows !== t.rows ? 'FAIL' : s.rows === 0 ? 'WARN' : 'PASS';
  return { status, source: s.rows, target: t.rows, difference: t.rows - s.rows };
}

/** Layer 3 — null count and percentage per compared column on both sides. */
export async function compareNulls(ctx: ReconContext): Promise<NullProfile[]> {
  const [s, t] = await Promise.all([profileOf(ctx, 'source'), profileOf(ctx, 'target')]);
  const pct = (nulls: number, rows: number): number => (rows === 0 ? 0 : (100 * nulls) / rows);
  return ctx.plan.compared.map((c) => {
    const sourceNulls = s.nulls.get(c.name) ?? 0;
    const targetNulls = t.nulls.get(c.name) ?? 0;
    const sourceNullPct = pct(sourceNulls, s.rows);
    const targetNullPct = pct(targetNulls, t.rows);
    return {
      column: c.name,
      status: sourceNulls === targetNulls ? 'PASS' : 'FAIL',
      sourceNulls,
      targetNulls,
      sourceNullPct,
      targetNullPct,
      delta: targetNulls - sourceNulls,
      deltaPctPoints: targetNullPct - sourceNullPct,
    };
  });
}

/**
 * Layer 4 — sum, min, max and avg of every numeric column, compared with the column's
 * tolerance (`|s − t| ≤ abs + rel·|t|`).
 */
export async function compareAggregates(ctx: ReconContext): Promise<AggregateDiff[]> {
  const [s, t] = await Promise.all([profileOf(ctx, 'source'), profileOf(ctx, 'target')]);
  const out: AggregateDiff[] = [];
  for (const c of numericColumns(ctx)) {
    const sa = s.aggregates.get(c.name);
    const ta = t.aggregates.get(c.name);
    for (const metric of ['sum', 'min', 'max', 'avg'] as const) {
      const sv = sa?.[metric] ?? null;
      const tv = ta?.[metric] ?? null;
      const difference = sv === null || tv === null ? null : tv - sv;
      // Parallel float sums are not associative: a 1e-9 relative floor keeps identical data from failing on rounding.
      const floor = metric === 'sum' || metric === 'avg' ? 1e-9 * Math.max(Math.abs(sv ?? 0), Math.abs(tv ?? 0)) : 0;
      const within =
        difference === null
          ? sv === tv
          : Math.abs(difference) <= c.tolerance.absolute + c.tolerance.relative * Math.abs(tv ?? 0) + floor;
      out.push({
        column: c.name,
        metric,
        status: within ? 'PASS' : 'FAIL',
        source: sv,
        target: tv,
        difference,
        relativeDifference: difference === null || !tv ? null : difference / Math.abs(tv),
      });
    }
  }
  return out;
}
