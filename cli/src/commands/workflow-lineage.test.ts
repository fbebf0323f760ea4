import { copyFile, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { registerWorkflow } from './workflow.js';

function program(): Command {
  const p = new Command('coattail').exitOverride();
  p.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerWorkflow(p);
  for (const c of p.commands) c.exitOverride();
  for (const c of p.commands[0]?.commands ?? []) c.exitOverride().configureOutput({ writeErr: () => undefined });
  return p;
}

/** Runs a `coattail workflow …` command and returns what it printed on stdout. */
async function coattail(...args: string[]): Promise<string> {
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await program().parseAsync(['node', 'coattail', 'workflow', ...args]);
    return log.mock.calls.map((c) => String(c[0])).join('\n');
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
}

describe('coattail workflow lineage after the daily chain', () => {
  it('traces the reprocessed anomalies back to the Binance REST pages the trades were loaded from', async () => {
    // The shipped definition, in a folder of its own: its relative outputs (../.coattail/…) land there.
    const root = await mkdtemp(join(tmpdir(), 'wf-daily-'));
    await mkdir(join(root, 'pipelines'));
    await copyFile('pipelines/daily.yaml', join(root, 'pipelines', 'daily.yaml'));
    const stateDir = join(root, 'state');
    const exitCode = process.exitCode;
    try {
      const run = await coattail('run', join(root, 'pipelines', 'daily.yaml'), '--state-dir', stateDir);
      expect(run).toMatch(/: SUCCEEDED/);
      expect(run).toMatch(/raw-zone +SUCCEEDED/);
      expect(run).toMatch(/reconcile-raw-zone +SUCCEEDED/);
      expect(run).toMatch(/score-raw-zone +SUCCEEDED/);
      const reports = join(root, '.coattail', 'reports', 'file-quality');
      const [report] = await readdir(reports);
      const scored = JSON.parse(await readFile(join(reports, report!), 'utf8')) as { files: { score: number }[] };
      expect(scored.files.length).toBeGreaterThan(0);
      expect(scored.files.every((f) => f.score === 100)).toBe(true);
      expect(run).toContain(`lineage: ${join(stateDir, 'lineage', 'events.jsonl')}`);
      // The trades themselves (historicalTrades pages), not aggregates: 2 h less the last half second (the range ends at 01:59:59.000) at the replay's 2 trades/s.
      const [record] = await readdir(join(stateDir, 'workflow', 'runs'));
      const stored = JSON.parse(await readFile(join(stateDir, 'workflow', 'runs', record!), 'utf8')) as {
        stages: Record<string, { result?: { summary?: string } }>;
      };
      expect(stored.stages['historical-load']?.result?.summary).toMatch(
        /^14399 trades loaded from historicalTrades pages of the local Binance replay/,
      );
      expect(process.exitCode).toBe(exitCode);

      const upstream = await coattail(
        'lineage',
        'iceberg://coattail.anomalies_reprocessed',
        '--upstream',
        '--state-dir',
        stateDir,
      );
      expect(upstream.split('\n')).toEqual([
        'upstream of iceberg://coattail.anomalies_reprocessed:',
        '  dataset iceberg://coattail.raw_trades',
        '  dataset https://api.binance.com api/v3/historicalTrades',
        '  stage   daily.reprocess-anomalies',
        '  stage   daily.historical-load',
      ]);

      const json = JSON.parse(
        await coattail(
          'lineage',
          'https://api.binance.com/api/v3/historicalTrades',
          '--downstream',
          '--json',
          '--state-dir',
          stateDir,
        ),
      ) as { downstream: { datasets: { name: string }[] } };
      expect(json.downstream.datasets.map((d) => d.name)).toContain('coattail.anomalies_reprocessed');

      const events = (await readFile(join(stateDir, 'lineage', 'events.jsonl'), 'utf8')).trim().split('\n');
      const gate = events.map((l) => JSON.parse(l) as { job: { name: string }; eventType: string });
      expect(gate).toContainEqual(
        expect.objectContaining({
          job: expect.objectContaining({ name: 'daily.raw-zone.gate.raw_trades_landed' }) as unknown,
          eventType: 'COMPLETE',
        }),
      );
      const snapshot = /"datasetVersion":"(\d+)"/.exec(events.join('\n'))?.[1] ?? '';
      expect(await coattail('lineage', '--snapshot', snapshot, '--state-dir', stateDir)).toMatch(
        /daily\.historical-load +run [0-9a-f-]{36} +→ iceberg:\/\/coattail\.raw_trades/,
      );
    } finally {
      process.exitCode = exitCode;
    }
  }, 120_000);
});

describe('the daily chain checks what landed in the raw zone', () => {
  it('fails reconciliation when the raw zone does not match the loaded table, and scoring when files score too low', async () => {
    const root = await mkdtemp(join(tmpdir(), 'wf-daily-'));
    await mkdir(join(root, 'pipelines'));
    // Without excluding the layout columns the raw zone carries an extra column: a real schema difference.
    // Scoring against an impossible price floor, with a pass mark enforced, fails the scoring stage.
    // failurePolicy continue: both checks report whichever fails first.
    const text = (await readFile('pipelines/daily.yaml', 'utf8'))
      .replace('concurrency: 2', 'concurrency: 2\nfailurePolicy: continue')
      .replace(/^\s+exclude: .*$/m, '')
      .replace('{ name: price, type: number, required: true, min: 0 }', '{ name: price, type: number, min: 1000000 }')
      .replace(/(- id: score-raw-zone[\s\S]*?params:\n)/, '$1      failBelow: 100\n');
    await writeFile(join(root, 'pipelines', 'daily.yaml'), text);
    const exitCode = process.exitCode;
    try {
      const run = await coattail('run', join(root, 'pipelines', 'daily.yaml'), '--state-dir', join(root, 'state'));
      expect(run).toMatch(/reconcile-raw-zone +FAILED .*NOT reconciled: \d+ rows loaded, \d+ landed.*reports in /);
      expect(run).toMatch(/score-raw-zone +FAILED .*data_0\.parquet scored \d+ \(below 100\)/);
      expect(process.exitCode).toBe(1);
    } finally {
      process.exitCode = exitCode;
    }
  }, 120_000);
});
