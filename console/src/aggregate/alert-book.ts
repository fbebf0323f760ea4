import type { ConsoleAlert } from '../model/snapshot.js';

/**
 * The alerts the page shows: each alert once (by `alert_id`, the table's key, so an alert read
 * again on the next poll, or rewritten by a replaying job, replaces itself), the newest `limit`
 * by alert time, and a count per kind of every distinct alert seen.
 */
export class AlertBook {
  readonly #byId = new Map<string, ConsoleAlert>();
  readonly #counts: Record<string, number> = { WHALE: 0, VOLUME_ANOMALY: 0, SPREAD: 0 };
  readonly #seen = new Set<string>();
  readonly #limit: number;

  /** @param limit alerts kept for the feed. @default 200 */
  constructor(limit = 200) {
    this.#limit = limit;
  }

  /** Adds alerts; returns how many were new. */
  add(alerts: readonly ConsoleAlert[]): number {
    let added = 0;
    for (const alert of alerts) {
      if (!this.#seen.has(alert.alert_id)) {
        this.#seen.add(alert.alert_id);
        this.#counts[alert.alert_type] = (this.#counts[alert.alert_type] ?? 0) + 1;
        added++;
      }
      this.#byId.set(alert.alert_id, alert);
    }
    if (this.#byId.size > this.#limit) {
      const keep = this.latest();
      this.#byId.clear();
      for (const a of keep) this.#byId.set(a.alert_id, a);
    }
    return added;
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
