import { readdir, readFile, rm, utimes, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { platformObserver } from '../src/datasets/observer.js';
import type { GateEvaluator } from '../src/orchestrator/events.js';
import { StageRegistry } from '../src/stages/registry.js';
import { builtinStageTypes } from '../src/stages/builtin/index.js';
import { loaded, tempDir, testOrchestrator } from './helpers.js';

async function query(sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    return (await c.runAndReadAll(sql)).getRowObjectsJson();
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

const pipelineDef = {
  pipeline: 'trades',
  stages: [
    {
      id: 'clean',
      type: 'transform-files',
      inputs: ['file://landing/'],
      outputs: ['file://clean/'],
      incremental: { mode: 'objects' as const },
      params: { sql: 'SELECT symbol, price * qty AS notional FROM input' },
    },
  ],
};

async function setup(gates?: GateEvaluator) {
  const dir = await tempDir('wf-inc-');
  await mkdir(join(dir, 'landing'), { recursive: true });
  const registry = new StageRegistry(builtinStageTypes());
  const t = await testOrchestrator(registry, {
    observer: platformObserver({ baseDir: dir }),
    ...(gates ? { gates } : {}),
  });
  const run = async (def: typeof pipelineDef = pipelineDef) => t.orchestrator.run(loaded(def, registry, dir));
  const outputs = async () =>
    (await readdir(join(dir, 'clean'), { recursive: true }).catch(() => []))
      .filter((f) => f.endsWith('.parquet'))
      .sort();
  const write = (name: string, body: string) => writeFile(join(dir, 'landing', name), body);
  return { dir, run, outputs, write, ...t };
}

describe('incremental runs across change patterns (end to end)', () => {
  it('processes appends, an in-place rewrite and deletions, and does nothing for an identical re-upload', async () => {
    const { dir, run, outputs, write } = await setup();
    await write('a.csv', 'symbol,price,qty\nBTC,10,1\n');
    await write('b.csv', 'symbol,price,qty\nETH,2,3\n');
    const first = await run();
    expect(first.stages.clean?.result?.metrics).toMatchObject({ files: 2, rows: 2 });

    await write('c.csv', 'symbol,price,qty\nSOL,1,1\n');
    const append = await run();
    expect(append.stages.clean?.reason).toContain('1 new object, 0 changed, 0 deleted, 2 unchanged skipped');
    expect(append.stages.clean?.result?.metrics).toMatchObject({ files: 1 });

    await write('a.csv', 'symbol,price,qty\nBTC,10,5\n');
    const rewrite = await run();
    expect(rewrite.stages.clean?.reason).toContain('0 new objects, 1 changed');
    expect(await query(`SELECT notional FROM '${join(dir, 'clean', 'a.csv.parquet')}'`)).toEqual([{ notional: '50' }]);

    const body = await readFile(join(dir, 'landing', 'b.csv'));
    await writeFile(join(dir, 'landing', 'b.csv'), body);
    await utimes(join(dir, 'landing', 'b.csv'), new Date(), new Date(Date.now() + 5000));
    const reupload = await run();
    expect(reupload.stages.clean?.status).toBe('SKIPPED');
    expect(reupload.stages.clean?.reason).toContain('3 unchanged skipped');

    await rm(join(dir, 'landing', 'c.csv'));
    const deletion = await run();
    expect(deletion.stages.clean?.reason).toContain('1 deleted');
    expect(await outputs()).toEqual(['a.csv.parquet', 'b.csv.parquet']);
  });

  it('quarantines a corrupted input file with a clear reason and processes the rest', async () => {
    const { dir, run, write, outputs } = await setup();
    await write('good.csv', 'symbol,price,qty\nBTC,1,1\n');
    await write('bad.parquet', 'PAR1 this is not parquet');
    const summary = await run();
    expect(summary.status).toBe('SUCCEEDED');
    expect(summary.stages.clean?.result?.metrics).toMatchObject({ quarantined: 1 });
    const record = JSON.parse(
      await readFile(join(dir, '.coattail', 'quarantine', 'trades', 'clean', 'bad.parquet.json'), 'utf8'),
    ) as { reason: string };
    expect(record.reason).toMatch(/^unreadable input: .*bad.parquet/);
    expect(await outputs()).toEqual(['good.csv.parquet']);
  });

  it('copes with an input whose schema evolves between deliveries', async () => {
    const { dir, run, write } = await setup();
    await write('a.csv', 'symbol,price,qty\nBTC,1,2\n');
    await run();
    await write('b.csv', 'symbol,price,qty,venue\nETH,3,4,binance\n');
    const evolved = await run();
    expect(evolved.status).toBe('SUCCEEDED');
    expect(
      await query(`SELECT symbol, notional FROM read_parquet('${join(dir, 'clean')}/*.parquet') ORDER BY symbol`),
    ).toEqual([
      { symbol: 'BTC', notional: '2' },
      { symbol: 'ETH', notional: '12' },
    ]);
  });

  it('recovers from a quality failure: fix the data, resume, and only the failed stage runs again', async () => {
    const negativeNotional: GateEvaluator = {
      evaluate: async ({ result }) => {
        const location = result.outputs?.[0]?.location ?? '';
        const [row] = await query(
          `SELECT count(*)::INTEGER AS bad FROM read_parquet('${location}/*.parquet') WHERE notional < 0`,
        );
        const bad = Number(row?.bad);
        return {
          passed: bad === 0,
          summary: bad === 0 ? 'notional >= 0 on every row' : `${bad} row(s) with negative notional`,
        };
      },
    };
    const { run, write, orchestrator } = await setup(negativeNotional);
    const gated = {
      ...pipelineDef,
      stages: [
        {
          ...pipelineDef.stages[0]!,
          gates: [{ name: 'notional_positive', rules: [{ type: 'bounds', column: 'notional', min: 0 }] }],
        },
        { id: 'publish', type: 'noop', dependsOn: ['clean'] },
      ],
    };
    await write('a.csv', 'symbol,price,qty\nBTC,10,-1\n');
    const failed = await run(gated as typeof pipelineDef);
    expect(failed.status).toBe('FAILED');
    expect(failed.stages.clean?.reason).toBe('quality gate failed: 1 row(s) with negative notional');
    expect(failed.stages.publish?.status).toBe('NOT_RUN');
    await write('a.csv', 'symbol,price,qty\nBTC,10,1\n');
    const resumed = await orchestrator.resume(failed.runId);
    expect(resumed.status).toBe('SUCCEEDED');
    expect(resumed.stages.clean?.reason).toContain('1 new object');
    expect(resumed.stages.publish?.status).toBe('SUCCEEDED');
  });
});
