import { createHash } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';

const SOURCE = /\.(ts|tsx|mts|cts)$/;

/**
 * Packages installed as JavaScript stay outside the bundle, imported by their absolute address (the
 * bundle lives in a temporary directory); TypeScript, such as the workspace's own packages, goes in.
 */
const installedPackagesOutside: Plugin = {
  name: 'installed-packages-outside',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith('node:') || args.pluginData === 'resolving') return undefined;
      const resolved = await b.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: 'resolving',
      });
      if (resolved.errors.length > 0 || resolved.external) return resolved;
      if (resolved.path.includes('/node_modules/') && !SOURCE.test(resolved.path))
        return { path: pathToFileURL(resolved.path).href, external: true };
      return resolved;
    });
  },
};

/**
 * The code a worker thread starts with when the job runs from TypeScript and its threads start
 * from one bundle: the runtime's thread loop and the job module, compiled to JavaScript once (by
 * esbuild, when the job starts) instead of by tsx in every thread, which costs each thread about
 * half a second of CPU. The bundle is kept in the temporary directory under a name derived from its
 * content and written again by every attempt of a job (its threads import it within seconds);
 * bundles no attempt has written for a day are removed then, so old code does not pile up there.
 */
export async function bundledWorkerCode(jobModule: string): Promise<string> {
  // esbuild is loaded here, on the thread starting the job, and never in a worker thread.
  const { build } = await import('esbuild');
  const runner = fileURLToPath(new URL('./thread-runner.ts', import.meta.url));
  const job = jobModule.startsWith('file:') ? fileURLToPath(jobModule) : jobModule;
  const entry = [
    `import { parentPort, workerData } from 'node:worker_threads';`,
    `import * as job from ${JSON.stringify(job)};`,
    `import { preloadJobModule, runThread } from ${JSON.stringify(runner)};`,
    `preloadJobModule(${JSON.stringify(jobModule)}, job);`,
    `await runThread(workerData, parentPort);`,
    `parentPort.close();`,
  ].join('\n');
  const result = await build({
    stdin: { contents: entry, resolveDir: dirname(runner), sourcefile: 'thread-entry.ts', loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: `node${process.versions.node}`,
    write: false,
    logLevel: 'silent',
    plugins: [installedPackagesOutside],
  });
  const code = result.outputFiles[0]!.contents;
  const dir = join(tmpdir(), 'coattail-threads');
  const file = join(dir, `${createHash('sha256').update(code).digest('hex').slice(0, 32)}.mjs`);
  await mkdir(dir, { recursive: true });
  // Written aside and renamed, so a job starting at the same moment never reads half a file.
  const partial = `${file}.${process.pid}.${Date.now()}`;
  await writeFile(partial, code);
  await rename(partial, file);
  await removeStaleBundles(dir, Date.now());
  return `import(${JSON.stringify(pathToFileURL(file).href)});`;
}

/** Bundles (and half-written ones) in `dir` last written this long ago are removed. */
export const STALE_BUNDLE_MS = 24 * 60 * 60 * 1000;

/**
 * Removes the files in `dir` last written more than {@link STALE_BUNDLE_MS} before `now`. Best
 * effort: a file another job removes first, or one that cannot be removed, is left to the next job.
 */
export async function removeStaleBundles(dir: string, now: number): Promise<number> {
  let removed = 0;
  for (const name of await readdir(dir).catch(() => [])) {
    const path = join(dir, name);
    const written = await stat(path).then(
      (s) => (s.isFile() ? s.mtimeMs : undefined),
      () => undefined,
    );
    if (written === undefined || now - written <= STALE_BUNDLE_MS) continue;
    await rm(path, { force: true }).then(
      () => void removed++,
      () => undefined,
    );
  }
  return removed;
}
