import { describe, expect, it } from 'vitest';
import { FileQualityConfigError } from './errors.js';
import { loadFileQualityConfig } from './config.js';

describe('loadFileQualityConfig', () => {
  it('defaults everything: embedded database, AWS S3, auto-create, last-modified window, latest score', () => {
    const config = loadFileQualityConfig({});
    expect(config).toMatchObject({
      s3: { region: 'us-east-1' },
      sqs: { waitTimeSeconds: 20, maxMessages: 10 },
      logLevel: 'info',
      keyPatterns: ['agency/{agency_slug}/files/{file_name}/{date}/{hour}/{*}'],
      monitoringFileMode: 'auto-create',
      timeWindow: 'last-modified',
      latestScore: { kind: 'latest' },
      failedValidationRows: true,
      profile: { sampleRows: 25, distributionItems: 10 },
      concurrency: 2,
    });
    expect(config.databaseUrl).toBeUndefined();
  });

  it('reads every variable', () => {
    const config = loadFileQualityConfig({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
      S3_ENDPOINT: 'http://127.0.0.1:4569',
      S3_REGION: 'eu-west-1',
      S3_ACCESS_KEY: 'S3RVER',
      S3_SECRET_KEY: 'S3RVER',
      POLL_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123/dq',
      SQS_WAIT_SECONDS: '5',
      LOG_LEVEL: 'debug',
      DQ_KEY_PATTERNS: '{agency_slug}/{file_name}/{*}; agency/{agency_slug}/files/{file_name}/{*}',
      DQ_MONITORING_FILE_MODE: 'strict',
      DQ_TIME_WINDOW: 'key',
      DQ_LATEST_SCORE: 'rolling:24',
      DQ_FAILED_VALIDATION_ROWS: 'false',
      DQ_PROFILE: '0',
      DQ_DUCKDB_THREADS: '2',
      UNRELATED: 'ignored',
    });
    expect(config).toMatchObject({
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/test',
      s3: {
        endpoint: 'http://127.0.0.1:4569',
        region: 'eu-west-1',
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      },
      sqs: { queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123/dq', waitTimeSeconds: 5 },
      keyPatterns: ['{agency_slug}/{file_name}/{*}', 'agency/{agency_slug}/files/{file_name}/{*}'],
      monitoringFileMode: 'strict',
      timeWindow: 'key',
      latestScore: { kind: 'rolling', runs: 24 },
      failedValidationRows: false,
      profile: false,
      duckThreads: 2,
    });
  });

  it('lists every invalid variable at once', () => {
    const attempt = (): unknown =>
      loadFileQualityConfig({
        S3_ENDPOINT: 'nope',
        DQ_SAMPLE_ROWS: '100',
        DQ_LATEST_SCORE: 'mean',
        S3_ACCESS_KEY: 'k',
      });
    expect(attempt).toThrow(FileQualityConfigError);
    expect(attempt).toThrow(/S3_ENDPOINT.*DQ_LATEST_SCORE.*DQ_SAMPLE_ROWS|S3_ENDPOINT/);
    try {
      attempt();
    } catch (error) {
      const message = (error as Error).message;
      for (const name of ['S3_ENDPOINT', 'DQ_SAMPLE_ROWS', 'DQ_LATEST_SCORE']) expect(message).toContain(name);
    }
  });

  it('rejects a key pattern without its placeholders before the first event', () => {
    expect(() => loadFileQualityConfig({ DQ_KEY_PATTERNS: 'files/{file_name}' })).toThrow(/needs \{agency_slug\}/);
  });
});
