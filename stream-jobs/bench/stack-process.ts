/**
 * The local stack's emulators (kinesalite, dynalite, s3rver from @coattail/local-stack) in a child
 * process, so they do not share the job's event loop: in production Kinesis, DynamoDB and S3 are
 * other machines. In the same process kinesalite acknowledged only ~14 k trades/s while the job
 * ran beside it. Run as a script, it starts the stack with the platform's stream, tables and
 * buckets, prints the client options of each service as one JSON line, then its CPU time (µs) once
 * a second, and stops when its standard input closes (the parent exited or called `stop()`).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createDynamoDbClient, createKinesisClient, createS3Client, type AwsClientOptions } from '@coattail/connectors';
import { startLocalStack } from '@coattail/local-stack';

type Service = 'kinesis' | 'dynamodb' | 's3';

/** The emulators in their child process: clients for them, their CPU time so far, and `stop()`. */
export interface StackProcess {
  clients: {
    kinesis: ReturnType<typeof createKinesisClient>;
    dynamodb: ReturnType<typeof createDynamoDbClient>;
    s3: ReturnType<typeof createS3Client>;
  };
  /** CPU time (user + system, µs) the emulator process used, as of its last report (once a second). */
  cpuMicros(): number;
  stop(): Promise<void>;
}

/** Starts the emulators in a child process and returns clients for them. */
export async function startStackProcess(): Promise<StackProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let cpu = 0;
  const lines = createInterface({ input: child.stdout });
  const options = await new Promise<Record<Service, AwsClientOptions>>((resolve, reject) => {
    lines.on('line', (line) => {
      const msg = JSON.parse(line) as { cpu?: number; services?: Record<Service, AwsClientOptions> };
      if (msg.services !== undefined) resolve(msg.services);
      if (msg.cpu !== undefined) cpu = msg.cpu;
    });
    child.once('exit', (code) => reject(new Error(`the emulator process exited (${code}) before it started`)));
  });
  const clients = {
    kinesis: createKinesisClient(options.kinesis),
    dynamodb: createDynamoDbClient(options.dynamodb),
    s3: createS3Client(options.s3),
  };
  return {
    clients,
    cpuMicros: () => cpu,
    stop: async () => {
      for (const client of Object.values(clients)) client.destroy();
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.stdin.end();
      await exited;
    },
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // The parent may go first; a closed stdout must not crash the emulators.
  process.stdout.on('error', () => process.exit(0));
  const stack = await startLocalStack();
  const services = Object.fromEntries((['kinesis', 'dynamodb', 's3'] as const).map((s) => [s, stack.clientOptions(s)]));
  const say = (msg: object): boolean => process.stdout.write(`${JSON.stringify(msg)}\n`);
  say({ services });
  const timer = setInterval(() => {
    const { user, system } = process.cpuUsage();
    say({ cpu: user + system });
  }, 1_000);
  process.stdin.resume();
  process.stdin.once('end', () => {
    clearInterval(timer);
    void stack.stop().then(() => process.exit(0));
  });
}
