import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { silentLogger, type Logger } from '@coattail/runtime';
import { LeaseLostError } from '../errors.js';
import { LeaseTable, SHARD_END, type Lease, type LeaseShard } from './lease-table.js';

/** How a {@link LeaseCoordinator} shares shards with other workers. */
export interface LeaseCoordinatorOptions {
  client: DynamoDBClient;
  /** @default 'coattail-leases' */
  tableName?: string;
  /** Unique per worker process (e.g. ECS task id + pid). */
  workerId: string;
  /** Current shards of the stream, e.g. {@link kinesisLeaseShards}. */
  listShards: () => Promise<LeaseShard[]>;
  /** A lease whose counter has not moved for this long is expired and may be taken. @default 10_000 */
  failoverTimeMs?: number;
  /** Renew-and-balance round interval. @default failoverTimeMs / 3 */
  renewIntervalMs?: number;
  /** How often shards are listed to create leases for new ones. @default 60_000 */
  shardSyncIntervalMs?: number;
  /** @default Infinity */
  maxLeasesPerWorker?: number;
  /** Checkpoint of a new lease. @default 'TRIM_HORIZON' */
  initialCheckpoint?: string;
  /** Called after a round that changed the leases this worker holds. */
  onChange?: (held: ReadonlySet<string>) => void;
  logger?: Logger;
  now?: () => number;
}

interface Held {
  counter: number;
  renewedAt: number;
}

/**
 * Shares a stream's shards among workers through a DynamoDB lease table, in the manner of the
 * Kinesis Client Library. Each round a worker renews its leases, takes free and expired ones up to
 * its fair share (leases / workers), and otherwise steals at most one from the most loaded worker.
 * Expiry is judged by each worker's own clock (a counter that has not moved for
 * `failoverTimeMs`), never by comparing clocks across hosts. A child shard's lease is taken only
 * once every parent's checkpoint is SHARD_END. Checkpoints are fenced on `leaseCounter`: a worker
 * that lost a lease gets {@link LeaseLostError} and can never record progress for it.
 *
 * @example
 * const leases = new LeaseCoordinator({ client: dynamo, workerId, listShards: kinesisLeaseShards(kinesis, 'coattail-trades') });
 * await leases.start();
 * env.executeAsync({ jobId, splitFilter: (s) => leases.holds(s.id), checkpointStore: new FencedCheckpointStore(s3Store, leases) });
 */
export class LeaseCoordinator {
  readonly table: LeaseTable;
  readonly #o: LeaseCoordinatorOptions;
  readonly #failover: number;
  readonly #held = new Map<string, Held>();
  readonly #seen = new Map<string, { counter: number; at: number }>();
  readonly #locks = new Map<string, Promise<unknown>>();
  readonly #log: Logger;
  readonly #now: () => number;
  #lastSync = Number.NEGATIVE_INFINITY;
  #timer: NodeJS.Timeout | undefined;
  #round: Promise<void> | undefined;
  #stopped = false;

  constructor(options: LeaseCoordinatorOptions) {
    this.#o = options;
    this.table = new LeaseTable(options.client, options.tableName ?? 'coattail-leases');
    this.#failover = options.failoverTimeMs ?? 10_000;
    this.#now = options.now ?? Date.now;
    this.#log = (options.logger ?? silentLogger).child({ component: 'lease-coordinator', worker: options.workerId });
  }

  get workerId(): string {
    return this.#o.workerId;
  }

  /** Shards this worker holds now. */
  held(): ReadonlySet<string> {
    return new Set(this.#held.keys());
  }

  holds(shardId: string): boolean {
    return this.#held.has(shardId);
  }

  /** Runs a first round, then one every `renewIntervalMs`. */
  async start(): Promise<void> {
    await this.runRound();
    const every = this.#o.renewIntervalMs ?? Math.floor(this.#failover / 3);
    const tick = (): void => {
      if (this.#stopped) return;
      this.#round = this.runRound()
        .catch((error: unknown) => this.#log.warn({ err: error }, 'lease round failed; retrying next round'))
        .finally(() => {
          if (!this.#stopped) this.#timer = setTimeout(tick, every);
        });
    };
    this.#timer = setTimeout(tick, every);
  }

  /** Stops renewing; with `release` (the default) gives every lease back so others take them at once. */
  async stop(release = true): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#round;
    if (release) {
      await Promise.allSettled(
        [...this.#held].map(([key, h]) =>
          this.#serial(key, () => this.table.release(key, this.#o.workerId, h.counter)),
        ),
      );
    }
    this.#held.clear();
  }

  /**
   * Records progress for a shard, fenced on the lease counter. Throws {@link LeaseLostError} if
   * this worker no longer holds the lease. `SHARD_END` ends the lease and lets children be taken.
   * Returns the lease counter the write produced (unique per lease: the fencing token).
   */
  async checkpoint(shardId: string, checkpoint: string): Promise<number> {
    const fencedAt = await this.#serial(shardId, async () => {
      const held = this.#held.get(shardId);
      if (held === undefined) throw new LeaseLostError(shardId, this.#o.workerId);
      const counter = await this.table.checkpoint(shardId, this.#o.workerId, held.counter, checkpoint);
      if (counter === undefined) {
        this.#lose(shardId, 'checkpoint refused');
        throw new LeaseLostError(shardId, this.#o.workerId);
      }
      held.counter = counter;
      held.renewedAt = this.#now();
      return counter;
    });
    if (checkpoint === SHARD_END) {
      this.#held.delete(shardId);
      this.#lastSync = Number.NEGATIVE_INFINITY;
    }
    return fencedAt;
  }

  /** One round: renew, sync shards when due, then take and balance. Public for tests. */
  async runRound(): Promise<void> {
    const before = [...this.#held.keys()].sort().join();
    await this.#renewAll();
    if (this.#now() - this.#lastSync >= (this.#o.shardSyncIntervalMs ?? 60_000)) {
      const leases = await this.table.list();
      await this.table.createMissing(
        await this.#o.listShards(),
        new Set(leases.map((l) => l.leaseKey)),
        this.#o.initialCheckpoint,
      );
      this.#lastSync = this.#now();
    }
    await this.#takeAndBalance(await this.table.list());
    const after = [...this.#held.keys()].sort().join();
    if (after !== before) {
      this.#log.info({ held: [...this.#held.keys()] }, 'leases changed');
      this.#o.onChange?.(this.held());
    }
  }

  async #renewAll(): Promise<void> {
    await Promise.all(
      [...this.#held.keys()].map((key) =>
        this.#serial(key, async () => {
          const held = this.#held.get(key);
          if (held === undefined) return;
          try {
            const counter = await this.table.renew(key, this.#o.workerId, held.counter);
            if (counter === undefined) return this.#lose(key, 'renewal refused');
            held.counter = counter;
            held.renewedAt = this.#now();
          } catch (error) {
            // Could not reach DynamoDB: after a failover time without renewal, others may hold it.
            if (this.#now() - held.renewedAt > this.#failover) this.#lose(key, 'not renewed within the failover time');
            else this.#log.warn({ err: error, lease: key }, 'lease renewal failed; retrying next round');
          }
        }),
      ),
    );
  }

  async #takeAndBalance(leases: Lease[]): Promise<void> {
    const now = this.#now();
    const me = this.#o.workerId;
    const byKey = new Map(leases.map((l) => [l.leaseKey, l]));
    for (const l of leases) {
      const seen = this.#seen.get(l.leaseKey);
      if (seen === undefined || seen.counter !== l.leaseCounter)
        this.#seen.set(l.leaseKey, { counter: l.leaseCounter, at: now });
      if (this.#held.has(l.leaseKey) && l.leaseOwner !== me)
        this.#lose(l.leaseKey, `now held by ${l.leaseOwner ?? 'nobody'}`);
    }
    const expired = (l: Lease): boolean =>
      l.leaseOwner === undefined || now - this.#seen.get(l.leaseKey)!.at > this.#failover;
    // A child is ready once every parent's checkpoint is SHARD_END. A parent with no lease row counts
    // as ended, as in the KCL (BlockOnParentShardTask): its lease was cleaned up after it ended, or it
    // fell out of retention before any lease was made, and waiting for it would block the child for
    // ever. A live parent always has a row first: ListShards lists parents before their children and
    // createMissing writes leases in that order.
    const ready = (l: Lease): boolean =>
      l.parentShardIds.every((p) => byKey.get(p) === undefined || byKey.get(p)!.checkpoint === SHARD_END);
    const active = leases.filter((l) => l.checkpoint !== SHARD_END && ready(l));
    const owners = new Map<string, Lease[]>([[me, []]]);
    for (const l of active)
      if (l.leaseOwner !== undefined && !expired(l)) owners.set(l.leaseOwner, [...(owners.get(l.leaseOwner) ?? []), l]);
    const target = Math.min(Math.ceil(active.length / owners.size), this.#o.maxLeasesPerWorker ?? Infinity);
    const free = shuffle(active.filter((l) => l.leaseOwner !== me && expired(l)));
    let taken = 0;
    for (const l of free) {
      if (this.#held.size >= target) break;
      if (await this.#take(l)) taken++;
    }
    if (taken > 0 || this.#held.size >= target) return;
    // Balance: steal one lease from the most loaded worker that holds more than its share.
    const [victim, theirs] = [...owners].filter(([o]) => o !== me).sort((a, b) => b[1].length - a[1].length)[0] ?? [];
    if (victim !== undefined && theirs !== undefined && theirs.length > target) {
      const l = shuffle(theirs)[0]!;
      if (await this.#take(l)) this.#log.info({ lease: l.leaseKey, from: victim }, 'stole a lease to balance');
    }
  }

  async #take(lease: Lease): Promise<boolean> {
    return this.#serial(lease.leaseKey, async () => {
      const counter = await this.table.take(lease, this.#o.workerId);
      if (counter === undefined) return false;
      this.#held.set(lease.leaseKey, { counter, renewedAt: this.#now() });
      this.#log.info({ lease: lease.leaseKey, from: lease.leaseOwner }, 'took lease');
      return true;
    });
  }

  #lose(key: string, why: string): void {
    if (this.#held.delete(key)) this.#log.warn({ lease: key, why }, 'lost lease');
  }

  /** Runs lease operations of one key one at a time: two writes fenced on the same counter would refuse each other. */
  #serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#locks.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    this.#locks.set(
      key,
      next.catch(() => undefined),
    );
    return next;
  }
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
