/**
 * The image a local build produced, and how it runs: its entrypoint and command as a child
 * process, its HEALTHCHECK, and the packages installed in it, each as the image's USER and with
 * only the environment a container has.
 */
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { asUser } from './image-user.js';

/** The last stage of a build: where its files are and how it runs. */
export interface LocalImage {
  /** The image's `/`. */
  root: string;
  workdir: string;
  env: Record<string, string>;
  user: string | undefined;
  entrypoint: string[];
  cmd: string[];
  healthcheck: string[] | undefined;
  stopSignal: NodeJS.Signals;
  /** Host path of a path inside the image. */
  path(inImage: string): string;
  /** Deletes the build folder (every stage). */
  remove(): Promise<void>;
}

/** Starts the image's entrypoint + command (or `args` in place of CMD) as a child process, as the image's USER. */
export function runImage(
  image: LocalImage,
  options: { env?: Record<string, string>; args?: string[]; entrypoint?: string[] } = {},
): ReturnType<typeof spawn> {
  const [cmd, ...args] = [...(options.entrypoint ?? image.entrypoint), ...(options.args ?? image.cmd)];
  if (cmd === undefined) throw new Error('the image has neither ENTRYPOINT nor CMD');
  return spawn(cmd, args, {
    cwd: image.path('.'),
    // Only what a container has: its image's ENV and what the task definition passes.
    env: { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', HOME: image.root, ...image.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...asUser(image.user),
  });
}

/** Runs the HEALTHCHECK command once; resolves its exit code. */
export function healthcheck(image: LocalImage, env: Record<string, string> = {}): Promise<number | null> {
  const [cmd, ...args] = image.healthcheck ?? [];
  if (cmd === undefined) throw new Error('the image has no HEALTHCHECK');
  const child = spawn(cmd, args, {
    cwd: image.path('.'),
    env: { PATH: process.env.PATH ?? '', ...image.env, ...env },
    stdio: 'ignore',
    ...asUser(image.user),
  });
  return new Promise((resolve) => child.on('exit', resolve));
}

/** Package folder names under an image's node_modules (scoped ones as `@scope/name`). */
export async function installedPackages(image: LocalImage): Promise<Set<string>> {
  const base = image.path('node_modules');
  const names = new Set<string>();
  for (const entry of await readdir(base)) {
    if (entry.startsWith('@')) for (const sub of await readdir(join(base, entry))) names.add(`${entry}/${sub}`);
    else if (!entry.startsWith('.')) names.add(entry);
  }
  return names;
}
