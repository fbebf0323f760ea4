import {
  Duration,
  RemovalPolicy,
  type aws_ec2 as ec2,
  aws_ecs as ecs,
  type aws_iam as iam,
  aws_logs as logs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** One long-running component: its task definition, container and Fargate service. */
export interface ServiceSpec {
  /** `producer`, a job name, or `file-quality`: family `coattail-<name>`, log group `/coattail/<name>`. */
  name: string;
  image: ecs.ContainerImage;
  command?: string[];
  environment: Record<string, string>;
  secrets?: Record<string, ecs.Secret>;
  role: iam.Role;
  cpu: number;
  memoryMiB: number;
  desiredCount: number;
  /** Seconds between SIGTERM and SIGKILL: the final checkpoint or flush must fit. */
  stopTimeoutSeconds: number;
  healthCheck?: ecs.HealthCheck;
  portMappings?: ecs.PortMapping[];
  readonlyRootFilesystem?: boolean;
  /** Task-local writable folders (e.g. `/tmp`, where tsx keeps its compile cache) for a read-only root. */
  scratch?: string[];
  /** At most one task at a time, even during a deployment (the producer: two would publish every trade twice). */
  singleton?: boolean;
}

export interface PlatformService {
  taskDefinition: ecs.FargateTaskDefinition;
  container: ecs.ContainerDefinition;
  service: ecs.FargateService;
  logGroup: logs.LogGroup;
}

/** The cluster's services, all in the private subnets with the tasks' security group. */
export class PlatformServices extends Construct {
  readonly cluster: ecs.Cluster;
  readonly services: Record<string, PlatformService> = {};

  constructor(
    scope: Construct,
    id: string,
    private readonly network: { vpc: ec2.IVpc; securityGroup: ec2.ISecurityGroup },
  ) {
    super(scope, id);
    this.cluster = new ecs.Cluster(this, 'Cluster', {
      clusterName: 'coattail',
      vpc: network.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
  }

  add(spec: ServiceSpec): PlatformService {
    const logGroup = new logs.LogGroup(this, `${spec.name}-logs`, {
      logGroupName: `/coattail/${spec.name}`,
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const taskDefinition = new ecs.FargateTaskDefinition(this, `${spec.name}-task`, {
      family: `coattail-${spec.name}`,
      cpu: spec.cpu,
      memoryLimitMiB: spec.memoryMiB,
      taskRole: spec.role,
      runtimePlatform: {
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
        cpuArchitecture: ecs.CpuArchitecture.X86_64,
      },
    });
    const container = taskDefinition.addContainer(spec.name, {
      image: spec.image,
      essential: true,
      ...(spec.command ? { command: spec.command } : {}),
      environment: spec.environment,
      ...(spec.secrets ? { secrets: spec.secrets } : {}),
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: spec.name }),
      stopTimeout: Duration.seconds(spec.stopTimeoutSeconds),
      readonlyRootFilesystem: spec.readonlyRootFilesystem ?? false,
      ...(spec.healthCheck ? { healthCheck: spec.healthCheck } : {}),
      ...(spec.portMappings ? { portMappings: spec.portMappings } : {}),
    });
    for (const [i, path] of (spec.scratch ?? []).entries()) {
      taskDefinition.addVolume({ name: `scratch-${i}` });
      container.addMountPoints({ containerPath: path, sourceVolume: `scratch-${i}`, readOnly: false });
    }
    const service = new ecs.FargateService(this, `${spec.name}-service`, {
      serviceName: `coattail-${spec.name}`,
      cluster: this.cluster,
      taskDefinition,
      desiredCount: spec.desiredCount,
      vpcSubnets: { subnetGroupName: 'tasks' },
      securityGroups: [this.network.securityGroup],
      assignPublicIp: false,
      circuitBreaker: { enable: true, rollback: true },
      // A rolling deployment SIGTERMs old tasks (final checkpoint, lease hand-over) as new ones start;
      // a singleton is stopped first so two never run at once.
      minHealthyPercent: spec.singleton ? 0 : 100,
      maxHealthyPercent: spec.singleton ? 100 : 200,
    });
    const built = { taskDefinition, container, service, logGroup };
    this.services[spec.name] = built;
    return built;
  }
}
