/**
 * A process that owns a mock cluster, as `coattail up --broker kafka` does: prints the cluster's
 * kcat pid and brokers as one JSON line, and on SIGINT checks the brokers still answer before it
 * stops the cluster (what lets jobs take their final checkpoints after a Ctrl-C), printing the
 * broker ids it saw.
 */
import { MockKafkaCluster } from '@coattail/local-stack';

const cluster = await MockKafkaCluster.start(3);
process.once('SIGINT', () => {
  void (async () => {
    // Jobs take their final checkpoints now, which takes a while.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const admin = cluster.kafka('owner').admin();
    await admin.connect();
    const { brokers } = await admin.describeCluster();
    await admin.disconnect();
    console.log(JSON.stringify({ afterSigint: brokers.map((b) => b.nodeId).sort() }));
    await cluster.stop();
    process.exit(0);
  })();
});
console.log(JSON.stringify({ kcat: cluster.pid, brokers: cluster.brokers }));
setInterval(() => undefined, 60_000);
