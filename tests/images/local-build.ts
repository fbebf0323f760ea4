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
import { spawn, spawnSync } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, posix, relative } from 'node:path';
import { parseDockerfile, type Instruction } from './dockerfile.js';

/** A user of the image, as uid and gid on this machine. */
export interface ImageUser {
  name: string;
  uid: number;
  gid: number;
}

function idOf(flag: '-u' | '-g', name: string): number | undefined {
  const r = spawnSync('id', [flag, name], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.trim()) : undefined;
}

/**
 * Resolves a USER (`name` or `name:group`, or numeric) to this machine's uid and gid, creating a
 * system user of that name when there is none (the base image has it; this machine may not).
 */
export function resolveUser(spec: string): ImageUser {
  const [name = spec, group] = spec.split(':');
  if (/^\d+$/.test(name)) return { name, uid: Number(name), gid: Number(group ?? name) };
  if (idOf('-u', name) === undefined) {
    const r = spawnSync(
      'useradd',
      ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', name],
      {
        encoding: 'utf8',
      },
    );
    if (r.status !== 0 && idOf('-u', name) === undefined)
      throw new Error(`the image runs as '${name}', which this machine lacks and could not create: ${r.stderr}`);
  }
  const gid = group === undefined ? idOf('-g', name) : /^\d+$/.test(group) ? Number(group) : idOf('-g', group);
  return { name, uid: idOf('-u', name)!, gid: gid ?? idOf('-g', name)! };
}

/** spawn options that drop to the image's user (none for root or no USER). */
function asUser(user: string | undefined): { uid?: number; gid?: number } {
  if (user === undefined || user === 'root' || user === '0') return {};
  const { uid, gid } = resolveUser(user);
  return { uid, gid };
}

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

/** A .dockerignore pattern (`*`, `?`, `**`) as a regular expression; matching a folder matches its subtree. */
export function ignorePattern(pattern: string): RegExp {
  const segments = posix.normalize(pattern.replace(/^\/+/, '')).replace(/\/+$/, '').split('/');
  const body = segments
    .map((seg, i) => {
      const last = i === segments.length - 1;
      if (seg === '**') return last ? '.*' : '(?:[^/]+/)*';
      return (
        seg
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '[^/]*')
          .replace(/\?/g, '[^/]') + (last ? '' : '/')
      );
    })
    .join('');
  return new RegExp(`^${body}(?:/.*)?$`);
}

/** `.dockerignore` as a predicate on context-relative paths (`!` re-includes; the last match wins). */
export async function loadDockerignore(context: string): Promise<(path: string) => boolean> {
  const text = await readFile(join(context, '.dockerignore'), 'utf8').catch(() => '');
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => ({ negate: l.startsWith('!'), re: ignorePattern(l.replace(/^!/, '')) }));
  return (path) => rules.reduce((ignored, r) => (r.re.test(path) ? !r.negate : ignored), false);
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
