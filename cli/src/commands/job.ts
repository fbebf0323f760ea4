import { join } from 'node:path';
import { Argument, type Command } from 'commander';
import pino from 'pino';
import { createDynamoDbClient, createKinesisClient, createS3Client, endpointsFromEnv } from '@coattail/connectors';
import { describeJobConfig, JOB_NAMES, parseJobConfig, runStreamJob, type JobName } from '@coattail/stream-jobs';

interface JobOptions {
  stateDir: string;
}

async function runJob(name: JobName, options: JobOptions): Promise<void> {
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const config = parseJobConfig(process.env);
  const endpoints = endpointsFromEnv();
  const clients = {
    kinesis: createKinesisClient(endpoints.kinesis ? { endpoint: endpoints.kinesis } : {}),
    dynamodb: createDynamoDbClient(endpoints.dynamodb ? { endpoint: endpoints.dynamodb } : {}),
    s3: createS3Client(endpoints.s3 ? { endpoint: endpoints.s3 } : {}),
  };
  logger.info({ job: name, stream: config.STREAM_NAME, endpoints }, 'starting stream job');
  const job = runStreamJob(name, config, { clients, catalogDir: join(options.stateDir, 'catalog'), logger });
  // SIGTERM (ECS stopping the task) and Ctrl-C: every task takes a final checkpoint, then we exit 0.
  const stop = (signal: string): void => {
    logger.info({ signal }, 'stopping: final checkpoint');
    void job.stop();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  const result = await job.done;
  logger.info({ status: result.status, tasks: result.tasks.length }, 'stream job stopped');
}

/** `coattail job <name>`: runs one stream job until stopped. */
export function registerJob(program: Command): void {
  program
    .command('job')
    .description('run a stream job (volume-anomaly, whale-detector, spread-calculator) until SIGTERM')
    .addArgument(new Argument('<name>', 'the job').choices(JOB_NAMES))
    .option('--state-dir <dir>', 'local state of the embedded Iceberg catalog', '.coattail')
    .addHelpText(
      'after',
      `\nEndpoints: COATTAIL_KINESIS_ENDPOINT, COATTAIL_DYNAMODB_ENDPOINT, COATTAIL_S3_ENDPOINT (unset: real AWS),\n` +
        `e.g. as printed by \`coattail local-stack\`.\n\nConfiguration (environment variables):\n${describeJobConfig()}\n`,
    )
    .action((name: JobName, options: JobOptions) => runJob(name, options));
}
