import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PlatformError, processAlive } from '@coattail/runtime';
import { z } from 'zod';

/**
 * `coattail up` (what `npm start` runs) keeps one file in its state directory while it runs,
 * `<state-dir>/up.json`: which process holds the directory (taken before anything opens the
 * emulators' stores there) and, once its emulators are up, where they serve (they start on free
 * ports, so other commands cannot guess them). `coattail alerts`, `coattail console` and
 * `coattail iceberg` find the running stack there. Every write goes to a temporary file renamed
 * over it, so a reader never sees half a file; a clean stop removes it, and a run that was killed
 * leaves it behind for the next run to take over.
 *
 * Earlier versions wrote two files: `up.json` with only `pid` and `startedAt`, and `stack.json`
 * with the endpoints. Such an `up.json` reads as a run that has not published its endpoints yet
 * (its process alive) or as a stale one (its process gone), and earlier versions read this file's
 * `pid` as theirs, so old and new runs still refuse to share a directory. A `stack.json` whose
 * process is gone is removed when `coattail up` takes the directory; one whose process still runs
 * makes it refuse the directory like a live `up.json` does. Readers never follow `stack.json`.
 */
export const UP_STATE_FILE = 'up.json';
/** The endpoints file of earlier versions (see {@link UP_STATE_FILE}). */
const LEGACY_STACK_FILE = 'stack.json';

/** Where a running `coattail up` serves its emulators. */
export const UpStack = z.object({
  region: z.string(),
  endpoints: z.object({ kinesis: z.string(), dynamodb: z.string(), s3: z.string() }),
  alertsTable: z.string(),
});
export type UpStack = z.infer<typeof UpStack>;

/** The content of `<state-dir>/up.json`. */
export const UpState = z.object({
  pid: z.number().int().positive(),
  startedAt: z.string(),
  /**
   * `starting` until the emulators serve, `running` while `stack` names them, `stopping` from the
   * final checkpoints on. @default 'starting' (earlier versions wrote no phase)
   */
  phase: z.enum(['starting', 'running', 'stopping']).default('starting'),
  stack: UpStack.optional(),
});
export type UpState = z.infer<typeof UpState>;

/** What {@link readUpState} found in a state directory. */
export type UpLookup =
  | { status: 'running'; state: UpState; stack: UpStack; file: string }
  /** Its process is alive but its emulators do not serve (yet, or any more). */
  | { status: 'starting' | 'stopping'; state: UpState; file: string }
  /** The process that wrote it is gone (killed without a clean stop). */
  | { status: 'stale'; state: UpState; file: string }
  | { status: 'unreadable'; file: string }
  | { status: 'absent'; file: string };

/** The state directory is held by another live `coattail up`. */
export class StateDirInUseError extends PlatformError {
  constructor(
    readonly stateDir: string,
    readonly pid: number,
  ) {
    super(
      'STATE_DIR_IN_USE',
      `already running (pid ${pid}) on the state directory ${stateDir}: stop that coattail up (Ctrl-C, or kill ${pid}) or pass another --state-dir`,
      { domain: 'user' },
    );
  }
}

async function readJson(file: string): Promise<{ json: unknown } | 'absent' | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'absent' : 'unreadable';
  }
  try {
    return { json: JSON.parse(text) };
  } catch {
    return 'unreadable';
  }
}

async function lookup(file: string): Promise<UpLookup> {
  const read = await readJson(file);
  if (read === 'absent' || read === 'unreadable') return { status: read, file };
  const parsed = UpState.safeParse(read.json);
  if (!parsed.success) return { status: 'unreadable', file };
  const state = parsed.data;
  if (!processAlive(state.pid)) return { status: 'stale', state, file };
  if (state.phase === 'running' && state.stack !== undefined)
    return { status: 'running', state, stack: state.stack, file };
  return { status: state.phase === 'stopping' ? 'stopping' : 'starting', state, file };
}

/** The `coattail up` recorded in `stateDir`, and whether it runs. */
export function readUpState(stateDir: string): Promise<UpLookup> {
  return lookup(join(stateDir, UP_STATE_FILE));
}

const isLive = (found: UpLookup): found is Extract<UpLookup, { state: UpState }> =>
  found.status === 'running' || found.status === 'starting' || found.status === 'stopping';

/** Writes `state` to `file` through a temporary file: `create` fails (false) if `file` exists. */
async function writeState(file: string, state: UpState, mode: 'create' | 'replace'): Promise<boolean> {
  const temp = `${file}.${randomUUID()}.tmp`;
  await writeFile(temp, `${JSON.stringify(state, null, 2)}\n`);
  try {
    if (mode === 'replace') await rename(temp, file);
    else await link(temp, file);
    return true;
  } catch (error) {
    if (mode === 'create' && (error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(temp, { force: true });
  }
}

/** What the pipeline tells the other commands about the stack it serves. */
export interface StackAnnouncer {
  /** Records where the emulators serve (phase `running`). */
  publish(stack: UpStack): Promise<void>;
  /** Withdraws the endpoints before the emulators stop (phase `stopping`). */
  withdraw(): Promise<void>;
}

/** The hold of one `coattail up` on its state directory. */
export interface StateLock extends StackAnnouncer {
  /** One sentence for each record of a run that was gone (or unreadable) and has been replaced. */
  readonly replaced: readonly string[];
  /** Removes the file, if this process still holds it. */
  release(): Promise<void>;
}

function replacedNotice(found: UpLookup): string | undefined {
  if (found.status === 'stale')
    return `replaced ${found.file}: the coattail up it names (pid ${found.state.pid}, started ${found.state.startedAt}) is no longer running`;
  if (found.status === 'unreadable') return `replaced ${found.file}: not a coattail up record`;
  return undefined;
}

/** Checks the endpoints file of earlier versions: a live writer holds the directory; anything else is removed. */
async function legacyStackFile(stateDir: string, pid: number): Promise<() => Promise<string | undefined>> {
  const file = join(stateDir, LEGACY_STACK_FILE);
  const found = await lookup(file);
  if (found.status === 'absent') return () => Promise.resolve(undefined);
  if (isLive(found) && found.state.pid !== pid) throw new StateDirInUseError(stateDir, found.state.pid);
  return async () => {
    await rm(file, { force: true });
    return replacedNotice(found) ?? `removed ${file}, left by an earlier coattail version`;
  };
}

/**
 * Takes `stateDir` for process `pid`: fails with {@link StateDirInUseError} when another live
 * process holds it; replaces the record of one that died without releasing it (saying so in
 * {@link StateLock.replaced}). Of two runs that replace the same dead record at once, the one that
 * reads the record back as the other's gives way (what is left is the instant between one's
 * rename and its read-back).
 */
export async function lockStateDir(stateDir: string, pid = process.pid): Promise<StateLock> {
  await mkdir(stateDir, { recursive: true });
  const file = join(stateDir, UP_STATE_FILE);
  const startedAt = new Date().toISOString();
  const removeLegacy = await legacyStackFile(stateDir, pid);
  const replaced: string[] = [];
  if (!(await writeState(file, { pid, startedAt, phase: 'starting' }, 'create'))) {
    const holder = await lookup(file);
    if (isLive(holder) && holder.state.pid !== pid) throw new StateDirInUseError(stateDir, holder.state.pid);
    await writeState(file, { pid, startedAt, phase: 'starting' }, 'replace');
    const after = await lookup(file);
    if (isLive(after) && after.state.pid !== pid) throw new StateDirInUseError(stateDir, after.state.pid);
    const notice = replacedNotice(holder);
    if (notice !== undefined) replaced.push(notice);
  }
  const legacyNotice = await removeLegacy();
  if (legacyNotice !== undefined) replaced.push(legacyNotice);

  /** Rewrites the file as `state` if this process still holds it; a record of another process is left alone. */
  const ifHeld = async (state: UpState | undefined): Promise<void> => {
    const current = await lookup(file);
    if (current.status !== 'absent' && current.status !== 'unreadable' && current.state.pid !== pid) return;
    if (state === undefined) await rm(file, { force: true });
    else await writeState(file, state, 'replace');
  };
  return {
    replaced,
    publish: (stack) => ifHeld({ pid, startedAt, phase: 'running', stack }),
    withdraw: () => ifHeld({ pid, startedAt, phase: 'stopping' }),
    release: () => ifHeld(undefined),
  };
}
