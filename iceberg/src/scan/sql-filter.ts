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
function columnExpr(bp: BoundPredicate, column: ColumnNamer): string {
  const col = column(bp.field);
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

/** How a field is spelled in the SQL the predicates are rendered into. */
export type ColumnNamer = (field: BoundPredicate['field']) => string;

/**
 * Renders bound predicates as a DuckDB WHERE clause (empty string when there are none).
 * @param column how a field is referenced. @default its quoted name
 */
export function predicatesToSql(
  predicates: readonly BoundPredicate[],
  column: ColumnNamer = (f) => quoteIdent(f.name),
): string {
  return predicates
    .map((bp) => {
      const p = bp.predicate;
      const col = columnExpr(bp, column);
      if (p.op === 'is-null') return `${column(bp.field)} IS NULL`;
      if (p.op === 'not-null') return `${column(bp.field)} IS NOT NULL`;
      if (p.op === 'in')
        return bp.values.length === 0
          ? 'FALSE'
          : `${col} IN (${bp.values.map((v) => literal(bp.field.type, v)).join(', ')})`;
      const op = p.op === '!=' ? '<>' : p.op;
      return `${col} ${op} ${literal(bp.field.type, bp.values[0]!)}`;
    })
    .join(' AND ');
}
