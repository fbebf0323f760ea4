import { emfDocument, noopMetrics, type Counter, type Metrics } from '@coattail/runtime';

/** How one file ended, as metrics and logs name it. */
export type FileOutcome = 'scored' | 'parse_failed' | 'skipped' | 'failed';

/** One processed file, as metrics see it. */
export interface FileObservation {
  readonly outcome: FileOutcome;
  readonly agencySlug?: string;
  readonly score?: number;
  readonly latencyMs: number;
  readonly bucket: string;
  readonly key: string;
}

/** CloudWatch namespace of the embedded metrics. */
export const EMF_NAMESPACE = 'Coattail/FileQuality';

/** The score bucket a score counts in: `0-59`, `60-69`, `70-79`, `80-89`, `90-100`. */
export function scoreBucket(score: number): string {
  if (score >= 90) return '90-100';
  if (score < 60) return '0-59';
  const low = Math.floor(score / 10) * 10;
  return `${low}-${low + 9}`;
}

/**
 * The service's metrics: files processed by outcome, failed parses, the score distribution (a
 * counter per score bucket), the last score and the processing latency, through the runtime's
 * `Metrics`; and, when `emit` is given, one CloudWatch embedded-metric-format JSON line per file
 * (CloudWatch turns `QualityScore` and `ProcessingLatency` values into distributions and
 * percentiles).
 */
export class FileQualityMetrics {
  readonly #metrics: Metrics;
  readonly #emit: ((line: string) => void) | undefined;
  readonly #outcomes = new Map<string, Counter>();

  constructor(metrics: Metrics = noopMetrics, emit?: (line: string) => void) {
    this.#metrics = metrics;
    this.#emit = emit;
  }

  record(observation: FileObservation): void {
    const { outcome } = observation;
    let counter = this.#outcomes.get(outcome);
    if (counter === undefined) {
      counter = this.#metrics.counter('dq_files_processed', { outcome });
      this.#outcomes.set(outcome, counter);
    }
    counter.inc();
    if (outcome === 'parse_failed') this.#metrics.counter('dq_parse_failures').inc();
    if (observation.score !== undefined) {
      this.#metrics.counter('dq_score_distribution', { bucket: scoreBucket(observation.score) }).inc();
      this.#metrics.gauge('dq_last_score').set(observation.score);
    }
    this.#metrics.counter('dq_processing_ms_total').inc(observation.latencyMs);
    this.#metrics.gauge('dq_last_processing_ms').set(observation.latencyMs);
    this.#emit?.(emfLine(observation));
  }
}

/** One CloudWatch embedded-metric-format record for a processed file. */
export function emfLine(o: FileObservation, now = Date.now()): string {
  return emfDocument({
    namespace: EMF_NAMESPACE,
    timestamp: now,
    dimensions: { Outcome: o.outcome, Agency: o.agencySlug ?? 'unknown' },
    dimensionSets: [['Outcome'], ['Agency', 'Outcome']],
    metrics: [
      { name: 'FilesProcessed', value: 1, unit: 'Count' },
      { name: 'ParseFailures', value: o.outcome === 'parse_failed' ? 1 : 0, unit: 'Count' },
      { name: 'ProcessingLatency', value: Math.round(o.latencyMs), unit: 'Milliseconds' },
      ...(o.score === undefined ? [] : [{ name: 'QualityScore', value: o.score, unit: 'None' as const }]),
    ],
    properties: { bucket: o.bucket, key: o.key },
  });
}
