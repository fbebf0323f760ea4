import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DefinitionError } from '../errors.js';
import { StageRegistry } from '../stages/registry.js';
import { pipeline } from './builder.js';
import { parseDataset } from './dataset.js';
import { loadPipelineFile, parsePipeline } from './load.js';

const registry = new StageRegistry(
  ['extract', 'transform', 'load'].map((name) => ({ name, description: name, run: () => Promise.resolve() })),
);

function issuesOf(text: string, file = 'p.yaml'): DefinitionError['issues'] {
  try {
    parsePipeline(text, file, registry);
  } catch (error) {
    if (error instanceof DefinitionError) return error.issues;
    throw error;
  }
  throw new Error('expected the definition to be refused');
}

const valid = `pipeline: daily
concurrency: 2
defaults:
  retries: 2
  timeout: 10m
stages:
  - id: extract
    type: extract
    inputs: [s3://coattail-landing/trades/]
    outputs: [iceberg://coattail.raw_trades]
    incremental: { mode: objects, completeMarker: _SUCCESS }
  - id: transform
    type: transform
    dependsOn: [extract]
    inputs: [iceberg://coattail.raw_trades]
    outputs: [file://out/agg/]
    retries: { attempts: 3, backoff: 2s, maxBackoff: 1m }
    partitioning: { granularity: hour, eventTime: trade_time, lateness: 2h }
  - id: load
    type: load
    dependsOn: [transform]
    inputs: [file://out/agg/]
    outputs: [postgres://localhost:5432/test/reporting.hourly]
`;

describe('pipeline definitions', () => {
  it('reads a YAML pipeline with durations in words and defaults filled in', () => {
    const def = parsePipeline(valid, 'daily.yaml', registry);
    expect(def.concurrency).toBe(2);
    expect(def.failurePolicy).toBe('stop');
    expect(def.defaults).toEqual({ retries: { attempts: 2, backoffMs: 1000, maxBackoffMs: 60000 }, timeout: 600_000 });
    expect(def.stages[1]?.retries).toEqual({ attempts: 3, backoffMs: 2000, maxBackoffMs: 60000 });
    expect(def.stages[1]?.partitioning).toEqual({ granularity: 'hour', eventTime: 'trade_time', lateness: 7_200_000 });
    expect(def.stages[0]?.incremental).toEqual({ mode: 'objects', completeMarker: '_SUCCESS' });
  });

  it('reads the same pipeline written as JSON', () => {
    const json = JSON.stringify(parse(valid), null, 2);
    expect(parsePipeline(json, 'daily.json', registry)).toEqual(parsePipeline(valid, 'daily.yaml', registry));
    const broken = json.replace('"type": "load"', '"type": "lod"');
    expect(() => parsePipeline(broken, 'daily.json', registry)).toThrow(/daily.json:\d+:\d+: unknown stage type 'lod'/);
  });

  it('names the file, line and column of an unknown stage type', () => {
    const issues = issuesOf(valid.replace('type: transform', 'type: transfrom'));
    expect(issues).toEqual([
      expect.objectContaining({
        file: 'p.yaml',
        line: 13,
        column: 11,
        path: 'stages[1].type',
        message: expect.stringContaining("unknown stage type 'transfrom'") as string,
      }),
    ]);
  });

  it('names a dependency that is not a stage', () => {
    const issues = issuesOf(valid.replace('dependsOn: [extract]', 'dependsOn: [extrct]'));
    expect(issues[0]).toMatchObject({ line: 14, column: 17, path: 'stages[1].dependsOn[0]' });
    expect(issues[0]?.message).toContain("depends on 'extrct', which is not a stage");
  });

  it('prints the cycle it finds', () => {
    const issues = issuesOf(
      valid.replace(
        '  - id: extract\n    type: extract\n',
        '  - id: extract\n    type: extract\n    dependsOn: [load]\n',
      ),
    );
    expect(issues.map((i) => i.message)).toEqual(['dependency cycle: extract → transform → load → extract']);
    expect(issues[0]?.line).toBe(9);
  });

  it('refuses a stage that depends on itself', () => {
    const issues = issuesOf(valid.replace('dependsOn: [transform]', 'dependsOn: [load]'));
    expect(issues.map((i) => i.message)).toContain("stage 'load' depends on itself");
  });

  it('refuses a duplicate stage id and says where the first one is', () => {
    const issues = issuesOf(valid.replace('  - id: load', '  - id: transform'));
    expect(issues[0]).toMatchObject({
      line: 19,
      path: 'stages[2].id',
      message: "duplicate stage id 'transform' (first used by stages[1])",
    });
  });

  it('refuses reading a dataset before the stage that writes it', () => {
    const issues = issuesOf(valid.replace('    dependsOn: [extract]\n', ''));
    expect(issues[0]?.message).toMatch(
      /reads iceberg:\/\/coattail.raw_trades before any stage writes it: it is written by 'extract'.*dependsOn: \[extract\]/,
    );
    expect(issues[0]).toMatchObject({ line: 14, path: 'stages[1].inputs[0]' });
  });

  it('lists schema problems with their positions: bad durations, datasets, unknown fields, missing fields', () => {
    const text = valid
      .replace('timeout: 10m', 'timeout: ten minutes')
      .replace('file://out/agg/]\n    retries', 'ftp://out/agg/]\n    retries')
      .replace('    type: load\n', '    type: load\n    color: blue\n')
      .replace('mode: objects, ', '');
    const issues = issuesOf(text);
    expect(issues.map((i) => [i.path, i.line])).toEqual(
      expect.arrayContaining([
        ['defaults.timeout', 5],
        ['stages[0].incremental.mode', 11],
        ['stages[1].outputs[0]', 16],
        ['stages[2].color', 21],
      ]),
    );
    expect(issues.find((i) => i.path === 'defaults.timeout')?.message).toContain("'ten minutes' is not a duration");
    expect(issues.find((i) => i.path === 'stages[2].color')?.message).toBe("unknown field 'color'");
  });

  it('needs the watched column for high-water-mark incremental stages', () => {
    const issues = issuesOf(valid.replace('{ mode: objects, completeMarker: _SUCCESS }', '{ mode: high-water-mark }'));
    expect(issues[0]).toMatchObject({ path: 'stages[0].incremental.column' });
  });

  it('reports YAML syntax errors with their line', () => {
    const issues = issuesOf('pipeline: x\nstages:\n  - id: a\n   type: [unclosed\n');
    expect(issues[0]?.line).toBeGreaterThan(1);
    expect(issues[0]?.file).toBe('p.yaml');
  });

  it('refuses a file it cannot read, naming it', async () => {
    await expect(loadPipelineFile('/nonexistent/p.yaml', registry)).rejects.toThrow(
      /nonexistent\/p.yaml: cannot read the pipeline file/,
    );
  });

  it('loads a file and resolves relative datasets against its folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wf-def-'));
    await writeFile(join(dir, 'daily.yaml'), valid);
    const loaded = await loadPipelineFile(join(dir, 'daily.yaml'), registry);
    expect(loaded.baseDir).toBe(dir);
    expect(loaded.definition.pipeline).toBe('daily');
  });
});

describe('the TypeScript builder', () => {
  it('builds the same definition as YAML', () => {
    const built = pipeline('daily', { concurrency: 2, defaults: { retries: 2, timeout: '10m' } })
      .stage({
        id: 'extract',
        type: 'extract',
        inputs: ['s3://coattail-landing/trades/'],
        outputs: ['iceberg://coattail.raw_trades'],
        incremental: { mode: 'objects', completeMarker: '_SUCCESS' },
      })
      .stage({
        id: 'transform',
        type: 'transform',
        dependsOn: ['extract'],
        inputs: ['iceberg://coattail.raw_trades'],
        outputs: ['file://out/agg/'],
        retries: { attempts: 3, backoff: '2s', maxBackoff: '1m' },
        partitioning: { granularity: 'hour', eventTime: 'trade_time', lateness: '2h' },
      })
      .stage({
        id: 'load',
        type: 'load',
        dependsOn: ['transform'],
        inputs: ['file://out/agg/'],
        outputs: ['postgres://localhost:5432/test/reporting.hourly'],
      })
      .build(registry);
    expect(built).toEqual(parsePipeline(valid, 'daily.yaml', registry));
  });

  it('refuses a cycle built in code, naming the path inside the definition', () => {
    const build = () =>
      pipeline('p')
        .stage({ id: 'a', type: 'extract', dependsOn: ['b'] })
        .stage({ id: 'b', type: 'extract', dependsOn: ['a'] })
        .build(registry);
    expect(build).toThrow(/<definition>: dependency cycle: a → b → a \(at stages\[0\]\.dependsOn\)/);
  });

  it('refuses an empty pipeline and a bad id', () => {
    expect(() => pipeline('1bad').build()).toThrow(/an id starts with a letter[\s\S]*at least one stage/);
  });

  it('names an HTTP API a stage reads from as a dataset, so lineage reaches back to it', () => {
    expect(parseDataset('https://api.binance.com/api/v3/aggTrades')).toMatchObject({
      scheme: 'https',
      namespace: 'https://api.binance.com',
      name: '/api/v3/aggTrades',
    });
    expect(parseDataset('http://127.0.0.1:8080')).toMatchObject({ namespace: 'http://127.0.0.1:8080', name: '/' });
    expect(parseDataset('https://api.binance.com/api/v3/aggTrades?symbol=BTCUSDT')).toMatch(/without a query/);
    expect(parseDataset('ftp://host/x')).toMatch(/no known dataset scheme .*https:\/\//);
  });
});
