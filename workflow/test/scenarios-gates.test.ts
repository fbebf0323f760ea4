import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DefinitionError } from '../src/errors.js';
import { parsePipeline } from '../src/definition/load.js';
import { evaluateGate } from '../src/gates/evaluate-gate.js';
import { FAILED_RULES_COLUMN } from '../src/gates/quarantine.js';
import { duckDbGateEvaluator } from '../src/orchestrator/gate-adapter.js';
import type { GateConfigInput } from '../src/gates/gate-config.js';
import type { StageContext, StageResult } from '../src/stages/stage-type.js';
import { openDuck, type DuckFixture } from './duck.js';
import { loaded, scriptedRegistry, tempDir, testOrchestrator } from './helpers.js';

// Three stages: extract writes 10 trades (ids 7 and 8 have a non-positive price), clean copies
// what extract reported into its own file and carries the gate, load counts what clean handed on.
let duck: DuckFixture;
beforeAll(async () => {
  duck = await openDuck();
});
afterAll(async () => duck.close());

const extractSql = `SELECT 'e' || i AS event_id, CASE WHEN i IN (7, 8) THEN -1.0 ELSE 100.0 + i END AS price FROM range(10) t(i)`;

async function copyTo(ctx: StageContext, name: string, from: string[]): Promise<StageResult> {
  const dir = join(ctx.baseDir, 'out');
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  const list = from.map((f) => `'${f}'`).join(', ');
  await duck.connection.run(`COPY (SELECT * FROM read_parquet([${list}])) TO '${path}' (FORMAT parquet)`);
  return { outputs: [{ dataset: `file://out/${name}`, files: [path], format: 'parquet' }] };
}

function chain(gate: GateConfigInput) {
  const seenByLoad: Record<string, unknown>[][] = [];
  const seenByName: Record<string, unknown>[][] = [];
  const { registry, calls } = scriptedRegistry({
    extract: async (ctx) => {
      const dir = join(ctx.baseDir, 'out');
      await mkdir(dir, { recursive: true });
      const path = join(dir, 'extract.parquet');
      await duck.connection.run(`COPY (${extractSql}) TO '${path}' (FORMAT parquet)`);
      return { outputs: [{ dataset: 'file://out/extract.parquet', files: [path] }] };
    },
    clean: (ctx) => copyTo(ctx, 'clean.parquet', ctx.upstream.get('extract')?.outputs?.[0]?.files ?? []),
    load: async (ctx) => {
      const files = ctx.upstream.get('clean')?.outputs?.[0]?.files ?? [];
      seenByLoad.push(await duck.rows(`SELECT * FROM read_parquet(['${files.join("','")}']) ORDER BY event_id`));
      // The way most stages read: the dataset by its name, not the files upstream reported.
      seenByName.push(
        await duck.rows(`SELECT * FROM '${join(ctx.baseDir, 'out', 'clean.parquet')}' ORDER BY event_id`),
      );
      return { summary: 'loaded' };
    },
  });
  const definition = {
    pipeline: 'gated',
    stages: [
      { id: 'extract', type: 'scripted' },
      { id: 'clean', type: 'scripted', dependsOn: ['extract'], gates: [gate] },
      { id: 'load', type: 'scripted', dependsOn: ['clean'] },
    ],
  };
  return { registry, calls, definition, seenByLoad, seenByName };
}

const rules: GateConfigInput['rules'] = [
  { type: 'not_null', column: 'price' },
  { type: 'bounds', column: 'price', min: 0, id: 'price_positive' },
  { type: 'unique', columns: ['event_id'] },
];

describe('quality gates between stages of a run', () => {
  it('a failing gate at stage 2 stops the run before stage 3 and says which rule broke', async () => {
    const { registry, calls, definition } = chain({ name: 'prices', action: 'fail', rules });
    const { orchestrator } = await testOrchestrator(registry, { gates: duckDbGateEvaluator(evaluateGate) });
    const summary = await orchestrator.run(loaded(definition, registry, await tempDir()));
    expect(summary.status).toBe('FAILED');
    expect(summary.stages.clean?.status).toBe('FAILED');
    expect(summary.stages.clean?.reason).toMatch(/quality gate failed: prices failed .*price_positive: 2 /);
    expect(summary.stages.load?.status).toBe('NOT_RUN');
    expect(calls).toEqual(['extract#1', 'clean#1']);
  });

  it('a quarantining gate sets the failing rows aside with their rules and hands downstream only the passing rows', async () => {
    const { registry, definition, seenByLoad, seenByName } = chain({ name: 'prices', action: 'quarantine', rules });
    const baseDir = await tempDir();
    const { orchestrator, events } = await testOrchestrator(registry, { gates: duckDbGateEvaluator(evaluateGate) });
    const summary = await orchestrator.run(loaded(definition, registry, baseDir));
    expect(summary.status).toBe('SUCCEEDED');
    const passing = ['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e9'];
    expect(seenByLoad[0]?.map((r) => r.event_id)).toEqual(passing);
    expect(seenByName[0]?.map((r) => r.event_id)).toEqual(passing);
    const quarantine = join(baseDir, '.coattail', 'quarantine', 'gated', 'clean', `prices-${summary.runId}.parquet`);
    const set = await duck.rows(`SELECT event_id, ${FAILED_RULES_COLUMN} AS why FROM '${quarantine}' ORDER BY 1`);
    expect(set).toEqual([
      { event_id: 'e7', why: ['price_positive'] },
      { event_id: 'e8', why: ['price_positive'] },
    ]);
    const end = events.find((e) => e.type === 'stage-end' && e.stage.id === 'clean');
    expect(end?.type === 'stage-end' && end.gates?.[0]?.result.status).toBe('quarantined');
    expect(summary.stages.clean?.result).toMatchObject({ outputs: [{ rows: 8 }] });
  });

  it("a quarantining gate writes the failing rows to the gate's quarantineDataset and names it as an output of the stage", async () => {
    const { registry, definition, seenByName } = chain({
      name: 'prices',
      action: 'quarantine',
      rules,
      quarantineDataset: 'file://quarantine/prices/',
    });
    const baseDir = await tempDir();
    const { orchestrator, events } = await testOrchestrator(registry, { gates: duckDbGateEvaluator(evaluateGate) });
    const summary = await orchestrator.run(loaded(definition, registry, baseDir));
    expect(summary.status).toBe('SUCCEEDED');
    expect(seenByName[0]).toHaveLength(8);
    const quarantine = join(baseDir, 'quarantine', 'prices', `prices-${summary.runId}.parquet`);
    expect(await duck.rows(`SELECT event_id FROM '${quarantine}' ORDER BY 1`)).toEqual([
      { event_id: 'e7' },
      { event_id: 'e8' },
    ]);
    const end = events.find((e) => e.type === 'stage-end' && e.stage.id === 'clean');
    expect(end?.type === 'stage-end' && end.result?.outputs).toEqual([
      expect.objectContaining({ dataset: 'file://out/clean.parquet', rows: 8 }),
      { dataset: 'file://quarantine/prices/', rows: 2, files: [quarantine], location: quarantine },
    ]);
  });

  it('a quarantineDataset that is not a file:// folder fails the gate with the reason', async () => {
    const { registry, definition } = chain({
      name: 'prices',
      action: 'quarantine',
      rules,
      quarantineDataset: 's3://bucket/quarantine/',
    });
    const { orchestrator } = await testOrchestrator(registry, { gates: duckDbGateEvaluator(evaluateGate) });
    const summary = await orchestrator.run(loaded(definition, registry, await tempDir()));
    expect(summary.stages.clean?.reason).toMatch(
      /gate evaluation failed: gate 'prices' of stage 'clean': quarantineDataset 's3:\/\/bucket\/quarantine\/' must be a file:\/\/ folder/,
    );
  });

  it('a warning gate records the broken rule and lets every row through', async () => {
    const { registry, definition, seenByLoad } = chain({ name: 'prices', action: 'warn', rules });
    const { orchestrator } = await testOrchestrator(registry, { gates: duckDbGateEvaluator(evaluateGate) });
    const summary = await orchestrator.run(loaded(definition, registry, await tempDir()));
    expect(summary.status).toBe('SUCCEEDED');
    expect(summary.stages.clean?.result).toMatchObject({ summary: expect.stringMatching(/prices warned/) as unknown });
    expect(seenByLoad[0]).toHaveLength(10);
  });

  it('a misdeclared gate is a definition error naming file, line and column', () => {
    const { registry } = scriptedRegistry({});
    const text = `pipeline: p
stages:
  - id: a
    type: scripted
    gates:
      - name: g
        action: explode
        rules: [{ type: not_null, column: price }]
`;
    expect(() => parsePipeline(text, 'p.yaml', registry)).toThrow(DefinitionError);
    expect(() => parsePipeline(text, 'p.yaml', registry)).toThrow(/p\.yaml:7:17: .*action/);
  });
});
