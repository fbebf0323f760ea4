import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AlertsClient, createDynamoDbClient, endpointsFromEnv, type MalformedAlert } from '@coattail/connectors';
import { findStack } from '../up/running-stack.js';

/** Where `coattail alerts` reads: the options every subcommand takes. */
export interface ConnectionOptions {
  /** The folder `coattail up` / `npm start` keeps its state in. */
  stateDir: string;
  /** DynamoDB endpoint (dynalite, DynamoDB Local); overrides everything else. */
  endpoint?: string;
  /** Real DynamoDB with the default credential chain, even if a local stack runs. */
  aws?: boolean;
  table?: string;
  region?: string;
}

/** An open alerts reader and a sentence saying what it reads. */
export interface AlertsConnection {
  alerts: AlertsClient;
  /** e.g. "coattail-alerts at http://127.0.0.1:40123 (the npm start running on .coattail, pid 123)" */
  where: string;
  close(): void;
}

const HOW_TO_POINT =
  'start the platform with `npm start` in another terminal (or pass --state-dir where it keeps its state), ' +
  'give a DynamoDB endpoint with --endpoint URL (or COATTAIL_DYNAMODB_ENDPOINT), ' +
  'or read real DynamoDB with --aws (credentials from the default chain)';

/**
 * Picks the alerts table to read, in this order: `--endpoint`; the endpoint variables every other
 * command honours (`COATTAIL_DYNAMODB_ENDPOINT`, `AWS_ENDPOINT_URL`); `--aws`; the `npm start`
 * running on `--state-dir` (its `up.json`); real AWS when the environment is configured for it.
 * Otherwise it fails, saying how to point it somewhere.
 */
export async function openAlerts(
  options: ConnectionOptions,
  env: NodeJS.ProcessEnv = process.env,
  onMalformed?: (malformed: MalformedAlert) => void,
): Promise<AlertsConnection> {
  let endpoint = options.endpoint ?? endpointsFromEnv(env).dynamodb;
  let region = options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  let tableName = options.table ?? env.ALERTS_TABLE;
  let origin: string;
  if (endpoint !== undefined) origin = options.endpoint !== undefined ? '--endpoint' : 'from the environment';
  else if (options.aws === true) origin = 'AWS';
  else {
    const found = await findStack({
      stateDir: options.stateDir,
      env,
      missing: 'no DynamoDB endpoint given',
      howToPoint: HOW_TO_POINT,
    });
    if (found.kind === 'up') {
      endpoint = found.stack.endpoints.dynamodb;
      region ??= found.stack.region;
      tableName ??= found.stack.alertsTable;
    }
    origin = found.origin;
  }
  const table = tableName ?? 'coattail-alerts';
  const dynamodb: DynamoDBClient = createDynamoDbClient({
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(region !== undefined ? { region } : {}),
  });
  return {
    alerts: new AlertsClient({ client: dynamodb, tableName: table, ...(onMalformed ? { onMalformed } : {}) }),
    where: `${table} at ${endpoint ?? `DynamoDB in ${region ?? 'the default region'}`} (${origin})`,
    close: () => dynamodb.destroy(),
  };
}

/** Adds where the command was reading to a failure that comes from the peer, so the user can tell which. */
export function explainReadFailure(error: unknown, where: string): Error {
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error ? error.name : '';
  if (name === 'CredentialsProviderError')
    return new Error(`no AWS credentials to read ${where}: ${HOW_TO_POINT}`, { cause: error });
  if ((error as { code?: unknown }).code === 'PEER_UNAVAILABLE')
    return new Error(`${message}\n  while reading ${where}; is it running?`, { cause: error });
  return error instanceof Error ? error : new Error(message);
}
