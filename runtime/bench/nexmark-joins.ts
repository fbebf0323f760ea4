/**
 * Nexmark q3, q4, q6 and q8 (the joins) as DataStream jobs on our runtime, after the Flink SQL of
 * github.com/nexmark/nexmark. One event stream keyed by a key both sides share (person id and
 * seller, auction id and bid's auction) stands in for the SQL join's two inputs. Keyed functions
 * are passed as factories: each keyed task gets its own instance (and its own state handles).
 */
import {
  ListStateDescriptor,
  TumblingEventTimeWindows,
  ValueStateDescriptor,
  type AggregateFunction,
  type DataStream,
  type KeyedProcessFunction,
  type ListState,
  type Sink,
  type ValueState,
} from '../src/index.js';
import type { Auction, Bid, NexmarkEvent, Person } from './nexmark-generator.js';

export interface LocalItem {
  name: string;
  city: string;
  state: string;
  auction: number;
}

export interface CategoryAverage {
  category: number;
  average: number;
}

export interface SellerAverage {
  seller: number;
  average: number;
}

export interface NewUser {
  id: number;
  name: string;
  windowStart: number;
}

const Q3_STATES = new Set(['OR', 'ID', 'CA']);

/** q3: persons in OR, ID or CA joined with the auctions of category 10 they sell (a regular join: state kept). */
function localItems(): KeyedProcessFunction<number, Person | Auction, LocalItem> {
  let person: ValueState<Person>;
  let waiting: ListState<number>;
  return {
    open: (ctx) => {
      person = ctx.getState(new ValueStateDescriptor<Person>('person'));
      waiting = ctx.getListState(new ListStateDescriptor<number>('auctions'));
    },
    processElement: (e, _ctx, out) => {
      if (e.type === 0) {
        person.update(e);
        for (const auction of waiting.get()) out.collect({ name: e.name, city: e.city, state: e.state, auction });
        waiting.clear();
        return;
      }
      const p = person.value();
      if (p === undefined) waiting.add(e.id);
      else out.collect({ name: p.name, city: p.city, state: p.state, auction: e.id });
    },
  };
}

interface OpenAuction {
  group: number;
  dateTime: number;
  expires: number;
  max: number;
}

/** A change of one auction's highest matching bid: `previous` undefined the first time. */
interface MaxChange {
  group: number;
  previous: number | undefined;
  max: number;
}

/**
 * Per auction, the highest bid with `auction.dateTime ≤ bid.dateTime ≤ auction.expires` (the
 * join of q4 and q6). `running` emits every increase (q4's changelog); `closed` emits the final
 * maximum when event time passes `expires` (q6). Bids that arrive before their auction wait for
 * it until event time passes them; an auction's state goes when it expires, since no later bid
 * can match it.
 */
function maxBidPerAuction(
  group: (a: Auction) => number,
  emit: 'running' | 'closed',
): KeyedProcessFunction<number, Auction | Bid, MaxChange> {
  let auction: ValueState<OpenAuction>;
  let early: ListState<[number, number]>;
  const raise = (a: OpenAuction, price: number, time: number, out: { collect(c: MaxChange): void }): void => {
    if (time < a.dateTime || time > a.expires || price <= a.max) return;
    if (emit === 'running') out.collect({ group: a.group, previous: a.max < 0 ? undefined : a.max, max: price });
    a.max = price;
  };
  return {
    open: (ctx) => {
      auction = ctx.getState(new ValueStateDescriptor<OpenAuction>('auction'));
      early = ctx.getListState(new ListStateDescriptor<[number, number]>('early-bids'));
    },
    processElement: (e, ctx, out) => {
      if (e.type === 1) {
        const a: OpenAuction = { group: group(e), dateTime: e.dateTime, expires: e.expires, max: -1 };
        for (const [price, time] of early.get()) raise(a, price, time, out);
        early.clear();
        auction.update(a);
        ctx.timerService().registerEventTimeTimer(e.expires);
        return;
      }
      const a = auction.value();
      if (a !== undefined) {
        raise(a, e.price, e.dateTime, out);
        auction.update(a);
      } else if (e.dateTime <= ctx.currentWatermark()) {
        return; // its auction expired already (or never comes): no match
      } else {
        early.add([e.price, e.dateTime]);
        ctx.timerService().registerEventTimeTimer(e.dateTime);
      }
    },
    onTimer: (time, _ctx, out) => {
      const a = auction.value();
      if (a !== undefined && time >= a.expires) {
        if (emit === 'closed' && a.max >= 0) out.collect({ group: a.group, previous: undefined, max: a.max });
        auction.clear();
      }
      if (a === undefined) early.clear();
    },
  };
}

/** q4's outer aggregation: per category, the average of its auctions' current highest bids, on every change. */
function averagePerCategory(): KeyedProcessFunction<number, MaxChange, CategoryAverage> {
  let sums: ValueState<[number, number]>;
  return {
    open: (ctx) => void (sums = ctx.getState(new ValueStateDescriptor<[number, number]>('sum-count'))),
    processElement: (c, _ctx, out) => {
      const [sum, count] = sums.value() ?? [0, 0];
      const next: [number, number] =
        c.previous === undefined ? [sum + c.max, count + 1] : [sum - c.previous + c.max, count];
      sums.update(next);
      out.collect({ category: c.group, average: next[0] / next[1] });
    },
  };
}

/** q6's window: per seller, the average of the final prices of their last 10 closed auctions. */
function averageOfLastTen(): KeyedProcessFunction<number, MaxChange, SellerAverage> {
  let last: ValueState<number[]>;
  return {
    open: (ctx) => void (last = ctx.getState(new ValueStateDescriptor<number[]>('last-10'))),
    processElement: (c, _ctx, out) => {
      const prices = last.value() ?? [];
      prices.push(c.max);
      if (prices.length > 10) prices.shift();
      last.update(prices);
      out.collect({ seller: c.group, average: prices.reduce((a, b) => a + b, 0) / prices.length });
    },
  };
}

interface NewUserAcc {
  name: string | undefined;
  auctions: boolean;
}

/** q8's window: a person who both registered and opened an auction in the same 10 s. */
const registeredAndSelling: AggregateFunction<Person | Auction, NewUserAcc, NewUserAcc> = {
  createAccumulator: () => ({ name: undefined, auctions: false }),
  add: (e, acc) => {
    if (e.type === 0) acc.name = e.name;
    else acc.auctions = true;
    return acc;
  },
  getResult: (acc) => acc,
};

export type JoinQueryName = 'q3' | 'q4' | 'q6' | 'q8';

/** Adds join query `name` over `events`, ending in `sink`. */
export function buildJoinQuery(name: JoinQueryName, events: DataStream<NexmarkEvent>, sink: Sink<unknown>): void {
  switch (name) {
    case 'q3':
      (
        events.filter(
          (e) => (e.type === 0 && Q3_STATES.has(e.state)) || (e.type === 1 && e.category === 10),
        ) as DataStream<unknown> as DataStream<Person | Auction>
      )
        .keyBy((e) => (e.type === 0 ? e.id : e.seller))
        .process(localItems)
        .sinkTo(sink);
      return;
    case 'q4':
    case 'q6': {
      const changes = (events.filter((e) => e.type !== 0) as DataStream<unknown> as DataStream<Auction | Bid>)
        .keyBy((e) => (e.type === 1 ? e.id : e.auction))
        .process(() =>
          name === 'q4' ? maxBidPerAuction((a) => a.category, 'running') : maxBidPerAuction((a) => a.seller, 'closed'),
        )
        .keyBy((c) => c.group);
      (name === 'q4' ? changes.process(averagePerCategory) : changes.process(averageOfLastTen)).sinkTo(sink);
      return;
    }
    case 'q8':
      (events.filter((e) => e.type !== 2) as DataStream<unknown> as DataStream<Person | Auction>)
        .keyBy((e) => (e.type === 0 ? e.id : e.seller))
        .window(TumblingEventTimeWindows.of(10_000))
        .aggregate<NewUserAcc, NewUserAcc, NewUser>(registeredAndSelling, (id, ctx, accs, out) => {
          for (const acc of accs)
            if (acc.name !== undefined && acc.auctions)
              out.collect({ id, name: acc.name, windowStart: ctx.window.start });
        })
        .sinkTo(sink);
      return;
  }
}
