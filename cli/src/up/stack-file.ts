import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { processAlive } from './state-lock.js';

/**
 * `coattail up` (what `npm start` runs) starts its emulators on free ports, so other commands
 * cannot guess them: it writes them to `<state-dir>/stack.json` while it runs, and removes the file
 * when it stops. `coattail alerts` (and any reader of the running stack) looks there first.
 */
export const STACK_FILE = 'stack.json';

const stackFileSchema = z.object({
  pid: z.number().int(),
  startedAt: z.string(),
  region: z.string(),
  endpoints: z.object({ kinesis: z.string(), dynamodb: z.string(), s3: z.string() }),
  alertsTable: z.string(),
});

/** Where the running `coattail up` serves its emulators. */
export type StackFile = z.infer<typeof stackFileSchema>;

/** What {@link findRunningStack} found in a state folder. */
export type StackLookup =
  | { status: 'running'; stack: StackFile; file: string }
  /** The file is there but the process that wrote it is gone (killed without a clean stop). */
  | { status: 'stale'; stack: StackFile; file: string }
  | { status: 'absent'; file: string };

/** Records the running stack in `stateDir` (replacing what a killed run left). */
export async function writeStackFile(stateDir: string, stack: Omit<StackFile, 'pid' | 'startedAt'>): Promise<void> {
  const content: StackFile = { pid: process.pid, startedAt: new Date().toISOString(), ...stack };
  await writeFile(join(stateDir, STACK_FILE), `${JSON.stringify(content, null, 2)}\n`);
}

/** Removes the stack file if this process wrote it. */
export async function removeStackFile(stateDir: string): Promise<void> {
  const found = await findRunningStack(stateDir);
  if (found.status !== 'absent' && found.stack.pid === process.pid) await rm(found.file, { force: true });
}

/** The `coattail up` running on `stateDir`, if any. */
export async function findRunningStack(stateDir: string): Promise<StackLookup> {
  const file = join(stateDir, STACK_FILE);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return { status: 'absent', file };
  }
  const parsed = stackFileSchema.safeParse(json);
  if (!parsed.success) return { status: 'absent', file };
  return { status: processAlive(parsed.data.pid) ? 'running' : 'stale', stack: parsed.data, file };
}
