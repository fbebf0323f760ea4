import { CommanderError, InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from './main.js';
import { port, positiveInteger, positiveNumber, snapshotId } from './options.js';

describe('numeric options', () => {
  it('accepts what the option means and refuses the rest with the value named', () => {
    expect(positiveNumber('2.5')).toBe(2.5);
    expect(positiveInteger('8')).toBe(8);
    expect(port('0')).toBe(0);
    expect(port('65535')).toBe(65_535);
    expect(snapshotId('-4611686018427387904')).toBe(-4611686018427387904n);
    for (const [parse, bad] of [
      [positiveNumber, 'abc'],
      [positiveNumber, '0'],
      [positiveInteger, '1.5'],
      [positiveInteger, 'abc'],
      [positiveInteger, '0'],
      [port, 'abc'],
      [port, '70000'],
      [port, '-1'],
      [snapshotId, 'abc'],
      [snapshotId, '1e9'],
    ] as const) {
      expect(() => parse(bad), `${parse.name}('${bad}')`).toThrow(InvalidArgumentError);
      expect(() => parse(bad)).toThrow(`'${bad}'`);
    }
  });
});

async function run(argv: string[]): Promise<{ out: string; err: string; code: number | undefined }> {
  let out = '';
  let err = '';
  const program = await buildProgram(['node', 'coattail', ...argv]);
  const capture = (c: typeof program): void => {
    c.configureOutput({ writeOut: (s) => void (out += s), writeErr: (s) => void (err += s) });
    c.commands.forEach(capture);
  };
  capture(program);
  try {
    await program.parseAsync(['node', 'coattail', ...argv]);
    return { out, err, code: undefined };
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return { out, err, code: error.exitCode };
  }
}

describe('the coattail program', () => {
  it('prints its version', async () => {
    const r = await run(['--version']);
    expect(r.out.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(r.code).toBe(0);
  });

  it.each([
    [['dq', 'replay', '-c', 'abc', 'events.jsonl'], /--concurrency.*'abc' is invalid.*whole number/s],
    [['recon', 'serve', '--port', 'abc'], /--port.*'abc' is invalid.*port from 0/s],
    [['recon', 'gen', '--format', 'xlsx'], /--format.*'xlsx' is invalid.*parquet, csv/s],
    [['iceberg', 'query', 't', '--snapshot', 'abc'], /--snapshot.*'abc' is invalid.*snapshot id/s],
  ])('refuses %j with a usage error that names the option and value', async (argv, message) => {
    const r = await run(argv);
    expect(r.err).toMatch(message);
    expect(r.code).toBe(1);
  });

  it('refuses to score a file that does not exist instead of scoring nothing', async () => {
    await expect(run(['dq', 'score', '/nonexistent/trades.csv'])).rejects.toThrow(
      /cannot read '\/nonexistent\/trades.csv': no such file/,
    );
  });
});
