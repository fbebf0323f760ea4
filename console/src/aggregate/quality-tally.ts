import type { QualityView } from '../model/snapshot.js';

/** The interval figures a job's quality gate publishes (the quality package's `QualityMetrics`). */
export interface QualityInterval {
  RecordsProcessed: number;
  RecordsPassed: number;
  RecordsFailed: number;
  RecordsLate: number;
}

/**
 * Sums the quality gate's published intervals per job, as a `QualityMetricsPublisher` does for
 * CloudWatch: hand it to the jobs as their publisher and the page shows the running totals, with
 * QualityScore recomputed over everything (percent of records that passed every ERROR check).
 *
 * @example
 * const quality = new QualityTally();
 * runStreamJob(name, config, { ...deps, qualityMetrics: quality });
 */
export class QualityTally {
  readonly #jobs = new Map<string, QualityView & { passed: number }>();

  publish(job: string, metrics: QualityInterval): Promise<void> {
    const t = this.#jobs.get(job) ?? {
      RecordsProcessed: 0,
      RecordsFailed: 0,
      RecordsLate: 0,
      QualityScore: 100,
      passed: 0,
    };
    t.RecordsProcessed += metrics.RecordsProcessed;
    t.RecordsFailed += metrics.RecordsFailed;
    t.RecordsLate += metrics.RecordsLate;
    t.passed += metrics.RecordsPassed;
    t.QualityScore = t.RecordsProcessed === 0 ? 100 : (t.passed / t.RecordsProcessed) * 100;
    this.#jobs.set(job, t);
    return Promise.resolve();
  }

  /** Totals per job. */
  view(): Record<string, QualityView> {
    const out: Record<string, QualityView> = {};
    for (const [job, { passed: _passed, ...view }] of this.#jobs) out[job] = view;
    return out;
  }
}
