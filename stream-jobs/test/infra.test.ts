import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { JOB_NAMES, jobConfigSchema } from '../src/index.js';

const infra = new URL('../../infra/ecs/', import.meta.url);
/** Variables the process reads besides the job's own configuration. */
const PLATFORM_VARS = new Set(['AWS_REGION', 'AWS_EMF_ENVIRONMENT', 'LOG_LEVEL']);

describe('ECS deployment of the stream jobs', () => {
  for (const name of JOB_NAMES) {
    it(`${name}: its task definition runs the job and sets only variables the job understands`, async () => {
      const def = JSON.parse(await readFile(new URL(`${name}.task.json`, infra), 'utf8')) as {
        containerDefinitions: {
          command: string[];
          stopTimeout: number;
          environment: { name: string; value: string }[];
          logConfiguration: { options: Record<string, string> };
        }[];
      };
      const container = def.containerDefinitions[0]!;
      // Deployed tasks share the Glue catalog, so they share the shards through leases.
      expect(container.command).toEqual(['job', name, '--leases']);
      expect(container.environment).toContainEqual({ name: 'ICEBERG_CATALOG', value: 'glue' });
      expect(container.stopTimeout).toBeGreaterThanOrEqual(60);
      const known = new Set([...Object.keys(jobConfigSchema.shape), ...PLATFORM_VARS]);
      expect(container.environment.map((e) => e.name).filter((n) => !known.has(n))).toEqual([]);
      const policy = JSON.parse(await readFile(new URL(`${name}.task-role-policy.json`, infra), 'utf8')) as {
        Statement: { Action: string[] }[];
      };
      expect(policy.Statement.flatMap((s) => s.Action).filter((a) => a.endsWith(':*') || a === '*')).toEqual([]);
      // awslogs-create-group makes the execution role call logs:CreateLogGroup on the job's group.
      const execution = JSON.parse(await readFile(new URL('execution-role-policy.json', infra), 'utf8')) as {
        Statement: { Action: string[]; Resource: string[] }[];
      };
      const logs = container.logConfiguration.options;
      expect(
        logs['awslogs-create-group'] !== 'true' ||
          execution.Statement.some(
            (s) =>
              s.Action.includes('logs:CreateLogGroup') &&
              s.Resource.some((r) => r.endsWith(`:log-group:${logs['awslogs-group'] ?? '?'}`)),
          ),
      ).toBe(true);
    });
  }
});
