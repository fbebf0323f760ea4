import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import type { Sink, SinkContext, SinkWriter } from '../sink/sink.js';
import type { Json } from '../types.js';

/**
 * Writes records as JSON files in a folder, so output of tasks on worker threads (or in other
 * processes) can be read back: for tests and benchmarks. File names carry the task, the sink
 * operator and the thread that wrote them.
 *
 * Exactly once (`exactlyOnce: true`): records are staged in the checkpoint and written when it
 * completes, one file per writer and checkpoint, so a commit repeated after a restore rewrites the
 * same file. Otherwise each writer writes what it got when it closes.
 */
export class JsonFilesSink<T extends Json> implements Sink<T> {
  readonly name = 'json-files';

  constructor(
    readonly dir: string,
    private readonly options: { exactlyOnce?: boolean } = {},
  ) {}

  createWriter({ taskId, operatorId }: SinkContext): SinkWriter<T> {
    let staged: T[] = [];
    const writer = `${encodeURIComponent(taskId)}.${encodeURIComponent(operatorId)}`;
    const write = (values: readonly T[]): void => {
      for (const v of values) staged.push(v);
    };
    if (this.options.exactlyOnce !== true)
      return {
        write,
        close: () =>
          this.#put(`${writer}.t${threadId}.${Date.now()}-${Math.random().toString(36).slice(2)}.json`, staged),
      };
    return {
      write,
      prepareCommit: () => {
        const committable = { writer: `${writer}.t${threadId}`, values: staged };
        staged = [];
        return committable;
      },
      commit: async (committable, checkpointId) => {
        const { writer: name, values } = committable as { writer: string; values: T[] };
        await this.#put(`${name}.chk-${checkpointId}.json`, values);
      },
    };
  }

  async #put(file: string, values: readonly T[]): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const tmp = join(this.dir, `.${file}.tmp`);
    await writeFile(tmp, JSON.stringify(values));
    await rename(tmp, join(this.dir, file));
  }
}

/** Every record a {@link JsonFilesSink} wrote to `dir`, with the name of the file that holds it. */
export async function readJsonFiles<T>(dir: string): Promise<{ file: string; value: T }[]> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter(
    (f) => f.endsWith('.json') && !f.startsWith('.'),
  );
  const out: { file: string; value: T }[] = [];
  for (const file of files.sort())
    for (const value of JSON.parse(await readFile(join(dir, file), 'utf8')) as T[]) out.push({ file, value });
  return out;
}
