import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index.js';

/** Builds the `coattail` program: one dispatcher for every job and tool. */
export function buildProgram(): Command {
  const program = new Command('coattail')
    .description('Coat Tail Capital data platform: "Riding smart money so you don\'t have to think."')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    console.error(`coattail: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
