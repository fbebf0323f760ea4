/**
 * What a parser measured in one file: counts only, never the rows. The batch service gets these
 * from DuckDB in a few aggregate scans; the scoring and profiling here are pure functions of them,
 * so they can be tested exhaustively without a file or a database.
 */

/** Counts for one column of the file (one present in the file, declared or not). */
export interface ColumnFacts {
  readonly name: string;
  /** The type as read, e.g. DuckDB's `VARCHAR`, `BIGINT`. */
  readonly physicalType: string;
  readonly nonNull: number;
  readonly nulls: number;
  /** Non-null values that do not convert to the declared type (0 for undeclared columns). */
  readonly typeMismatches: number;
  /** Values of the declared type that break the declared `pattern` or `allowedValues`. */
  readonly formatMismatches: number;
  /** Values below the declared `min` / above the declared `max`. */
  readonly belowMin: number;
  readonly aboveMax: number;
  /** A few offending values (as text) for messages and the profile. */
  readonly typeMismatchExamples?: readonly string[];
  readonly formatMismatchExamples?: readonly string[];
  readonly boundsExamples?: readonly string[];
}

/** Counts for one declared unique key whose columns all exist in the file. */
export interface KeyFacts {
  readonly columns: readonly string[];
  /** Rows where no key column is null. */
  readonly rowsWithKey: number;
  readonly distinctKeys: number;
}

/** Everything the checks need about one parsed file. */
export interface FileFacts {
  /** Parser name shown in messages, e.g. `CSV (header)`, `JSONL`, `Parquet`. */
  readonly format: string;
  readonly rowCount: number;
  /** The file's columns in file order. */
  readonly columns: readonly ColumnFacts[];
  /** Rows with a null in at least one required column present in the file. */
  readonly rowsMissingRequired: number;
  readonly keys: readonly KeyFacts[];
}

/** Facts for a column with nothing wrong: a base for tests and for parsers that skip checks. */
export function cleanColumn(name: string, physicalType: string, nonNull: number, nulls = 0): ColumnFacts {
  return { name, physicalType, nonNull, nulls, typeMismatches: 0, formatMismatches: 0, belowMin: 0, aboveMax: 0 };
}
