import type { Logger } from '../observability/logger.js';
import type { SinkOperator } from '../operators/sink-operator.js';
import type { Json } from '../types.js';

/**
 * The task's side of the two-phase sink protocol. Prepared committables stay here until their
 * checkpoint is durable and `commit` succeeded; a checkpoint that fails to write keeps them for
 * the next one, so nothing a sink staged is ever forgotten.
 */
export class SinkCommitter {
  readonly #pending = new Map<string, [number, Json][]>();

  constructor(
    private readonly sinks: readonly { id: string; operator: SinkOperator }[],
    private readonly logger: Logger,
  ) {}

  async prepare(checkpointId: number): Promise<void> {
    for (const { id, operator } of this.sinks) {
      if (operator.writer.prepareCommit === undefined) continue;
      const committable = await operator.writer.prepareCommit(checkpointId);
      const list = this.#pending.get(id) ?? [];
      list.push([checkpointId, committable]);
      this.#pending.set(id, list);
    }
  }

  /** What goes into the checkpoint. */
  snapshot(): Record<string, [number, Json][]> {
    return Object.fromEntries([...this.#pending].map(([id, list]) => [id, [...list]]));
  }

  /** Commits everything prepared. Safe to repeat: sinks' commits are idempotent by contract. */
  async commitAll(): Promise<void> {
    for (const { id, operator } of this.sinks) {
      const list = this.#pending.get(id);
      if (list === undefined) continue;
      while (list.length > 0) {
        const [checkpointId, committable] = list[0]!;
        await operator.writer.commit?.(committable, checkpointId);
        list.shift();
      }
      this.#pending.delete(id);
    }
  }

  /** Takes over the committables of a restored checkpoint; `commitAll` then re-commits them. */
  restore(committables: Record<string, [number, Json][]>): void {
    const known = new Set(this.sinks.map((s) => s.id));
    for (const [id, list] of Object.entries(committables)) {
      if (!known.has(id)) {
        this.logger.warn(
          { sink: id, pending: list.length },
          'checkpoint holds committables of a sink this job no longer has; set stable uids on sinks',
        );
        continue;
      }
      this.#pending.set(id, [...list]);
    }
  }

  async close(): Promise<void> {
    for (const { operator } of this.sinks) await operator.writer.close?.();
  }
}
