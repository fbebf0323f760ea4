import { TABLES, tablePartitionSpec, tableSchema, athenaType } from '@coattail/iceberg';
import { beforeAll, describe, expect, it } from 'vitest';
import { tableLocation } from '../src/catalog.js';
import { synthesize, text, type Synthesized } from './template.js';

let s: Synthesized;
beforeAll(async () => {
  s = await synthesize();
}, 120_000);

const props = (type: string) => s.ofType(type).map(([, r]) => r.Properties);

describe('data stores', () => {
  it('the trades stream, encrypted, with the shards from context', () => {
    s.template.hasResourceProperties('AWS::Kinesis::Stream', {
      Name: 'coattail-trades',
      ShardCount: 2,
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
    });
  });

  it('the alerts table as ddl/dynamodb defines it (TTL on expires_at, GSI by_symbol_time) and one lease table per job', () => {
    s.template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'coattail-alerts',
      KeySchema: [{ AttributeName: 'alert_id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
      GlobalSecondaryIndexes: [
        {
          IndexName: 'by_symbol_time',
          KeySchema: [
            { AttributeName: 'symbol', KeyType: 'HASH' },
            { AttributeName: 'alert_time', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    const leases = props('AWS::DynamoDB::Table').filter((t) => String(t.TableName).startsWith('coattail-leases-'));
    expect(leases.map((t) => t.TableName).sort()).toEqual(
      ['raw-archiver', 'spread-calculator', 'volume-anomaly', 'whale-detector'].map((j) => `coattail-leases-${j}`),
    );
    for (const t of leases) expect(t.KeySchema).toEqual([{ AttributeName: 'leaseKey', KeyType: 'HASH' }]);
  });

  it('buckets are encrypted, private and TLS-only; dead letters expire', () => {
    const named = props('AWS::S3::Bucket').filter((b) => b.BucketName !== undefined);
    expect(named.map((b) => b.BucketName).sort()).toEqual([
      'coattail-checkpoints',
      'coattail-raw',
      'coattail-warehouse',
    ]);
    for (const b of props('AWS::S3::Bucket')) {
      expect(b.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      });
      expect(b.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
    const policies = props('AWS::S3::BucketPolicy');
    expect(policies).toHaveLength(4);
    for (const p of policies)
      expect((p.PolicyDocument as { Statement: unknown[] }).Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    const raw = named.find((b) => b.BucketName === 'coattail-raw')!;
    expect(raw.LifecycleConfiguration).toEqual({
      Rules: [
        expect.objectContaining({ Id: 'expire-dead-letters', Prefix: 'dlq/', ExpirationInDays: 30, Status: 'Enabled' }),
      ],
    });
  });
});

describe('the Glue catalog', () => {
  it('holds the six Iceberg tables with the writer’s field ids, types, partition spec and location', () => {
    s.template.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: { Name: 'coattail' } });
    const tables = props('AWS::Glue::Table');
    expect(tables.map((t) => (t.TableInput as { Name: string }).Name).sort()).toEqual(Object.keys(TABLES).sort());
    for (const def of Object.values(TABLES)) {
      const t = tables.find((x) => (x.TableInput as { Name: string }).Name === def.name)!;
      const iceberg = (t.OpenTableFormatInput as { IcebergInput: Record<string, unknown> }).IcebergInput;
      expect(iceberg.MetadataOperation).toBe('CREATE');
      const input = iceberg.IcebergTableInput as {
        Location: string;
        Schema: { Fields: { Id: number; Name: string; Type: string; Required: boolean }[] };
        PartitionSpec: { Fields: { SourceId: number; FieldId: number; Name: string; Transform: string }[] };
      };
      expect(input.Location).toBe(`s3://coattail-warehouse/warehouse/coattail/${def.name}`);
      expect(input.Location).toBe(tableLocation('coattail-warehouse', def));
      expect(input.Schema.Fields.map((f) => [f.Id, f.Name, f.Type, f.Required])).toEqual(
        tableSchema(def).fields.map((f) => [f.id, f.name, f.type, f.required]),
      );
      expect(input.PartitionSpec.Fields.map((f) => [f.SourceId, f.FieldId, f.Name, f.Transform])).toEqual(
        tablePartitionSpec(def).fields.map((f) => [f['source-id'], f['field-id'], f.name, f.transform]),
      );
      const sd = (t.TableInput as { StorageDescriptor: { Columns: { Name: string; Type: string }[] } })
        .StorageDescriptor;
      expect(sd.Columns.map((c) => [c.Name, c.Type])).toEqual(def.columns.map((c) => [c.name, athenaType(c.type)]));
    }
  });
});

describe('alarms', () => {
  it('page on quality (QualityScore, RecordsFailed per job), iterator age, dead letters and file-quality failures', () => {
    const alarms = props('AWS::CloudWatch::Alarm');
    const quality = alarms.filter((a) => a.Namespace === 'CryptoPulse/Quality');
    expect(quality.map((a) => `${text(a.Dimensions)}/${String(a.MetricName)}`).sort()).toEqual(
      ['raw-archiver', 'spread-calculator', 'volume-anomaly', 'whale-detector']
        .flatMap((job) => [
          `{"Name":"Job","Value":"${job}"}/QualityScore`,
          `{"Name":"Job","Value":"${job}"}/RecordsFailed`,
        ])
        .sort(),
    );
    expect(alarms.map((a) => `${String(a.Namespace)}/${String(a.MetricName)}`)).toEqual(
      expect.arrayContaining([
        'AWS/Kinesis/GetRecords.IteratorAgeMilliseconds',
        'AWS/S3/PutRequests',
        'AWS/SQS/ApproximateNumberOfMessagesVisible',
      ]),
    );
    for (const a of alarms) expect(a.AlarmActions).toHaveLength(1);
    s.template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'coattail-raw',
      MetricsConfigurations: [{ Id: 'dead-letters', Prefix: 'dlq/' }],
    });
  });
});
