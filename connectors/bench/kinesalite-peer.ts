/**
 * kinesalite (the local stack's Kinesis, in memory) in its own process for the benchmark, as
 * Kinesis is another machine in production: the writer under test and the emulator then do not
 * share one event loop. Prints `{"kinesis": "<endpoint>"}` once ready; stops on SIGTERM.
 */
import { startLocalStack } from '@coattail/local-stack';

process.stdout.on('error', () => process.exit(0));
const stack = await startLocalStack({ streams: [], tables: [], buckets: [] });
process.stdout.write(`${JSON.stringify({ kinesis: stack.endpoints.kinesis })}\n`);
process.once('SIGTERM', () => void stack.stop().then(() => process.exit(0)));
