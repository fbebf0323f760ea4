import { appendFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { Agent, request as httpRequest } from 'node:http';
import { dirname } from 'node:path';
import { silentLogger, type Logger } from '@coattail/runtime';
import { LineageError } from '../errors.js';
import type { RunEvent } from '../openlineage-schema.js';
import type { LineageTransport } from './transport.js';

/** Options of {@link createHttpTransport}. */
export interface HttpTransportOptions {
  /** The OpenLineage endpoint, e.g. Marquez's `http://localhost:5000/api/v1/lineage`. */
  url: string;
  /** File the events go to while the endpoint is down; replayed in order once it is back. */
  spoolPath: string;
  /** Events held in memory before `emit` waits (back-pressure). @default 1000 */
  maxQueued?: number;
  /** Per-request timeout in milliseconds. @default 5000 */
  timeoutMs?: number;
  /** Pause before trying a down endpoint again, in milliseconds. @default 5000 */
  retryIntervalMs?: number;
  /** Extra request headers, e.g. `{ Authorization: 'Bearer …' }`. */
  headers?: Record<string, string>;
  logger?: Logger;
}

type Outcome = 'sent' | 'rejected' | 'down';

/** The transport's counters, for progress output and tests. */
export interface HttpTransportStats {
  sent: number;
  /** Events the endpoint refused (4xx other than 408/429); kept in `<spoolPath>.rejected`. */
  rejected: number;
  /** Events written to the spool file since start. */
  spooled: number;
  queued: number;
}

/**
 * Posts events to an OpenLineage HTTP endpoint, one at a time and in order. When the endpoint
 * is down (connection error, timeout, 408/429/5xx) the queued events go to a spool file, and so
 * does every later event until the spool has been replayed — so order is kept across an outage
 * and across a restart (a new transport replays an existing spool first). An event the endpoint
 * refuses outright is kept beside the spool, never dropped.
 */
export function createHttpTransport(options: HttpTransportOptions): LineageTransport & { stats(): HttpTransportStats } {
  const logger = (options.logger ?? silentLogger).child({ component: 'lineage-http' });
  const maxQueued = options.maxQueued ?? 1000;
  const timeoutMs = options.timeoutMs ?? 5000;
  const retryIntervalMs = options.retryIntervalMs ?? 5000;
  const rejectedPath = `${options.spoolPath}.rejected`;
  const queue: string[] = [];
  const waiting: (() => void)[] = [];
  const stats: HttpTransportStats = { sent: 0, rejected: 0, spooled: 0, queued: 0 };
  let pumping: Promise<void> | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let closed = false;
  let failure: unknown;

  const release = (): void => {
    while (waiting.length > 0 && queue.length < maxQueued) waiting.shift()!();
  };

  // node:http with a keep-alive agent rather than fetch: about a fifth of the CPU per event,
  // which is what keeps lineage overhead small next to short stages.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const target = new URL(options.url);

  function post(line: string): Promise<Outcome> {
    return new Promise((resolve) => {
      const body = Buffer.from(line);
      const request = httpRequest(
        target,
        {
          method: 'POST',
          agent,
          headers: { 'Content-Type': 'application/json', 'Content-Length': body.length, ...options.headers },
          signal: AbortSignal.timeout(timeoutMs),
        },
        (response) => {
          response.resume();
          response.on('end', () => {
            const status = response.statusCode!;
            if (status < 300) return resolve('sent');
            if (status === 408 || status === 429 || status >= 500) return resolve('down');
            logger.warn({ status }, 'lineage endpoint refused an event; kept in the rejected file');
            resolve('rejected');
          });
        },
      );
      request.on('error', (error) => {
        logger.warn({ error: error.message }, 'lineage endpoint unreachable; spooling events');
        resolve('down');
      });
      request.end(body);
    });
  }

  async function settle(line: string, outcome: Outcome): Promise<void> {
    if (outcome === 'sent') stats.sent++;
    else {
      stats.rejected++;
      await appendFile(rejectedPath, `${line}\n`);
    }
  }

  async function readSpool(): Promise<string[]> {
    try {
      return (await readFile(options.spoolPath, 'utf8')).split('\n').filter((l) => l !== '');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  async function spoolQueue(): Promise<void> {
    if (queue.length === 0) return;
    const count = queue.length;
    // Taken off the queue only once on disk: a failed write loses nothing.
    await appendFile(options.spoolPath, `${queue.slice(0, count).join('\n')}\n`);
    queue.splice(0, count);
    stats.spooled += count;
    release();
  }

  function scheduleRetry(): void {
    if (retryTimer !== undefined || closed) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void kick();
    }, retryIntervalMs);
    retryTimer.unref();
  }

  /** Sends the spool in order; keeps the unsent rest (rewritten atomically) when the endpoint drops again. */
  async function replay(): Promise<boolean> {
    const lines = await readSpool();
    for (const [i, line] of lines.entries()) {
      const outcome = await post(line);
      if (outcome === 'down') {
        const rest = `${options.spoolPath}.tmp`;
        await writeFile(rest, `${lines.slice(i).join('\n')}\n`);
        await rename(rest, options.spoolPath);
        return false;
      }
      await settle(line, outcome);
    }
    await rm(options.spoolPath, { force: true });
    return true;
  }

  async function pump(): Promise<void> {
    // While a retry is pending the endpoint is known down: spool without knocking again.
    if (retryTimer !== undefined || !(await replay())) {
      await spoolQueue();
      scheduleRetry();
      return;
    }
    while (queue.length > 0) {
      const line = queue[0]!;
      const outcome = await post(line);
      if (outcome === 'down') {
        await spoolQueue();
        scheduleRetry();
        return;
      }
      queue.shift();
      release();
      await settle(line, outcome);
    }
  }

  function kick(): Promise<void> {
    pumping ??= pump()
      .then(
        () => {
          failure = undefined;
        },
        (error: unknown) => {
          failure = error;
          logger.error({ error: (error as Error).message }, 'cannot spool lineage events; will retry');
          scheduleRetry();
        },
      )
      .finally(() => {
        pumping = undefined;
        if (queue.length > 0 && failure === undefined) void kick();
      });
    return pumping;
  }

  const ready = mkdir(dirname(options.spoolPath), { recursive: true }).then(() => kick());

  return {
    async emit(event: RunEvent) {
      if (closed) throw new LineageError(`lineage transport to ${options.url} is closed`);
      await ready;
      while (queue.length >= maxQueued) await new Promise<void>((resolve) => waiting.push(resolve));
      queue.push(JSON.stringify(event));
      void kick();
    },
    async flush() {
      await ready;
      do await kick();
      while (pumping !== undefined || (queue.length > 0 && failure === undefined));
      if (failure !== undefined)
        throw new LineageError(
          `lineage events to ${options.url} could not be spooled to ${options.spoolPath}: ${(failure as Error).message}; ${queue.length} event(s) still held in memory`,
          failure,
        );
    },
    async close() {
      await this.flush();
      closed = true;
      clearTimeout(retryTimer);
      retryTimer = undefined;
      agent.destroy();
    },
    stats: () => ({ ...stats, queued: queue.length }),
  };
}
