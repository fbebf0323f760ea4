import { fileURLToPath } from 'node:url';
import { IgnoreMode, aws_ecr as ecr, aws_ecs as ecs } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from './config.js';

/** The repository root: the build context of both Dockerfiles. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The two images: `jobs` (the CLI: stream jobs and the file-quality service) and `producer`. */
export interface PlatformImages {
  jobs: ecs.ContainerImage;
  producer: ecs.ContainerImage;
}

/**
 * With `imageTag`, images already pushed to the `coattail-jobs` and `coattail-producer` ECR
 * repositories (a CI pipeline's build); without, `cdk deploy` builds the Dockerfiles from the
 * repository (through .dockerignore) and pushes them to the CDK asset repository.
 */
export function platformImages(scope: Construct, config: DeploymentConfig): PlatformImages {
  if (config.imageTag !== undefined) {
    const repo = (id: string, name: string) => ecr.Repository.fromRepositoryName(scope, id, name);
    return {
      jobs: ecs.ContainerImage.fromEcrRepository(repo('JobsRepository', 'coattail-jobs'), config.imageTag),
      producer: ecs.ContainerImage.fromEcrRepository(repo('ProducerRepository', 'coattail-producer'), config.imageTag),
    };
  }
  const asset = (file: string) =>
    ecs.ContainerImage.fromAsset(REPOSITORY_ROOT, {
      file,
      ignoreMode: IgnoreMode.DOCKER,
      exclude: ['infra/cdk/cdk.out'],
    });
  return { jobs: asset('infra/jobs/Dockerfile'), producer: asset('producer/Dockerfile') };
}
