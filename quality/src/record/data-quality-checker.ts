import type { Clock } from '@coattail/runtime';
import { systemClock } from '@coattail/runtime';

/** ERROR failures send a record to the DLQ; WARN failures are logged and counted, and the record passes. */
export type Severity = 'ERROR' | 'WARN';

/** What a check may look at besides the record: the processing clock, read once per batch. */
export interface CheckContext {
  readonly now: number;
}

/** A named predicate over a record: true means the record passes. */
export interface QualityCheck<T> {
  readonly name: string;
  readonly check: (record: T, context: CheckContext) => boolean;
  /** @default 'ERROR' */
  readonly severity?: Severity;
}

/**
 * Several checks with one fused predicate that is true exactly when every check passes. The
 * checker runs the fused predicate on the happy path (one call per record instead of one per
 * check) and the individual checks only to name the failures.
 */
export interface CheckSuite<T> {
  readonly checks: readonly QualityCheck<T>[];
  readonly passesAll: (record: T, context: CheckContext) => boolean;
}

/** A record that failed at least one ERROR check, with every rule it failed. */
export interface InvalidRecord<T> {
  readonly record: T;
  /** Names of the ERROR checks it failed, in the order the checks were added. */
  readonly failed: string[];
  /** Names of the WARN checks it failed. */
  readonly warnings: string[];
}

/** Counts of one `validate` call, in the published metric names. */
export interface QualityMetrics {
  RecordsProcessed: number;
  RecordsPassed: number;
  RecordsFailed: number;
  /** Records failing a timeliness check (a WARN check whose name starts with `timeliness`). */
  RecordsLate: number;
  /** Percent of records that passed every ERROR check; 100 for an empty batch. */
  QualityScore: number;
  /** Failures per check name (ERROR and WARN). */
  failuresByCheck: Record<string, number>;
}

export interface ValidationResult<T> {
  /** Records that passed every ERROR check (WARN failures included). The input array itself when all passed. */
  readonly valid: readonly T[];
  readonly invalid: InvalidRecord<T>[];
  /** Valid records that failed WARN checks, for logging. */
  readonly warned: InvalidRecord<T>[];
  readonly metrics: QualityMetrics;
}

/**
 * Record-level quality gate of the stream jobs, the `DataQualityChecker`: add named
 * checks with a severity, then `validate` batches. The happy path allocates nothing per record:
 * when every record passes, `valid` is the input array.
 *
 * @example
 * const checker = new DataQualityChecker<RawTrade>();
 * for (const check of tradeChecks({ allowedSymbols: ['BTC-USDT'], allowedExchanges: ['binance'] })) checker.addCheck(check);
 * const { valid, invalid, metrics } = checker.validate(batch);
 */
export class DataQualityChecker<T> {
  #errors: QualityCheck<T>[] = [];
  #warns: QualityCheck<T>[] = [];
  /** Happy-path gates: fused suite predicates and single checks added on their own. */
  #gates: ((record: T, context: CheckContext) => boolean)[] = [];

  constructor(private readonly clock: Clock = systemClock) {}

  addCheck(check: QualityCheck<T>): this {
    if ([...this.#errors, ...this.#warns].some((c) => c.name === check.name)) {
      throw new RangeError(`a check named '${check.name}' is already registered; check names must be unique`);
    }
    if ((check.severity ?? 'ERROR') === 'ERROR') this.#errors.push(check);
    else this.#warns.push(check);
    this.#gates.push(check.check);
    return this;
  }

  /** Adds every check of a suite, and its fused predicate for the happy path. */
  addSuite(suite: CheckSuite<T>): this {
    const gates = this.#gates.length;
    for (const check of suite.checks) this.addCheck(check);
    this.#gates.length = gates;
    this.#gates.push(suite.passesAll);
    return this;
  }

  /** Names and severities of the registered checks, ERROR checks first. */
  get checks(): readonly { name: string; severity: Severity }[] {
    return [
      ...this.#errors.map((c) => ({ name: c.name, severity: 'ERROR' as const })),
      ...this.#warns.map((c) => ({ name: c.name, severity: 'WARN' as const })),
    ];
  }

  /**
   * Checks one record: undefined when it passes everything (nothing allocated), else the ERROR
   * and WARN rules it failed. For per-record gates inside a stream operator.
   */
  inspect(record: T, now: number = this.clock.now()): { failed: string[]; warnings: string[] } | undefined {
    const context: CheckContext = { now };
    for (const gate of this.#gates) {
      if (!gate(record, context))
        return { failed: failures(this.#errors, record, context), warnings: failures(this.#warns, record, context) };
    }
    return undefined;
  }

  validate(batch: readonly T[]): ValidationResult<T> {
    const context: CheckContext = { now: this.clock.now() };
    const gates = this.#gates;
    const nGates = gates.length;
    let valid: T[] | undefined; // allocated at the first failure only
    const invalid: InvalidRecord<T>[] = [];
    const warned: InvalidRecord<T>[] = [];
    for (let i = 0; i < batch.length; i++) {
      const record = batch[i]!;
      let clean = true;
      for (let g = 0; g < nGates; g++) {
        if (!gates[g]!(record, context)) {
          clean = false;
          break;
        }
      }
      if (clean) {
        if (valid !== undefined) valid.push(record);
        continue;
      }
      // Slow path: something failed, so name every failing rule.
      const failed = failures(this.#errors, record, context);
      const warnings = failures(this.#warns, record, context);
      if (failed.length === 0) {
        warned.push({ record, failed, warnings });
        if (valid !== undefined) valid.push(record);
      } else {
        valid ??= batch.slice(0, i);
        invalid.push({ record, failed, warnings });
      }
    }
    const result = { valid: valid ?? batch, invalid, warned };
    return { ...result, metrics: summarize(batch.length, invalid, warned) };
  }
}

function failures<T>(checks: readonly QualityCheck<T>[], record: T, context: CheckContext): string[] {
  const names: string[] = [];
  for (const c of checks) if (!c.check(record, context)) names.push(c.name);
  return names;
}

function summarize<T>(
  processed: number,
  invalid: readonly InvalidRecord<T>[],
  warned: readonly InvalidRecord<T>[],
): QualityMetrics {
  const failuresByCheck: Record<string, number> = {};
  let late = 0;
  for (const list of [invalid, warned]) {
    for (const { failed, warnings } of list) {
      for (const name of failed) failuresByCheck[name] = (failuresByCheck[name] ?? 0) + 1;
      for (const name of warnings) failuresByCheck[name] = (failuresByCheck[name] ?? 0) + 1;
      if (warnings.some((w) => w.startsWith('timeliness'))) late++;
    }
  }
  const passed = processed - invalid.length;
  return {
    RecordsProcessed: processed,
    RecordsPassed: passed,
    RecordsFailed: invalid.length,
    RecordsLate: late,
    QualityScore: processed === 0 ? 100 : (passed / processed) * 100,
    failuresByCheck,
  };
}
