import { readUpState, type UpStack } from './up-state.js';

/** Signs that this process is meant to talk to AWS: a region, profile, key or task role. */
const AWS_HINTS = [
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_PROFILE',
  'AWS_ACCESS_KEY_ID',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'ECS_CONTAINER_METADATA_URI_V4',
];

/** Where a command reads when it was given no endpoint. */
export type StackChoice =
  /** The emulators of the `npm start` running on the state directory; `origin` says which. */
  | { kind: 'up'; stack: UpStack; origin: string }
  /** Real AWS: no `npm start` runs there and the environment is configured for AWS. */
  | { kind: 'aws'; origin: 'AWS' };

/** How {@link findStack} looks and what it says when it finds nothing to read. */
export interface FindStackOptions {
  /** The folder `coattail up` / `npm start` keeps its state in. */
  stateDir: string;
  env: NodeJS.ProcessEnv;
  /** What the user did not give, e.g. "no DynamoDB endpoint given". */
  missing: string;
  /** How the user can point the command somewhere, e.g. "start the platform with `npm start` …". */
  howToPoint: string;
}

/**
 * The stack a command reads when it was given no endpoint: the `npm start` running on
 * `stateDir` (through its `up.json`, see `readUpState`), else real AWS when the environment is
 * configured for it. A run that is starting, stopping or gone, or nothing at all with no sign of
 * AWS, fails with what to do next: going to AWS then would read an account the user never meant.
 */
export async function findStack(options: FindStackOptions): Promise<StackChoice> {
  const { stateDir, env, howToPoint } = options;
  const found = await readUpState(stateDir);
  switch (found.status) {
    case 'running':
      return { kind: 'up', stack: found.stack, origin: `the npm start running on ${stateDir}, pid ${found.state.pid}` };
    case 'starting':
      throw new Error(
        `the npm start running on ${stateDir} (pid ${found.state.pid}) is starting: its emulators do not serve yet; ` +
          'run this again in a moment (a run of an earlier coattail version never says where they serve: restart it)',
      );
    case 'stopping':
      throw new Error(
        `the npm start running on ${stateDir} (pid ${found.state.pid}) is stopping: its emulators are going away: ${howToPoint}`,
      );
    case 'stale':
      throw new Error(
        `the npm start that wrote ${found.file} (pid ${found.state.pid}, started ${found.state.startedAt}) is no longer running: ${howToPoint}`,
      );
    case 'absent':
    case 'unreadable':
      if (!AWS_HINTS.some((name) => env[name] !== undefined && env[name] !== ''))
        throw new Error(
          `no running npm start found (${found.status === 'absent' ? 'no' : 'unreadable'} ${found.file}) and ${options.missing}: ${howToPoint}`,
        );
      return { kind: 'aws', origin: 'AWS' };
  }
}
