import type { KeyIssueKind, KeyResult } from '../result/types.js';
import { quoteLiteral } from '../sql/quote.js';
import { toCount, toText } from './duck-session.js';
import { recordKeyExpr } from './expressions.js';
import { KEY_ISSUES_TABLE, ensureKeyStage, keyAliases } from './key-stage.js';
import { profileOf } from './profile.js';
import type { ReconContext } from './recon-context.js';

/**
 * SQL listing every key issue as (kind, record_key, source_rows, target_rows) in kind and key
 * order; a key can be in several kinds (an orphan that is also duplicated).
 */
export function keyIssuesSql(ctx: ReconContext): string {
  const k = keyAliases(ctx);
  return `SELECT kind, record_key, source_rows, target_rows FROM (${keyIssuesUnion(ctx)}) ORDER BY kind, ${k.join(', ')}`;
}

/** Every key issue with its key aliases (k0..) still attached, unordered. */
function keyIssuesUnion(ctx: ReconContext): string {
  const k = keyAliases(ctx);
  const key = recordKeyExpr(k);
  const kind = (name: KeyIssueKind, where: string): string =>
    `SELECT ${quoteLiteral(name)} AS kind, ${k.join(', ')}, ${key} AS record_key, sn AS source_rows, tn AS target_rows FROM ${KEY_ISSUES_TABLE} WHERE ${where}`;
  return [
    kind('source_only', 'tn = 0'),
    kind('target_only', 'sn = 0'),
    kind('duplicate_source', 'sn > 1'),
    kind('duplicate_target', 'tn > 1'),
  ].join(' UNION ALL ');
}

/**
 * A capped sample of {@link keyIssuesSql} that takes the kinds in turn (the first key of each
 * kind, then the second of each, ...), so ten thousand duplicates cannot crowd every orphan out
 * of a 200-row sample; a kind with fewer issues leaves its share to the others. Kind and key order.
 */
export function keyIssueSampleSql(ctx: ReconContext, sampleSize: number): string {
  const k = keyAliases(ctx);
  return `SELECT kind, record_key, source_rows, target_rows FROM (
      SELECT *, row_number() OVER (PARTITION BY kind ORDER BY ${k.join(', ')}) AS turn FROM (${keyIssuesUnion(ctx)})
      ORDER BY turn, kind LIMIT ${Math.floor(sampleSize)}
    ) ORDER BY kind, ${k.join(', ')}`;
}

/** Key-level counts without samples or logs; shared by the key and hash layers. */
export async function keyCounts(ctx: ReconContext): Promise<Omit<KeyResult, 'status' | 'detail' | 'sample'>> {
  await ensureKeyStage(ctx);
  const [sourceProfile, counts] = await Promise.all([
    profileOf(ctx, 'source'),
    ctx.session.one(
      `SELECT count(*) FILTER (WHERE tn = 0) AS source_only, count(*) FILTER (WHERE sn = 0) AS target_only,
        count(*) FILTER (WHERE sn > 1) AS dup_keys_s, coalesce(sum(sn - 1) FILTER (WHERE sn > 1), 0) AS dup_rows_s,
        count(*) FILTER (WHERE tn > 1) AS dup_keys_t, coalesce(sum(tn - 1) FILTER (WHERE tn > 1), 0) AS dup_rows_t,
        count(*) FILTER (WHERE sn > 1 AND s_conflicting) AS conflicting_s,
        count(*) FILTER (WHERE tn > 1 AND t_conflicting) AS conflicting_t,
        count(*) FILTER (WHERE sn > 0 AND tn > 0 AND (sn > 1 OR tn > 1)) AS paired_dups,
        coalesce(sum(sn * tn) FILTER (WHERE sn > 0 AND tn > 0 AND (sn > 1 OR tn > 1)), 0) AS paired_dup_pairs
       FROM ${KEY_ISSUES_TABLE}`,
    ),
  ]);
  const sourceOnly = toCount(counts.source_only);
  const duplicateKeysSource = toCount(counts.dup_keys_s);
  const duplicateRowsSource = toCount(counts.dup_rows_s);
  const pairedWithDuplicates = toCount(counts.paired_dups);
  const distinctSource = sourceProfile.rows - duplicateRowsSource;
  const duplicateKeysTarget = toCount(counts.dup_keys_t);
  const policy = ctx.config.duplicates;
  const conflictingSource = toCount(counts.conflicting_s);
  const conflictingTarget = toCount(counts.conflicting_t);
  return {
    sourceOnly,
    targetOnly: toCount(counts.target_only),
    duplicatePolicy: policy,
    duplicateKeysSource,
    duplicateRowsSource,
    exactDuplicateKeysSource: duplicateKeysSource - conflictingSource,
    conflictingDuplicateKeysSource: conflictingSource,
    duplicateKeysTarget,
    duplicateRowsTarget: toCount(counts.dup_rows_t),
    exactDuplicateKeysTarget: duplicateKeysTarget - conflictingTarget,
    conflictingDuplicateKeysTarget: conflictingTarget,
    pairedKeys: distinctSource - sourceOnly - pairedWithDuplicates,
    pairedWithDuplicates,
    duplicatePairsCompared:
      policy === 'exclude' ? 0 : policy === 'first' ? pairedWithDuplicates : toCount(counts.paired_dup_pairs),
  };
}

/**
 * Layer 5a — orphans (keys only in source, only in target) and duplicate keys on either side.
 * Duplicates are reported (extra rows; exact copies vs conflicting replays) and compared as the
 * config's `duplicates` policy says. NULL keys never match (SQL equality).
 *
 * @param sampleSize how many key issues to return as a sample.
 */
export async function primaryKeyMismatch(ctx: ReconContext, sampleSize = 100): Promise<KeyResult> {
  const counts = await keyCounts(ctx);
  const { sourceOnly, targetOnly, duplicateKeysSource, duplicateKeysTarget } = counts;
  const sampleRows = sampleSize === 0 ? [] : await ctx.session.rows(keyIssueSampleSql(ctx, sampleSize));
  const issues = sourceOnly + targetOnly + duplicateKeysSource + duplicateKeysTarget;
  if (issues > 0)
    ctx.logger.warn({ sourceOnly, targetOnly, duplicateKeysSource, duplicateKeysTarget }, 'key mismatches found');
  return {
    status: issues === 0 ? 'PASS' : 'FAIL',
    detail: `${sourceOnly} keys only in source, ${targetOnly} only in target, ${duplicateKeysSource} duplicated in source, ${duplicateKeysTarget} duplicated in target`,
    ...counts,
    sample: sampleRows.map((r) => ({
      kind: toText(r.kind) as KeyIssueKind,
      recordKey: toText(r.record_key) ?? '',
      sourceRows: toCount(r.source_rows),
      targetRows: toCount(r.target_rows),
    })),
  };
}
