import { kcatInstalled, MockKafkaCluster } from '@coattail/local-stack';

/**
 * Whether the mock-cluster suites run: always in CI (where a missing kcat must fail the run, not
 * skip it), elsewhere only when kcat is installed (`apt-get install -y kcat`).
 */
export const runMockClusterTests = kcatInstalled() || process.env.CI === 'true';

/** Starts a 3-broker mock cluster; throws (failing the suite) when kcat is missing. */
export function startMockCluster(): Promise<MockKafkaCluster> {
  return MockKafkaCluster.start(3);
}
