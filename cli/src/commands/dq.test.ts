import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../main.js';

/** Runs `coattail dq score …` in process and returns what it printed and the exit code it set. */
async function score(argv: string[]): Promise<{ printed: Record<string, unknown>; exitCode: typeof process.exitCode }> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
  const before = process.exitCode;
  try {
    const program = await buildProgram(['node', 'coattail', 'dq']);
    await program.parseAsync(['node', 'coattail', 'dq', 'score', ...argv]);
    return { printed: JSON.parse(lines.join('\n')) as Record<string, unknown>, exitCode: process.exitCode };
  } finally {
    log.mockRestore();
    process.exitCode = before;
  }
}

describe('coattail dq score', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dq-score-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the quality row of a clean file and exits 0', async () => {
    const file = join(dir, 'trades.csv');
    await writeFile(file, 'symbol,price,qty\nBTC,100.5,2\nETH,20,1\n');
    const { printed, exitCode } = await score([file]);
    expect(printed).toMatchObject({ score: 100, passed: true });
    expect(printed).not.toHaveProperty('profile');
    expect(exitCode).toBe(0);
  });

  it('adds the profile when asked', async () => {
    const file = join(dir, 'trades.csv');
    await writeFile(file, 'symbol,price,qty\nBTC,100.5,2\n');
    const { printed } = await score(['--profile', file]);
    expect(printed).toHaveProperty('profile');
  });

  it('scores a file that cannot be parsed as failed and exits 2', async () => {
    const file = join(dir, 'trades.parquet');
    await writeFile(file, 'not parquet');
    const { printed, exitCode } = await score([file]);
    expect(printed).toMatchObject({ passed: false, metrics: { formatParsing: { passed: false } } });
    expect(exitCode).toBe(2);
  });
});
