import type { Command } from 'commander';
import pino from 'pino';
import { startLocalStack } from '../local-stack-loader.js';

interface LocalStackCommandOptions {
  dataDir?: string;
  kinesisPort: string;
  dynamodbPort: string;
  s3Port: string;
  shards: string;
  stream: string;
}

function port(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535)
    throw new Error(`--${name} must be a port number (0 picks a free one), got '${value}'`);
  return n;
}

async function runLocalStack(options: LocalStackCommandOptions): Promise<void> {
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });
  const shards = Number(options.shards);
  if (!Number.isInteger(shards) || shards < 1)
    throw new Error(`--shards must be a positive integer, got '${options.shards}'`);
  const stack = await startLocalStack({
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
    ports: {
      kinesis: port(options.kinesisPort, 'kinesis-port'),
      dynamodb: port(options.dynamodbPort, 'dynamodb-port'),
      s3: port(options.s3Port, 's3-port'),
    },
    streams: [{ name: options.stream, shards }],
    logger,
  });
  console.log('coattail local-stack: in-process Kinesis (kinesalite), DynamoDB (dynalite) and S3 (s3rver) on loopback');
  console.log(`  COATTAIL_KINESIS_ENDPOINT=${stack.endpoints.kinesis}`);
  console.log(`  COATTAIL_DYNAMODB_ENDPOINT=${stack.endpoints.dynamodb}`);
  console.log(`  COATTAIL_S3_ENDPOINT=${stack.endpoints.s3}`);
  console.log(
    `  AWS_ACCESS_KEY_ID=${stack.credentials.accessKeyId} AWS_SECRET_ACCESS_KEY=${stack.credentials.secretAccessKey} AWS_REGION=${stack.region}`,
  );
  console.log(`  streams: ${stack.streams.map((s) => `${s.name} (${s.shards} shards)`).join(', ')}`);
  console.log(`  tables: ${stack.tables.join(', ')}; buckets: ${stack.buckets.join(', ')}`);
  console.log(options.dataDir === undefined ? '  data: in memory (gone on exit)' : `  data: ${options.dataDir}`);
  console.log('Ctrl-C to stop.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await stack.stop();
  console.log('coattail local-stack: stopped');
}

/** `coattail local-stack`: runs the embedded AWS stack on its own until Ctrl-C. */
export function registerLocalStack(program: Command): void {
  program
    .command('local-stack')
    .description('run in-process Kinesis, DynamoDB and S3 emulators with the platform streams, tables and buckets')
    .option('--data-dir <dir>', 'persist data in this folder (default: in memory)')
    .option('--kinesis-port <port>', 'Kinesis port (0 = any free port)', '4567')
    .option('--dynamodb-port <port>', 'DynamoDB port (0 = any free port)', '4568')
    .option('--s3-port <port>', 'S3 port (0 = any free port)', '4569')
    .option('--stream <name>', 'trades stream to create', 'coattail-trades')
    .option('--shards <n>', 'shards of the trades stream', '2')
    .action((options: LocalStackCommandOptions) => runLocalStack(options));
}
