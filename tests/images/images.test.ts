/**
 * The container images, built without a Docker engine (none runs on these machines): the
 * Dockerfiles are built into folders by ./local-build.ts — every COPY (through .dockerignore) and
 * RUN, the npm ci included — and the result is started the way ECS starts it. The base image
 * is this machine's Node standing in for node:24-slim. USER and --chown are applied: the images
 * run with the uid and gid of a user of the same name on this machine, as they will on Fargate. What
 * is checked is that the image's files, dependencies, command, health check and stop signal work,
 * and that its user can write what it must and nothing else.
 */
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalStack, type LocalStack } from '@coattail/local-stack';
import { startExchangeSimulator, type ExchangeSimulator } from '@coattail/producer';
import { readTrades } from '@coattail/producer/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDockerfile } from './dockerfile.js';
import { ignorePattern } from './dockerignore.js';
import { resolveUser } from './image-user.js';
import { buildLocally } from './local-build.js';
import { healthcheck, installedPackages, runImage, type LocalImage } from './local-image.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
// The build's npm install may use this machine's npm cache (CI has just filled it).
const runEnv = { npm_config_prefer_offline: 'true' };
const DEV_ONLY = [
  'vitest',
  'typescript',
  'eslint',
  'turbo',
  'fast-check',
  'playwright-core',
  // The AWS emulators and the CDK app are development workspaces: never in an image.
  '@coattail/local-stack',
  'kinesalite',
  'dynalite',
  's3rver',
  'aws-cdk-lib',
  'aws-cdk',
  'cdk-nag',
];

/** Runs a command in the image (as its user) and resolves its exit code and output. */
async function runIn(
  image: LocalImage,
  entrypoint: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = runImage(image, { entrypoint, args: [] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, stdout, stderr };
}

/** A script run inside the image: which user it runs as, and which of the paths it can write. */
const WRITE_PROBE = `
const fs = require('node:fs'), os = require('node:os'), path = require('node:path');
const canWrite = (dir) => { try { const f = path.join(dir, '.probe-' + process.pid); fs.writeFileSync(f, 'x'); fs.rmSync(f); return true; } catch { return false; } };
console.log(JSON.stringify({ uid: process.getuid(), gid: process.getgid(), writable: Object.fromEntries(process.argv.slice(1).map((d) => [d, canWrite(d === 'TMP' ? os.tmpdir() : d)])) }));
`;

interface Probe {
  uid: number;
  gid: number;
  writable: Record<string, boolean>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

const until = async (what: string, ok: () => Promise<boolean> | boolean, ms: number): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

describe('.dockerignore patterns', () => {
  it('match like Docker: a folder takes its subtree, ** spans folders, * stays in one', () => {
    expect(ignorePattern('**/node_modules').test('node_modules/x/index.js')).toBe(true);
    expect(ignorePattern('**/node_modules').test('producer/node_modules/ws')).toBe(true);
    expect(ignorePattern('.git').test('.git/HEAD')).toBe(true);
    expect(ignorePattern('.git').test('producer/.git')).toBe(false);
    expect(ignorePattern('**/*.log').test('a/b/c.log')).toBe(true);
    expect(ignorePattern('*.log').test('a/c.log')).toBe(false);
  });
});

describe.each(['producer/Dockerfile', 'infra/jobs/Dockerfile'])('%s as written', (file) => {
  it('builds on a maintained Node LTS and installs exactly the lockfile (npm ci)', async () => {
    const steps = parseDockerfile(await readFile(join(ROOT, file), 'utf8'), file);
    const stages = new Set(steps.flatMap((s) => (s.op === 'FROM' && s.alias ? [s.alias] : [])));
    const bases = steps.flatMap((s) => (s.op === 'FROM' && !stages.has(s.image) ? [s.image] : []));
    expect(bases.length).toBeGreaterThan(0);
    for (const image of bases) {
      // Even majors are the LTS lines; Node 20 reached its end of life in April 2026.
      const major = Number(/^node:(\d+)/.exec(image)?.[1]);
      expect(major % 2 === 0 && major >= 22, `${file}: FROM ${image}`).toBe(true);
    }
    const runs = steps.flatMap((s) => (s.op === 'RUN' ? [s.command.join(' ')] : []));
    const installs = runs.filter((r) => /\bnpm (ci|install|i)\b/.test(r));
    expect(installs.length).toBeGreaterThan(0);
    for (const install of installs) expect(install).toMatch(/\bnpm ci\b/);
  });
});

describe('producer/Dockerfile', () => {
  let image: LocalImage;
  let stack: LocalStack;
  let sim: ExchangeSimulator;
  beforeAll(async () => {
    [image, stack, sim] = await Promise.all([
      buildLocally(join(ROOT, 'producer/Dockerfile'), ROOT, { runEnv }),
      startLocalStack({ streams: [{ name: 'image-trades', shards: 2 }], tables: [], buckets: [] }),
      startExchangeSimulator({ symbols: ['BTC-USDT', 'ETH-USDT'], tradesPerSecond: 500 }),
    ]);
  }, 180_000);
  afterAll(async () => {
    await sim?.close();
    await stack?.stop();
    await image?.remove();
  });

  it('holds production dependencies only, runs as a non-root user and stops on SIGTERM', async () => {
    const packages = await installedPackages(image);
    expect(packages.has('ws') && packages.has('tsx') && packages.has('@aws-sdk/client-kinesis')).toBe(true);
    expect(DEV_ONLY.filter((p) => packages.has(p))).toEqual([]);
    expect(image.user).toBe('node');
    expect(image.stopSignal).toBe('SIGTERM');
    expect(image.env.NODE_ENV).toBe('production');
  });

  it('runs as node, not root: its code is read-only to it, scratch space is writable', async () => {
    const node = resolveUser('node');
    expect(node.uid).not.toBe(0);
    const { code, stdout, stderr } = await runIn(image, ['node', '-e', WRITE_PROBE, 'TMP', '.', 'producer/src']);
    expect(code, stderr).toBe(0);
    const probe = JSON.parse(stdout) as Probe;
    expect([probe.uid, probe.gid]).toEqual([node.uid, node.gid]);
    // The producer writes nothing but to /tmp; its files are node's (COPY --chown) and it runs on a read-only root on Fargate.
    expect(probe.writable.TMP).toBe(true);
    expect((await stat(image.path('producer/src/main.ts'))).uid).toBe(node.uid);
  });

  it('starts from its CMD, passes its HEALTHCHECK, publishes trades and flushes them all on SIGTERM', async () => {
    const port = String(await freePort());
    const env = {
      HEALTH_PORT: port,
      SYMBOLS: 'BTC-USDT,ETH-USDT',
      BINANCE_WS_URL: sim.binanceUrl,
      COINBASE_WS_URL: sim.coinbaseUrl,
      COATTAIL_KINESIS_ENDPOINT: stack.endpoints.kinesis,
      STREAM_NAME: 'image-trades',
      EMF_INTERVAL_MS: '0',
    };
    const child = runImage(image, { env });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));

    expect(await healthcheck(image, env)).not.toBe(0);
    await until(
      `the health check to pass (stderr: ${stderr})`,
      async () => (await healthcheck(image, env)) === 0,
      60_000,
    );
    await until(
      'trades from both exchanges',
      () => sim.sessions('binance') === 1 && sim.sessions('coinbase') === 1,
      20_000,
    );
    await new Promise((r) => setTimeout(r, 1_500));
    child.kill(image.stopSignal);
    expect(await exited, stderr).toBe(0);

    const summary = stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg?: string; received?: number; published?: number })
      .find((l) => l.msg === 'producer stopped');
    expect(summary?.received).toBeGreaterThan(0);
    expect(summary?.published).toBe(summary?.received);
    const stored = await readTrades(stack.clients.kinesis, 'image-trades');
    expect(stored.length).toBe(summary?.received);
    expect(new Set(stored.map((t) => t.event_id)).size).toBe(stored.length);
  });
});

describe('infra/jobs/Dockerfile', () => {
  let image: LocalImage;
  beforeAll(async () => {
    image = await buildLocally(join(ROOT, 'infra/jobs/Dockerfile'), ROOT, { runEnv });
  }, 240_000);
  afterAll(() => image?.remove());

  it('holds production dependencies only, with the native modules the jobs load', async () => {
    const packages = await installedPackages(image);
    expect(packages.has('@duckdb/node-api') && packages.has('tsx') && packages.has('@aws-sdk/client-dynamodb')).toBe(
      true,
    );
    expect(DEV_ONLY.filter((p) => packages.has(p))).toEqual([]);
    expect(image.user).toBe('node');
  });

  it('runs as node: the jobs can write their state folder (.coattail) and /tmp, not the code', async () => {
    const node = resolveUser('node');
    expect(node.uid).not.toBe(0);
    const { code, stdout, stderr } = await runIn(image, ['node', '-e', WRITE_PROBE, 'TMP', '.coattail', '.', 'cli']);
    expect(code, stderr).toBe(0);
    const probe = JSON.parse(stdout) as Probe;
    expect([probe.uid, probe.gid]).toEqual([node.uid, node.gid]);
    expect(probe.writable).toEqual({ TMP: true, '.coattail': true, '.': false, cli: false });
  });

  it('says clearly that the embedded AWS stack is not in the image, and still answers --help', async () => {
    // `--help` loads every command's module: none may need a development dependency.
    const help = await runIn(image, ['node', 'cli/bin/coattail.js', '--help']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('local-stack');
    const { code, stderr } = await runIn(image, ['node', 'cli/bin/coattail.js', 'local-stack']);
    expect(code).not.toBe(0);
    expect(stderr).toContain('@coattail/local-stack');
  }, 180_000);

  it('runs `coattail job` from its entrypoint: the default command lists the jobs', async () => {
    const child = runImage(image);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('volume-anomaly');
  });
});
