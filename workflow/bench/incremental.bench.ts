/**
 * Incremental detection overhead: 10 000 input objects, 1 % changed. Prints the time incremental
 * detection takes beside the full processing time of the same stage over every object (the
 * baseline, measured in the same run), and a no-change run beside a full run.
 *
 *   npm run bench -w @coattail/workflow
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  FileRunStore,
  Orchestrator,
  StageRegistry,
  builtinStageTypes,
  platformObserver,
  validatePipelineObject,
  type InputObserver,
} from '../src/index.js';

const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 10_000);
const CHANGED = Math.max(1, Math.round(OBJECTS / 100));

const csv = (i: number, v = 0): string =>
  `symbol,price,qty\n${Array.from({ length: 20 }, (_, r) => `S${(i + r) % 50},${i + r + v},${r + 1}`).join('\n')}\n`;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'wf-bench-inc-'));
  await mkdir(join(dir, 'in'));
  for (let i = 0; i < OBJECTS; i++) await writeFile(join(dir, 'in', `part-${String(i).padStart(5, '0')}.csv`), csv(i));
  let detectMs = 0;
  const inner = platformObserver({ baseDir: dir });
  const observer: InputObserver = {
    ...inner,
    listObjects: async (uri, previous) => {
      const t = performance.now();
      try {
        return await inner.listObjects(uri, previous);
      } finally {
        detectMs += performance.now() - t;
      }
    },
  };
  const registry = new StageRegistry(builtinStageTypes());
  const orchestrator = new Orchestrator({ store: new FileRunStore(join(dir, 'runs')), registry, observer });
  const stage = (incremental: boolean) => ({
    id: 'clean',
    type: 'transform-files',
    inputs: ['file://in/'],
    outputs: [`file://out-${incremental ? 'inc' : 'full'}/`],
    params: { sql: 'SELECT symbol, price * qty AS notional FROM input' },
    ...(incremental ? { incremental: { mode: 'objects' as const } } : {}),
  });
  const pipeline = (incremental: boolean) => ({
    definition: validatePipelineObject(
      { pipeline: incremental ? 'inc' : 'full', stages: [stage(incremental)] },
      registry,
    ),
    source: '<bench>',
    baseDir: dir,
  });
  const timed = async (incremental: boolean) => {
    detectMs = 0;
    const t = performance.now();
    const s = await orchestrator.run(pipeline(incremental));
    if (s.status !== 'SUCCEEDED') throw new Error(`bench run ${s.status}: ${JSON.stringify(s.stages)}`);
    return { totalMs: performance.now() - t, detectMs };
  };

  const full = await timed(false); // baseline: every object processed, no detection
  const first = await timed(true); // first incremental run: everything is new, every file hashed
  for (let i = 0; i < CHANGED; i++)
    await writeFile(join(dir, 'in', `part-${String(i * 100).padStart(5, '0')}.csv`), csv(i * 100, 1));
  const onePercent = await timed(true);
  const noChange = await timed(true);

  const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(2)} %`;
  console.log(`objects: ${OBJECTS}, changed: ${CHANGED}`);
  console.log(`full processing (baseline, no detection):       ${full.totalMs.toFixed(0)} ms`);
  console.log(
    `first incremental run: ${first.totalMs.toFixed(0)} ms, detection ${first.detectMs.toFixed(0)} ms = ${pct(first.detectMs, first.totalMs)} of that run`,
  );
  console.log(
    `1 % changed: run ${onePercent.totalMs.toFixed(0)} ms, detection ${onePercent.detectMs.toFixed(0)} ms = ${pct(onePercent.detectMs, full.totalMs)} of full processing (target < 5 %)`,
  );
  console.log(
    `no-change run: ${noChange.totalMs.toFixed(0)} ms = ${pct(noChange.totalMs, full.totalMs)} of a full run (target < 5 %)`,
  );
  await rm(dir, { recursive: true, force: true });
}

await main();
