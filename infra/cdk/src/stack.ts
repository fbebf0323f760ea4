import type { TableDefinition as DynamoTableDefinition } from '@coattail/connectors';
import { Duration, Stack, aws_ecs as ecs, aws_secretsmanager as secretsmanager, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DEPLOYED_JOBS } from './access.js';
import { PlatformAlarms } from './alarms.js';
import { IcebergCatalog } from './catalog.js';
import type { DeploymentConfig } from './config.js';
import { FILE_QUALITY_KEY_PATTERNS, FileQualityQueue, scoredPrefixes } from './file-quality.js';
import { platformImages } from './images.js';
import { PlatformNetwork } from './network.js';
import { fileQualityStatements, jobStatements, producerStatements, taskRole, type PlatformNames } from './policies.js';
import { PlatformServices } from './services.js';
import { STREAM_NAME, dynamoTableFrom, platformBuckets, tradesStream } from './storage.js';
import { suppressPlatformFindings } from './suppressions.js';

export interface CoattailStackProps extends StackProps {
  config: DeploymentConfig;
  /** The definitions in ddl/dynamodb (`loadTableDefinitions()`): alerts and the lease-table template. */
  dynamoTables: readonly DynamoTableDefinition[];
}

function definition(tables: readonly DynamoTableDefinition[], name: string): DynamoTableDefinition {
  const def = tables.find((t) => t.TableName === name);
  if (def === undefined) throw new Error(`ddl/dynamodb has no table ${name}`);
  return def;
}

/** The whole platform in one stack: data stores, catalog, network, services, roles and alarms. */
export class CoattailStack extends Stack {
  constructor(scope: Construct, id: string, props: CoattailStackProps) {
    super(scope, id, props);
    const { config } = props;
    const buckets = platformBuckets(this, config);
    const stream = tradesStream(this, config);
    dynamoTableFrom(this, 'Alerts', definition(props.dynamoTables, 'coattail-alerts'));
    const leaseTemplate = definition(props.dynamoTables, 'coattail-leases');
    const names: PlatformNames = {
      stream: STREAM_NAME,
      alertsTable: definition(props.dynamoTables, 'coattail-alerts').TableName,
      leaseTable: (job) => `${leaseTemplate.TableName}-${job}`,
      rawBucket: buckets.names.raw,
      warehouseBucket: buckets.names.warehouse,
      checkpointBucket: buckets.names.checkpoints,
    };
    for (const job of DEPLOYED_JOBS) dynamoTableFrom(this, `Leases-${job}`, leaseTemplate, names.leaseTable(job));
    new IcebergCatalog(this, 'Catalog', { warehouseBucket: names.warehouseBucket });

    const network = new PlatformNetwork(this, 'Network', config);
    const services = new PlatformServices(this, 'Services', { vpc: network.vpc, securityGroup: network.tasks });
    const images = platformImages(this, config);
    const region = this.region;

    services.add({
      name: 'producer',
      image: images.producer,
      role: taskRole(
        this,
        'ProducerRole',
        'coattail producer: puts trades on the stream',
        producerStatements(this, names),
      ),
      environment: {
        SINK: 'kinesis',
        STREAM_NAME: names.stream,
        AWS_REGION: region,
        SYMBOLS: 'BTC-USDT,ETH-USDT,SOL-USDT',
        EXCHANGES: 'binance,coinbase',
        COINBASE_PRODUCT_MAP: 'BTC-USDT=BTC-USD,ETH-USDT=ETH-USD,SOL-USDT=SOL-USD',
        KINESIS_AGGREGATION: 'true',
        SHUTDOWN_DEADLINE_MS: '20000',
        HEALTH_PORT: '8080',
        EMF_INTERVAL_MS: '60000',
        LOG_LEVEL: 'info',
      },
      cpu: 512,
      memoryMiB: 1024,
      desiredCount: 1,
      singleton: true,
      stopTimeoutSeconds: 30,
      readonlyRootFilesystem: true,
      scratch: ['/tmp'],
      portMappings: [{ containerPort: 8080, name: 'health' }],
      healthCheck: {
        command: [
          'CMD',
          'node',
          '-e',
          "fetch('http://127.0.0.1:8080/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))",
        ],
        interval: Duration.seconds(15),
        timeout: Duration.seconds(3),
        startPeriod: Duration.seconds(20),
        retries: 3,
      },
    });

    for (const job of DEPLOYED_JOBS)
      services.add({
        name: job,
        image: images.jobs,
        command: ['job', job, '--leases'],
        role: taskRole(this, `${job}-role`, `coattail job ${job}`, jobStatements(this, job, names)),
        environment: {
          AWS_REGION: region,
          ICEBERG_CATALOG: 'glue',
          STREAM_NAME: names.stream,
          ALERTS_TABLE: names.alertsTable,
          RAW_BUCKET: names.rawBucket,
          WAREHOUSE_BUCKET: names.warehouseBucket,
          CHECKPOINT_BUCKET: names.checkpointBucket,
          CHECKPOINT_INTERVAL_MS: '60000',
          LOG_LEVEL: 'info',
        },
        cpu: 1024,
        memoryMiB: 2048,
        desiredCount: config.jobTasks,
        stopTimeoutSeconds: 120,
      });

    const scored = { rawBucket: buckets.raw, warehouseBucket: buckets.warehouse, names: buckets.names };
    const fileQuality = new FileQualityQueue(this, 'FileQuality', scored);
    const databaseUrl = config.databaseSecretArn
      ? secretsmanager.Secret.fromSecretCompleteArn(this, 'DatabaseUrl', config.databaseSecretArn)
      : new secretsmanager.Secret(this, 'DatabaseUrl', {
          secretName: 'coattail/file-quality/database-url',
          description:
            'DATABASE_URL of the file-quality service (postgres://…): put the value, then deploy with coattail:fileQualityTasks=1',
        });
    services.add({
      name: 'file-quality',
      image: images.jobs,
      command: ['dq', 'poll'],
      role: taskRole(
        this,
        'FileQualityRole',
        'coattail dq poll: scores dead letters and raw-zone files',
        fileQualityStatements(this, fileQuality.queue.queueArn, scoredPrefixes(scored)),
      ),
      environment: {
        POLL_QUEUE_URL: fileQuality.queue.queueUrl,
        S3_REGION: region,
        DQ_KEY_PATTERNS: FILE_QUALITY_KEY_PATTERNS,
        DQ_WORK_DIR: '/tmp',
        LOG_LEVEL: 'info',
      },
      secrets: { DATABASE_URL: ecs.Secret.fromSecretsManager(databaseUrl) },
      cpu: 1024,
      memoryMiB: 4096,
      // Without a database the service cannot start: it waits at zero tasks until one is configured.
      desiredCount: config.fileQualityTasks ?? (config.databaseSecretArn ? 1 : 0),
      stopTimeoutSeconds: 60,
    });

    new PlatformAlarms(this, 'Alarms', config, {
      jobs: DEPLOYED_JOBS,
      stream,
      rawBucketName: names.rawBucket,
      deadLetterFilterId: 'dead-letters',
      fileQualityDeadLetters: fileQuality.deadLetters,
    });
    suppressPlatformFindings(this);
  }
}
