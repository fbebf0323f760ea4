import { TABLES } from '@coattail/iceberg';
import { Stack, Validations, aws_iam as iam } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { ACTIONS, JOB_ACCESS, PREFIXES, type DeployedJob } from './access.js';
import { GLUE_DATABASE } from './catalog.js';

/** Names of what the platform's code reaches; all known before deployment, so every ARN is exact. */
export interface PlatformNames {
  stream: string;
  alertsTable: string;
  leaseTable: (job: DeployedJob) => string;
  rawBucket: string;
  warehouseBucket: string;
  checkpointBucket: string;
}

const s3Arn = (scope: IConstruct, bucket: string, key?: string): string =>
  `arn:${Stack.of(scope).partition}:s3:::${bucket}${key === undefined ? '' : `/${key}`}`;

/** Object actions under one prefix, and listing limited to that prefix. */
function prefixStatements(
  scope: IConstruct,
  bucket: string,
  prefixes: readonly string[],
  actions: readonly string[],
  list: boolean,
): iam.PolicyStatement[] {
  const statements = [
    new iam.PolicyStatement({ actions: [...actions], resources: prefixes.map((p) => s3Arn(scope, bucket, `${p}*`)) }),
  ];
  if (list)
    statements.push(
      new iam.PolicyStatement({
        actions: [...ACTIONS.list],
        resources: [s3Arn(scope, bucket)],
        conditions: { StringLike: { 's3:prefix': prefixes.map((p) => `${p}*`) } },
      }),
    );
  return statements;
}

/** Every statement a stream job's task role holds: exactly the calls of its code (see {@link JOB_ACCESS}). */
export function jobStatements(scope: IConstruct, job: DeployedJob, names: PlatformNames): iam.PolicyStatement[] {
  const stack = Stack.of(scope);
  const access = JOB_ACCESS[job];
  const table = (name: string): string =>
    stack.formatArn({ service: 'dynamodb', resource: 'table', resourceName: name });
  const glue = (resource: string, resourceName?: string): string =>
    stack.formatArn({ service: 'glue', resource, ...(resourceName === undefined ? {} : { resourceName }) });
  const tables = access.tables.map((t) => TABLES[t]);
  return [
    new iam.PolicyStatement({
      actions: [...ACTIONS.readStream],
      resources: [stack.formatArn({ service: 'kinesis', resource: 'stream', resourceName: names.stream })],
    }),
    new iam.PolicyStatement({ actions: [...ACTIONS.leases], resources: [table(names.leaseTable(job))] }),
    ...(access.alerts
      ? [new iam.PolicyStatement({ actions: [...ACTIONS.putAlerts], resources: [table(names.alertsTable)] })]
      : []),
    ...prefixStatements(scope, names.checkpointBucket, [PREFIXES.checkpoints(job)], ACTIONS.objects, true),
    ...prefixStatements(scope, names.rawBucket, [PREFIXES.dlq], ACTIONS.putDeadLetters, false),
    ...prefixStatements(
      scope,
      names.warehouseBucket,
      tables.map((t) => PREFIXES.table(t.namespace, t.name)),
      ACTIONS.objects,
      true,
    ),
    new iam.PolicyStatement({
      actions: [...ACTIONS.catalog],
      resources: [
        glue('catalog'),
        glue('database', GLUE_DATABASE),
        ...tables.map((t) => glue('table', `${t.namespace}/${t.name}`)),
      ],
    }),
  ];
}

/** The producer writes the stream, nothing else. */
export function producerStatements(scope: IConstruct, names: PlatformNames): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      actions: [...ACTIONS.writeStream],
      resources: [Stack.of(scope).formatArn({ service: 'kinesis', resource: 'stream', resourceName: names.stream })],
    }),
  ];
}

/** The file-quality service: consumes its queue and reads the objects the notifications name. */
export function fileQualityStatements(
  scope: IConstruct,
  queueArn: string,
  objects: readonly { bucket: string; prefix: string }[],
): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({ actions: [...ACTIONS.consumeQueue], resources: [queueArn] }),
    new iam.PolicyStatement({
      actions: [...ACTIONS.readObjects],
      resources: objects.map((o) => s3Arn(scope, o.bucket, `${o.prefix}*`)),
    }),
  ];
}

/**
 * A task role holding exactly `statements`, with cdk-nag's wildcard finding (IAM5) suppressed for
 * the object-key wildcards only: keys under a prefix are written at run time and cannot be named
 * in advance, while every bucket, table, stream and Glue resource is named exactly.
 */
export function taskRole(
  scope: IConstruct,
  id: string,
  description: string,
  statements: iam.PolicyStatement[],
): iam.Role {
  const role = new iam.Role(scope, id, { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'), description });
  const policy = new iam.Policy(scope, `${id}Policy`, { statements });
  policy.attachToRole(role);
  for (const resource of new Set(statements.flatMap((s) => s.resources).filter((r) => r.includes('*'))))
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagResource(scope, resource)}]`,
      reason:
        "Object keys under a component's own prefix (checkpoints, dead letters, a table's files) are created at run time; the bucket and prefix are exact.",
    });
  return role;
}

/** An ARN as cdk-nag spells it in a finding: pseudo parameters as `<AWS::Partition>`. */
function nagResource(scope: IConstruct, arn: string): string {
  return arn.split(Stack.of(scope).partition).join('<AWS::Partition>');
}
