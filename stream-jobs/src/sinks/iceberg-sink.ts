import type { Row, Table } from '@coattail/iceberg';
import type { Json, Sink, SinkContext, SinkWriter } from '@coattail/runtime';
import { decodeCommittable, encodeDataFile } from './data-file-codec.js';

export interface IcebergSinkOptions<T> {
  /** Loads (or creates) the table; called once per writer, lazily. */
  table: () => Promise<Table>;
  toRow: (value: T) => Row;
  /** @default 'iceberg' */
  name?: string;
}

/**
 * Exactly-once appends to an Iceberg table, in the manner of Iceberg's Flink committer:
 * rows are staged in memory; at a checkpoint `prepareCommit` writes them as Parquet data files
 * and returns their metadata, which the runtime stores in the checkpoint; once the checkpoint
 * is durable `commit` appends those files in one snapshot whose summary names the job, the
 * operator (sink uid @ task) and the checkpoint id. A commit repeated after a restore finds that
 * checkpoint id already in the table's snapshot ancestry and does nothing, so a replay cannot
 * duplicate rows. Files written for a checkpoint that never completed are orphans that
 * `removeOrphanFiles` cleans up.
 */
export class IcebergSink<T> implements Sink<T> {
  readonly name: string;

  constructor(private readonly options: IcebergSinkOptions<T>) {
    this.name = options.name ?? 'iceberg';
  }

  createWriter(context: SinkContext): SinkWriter<T> {
    let staged: Row[] = [];
    let table: Promise<Table> | undefined;
    const load = (): Promise<Table> => {
      if (table === undefined) {
        const loading = this.options.table();
        table = loading;
        // A failed load is tried again by the next checkpoint rather than remembered.
        loading.catch(() => {
          if (table === loading) table = undefined;
        });
      }
      return table;
    };
    // Checkpoint ids are per task, so the task is part of the operator identity.
    const operatorId = `${context.operatorId}@${context.taskId}`;
    return {
      write: (values) => {
        for (const v of values) staged.push(this.options.toRow(v));
        // Open (or create) the table with the first row, in the background: the first checkpoint
        // would otherwise hold the task up for it (a second and more for a new table).
        if (table === undefined && staged.length > 0) void load();
      },
      prepareCommit: async (): Promise<Json> => {
        if (staged.length === 0) return { files: [] };
        const rows = staged;
        staged = [];
        // One columnar batch typed from the table's current schema: partition split, statistics
        // and Parquet vectors are computed on its columns.
        const t = await load();
        const files = await t.writeDataFiles(t.batchBuilder(rows.length).appendAll(rows).finish());
        return { files: files.map(encodeDataFile) };
      },
      commit: async (committable, checkpointId) => {
        const files = decodeCommittable(committable, operatorId, checkpointId);
        if (files.length === 0) return;
        await (await load()).commitAppend(files, { checkpoint: { jobId: context.jobId, operatorId, checkpointId } });
      },
    };
  }
}
