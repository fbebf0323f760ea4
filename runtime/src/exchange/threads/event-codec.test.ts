import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { ChannelEvent, PendingRecords } from '../channel.js';
import { EventEncoder, type EncodedEvents } from './event-codec.js';
import { EventDecoder } from './event-decoder.js';

type Batch = [string, ChannelEvent[]][];

/**
 * Sends `batches` through a real MessagePort as a thread link does (bytes moved, clones cloned),
 * and decodes the batches of records only once everything arrived, the last first: a task may take
 * them much later, and channels in any order.
 */
async function cross(batches: Batch[]): Promise<Batch[]> {
  const { port1, port2 } = new MessageChannel();
  const encoder = new EventEncoder();
  const decoder = new EventDecoder();
  const received: [string, (ChannelEvent | PendingRecords)[]][][] = [];
  const done = new Promise<void>((resolve) =>
    port2.on('message', (message: EncodedEvents) => {
      const batch: [string, (ChannelEvent | PendingRecords)[]][] = [];
      decoder.decode(message, (channel, event) => {
        const last = batch.at(-1);
        if (last?.[0] === channel) last[1].push(event);
        else batch.push([channel, [event]]);
      });
      received.push(batch);
      if (received.length === batches.length) resolve();
    }),
  );
  for (const batch of batches) {
    const encoded = encoder.encode(batch);
    port1.postMessage(encoded, [encoded.bytes]);
  }
  await done;
  port1.close();
  const opened = new Map<PendingRecords, ChannelEvent>();
  for (const batch of [...received].reverse())
    for (const [, events] of [...batch].reverse())
      for (const event of [...events].reverse()) if (event.kind === 'pending') opened.set(event, event.open());
  return received.map((batch) =>
    batch.map(([channel, events]) => [channel, events.map((e) => (e.kind === 'pending' ? opened.get(e)! : e))]),
  );
}

const records = (values: unknown[], edge = 'e1'): ChannelEvent => ({
  kind: 'records',
  edge,
  values,
  timestamps: values.map((_, i) => 1_700_000_000_000 + i),
});

describe('the record codec between threads', () => {
  it('carries every primitive a flat record may hold, exactly', async () => {
    const values = [
      { n: 1, neg: -7, big: 2 ** 40, frac: 0.1, minusZero: -0, nan: NaN, inf: -Infinity, max: Number.MAX_VALUE },
      { s: '', ascii: 'channel-7', long: 'x'.repeat(10_000), t: true, f: false, u: undefined, z: null },
      { b: 123n, nb: -(2n ** 100n), zero: 0n },
      { 2: 'two', 1: 'one', name: 'keys that look like indexes come first, as in the original' },
    ];
    const [[[, [event]]]] = (await cross([[['c', [records(values)]]]])) as [[[string, [ChannelEvent]]]];
    expect(event).toEqual(records(values));
    const out = (event as { values: Record<string, unknown>[] }).values;
    expect(Object.is(out[0]!.minusZero, -0)).toBe(true);
    expect(Object.keys(out[1]!)).toEqual(['s', 'ascii', 'long', 't', 'f', 'u', 'z']);
    expect(Object.keys(out[3]!)).toEqual(['1', '2', 'name']);
    expect(Object.getPrototypeOf(out[0])).toBe(Object.prototype);
  });

  it('carries strings beyond ASCII: accents, CJK, emoji, lone surrogates as structured clone does', async () => {
    const strings = ['café', 'Zürich €', '東京都', '👩‍💻 ok', 'é'.repeat(200), 'a\u0000b', '\ud800'];
    const values = [...strings, ...strings.map((s, i) => ({ i, s, again: s }))];
    const [[[, [event]]]] = (await cross([[['c', [records(values)]]]])) as [[[string, [ChannelEvent]]]];
    const { port1, port2 } = new MessageChannel();
    const cloned = new Promise<unknown>((resolve) => port2.once('message', resolve));
    port1.postMessage(values);
    expect((event as { values: unknown[] }).values).toEqual(await cloned);
    port1.close();
  });

  it('falls back to a structured clone for anything but flat records of primitives', async () => {
    class Trade {
      constructor(readonly price: number) {}
    }
    const shared = { id: 1 };
    const values = [
      { nested: { deep: [1, 2, { x: 'y' }] }, n: 1 },
      { at: new Date(Date.UTC(2026, 11, 7)) },
      new Date(0),
      [1, 'two', null],
      new Map([['k', 1]]),
      new Set(['a']),
      new Trade(10),
      Object.assign(Object.create(null) as object, { a: 1 }),
      { shared, again: shared },
      new Uint8Array([1, 2, 3]),
      /re/g,
      7,
      'plain string',
      null,
      undefined,
      { n: 1 },
    ];
    const [[[, [event]]]] = (await cross([[['c', [records(values)]]]])) as [[[string, [ChannelEvent]]]];
    const out = (event as { values: unknown[] }).values;
    const { port1, port2 } = new MessageChannel();
    const cloned = new Promise<unknown[]>((resolve) => port2.once('message', resolve));
    port1.postMessage(values);
    expect(out).toEqual(await cloned);
    port1.close();
    expect(out[1]).toEqual({ at: new Date(Date.UTC(2026, 11, 7)) });
    expect((out[1] as { at: unknown }).at).toBeInstanceOf(Date);
    expect(out[4]).toBeInstanceOf(Map);
    // Within one record, shared references stay shared, as with a clone.
    const record = out[8] as { shared: object; again: object };
    expect(record.shared).toBe(record.again);
  });

  it('sends a record whose field turns out not to be flat as a clone, without losing what it would have taught', async () => {
    const values = [
      // The first record of its shape is cloned: the shape must still be taught with the next one.
      { s: 'first', o: { x: 1 } },
      { s: 'second', o: 2 },
      // Its string would have been new to the other side: it must be taught again after the clone.
      { s: 'third', o: [3] },
      { s: 'third', o: 4 },
      { s: 'third', o: 5 },
    ];
    const [[[, [event]]]] = (await cross([[['c', [records(values)]]]])) as [[[string, [ChannelEvent]]]];
    expect(event).toEqual(records(values));
  });

  it('fails like structured clone on what cannot be cloned', () => {
    const encoder = new EventEncoder();
    const encoded = encoder.encode([['c', [records([{ ok: 1 }, { f: () => 1 }])]]]);
    const { port1 } = new MessageChannel();
    expect(() => port1.postMessage(encoded, [encoded.bytes])).toThrow(/could not be cloned/);
    port1.close();
  });

  it('keeps the order of records, watermarks, barriers and the end on every channel, across messages', async () => {
    const batches: Batch[] = [];
    for (let m = 0; m < 5; m++)
      batches.push([
        ['a', [records([{ m, v: 'a' }]), { kind: 'watermark', watermark: m * 1000, idle: m % 2 === 0 }]],
        ['b', [{ kind: 'barrier', checkpointId: m + 1 }, records([m, { m, v: 'b' }], 'e2'), records([{ m }], 'e1')]],
      ]);
    batches.push([['a', [{ kind: 'end' }]]]);
    expect(await cross(batches)).toEqual(batches);
  });

  it('carries large batches of changing shapes and strings, message after message', async () => {
    const batches: Batch[] = [];
    let n = 0;
    for (let m = 0; m < 8; m++) {
      const values = Array.from({ length: 20_000 }, () => {
        const i = n++;
        if (i % 50 === 0) return { id: i, name: `person-${i % 300}`, city: 'Orléans', extra: `${i}`.repeat(i % 40) };
        if (i % 7 === 0) return { id: i, seller: i % 13, item: `item ${i}`, price: i / 3, flag: i % 2 === 0 };
        return { auction: i % 1000, bidder: i, price: i * 100, channel: `channel-${i % 5}`, url: `u${i % 9}` };
      });
      batches.push([['c', [records(values)]]]);
    }
    const received = await cross(batches);
    expect(received).toEqual(batches);
  });
});
