import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../src/app.js';

/** The account and region every template test synthesizes for: ARNs come out as plain strings. */
export const ENV = { account: '123456789012', region: 'eu-west-1' } as const;

export interface CfnResource {
  Type: string;
  Properties: Record<string, unknown>;
  DependsOn?: string[];
}

/** A synthesized stack (offline: no AWS call, no Docker), with the images referenced by tag. */
export async function synthesize(context: Record<string, unknown> = {}) {
  const built = await buildApp({ env: ENV, context: { 'coattail:imageTag': 'test', ...context } });
  const template = Template.fromStack(built.stack);
  const resources = (template.toJSON() as { Resources: Record<string, CfnResource> }).Resources;
  const ofType = (type: string): [string, CfnResource][] =>
    Object.entries(resources).filter(([, r]) => r.Type === type);
  return { ...built, template, resources, ofType };
}

export type Synthesized = Awaited<ReturnType<typeof synthesize>>;

/** A CloudFormation value with `Fn::Join` / `Ref`s of pseudo parameters flattened to text, for comparisons. */
export function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(text).join(',');
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if ('Fn::Join' in o) {
      const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
      return parts.map(text).join(sep);
    }
    if ('Ref' in o)
      return o.Ref === 'AWS::Partition' ? 'aws' : o.Ref === 'AWS::URLSuffix' ? 'amazonaws.com' : `<${String(o.Ref)}>`;
    if ('Fn::GetAtt' in o) return `<${(o['Fn::GetAtt'] as string[]).join('.')}>`;
  }
  return JSON.stringify(value);
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** The statements of the inline policies attached to a role (by its logical id), flattened. */
export function roleStatements(
  s: Synthesized,
  roleId: string,
): { actions: string[]; resources: string[]; condition?: Statement['Condition'] }[] {
  return s
    .ofType('AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
    .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
    .map((st) => ({
      actions: [st.Action].flat(),
      resources: [st.Resource].flat().map(text),
      ...(st.Condition ? { condition: st.Condition } : {}),
    }));
}

/** The logical id of the task role of the task definition with family `coattail-<name>`. */
export function taskRoleOf(s: Synthesized, name: string): string {
  const found = s.ofType('AWS::ECS::TaskDefinition').find(([, t]) => t.Properties.Family === `coattail-${name}`);
  if (!found) throw new Error(`no task definition coattail-${name}`);
  return (found[1].Properties.TaskRoleArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;
}

export interface Container {
  Name: string;
  Command?: string[];
  Environment: { Name: string; Value: unknown }[];
  Secrets?: { Name: string; ValueFrom: unknown }[];
  StopTimeout: number;
  HealthCheck?: { Command: string[] };
  PortMappings?: { ContainerPort: number }[];
  ReadonlyRootFilesystem?: boolean;
  MountPoints?: { ContainerPath: string; SourceVolume: string; ReadOnly: boolean }[];
  LogConfiguration: { LogDriver: string; Options: Record<string, unknown> };
}

export function containerOf(s: Synthesized, name: string): Container {
  const found = s.ofType('AWS::ECS::TaskDefinition').find(([, t]) => t.Properties.Family === `coattail-${name}`);
  if (!found) throw new Error(`no task definition coattail-${name}`);
  return (found[1].Properties.ContainerDefinitions as Container[])[0]!;
}

export const envOf = (c: Container): Record<string, string> =>
  Object.fromEntries(c.Environment.map((e) => [e.Name, text(e.Value)]));
