const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'LimitExceededException',
  'SlowDown',
  'RequestThrottled',
  'RequestThrottledException',
  'KMSThrottlingException',
]);
const TRANSIENT_NAMES = new Set([
  'InternalFailure',
  'InternalError',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);

interface AwsLikeError {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  $retryable?: unknown;
}

function shape(error: unknown): AwsLikeError {
  return typeof error === 'object' && error !== null ? error : {};
}

/**
 * How many attempts the AWS SDK made before giving up on a call (its own retries included), for
 * `withRetry`'s `attemptsUsed`: the platform's retries then add to the SDK's instead of multiplying them.
 */
export function sdkAttempts(error: unknown): number {
  const attempts = shape(error).$metadata?.attempts;
  return typeof attempts === 'number' && Number.isFinite(attempts) && attempts >= 1 ? Math.floor(attempts) : 1;
}

/** The AWS error name (`ConditionalCheckFailedException`, ...), or undefined for non-AWS errors. */
export function awsErrorName(error: unknown): string | undefined {
  return shape(error).name;
}

/** True when AWS asked us to slow down (throughput exceeded, throttling, SlowDown). */
export function isThrottlingError(error: unknown): boolean {
  const e = shape(error);
  return (e.name !== undefined && THROTTLING.has(e.name)) || e.$metadata?.httpStatusCode === 429;
}

/**
 * True for failures another attempt may cure: throttling, 5xx, timeouts, and the network
 * failing (an emulator or endpoint restarting refuses connections for a while).
 */
export function isTransientAwsError(error: unknown): boolean {
  const e = shape(error);
  if (isThrottlingError(error)) return true;
  if (e.name !== undefined && TRANSIENT_NAMES.has(e.name)) return true;
  if ((e.$metadata?.httpStatusCode ?? 0) >= 500) return true;
  if (e.code !== undefined && NETWORK_CODES.has(e.code)) return true;
  if (e.$retryable !== undefined) return true;
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause !== undefined && cause !== error && isTransientAwsError(cause);
}
