// `npx cdk synth|deploy` (from infra/cdk): the account and region come from the AWS CLI profile.
import { buildApp } from '../src/app.js';

const { app } = await buildApp({
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
app.synth();
