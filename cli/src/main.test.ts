import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from './main.js';

const COMMANDS = [
  'alerts',
  'batch',
  'demo',
  'dq',
  'iceberg',
  'job',
  'local-stack',
  'producer',
  'recon',
  'up',
  'workflow',
];
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** Runs `coattail …args` in this process (so coverage sees it) and collects what it prints. */
async function coattail(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  vi.spyOn(console, 'error').mockImplementation((line: unknown) => void (stderr += `${String(line)}\n`));
  try {
    await main(['node', 'coattail', ...args]);
  } finally {
    vi.restoreAllMocks();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { code, stdout, stderr };
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('coattail, run in-process', () => {
  it('prints its version with --version and -V', async () => {
    for (const flag of ['--version', '-V']) {
      const { code, stdout } = await coattail(flag);
      expect(code).toBe(0);
      expect(stdout.trim()).toBe(version);
    }
  }, 120_000); // the first run loads every command's module

  it('lists every command with --help', async () => {
    const { code, stdout } = await coattail('--help');
    expect(code).toBe(0);
    for (const name of COMMANDS) expect(stdout).toMatch(new RegExp(`^\\s+${name}\\b`, 'm'));
  });

  it.each(COMMANDS)('answers `coattail %s --help` with its usage', async (name) => {
    const { code, stdout } = await coattail(name, '--help');
    expect(code).toBe(0);
    expect(stdout).toContain(`Usage: coattail ${name}`);
  });

  it('rejects an unknown command and a bad option value with a usage error, not a stack trace', async () => {
    const unknown = await coattail('deploy');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/unknown command 'deploy'/);
    const bad = await coattail('up', '--rate', 'fast');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--rate <trades>.*'fast' is invalid/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});
