/**
 * A Nexmark event generator following the model of github.com/nexmark/nexmark (the Flink
 * runner's `NexmarkGenerator`, `GeneratorConfig` and `model/*Generator`): persons, auctions and
 * bids in the proportion 1:3:46 by event id, ids derived from the event id (hot sellers, hot
 * auctions, hot bidders), prices `round(10^(6·u)·100)`, `extra` padding to the average byte
 * sizes (200/500/100), and event time `baseTime + eventNumber · 10⁶/rate µs`. Written from the
 * model, not copied; the random stream is our own (mulberry32), not Java's SplittableRandom, so
 * values differ from Java's while their distributions match.
 */
import { prng } from './trades.js';

export interface Person {
  type: 0;
  id: number;
  name: string;
  emailAddress: string;
  creditCard: string;
  city: string;
  state: string;
  dateTime: number;
  extra: string;
}

export interface Auction {
  type: 1;
  id: number;
  itemName: string;
  description: string;
  initialBid: number;
  reserve: number;
  dateTime: number;
  expires: number;
  seller: number;
  category: number;
  extra: string;
}

export interface Bid {
  type: 2;
  auction: number;
  bidder: number;
  price: number;
  channel: string;
  url: string;
  dateTime: number;
  extra: string;
}

export type NexmarkEvent = Person | Auction | Bid;

/** The Nexmark defaults (NexmarkConfiguration) and the 100 M suite's event rate. */
export const NEXMARK = {
  personProportion: 1,
  auctionProportion: 3,
  bidProportion: 46,
  totalProportion: 50,
  firstPersonId: 1000,
  firstAuctionId: 1000,
  firstCategoryId: 10,
  numCategories: 5,
  hotAuctionRatio: 2,
  hotSellersRatio: 4,
  hotBiddersRatio: 4,
  numInFlightAuctions: 100,
  numActivePeople: 1000,
  avgPersonByteSize: 200,
  avgAuctionByteSize: 500,
  avgBidByteSize: 100,
  /** `nexmark.workload.suite.100m.tps`: events per second of event time. */
  eventsPerSecond: 10_000_000,
  baseTime: Date.UTC(2026, 0, 1),
} as const;

const HOT_RATIO = 100;
const ID_LEAD = 10;
const CHANNELS = 10_000;
const HOT_CHANNELS = ['Google', 'Facebook', 'Baidu', 'Apple'];
const US_STATES = ['AZ', 'CA', 'ID', 'OR', 'WA', 'WY'];
const US_CITIES = [
  'Phoenix',
  'Los Angeles',
  'San Francisco',
  'Boise',
  'Portland',
  'Bend',
  'Redmond',
  'Seattle',
  'Kent',
  'Cheyenne',
];
const FIRST_NAMES = ['Peter', 'Paul', 'Luke', 'John', 'Saul', 'Vicky', 'Kate', 'Julie', 'Sarah', 'Deiter', 'Walter'];
const LAST_NAMES = ['Shultz', 'Abrams', 'Spencer', 'White', 'Bartels', 'Walton', 'Smith', 'Jones', 'Noris'];

export function lastBase0PersonId(eventId: number): number {
  const epoch = Math.floor(eventId / NEXMARK.totalProportion);
  let offset = eventId % NEXMARK.totalProportion;
  if (offset >= NEXMARK.personProportion) offset = NEXMARK.personProportion - 1;
  return epoch * NEXMARK.personProportion + offset;
}

export function lastBase0AuctionId(eventId: number): number {
  let epoch = Math.floor(eventId / NEXMARK.totalProportion);
  let offset = eventId % NEXMARK.totalProportion;
  if (offset < NEXMARK.personProportion) {
    epoch--;
    offset = NEXMARK.auctionProportion - 1;
  } else if (offset >= NEXMARK.personProportion + NEXMARK.auctionProportion) {
    offset = NEXMARK.auctionProportion - 1;
  } else {
    offset -= NEXMARK.personProportion;
  }
  return epoch * NEXMARK.auctionProportion + offset;
}

/** Generates event number `n` of one generator; holds the random stream and the string caches. */
export class NexmarkGenerator {
  readonly #rand: () => number;
  readonly #extraPool: string;
  readonly #hotUrls: string[];
  readonly #channelCache: [string, string][];
  readonly #delayUs: number;

  constructor(seed = 1, eventsPerSecond: number = NEXMARK.eventsPerSecond) {
    this.#rand = prng(seed);
    this.#delayUs = 1_000_000 / eventsPerSecond;
    // Like StringsGenerator's REUSABLE_EXTRA_STRING: `extra` is a slice of one 1 MiB random string.
    this.#extraPool = this.#exactString(1024 * 1024);
    this.#hotUrls = HOT_CHANNELS.map(() => this.#baseUrl());
    this.#channelCache = Array.from({ length: CHANNELS }, (_, i) => {
      let url = this.#baseUrl();
      if (this.#int(10) > 0) url += `&channel_id=${Math.abs(reverseBits(i))}`;
      return [`channel-${i}`, url];
    });
  }

  /** Event time of event number `n` (GeneratorConfig.timestampForEvent). */
  timestampFor(n: number): number {
    return NEXMARK.baseTime + Math.floor(Math.floor(n * this.#delayUs) / 1000);
  }

  /** The event of number `n` (event id = n: first event id 0, out-of-order group size 1). */
  next(n: number): NexmarkEvent {
    const time = this.timestampFor(n);
    const rem = n % NEXMARK.totalProportion;
    if (rem < NEXMARK.personProportion) return this.#person(n, time);
    if (rem < NEXMARK.personProportion + NEXMARK.auctionProportion) return this.#auction(n, time);
    return this.#bid(n, time);
  }

  #int(bound: number): number {
    return Math.floor(this.#rand() * bound);
  }

  #price(): number {
    return Math.round(Math.pow(10, this.#rand() * 6) * 100);
  }

  #nextBase0PersonId(eventId: number): number {
    const numPeople = lastBase0PersonId(eventId) + 1;
    const active = Math.min(numPeople, NEXMARK.numActivePeople);
    return numPeople - active + this.#int(active + ID_LEAD);
  }

  #nextBase0AuctionId(eventId: number): number {
    const max = lastBase0AuctionId(eventId);
    const min = Math.max(max - NEXMARK.numInFlightAuctions, 0);
    return min + this.#int(max - min + 1 + ID_LEAD);
  }

  #person(n: number, time: number): Person {
    const name = `${FIRST_NAMES[this.#int(FIRST_NAMES.length)]!} ${LAST_NAMES[this.#int(LAST_NAMES.length)]!}`;
    const emailAddress = `${this.#string(7)}@${this.#string(5)}.com`;
    const creditCard = Array.from({ length: 4 }, () => String(this.#int(10_000)).padStart(4, '0')).join(' ');
    const city = US_CITIES[this.#int(US_CITIES.length)]!;
    const state = US_STATES[this.#int(US_STATES.length)]!;
    const size = 8 + name.length + emailAddress.length + creditCard.length + city.length + state.length;
    const id = lastBase0PersonId(n) + NEXMARK.firstPersonId;
    return {
      type: 0,
      id,
      name,
      emailAddress,
      creditCard,
      city,
      state,
      dateTime: time,
      extra: this.#extra(size, NEXMARK.avgPersonByteSize),
    };
  }

  #auction(n: number, time: number): Auction {
    const id = lastBase0AuctionId(n) + NEXMARK.firstAuctionId;
    const seller =
      (this.#int(NEXMARK.hotSellersRatio) > 0
        ? Math.floor(lastBase0PersonId(n) / HOT_RATIO) * HOT_RATIO
        : this.#nextBase0PersonId(n)) + NEXMARK.firstPersonId;
    const category = NEXMARK.firstCategoryId + this.#int(NEXMARK.numCategories);
    const initialBid = this.#price();
    // nextAuctionLengthMs: on average the time until numInFlightAuctions more auctions exist.
    const eventsForAuctions = Math.floor(
      (NEXMARK.numInFlightAuctions * NEXMARK.totalProportion) / NEXMARK.auctionProportion,
    );
    const horizonMs = this.timestampFor(n + eventsForAuctions) - time;
    const expires = time + 1 + this.#int(Math.max(horizonMs * 2, 1));
    const itemName = this.#string(20);
    const description = this.#string(100);
    const reserve = initialBid + this.#price();
    const size = 8 + itemName.length + description.length + 40;
    const extra = this.#extra(size, NEXMARK.avgAuctionByteSize);
    return {
      type: 1,
      id,
      itemName,
      description,
      initialBid,
      reserve,
      dateTime: time,
      expires,
      seller,
      category,
      extra,
    };
  }

  #bid(n: number, time: number): Bid {
    const auction =
      (this.#int(NEXMARK.hotAuctionRatio) > 0
        ? Math.floor(lastBase0AuctionId(n) / HOT_RATIO) * HOT_RATIO
        : this.#nextBase0AuctionId(n)) + NEXMARK.firstAuctionId;
    let bidder =
      (this.#int(NEXMARK.hotBiddersRatio) > 0
        ? Math.floor(lastBase0PersonId(n) / HOT_RATIO) * HOT_RATIO + 1
        : this.#nextBase0PersonId(n)) + NEXMARK.firstPersonId;
    const price = this.#price();
    let channel: string;
    let url: string;
    if (this.#int(2) > 0) {
      const i = this.#int(HOT_CHANNELS.length);
      channel = HOT_CHANNELS[i]!;
      url = this.#hotUrls[i]!;
    } else {
      [channel, url] = this.#channelCache[this.#int(CHANNELS)]!;
    }
    // BidGenerator adds FIRST_PERSON_ID to the bidder a second time; kept for fidelity.
    bidder += NEXMARK.firstPersonId;
    return {
      type: 2,
      auction,
      bidder,
      price,
      channel,
      url,
      dateTime: time,
      extra: this.#extra(32, NEXMARK.avgBidByteSize),
    };
  }

  /** StringsGenerator.nextString: 3..max-1 random letters, some replaced by `special`, trimmed. */
  #string(maxLength: number, special = ' '): string {
    let len = 3 + this.#int(maxLength - 3);
    let s = '';
    while (len-- > 0) s += this.#int(13) === 0 ? special : String.fromCharCode(97 + this.#int(26));
    return s.trim();
  }

  #exactString(length: number): string {
    const chars = new Array<string>(length);
    for (let i = 0; i < length; i++) chars[i] = String.fromCharCode(97 + this.#int(26));
    return chars.join('');
  }

  #extra(currentSize: number, averageSize: number): string {
    if (currentSize > averageSize) return '';
    const desired = averageSize - currentSize;
    const delta = Math.round(desired * 0.2);
    const size = desired - delta + (delta === 0 ? 0 : this.#int(2 * delta));
    const offset = this.#int(this.#extraPool.length - size);
    return this.#extraPool.slice(offset, offset + size);
  }

  #baseUrl(): string {
    return `https://www.nexmark.com/${this.#string(5, '_')}/${this.#string(5, '_')}/${this.#string(5, '_')}/item.htm?query=1`;
  }
}

/** Java's Integer.reverse. */
function reverseBits(i: number): number {
  let x = i >>> 0;
  let r = 0;
  for (let b = 0; b < 32; b++) {
    r = (r << 1) | (x & 1);
    x >>>= 1;
  }
  return r | 0;
}
