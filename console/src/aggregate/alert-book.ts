import type { ConsoleAlert } from '../model/snapshot.js';

/**
 * The alerts the page shows: each alert once (by `alert_id`, the table's key, so an alert read
 * again on the next poll, or rewritten by a replaying job, replaces itself), the newest `limit`
 * by alert time, and a count per kind of every distinct alert seen.
 */
export class AlertBook {
  readonly #byId = new Map<string, ConsoleAlert>();
  readonly #counts: Record<string, number> = { WHALE: 0, VOLUME_ANOMALY: 0, SPREAD: 0 };
  /** Ids counted so far, with their alert time (forgotten once far older than anything a poll re-reads). */
  readonly #seen = new Map<string, number>();
  readonly #limit: number;
  readonly #rememberMs: number;

  /**
   * @param limit alerts kept for the feed. @default 200
   * @param rememberMs how long an id stays known after the newest alert's time; must exceed the
   *   hub's look-back, so a re-read alert is never counted twice. @default 3_600_000 (1 h)
   */
  constructor(limit = 200, rememberMs = 3_600_000) {
    this.#limit = limit;
    this.#rememberMs = rememberMs;
  }

  /** Adds alerts; returns how many were new. */
  add(alerts: readonly ConsoleAlert[]): number {
    let added = 0;
    for (const alert of alerts) {
      if (!this.#seen.has(alert.alert_id)) {
        this.#seen.set(alert.alert_id, alert.alert_time);
        this.#counts[alert.alert_type] = (this.#counts[alert.alert_type] ?? 0) + 1;
        added++;
      }
      this.#byId.set(alert.alert_id, alert);
    }
    if (this.#seen.size > 10 * this.#limit) this.#forget();
    if (this.#byId.size > this.#limit) {
      const keep = this.latest();
      this.#byId.clear();
      for (const a of keep) this.#byId.set(a.alert_id, a);
    }
    return added;
  }

  #forget(): void {
    let newest = -Infinity;
    for (const t of this.#seen.values()) newest = Math.max(newest, t);
    for (const [id, t] of this.#seen) if (t < newest - this.#rememberMs) this.#seen.delete(id);
  }

  /** The newest alerts first (ties by id, so the order is stable between snapshots). */
  latest(): ConsoleAlert[] {
    return [...this.#byId.values()]
      .sort((a, b) => b.alert_time - a.alert_time || a.alert_id.localeCompare(b.alert_id))
      .slice(0, this.#limit);
  }

  /** Distinct alerts seen per kind since the console started. */
  counts(): Record<string, number> {
    return { ...this.#counts };
  }
}
