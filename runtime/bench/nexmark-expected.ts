/**
 * What each Nexmark query must answer, by plain loops over the generated events, and the check
 * that runs every query on a small input against them before anything is timed.
 */
import { CollectSink } from '../src/index.js';
import { NexmarkGenerator, type Auction, type Bid, type NexmarkEvent, type Person } from './nexmark-generator.js';
import type { CategoryAverage, LocalItem, NewUser, SellerAverage } from './nexmark-joins.js';
import { QUERIES, runQuery, type HotItem, type QueryName } from './nexmark-queries.js';

const round = (n: number): string => n.toFixed(6);

/** The last value per group of a changelog, as `group:value` strings. */
function finalPerGroup(pairs: Iterable<[number, number]>): string[] {
  const last = new Map<number, number>();
  for (const [group, value] of pairs) last.set(group, value);
  return [...last].map(([g, v]) => `${g}:${round(v)}`);
}

/** Each auction's highest bid within [auction.dateTime, auction.expires], in auctions' order. */
function maxBids(auctions: Auction[], bids: Bid[]): [Auction, number][] {
  const byId = new Map(auctions.map((a) => [a.id, a]));
  const max = new Map<number, number>();
  for (const b of bids) {
    const a = byId.get(b.auction);
    if (a === undefined || b.dateTime < a.dateTime || b.dateTime > a.expires) continue;
    max.set(a.id, Math.max(max.get(a.id) ?? -1, b.price));
  }
  return auctions.filter((a) => max.has(a.id)).map((a) => [a, max.get(a.id)!]);
}

function hotItems(bids: Bid[]): string[] {
  const hop = new Map<number, Map<number, number>>();
  for (const b of bids) {
    const last = b.dateTime - (b.dateTime % 2_000);
    for (let start = last; start > b.dateTime - 10_000; start -= 2_000) {
      let counts = hop.get(start);
      if (counts === undefined) hop.set(start, (counts = new Map<number, number>()));
      counts.set(b.auction, (counts.get(b.auction) ?? 0) + 1);
    }
  }
  const out: string[] = [];
  for (const [start, counts] of hop) {
    const max = Math.max(...counts.values());
    for (const [auction, num] of counts) if (num === max) out.push(`${start}:${auction}:${num}`);
  }
  return out;
}

function highestBids(bids: Bid[]): string[] {
  const tumble = new Map<number, Bid[]>();
  for (const b of bids) {
    const w = b.dateTime - (b.dateTime % 10_000);
    const top = tumble.get(w);
    if (top === undefined || b.price > top[0]!.price) tumble.set(w, [b]);
    else if (b.price === top[0]!.price) top.push(b);
  }
  return [...tumble.values()].flat().map((b) => `${b.auction}:${b.bidder}:${b.price}:${b.dateTime}`);
}

/** What each query must output over the first `count` events of a generator. */
function expected(count: number, eventsPerSecond: number): Record<QueryName, string[]> {
  const gen = new NexmarkGenerator(1, eventsPerSecond);
  const events: NexmarkEvent[] = Array.from({ length: count }, (_, i) => gen.next(i));
  const persons = events.filter((e): e is Person => e.type === 0);
  const auctions = events.filter((e): e is Auction => e.type === 1);
  const bids = events.filter((e): e is Bid => e.type === 2);
  const personById = new Map(persons.map((p) => [p.id, p]));
  const won = maxBids(auctions, bids);
  const perCategory: [number, number][] = [];
  const sums = new Map<number, [number, number]>();
  for (const [a, max] of won) {
    const [s, n] = sums.get(a.category) ?? [0, 0];
    sums.set(a.category, [s + max, n + 1]);
    perCategory.push([a.category, (s + max) / (n + 1)]);
  }
  const lastTen = new Map<number, number[]>();
  const perSeller: [number, number][] = [];
  for (const [a, max] of [...won].sort((x, y) => x[0].expires - y[0].expires)) {
    const prices = [...(lastTen.get(a.seller) ?? []), max].slice(-10);
    lastTen.set(a.seller, prices);
    perSeller.push([a.seller, prices.reduce((p, q) => p + q, 0) / prices.length]);
  }
  const window = (t: number): number => t - (t % 10_000);
  const sellers = new Set(auctions.map((a) => `${a.seller}:${window(a.dateTime)}`));
  return {
    q0: bids.map((b) => `${b.auction}:${b.bidder}:${b.price}:${b.dateTime}:${b.extra.length}`),
    q1: bids.map((b) => `${b.auction}:${b.bidder}:${0.908 * b.price}:${b.dateTime}:${b.extra.length}`),
    q2: bids.filter((b) => b.auction % 123 === 0).map((b) => `${b.auction}:${b.price}`),
    q3: auctions.flatMap((a) => {
      const p = personById.get(a.seller);
      return a.category === 10 && p !== undefined && ['OR', 'ID', 'CA'].includes(p.state)
        ? [`${p.name}:${p.city}:${p.state}:${a.id}`]
        : [];
    }),
    q4: finalPerGroup(perCategory),
    q5: hotItems(bids),
    q6: finalPerGroup(perSeller),
    q7: highestBids(bids),
    q8: persons
      .filter((p) => sellers.has(`${p.id}:${window(p.dateTime)}`))
      .map((p) => `${p.id}:${p.name}:${window(p.dateTime)}`),
  };
}

/** A query's outputs as the strings {@link expected} builds. */
function describe(query: QueryName, values: readonly unknown[]): string[] {
  const each = <T>(f: (v: T) => string): string[] => (values as T[]).map(f);
  type Row = Record<string, number | string>;
  switch (query) {
    case 'q0':
    case 'q1':
      return each<Row>((v) => `${v.auction}:${v.bidder}:${v.price}:${v.dateTime}:${String(v.extra).length}`);
    case 'q2':
      return each<Row>((v) => `${v.auction}:${v.price}`);
    case 'q3':
      return each<LocalItem>((v) => `${v.name}:${v.city}:${v.state}:${v.auction}`);
    case 'q4':
      return finalPerGroup((values as CategoryAverage[]).map((v) => [v.category, v.average]));
    case 'q5':
      return each<HotItem>((h) => `${h.windowStart}:${h.auction}:${h.num}`);
    case 'q6':
      return finalPerGroup((values as SellerAverage[]).map((v) => [v.seller, v.average]));
    case 'q7':
      return each<Row>((v) => `${v.auction}:${v.bidder}:${v.price}:${v.dateTime}`);
    case 'q8':
      return each<NewUser>((v) => `${v.id}:${v.name}:${v.windowStart}`);
  }
}

/** Runs every query on a small input (20 s of event time) and compares with the plain answers. */
export async function verify(): Promise<string> {
  const count = 500_000;
  const eventsPerSecond = 25_000;
  const want = expected(count, eventsPerSecond);
  const problems: string[] = [];
  for (const query of QUERIES) {
    const sink = new CollectSink<unknown>();
    await runQuery(query, count, sink, { eventsPerSecond });
    const got = describe(query, sink.values).sort();
    const exp = [...want[query]].sort();
    const same = got.length === exp.length && got.every((g, i) => g === exp[i]);
    if (!same || exp.length === 0) problems.push(`${query}: ${got.length} outputs, expected ${exp.length}`);
  }
  return problems.length === 0
    ? `all nine queries match plain implementations on ${count.toLocaleString('en')} events (20 s of event time)`
    : `MISMATCH: ${problems.join('; ')}`;
}
