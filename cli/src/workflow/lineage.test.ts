import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FileRunStore,
  Orchestrator,
  StageRegistry,
  noopStage,
  runEventSchema,
  validatePipelineObject,
} from '@coattail/workflow';
import { describe, expect, it } from 'vitest';
import { lineageTarget, openLineage } from './lineage.js';

async function runWith(target: string, stateDir: string): Promise<string> {
  const registry = new StageRegistry([noopStage]);
  const sink = await openLineage(target, stateDir);
  const orchestrator = new Orchestrator({
    store: new FileRunStore(join(stateDir, 'workflow')),
    registry,
    ...(sink.listener ? { listeners: [sink.listener] } : {}),
  });
  const definition = validatePipelineObject(
    { pipeline: 'p', stages: [{ id: 'a', type: 'noop', outputs: ['iceberg://coattail.t'] }] },
    registry,
  );
  await orchestrator.run({ definition, source: '<test>', baseDir: stateDir });
  await sink.close();
  return sink.description;
}

describe('where a run sends its lineage', () => {
  it('takes file, a .jsonl path, console, an http:// endpoint or off, and refuses anything else', () => {
    for (const ok of ['file', 'console', 'off', 'out/lineage.jsonl', 'http://127.0.0.1:5000/api/v1/lineage'])
      expect(lineageTarget(ok)).toBe(ok);
    expect(() => lineageTarget('marquez')).toThrow(/not a lineage target/);
    expect(() => lineageTarget('https://marquez/api/v1/lineage')).toThrow(/plain http:\/\/.*proxy/);
  });

  it('writes schema-valid events to the JSONL store under the state folder by default', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'wf-lineage-'));
    expect(await runWith('file', stateDir)).toContain(join(stateDir, 'lineage', 'events.jsonl'));
    const lines = (await readFile(join(stateDir, 'lineage', 'events.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.map((l) => runEventSchema.parse(JSON.parse(l)).eventType)).toEqual([
      'START',
      'START',
      'COMPLETE',
      'COMPLETE',
    ]);
  });

  it('posts events to an OpenLineage HTTP endpoint, and sends nothing when off', async () => {
    const received: unknown[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ path: req.url, event: JSON.parse(body) as unknown });
        res.writeHead(201).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/lineage`;
    try {
      const stateDir = await mkdtemp(join(tmpdir(), 'wf-lineage-'));
      expect(await runWith(url, stateDir)).toContain(`posted to ${url}`);
      expect(received).toHaveLength(4);
      expect(received[0]).toMatchObject({ path: '/api/v1/lineage', event: { eventType: 'START', job: { name: 'p' } } });
      expect(await runWith('off', stateDir)).toBe('lineage: off');
      expect(received).toHaveLength(4);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
