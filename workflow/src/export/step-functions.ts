import { stageGraph } from '../definition/validate.js';
import { topologicalOrder } from '../definition/graph.js';
import type { PipelineDefinition, RetryPolicy, StageDefinition } from '../definition/schema.js';

/** Where and how the stages run on ECS; every field has a placeholder a deployment substitutes. */
export interface StepFunctionsTarget {
  /** ECS cluster ARN. @default '${ClusterArn}' */
  cluster?: string;
  /** Task definition ARN (the coattail image). @default '${TaskDefinitionArn}' */
  taskDefinition?: string;
  /** The container in the task definition that runs `coattail`. @default 'coattail' */
  containerName?: string;
  subnets?: string[];
  securityGroups?: string[];
  /** The pipeline file inside the image. @default 'pipelines/<pipeline>.yaml' */
  pipelineFile?: string;
}

/** An Amazon States Language state machine definition. */
export interface StateMachine {
  Comment: string;
  StartAt: string;
  TimeoutSeconds?: number;
  States: Record<string, Record<string, unknown>>;
}

const FAILED = 'PipelineFailed';

function stateName(id: string): string {
  return `stage-${id}`;
}

function retry(policy: RetryPolicy | undefined): Record<string, unknown>[] {
  if (!policy || policy.attempts === 0) return [];
  return [
    {
      ErrorEquals: ['States.TaskFailed', 'States.Timeout', 'ECS.AmazonECSException', 'States.HeartbeatTimeout'],
      IntervalSeconds: Math.max(1, Math.round(policy.backoffMs / 1000)),
      MaxAttempts: policy.attempts,
      BackoffRate: 2,
      MaxDelaySeconds: Math.max(1, Math.round(policy.maxBackoffMs / 1000)),
      JitterStrategy: 'FULL',
    },
  ];
}

function task(
  def: PipelineDefinition,
  stage: StageDefinition,
  target: Required<StepFunctionsTarget>,
  failState: string,
): Record<string, unknown> {
  const timeout = stage.timeout ?? def.defaults.timeout;
  return {
    Type: 'Task',
    Comment: `${stage.type}: ${stage.description ?? stage.id}`,
    Resource: 'arn:aws:states:::ecs:runTask.sync',
    Parameters: {
      Cluster: target.cluster,
      TaskDefinition: target.taskDefinition,
      LaunchType: 'FARGATE',
      NetworkConfiguration: {
        AwsvpcConfiguration: {
          Subnets: target.subnets,
          SecurityGroups: target.securityGroups,
          AssignPublicIp: 'DISABLED',
        },
      },
      Overrides: {
        ContainerOverrides: [
          {
            Name: target.containerName,
            // The execution name is the run id: every stage task of one execution records into the same run.
            'Command.$': `States.Array('workflow', 'run', '${target.pipelineFile}', '--stage', '${stage.id}', '--run-id', $$.Execution.Name)`,
          },
        ],
      },
    },
    ...(timeout === undefined ? {} : { TimeoutSeconds: Math.max(1, Math.ceil(timeout / 1000)) }),
    Retry: retry(stage.retries ?? def.defaults.retries),
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: failState }],
    ResultPath: null,
  };
}

/** Stages grouped in waves: every stage of a wave depends only on stages of earlier waves. */
export function stageWaves(def: PipelineDefinition): StageDefinition[][] {
  const graph = stageGraph(def);
  const level = new Map<string, number>();
  for (const id of topologicalOrder(graph)) {
    const deps = graph.dependsOn.get(id) ?? [];
    level.set(id, deps.length === 0 ? 0 : Math.max(...deps.map((d) => (level.get(d) ?? 0) + 1)));
  }
  const waves: StageDefinition[][] = [];
  for (const s of def.stages) (waves[level.get(s.id) ?? 0] ??= []).push(s);
  return waves;
}

/**
 * Compiles a pipeline to an AWS Step Functions state machine whose stages run as ECS `RunTask`
 * (`.sync`) tasks with the pipeline's retries (exponential, full jitter) and timeouts; any stage
 * that still fails is caught and ends the execution in a Fail state naming the stage. The DAG
 * runs in waves: stages with no dependency between them run in one Parallel state.
 */
export function toStepFunctions(def: PipelineDefinition, options: StepFunctionsTarget = {}): StateMachine {
  const target: Required<StepFunctionsTarget> = {
    cluster: options.cluster ?? '${ClusterArn}',
    taskDefinition: options.taskDefinition ?? '${TaskDefinitionArn}',
    containerName: options.containerName ?? 'coattail',
    subnets: options.subnets ?? ['${SubnetId}'],
    securityGroups: options.securityGroups ?? ['${SecurityGroupId}'],
    pipelineFile: options.pipelineFile ?? `pipelines/${def.pipeline}.yaml`,
  };
  const waves = stageWaves(def);
  const states: Record<string, Record<string, unknown>> = {};
  const names = waves.map((wave, i) => (wave.length === 1 && wave[0] ? stateName(wave[0].id) : `wave-${i + 1}`));
  waves.forEach((wave, i) => {
    const next = names[i + 1];
    const flow = next === undefined ? { End: true } : { Next: next };
    const only = wave.length === 1 ? wave[0] : undefined;
    if (only) {
      states[stateName(only.id)] = { ...task(def, only, target, FAILED), ...flow };
      return;
    }
    states[`wave-${i + 1}`] = {
      Type: 'Parallel',
      Comment: `stages ${wave.map((s) => s.id).join(', ')} run side by side`,
      Branches: wave.map((s) => ({
        StartAt: stateName(s.id),
        States: {
          [stateName(s.id)]: { ...task(def, s, target, `${stateName(s.id)}-failed`), End: true },
          [`${stateName(s.id)}-failed`]: {
            Type: 'Fail',
            Error: 'StageFailed',
            Cause: `stage '${s.id}' failed after its retries`,
          },
        },
      })),
      ResultPath: null,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: FAILED }],
      ...flow,
    };
  });
  states[FAILED] = {
    Type: 'Fail',
    Error: 'PipelineFailed',
    Cause: `a stage of pipeline '${def.pipeline}' failed after its retries`,
  };
  return {
    Comment: `coattail pipeline ${def.pipeline}${def.description ? `: ${def.description}` : ''}`,
    StartAt: names[0] ?? FAILED,
    States: states,
  };
}
