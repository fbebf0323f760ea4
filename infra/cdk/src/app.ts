import { loadTableDefinitions } from '@coattail/connectors';
import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseDeploymentConfig } from './config.js';
import { CoattailStack } from './stack.js';

/**
 * The CDK app: the `Coattail` stack with cdk-nag's AwsSolutions pack as a validation plugin, so
 * a finding without a justified acknowledgement fails `cdk synth` and `cdk deploy`.
 */
export async function buildApp(
  props: AppProps & { env?: { account?: string; region?: string } } = {},
): Promise<{ app: App; stack: CoattailStack; nag: AwsSolutionsChecks }> {
  const { env, ...appProps } = props;
  // Access logs are delivered under a bucket policy, not an ACL: the buckets keep ACLs disabled.
  const app = new App({
    ...appProps,
    context: { '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true, ...appProps.context },
  });
  const config = parseDeploymentConfig((key) => app.node.tryGetContext(key));
  const stack = new CoattailStack(app, 'Coattail', {
    config,
    dynamoTables: await loadTableDefinitions(),
    description: 'Coat Tail Capital data platform: trades stream, stream jobs, Iceberg on S3, quality alarms',
    ...(env ? { env } : {}),
  });
  const nag = new AwsSolutionsChecks(app, { verbose: true });
  Validations.of(app).addPlugins(nag);
  return { app, stack, nag };
}
