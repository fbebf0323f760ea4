import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validatePipelineObject, type LoadedPipeline } from '../src/definition/load.js';
import type { PipelineInput } from '../src/definition/schema.js';
import { Orchestrator, type OrchestratorOptions } from '../src/orchestrator/orchestrator.js';
import type { RunEvent } from '../src/orchestrator/events.js';
import { FileRunStore } from '../src/run-store/file-run-store.js';
import { StageRegistry } from '../src/stages/registry.js';
import type { StageContext, StageResult } from '../src/stages/stage-type.js';

/** A stage type whose behaviour each test scripts: `behave(ctx)` decides what an attempt does. */
export type Behaviour = (ctx: StageContext) => Promise<StageResult | void>;

/** A registry with one scriptable type, `scripted`: the stage's `params.behaviour` names the script. */
export function scriptedRegistry(scripts: Record<string, Behaviour>): { registry: StageRegistry; calls: string[] } {
  const calls: string[] = [];
  const registry = new StageRegistry([
    {
      name: 'scripted',
      description: 'does what the test says',
      run: async (ctx) => {
        calls.push(`${ctx.stage.id}#${ctx.attempt}`);
        const script = scripts[ctx.stage.id];
        return script ? script(ctx) : { summary: `${ctx.stage.id} ok` };
      },
    },
  ]);
  return { registry, calls };
}

/** Resolves when the signal aborts, then throws its reason, like a well-behaved stage. */
export function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason as Error);
    signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
  });
}

export async function tempDir(prefix = 'wf-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export function loaded(input: PipelineInput, registry: StageRegistry, baseDir = '.'): LoadedPipeline {
  return { definition: validatePipelineObject(input, registry), source: '<test>', baseDir };
}

/** An orchestrator on a fresh embedded store with no back-off waits, recording every event. */
export async function testOrchestrator(registry: StageRegistry, extra: Partial<OrchestratorOptions> = {}) {
  const store = new FileRunStore(join(await tempDir(), 'runs'));
  const events: RunEvent[] = [];
  const delays: number[] = [];
  const orchestrator = new Orchestrator({
    store,
    registry,
    listeners: [(e) => void events.push(e)],
    sleep: (ms) => {
      delays.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
    ...extra,
  });
  return { orchestrator, store, events, delays };
}
