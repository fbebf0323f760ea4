import { TABLES, type TableName } from '@coattail/iceberg';
import { CollectSink, InMemorySource, ManualClock } from '@coattail/runtime';
import { JOB_NAMES, buildJob, parseJobConfig, type JobName } from '@coattail/stream-jobs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS, DEPLOYED_JOBS, JOB_ACCESS } from '../src/access.js';
import { ENV, roleStatements, synthesize, taskRoleOf, type Synthesized } from './template.js';

const ARN = { region: ENV.region, account: ENV.account };
const s3 = (bucketAndKey: string): string => `arn:aws:s3:::${bucketAndKey}`;

/** What a job's graph really writes: its sinks, found by building it with recording stand-ins. */
function sinksOf(job: JobName): { tables: TableName[]; alerts: boolean; dlq: boolean } {
  const found = { tables: [] as TableName[], alerts: false, dlq: false };
  buildJob(job, parseJobConfig({}), {
    source: new InMemorySource([]),
    clock: new ManualClock(0),
    alerts: () => ((found.alerts = true), new CollectSink()),
    table: (name) => (found.tables.push(name), new CollectSink()),
    dlq: () => ((found.dlq = true), new CollectSink()),
  });
  return found;
}

let s: Synthesized;
beforeAll(async () => {
  s = await synthesize();
}, 120_000);

describe('task roles', () => {
  it('every stream job the code defines is deployed', () => {
    expect(DEPLOYED_JOBS.filter((j) => !(JOB_NAMES as readonly string[]).includes(j))).toEqual(
      // raw-archiver is deployed by name; it joins JOB_NAMES when its job lands in stream-jobs.
      (JOB_NAMES as readonly string[]).includes('raw-archiver') ? [] : ['raw-archiver'],
    );
    expect(JOB_NAMES.filter((j) => !(DEPLOYED_JOBS as readonly string[]).includes(j))).toEqual([]);
  });

  for (const job of DEPLOYED_JOBS)
    it(`${job}: grants exactly the calls of its code, on the resources it names, nothing wider`, () => {
      const access = JOB_ACCESS[job];
      if ((JOB_NAMES as readonly string[]).includes(job)) {
        const sinks = sinksOf(job);
        expect(sinks.tables.sort()).toEqual([...access.tables].sort());
        expect(sinks.alerts).toBe(access.alerts);
        expect(sinks.dlq).toBe(true);
      }
      const tables = access.tables.map((t) => TABLES[t]);
      const prefixes = tables.map((t) => `warehouse/${t.namespace}/${t.name}/*`);
      const expected = [
        {
          actions: ['kinesis:ListShards', 'kinesis:GetShardIterator', 'kinesis:GetRecords'],
          resources: [`arn:aws:kinesis:${ARN.region}:${ARN.account}:stream/coattail-trades`],
        },
        {
          actions: [...ACTIONS.leases],
          resources: [`arn:aws:dynamodb:${ARN.region}:${ARN.account}:table/coattail-leases-${job}`],
        },
        ...(access.alerts
          ? [
              {
                actions: ['dynamodb:PutItem'],
                resources: [`arn:aws:dynamodb:${ARN.region}:${ARN.account}:table/coattail-alerts`],
              },
            ]
          : []),
        {
          actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
          resources: [s3(`coattail-checkpoints/jobs/${job}/*`)],
        },
        {
          actions: ['s3:ListBucket'],
          resources: [s3('coattail-checkpoints')],
          condition: { StringLike: { 's3:prefix': [`jobs/${job}/*`] } },
        },
        { actions: ['s3:PutObject'], resources: [s3('coattail-raw/dlq/*')] },
        {
          actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
          resources: prefixes.map((p) => s3(`coattail-warehouse/${p}`)),
        },
        {
          actions: ['s3:ListBucket'],
          resources: [s3('coattail-warehouse')],
          condition: { StringLike: { 's3:prefix': prefixes } },
        },
        {
          actions: ['glue:GetTable', 'glue:CreateTable', 'glue:UpdateTable'],
          resources: [
            `arn:aws:glue:${ARN.region}:${ARN.account}:catalog`,
            `arn:aws:glue:${ARN.region}:${ARN.account}:database/coattail`,
            ...tables.map((t) => `arn:aws:glue:${ARN.region}:${ARN.account}:table/${t.namespace}/${t.name}`),
          ],
        },
      ];
      const normalize = (xs: { actions: string[]; resources: string[]; condition?: unknown }[]) =>
        xs.map((x) => ({ ...x, actions: [x.actions].flat(), resources: [x.resources].flat() }));
      expect(roleStatements(s, taskRoleOf(s, job))).toEqual(normalize(expected));
    });

  it('the producer only puts records on the trades stream', () => {
    expect(roleStatements(s, taskRoleOf(s, 'producer'))).toEqual([
      {
        actions: ['kinesis:PutRecords'],
        resources: [`arn:aws:kinesis:${ARN.region}:${ARN.account}:stream/coattail-trades`],
      },
    ]);
  });

  it('the file-quality service consumes its queue and reads only dead letters and raw-zone data files', () => {
    const [[queueId]] = [s.ofType('AWS::SQS::Queue').filter(([id]) => id.includes('Events'))] as [[string, unknown][]];
    expect(roleStatements(s, taskRoleOf(s, 'file-quality'))).toEqual([
      { actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage'], resources: [`<${queueId![0]}.Arn>`] },
      {
        actions: ['s3:GetObject'],
        resources: [s3('coattail-raw/dlq/*'), s3('coattail-warehouse/warehouse/coattail/raw_trades/data/*')],
      },
    ]);
  });

  it('no task or execution role names `*` as a resource, except the one ECR call that has no resource', () => {
    const wide = s
      .ofType('AWS::IAM::Policy')
      .flatMap(([id, p]) =>
        (
          p.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }
        ).Statement.filter((st) => [st.Resource].flat().includes('*')).map(
          (st) => `${id}: ${[st.Action].flat().join(',')}`,
        ),
      );
    expect(wide.every((w) => /ExecutionRole.*: ecr:GetAuthorizationToken$/.test(w))).toBe(true);
    const actions = s
      .ofType('AWS::IAM::Policy')
      .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement)
      .flatMap((st) => [st.Action].flat());
    expect(actions.filter((a) => a === '*' || a.endsWith(':*'))).toEqual([]);
  });
});
