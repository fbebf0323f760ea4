import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { MetadataProxy } from './kafka-metadata-proxy.js';

/** True when Debian's `kcat` (built on librdkafka, whose mock cluster we start) is on the PATH. */
export function kcatInstalled(): boolean {
  return spawnSync('kcat', ['-V'], { stdio: 'ignore' }).status === 0;
}

/**
 * librdkafka's built-in mock cluster — a multi-broker Kafka protocol implementation by the
 * librdkafka authors, with consumer groups, committed offsets and transactions — started through
 * `kcat`, with a {@link MetadataProxy} in front of each broker. Clients get the proxies' addresses.
 * For development and tests (the embedded default's Kafka, and the Kafka test suites); production
 * points the connectors at Apache Kafka, Amazon MSK or Redpanda.
 *
 * Limits of the mock, as found: topics auto-create with 4 partitions (read counts from metadata);
 * CreateTopics/DeleteTopics/CreatePartitions and ListGroups/DescribeGroups are not implemented;
 * an idempotent producer's resent batch is stored twice. The home-made fixture in
 * `tests/kafka-broker/` in the repository covers those.
 *
 * @example
 * const cluster = await MockKafkaCluster.start(3);
 * const kafka = cluster.kafka('my-test');
 * await cluster.stop();
 */
export class MockKafkaCluster {
  private constructor(
    private readonly child: ChildProcess,
    private readonly proxies: Map<number, MetadataProxy>,
  ) {}

  /** Starts `brokers` mock brokers (ids 1..brokers) and their proxies. */
  static async start(brokers = 3): Promise<MockKafkaCluster> {
    if (!kcatInstalled()) {
      throw new Error('kcat is not installed: the Kafka mock-cluster tests need it (apt-get install -y kcat)');
    }
    // A consumer of a throw-away topic keeps kcat (and with it the mock cluster) alive; `-d mock`
    // makes it log the cluster's bootstrap servers. In a process group of its own, so a Ctrl-C in
    // the terminal reaches only this process, which stops its jobs (final checkpoints included)
    // before the cluster. kcat still ends with this process: its debug log never stops, and the
    // first write after this process is gone ends it (broken pipe).
    const child = spawn(
      'kcat',
      ['-b', 'mock', '-X', `test.mock.num.brokers=${brokers}`, '-d', 'mock', '-C', '-q', '-t', '__mock_keepalive'],
      { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
    );
    const servers = await new Promise<string[]>((resolve, reject) => {
      let text = '';
      const onData = (chunk: Buffer): void => {
        text += chunk.toString();
        const match = /bootstrap\.servers=(\S+)/.exec(text);
        if (match !== null) {
          child.stderr.off('data', onData);
          resolve(match[1]!.split(','));
        } else if (text.length > 1_000_000) text = text.slice(-10_000);
      };
      child.stderr.on('data', onData);
      child.once('exit', (code) => reject(new Error(`kcat exited (${code}) before the mock cluster started: ${text}`)));
    });
    // The debug log never stops: keep draining it so kcat never blocks on a full pipe.
    child.stderr.resume();
    const portMap = new Map<number, number>();
    const proxies = new Map<number, MetadataProxy>();
    let id = 1;
    for (const server of servers) {
      const [host, port] = server.split(':');
      const proxy = new MetadataProxy({ host: host!, port: Number(port) }, portMap);
      portMap.set(Number(port), await proxy.start());
      proxies.set(id++, proxy);
    }
    return new MockKafkaCluster(child, proxies);
  }

  /** The process id of the `kcat` process that holds the cluster. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Bootstrap addresses (the proxies). */
  get brokers(): string[] {
    return [...this.proxies.values()].map((p) => `127.0.0.1:${p.port}`);
  }

  /** A kafkajs client for this cluster, quiet and with short retries. */
  kafka(clientId: string, extra: Partial<KafkaConfig> = {}): Kafka {
    return new Kafka({
      clientId,
      brokers: this.brokers,
      logLevel: logLevel.NOTHING,
      retry: { retries: 8, initialRetryTime: 50, maxRetryTime: 1_000 },
      ...extra,
    });
  }

  /** Number of partitions of `topic` as the cluster reports it (creating it, as the mock auto-creates). */
  async partitions(kafka: Kafka, topic: string): Promise<number> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined); // first call auto-creates
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      return topics[0]!.partitions.length;
    } finally {
      await admin.disconnect();
    }
  }

  /** Takes broker `id` off the network: its connections drop and new ones are refused. */
  async stopBroker(id: number): Promise<void> {
    await this.#proxy(id).stop();
  }

  /** Brings broker `id` back on its old address. */
  async startBroker(id: number): Promise<void> {
    await this.#proxy(id).start();
  }

  async stop(): Promise<void> {
    for (const p of this.proxies.values()) await p.stop();
    if (this.child.exitCode === null) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.kill('SIGTERM');
      await exited;
    }
  }

  #proxy(id: number): MetadataProxy {
    const proxy = this.proxies.get(id);
    if (proxy === undefined) throw new Error(`the mock cluster has no broker ${id} (brokers 1..${this.proxies.size})`);
    return proxy;
  }
}
