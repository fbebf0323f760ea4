import { Validations, type Stack } from 'aws-cdk-lib';

/**
 * The cdk-nag AwsSolutions findings the platform accepts, each with its reason, acknowledged on
 * the one resource it concerns (never on the stack, which would hide the same finding elsewhere).
 * The task roles' own wildcard findings are acknowledged where the roles are made (policies.ts).
 */
export function suppressPlatformFindings(stack: Stack): void {
  for (const child of stack.node.findAll()) {
    const path = child.node.path;
    if (/\/Services\/[^/]+-task\/Resource$/.test(path))
      Validations.of(child).acknowledge({
        id: 'AwsSolutions-ECS2',
        reason:
          'The environment holds only resource names, region and tuning values; the one secret (DATABASE_URL) comes from Secrets Manager.',
      });
    if (/\/Services\/[^/]+-task\/ExecutionRole\/DefaultPolicy\/Resource$/.test(path))
      Validations.of(child).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'ecr:GetAuthorizationToken has no resource-level permissions; image pulls are granted on the one repository.',
      });
    if (/\/DatabaseUrl\/Resource$/.test(path))
      Validations.of(child).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'The secret is the connection string of a database this stack does not own; its password rotates with that database, not here.',
      });
  }
}
