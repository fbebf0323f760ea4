/**
 * @coattail/infra-cdk — the platform on AWS as one CDK stack. `bin/app.ts` is the app `npx cdk`
 * runs; the stack and its pieces are exported for tests and for other apps that embed it.
 */
export { CoattailStack, type CoattailStackProps } from './stack.js';
export { parseDeploymentConfig, deploymentConfigSchema, CONTEXT_PREFIX, type DeploymentConfig } from './config.js';
export { DEPLOYED_JOBS, JOB_ACCESS, ACTIONS, PREFIXES, type DeployedJob, type JobAccess } from './access.js';
export { GLUE_DATABASE, tableLocation } from './catalog.js';
export { FILE_QUALITY_KEY_PATTERNS, RAW_ZONE_DATA } from './file-quality.js';
export { QUALITY_NAMESPACE } from './alarms.js';
export { STREAM_NAME } from './storage.js';
export { buildApp } from './app.js';
