import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { listIssues } from '@coattail/runtime';
import { RunStoreError } from '../errors.js';
import { readFileIfExists, writeFileAtomic } from './atomic-file.js';
import { tryFileLock } from './file-lock.js';
import { runRecordSchema, type RunLock, type RunRecord, type RunStore, type StageRunRecord } from './types.js';

const safe = (s: string): string => encodeURIComponent(s);

/**
 * The embedded run store: one JSON file per run and per state key in a folder, written
 * atomically (temporary file + rename), and O_EXCL lock files. Needs no server, so `coattail
 * workflow run` works on a laptop; chosen over PGlite because it starts instantly and its files
 * can be read with any editor when something goes wrong.
 */
export class FileRunStore implements RunStore {
  readonly location: string;
  readonly #dir: string;
  /** Writes to one run are serialized: concurrent stages update the same file. */
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(dir: string) {
    this.#dir = resolve(dir);
    this.location = pathToFileURL(this.#dir).href;
  }

  #runPath(runId: string): string {
    return join(this.#dir, 'runs', `${safe(runId)}.json`);
  }

  #serialize<T>(key: string, f: () => Promise<T>): Promise<T> {
    const next = (this.#queues.get(key) ?? Promise.resolve()).then(f, f);
    this.#queues.set(
      key,
      next.catch(() => undefined),
    );
    return next;
  }

  async createRun(run: RunRecord): Promise<void> {
    if (await readFileIfExists(this.#runPath(run.runId))) throw new RunStoreError(`run ${run.runId} already exists`);
    await writeFileAtomic(this.#runPath(run.runId), JSON.stringify(run, null, 2));
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const text = await readFileIfExists(this.#runPath(runId));
    if (text === undefined) return undefined;
    const parsed = runRecordSchema.safeParse(this.#json(this.#runPath(runId), text));
    if (!parsed.success)
      throw new RunStoreError(`run file ${this.#runPath(runId)} is not a run record: ${listIssues(parsed.error)}`);
    return parsed.data;
  }

  async listRuns(filter: { pipeline?: string; limit?: number } = {}): Promise<RunRecord[]> {
    const names = await readdir(join(this.#dir, 'runs')).catch(() => [] as string[]);
    const runs: RunRecord[] = [];
    for (const n of names.filter((f) => f.endsWith('.json'))) {
      const run = await this.getRun(decodeURIComponent(n.slice(0, -5)));
      if (run && (filter.pipeline === undefined || run.pipeline === filter.pipeline)) runs.push(run);
    }
    runs.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    return runs.slice(0, filter.limit ?? runs.length);
  }

  #update(runId: string, change: (run: RunRecord) => void): Promise<void> {
    return this.#serialize(runId, async () => {
      const run = await this.getRun(runId);
      if (!run) throw new RunStoreError(`run ${runId} does not exist in ${this.location}`);
      change(run);
      await writeFileAtomic(this.#runPath(runId), JSON.stringify(run, null, 2));
    });
  }

  updateRun(runId: string, patch: Partial<Pick<RunRecord, 'status' | 'endedAt' | 'error'>>): Promise<void> {
    return this.#update(runId, (run) => Object.assign(run, patch));
  }

  putStage(runId: string, stageId: string, stage: StageRunRecord): Promise<void> {
    return this.#update(runId, (run) => {
      run.stages[stageId] = stage;
    });
  }

  #statePath(pipeline: string, key: string): string {
    return join(this.#dir, 'state', safe(pipeline), `${safe(key)}.json`);
  }

  async getState(pipeline: string, key: string): Promise<unknown> {
    const text = await readFileIfExists(this.#statePath(pipeline, key));
    return text === undefined ? undefined : this.#json(this.#statePath(pipeline, key), text);
  }

  /** Parsed JSON, or a {@link RunStoreError} naming the file (the caller's schema checks the shape). */
  #json(file: string, text: string): unknown {
    try {
      return JSON.parse(text);
    } catch (cause) {
      throw new RunStoreError(`${file} is not JSON (${(cause as Error).message}); repair or delete it`, { cause });
    }
  }

  async putState(pipeline: string, key: string, value: unknown): Promise<void> {
    await writeFileAtomic(this.#statePath(pipeline, key), JSON.stringify(value));
  }

  async listState(pipeline: string, prefix: string): Promise<string[]> {
    const names = await readdir(join(this.#dir, 'state', safe(pipeline))).catch(() => [] as string[]);
    return names
      .filter((n) => n.endsWith('.json'))
      .map((n) => decodeURIComponent(n.slice(0, -5)))
      .filter((k) => k.startsWith(prefix))
      .sort();
  }

  tryLock(pipeline: string, partition: string, owner: string): Promise<RunLock | { heldBy: string }> {
    return tryFileLock(join(this.#dir, 'locks', `${safe(pipeline)}@${safe(partition)}.lock`), owner);
  }

  async close(): Promise<void> {
    await Promise.all(this.#queues.values());
  }
}
