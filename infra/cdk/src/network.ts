import { RemovalPolicy, aws_ec2 as ec2, aws_logs as logs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { DeploymentConfig } from './config.js';

/**
 * The tasks' network: private subnets in two zones with NAT (the producer reaches the exchanges'
 * WebSockets; the tasks reach the AWS APIs), gateway endpoints for S3 and DynamoDB so the bulk of
 * the traffic skips NAT, flow logs, and one security group with no inbound rule (no task serves
 * anything; the producer's health endpoint is probed inside its own container).
 */
export class PlatformNetwork extends Construct {
  readonly vpc: ec2.Vpc;
  readonly tasks: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, config: DeploymentConfig) {
    super(scope, id);
    const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: config.natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        {
          name: 'tasks',
          subnetType: config.natGateways > 0 ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED,
          cidrMask: 22,
        },
      ],
      gatewayEndpoints: {
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
        DynamoDB: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
      },
      flowLogs: {
        all: {
          destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs),
          trafficType: ec2.FlowLogTrafficType.ALL,
        },
      },
    });
    this.tasks = new ec2.SecurityGroup(this, 'Tasks', {
      vpc: this.vpc,
      description: 'Coat Tail Capital tasks: outbound only',
      allowAllOutbound: true,
    });
  }
}
