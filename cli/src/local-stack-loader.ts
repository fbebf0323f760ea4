import type * as LocalStackExports from '@coattail/local-stack';
import type { LocalStack, LocalStackOptions, MockKafkaCluster } from '@coattail/local-stack';

/**
 * Starts the embedded AWS stack, loading `@coattail/local-stack` only now: it is a development
 * dependency, absent from the production images (which talk to AWS), so `coattail --help` and every
 * other command work there, and only the commands that need the emulators say they are missing.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  return (await loadLocalStack()).startLocalStack(options);
}

/** Starts librdkafka's mock cluster (`npm start -- --broker kafka`), loaded the same way. */
export async function startMockKafkaCluster(brokers: number): Promise<MockKafkaCluster> {
  return (await loadLocalStack()).MockKafkaCluster.start(brokers);
}

type LocalStackModule = typeof LocalStackExports;

async function loadLocalStack(): Promise<LocalStackModule> {
  try {
    return await import('@coattail/local-stack');
  } catch (error) {
    throw new Error(
      'the embedded AWS stack (@coattail/local-stack: kinesalite, dynalite, s3rver) is not installed here. ' +
        'Production images leave it out and run against AWS; on a development checkout run `npm install` ' +
        '(with dev dependencies) or point the command at real endpoints.',
      { cause: error },
    );
  }
}
