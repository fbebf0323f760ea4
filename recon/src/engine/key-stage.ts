import { quoteIdent } from '../sql/quote.js';
import { normalizedExpr } from './expressions.js';
import { ORDINAL, SOURCE_VIEW, TARGET_VIEW, type ReconContext } from './recon-context.js';

/** Table of every key that is not a clean 1:1 hash match: orphans, duplicates, hash candidates. */
export const KEY_ISSUES_TABLE = '__recon_key_issues';

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

/**
 * Builds {@link KEY_ISSUES_TABLE} once: each side grouped by key (row count, row hash, whether the key's rows differ among themselves and, under `duplicates:
 * first`, the first row's position `s_first`/`t_first`), then a FULL OUTER JOIN on
 * the key. Only keys that are orphans, duplicated or whose hashes differ under the duplicate
 * policy are kept, so the table stays small (0.1 % of ten million rows is ten thousand).
 */
export function ensureKeyStage(ctx: ReconContext): Promise<void> {
  ctx.keyStage ??= buildKeyStage(ctx);
  return ctx.keyStage;
}

async function buildKeyStage(ctx: ReconContext): Promise<void> {
  const k = keyAliases(ctx);
  const rows = (view: string): string => keyedSelect(ctx, view, [`${rowHashExpr(ctx)} AS h`, `${ORDINAL} AS o`]);
  // `first` also keeps where each key's first row is, so attribution fetches exactly that row.
  const first = ctx.config.duplicates === 'first';
  // min(h) is the hash of every row of a key whose rows agree (a single row, exact copies). The
  // first row's own hash matters only for a conflicting key under `first`: its hash_differs is
  // left NULL (unknown) and attribution, which fetches that first row anyway, decides. Measured
  // at 1 M rows, arg_min(h, o) on every key cost about a quarter of this stage.
  const grouped = (view: string): string =>
    `SELECT ${k.join(', ')}, count(*) AS n, min(h) AS h, min(h) <> max(h) AS conflicting${first ? ', min(o) AS o' : ''}
     FROM (${rows(view)}) GROUP BY ${k.join(', ')}`;
  // Under `all` a key differs when any of its rows differs from any row on the other side.
  const differs =
    ctx.config.duplicates === 'all'
      ? 's.h <> t.h OR s.conflicting OR t.conflicting'
      : first
        ? 'CASE WHEN s.conflicting OR t.conflicting THEN NULL ELSE s.h <> t.h END'
        : 's.h <> t.h';
  const on = k.map((a) => `s.${a} = t.${a}`).join(' AND ');
  const keyCols = k.map((a) => `CASE WHEN s.n IS NULL THEN t.${a} ELSE s.${a} END AS ${a}`).join(', ');
  const started = Date.now();
  await ctx.session.run(
    `CREATE OR REPLACE TEMP TABLE ${KEY_ISSUES_TABLE} AS
     WITH s AS (${grouped(SOURCE_VIEW)}), t AS (${grouped(TARGET_VIEW)})
     SELECT ${keyCols}, coalesce(s.n, 0) AS sn, coalesce(t.n, 0) AS tn, (${differs}) AS hash_differs,
       coalesce(s.conflicting, false) AS s_conflicting, coalesce(t.conflicting, false) AS t_conflicting${first ? ', s.o AS s_first, t.o AS t_first' : ''}
     FROM s FULL OUTER JOIN t ON ${on}
     WHERE s.n IS NULL OR t.n IS NULL OR s.n > 1 OR t.n > 1 OR s.h <> t.h`,
  );
  ctx.logger.debug({ ms: Date.now() - started, keys: ctx.plan.keys.map((c) => quoteIdent(c.name)) }, 'key stage built');
}
