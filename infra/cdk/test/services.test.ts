import { compileKeyPattern, loadFileQualityConfig, matchKey } from '@coattail/file-quality';
import { PRODUCER_ENV_VARS, loadConfig } from '@coattail/producer';
import { jobConfigSchema, parseJobConfig } from '@coattail/stream-jobs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEPLOYED_JOBS } from '../src/access.js';
import { containerOf, envOf, synthesize, text, type Synthesized } from './template.js';

/** Variables a job's process reads besides the job configuration: the SDK's region, the metrics environment, logging, the catalog choice. */
const PLATFORM_VARS = new Set(['AWS_REGION', 'LOG_LEVEL', 'ICEBERG_CATALOG']);

let s: Synthesized;
beforeAll(async () => {
  s = await synthesize();
}, 120_000);

const service = (name: string) =>
  s.ofType('AWS::ECS::Service').find(([, r]) => r.Properties.ServiceName === `coattail-${name}`)![1].Properties;

describe('the producer service', () => {
  it('sets only variables the producer reads, with values it accepts, and flushes within its stopTimeout', () => {
    const c = containerOf(s, 'producer');
    const env = envOf(c);
    expect(Object.keys(env).filter((name) => !PRODUCER_ENV_VARS.includes(name))).toEqual([]);
    const config = loadConfig(env);
    expect(config.shutdownDeadlineMs).toBeLessThan(c.StopTimeout * 1_000);
    expect(c.PortMappings?.map((p) => p.ContainerPort)).toContain(config.healthPort);
    expect(c.HealthCheck?.Command.join(' ')).toContain(`127.0.0.1:${config.healthPort}/healthz`);
    expect(c.ReadonlyRootFilesystem).toBe(true);
    // tsx keeps its compile cache in /tmp: a task-local volume on the read-only root.
    expect(c.MountPoints).toEqual([{ ContainerPath: '/tmp', SourceVolume: 'scratch-0', ReadOnly: false }]);
    expect(c.LogConfiguration.LogDriver).toBe('awslogs');
  });

  it('never runs twice at once, even during a deployment (two producers would publish every trade twice)', () => {
    expect(service('producer')).toMatchObject({
      DesiredCount: 1,
      DeploymentConfiguration: { MinimumHealthyPercent: 0, MaximumPercent: 100 },
    });
  });
});

describe('the stream job services', () => {
  for (const job of DEPLOYED_JOBS)
    it(`${job}: runs \`coattail job ${job} --leases\` on the Glue catalog with variables the job understands`, () => {
      const c = containerOf(s, job);
      expect(c.Command).toEqual(['job', job, '--leases']);
      expect(c.StopTimeout).toBeGreaterThanOrEqual(60);
      const env = envOf(c);
      const known = new Set([...Object.keys(jobConfigSchema.shape), ...PLATFORM_VARS]);
      expect(Object.keys(env).filter((n) => !known.has(n))).toEqual([]);
      expect(env.ICEBERG_CATALOG).toBe('glue');
      expect(() => parseJobConfig(env)).not.toThrow();
      expect(text(c.LogConfiguration.Options['awslogs-group'])).toMatch(/^<.*logs.*>$/);
      expect(service(job).DesiredCount).toBe(2);
    });

  it('every service logs to its own /coattail/<name> group', () => {
    const groups = s.ofType('AWS::Logs::LogGroup').map(([, g]) => g.Properties.LogGroupName);
    for (const name of ['producer', ...DEPLOYED_JOBS, 'file-quality']) expect(groups).toContain(`/coattail/${name}`);
  });
});

describe('the file-quality service', () => {
  it('runs `coattail dq poll` with a configuration the service accepts and DATABASE_URL from Secrets Manager', () => {
    const c = containerOf(s, 'file-quality');
    expect(c.Command).toEqual(['dq', 'poll']);
    const env = envOf(c);
    const config = loadFileQualityConfig({
      ...env,
      POLL_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/events',
      DATABASE_URL: 'postgres://reporting@db.internal/warehouse',
    });
    expect(text(env.POLL_QUEUE_URL)).toMatch(/^<FileQualityEvents.*>$/);
    expect(c.Secrets?.map((x) => x.Name)).toEqual(['DATABASE_URL']);
    const patterns = config.keyPatterns.map(compileKeyPattern);
    expect(matchKey(patterns, 'dlq/schema-invalid/dt=2026-11-21/whale-detector-shardId-0-1-9.jsonl')).toMatchObject({
      agencySlug: 'dlq',
      fileName: 'schema-invalid',
      date: '2026-11-21',
    });
    expect(
      matchKey(
        patterns,
        'warehouse/coattail/raw_trades/data/event_time_day=2026-11-21/symbol=BTC-USDT/00001-00000.parquet',
      ),
    ).toMatchObject({ agencySlug: 'coattail', fileName: 'raw_trades', date: '2026-11-21' });
    // Without a database the service waits at zero tasks instead of crash-looping.
    expect(service('file-quality').DesiredCount).toBe(0);
  });

  it('is fed by S3 object-created notifications for dead letters and raw-zone Parquet, through a queue only those buckets may send to', () => {
    const notifications: Record<string, unknown> = Object.fromEntries(
      s
        .ofType('AWS::S3::Bucket')
        .filter(([, b]) => b.Properties.NotificationConfiguration !== undefined)
        .map(([, b]) => [
          String(b.Properties.BucketName),
          (b.Properties.NotificationConfiguration as { QueueConfigurations: { Event: string; Filter: unknown }[] })
            .QueueConfigurations,
        ]),
    );
    const rules = (prefix: string, suffix: string) => ({
      S3Key: {
        Rules: [
          { Name: 'prefix', Value: prefix },
          { Name: 'suffix', Value: suffix },
        ],
      },
    });
    expect(notifications).toEqual({
      'coattail-raw': [expect.objectContaining({ Event: 's3:ObjectCreated:*', Filter: rules('dlq/', '.jsonl') })],
      'coattail-warehouse': [
        expect.objectContaining({
          Event: 's3:ObjectCreated:*',
          Filter: rules('warehouse/coattail/raw_trades/data/', '.parquet'),
        }),
      ],
    });
    const sendFromS3 = s
      .ofType('AWS::SQS::QueuePolicy')
      .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement)
      .filter((st) => st.Action === 'sqs:SendMessage');
    expect(sendFromS3).toHaveLength(1);
    expect(
      (sendFromS3[0]!.Condition as { ArnLike: Record<string, string[]> }).ArnLike['aws:SourceArn']!.map(text),
    ).toEqual(['arn:aws:s3:::coattail-raw', 'arn:aws:s3:::coattail-warehouse']);
  });

  it('starts with a database secret given in context', async () => {
    const withDb = await synthesize({
      'coattail:databaseSecretArn': 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:coattail/db-AbCdEf',
    });
    const dq = withDb
      .ofType('AWS::ECS::Service')
      .find(([, r]) => r.Properties.ServiceName === 'coattail-file-quality')!;
    expect(dq[1].Properties.DesiredCount).toBe(1);
    expect(withDb.ofType('AWS::SecretsManager::Secret')).toEqual([]);
  }, 120_000);
});
