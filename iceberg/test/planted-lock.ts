import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** The pid of a process that has exited (a writer killed with SIGKILL looks like this). */
export async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

/**
 * Leaves in a local catalog folder what a writer killed inside a commit leaves behind: the table's
 * highest lock generation, owned by `owner` (`<host> <pid>`), never released.
 */
export async function plantLock(catalogRoot: string, table: string, owner: string): Promise<void> {
  const [namespace, name] = table.split('.') as [string, string];
  const dir = join(catalogRoot, encodeURIComponent(namespace), `${encodeURIComponent(name)}.json.locks`);
  await mkdir(dir, { recursive: true });
  const generations = (await readdir(dir)).map((n) => /^(\d+)\.lock$/.exec(n)?.[1]).filter((n) => n !== undefined);
  const next = Math.max(-1, ...generations.map(Number)) + 1;
  await writeFile(join(dir, `${next}.lock`), `${owner} ${new Date().toISOString()} ${randomUUID()}`);
}

/** `plantLock` for a dead process of this host: the lock a SIGKILLed job leaves. */
export async function plantDeadLock(catalogRoot: string, table: string, pid: number): Promise<void> {
  await plantLock(catalogRoot, table, `${hostname()} ${pid}`);
}
