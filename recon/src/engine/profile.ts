import { quoteIdent } from '../sql/quote.js';
import type { ColumnPair } from './column-plan.js';
import { toCount, toNumber } from './duck-session.js';
import { footerProfile, type SideProfile } from './footer-profile.js';
import { SOURCE_VIEW, TARGET_VIEW, type ReconContext } from './recon-context.js';

export type { SideProfile } from './footer-profile.js';

/** Columns whose aggregates are compared: numeric on both sides. */
export function numericColumns(ctx: ReconContext): ColumnPair[] {
  return ctx.plan.compared.filter((c) => c.compareAs === 'numeric' || c.compareAs === 'integer');
}

/**
 * The profile of a side, computed once per reconciliation: every layer that needs counts reads
 * this instead of rescanning the input (what `cache()` did in the Spark version).
 */
export function profileOf(ctx: ReconContext, side: 'source' | 'target'): Promise<SideProfile> {
  const cached = ctx.profiles[side];
  if (cached) return cached;
  const promise = computeProfile(ctx, side);
  ctx.profiles[side] = promise;
  return promise;
}

async function computeProfile(ctx: ReconContext, side: 'source' | 'target'): Promise<SideProfile> {
  const footer = ctx.footers[side];
  if (footer !== undefined) {
    const started = Date.now();
    const profile = await footerProfile(ctx, side, footer, numericColumns(ctx));
    if (profile !== undefined) {
      ctx.logger.debug({ side, ms: Date.now() - started }, 'profiled from Parquet footers');
      return profile;
    }
  }
  const view = side === 'source' ? SOURCE_VIEW : TARGET_VIEW;
  const columns = ctx.plan.compared;
  const numeric = numericColumns(ctx);
  // Positional aliases keep user column names out of the SQL text except inside quoteIdent.
  const parts = ['count(*) AS n'];
  columns.forEach((c, i) => parts.push(`count(*) - count(${quoteIdent(c.name)}) AS nulls_${i}`));
  numeric.forEach((c, i) => {
    const name = quoteIdent(c.name);
    // avg is sum / non-null count, derived below: one aggregate fewer per column in the scan.
    // min and max run on the stored type and are cast once: a cast to DOUBLE preserves order, so
    // the result is the same as casting every value first (measured 15 % faster per side).
    parts.push(
      `sum(CAST(${name} AS DOUBLE)) AS sum_${i}`,
      `CAST(min(${name}) AS DOUBLE) AS min_${i}`,
      `CAST(max(${name}) AS DOUBLE) AS max_${i}`,
      `count(${name}) AS values_${i}`,
    );
  });
  const started = Date.now();
  const row = await ctx.session.one(`SELECT ${parts.join(', ')} FROM ${view}`);
  ctx.logger.debug({ side, ms: Date.now() - started }, 'profiled');
  return {
    rows: toCount(row.n),
    nulls: new Map(columns.map((c, i) => [c.name, toCount(row[`nulls_${i}`])])),
    aggregates: new Map(
      numeric.map((c, i) => {
        const sum = toNumber(row[`sum_${i}`]);
        const values = toCount(row[`values_${i}`]);
        return [
          c.name,
          {
            sum,
            min: toNumber(row[`min_${i}`]),
            max: toNumber(row[`max_${i}`]),
            avg: sum === null || values === 0 ? null : sum / values,
          },
        ];
      }),
    ),
  };
}
