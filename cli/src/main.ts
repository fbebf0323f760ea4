import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index.js';

/** The version of the installed CLI, from its package.json. */
function cliVersion(): string {
  const manifest: unknown = createRequire(import.meta.url)('../package.json');
  const version = (manifest as { version?: unknown }).version;
  return typeof version === 'string' ? version : 'unknown';
}

/** Builds the `coattail` program: one dispatcher for every job and tool. */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('coattail')
    .description('Coat Tail Capital data platform: "Riding smart money so you don\'t have to think."')
    .version(cliVersion(), '-V, --version', 'print the coattail version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  await registerCommands(program, argv);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await (await buildProgram(argv)).parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    console.error(`coattail: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
