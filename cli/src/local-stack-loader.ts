import type { LocalStack, LocalStackOptions, startLocalStack as StartLocalStack } from '@coattail/local-stack';

/**
 * Starts the embedded AWS stack, loading `@coattail/local-stack` only now: it is a development
 * dependency, absent from the production images (which talk to AWS), so `coattail --help` and every
 * other command work there, and only the commands that need the emulators say they are missing.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  let mod: { startLocalStack: typeof StartLocalStack };
  try {
    mod = await import('@coattail/local-stack');
  } catch (error) {
    throw new Error(
      'the embedded AWS stack (@coattail/local-stack: kinesalite, dynalite, s3rver) is not installed here. ' +
        'Production images leave it out and run against AWS; on a development checkout run `npm install` ' +
        '(with dev dependencies) or point the command at real endpoints.',
      { cause: error },
    );
  }
  return mod.startLocalStack(options);
}
