/**
 * A worker process for the lease fail-over test: holds leases through a LeaseCoordinator and,
 * every 50 ms, writes a fenced checkpoint for each shard it holds, printing one JSON line per
 * write that succeeded (with the fencing counter it used) and per lease it lost.
 * Configured by environment: DYNAMODB_ENDPOINT, KINESIS_ENDPOINT, STREAM, TABLE, WORKER_ID, FAILOVER_MS.
 */
import {
  LeaseCoordinator,
  LeaseLostError,
  createDynamoDbClient,
  createKinesisClient,
  kinesisLeaseShards,
} from '@coattail/connectors';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`lease-worker needs ${name}`);
  return value;
};

const workerId = env('WORKER_ID');
const print = (line: object): void =>
  void process.stdout.write(`${JSON.stringify({ worker: workerId, at: Date.now(), ...line })}\n`);
const coordinator = new LeaseCoordinator({
  client: createDynamoDbClient({ endpoint: env('DYNAMODB_ENDPOINT') }),
  tableName: env('TABLE'),
  workerId,
  listShards: kinesisLeaseShards(createKinesisClient({ endpoint: env('KINESIS_ENDPOINT') }), env('STREAM')),
  failoverTimeMs: Number(env('FAILOVER_MS')),
});

let lastHeld = '';
function reportHeld(): void {
  const shards = [...coordinator.held()].sort();
  if (shards.join() === lastHeld) return;
  lastHeld = shards.join();
  print({ type: 'held', shards });
}

let n = 0;
let stopping = false;
async function work(): Promise<void> {
  while (!stopping) {
    await Promise.all(
      [...coordinator.held()].map(async (shard) => {
        try {
          const counter = await coordinator.checkpoint(shard, `${workerId}-${++n}`);
          print({ type: 'write', shard, counter });
        } catch (error) {
          if (error instanceof LeaseLostError) print({ type: 'lost', shard });
          else print({ type: 'error', shard, message: String(error) });
        }
      }),
    );
    reportHeld();
    await new Promise((r) => setTimeout(r, 50));
  }
}

process.once('SIGTERM', () => {
  stopping = true;
  void coordinator.stop().then(() => process.exit(0));
});
await coordinator.start();
print({ type: 'started' });
await work();
