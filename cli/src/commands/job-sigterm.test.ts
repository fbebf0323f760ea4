import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { startLocalStack, type LocalStack } from '@coattail/local-stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = new URL('../../bin/coattail.js', import.meta.url).pathname;

let stack: LocalStack;
let dir: string;
beforeAll(async () => {
  [stack, dir] = await Promise.all([
    startLocalStack({ streams: [{ name: 'coattail-trades', shards: 1 }] }),
    mkdtemp(join(tmpdir(), 'job-sigterm-')),
  ]);
});
afterAll(async () => {
  await Promise.all([stack.stop(), rm(dir, { recursive: true, force: true })]);
});

/**
 * Starts `coattail job whale-detector`, sends SIGTERM the moment its output shows `trigger`, and
 * resolves with how it ended and what it printed.
 */
function signalAt(
  trigger: string,
  args: string[],
): Promise<{ code: number | null; signal: string | null; out: string }> {
  const child = spawn(process.execPath, [CLI, 'job', 'whale-detector', '--state-dir', join(dir, 'state'), ...args], {
    env: {
      ...process.env,
      LOG_LEVEL: 'debug',
      CHECKPOINT_INTERVAL_MS: '500',
      COATTAIL_KINESIS_ENDPOINT: stack.endpoints.kinesis,
      COATTAIL_DYNAMODB_ENDPOINT: stack.endpoints.dynamodb,
      COATTAIL_S3_ENDPOINT: stack.endpoints.s3,
      AWS_REGION: stack.region,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let sent = false;
  const watch = (chunk: Buffer): void => {
    out += chunk.toString();
    if (!sent && out.includes(`"msg":"${trigger}"`)) {
      sent = true;
      child.kill('SIGTERM');
    }
  };
  child.stdout.on('data', watch);
  child.stderr.on('data', watch);
  // A job that never reaches the trigger must not outlive the test.
  const reaper = setTimeout(() => child.kill('SIGKILL'), 55_000);
  return new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      clearTimeout(reaper);
      resolve({ code, signal, out });
    }),
  );
}

describe('coattail job stopped by SIGTERM at any moment of its start-up', () => {
  it('exits cleanly when the signal comes while its modules are still loading', async () => {
    const r = await signalAt('stop signals caught from here on', []);
    expect(r, r.out.slice(-2000)).toMatchObject({ code: 0, signal: null });
    expect(r.out).toMatch(/"msg":"stopped before reading: nothing to checkpoint"|"msg":"stream job stopped"/);
  }, 60_000);

  it('exits cleanly when the signal comes before the lease table exists, handing no lease out', async () => {
    const r = await signalAt('starting stream job', ['--leases']);
    expect(r, r.out.slice(-2000)).toMatchObject({ code: 0, signal: null });
    expect(r.out).toContain('"msg":"stopped before reading: nothing to checkpoint"');
  }, 60_000);

  it('exits cleanly when the signal comes right after the leases were taken, handing them back', async () => {
    const r = await signalAt('leases started', ['--leases']);
    expect(r, r.out.slice(-2000)).toMatchObject({ code: 0, signal: null });
    // The signal lands just before or just after the job is created: either way a clean stop.
    expect(r.out).toMatch(/"msg":"stopped before reading: nothing to checkpoint"|"msg":"stream job stopped"/);
  }, 60_000);

  it('takes a final checkpoint when the signal comes as the job starts its tasks', async () => {
    // The first task has opened (its splits assigned, nothing read yet): a stop must checkpoint it.
    const r = await signalAt('task running', []);
    expect(r, r.out.slice(-2000)).toMatchObject({ code: 0, signal: null });
    expect(r.out).toContain('"msg":"stream job stopped"');
    const listed = await stack.clients.s3.send(
      new ListObjectsV2Command({ Bucket: 'coattail-checkpoints', Prefix: 'jobs/whale-detector/' }),
    );
    expect((listed.Contents ?? []).some((o) => o.Key?.endsWith('_manifest.json'))).toBe(true);
  }, 60_000);
});
