import pg from 'pg';
import { listIssues } from '@coattail/runtime';
import { RunStoreError } from '../errors.js';
import { migrateWorkflowSchema, WORKFLOW_DDL_DIR } from './postgres-migrate.js';
import { runRecordSchema, type RunLock, type RunRecord, type RunStore, type StageRunRecord } from './types.js';

export { WORKFLOW_DDL_DIR } from './postgres-migrate.js';

/** Options of {@link PostgresRunStore}. */
export interface PostgresRunStoreOptions {
  /** `postgres://user@host:port/db`. */
  connectionString: string;
  /** @default 'workflow' */
  schema?: string;
  /** @default 4 */
  poolSize?: number;
}

const ident = (name: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name))
    throw new RunStoreError(`'${name}' is not a schema name we accept (lower case, digits, _)`, { domain: 'user' });
  return `"${name}"`;
};

interface RunRow {
  run_id: string;
  pipeline: string;
  partition: string;
  status: RunRecord['status'];
  started_at: Date;
  ended_at: Date | null;
  error: string | null;
  source: string;
  base_dir: string;
  definition: Record<string, unknown>;
}

/**
 * The production run store: schema `workflow` in PostgreSQL. A pipeline partition is held with a
 * session advisory lock on a connection kept for the run, so a crashed orchestrator's lock goes
 * with its connection; `lock_holders` names the holder in the refusal message.
 */
export class PostgresRunStore implements RunStore {
  readonly location: string;
  readonly #pool: pg.Pool;
  readonly #schema: string;

  constructor(options: PostgresRunStoreOptions) {
    this.#schema = ident(options.schema ?? 'workflow');
    this.#pool = new pg.Pool({ connectionString: options.connectionString, max: options.poolSize ?? 4 });
    const url = new URL(options.connectionString);
    url.password = '';
    this.location = `${url.toString()}#${options.schema ?? 'workflow'}`;
  }

  /** Applies `ddl/postgres/workflow/*.sql` once each into the store's schema. Idempotent, safe from two processes. */
  async migrate(dir = WORKFLOW_DDL_DIR): Promise<string[]> {
    return migrateWorkflowSchema(this.#pool, this.#schema, dir);
  }

  #t(table: string): string {
    return `${this.#schema}.${table}`;
  }

  async createRun(run: RunRecord): Promise<void> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      const inserted = await client.query(
        `INSERT INTO ${this.#t('runs')} (run_id, pipeline, partition, status, started_at, ended_at, error, source, base_dir, definition)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (run_id) DO NOTHING`,
        [
          run.runId,
          run.pipeline,
          run.partition,
          run.status,
          run.startedAt,
          run.endedAt ?? null,
          run.error ?? null,
          run.source,
          run.baseDir,
          run.definition,
        ],
      );
      if (inserted.rowCount === 0) throw new RunStoreError(`run ${run.runId} already exists`);
      for (const [id, stage] of Object.entries(run.stages)) await this.#putStage(client, run.runId, id, stage);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  async #putStage(
    client: pg.PoolClient | pg.Pool,
    runId: string,
    stageId: string,
    stage: StageRunRecord,
  ): Promise<void> {
    await client.query(
      `INSERT INTO ${this.#t('stage_runs')} (run_id, stage_id, status, reason, result) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (run_id, stage_id) DO UPDATE SET status = excluded.status, reason = excluded.reason, result = excluded.result`,
      [runId, stageId, stage.status, stage.reason ?? null, stage.result ?? null],
    );
    for (const a of stage.attempts)
      await client.query(
        `INSERT INTO ${this.#t('stage_attempts')} (run_id, stage_id, attempt, status, started_at, ended_at, error) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (run_id, stage_id, attempt) DO UPDATE SET status = excluded.status, ended_at = excluded.ended_at, error = excluded.error`,
        [runId, stageId, a.attempt, a.status, a.startedAt, a.endedAt ?? null, a.error ?? null],
      );
  }

  async putStage(runId: string, stageId: string, stage: StageRunRecord): Promise<void> {
    await this.#putStage(this.#pool, runId, stageId, stage);
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    return (await this.#load('WHERE run_id = $1', [runId]))[0];
  }

  async listRuns(filter: { pipeline?: string; limit?: number } = {}): Promise<RunRecord[]> {
    const where = filter.pipeline === undefined ? '' : 'WHERE pipeline = $1';
    const params = filter.pipeline === undefined ? [] : [filter.pipeline];
    return this.#load(
      `${where} ORDER BY started_at DESC LIMIT ${Math.max(0, Math.floor(filter.limit ?? 1_000_000))}`,
      params,
    );
  }

  async #load(tail: string, params: unknown[]): Promise<RunRecord[]> {
    const runs = (await this.#pool.query<RunRow>(`SELECT * FROM ${this.#t('runs')} ${tail}`, params)).rows;
    if (runs.length === 0) return [];
    const ids = runs.map((r) => r.run_id);
    const stages = (
      await this.#pool.query<{
        run_id: string;
        stage_id: string;
        status: string;
        reason: string | null;
        result: unknown;
      }>(`SELECT * FROM ${this.#t('stage_runs')} WHERE run_id = ANY($1)`, [ids])
    ).rows;
    const attempts = (
      await this.#pool.query<{
        run_id: string;
        stage_id: string;
        attempt: number;
        status: string;
        started_at: string;
        ended_at: string | null;
        error: string | null;
      }>(`SELECT * FROM ${this.#t('stage_attempts')} WHERE run_id = ANY($1) ORDER BY attempt`, [ids])
    ).rows;
    return runs.map((r) => {
      const record = {
        runId: r.run_id,
        pipeline: r.pipeline,
        partition: r.partition,
        status: r.status,
        startedAt: r.started_at.toISOString(),
        ...(r.ended_at ? { endedAt: r.ended_at.toISOString() } : {}),
        ...(r.error !== null ? { error: r.error } : {}),
        source: r.source,
        baseDir: r.base_dir,
        definition: r.definition,
        stages: Object.fromEntries(
          stages
            .filter((s) => s.run_id === r.run_id)
            .map((s) => [
              s.stage_id,
              {
                status: s.status,
                ...(s.reason !== null ? { reason: s.reason } : {}),
                ...(s.result !== null ? { result: s.result } : {}),
                attempts: attempts
                  .filter((a) => a.run_id === r.run_id && a.stage_id === s.stage_id)
                  .map((a) => ({
                    attempt: a.attempt,
                    status: a.status,
                    startedAt: a.started_at,
                    ...(a.ended_at !== null ? { endedAt: a.ended_at } : {}),
                    ...(a.error !== null ? { error: a.error } : {}),
                  })),
              },
            ]),
        ),
      };
      const parsed = runRecordSchema.safeParse(record);
      if (!parsed.success)
        throw new RunStoreError(`run ${r.run_id} in ${this.location} is unreadable: ${listIssues(parsed.error)}`);
      return parsed.data;
    });
  }

  async updateRun(runId: string, patch: Partial<Pick<RunRecord, 'status' | 'endedAt' | 'error'>>): Promise<void> {
    const current = await this.#pool.query<RunRow>(`SELECT * FROM ${this.#t('runs')} WHERE run_id = $1`, [runId]);
    const row = current.rows[0];
    if (!row) throw new RunStoreError(`run ${runId} does not exist in ${this.location}`);
    const has = (k: string): boolean => Object.prototype.hasOwnProperty.call(patch, k);
    await this.#pool.query(`UPDATE ${this.#t('runs')} SET status = $2, ended_at = $3, error = $4 WHERE run_id = $1`, [
      runId,
      patch.status ?? row.status,
      has('endedAt') ? (patch.endedAt ?? null) : row.ended_at,
      has('error') ? (patch.error ?? null) : row.error,
    ]);
  }

  async getState(pipeline: string, key: string): Promise<unknown> {
    const r = await this.#pool.query<{ value: unknown }>(
      `SELECT value FROM ${this.#t('state')} WHERE pipeline = $1 AND key = $2`,
      [pipeline, key],
    );
    return r.rows[0]?.value;
  }

  async putState(pipeline: string, key: string, value: unknown): Promise<void> {
    await this.#pool.query(
      `INSERT INTO ${this.#t('state')} (pipeline, key, value) VALUES ($1, $2, $3)
       ON CONFLICT (pipeline, key) DO UPDATE SET value = excluded.value, updated_at = now()`,
      [pipeline, key, JSON.stringify(value)],
    );
  }

  async listState(pipeline: string, prefix: string): Promise<string[]> {
    const r = await this.#pool.query<{ key: string }>(
      `SELECT key FROM ${this.#t('state')} WHERE pipeline = $1 AND starts_with(key, $2) ORDER BY key`,
      [pipeline, prefix],
    );
    return r.rows.map((row) => row.key);
  }

  async tryLock(pipeline: string, partition: string, owner: string): Promise<RunLock | { heldBy: string }> {
    const client = await this.#pool.connect();
    // A held lock's connection can drop (server restart, network): the lock is gone with it, and
    // the error must not crash the process; the run's own queries will fail and say so.
    client.on('error', () => undefined);
    const key = `${this.#schema}/${pipeline}@${partition}`;
    try {
      const got = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok', [
        key,
      ]);
      if (!got.rows[0]?.ok) {
        const holder = await client.query<{ owner: string; acquired_at: Date }>(
          `SELECT owner, acquired_at FROM ${this.#t('lock_holders')} WHERE pipeline = $1 AND partition = $2`,
          [pipeline, partition],
        );
        client.release();
        const h = holder.rows[0];
        return { heldBy: h ? `${h.owner} (since ${h.acquired_at.toISOString()})` : 'another orchestrator' };
      }
      await client.query(
        `INSERT INTO ${this.#t('lock_holders')} (pipeline, partition, owner) VALUES ($1, $2, $3)
         ON CONFLICT (pipeline, partition) DO UPDATE SET owner = excluded.owner, acquired_at = now()`,
        [pipeline, partition, owner],
      );
    } catch (error) {
      client.release();
      throw error;
    }
    return {
      release: async () => {
        try {
          await client.query(
            `DELETE FROM ${this.#t('lock_holders')} WHERE pipeline = $1 AND partition = $2 AND owner = $3`,
            [pipeline, partition, owner],
          );
          await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]);
        } finally {
          client.release();
        }
      },
    };
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
