import type { Command } from 'commander';

type Register = (program: Command) => void;

/**
 * Every subcommand of `coattail`, loaded on demand: running one command imports only its module
 * (and the packages behind it), not the AWS SDK, DuckDB and PGlite of every other command. A
 * package that adds a command exports a `register*` function and gets one line here.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  alerts: async () => (await import('./alerts.js')).registerAlerts,
  batch: async () => (await import('./batch.js')).registerBatch,
  demo: async () => (await import('./demo.js')).registerDemo,
  dq: async () => (await import('./dq.js')).registerDq,
  iceberg: async () => (await import('./iceberg.js')).registerIceberg,
  job: async () => (await import('./job.js')).registerJob,
  'local-stack': async () => (await import('./local-stack.js')).registerLocalStack,
  producer: async () => (await import('./producer.js')).registerProducer,
  recon: async () => (await import('./recon.js')).registerRecon,
  up: async () => (await import('./up.js')).registerUp,
  workflow: async () => (await import('./workflow.js')).registerWorkflow,
};

/** Registers the command named in `argv` (every command when none is, e.g. for `--help`). */
export async function registerCommands(program: Command, argv: readonly string[] = []): Promise<void> {
  const name = argv.slice(2).find((a) => !a.startsWith('-'));
  const load = name === undefined ? undefined : COMMANDS[name];
  for (const register of load ? [load] : Object.values(COMMANDS)) (await register())(program);
}
