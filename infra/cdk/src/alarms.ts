import {
  Duration,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as actions,
  aws_iam as iam,
  type aws_kinesis as kinesis,
  aws_kms as kms,
  aws_sns as sns,
  aws_sns_subscriptions as subscriptions,
  type aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { DeploymentConfig } from './config.js';

/** The namespace the quality gate publishes to (embedded metric format, dimension `Job`). */
export const QUALITY_NAMESPACE = 'CryptoPulse/Quality';

export interface AlarmTargets {
  jobs: readonly string[];
  stream: kinesis.Stream;
  rawBucketName: string;
  /** The S3 request-metrics filter counting puts under dlq/. */
  deadLetterFilterId: string;
  fileQualityDeadLetters: sqs.Queue;
}

/**
 * The alarms an operator is paged for, all to one encrypted SNS topic: a job's records scoring
 * below the quality threshold or failing in numbers, the consumers falling behind the stream,
 * dead letters growing, and file-quality events the service keeps failing on.
 */
export class PlatformAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, config: DeploymentConfig, targets: AlarmTargets) {
    super(scope, id);
    const key = new kms.Key(this, 'TopicKey', {
      enableKeyRotation: true,
      description: 'Coat Tail Capital alarm topic',
    });
    // CloudWatch publishes to the encrypted topic, so it must be able to use the key.
    key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new sns.Topic(this, 'Topic', {
      masterKey: key,
      enforceSSL: true,
      displayName: 'Coat Tail Capital alarms',
    });
    if (config.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));
    const period = Duration.minutes(5);
    const alarm = (id: string, props: cloudwatch.AlarmProps): void => {
      const a = new cloudwatch.Alarm(this, id, props);
      a.addAlarmAction(new actions.SnsAction(this.topic));
      this.alarms.push(a);
    };
    for (const job of targets.jobs) {
      const quality = (metricName: string, statistic: string): cloudwatch.Metric =>
        new cloudwatch.Metric({
          namespace: QUALITY_NAMESPACE,
          metricName,
          dimensionsMap: { Job: job },
          statistic,
          period,
        });
      alarm(`${job}-QualityScore`, {
        alarmDescription: `${job}: QualityScore below ${config.qualityScoreThreshold} %`,
        metric: quality('QualityScore', 'Minimum'),
        threshold: config.qualityScoreThreshold,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm(`${job}-RecordsFailed`, {
        alarmDescription: `${job}: more than ${config.recordsFailedThreshold} records failed the quality gate in 5 minutes`,
        metric: quality('RecordsFailed', 'Sum'),
        threshold: config.recordsFailedThreshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    alarm('IteratorAge', {
      alarmDescription: `the stream's consumers are more than ${config.iteratorAgeMs} ms behind`,
      metric: targets.stream.metricGetRecordsIteratorAgeMilliseconds({ statistic: 'Maximum', period }),
      threshold: config.iteratorAgeMs,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    alarm('DeadLettersGrowing', {
      alarmDescription: 'records are being dead-lettered (new objects under dlq/ in the raw bucket)',
      metric: new cloudwatch.Metric({
        namespace: 'AWS/S3',
        metricName: 'PutRequests',
        dimensionsMap: { BucketName: targets.rawBucketName, FilterId: targets.deadLetterFilterId },
        statistic: 'Sum',
        period,
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm('FileQualityDeadLetters', {
      alarmDescription: 'the file-quality service keeps failing on some S3 events (its dead-letter queue is not empty)',
      metric: targets.fileQualityDeadLetters.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}
