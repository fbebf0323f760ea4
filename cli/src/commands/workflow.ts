import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { positiveInteger } from '../options.js';
import { lineageTarget } from '../workflow/lineage.js';
import { lineageQuery } from '../workflow/lineage-query.js';
import {
  cancellation,
  openStore,
  orchestrator,
  registry,
  report,
  type StoreOptions,
} from '../workflow/workflow-session.js';

function time(value: string): number {
  const t = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isSafeInteger(t))
    throw new InvalidArgumentError(`'${value}' is not a date (try 2026-12-07T00:00:00Z or epoch ms)`);
  return t;
}

async function run(
  file: string,
  o: StoreOptions & { partition?: string; runId?: string; stage?: string },
): Promise<void> {
  const { loadPipelineFile, parsePartitionKey } = await import('@coattail/workflow');
  const reg = await registry(o);
  const pipeline = await loadPipelineFile(file, reg);
  const { orchestrator: orch, store, lineage } = await orchestrator(o, pipeline.baseDir);
  const cancel = cancellation();
  try {
    if (o.stage !== undefined) {
      if (o.runId === undefined) throw new Error('--stage needs --run-id (the run the stage belongs to)');
      const partition = o.partition ? { partition: parsePartitionKey(o.partition) } : {};
      const record = await orch.runOneStage(pipeline, o.stage, { runId: o.runId, signal: cancel.signal, ...partition });
      console.log(`stage ${o.stage} of run ${o.runId}: ${record.status}${record.reason ? ` (${record.reason})` : ''}`);
      if (record.status !== 'SUCCEEDED' && record.status !== 'SKIPPED') process.exitCode = 1;
      return;
    }
    const summary = await orch.run(pipeline, {
      signal: cancel.signal,
      ...(o.partition ? { partition: parsePartitionKey(o.partition) } : {}),
      ...(o.runId ? { runId: o.runId } : {}),
    });
    report(summary, store.location, lineage.description);
  } finally {
    cancel.dispose();
    await lineage.close();
    await store.close();
  }
}

async function resume(runId: string, o: StoreOptions): Promise<void> {
  const store = await openStore(o);
  const run = await store.getRun(runId);
  await store.close();
  const { orchestrator: orch, store: s, lineage } = await orchestrator(o, run?.baseDir ?? '.');
  const cancel = cancellation();
  try {
    report(await orch.resume(runId, { signal: cancel.signal }), s.location, lineage.description);
  } finally {
    cancel.dispose();
    await lineage.close();
    await s.close();
  }
}

async function backfill(
  file: string,
  o: StoreOptions & { from: number; to: number; concurrency: number },
): Promise<void> {
  const { loadPipelineFile, runBackfill } = await import('@coattail/workflow');
  const pipeline = await loadPipelineFile(file, await registry(o));
  const { orchestrator: orch, store, lineage } = await orchestrator(o, pipeline.baseDir);
  const cancel = cancellation();
  try {
    const result = await runBackfill(orch, pipeline, {
      from: o.from,
      to: o.to,
      concurrency: o.concurrency,
      signal: cancel.signal,
    });
    for (const r of result.runs) console.log(`${r.partition}  ${r.status}  run ${r.runId}`);
    console.log(
      `${result.runs.length} partition(s), ${result.failed.length} failed${result.failed.length ? `: ${result.failed.join(', ')}` : ''}`,
    );
    console.log(lineage.description);
    if (result.failed.length > 0) process.exitCode = 1;
  } finally {
    cancel.dispose();
    await lineage.close();
    await store.close();
  }
}

async function validate(file: string): Promise<void> {
  const { loadPipelineFile, topologicalOrder, stageGraph } = await import('@coattail/workflow');
  const { definition } = await loadPipelineFile(file, await registry());
  console.log(`${file}: pipeline '${definition.pipeline}' is valid, ${definition.stages.length} stages`);
  console.log(`  order: ${topologicalOrder(stageGraph(definition)).join(' → ')}`);
}

async function runs(o: StoreOptions & { pipeline?: string; limit: number; json?: boolean }): Promise<void> {
  const store = await openStore(o);
  try {
    const list = await store.listRuns({ ...(o.pipeline ? { pipeline: o.pipeline } : {}), limit: o.limit });
    if (o.json) return console.log(JSON.stringify(list, null, 2));
    if (list.length === 0) console.log(`no runs in ${store.location}`);
    for (const r of list) {
      const done = Object.values(r.stages).filter((s) => s.status === 'SUCCEEDED' || s.status === 'SKIPPED').length;
      console.log(
        `${r.runId}  ${r.pipeline}${r.partition === '*' ? '' : `@${r.partition}`}  ${r.status.padEnd(9)} ${r.startedAt}  ${done}/${Object.keys(r.stages).length} stages${r.error ? `  ${r.error}` : ''}`,
      );
    }
  } finally {
    await store.close();
  }
}

async function exportPipeline(
  file: string,
  o: {
    target: string;
    out?: string;
    cluster?: string;
    taskDefinition?: string;
    subnets?: string[];
    securityGroups?: string[];
  },
): Promise<void> {
  const { loadPipelineFile, toStepFunctions } = await import('@coattail/workflow');
  const { definition } = await loadPipelineFile(file, await registry());
  const machine = toStepFunctions(definition, {
    ...(o.cluster ? { cluster: o.cluster } : {}),
    ...(o.taskDefinition ? { taskDefinition: o.taskDefinition } : {}),
    ...(o.subnets ? { subnets: o.subnets } : {}),
    ...(o.securityGroups ? { securityGroups: o.securityGroups } : {}),
    pipelineFile: file,
  });
  const text = `${JSON.stringify(machine, null, 2)}\n`;
  if (!o.out) return void process.stdout.write(text);
  await mkdir(dirname(o.out), { recursive: true });
  await writeFile(o.out, text);
  console.log(`state machine written to ${o.out} (${Object.keys(machine.States).length} states)`);
}

const list = (v: string): string[] =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** `coattail workflow`: run, resume, backfill, validate and export pipelines; list runs. */
export function registerWorkflow(program: Command): void {
  const wf = program
    .command('workflow')
    .description('pipeline workflow engine: run, resume, backfill, validate and export pipelines; list runs');
  const storeOptions = (c: Command): Command =>
    c
      .option('--state-dir <dir>', 'embedded run store folder (runs under <dir>/workflow)', '.coattail')
      .option(
        '--run-store <url>',
        'PostgreSQL run store, e.g. postgres://user@host:5432/db (COATTAIL_WORKFLOW_DB); default the embedded store',
      );
  const runOptions = (c: Command): Command =>
    storeOptions(c).option(
      '--lineage <target>',
      'OpenLineage events: file (<state-dir>/lineage/events.jsonl), a .jsonl path, console, an http:// OpenLineage endpoint, or off',
      lineageTarget,
      'file',
    );

  runOptions(
    wf
      .command('run <pipeline-file>')
      .description('run a pipeline (YAML/JSON); Ctrl-C or SIGTERM cancels it, resumable')
      .option('--partition <key>', 'event-time partition to run (2026-12-07 or 2026-12-07T04)')
      .option('--run-id <id>', 'id of the run (default a UUID)')
      .option('--stage <id>', 'run only this stage of run --run-id (what Step Functions tasks call)'),
  ).action((file: string, o: StoreOptions & { partition?: string; runId?: string; stage?: string }) => run(file, o));

  runOptions(
    wf.command('resume <run-id>').description('resume a failed or cancelled run: completed stages are skipped'),
  ).action((id: string, o: StoreOptions) => resume(id, o));

  runOptions(
    wf
      .command('backfill <pipeline-file>')
      .description('re-run every event-time partition in a range; each partition output is replaced, never appended')
      .requiredOption('--from <time>', 'start of the range (ISO date or epoch ms)', time)
      .requiredOption('--to <time>', 'end of the range, inclusive (ISO date or epoch ms)', time)
      .option('--concurrency <n>', 'partitions run at once', positiveInteger, 2),
  ).action((file: string, o: StoreOptions & { from: number; to: number; concurrency: number }) => backfill(file, o));

  wf.command('validate <pipeline-file>')
    .description('check a pipeline definition; errors name file, line and column')
    .action((file: string) => validate(file));

  storeOptions(
    wf
      .command('runs')
      .description('list recent runs, newest first')
      .option('--pipeline <name>', 'only this pipeline')
      .option('--limit <n>', 'how many', positiveInteger, 20)
      .option('--json', 'print the full run records as JSON'),
  ).action((o: StoreOptions & { pipeline?: string; limit: number; json?: boolean }) => runs(o));

  wf.command('lineage [dataset]')
    .description('where a dataset comes from and what it feeds, or which runs wrote a snapshot, from the lineage store')
    .option('--upstream', 'datasets and stages it was derived from')
    .option('--downstream', 'datasets and stages derived from it')
    .option('--snapshot <id>', 'the runs that wrote this Iceberg snapshot id (of the dataset, if given)')
    .option('--state-dir <dir>', 'state folder whose lineage store is read', '.coattail')
    .option('--file <path>', 'a JSONL lineage store to read instead (default <state-dir>/lineage/events.jsonl)')
    .option('--json', 'print the answer as JSON')
    .action(
      (
        dataset: string | undefined,
        o: {
          upstream?: boolean;
          downstream?: boolean;
          snapshot?: string;
          stateDir: string;
          file?: string;
          json?: boolean;
        },
      ) => lineageQuery(dataset, o),
    );

  wf.command('export <pipeline-file>')
    .description('compile a pipeline for another engine (AWS Step Functions: ECS RunTask .sync per stage)')
    .addOption(new Option('--target <engine>', 'target engine').choices(['step-functions']).makeOptionMandatory())
    .option('--out <file>', 'write the state machine here instead of stdout')
    .option('--cluster <arn>', 'ECS cluster ARN (default a ${ClusterArn} placeholder)')
    .option('--task-definition <arn>', 'task definition ARN of the coattail image (default ${TaskDefinitionArn})')
    .option('--subnets <ids>', 'subnet ids, comma-separated', list)
    .option('--security-groups <ids>', 'security group ids, comma-separated', list)
    .action((file: string, o: { target: string; out?: string }) => exportPipeline(file, o));
}
