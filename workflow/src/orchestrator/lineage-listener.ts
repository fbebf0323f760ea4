import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { localPath } from '../datasets/locations.js';
import type { LineageEmitter, PipelineRunRef, StageOutput, StageRunRef } from '../lineage/emitter.js';
import type { RunRecord } from '../run-store/types.js';
import type { OutputReport } from '../stages/stage-type.js';
import type { PartitionWindow } from '../windows/partitions.js';
import type { RunEvent, RunListener } from './events.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The OpenLineage run id of a workflow run: the run id itself when it is a UUID (the default),
 * else a name-based UUID (version 5 layout) derived from it, so `--run-id nightly-42` keeps one
 * stable lineage run across resumes.
 */
export function lineageRunId(runId: string): string {
  if (UUID.test(runId)) return runId.toLowerCase();
  const h = createHash('sha1').update(`coattail-workflow:${runId}`).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The dataset URI lineage records: a `file://` dataset relative to the definition's folder is
 * made absolute, so two pipelines' `file://out/` are not mistaken for one dataset.
 */
export function lineageDatasetUri(uri: string, baseDir: string): string {
  if (!uri.startsWith('file://')) return uri;
  return pathToFileURL(localPath(uri, baseDir)).href.replace(/\/$/, '') + (uri.endsWith('/') ? '/' : '');
}

function nominal(partition: PartitionWindow | undefined): { start: Date; end: Date } | undefined {
  return partition ? { start: new Date(partition.start), end: new Date(partition.end) } : undefined;
}

/** What lineage records of a dataset a stage wrote: rows, bytes, files, snapshot, columns. */
function stageOutput(out: OutputReport, baseDir: string): StageOutput {
  return {
    uri: lineageDatasetUri(out.dataset, baseDir),
    ...(out.rows === undefined ? {} : { rowCount: out.rows }),
    ...(out.bytes === undefined ? {} : { bytes: out.bytes }),
    ...(out.files === undefined ? {} : { fileCount: out.files.length }),
    ...(out.snapshotId === undefined ? {} : { snapshotId: out.snapshotId }),
    ...(out.columns === undefined ? {} : { fields: out.columns.map((c) => ({ name: c.name, type: c.type })) }),
  };
}

const failure = (run: RunRecord): Error => new Error(run.error ?? `run ${run.runId} failed`);

/**
 * A run listener that turns the orchestrator's events into OpenLineage RunEvents: the pipeline
 * run START/COMPLETE/FAIL/ABORT, each stage START/RUNNING/COMPLETE/FAIL/ABORT as a child run with
 * its declared inputs and outputs (and the rows, bytes and snapshots it reported), and each gate
 * check as a child of its stage carrying the quality facets. Events are awaited into the
 * transport, so a slow lineage endpoint slows the run instead of losing events.
 *
 * @example
 * const emitter = createLineageEmitter({ transport: createJsonlTransport({ path: '.coattail/lineage/events.jsonl' }) });
 * new Orchestrator({ store, registry, listeners: [lineageListener(emitter)] });
 */
export function lineageListener(emitter: LineageEmitter): RunListener {
  const runs = new Map<string, PipelineRunRef>();
  const stages = new Map<string, StageRunRef>();
  const key = (run: RunRecord, stage: string) => `${run.runId}\u0000${stage}`;

  async function onEvent(event: RunEvent): Promise<void> {
    switch (event.type) {
      case 'run-start': {
        const nominalTime = nominal(event.partition);
        const info = {
          pipeline: event.run.pipeline,
          runId: lineageRunId(event.run.runId),
          ...(nominalTime ? { nominalTime } : {}),
        };
        const ref = event.attach === true ? emitter.runAttached(info) : await emitter.runStarted(info);
        runs.set(event.run.runId, ref);
        return;
      }
      case 'stage-start': {
        const run = runs.get(event.run.runId);
        if (!run || stages.has(key(event.run, event.stage.id))) return;
        const ref = await emitter.stageStarted(run, {
          stage: event.stage.id,
          inputs: event.stage.inputs.map((uri) => ({ uri: lineageDatasetUri(uri, event.run.baseDir) })),
          outputs: event.stage.outputs.map((uri) => ({ uri: lineageDatasetUri(uri, event.run.baseDir) })),
        });
        stages.set(key(event.run, event.stage.id), ref);
        return;
      }
      case 'stage-progress':
      case 'stage-retry': {
        const stage = stages.get(key(event.run, event.stage.id));
        if (stage) await emitter.stageRunning(stage);
        return;
      }
      case 'stage-end': {
        const stage = stages.get(key(event.run, event.stage.id));
        if (!stage) return;
        stages.delete(key(event.run, event.stage.id));
        for (const check of event.gates ?? [])
          await emitter.gateEvaluated(stage, lineageDatasetUri(check.dataset, event.run.baseDir), check.result);
        if (event.status === 'SUCCEEDED')
          await emitter.stageCompleted(stage, {
            outputs: (event.result?.outputs ?? []).map((o) => stageOutput(o, event.run.baseDir)),
          });
        else if (event.status === 'ABORTED') await emitter.stageAborted(stage);
        else
          await emitter.stageFailed(stage, event.error ?? new Error(event.reason ?? `stage ${event.stage.id} failed`));
        return;
      }
      case 'run-end': {
        const run = runs.get(event.run.runId);
        if (!run) return;
        runs.delete(event.run.runId);
        if (event.run.status === 'SUCCEEDED') await emitter.runCompleted(run);
        else if (event.run.status === 'ABORTED') await emitter.runAborted(run);
        else await emitter.runFailed(run, failure(event.run));
        await emitter.flush();
      }
    }
  }
  return onEvent;
}
