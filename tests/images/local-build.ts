/**
 * Builds a Dockerfile into folders, without a Docker engine (none runs on our development and CI
 * machines): every stage gets a root folder, COPY copies from the build context (filtered by
 * .dockerignore) or from an earlier stage's root, RUN runs in the stage's WORKDIR, and the last
 * stage becomes a runnable image. USER and --chown are applied with this machine's users of the
 * same names (created when missing, as node:24-slim has them): RUN steps and the started image run
 * with the user's uid and gid, copied files get the owner asked for. What this cannot check, and
 * says so: the base image (`node:24-slim` is stood in for by this machine's Node; its files
 * outside the build folder are this machine's) and the layer cache.
 */
import { spawnSync } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, posix, relative } from 'node:path';
import { parseDockerfile, type Instruction } from './dockerfile.js';
import { loadDockerignore } from './dockerignore.js';
import { asUser, resolveUser } from './image-user.js';
import type { LocalImage } from './local-image.js';

interface Stage {
  root: string;
  workdir: string;
  env: Record<string, string>;
  user?: string;
  entrypoint: string[];
  cmd: string[];
  healthcheck?: string[];
  stopSignal: NodeJS.Signals;
}

const inside = (root: string, p: string): string => join(root, p.replace(/^\/+/, ''));

async function copyInto(
  source: string,
  dest: string,
  destIsDir: boolean,
  filter?: (hostPath: string) => boolean,
): Promise<void> {
  const info = await stat(source).catch(() => undefined);
  if (info === undefined) throw new Error(`COPY source ${source} does not exist`);
  const target = info.isDirectory() || !destIsDir ? dest : join(dest, source.split('/').at(-1)!);
  await mkdir(info.isDirectory() ? target : dirname(target), { recursive: true });
  // Symlinks verbatim, as Docker copies them: npm's workspace links are relative and must stay so.
  await cp(source, target, { recursive: true, verbatimSymlinks: true, ...(filter ? { filter } : {}) });
}

interface BuildOptions {
  log?: (line: string) => void;
  /** Extra environment for RUN steps (e.g. npm settings). */
  runEnv?: Record<string, string>;
}

/** Builds `dockerfile` with `context` as the build context into a fresh temporary folder; a failed build leaves nothing behind. */
export async function buildLocally(
  dockerfile: string,
  context: string,
  options: BuildOptions = {},
): Promise<LocalImage> {
  const out = await mkdtemp(join(tmpdir(), 'coattail-image-'));
  // mkdtemp makes the folder private to us; the image's user must reach its files, as in a container.
  await chmod(out, 0o755);
  try {
    return await buildInto(out, dockerfile, context, options);
  } catch (error) {
    await rm(out, { recursive: true, force: true });
    throw error;
  }
}

async function buildInto(out: string, dockerfile: string, context: string, options: BuildOptions): Promise<LocalImage> {
  const instructions: Instruction[] = parseDockerfile(
    await readFile(dockerfile, 'utf8'),
    relative(context, dockerfile),
  );
  // The users the Dockerfile names exist before any step, as in its base image (RUN chown may name them).
  for (const ins of instructions) {
    if (ins.op === 'USER' && ins.user !== 'root') resolveUser(ins.user);
    if (ins.op === 'COPY' && ins.chown !== undefined) resolveUser(ins.chown);
  }
  const ignored = await loadDockerignore(context);
  const fromContext = (hostPath: string): boolean => {
    const rel = relative(context, hostPath).split('\\').join('/');
    return rel === '' || !ignored(rel);
  };
  const stages = new Map<string, Stage>();
  let stage: Stage | undefined;
  let index = 0;
  for (const ins of instructions) {
    if (ins.op === 'FROM') {
      const parent = stages.get(ins.image);
      stage = {
        root: join(out, `stage-${index}`),
        workdir: parent?.workdir ?? '/',
        env: { ...parent?.env },
        entrypoint: [],
        cmd: [],
        stopSignal: 'SIGTERM',
      };
      if (parent) await cp(parent.root, stage.root, { recursive: true, verbatimSymlinks: true });
      await mkdir(stage.root, { recursive: true });
      stages.set(ins.alias ?? String(index), stage);
      stages.set(String(index++), stage);
      continue;
    }
    if (stage === undefined) throw new Error(`${dockerfile}:${ins.line}: ${ins.op} before FROM`);
    const s = stage;
    switch (ins.op) {
      case 'WORKDIR':
        s.workdir = posix.resolve(s.workdir, ins.path);
        await mkdir(inside(s.root, s.workdir), { recursive: true });
        break;
      case 'ENV':
        Object.assign(s.env, ins.vars);
        break;
      case 'COPY': {
        const dest = inside(s.root, posix.resolve(s.workdir, ins.dest));
        const destIsDir = ins.dest.endsWith('/') || ins.sources.length > 1 || ins.dest === '.';
        for (const src of ins.sources) {
          if (ins.from !== undefined) {
            const from = stages.get(ins.from);
            if (from === undefined)
              throw new Error(`${dockerfile}:${ins.line}: COPY --from=${ins.from}: no such stage`);
            await copyInto(inside(from.root, posix.resolve('/', src)), dest, destIsDir);
          } else {
            if (isAbsolute(src) || src.split('/').includes('..'))
              throw new Error(`${dockerfile}:${ins.line}: COPY source ${src} is outside the build context`);
            await copyInto(join(context, src), dest, destIsDir, fromContext);
          }
        }
        if (ins.chown !== undefined) {
          // Ownership of what this COPY wrote (the whole destination: COPY's own files and folders).
          const { uid, gid } = resolveUser(ins.chown);
          const r = spawnSync('chown', ['-R', '-h', `${uid}:${gid}`, dest], { encoding: 'utf8' });
          if (r.status !== 0) throw new Error(`${dockerfile}:${ins.line}: COPY --chown=${ins.chown}: ${r.stderr}`);
        }
        break;
      }
      case 'RUN': {
        options.log?.(`RUN ${ins.command.join(' ')}`);
        const [cmd, ...args] = ins.command;
        // A container's RUN sees its image's environment, not ours: PATH and HOME (npm's cache) only.
        const env = {
          PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
          HOME: process.env.HOME ?? '/root',
          ...s.env,
          ...options.runEnv,
        };
        const r = spawnSync(cmd!, args, {
          cwd: inside(s.root, s.workdir),
          env,
          ...asUser(s.user),
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
        });
        if (r.status !== 0)
          throw new Error(
            `${dockerfile}:${ins.line}: RUN failed (exit ${String(r.status)}): ${ins.command.join(' ')}\n${r.stdout}\n${r.stderr}`,
          );
        break;
      }
      case 'USER':
        s.user = ins.user;
        break;
      case 'CMD':
        s.cmd = ins.command;
        break;
      case 'ENTRYPOINT':
        s.entrypoint = ins.command;
        break;
      case 'HEALTHCHECK':
        s.healthcheck = ins.command;
        break;
      case 'STOPSIGNAL':
        s.stopSignal = ins.signal as NodeJS.Signals;
        break;
      case 'EXPOSE':
      case 'ARG':
      case 'LABEL':
        break;
    }
  }
  if (stage === undefined) throw new Error(`${dockerfile}: no FROM`);
  const last = stage;
  return {
    ...last,
    user: last.user,
    healthcheck: last.healthcheck,
    path: (p) => inside(last.root, posix.resolve(last.workdir, p)),
    remove: () => rm(out, { recursive: true, force: true }),
  };
}
