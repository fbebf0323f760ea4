import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTable, loadTableDefinitions } from '@coattail/connectors';
import { startLocalStack, type LocalStack } from '@coattail/local-stack';

interface Line {
  worker: string;
  at: number;
  type: 'started' | 'held' | 'write' | 'lost' | 'error';
  shard?: string;
  shards?: string[];
  counter?: number;
}

const FAILOVER_MS = 1_500;
const WORKER = fileURLToPath(new URL('./lease-worker.ts', import.meta.url));
let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({ streams: [{ name: 'failover', shards: 6 }], tables: [], buckets: [] });
  await ensureTable(
    stack.clients.dynamodb,
    (await loadTableDefinitions()).find((t) => t.TableName === 'coattail-leases')!,
    'failover-leases',
  );
});
afterAll(() => stack.stop());

function startWorker(id: string, lines: Line[]): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
    env: {
      ...process.env,
      WORKER_ID: id,
      DYNAMODB_ENDPOINT: stack.endpoints.dynamodb,
      KINESIS_ENDPOINT: stack.endpoints.kinesis,
      STREAM: 'failover',
      TABLE: 'failover-leases',
      FAILOVER_MS: String(FAILOVER_MS),
      NODE_NO_WARNINGS: '1',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let rest = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const text = rest + chunk.toString();
    const parts = text.split('\n');
    rest = parts.pop()!;
    for (const p of parts) if (p.trim() !== '') lines.push(JSON.parse(p) as Line);
  });
  return child;
}

async function until(what: string, predicate: () => boolean, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - start;
}

const heldBy = (lines: Line[], worker: string): string[] =>
  lines.filter((l) => l.worker === worker && l.type === 'held').at(-1)?.shards ?? [];

describe('lease fail-over across worker processes (DynamoDB lease table on dynalite)', () => {
  it('moves a killed worker’s shards to the others within the lease expiry, never letting two workers write one shard', async () => {
    const lines: Line[] = [];
    const workers = new Map(['w1', 'w2', 'w3'].map((id) => [id, startWorker(id, lines)]));
    try {
      await until('an even 2/2/2 split', () => ['w1', 'w2', 'w3'].every((w) => heldBy(lines, w).length === 2), 25_000);
      const victim = 'w3';
      const orphaned = heldBy(lines, victim);
      workers.get(victim)!.kill('SIGKILL');
      const killedAt = Date.now();
      const survivorWrite = (s: string): Line | undefined =>
        lines.find((l) => l.type === 'write' && l.shard === s && l.worker !== victim && l.at > killedAt);
      await until(
        'the orphaned shards to be written by survivors',
        () => orphaned.every((s) => survivorWrite(s)),
        30_000,
      );
      // Measured on the survivors' own stamps (when they wrote), not when this test noticed: expiry is
      // judged on their clocks, so failover time plus up to two renew rounds, plus a write's latency.
      const tookMs = Math.max(...orphaned.map((s) => survivorWrite(s)!.at - killedAt));
      expect(tookMs).toBeLessThan(FAILOVER_MS + 2 * (FAILOVER_MS / 3) + 1_500);
      await until('a 3/3 split', () => heldBy(lines, 'w1').length === 3 && heldBy(lines, 'w2').length === 3, 10_000);
    } finally {
      for (const w of workers.values()) if (w.exitCode === null && w.signalCode === null) w.kill('SIGTERM');
      await Promise.all(
        [...workers.values()].map((w) =>
          w.exitCode !== null || w.signalCode !== null ? Promise.resolve() : new Promise((r) => w.once('exit', r)),
        ),
      );
    }

    const writes = lines.filter((l) => l.type === 'write');
    expect(writes.length).toBeGreaterThan(50);
    expect(lines.filter((l) => l.type === 'error')).toEqual([]);
    for (let s = 0; s < 6; s++) {
      const shard = `shardId-00000000000${s}`;
      const mine = writes.filter((w) => w.shard === shard).sort((a, b) => a.counter! - b.counter!);
      // Each fenced write consumed a distinct counter value: no two workers ever wrote at the same fencing token...
      expect(new Set(mine.map((w) => w.counter)).size).toBe(mine.length);
      // ...and in counter order the writes are also in time order: ownership passed, it was never shared.
      for (let i = 1; i < mine.length; i++) expect(mine[i]!.at).toBeGreaterThanOrEqual(mine[i - 1]!.at - 5);
    }
  }, 60_000);
});
