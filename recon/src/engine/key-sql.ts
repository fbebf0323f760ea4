import { normalizedExpr } from './expressions.js';
import type { ReconContext } from './recon-context.js';

/** Positional key aliases (k0, k1, ...) so later SQL never repeats user column names. */
export function keyAliases(ctx: ReconContext): string[] {
  return ctx.plan.keys.map((_, i) => `k${i}`);
}

/** `SELECT <normalized keys AS k0..>, <extra> FROM view` for one side. */
export function keyedSelect(ctx: ReconContext, view: string, extra: string[]): string {
  const keys = ctx.plan.keys.map((k, i) => `${normalizedExpr(k, ctx.config.normalize)} AS k${i}`);
  return `SELECT ${[...keys, ...extra].join(', ')} FROM ${view}`;
}

/** The NULL-safe, type-normalized row hash of every compared non-key column. */
export function rowHashExpr(ctx: ReconContext): string {
  const values = ctx.plan.compared.map((c) => normalizedExpr(c, ctx.config.normalize));
  return values.length === 0 ? 'CAST(0 AS UBIGINT)' : `hash(${values.join(', ')})`;
}

/** True when any part of the key (aliases k0.., optionally of a table alias) is NULL. */
export function anyKeyNull(ctx: ReconContext, alias?: string): string {
  return keyAliases(ctx)
    .map((k) => `${alias === undefined ? k : `${alias}.${k}`} IS NULL`)
    .join(' OR ');
}
