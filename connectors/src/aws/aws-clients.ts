import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** Static credentials, used for the local emulators (which accept any key; s3rver wants `S3RVER`). */
export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The key pair s3rver accepts; kinesalite and dynalite accept anything. */
export const LOCAL_CREDENTIALS: StaticCredentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/**
 * Where a client connects. Without `endpoint` the client talks to real AWS with the default
 * credential chain (environment, profile, ECS task role); with one it talks to that endpoint
 * (the local stack) with {@link LOCAL_CREDENTIALS} unless `credentials` are given.
 */
export interface AwsClientOptions {
  /** @default process.env.AWS_REGION ?? 'us-east-1' */
  region?: string;
  /** Endpoint override, e.g. `http://127.0.0.1:4567`. */
  endpoint?: string;
  credentials?: StaticCredentials;
  /** SDK-level attempts per call (our own retries wrap these). @default 3 */
  maxAttempts?: number;
  /** Socket timeouts of the HTTP handler. @default 10_000 */
  requestTimeoutMs?: number;
}

function common(options: AwsClientOptions): {
  region: string;
  maxAttempts: number;
  endpoint?: string;
  credentials?: StaticCredentials;
  requestHandler: NodeHttpHandler;
} {
  const timeout = options.requestTimeoutMs ?? 10_000;
  return {
    region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
    maxAttempts: options.maxAttempts ?? 3,
    // HTTP/1.1 always: kinesalite cannot speak the HTTP/2 the Kinesis client would otherwise try.
    requestHandler: new NodeHttpHandler({ connectionTimeout: timeout, requestTimeout: timeout }),
    ...(options.endpoint !== undefined
      ? { endpoint: options.endpoint, credentials: options.credentials ?? LOCAL_CREDENTIALS }
      : {}),
    ...(options.endpoint === undefined && options.credentials !== undefined
      ? { credentials: options.credentials }
      : {}),
  };
}

/**
 * A Kinesis client for real AWS or, with an `endpoint`, for kinesalite.
 *
 * @example
 * const kinesis = createKinesisClient({ endpoint: stack.endpoints.kinesis });
 */
export function createKinesisClient(options: AwsClientOptions = {}): KinesisClient {
  return new KinesisClient(common(options));
}

/** A DynamoDB client for real AWS or, with an `endpoint`, for dynalite. */
export function createDynamoDbClient(options: AwsClientOptions = {}): DynamoDBClient {
  return new DynamoDBClient(common(options));
}

/** An S3 client for real AWS or, with an `endpoint`, for s3rver (path-style addressing there). */
export function createS3Client(options: AwsClientOptions = {}): S3Client {
  return new S3Client({ ...common(options), forcePathStyle: options.endpoint !== undefined });
}

/** Endpoint overrides for each service, e.g. from a local stack or the environment. */
export interface AwsEndpoints {
  kinesis?: string;
  dynamodb?: string;
  s3?: string;
}

/**
 * Endpoint overrides from the environment: `COATTAIL_KINESIS_ENDPOINT`, `COATTAIL_DYNAMODB_ENDPOINT`,
 * `COATTAIL_S3_ENDPOINT`, each falling back to `AWS_ENDPOINT_URL`. None set means real AWS.
 */
export function endpointsFromEnv(env: NodeJS.ProcessEnv = process.env): AwsEndpoints {
  const pick = (name: string): string | undefined => env[name] ?? env.AWS_ENDPOINT_URL;
  const out: AwsEndpoints = {};
  const kinesis = pick('COATTAIL_KINESIS_ENDPOINT');
  const dynamodb = pick('COATTAIL_DYNAMODB_ENDPOINT');
  const s3 = pick('COATTAIL_S3_ENDPOINT');
  if (kinesis !== undefined) out.kinesis = kinesis;
  if (dynamodb !== undefined) out.dynamodb = dynamodb;
  if (s3 !== undefined) out.s3 = s3;
  return out;
}
