import { Duration, Stack, aws_iam as iam, type aws_s3 as s3, aws_sqs as sqs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PREFIXES } from './access.js';
import { GLUE_DATABASE } from './catalog.js';

/** What the file-quality service scores: the platform's own outputs, as S3 object-created events. */
export interface ScoredObjects {
  /** Dead letters: `dlq/{reason}/dt={date}/…jsonl` in the raw bucket. */
  rawBucket: s3.Bucket;
  /** The raw zone: `raw_trades` Parquet data files in the warehouse bucket. */
  warehouseBucket: s3.Bucket;
  names: { raw: string; warehouse: string };
}

/** The raw zone's data files: `warehouse/coattail/raw_trades/data/event_time_day=…/symbol=…/….parquet`. */
export const RAW_ZONE_DATA = `${PREFIXES.table(GLUE_DATABASE, 'raw_trades')}data/`;

/**
 * How the service names what it scores (`DQ_KEY_PATTERNS`): a dead letter belongs to "file"
 * `<reason>` of "agency" `dlq`, a raw-zone data file to file `raw_trades` of agency `coattail`.
 */
export const FILE_QUALITY_KEY_PATTERNS = [
  '{agency_slug}/{file_name}/dt={date}/{*}',
  'warehouse/{agency_slug}/{file_name}/data/event_time_day={date}/{*}',
].join(';');

/** The objects the service reads, by bucket and prefix (its role's exact grants). */
export function scoredPrefixes(objects: ScoredObjects): { bucket: string; prefix: string; suffix: string }[] {
  return [
    { bucket: objects.names.raw, prefix: PREFIXES.dlq, suffix: '.jsonl' },
    { bucket: objects.names.warehouse, prefix: RAW_ZONE_DATA, suffix: '.parquet' },
  ];
}

/**
 * The service's queue (with its own dead-letter queue for events it keeps failing on) and the S3
 * notifications that fill it. Notifications are set on the buckets directly — no custom-resource
 * Lambda — after the queue policy lets exactly these two buckets of this account send.
 */
export class FileQualityQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, objects: ScoredObjects) {
    super(scope, id);
    this.deadLetters = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'Events', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Scoring a large Parquet file takes minutes: the message stays hidden meanwhile.
      visibilityTimeout: Duration.minutes(15),
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: 5 },
    });
    const targets = scoredPrefixes(objects);
    this.queue.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('s3.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.queue.queueArn],
        conditions: {
          ArnLike: {
            'aws:SourceArn': [...new Set(targets.map((t) => `arn:${Stack.of(this).partition}:s3:::${t.bucket}`))],
          },
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
        },
      }),
    );
    const policy = this.queue.node.tryFindChild('Policy');
    for (const [bucket, filter] of [
      [objects.rawBucket, targets[0]!],
      [objects.warehouseBucket, targets[1]!],
    ] as const) {
      const cfn = bucket.node.defaultChild as s3.CfnBucket;
      cfn.notificationConfiguration = {
        queueConfigurations: [
          {
            event: 's3:ObjectCreated:*',
            queue: this.queue.queueArn,
            filter: {
              s3Key: {
                rules: [
                  { name: 'prefix', value: filter.prefix },
                  { name: 'suffix', value: filter.suffix },
                ],
              },
            },
          },
        ],
      };
      // S3 checks that it may send to the queue when the notification is set.
      if (policy) bucket.node.addDependency(policy);
    }
  }
}
