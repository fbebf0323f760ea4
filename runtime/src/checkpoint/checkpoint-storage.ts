import { createHash } from 'node:crypto';
import { CheckpointError } from '../errors.js';
import type { CheckpointStore } from './checkpoint-store.js';
import type { CheckpointManifest, TaskCheckpoint } from './task-checkpoint.js';
import { parseManifest, parseTaskCheckpoint } from './task-checkpoint-schema.js';

const MANIFEST = '_manifest.json';

function segment(id: string): string {
  return encodeURIComponent(id);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The checkpoints of one task in a {@link CheckpointStore}:
 * `{job}/{task}/chk-{id}/state.json`, then `{job}/{task}/chk-{id}/_manifest.json` written last.
 * A checkpoint is complete only when its manifest exists and the state matches its digest, so a
 * crash between the two writes leaves an incomplete checkpoint that restore skips.
 */
export class TaskCheckpoints {
  readonly #prefix: string;

  constructor(
    private readonly store: CheckpointStore,
    readonly jobId: string,
    readonly taskId: string,
    /** Complete checkpoints kept after each write. @default 3 */
    private readonly retain = 3,
  ) {
    this.#prefix = `${segment(jobId)}/${segment(taskId)}/`;
  }

  #dir(id: number): string {
    return `${this.#prefix}chk-${String(id).padStart(10, '0')}/`;
  }

  /** Writes a checkpoint: state first, manifest last. Returns the state's size in bytes. */
  async write(checkpoint: TaskCheckpoint): Promise<number> {
    const dir = this.#dir(checkpoint.checkpointId);
    const body = Buffer.from(JSON.stringify(checkpoint));
    const manifest: CheckpointManifest = {
      jobId: this.jobId,
      taskId: this.taskId,
      checkpointId: checkpoint.checkpointId,
      stateKey: `${dir}state.json`,
      bytes: body.byteLength,
      sha256: sha256(body),
      createdAt: checkpoint.createdAt,
    };
    try {
      await this.store.put(manifest.stateKey, body);
      await this.store.put(`${dir}${MANIFEST}`, Buffer.from(JSON.stringify(manifest)));
    } catch (cause) {
      throw new CheckpointError(`checkpoint ${checkpoint.checkpointId} of task '${this.taskId}' could not be written`, {
        cause,
      });
    }
    return body.byteLength;
  }

  /** The newest complete checkpoint, or undefined when the task has none. */
  async latest(): Promise<TaskCheckpoint | undefined> {
    for (const id of await this.#completeIds()) {
      const checkpoint = await this.#read(id);
      if (checkpoint !== undefined) return checkpoint;
    }
    return undefined;
  }

  /** One checkpoint by id, or undefined when it is missing or incomplete. */
  load(id: number): Promise<TaskCheckpoint | undefined> {
    return this.#read(id);
  }

  /** Removes all but the newest `retain` complete checkpoints, and incomplete ones older than them. */
  async prune(): Promise<void> {
    const complete = await this.#completeIds();
    if (complete.length <= this.retain) return;
    const oldestKept = complete[this.retain - 1]!;
    const keys = await this.store.list(this.#prefix);
    const stale = keys.filter((key) => {
      const match = /chk-(\d+)\//.exec(key.slice(this.#prefix.length));
      return match !== null && Number(match[1]) < oldestKept;
    });
    await this.store.delete(stale);
  }

  async #completeIds(): Promise<number[]> {
    let keys: string[];
    try {
      keys = await this.store.list(this.#prefix);
    } catch (cause) {
      throw new CheckpointError(`checkpoints of task '${this.taskId}' could not be listed`, { cause });
    }
    const ids: number[] = [];
    for (const key of keys) {
      const match = /^chk-(\d+)\/_manifest\.json$/.exec(key.slice(this.#prefix.length));
      if (match !== null) ids.push(Number(match[1]));
    }
    return ids.sort((a, b) => b - a);
  }

  async #read(id: number): Promise<TaskCheckpoint | undefined> {
    const dir = this.#dir(id);
    const manifestBytes = await this.store.get(`${dir}${MANIFEST}`);
    if (manifestBytes === undefined) return undefined;
    const manifest = parseManifest(`${dir}${MANIFEST}`, manifestBytes);
    const body = await this.store.get(manifest.stateKey);
    // Written before its manifest: missing or different, the checkpoint never completed.
    if (body === undefined || sha256(body) !== manifest.sha256) return undefined;
    return parseTaskCheckpoint(manifest.stateKey, body, manifest);
  }
}
