import type * as Emf from 'aws-embedded-metrics';
import type { QualityMetrics } from './data-quality-checker.js';

/** Where the quality gate's counts go: CloudWatch embedded metrics in production. */
export interface QualityMetricsPublisher {
  publish(job: string, metrics: QualityMetrics): Promise<void>;
}

/** Where EMF events go: stdout locally, the CloudWatch agent, or the ECS/Lambda log stream. */
export type EmfEnvironment = 'Local' | 'Agent' | 'ECS' | 'Lambda';

/** `AWS_EMF_ENVIRONMENT` when set, ECS on an ECS task, else Local (JSON lines on stdout). */
function defaultEnvironment(): EmfEnvironment {
  const fromEnv = process.env.AWS_EMF_ENVIRONMENT;
  if (fromEnv === 'Local' || fromEnv === 'Agent' || fromEnv === 'ECS' || fromEnv === 'Lambda') return fromEnv;
  return process.env.ECS_CONTAINER_METADATA_URI_V4 !== undefined ? 'ECS' : 'Local';
}

/**
 * Loads aws-embedded-metrics with its environment pinned. The library resolves its environment
 * when it is first loaded, and without an override that includes an HTTP probe of the EC2
 * instance-metadata address; so it is never imported statically, only here, after
 * `AWS_EMF_ENVIRONMENT` is set (an explicit setting from the operator wins).
 */
async function loadEmf(environment: EmfEnvironment): Promise<typeof Emf> {
  process.env.AWS_EMF_ENVIRONMENT ??= environment;
  return import('aws-embedded-metrics');
}

/** The CloudWatch namespace the dashboards and alarms read. */
export const QUALITY_NAMESPACE = 'CryptoPulse/Quality';

/**
 * Publishes RecordsProcessed, RecordsPassed, RecordsFailed, RecordsLate and QualityScore per job,
 * and RecordsFailed per job and check, as CloudWatch embedded-metric-format log events
 * (aws-embedded-metrics: the CloudWatch agent or Lambda/ECS log driver turns them into metrics).
 * Call it per batch or per checkpoint interval, not per record.
 */
export function emfQualityPublisher(
  options: { namespace?: string; environment?: EmfEnvironment } = {},
): QualityMetricsPublisher {
  const namespace = options.namespace ?? QUALITY_NAMESPACE;
  const environment = options.environment ?? defaultEnvironment();
  return {
    async publish(job, m) {
      const { createMetricsLogger, StorageResolution, Unit } = await loadEmf(environment);
      const perJob = createMetricsLogger();
      perJob.setNamespace(namespace);
      perJob.setDimensions({ Job: job });
      perJob.putMetric('RecordsProcessed', m.RecordsProcessed, Unit.Count, StorageResolution.Standard);
      perJob.putMetric('RecordsPassed', m.RecordsPassed, Unit.Count);
      perJob.putMetric('RecordsFailed', m.RecordsFailed, Unit.Count);
      perJob.putMetric('RecordsLate', m.RecordsLate, Unit.Count);
      perJob.putMetric('QualityScore', m.QualityScore, Unit.Percent);
      await perJob.flush();
      const checks = Object.entries(m.failuresByCheck);
      if (checks.length === 0) return;
      for (const [check, failures] of checks) {
        const perCheck = createMetricsLogger();
        perCheck.setNamespace(namespace);
        perCheck.setDimensions({ Job: job, Check: check });
        perCheck.putMetric('RecordsFailed', failures, Unit.Count);
        await perCheck.flush();
      }
    },
  };
}
