import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InMemoryMetrics } from '@coattail/runtime';
import type { Producer } from '../producer.js';
import { prometheusText } from './metrics-format.js';

/** A running health server. */
export interface HealthServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * `/healthz` (200 when every exchange is connected and fresh, 503 otherwise, JSON body) and
 * `/metrics` (Prometheus text) for the container health check and for people.
 */
export async function startHealthServer(
  producer: Producer,
  metrics: InMemoryMetrics,
  port: number,
  host = '0.0.0.0',
): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    if (req.url === '/healthz') {
      const health = producer.health();
      res.writeHead(health.ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(health));
    } else if (req.url === '/metrics') {
      const l = producer.publisher.latency;
      const body = prometheusText(metrics, {
        publishLatencyP50Ms: l.percentile(0.5),
        publishLatencyP99Ms: l.percentile(0.99),
        publishPending: producer.publisher.pending,
      });
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(body);
    } else res.writeHead(404).end();
  });
  server.listen(port, host);
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
