/** One table of a multi-table run, as the suite summary shows it. */
export interface SuiteTableResult {
  name: string;
  /** This table's report folder, relative to the suite's output folder. */
  dir: string;
  /** `ERROR` when the table could not be reconciled at all (unreadable input, ...). */
  status: 'RECONCILED' | 'NOT RECONCILED' | 'ERROR';
  /** Null when the table could not run. */
  matchRate: number | null;
  sourceRows: number | null;
  targetRows: number | null;
  mismatchedRows: number | null;
  sourceOnly: number | null;
  targetOnly: number | null;
  duplicateKeysSource: number | null;
  duplicateKeysTarget: number | null;
  /** Checks whose status is FAIL or ERROR. */
  failedChecks: string[];
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** Why the table could not run (status `ERROR`). */
  error?: string;
}

/** Everything a multi-table run found; written as suite.json and read by the dashboard's table picker. */
export interface SuiteResult {
  name: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** Every table reconciled. */
  reconciled: boolean;
  /** How many tables ran at the same time. */
  concurrency: number;
  /** In config order. */
  tables: SuiteTableResult[];
  /** Files written into the suite's output folder (each table's reports are in its `dir`). */
  artifacts: Record<string, string>;
}
