/**
 * The test broker's consumer-group requests: it is every group's coordinator; membership,
 * rebalances and committed offsets are kept by the group's `ConsumerGroup` (./group-coordinator.ts).
 */
import { API, type BrokerContext, type RequestHandler } from './kafka-api.js';
import type { WireReader, WireWriter } from './wire.js';

function findCoordinator(r: WireReader, w: WireWriter, ctx: BrokerContext): void {
  r.string();
  w.int16(0).int32(0).string('127.0.0.1').int32(ctx.port());
}

async function joinGroup(r: WireReader, w: WireWriter, ctx: BrokerContext, clientId: string): Promise<void> {
  const groupId = r.string();
  const sessionTimeoutMs = r.int32();
  const rebalanceTimeoutMs = r.int32();
  const memberId = r.string();
  r.string();
  const protocols = r.array((x) => ({ name: x.string(), metadata: x.bytes() ?? Buffer.alloc(0) })) ?? [];
  const res = await ctx.group(groupId).join({
    memberId,
    clientId,
    sessionTimeoutMs,
    rebalanceTimeoutMs,
    protocols,
  });
  w.int16(res.errorCode).int32(res.generationId).string(res.protocol).string(res.leaderId).string(res.memberId);
  w.array(res.members, (o, m) => o.string(m.memberId).bytes(m.metadata));
}

async function syncGroup(r: WireReader, w: WireWriter, ctx: BrokerContext): Promise<void> {
  const groupId = r.string();
  const generationId = r.int32();
  const memberId = r.string();
  const assignments = r.array((x) => ({ memberId: x.string(), assignment: x.bytes() ?? Buffer.alloc(0) })) ?? [];
  const res = await ctx.group(groupId).sync({ generationId, memberId, assignments });
  w.int16(res.errorCode).bytes(res.assignment);
}

function heartbeat(r: WireReader, w: WireWriter, ctx: BrokerContext): void {
  const groupId = r.string();
  const generationId = r.int32();
  w.int16(ctx.group(groupId).heartbeat(generationId, r.string()));
}

function leaveGroup(r: WireReader, w: WireWriter, ctx: BrokerContext): void {
  const groupId = r.string();
  w.int16(ctx.group(groupId).leave(r.string()));
}

function offsetCommit(r: WireReader, w: WireWriter, ctx: BrokerContext): void {
  const group = ctx.group(r.string());
  r.int32();
  r.string();
  r.int64();
  const topics =
    r.array((x) => ({
      name: x.string(),
      parts: x.array((y) => ({ index: y.int32(), offset: y.int64(), meta: y.nullableString() })) ?? [],
    })) ?? [];
  for (const t of topics) for (const p of t.parts) group.offsets.set(`${t.name}/${p.index}`, p.offset);
  w.array(topics, (o, t) => o.string(t.name).array(t.parts, (p, part) => p.int32(part.index).int16(0)));
}

function offsetFetch(r: WireReader, w: WireWriter, ctx: BrokerContext): void {
  const group = ctx.group(r.string());
  const topics = r.array((x) => ({ name: x.string(), parts: x.array((y) => y.int32()) ?? [] })) ?? [];
  w.array(topics, (o, t) =>
    o.string(t.name).array(t.parts, (p, index) =>
      p
        .int32(index)
        .int64(group.offsets.get(`${t.name}/${index}`) ?? -1n)
        .string('')
        .int16(0),
    ),
  );
}

/** Handlers of the consumer-group requests, by API key. */
export const GROUP_REQUESTS: Record<number, RequestHandler> = {
  [API.FindCoordinator]: findCoordinator,
  [API.JoinGroup]: joinGroup,
  [API.SyncGroup]: syncGroup,
  [API.Heartbeat]: heartbeat,
  [API.LeaveGroup]: leaveGroup,
  [API.OffsetCommit]: offsetCommit,
  [API.OffsetFetch]: offsetFetch,
};
