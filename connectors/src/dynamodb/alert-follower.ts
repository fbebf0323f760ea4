import type { AlertQuery } from './alert-query.js';
import type { Alert } from './alert-schema.js';

/** What following needs of a reader (an `AlertsClient` is one). */
export interface AlertReader {
  iterate(query: AlertQuery, options?: { limit?: number }): AsyncIterable<Alert>;
  latest(n: number, query?: Omit<AlertQuery, 'order'>): Promise<Alert[]>;
}

/** How {@link followAlerts} polls. */
export interface FollowOptions {
  /** Pause between polls, ms. @default 1_000 */
  intervalMs?: number;
  /**
   * How far back in alert_time every poll looks, ms. Alerts are written after their alert_time (a
   * window's alert once the watermark passes the window's end, a whale's once its trade is read);
   * an alert written more than `lookbackMs - intervalMs` after its alert_time is not seen.
   * @default 300_000
   */
  lookbackMs?: number;
  /** First yield the newest `backlog` alerts already stored (oldest of them first), like `tail -n`. @default 0 */
  backlog?: number;
  /**
   * Called once the alerts already stored have been read: every alert written from then on will be
   * yielded (alerts written before belong to the backlog). Say "following…" to a user here, not earlier.
   */
  onReady?: () => void;
  /** Stops following; the generator then returns. */
  signal?: AbortSignal;
  /** The clock the look-back is measured on. @default Date.now */
  now?: () => number;
  /** Waits between polls. @default a timer that an abort ends early */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

const oldestFirst = (a: Alert, b: Alert): number =>
  a.alert_time - b.alert_time || (a.alert_id < b.alert_id ? -1 : a.alert_id > b.alert_id ? 1 : 0);

/**
 * Follows the alerts table like `tail -f`: yields each alert written after it started exactly once,
 * in alert_time order within a poll. DynamoDB has no "written after" index (and dynalite no
 * streams), and alerts arrive out of alert_time order (a spread window closes after a later whale),
 * so a cursor on alert_time alone would skip late alerts. Every poll therefore re-reads
 * `[now - lookbackMs, ∞)` and yields what it has not seen; the ids it remembers are dropped once they
 * fall below the look-back, which only moves forward, so they cannot be read again.
 *
 * @example
 * const stop = new AbortController();
 * for await (const alert of alerts.follow({ symbols: ['BTC-USDT'] }, { backlog: 10, signal: stop.signal }))
 *   console.log(alert.alert_type, alert.alert_id);
 */
export async function* followAlerts(
  client: AlertReader,
  query: Omit<AlertQuery, 'order' | 'since' | 'until'> = {},
  options: FollowOptions = {},
): AsyncGenerator<Alert> {
  const now = options.now ?? Date.now;
  const lookback = options.lookbackMs ?? 300_000;
  const sleep = options.sleep ?? abortableSleep;
  const stopped = (): boolean => options.signal?.aborted === true;
  const seen = new Map<string, number>();
  let since = now() - lookback;
  const window = async (): Promise<Alert[]> => {
    const out: Alert[] = [];
    for await (const a of client.iterate({ ...query, since, order: 'oldest' }, { limit: 1_000 })) out.push(a);
    return out.sort(oldestFirst);
  };

  const present = await window();
  for (const a of present) seen.set(a.alert_id, a.alert_time);
  options.onReady?.();
  const backlog = options.backlog ?? 0;
  if (backlog > 0) {
    const recent = present.slice(-backlog);
    // Older than the look-back: no poll reads below `since`, so these cannot come back as new.
    const older =
      recent.length < backlog ? await client.latest(backlog - recent.length, { ...query, until: since }) : [];
    yield* [...older.reverse(), ...recent];
  }
  while (!stopped()) {
    await sleep(options.intervalMs ?? 1_000, options.signal);
    if (stopped()) return;
    since = Math.max(since, now() - lookback);
    const fresh = (await window()).filter((a) => !seen.has(a.alert_id));
    for (const a of fresh) seen.set(a.alert_id, a.alert_time);
    for (const [id, time] of seen) if (time < since) seen.delete(id);
    yield* fresh;
  }
}
