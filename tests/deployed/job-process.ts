import { spawn, type ChildProcess } from 'node:child_process';
import type { LocalStack } from '@coattail/local-stack';

const CLI = new URL('../../cli/bin/coattail.js', import.meta.url).pathname;

/** A `coattail job` process as ECS runs it: its own process, environment and state dir. */
export interface JobProcess {
  readonly child: ChildProcess;
  /** Everything it printed so far (pino JSON lines). */
  output(): string;
  /** Resolves when a log line with this message has been printed. */
  waitFor(msg: string): Promise<void>;
  /** SIGTERM, then the exit code (0 is a clean stop after the final checkpoint). */
  stop(): Promise<number | null>;
}

/** The environment a deployed task gets, pointed at the local emulators and the Glue stand-in. */
export function taskEnv(stack: LocalStack, extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    LOG_LEVEL: 'info',
    COATTAIL_KINESIS_ENDPOINT: stack.endpoints.kinesis,
    COATTAIL_DYNAMODB_ENDPOINT: stack.endpoints.dynamodb,
    COATTAIL_S3_ENDPOINT: stack.endpoints.s3,
    AWS_ACCESS_KEY_ID: stack.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: stack.credentials.secretAccessKey,
    AWS_REGION: stack.region,
    ...extra,
  };
}

const started = new Set<JobProcess>();

/** Stops every job process still running (for afterAll: a failed test must not leave one behind). */
export async function stopAllJobProcesses(): Promise<void> {
  await Promise.all([...started].map((p) => p.stop()));
}

/** Starts `coattail job <name> --state-dir <stateDir> ...args`. */
export function startJobProcess(
  name: string,
  stateDir: string,
  env: NodeJS.ProcessEnv,
  args: string[] = [],
): JobProcess {
  const child = spawn(process.execPath, [CLI, 'job', name, '--state-dir', stateDir, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters: { msg: string; resolve: () => void }[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const onData = (chunk: Buffer): void => {
    out += chunk.toString();
    for (const w of [...waiters])
      if (out.includes(`"msg":"${w.msg}"`)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const job: JobProcess = {
    child,
    output: () => out,
    waitFor: (msg) =>
      out.includes(`"msg":"${msg}"`)
        ? Promise.resolve()
        : Promise.race([
            new Promise<void>((resolve) => waiters.push({ msg, resolve })),
            exited.then((code) => {
              throw new Error(`job exited (${code}) before logging '${msg}':\n${out.slice(-3000)}`);
            }),
          ]),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
  started.add(job);
  void exited.then(() => started.delete(job));
  return job;
}
