import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deadPid, plantDeadLock } from '../../test/planted-lock.js';
import { tempCatalog, tradeSchema, tradeSpec } from '../../test/temp-catalog.js';

const run = promisify(execFile);
const worker = fileURLToPath(new URL('../../test/append-worker.ts', import.meta.url));

let env: Awaited<ReturnType<typeof tempCatalog>>;
beforeEach(async () => {
  env = await tempCatalog();
});
afterEach(async () => env.cleanup());

describe('local catalog across processes', () => {
  it('lets two writer processes append concurrently with no commit lost, starting on a SIGKILLed writer’s lock', async () => {
    await env.catalog.createTable('market.trades', { schema: tradeSchema, spec: tradeSpec });
    await plantDeadLock(join(env.root, 'catalog'), 'market.trades', await deadPid());
    const rounds = 5;
    await Promise.all(
      [0, 100_000].map((offset) =>
        run(process.execPath, ['--import', 'tsx', worker, env.root, String(offset), String(rounds)], {
          cwd: fileURLToPath(new URL('../..', import.meta.url)),
        }),
      ),
    );
    const table = await env.catalog.loadTable('market.trades');
    expect(table.snapshots()).toHaveLength(2 * rounds);
    const rows = await table.scan().toRows();
    expect(new Set(rows.map((r) => r.trade_id)).size).toBe(2 * rounds * 20);
  }, 60_000);
});
