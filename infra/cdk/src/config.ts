import { z } from 'zod';

const positiveInt = z.coerce.number().int().positive();

/**
 * The deployment's settings, read from CDK context (`cdk.json`, or `-c coattail:<name>=<value>` on
 * the command line). Every setting has a default except the ones an operator must choose.
 */
export const deploymentConfigSchema = z.object({
  /**
   * Bucket names are `<prefix>-raw`, `<prefix>-warehouse`, `<prefix>-checkpoints`. S3 names are
   * global: pick a prefix of your own (e.g. `coattail-<account id>`) when `coattail` is taken.
   */
  bucketPrefix: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{1,40}[a-z0-9]$/, 'lower-case letters, digits and hyphens, 3–42 characters')
    .default('coattail'),
  /** Tasks per stream job; leases split the shards between them. */
  jobTasks: positiveInt.max(64).default(2),
  /** Shards of the trades stream. */
  shards: positiveInt.max(500).default(2),
  natGateways: z.coerce.number().int().min(0).max(3).default(1),
  /** Days DLQ objects (`dlq/`) are kept in the raw bucket. */
  dlqRetentionDays: positiveInt.default(30),
  /**
   * Image tag in the `coattail-jobs` and `coattail-producer` ECR repositories. Absent: `cdk deploy`
   * builds both Dockerfiles itself (needs Docker) and pushes them to the CDK asset repository.
   */
  imageTag: z.string().min(1).optional(),
  /** Secrets Manager secret (ARN) holding the file-quality service's `DATABASE_URL`. Absent: the stack creates an empty one to fill. */
  databaseSecretArn: z.string().startsWith('arn:').optional(),
  /** Tasks of the file-quality service. @default 1 with `databaseSecretArn`, else 0 */
  fileQualityTasks: z.coerce.number().int().min(0).max(16).optional(),
  /** Address that receives the platform's alarms (an SNS email subscription to confirm). */
  alarmEmail: z.email().optional(),
  /** QualityScore (%) below which a job's quality alarm fires. */
  qualityScoreThreshold: z.coerce.number().min(0).max(100).default(95),
  /** Failed records per 5 minutes above which a job's RecordsFailed alarm fires. */
  recordsFailedThreshold: z.coerce.number().int().min(0).default(100),
  /** Iterator age (ms) above which the stream's consumers are alarmed as falling behind. */
  iteratorAgeMs: positiveInt.default(60_000),
});

export type DeploymentConfig = z.infer<typeof deploymentConfigSchema>;

/** The context keys, prefixed so they never clash with CDK's own feature flags. */
export const CONTEXT_PREFIX = 'coattail:';

/** Parses the deployment settings from a context lookup, listing every invalid one. */
export function parseDeploymentConfig(context: (key: string) => unknown): DeploymentConfig {
  const raw = Object.fromEntries(
    Object.keys(deploymentConfigSchema.shape).map((key) => [key, context(`${CONTEXT_PREFIX}${key}`)]),
  );
  const parsed = deploymentConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `  ${CONTEXT_PREFIX}${i.path.join('.')}: ${i.message}`);
  throw new Error(`invalid CDK context (set it in infra/cdk/cdk.json or with -c key=value):\n${problems.join('\n')}`);
}
