import { randomUUID } from 'node:crypto';
import type { GateResult } from '../gates/gate-result.js';
import { datasetId, type DatasetId } from './dataset-name.js';
import { orderedHandoff } from './handoff.js';
import { FacetFactory } from './facets.js';
import { OPENLINEAGE_SCHEMA_URL, type LineageDataset, type RunEvent, type RunEventType } from './openlineage-schema.js';
import type { LineageTransport } from './transports/transport.js';

/** Options of {@link createLineageEmitter}. */
export interface LineageEmitterOptions {
  transport: LineageTransport;
  /** Namespace of every job. @default 'coattail' */
  namespace?: string;
  /** URI naming this producer in every event and facet. @default DEFAULT_PRODUCER */
  producer?: string;
  /** @default () => new Date() */
  clock?: () => Date;
  /** @default crypto.randomUUID */
  newRunId?: () => string;
  /**
   * Events built but not yet taken by the transport before an emitting call waits for it
   * (back-pressure). Below that, a call returns as soon as its event is built: the transport
   * works off the run's critical path. @default 256
   */
  maxPending?: number;
}

/** The producer URI stamped on events unless another is given. */
export const DEFAULT_PRODUCER = 'https://github.com/coattail-capital/platform/tree/main/workflow';

/** A column as the schema facet lists it. */
export interface LineageField {
  readonly name: string;
  readonly type?: string;
}

/** A dataset a stage reads or writes, named by the pipeline's URI. */
export interface StageDataset {
  readonly uri: string;
  readonly fields?: readonly LineageField[];
}

/** What a stage learned about a dataset it wrote. */
export interface StageOutput extends StageDataset {
  readonly rowCount?: number;
  readonly bytes?: number;
  readonly fileCount?: number;
  /** The Iceberg snapshot the write committed; recorded as the dataset version. */
  readonly snapshotId?: string | number | bigint;
  /** Where each output column comes from, when the stage can tell. */
  readonly columnLineage?: Readonly<Record<string, readonly { uri: string; field: string; aggregated?: boolean }[]>>;
}

/** A pipeline run as lineage knows it. */
export interface PipelineRunRef {
  readonly runId: string;
  readonly job: DatasetId;
  readonly nominalTime?: { readonly start: Date; readonly end?: Date };
}

/** A stage run (or gate check) inside a pipeline run. */
export interface StageRunRef extends PipelineRunRef {
  readonly parent: PipelineRunRef;
  readonly inputs: readonly StageDataset[];
  readonly outputs: readonly StageDataset[];
}

/**
 * Emits OpenLineage RunEvents for pipeline runs, stage runs and gate checks. The orchestrator
 * calls it at each transition; nothing here touches data, so lineage is tested by calling the
 * methods. Events go to the transport in emission order, in the background: a call waits only
 * when `maxPending` events are still queued (back-pressure). `flush` and `close` wait for
 * everything, and report a transport failure met on the way.
 */
export interface LineageEmitter {
  runStarted(info: {
    pipeline: string;
    runId?: string;
    nominalTime?: { start: Date; end?: Date };
  }): Promise<PipelineRunRef>;
  /**
   * A pipeline run another process started (a stage task of an outer engine): its reference,
   * so this process's stage events name it as their parent, without a second START.
   */
  runAttached(info: { pipeline: string; runId: string; nominalTime?: { start: Date; end?: Date } }): PipelineRunRef;
  runCompleted(run: PipelineRunRef): Promise<void>;
  runFailed(run: PipelineRunRef, error: unknown): Promise<void>;
  runAborted(run: PipelineRunRef): Promise<void>;
  stageStarted(
    run: PipelineRunRef,
    stage: {
      stage: string;
      inputs?: readonly StageDataset[];
      outputs?: readonly StageDataset[];
      nominalTime?: { start: Date; end?: Date };
    },
  ): Promise<StageRunRef>;
  /** A progress heartbeat of a long stage. */
  stageRunning(stage: StageRunRef): Promise<void>;
  stageCompleted(stage: StageRunRef, result?: { outputs?: readonly StageOutput[] }): Promise<void>;
  stageFailed(stage: StageRunRef, error: unknown): Promise<void>;
  stageAborted(stage: StageRunRef): Promise<void>;
  /** Records a gate check on a dataset as a child run of the stage, with its quality facets. */
  gateEvaluated(stage: StageRunRef, datasetUri: string, result: GateResult): Promise<void>;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Creates a {@link LineageEmitter} writing to a transport. */
export function createLineageEmitter(options: LineageEmitterOptions): LineageEmitter {
  const namespace = options.namespace ?? 'coattail';
  const producer = options.producer ?? DEFAULT_PRODUCER;
  const clock = options.clock ?? (() => new Date());
  const newRunId = options.newRunId ?? randomUUID;
  const facets = new FacetFactory(producer);
  const maxPending = options.maxPending ?? 256;
  const { send, settle } = orderedHandoff((event: RunEvent) => options.transport.emit(event), maxPending);

  const jobType = (kind: string) => ({
    jobType: { ...facets.head('jobType'), processingType: 'BATCH', integration: 'COATTAIL', jobType: kind },
  });

  function dataset(input: StageDataset): LineageDataset {
    const id = datasetId(input.uri);
    return {
      ...id,
      facets: {
        dataSource: {
          ...facets.head('dataSource'),
          name: id.namespace,
          ...(id.namespace.includes('://') ? { uri: id.namespace } : {}),
        },
        ...(input.fields === undefined
          ? {}
          : { schema: { ...facets.head('schema'), fields: input.fields.map((f) => ({ ...f })) } }),
      },
    };
  }

  function output(out: StageOutput): LineageDataset & { outputFacets?: object } {
    const base = dataset(out);
    const columnLineage =
      out.columnLineage === undefined
        ? {}
        : {
            columnLineage: {
              ...facets.head('columnLineage'),
              fields: Object.fromEntries(
                Object.entries(out.columnLineage).map(([column, sources]) => [
                  column,
                  {
                    inputFields: sources.map((s) => ({
                      ...datasetId(s.uri),
                      field: s.field,
                      transformations: [
                        { type: 'DIRECT', subtype: s.aggregated === true ? 'AGGREGATION' : 'TRANSFORMATION' },
                      ],
                    })),
                  },
                ]),
              ),
            },
          };
    const version =
      out.snapshotId === undefined
        ? {}
        : { version: { ...facets.head('version'), datasetVersion: String(out.snapshotId) } };
    const stats =
      out.rowCount === undefined && out.bytes === undefined
        ? {}
        : {
            outputFacets: {
              outputStatistics: {
                ...facets.head('outputStatistics'),
                ...(out.rowCount === undefined ? {} : { rowCount: out.rowCount }),
                ...(out.bytes === undefined ? {} : { size: out.bytes }),
                ...(out.fileCount === undefined ? {} : { fileCount: out.fileCount }),
              },
            },
          };
    return { ...base, facets: { ...base.facets, ...columnLineage, ...version }, ...stats };
  }

  function runFacets(run: PipelineRunRef, extra: object = {}): object {
    const nominal =
      run.nominalTime === undefined
        ? {}
        : {
            nominalTime: {
              ...facets.head('nominalTime'),
              nominalStartTime: run.nominalTime.start.toISOString(),
              ...(run.nominalTime.end === undefined ? {} : { nominalEndTime: run.nominalTime.end.toISOString() }),
            },
          };
    if (!('parent' in run)) return { ...nominal, ...extra };
    const parent = (run as StageRunRef).parent;
    const root = 'parent' in parent ? (parent as StageRunRef).parent : parent;
    const ref = (r: PipelineRunRef) => ({ run: { runId: r.runId }, job: { ...r.job } });
    return { ...nominal, parent: { ...facets.head('parent'), ...ref(parent), root: ref(root) }, ...extra };
  }

  async function emit(
    eventType: RunEventType,
    run: PipelineRunRef,
    kind: string,
    body: { extra?: object; inputs?: unknown[]; outputs?: unknown[] } = {},
  ): Promise<void> {
    const event = {
      eventTime: clock().toISOString(),
      producer,
      schemaURL: OPENLINEAGE_SCHEMA_URL,
      eventType,
      run: { runId: run.runId, facets: runFacets(run, body.extra) },
      job: { ...run.job, facets: jobType(kind) },
      inputs: body.inputs ?? [],
      outputs: body.outputs ?? [],
    } as RunEvent;
    await send(event);
  }

  const errorFacet = (error: unknown) => {
    const err = error instanceof Error ? error : new Error(String(error));
    return {
      errorMessage: {
        ...facets.head('errorMessage'),
        message: err.message,
        programmingLanguage: 'TypeScript',
        ...(err.stack === undefined ? {} : { stackTrace: err.stack }),
      },
    };
  };
  const stageBody = (stage: StageRunRef) => ({
    inputs: stage.inputs.map(dataset),
    outputs: stage.outputs.map(dataset),
  });

  const attached: LineageEmitter['runAttached'] = (info) => ({
    runId: info.runId,
    job: { namespace, name: info.pipeline },
    ...(info.nominalTime === undefined ? {} : { nominalTime: info.nominalTime }),
  });

  return {
    runAttached: attached,
    async runStarted(info) {
      const run = attached({ ...info, runId: info.runId ?? newRunId() });
      await emit('START', run, 'PIPELINE');
      return run;
    },
    runCompleted: (run) => emit('COMPLETE', run, 'PIPELINE'),
    runFailed: (run, error) => emit('FAIL', run, 'PIPELINE', { extra: errorFacet(error) }),
    runAborted: (run) => emit('ABORT', run, 'PIPELINE'),
    async stageStarted(run, info) {
      const nominalTime = info.nominalTime ?? run.nominalTime;
      const stage: StageRunRef = {
        runId: newRunId(),
        job: { namespace, name: `${run.job.name}.${info.stage}` },
        parent: run,
        inputs: info.inputs ?? [],
        outputs: info.outputs ?? [],
        ...(nominalTime === undefined ? {} : { nominalTime }),
      };
      await emit('START', stage, 'STAGE', stageBody(stage));
      return stage;
    },
    stageRunning: (stage) => emit('RUNNING', stage, 'STAGE', stageBody(stage)),
    async stageCompleted(stage, result = {}) {
      const written = new Map((result.outputs ?? []).map((o) => [o.uri, o]));
      const outputs = [
        ...stage.outputs.map((o) => written.get(o.uri) ?? o),
        ...[...written.values()].filter((o) => !stage.outputs.some((s) => s.uri === o.uri)),
      ];
      await emit('COMPLETE', stage, 'STAGE', { inputs: stage.inputs.map(dataset), outputs: outputs.map(output) });
    },
    stageFailed: (stage, error) => emit('FAIL', stage, 'STAGE', { ...stageBody(stage), extra: errorFacet(error) }),
    stageAborted: (stage) => emit('ABORT', stage, 'STAGE', stageBody(stage)),
    async gateEvaluated(stage, datasetUri, result) {
      const check: StageRunRef = {
        runId: newRunId(),
        job: { namespace, name: `${stage.job.name}.gate.${result.gate}` },
        parent: stage,
        inputs: [{ uri: datasetUri }],
        outputs: [],
        ...(stage.nominalTime === undefined ? {} : { nominalTime: stage.nominalTime }),
      };
      const input = { ...dataset({ uri: datasetUri }), inputFacets: facets.quality(result) };
      await emit('START', check, 'QUALITY_GATE', { inputs: [input] });
      if (result.status === 'failed')
        await emit('FAIL', check, 'QUALITY_GATE', {
          inputs: [input],
          extra: errorFacet(new Error(result.reasons.join('; '))),
        });
      else await emit('COMPLETE', check, 'QUALITY_GATE', { inputs: [input] });
    },
    flush: () => settle(() => options.transport.flush()),
    close: () => settle(() => options.transport.close()),
  };
}
