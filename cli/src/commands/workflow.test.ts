import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
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

describe('coattail workflow', () => {
  it('has --help for every subcommand', () => {
    const wf = program().commands.find((c) => c.name() === 'workflow')!;
    expect(wf.commands.map((c) => c.name())).toEqual([
      'run',
      'resume',
      'backfill',
      'validate',
      'runs',
      'lineage',
      'export',
    ]);
    expect(wf.commands.find((c) => c.name() === 'lineage')!.helpInformation()).toMatch(
      /--upstream[\s\S]*--downstream[\s\S]*--snapshot <id>/,
    );
    expect(wf.commands.find((c) => c.name() === 'run')!.helpInformation()).toMatch(/--lineage <target>/);
    expect(wf.commands.find((c) => c.name() === 'backfill')!.helpInformation()).toMatch(
      /--from <time>[\s\S]*--to <time>[\s\S]*--concurrency <n>/,
    );
    expect(wf.commands.find((c) => c.name() === 'run')!.helpInformation()).toMatch(/--run-store <url>/);
  });

  it('validates the daily pipeline shipped with the platform', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await program().parseAsync(['node', 'coattail', 'workflow', 'validate', 'pipelines/daily.yaml']);
    expect(log.mock.calls.map((c) => String(c[0])).join('\n')).toContain("pipeline 'daily' is valid, 5 stages");
    log.mockRestore();
  });

  it('refuses options that are not what they should be', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'wf-cli-'));
    await expect(
      program().parseAsync(['node', 'coattail', 'workflow', 'runs', '--limit', 'ten', '--state-dir', stateDir]),
    ).rejects.toThrow(/expected a whole number of at least 1, got 'ten'/);
    await expect(
      program().parseAsync([
        'node',
        'coattail',
        'workflow',
        'backfill',
        'p.yaml',
        '--from',
        'yesterday',
        '--to',
        '2026-12-07',
      ]),
    ).rejects.toThrow(/'yesterday' is not a date/);
    await expect(
      program().parseAsync(['node', 'coattail', 'workflow', 'export', 'p.yaml', '--target', 'airflow']),
    ).rejects.toThrow(/Allowed choices are step-functions/);
  });

  it('records the lineage of a stage run on its own (--stage, what Step Functions tasks call) like a whole run', async () => {
    const root = await mkdtemp(join(tmpdir(), 'wf-cli-'));
    await mkdir(join(root, 'landed'));
    await writeFile(join(root, 'landed', 'a.csv'), 'id,price\nx,1\n');
    await writeFile(
      join(root, 'p.yaml'),
      'pipeline: tasks\nstages:\n  - { id: score, type: file-quality, inputs: [file://landed/], outputs: [file://reports/] }\n',
    );
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const stateDir = join(root, 'state');
    try {
      await program().parseAsync([
        'node',
        'coattail',
        'workflow',
        'run',
        join(root, 'p.yaml'),
        '--stage',
        'score',
        '--run-id',
        'exec-1',
        '--state-dir',
        stateDir,
      ]);
      expect(log.mock.calls.map((c) => String(c[0])).join('\n')).toContain('stage score of run exec-1: SUCCEEDED');
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
    const events = (await readFile(join(stateDir, 'lineage', 'events.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { eventType: string; job: { name: string } });
    expect(events.map((e) => `${e.job.name} ${e.eventType}`)).toEqual([
      'tasks START',
      'tasks.score START',
      'tasks.score COMPLETE',
      'tasks COMPLETE',
    ]);
  }, 60_000);
});
