import type { Command } from 'commander';
import { registerBatch } from './batch.js';
import { registerDemo } from './demo.js';
import { registerDq } from './dq.js';
import { registerIceberg } from './iceberg.js';
import { registerJob } from './job.js';
import { registerLocalStack } from './local-stack.js';
import { registerProducer } from './producer.js';
import { registerRecon } from './recon.js';
import { registerUp } from './up.js';

/**
 * Every subcommand of `coattail`. A package that adds a command exports a `register*` function
 * and gets one line here.
 */
export function registerCommands(program: Command): void {
  registerBatch(program);
  registerDemo(program);
  registerDq(program);
  registerIceberg(program);
  registerJob(program);
  registerLocalStack(program);
  registerProducer(program);
  registerRecon(program);
  registerUp(program);
}
