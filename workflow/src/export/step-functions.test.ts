import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { validatePipelineObject } from '../definition/load.js';
import { stageWaves, toStepFunctions } from './step-functions.js';

const validate = createRequire(import.meta.url)('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errors: unknown[];
};

const daily = validatePipelineObject({
  pipeline: 'daily',
  defaults: { retries: { attempts: 2, backoff: '5s', maxBackoff: '2m' }, timeout: '30m' },
  stages: [
    { id: 'load', type: 'historical-load', outputs: ['iceberg://coattail.raw_trades'] },
    {
      id: 'reprocess',
      type: 'reprocess-anomalies',
      dependsOn: ['load'],
      inputs: ['iceberg://coattail.raw_trades'],
      retries: 0,
    },
    { id: 'recon', type: 'reconcile', dependsOn: ['load'], timeout: '1h' },
    { id: 'score', type: 'file-quality', dependsOn: ['reprocess', 'recon'] },
  ],
});

describe('Step Functions export', () => {
  it('compiles a pipeline into a state machine asl-validator accepts', () => {
    const machine = toStepFunctions(daily, { cluster: 'arn:aws:ecs:eu-west-1:123456789012:cluster/coattail' });
    const verdict = validate(JSON.parse(JSON.stringify(machine)));
    expect(verdict.errors).toEqual([]);
    expect(verdict.isValid).toBe(true);
  });

  it('runs independent stages side by side and each stage as an ECS RunTask .sync task', () => {
    expect(stageWaves(daily).map((w) => w.map((s) => s.id))).toEqual([['load'], ['reprocess', 'recon'], ['score']]);
    const machine = toStepFunctions(daily);
    expect(machine.StartAt).toBe('stage-load');
    expect(machine.States['stage-load']).toMatchObject({
      Resource: 'arn:aws:states:::ecs:runTask.sync',
      Next: 'wave-2',
      TimeoutSeconds: 1800,
    });
    expect(machine.States['wave-2']).toMatchObject({ Type: 'Parallel', Next: 'stage-score' });
    expect(machine.States['stage-score']).toMatchObject({ End: true });
  });

  it("carries the pipeline's retries and catches what still fails", () => {
    const machine = toStepFunctions(daily);
    expect(machine.States['stage-load']?.Retry).toEqual([
      expect.objectContaining({
        IntervalSeconds: 5,
        MaxAttempts: 2,
        BackoffRate: 2,
        MaxDelaySeconds: 120,
        JitterStrategy: 'FULL',
      }),
    ]);
    expect(machine.States['stage-load']?.Catch).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'PipelineFailed' },
    ]);
    const branches = machine.States['wave-2']?.Branches as { States: Record<string, Record<string, unknown>> }[];
    expect(branches[0]?.States['stage-reprocess']?.Retry).toEqual([]);
    expect(branches[1]?.States['stage-recon']?.TimeoutSeconds).toBe(3600);
    expect(machine.States.PipelineFailed).toMatchObject({ Type: 'Fail' });
  });

  it('fails validation when a state points nowhere, so the test can catch a broken export', () => {
    const machine = toStepFunctions(daily);
    (machine.States['stage-load'] as Record<string, unknown>).Next = 'nowhere';
    expect(validate(JSON.parse(JSON.stringify(machine))).isValid).toBe(false);
  });
});
