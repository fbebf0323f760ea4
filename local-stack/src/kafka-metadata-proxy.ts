import { createServer, connect, type Server, type Socket } from 'node:net';

const METADATA = 3;

/**
 * A loopback TCP proxy in front of one broker of librdkafka's mock cluster, rewriting Metadata
 * responses in place (no field changes size):
 * - the controller id: the mock reports 0 while its brokers are 1..N, and kafkajs then fails
 *   `createTopics` and every idempotent or transactional producer with "Broker 0 not found in the
 *   cached metadata"; it becomes the first listed broker;
 * - every broker's port becomes its proxy's port, so clients reach all brokers through proxies
 *   and a test can take one broker away by closing its proxy.
 * Everything else passes through untouched.
 */
export class MetadataProxy {
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();
  port = 0;

  constructor(
    readonly target: { host: string; port: number },
    /** Real broker port → the port of the proxy in front of it. */
    private readonly portMap: Map<number, number>,
  ) {}

  /** Listens (again, on the same port after a {@link stop}) and resolves with the port. */
  async start(): Promise<number> {
    const server = createServer((client) => this.#connect(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.#server = server;
    this.port = (server.address() as { port: number }).port;
    return this.port;
  }

  /** Closes the listener and cuts every open connection: to clients, the broker is gone. */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const s of this.#sockets) s.destroy();
    this.#sockets.clear();
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #connect(client: Socket): void {
    const upstream = connect(this.target.port, this.target.host);
    this.#sockets.add(client).add(upstream);
    const pending = new Map<number, number>(); // correlation id → Metadata version
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      this.#sockets.delete(client);
      this.#sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    frames(client, (frame) => {
      if (frame.readInt16BE(0) === METADATA) pending.set(frame.readInt32BE(4), frame.readInt16BE(2));
      upstream.write(withSize(frame));
    });
    frames(upstream, (frame) => {
      const correlation = frame.readInt32BE(0);
      const version = pending.get(correlation);
      if (version !== undefined) {
        pending.delete(correlation);
        this.#rewrite(frame, version);
      }
      client.write(withSize(frame));
    });
  }

  /** Metadata v1–v8 (kafkajs asks for ≤ 6): [throttle v3+] brokers, [cluster id v2+], controller id. */
  #rewrite(frame: Buffer, version: number): void {
    if (version < 1 || version > 8) return;
    let at = 4 + (version >= 3 ? 4 : 0);
    const brokers = frame.readInt32BE(at);
    at += 4;
    let first: number | undefined;
    const ids = new Set<number>();
    for (let i = 0; i < brokers; i++) {
      const id = frame.readInt32BE(at);
      first ??= id;
      ids.add(id);
      at += 4;
      at += 2 + frame.readInt16BE(at); // host
      const port = frame.readInt32BE(at);
      const proxied = this.portMap.get(port);
      if (proxied !== undefined) frame.writeInt32BE(proxied, at);
      at += 4;
      const rack = frame.readInt16BE(at);
      at += 2 + Math.max(rack, 0);
    }
    if (version >= 2) at += 2 + Math.max(frame.readInt16BE(at), 0); // cluster id
    const controller = frame.readInt32BE(at);
    if (!ids.has(controller) && first !== undefined) frame.writeInt32BE(first, at);
  }
}

/** Calls `onFrame` with each size-prefixed Kafka frame (without its size) read from `socket`. */
function frames(socket: Socket, onFrame: (frame: Buffer) => void): void {
  let buffered: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    while (buffered.length >= 4) {
      const size = buffered.readInt32BE(0);
      if (buffered.length < 4 + size) break;
      onFrame(Buffer.from(buffered.subarray(4, 4 + size)));
      buffered = buffered.subarray(4 + size);
    }
  });
}

function withSize(frame: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(frame.length, 0);
  return Buffer.concat([size, frame]);
}
