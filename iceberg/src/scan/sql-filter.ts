import { quoteIdent, quoteLiteral } from '../data/duckdb-types.js';
import { IcebergUsageError } from '../errors.js';
import type { IcebergValue } from '../spec/values.js';
import type { BoundPredicate } from './predicates.js';

function literal(type: unknown, v: IcebergValue): string {
  if (typeof v === 'string') return quoteLiteral(v);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  throw new IcebergUsageError(`filters on ${JSON.stringify(type)} columns are not supported`);
}

/** The column as a number where the value form is an integer count (timestamps in µs, dates in days): exact and time-zone free. */
function columnExpr(bp: BoundPredicate): string {
  const col = quoteIdent(bp.field.name);
  switch (bp.field.type) {
    case 'timestamp':
    case 'timestamptz':
      return `epoch_us(${col})`;
    case 'date':
      return `(${col} - DATE '1970-01-01')`;
    default:
      return col;
  }
}

/** Renders bound predicates as a DuckDB WHERE clause (empty string when there are none). */
export function predicatesToSql(predicates: readonly BoundPredicate[]): string {
  return predicates
    .map((bp) => {
      const p = bp.predicate;
      const col = columnExpr(bp);
      if (p.op === 'is-null') return `${quoteIdent(bp.field.name)} IS NULL`;
      if (p.op === 'not-null') return `${quoteIdent(bp.field.name)} IS NOT NULL`;
      if (p.op === 'in')
        return bp.values.length === 0
          ? 'FALSE'
          : `${col} IN (${bp.values.map((v) => literal(bp.field.type, v)).join(', ')})`;
      const op = p.op === '!=' ? '<>' : p.op;
      return `${col} ${op} ${literal(bp.field.type, bp.values[0]!)}`;
    })
    .join(' AND ');
}
