import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadConfig, PRODUCER_ENV_VARS } from '../src/index.js';

const ecs = new URL('../../infra/ecs/', import.meta.url);
const placeholders = { AWS_ACCOUNT_ID: '123456789012', AWS_REGION: 'eu-west-1', IMAGE_TAG: 'test' };
/** The file as deploy.sh renders it (envsubst of the placeholders). */
const rendered = async (file: string): Promise<unknown> =>
  JSON.parse(
    (await readFile(new URL(file, ecs), 'utf8')).replace(
      /\$\{(\w+)\}/g,
      (_, name: string) => placeholders[name as keyof typeof placeholders] ?? `<unset ${name}>`,
    ),
  );

interface TaskDefinition {
  containerDefinitions: {
    stopTimeout: number;
    environment: { name: string; value: string }[];
    healthCheck: { command: string[] };
    logConfiguration: { logDriver: string };
    portMappings: { containerPort: number }[];
  }[];
}

describe('the producer on ECS (infra/ecs/producer.*.json)', () => {
  it('sets only variables the producer reads, with values it accepts, and stops within its stopTimeout', async () => {
    const def = (await rendered('producer.task.json')) as TaskDefinition;
    const container = def.containerDefinitions[0]!;
    const env = Object.fromEntries(container.environment.map((e) => [e.name, e.value]));
    expect(Object.keys(env).filter((name) => !PRODUCER_ENV_VARS.includes(name))).toEqual([]);
    const config = loadConfig(env);
    // SIGTERM → flush → exit 0 must finish before ECS's SIGKILL.
    expect(config.shutdownDeadlineMs).toBeLessThan(container.stopTimeout * 1_000);
    expect(container.portMappings.map((p) => p.containerPort)).toContain(config.healthPort);
    expect(container.healthCheck.command.join(' ')).toContain(`127.0.0.1:${config.healthPort}/healthz`);
    expect(container.logConfiguration.logDriver).toBe('awslogs');
  });

  it('grants the task only kinesis:PutRecords on the stream it writes', async () => {
    const def = (await rendered('producer.task.json')) as TaskDefinition;
    const stream = def.containerDefinitions[0]!.environment.find((e) => e.name === 'STREAM_NAME')?.value;
    const policy = (await rendered('producer.task-role-policy.json')) as {
      Statement: { Effect: string; Action: string[]; Resource: string }[];
    };
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: ['kinesis:PutRecords'],
        Resource: `arn:aws:kinesis:eu-west-1:123456789012:stream/${stream ?? '?'}`,
      }),
    ]);
  });

  it('lets the execution role create the log group of every task definition that asks the awslogs driver to create one', async () => {
    type LogOptions = Record<string, string | undefined>;
    const policy = (await rendered('execution-role-policy.json')) as {
      Statement: { Effect: string; Action: string[]; Resource: string[] }[];
    };
    const creatable = policy.Statement.filter(
      (s) => s.Effect === 'Allow' && s.Action.includes('logs:CreateLogGroup'),
    ).flatMap((s) => s.Resource);
    // An IAM resource pattern: `*` matches any run of characters, `?` any one.
    const matches = (pattern: string, arn: string): boolean =>
      new RegExp(
        `^${pattern
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.')}$`,
      ).test(arn);
    const files = (await readdir(ecs)).filter((f) => f.endsWith('.task.json'));
    expect(files).toContain('producer.task.json');
    const uncovered: string[] = [];
    let creating = 0;
    for (const file of files) {
      const def = (await rendered(file)) as { containerDefinitions: { logConfiguration?: { options?: LogOptions } }[] };
      for (const c of def.containerDefinitions) {
        const options = c.logConfiguration?.options ?? {};
        if (options['awslogs-create-group'] !== 'true') continue;
        creating++;
        const arn = `arn:aws:logs:${options['awslogs-region'] ?? '?'}:123456789012:log-group:${options['awslogs-group'] ?? '?'}`;
        if (!creatable.some((p) => matches(p, arn))) uncovered.push(`${file}: ${arn}`);
      }
    }
    expect(creating).toBeGreaterThan(0);
    expect(uncovered).toEqual([]);
    // Least privilege: no wildcard action, no resource outside /coattail/.
    expect(policy.Statement.flatMap((s) => s.Action)).toEqual(['logs:CreateLogGroup']);
    expect(creatable.filter((r) => !r.startsWith('arn:aws:logs:eu-west-1:123456789012:log-group:/coattail/'))).toEqual(
      [],
    );
  });
});
