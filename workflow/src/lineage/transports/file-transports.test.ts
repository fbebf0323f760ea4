import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createLineageEmitter } from '../emitter.js';
import { runEventSchema } from '../openlineage-schema.js';
import { createConsoleTransport } from './console-transport.js';
import { createJsonlTransport } from './jsonl-transport.js';
import { createMemoryTransport } from './memory-transport.js';

describe('console, JSONL and memory lineage transports', () => {
  it('prints one conforming JSON line per event', async () => {
    const lines: string[] = [];
    const emitter = createLineageEmitter({ transport: createConsoleTransport({ write: (l) => lines.push(l) }) });
    await emitter.runCompleted(await emitter.runStarted({ pipeline: 'p' }));
    await emitter.close();
    expect(lines.map((l) => runEventSchema.parse(JSON.parse(l)).eventType)).toEqual(['START', 'COMPLETE']);
  });

  it('prints to standard output by default', async () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const emitter = createLineageEmitter({ transport: createConsoleTransport() });
      await emitter.runStarted({ pipeline: 'p' });
      await emitter.flush();
      expect(String(write.mock.calls[0]![0])).toMatch(/"eventType":"START"/);
    } finally {
      write.mockRestore();
    }
  });

  it('appends events to a JSONL file in order, creating its folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coattail-jsonl-'));
    try {
      const path = join(dir, 'deep', 'lineage.jsonl');
      const transport = createJsonlTransport({ path });
      const emitter = createLineageEmitter({ transport });
      const run = await emitter.runStarted({ pipeline: 'p' });
      await emitter.stageStarted(run, { stage: 's' });
      await emitter.flush();
      await emitter.runCompleted(run);
      await emitter.close();
      const events = (await readFile(path, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => runEventSchema.parse(JSON.parse(l)));
      expect(events.map((e) => `${e.eventType} ${e.job.name}`)).toEqual(['START p', 'START p.s', 'COMPLETE p']);
      await expect(transport.emit(events[0]!)).rejects.toThrow(/lineage file .* is closed/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses in memory an event that does not conform, at the emit that produced it', async () => {
    const transport = createMemoryTransport();
    await expect(transport.emit({ bad: true } as never)).rejects.toThrow();
    await transport.flush();
    await transport.close();
    expect(transport.events).toEqual([]);
  });
});
