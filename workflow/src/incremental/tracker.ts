import type { IncrementalSpec } from '../definition/schema.js';
import { RunStoreError } from '../errors.js';
import type { InputChanges } from './changes.js';
import { detectHashChanges } from './content-hash.js';
import { detectIcebergChanges, type IcebergObservation } from './iceberg.js';
import { detectObjectChanges, type ObjectInfo } from './objects.js';
import { incrementalStateSchema, type IncrementalState } from './state.js';
import { detectWatermarkChanges } from './watermark.js';

/** How the engine looks at an input's current state; one implementation per dataset scheme family. */
export interface InputObserver {
  /** Lists objects under an `s3://` or `file://` dataset; `previous` lets a local lister reuse hashes of untouched files. */
  listObjects(
    uri: string,
    previous: Readonly<Record<string, readonly [number, string, number?]>>,
  ): Promise<ObjectInfo[]>;
  icebergSnapshots(uri: string): Promise<IcebergObservation>;
  maxValue(uri: string, column: string): Promise<string | number | undefined>;
  contentHash(uri: string): Promise<string>;
}

/** Where incremental state lives between runs: the run store's key/value state. */
export interface IncrementalStateStore {
  getState(pipeline: string, key: string): Promise<unknown>;
  putState(pipeline: string, key: string, value: unknown): Promise<void>;
}

/** The run-store key of one input's incremental state. Partitioned stages keep state per partition. */
export function stateKey(stageId: string, input: string, partition?: string): string {
  return `incremental/${stageId}/${partition === undefined ? '' : `${partition}/`}${input}`;
}

async function loadState(
  store: IncrementalStateStore,
  pipeline: string,
  key: string,
): Promise<IncrementalState | undefined> {
  const raw = await store.getState(pipeline, key);
  if (raw === undefined) return undefined;
  const parsed = incrementalStateSchema.safeParse(raw);
  if (!parsed.success)
    throw new RunStoreError(
      `incremental state '${key}' of pipeline '${pipeline}' is unreadable (${parsed.error.issues[0]?.message}); delete it to reprocess the input in full`,
    );
  return parsed.data;
}

function sameMode<M extends IncrementalState['mode']>(
  state: IncrementalState | undefined,
  mode: M,
): Extract<IncrementalState, { mode: M }> | undefined {
  // A stage whose mode changed starts over: state of another mode says nothing about this one.
  return state?.mode === mode ? (state as Extract<IncrementalState, { mode: M }>) : undefined;
}

/** Works out, for every input of a stage, what changed since the stage last succeeded. */
export async function detectStageChanges(options: {
  pipeline: string;
  stageId: string;
  inputs: readonly string[];
  spec: IncrementalSpec;
  observer: InputObserver;
  store: IncrementalStateStore;
  partition?: string;
}): Promise<InputChanges[]> {
  const { spec, observer } = options;
  return Promise.all(
    options.inputs.map(async (input) => {
      const state = await loadState(
        options.store,
        options.pipeline,
        stateKey(options.stageId, input, options.partition),
      );
      switch (spec.mode) {
        case 'objects': {
          const previous = sameMode(state, 'objects');
          return detectObjectChanges(
            input,
            await observer.listObjects(input, previous?.objects ?? {}),
            previous,
            spec.completeMarker,
          );
        }
        case 'iceberg-snapshots':
          return detectIcebergChanges(
            input,
            await observer.icebergSnapshots(input),
            sameMode(state, 'iceberg-snapshots'),
          );
        case 'high-water-mark': {
          const column = spec.column ?? '';
          return detectWatermarkChanges(
            input,
            column,
            await observer.maxValue(input, column),
            sameMode(state, 'high-water-mark'),
          );
        }
        case 'content-hash':
          return detectHashChanges(input, await observer.contentHash(input), sameMode(state, 'content-hash'));
      }
    }),
  );
}

/** Remembers what a successful stage consumed, so the next run starts from there. */
export async function commitStageChanges(
  store: IncrementalStateStore,
  pipeline: string,
  stageId: string,
  changes: readonly InputChanges[],
  partition?: string,
): Promise<void> {
  for (const c of changes)
    if (c.next !== undefined) await store.putState(pipeline, stateKey(stageId, c.input, partition), c.next);
}

/** One line per input for progress output and run records: what is processed and what is skipped. */
export function describeChanges(changes: readonly InputChanges[]): string {
  return changes.map((c) => c.describe).join('; ');
}
