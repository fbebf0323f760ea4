/** Outcome of one check; ERROR means the check could not run (the detail says why). */
export type CheckStatus = 'PASS' | 'WARN' | 'FAIL' | 'ERROR' | 'SKIPPED';

/** Layer 1: volumetric check. */
export interface RowCountResult {
  status: CheckStatus;
  source: number;
  target: number;
  difference: number;
}

/** One column in the schema comparison (names are source names; `targetColumn` after mapping). */
export interface SchemaColumn {
  column: string;
  targetColumn: string | null;
  sourceType: string | null;
  targetType: string | null;
  status: CheckStatus;
  issue: 'match' | 'missing_in_target' | 'extra_in_target' | 'type_compatible' | 'type_mismatch' | 'excluded';
}

/** Layer 2: schema integrity. */
export interface SchemaResult {
  status: CheckStatus;
  columns: SchemaColumn[];
  missingInTarget: string[];
  extraInTarget: string[];
  typeWarnings: string[];
  typeFailures: string[];
  /** CSV columns read with a declared type, beside the type DuckDB's sniffer would have inferred. */
  declaredTypes: DeclaredType[];
}

/** A CSV column whose type the config declares (names as in that side's file). */
export interface DeclaredType {
  side: 'source' | 'target';
  column: string;
  declaredType: string;
  inferredType: string | null;
}

/** Layer 3: null profile of one column. Percentages are 0–100. */
export interface NullProfile {
  column: string;
  status: CheckStatus;
  sourceNulls: number;
  targetNulls: number;
  sourceNullPct: number;
  targetNullPct: number;
  delta: number;
  deltaPctPoints: number;
}

/** Layer 4: one aggregate of one numeric column. */
export interface AggregateDiff {
  column: string;
  metric: 'sum' | 'min' | 'max' | 'avg';
  status: CheckStatus;
  source: number | null;
  target: number | null;
  difference: number | null;
  /** difference / |target|, null when target is 0 or null. */
  relativeDifference: number | null;
}

/** Layer 5a: key-level fidelity. */
export interface KeyResult {
  status: CheckStatus;
  detail: string;
  sourceOnly: number;
  targetOnly: number;
  /** How rows of duplicated keys were compared (the config's `duplicates`). */
  duplicatePolicy: 'first' | 'exclude' | 'all';
  duplicateKeysSource: number;
  /** Extra rows: copies beyond the first of each duplicated key (a key on 3 rows adds 2). */
  duplicateRowsSource: number;
  /** Duplicated keys whose rows are equal in every compared column (after normalization). */
  exactDuplicateKeysSource: number;
  /** Duplicated keys whose rows differ among themselves (conflicting replays). */
  conflictingDuplicateKeysSource: number;
  duplicateKeysTarget: number;
  /** Extra rows: copies beyond the first of each duplicated key. */
  duplicateRowsTarget: number;
  exactDuplicateKeysTarget: number;
  conflictingDuplicateKeysTarget: number;
  /** Keys present exactly once on each side. */
  pairedKeys: number;
  /** Keys present on both sides with a duplicate on at least one. */
  pairedWithDuplicates: number;
  /**
   * Row pairs the value comparison takes from {@link pairedWithDuplicates} keys: one per key under
   * `first`, every source × target row under `all`, none under `exclude`.
   */
  duplicatePairsCompared: number;
  sample: { kind: KeyIssueKind; recordKey: string; sourceRows: number; targetRows: number }[];
}

/** Why a key shows up in the key-issues export. */
export type KeyIssueKind = 'source_only' | 'target_only' | 'duplicate_source' | 'duplicate_target';

/** One differing cell. Values are rendered as text. */
export interface MismatchCell {
  recordKey: string;
  column: string;
  sourceValue: string | null;
  targetValue: string | null;
}

/** Layer 5b: hash comparison with per-column attribution. */
export interface HashResult {
  status: CheckStatus;
  detail: string;
  pairedRows: number;
  /** Pairs whose hashes differ (before tolerance and normalization decide). */
  hashCandidates: number;
  mismatchedRows: number;
  matchedRows: number;
  /** Candidates that turned out equal under tolerance/normalization. */
  toleratedRows: number;
  byColumn: { column: string; mismatches: number }[];
  sample: MismatchCell[];
}

/** One line of summary.csv. */
export interface SummaryRow {
  check: string;
  status: CheckStatus;
  sourceCount: number | null;
  targetCount: number | null;
  difference: number | null;
  /** Percentage 0–100, or null when it does not apply. */
  matchRate: number | null;
  detail: string;
}

/** Everything one reconciliation found; written as result.json and read by the dashboard. */
export interface ReconResult {
  name: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  reconciled: boolean;
  /** Matched 1:1 rows / distinct keys across both sides, 0–100. */
  matchRate: number;
  source: { location: string };
  target: { location: string };
  primaryKey: string[];
  rowCount: RowCountResult;
  schema: SchemaResult;
  nulls: { status: CheckStatus; columns: NullProfile[] };
  aggregates: { status: CheckStatus; rows: AggregateDiff[] };
  keys: KeyResult;
  hash: HashResult;
  summary: SummaryRow[];
  /** Problems found while running (empty input, missing key column, ...). */
  messages: string[];
  /** Files written, relative to the output folder. */
  artifacts: Record<string, string>;
}
