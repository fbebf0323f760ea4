import { randomUUID } from 'node:crypto';

/** Kafka error codes the group protocol answers with. */
export const ErrorCode = {
  NONE: 0,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  ILLEGAL_GENERATION: 22,
  UNKNOWN_MEMBER_ID: 25,
  REBALANCE_IN_PROGRESS: 27,
  TOPIC_ALREADY_EXISTS: 36,
} as const;

interface Member {
  id: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocols: { name: string; metadata: Buffer }[];
  lastSeen: number;
}

export interface JoinResult {
  errorCode: number;
  generationId: number;
  protocol: string;
  leaderId: string;
  memberId: string;
  members: { memberId: string; metadata: Buffer }[];
}

/**
 * One consumer group, with just enough of Kafka's group protocol for kafkajs: a join phase that
 * waits for every known member to rejoin (or a short delay for newcomers), a leader that computes
 * assignments, a sync phase that hands them out, heartbeats that tell members to rejoin, session
 * expiry, and committed offsets. A test fixture, not a coordinator to rely on.
 */
export class ConsumerGroup {
  #state: 'Empty' | 'PreparingRebalance' | 'AwaitingSync' | 'Stable' = 'Empty';
  #generation = 0;
  #leader = '';
  #protocol = '';
  readonly #members = new Map<string, Member>();
  #joining = new Map<string, { member: Member; respond: (r: JoinResult) => void }>();
  #syncing = new Map<string, (r: { errorCode: number; assignment: Buffer }) => void>();
  #assignments = new Map<string, Buffer>();
  #joinTimer: NodeJS.Timeout | undefined;
  readonly offsets = new Map<string, bigint>();

  constructor(
    readonly groupId: string,
    private readonly initialRebalanceDelayMs: number,
  ) {}

  join(request: {
    memberId: string;
    clientId: string;
    sessionTimeoutMs: number;
    rebalanceTimeoutMs: number;
    protocols: { name: string; metadata: Buffer }[];
  }): Promise<JoinResult> {
    const id = request.memberId === '' ? `${request.clientId}-${randomUUID()}` : request.memberId;
    const member: Member = {
      id,
      sessionTimeoutMs: request.sessionTimeoutMs,
      rebalanceTimeoutMs: request.rebalanceTimeoutMs,
      protocols: request.protocols,
      lastSeen: Date.now(),
    };
    return new Promise((respond) => {
      this.#joining.set(id, { member, respond });
      this.#prepareRebalance();
      if (
        [...this.#members.keys()].every((m) => this.#joining.has(m)) &&
        this.#members.size > 0 &&
        this.#members.has(id)
      )
        this.#completeJoin();
    });
  }

  #prepareRebalance(): void {
    if (this.#state !== 'PreparingRebalance') {
      this.#state = 'PreparingRebalance';
      for (const respond of this.#syncing.values())
        respond({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: Buffer.alloc(0) });
      this.#syncing.clear();
    }
    clearTimeout(this.#joinTimer);
    const longest = Math.max(0, ...[...this.#members.values()].map((m) => m.rebalanceTimeoutMs));
    const waitMs = this.#members.size === 0 ? this.initialRebalanceDelayMs : Math.min(longest, 3_000);
    this.#joinTimer = setTimeout(() => this.#completeJoin(), waitMs);
  }

  #completeJoin(): void {
    clearTimeout(this.#joinTimer);
    if (this.#state !== 'PreparingRebalance' || this.#joining.size === 0) return;
    this.#members.clear();
    for (const { member } of this.#joining.values()) this.#members.set(member.id, member);
    this.#generation++;
    this.#leader = [...this.#members.keys()][0]!;
    this.#protocol = [...this.#members.values()][0]!.protocols[0]?.name ?? '';
    this.#state = 'AwaitingSync';
    this.#assignments.clear();
    const members = [...this.#members.values()].map((m) => ({
      memberId: m.id,
      metadata: m.protocols.find((p) => p.name === this.#protocol)?.metadata ?? Buffer.alloc(0),
    }));
    for (const [id, { respond }] of this.#joining) {
      respond({
        errorCode: 0,
        generationId: this.#generation,
        protocol: this.#protocol,
        leaderId: this.#leader,
        memberId: id,
        members: id === this.#leader ? members : [],
      });
    }
    this.#joining = new Map();
  }

  sync(request: {
    generationId: number;
    memberId: string;
    assignments: { memberId: string; assignment: Buffer }[];
  }): Promise<{ errorCode: number; assignment: Buffer }> {
    if (!this.#members.has(request.memberId))
      return Promise.resolve({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: Buffer.alloc(0) });
    if (request.generationId !== this.#generation)
      return Promise.resolve({ errorCode: ErrorCode.ILLEGAL_GENERATION, assignment: Buffer.alloc(0) });
    if (this.#state === 'PreparingRebalance')
      return Promise.resolve({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: Buffer.alloc(0) });
    this.#touch(request.memberId);
    if (this.#state === 'Stable')
      return Promise.resolve({ errorCode: 0, assignment: this.#assignments.get(request.memberId) ?? Buffer.alloc(0) });
    return new Promise((respond) => {
      this.#syncing.set(request.memberId, respond);
      if (request.memberId === this.#leader) {
        for (const a of request.assignments) this.#assignments.set(a.memberId, a.assignment);
        this.#state = 'Stable';
        for (const [id, r] of this.#syncing)
          r({ errorCode: 0, assignment: this.#assignments.get(id) ?? Buffer.alloc(0) });
        this.#syncing.clear();
      }
    });
  }

  heartbeat(generationId: number, memberId: string): number {
    if (!this.#members.has(memberId)) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.#touch(memberId);
    if (this.#state === 'PreparingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    if (generationId !== this.#generation) return ErrorCode.ILLEGAL_GENERATION;
    return ErrorCode.NONE;
  }

  leave(memberId: string): number {
    if (!this.#members.delete(memberId)) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (this.#members.size === 0) {
      this.#state = 'Empty';
      return ErrorCode.NONE;
    }
    this.#prepareRebalance();
    return ErrorCode.NONE;
  }

  /** Drops members whose session expired (called periodically by the broker). */
  expire(now: number): void {
    for (const m of [...this.#members.values()]) {
      if (now - m.lastSeen > m.sessionTimeoutMs && !this.#joining.has(m.id)) this.leave(m.id);
    }
  }

  #touch(memberId: string): void {
    const m = this.#members.get(memberId);
    if (m !== undefined) m.lastSeen = Date.now();
  }

  close(): void {
    clearTimeout(this.#joinTimer);
  }
}
