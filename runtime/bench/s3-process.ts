/**
 * The S3 emulator (s3rver from @coattail/local-stack) in a child process, so the benchmarks
 * measure the engine's CPU and not the storage service's: Flink's published figures count the
 * TaskManagers, not the file system they checkpoint to. Run as a script, it starts the stack with
 * the checkpoint bucket, prints the S3 client options as one JSON line, and stops when its
 * standard input closes (the parent exited or called `stop()`).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createS3Client, type AwsClientOptions } from '@coattail/connectors';
import { startLocalStack } from '@coattail/local-stack';

export const CHECKPOINT_BUCKET = 'nexmark-checkpoints';

export interface S3Process {
  client: ReturnType<typeof createS3Client>;
  stop(): Promise<void>;
}

/** Starts the emulator in a child process and returns a client for it. */
export async function startS3Process(): Promise<S3Process> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const options = await new Promise<AwsClientOptions>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => resolve(JSON.parse(line) as AwsClientOptions));
    child.once('exit', (code) => reject(new Error(`the S3 emulator process exited (${code}) before it started`)));
  });
  const client = createS3Client(options);
  return {
    client,
    stop: async () => {
      client.destroy();
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.stdin.end();
      await exited;
    },
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const stack = await startLocalStack({ streams: [], tables: [], buckets: [CHECKPOINT_BUCKET] });
  process.stdout.write(`${JSON.stringify(stack.clientOptions('s3'))}\n`);
  process.stdin.resume();
  process.stdin.once('end', () => void stack.stop().then(() => process.exit(0)));
}
