/** Broad groups of DuckDB types; comparisons inside a group are meaningful. */
export type TypeFamily =
  'integer' | 'float' | 'decimal' | 'string' | 'boolean' | 'date' | 'timestamp' | 'time' | 'other';

/** How a column pair is normalized before hashing and comparing. */
export type CompareAs = 'integer' | 'numeric' | 'string' | 'timestamp' | 'boolean' | 'text';

/** The family of a DuckDB type name as DESCRIBE prints it. */
export function typeFamily(type: string): TypeFamily {
  const t = type.toUpperCase();
  if (/^U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)$/.test(t)) return 'integer';
  if (t === 'FLOAT' || t === 'DOUBLE' || t === 'REAL') return 'float';
  if (t.startsWith('DECIMAL') || t.startsWith('NUMERIC')) return 'decimal';
  if (t === 'VARCHAR' || t.startsWith('VARCHAR(')) return 'string';
  if (t === 'BOOLEAN') return 'boolean';
  if (t === 'DATE') return 'date';
  if (t.startsWith('TIMESTAMP')) return 'timestamp';
  if (t.startsWith('TIME')) return 'time';
  return 'other';
}

const numeric = new Set<TypeFamily>(['integer', 'float', 'decimal']);
const temporal = new Set<TypeFamily>(['date', 'timestamp']);

/** True for integer, float and decimal families. */
export function isNumericFamily(family: TypeFamily): boolean {
  return numeric.has(family);
}

/**
 * Classifies a source/target type pair: identical types match; different types in the same
 * group (int32 → int64, float → double, DATE → TIMESTAMP) are a warning because values still
 * compare; anything else is a failure and the column falls back to text comparison.
 */
export function typeCompatibility(sourceType: string, targetType: string): 'match' | 'compatible' | 'incompatible' {
  if (sourceType === targetType) return 'match';
  const s = typeFamily(sourceType);
  const t = typeFamily(targetType);
  if (s === t) return 'compatible';
  if (numeric.has(s) && numeric.has(t)) return 'compatible';
  if (temporal.has(s) && temporal.has(t)) return 'compatible';
  return 'incompatible';
}

/** Chooses the normalized comparison domain of a column pair. */
export function compareAsOf(sourceType: string, targetType: string): CompareAs {
  if (typeCompatibility(sourceType, targetType) === 'incompatible') return 'text';
  const s = typeFamily(sourceType);
  const t = typeFamily(targetType);
  if (s === 'integer' && t === 'integer') return 'integer';
  if (isNumericFamily(s)) return 'numeric';
  if (s === 'string') return 'string';
  if (temporal.has(s)) return 'timestamp';
  if (s === 'boolean') return 'boolean';
  return 'text';
}
