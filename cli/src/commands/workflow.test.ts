import { mkdtemp } from 'node:fs/promises';
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
});
