import { emfDocument, stdoutEmfWriter, type EmfWriter } from '@coattail/runtime';
import type { QualityMetrics } from './data-quality-checker.js';

/** Where the quality gate's counts go: CloudWatch embedded metrics in production. */
export interface QualityMetricsPublisher {
  publish(job: string, metrics: QualityMetrics): Promise<void>;
}

/** The CloudWatch namespace the dashboards and alarms read. */
export const QUALITY_NAMESPACE = 'CryptoPulse/Quality';

/**
 * Publishes RecordsProcessed, RecordsPassed, RecordsFailed, RecordsLate and QualityScore per job,
 * and RecordsFailed per job and check, as CloudWatch embedded-metric-format log lines on stdout
 * (the ECS log driver ships them and CloudWatch extracts the metrics), the platform's one way of
 * publishing metrics. Call it per batch or per checkpoint interval, not per record.
 */
export function emfQualityPublisher(options: { namespace?: string; write?: EmfWriter } = {}): QualityMetricsPublisher {
  const namespace = options.namespace ?? QUALITY_NAMESPACE;
  const write = options.write ?? stdoutEmfWriter;
  return {
    publish(job, m) {
      const timestamp = Date.now();
      write(
        emfDocument({
          namespace,
          timestamp,
          dimensions: { Job: job },
          metrics: [
            { name: 'RecordsProcessed', value: m.RecordsProcessed, unit: 'Count' },
            { name: 'RecordsPassed', value: m.RecordsPassed, unit: 'Count' },
            { name: 'RecordsFailed', value: m.RecordsFailed, unit: 'Count' },
            { name: 'RecordsLate', value: m.RecordsLate, unit: 'Count' },
            { name: 'QualityScore', value: m.QualityScore, unit: 'Percent' },
          ],
        }),
      );
      for (const [check, failures] of Object.entries(m.failuresByCheck)) {
        write(
          emfDocument({
            namespace,
            timestamp,
            dimensions: { Job: job, Check: check },
            metrics: [{ name: 'RecordsFailed', value: failures, unit: 'Count' }],
          }),
        );
      }
      return Promise.resolve();
    },
  };
}
