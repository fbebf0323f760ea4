import type { SchemaResult } from '../result/types.js';
import type { ReconContext } from './recon-context.js';

/**
 * Layer 2 — columns missing in the target, extra in the target, and type differences. A change
 * inside the numeric or temporal family (int32 → int64) is a WARN; across families a FAIL
 * (the column is still compared, as text). Mapped target columns carry their source name.
 */
export function compareSchema(ctx: ReconContext): SchemaResult {
  const columns = ctx.plan.schema;
  const pick = (issue: string): string[] => columns.filter((c) => c.issue === issue).map((c) => c.column);
  const missingInTarget = pick('missing_in_target');
  const extraInTarget = pick('extra_in_target');
  const typeWarnings = pick('type_compatible');
  const typeFailures = pick('type_mismatch');
  if (missingInTarget.length > 0 || extraInTarget.length > 0)
    ctx.logger.warn({ missingInTarget, extraInTarget }, 'schema drift');
  const status =
    missingInTarget.length + extraInTarget.length + typeFailures.length > 0
      ? 'FAIL'
      : typeWarnings.length > 0
        ? 'WARN'
        : 'PASS';
  for (const d of ctx.declaredTypes.filter((t) => t.declaredType !== t.inferredType))
    ctx.logger.info(d, 'CSV column read with its declared type, not the inferred one');
  const declaredTypes = ctx.declaredTypes;
  return { status, columns, missingInTarget, extraInTarget, typeWarnings, typeFailures, declaredTypes };
}
