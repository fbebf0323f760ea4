import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations, aws_s3 as s3 } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { ENV } from './template.js';

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in the platform stack, and every acknowledgement gives its reason', async () => {
    const { app, stack, nag } = await buildApp({ env: ENV, context: { 'coattail:imageTag': 'test' } });
    const report = nag.validateScope(app);
    const unacknowledged = report.violations.map(
      (v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(unacknowledged).toEqual([]);
    const acknowledged = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.entries(m.data as Record<string, string>))
      .map(([id, reason]) => [id.replace(/^annotation::/i, ''), reason] as const)
      .filter(([id]) => id.startsWith('AwsSolutions-'));
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(acknowledged.filter(([, reason]) => reason.trim().length < 40)).toEqual([]);
    // Acknowledged on the resources themselves, never for the whole stack.
    const stackWide = stack.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.keys(m.data as Record<string, string>));
    expect(stackWide.filter((id) => /^(annotation::)?AwsSolutions-/i.test(id))).toEqual([]);
  }, 120_000);

  it('would fail the build on a finding: a public, unencrypted, plain-HTTP bucket is reported', () => {
    const app = new App();
    const stack = new Stack(app, 'Insecure', { env: ENV });
    new s3.Bucket(stack, 'Open', { blockPublicAccess: s3.BlockPublicAccess.BLOCK_ACLS_ONLY });
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.success).toBe(false);
    expect(report.violations.map((v) => v.ruleName)).toEqual(
      expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']),
    );
  });

  it('`cdk synth` runs offline: the app synthesizes its template (images built from the Dockerfiles as assets) with the checks passing', async () => {
    const outdir = await mkdtemp(join(tmpdir(), 'coattail-cdk-out-'));
    try {
      const { app } = await buildApp({ env: ENV, outdir });
      const assembly = app.synth();
      const template = JSON.parse(await readFile(join(outdir, 'Coattail.template.json'), 'utf8')) as {
        Resources: Record<string, { Type: string }>;
      };
      expect(Object.values(template.Resources).filter((r) => r.Type === 'AWS::ECS::Service')).toHaveLength(6);
      const assets = JSON.parse(await readFile(join(outdir, 'Coattail.assets.json'), 'utf8')) as {
        dockerImages: Record<string, { source: { dockerFile?: string } }>;
      };
      expect(
        Object.values(assets.dockerImages)
          .map((d) => d.source.dockerFile)
          .sort(),
      ).toEqual(['infra/jobs/Dockerfile', 'producer/Dockerfile']);
      expect(assembly.stacks).toHaveLength(1);
    } finally {
      await rm(outdir, { recursive: true, force: true });
    }
  }, 300_000);
});
