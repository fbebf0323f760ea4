/**
 * What a record costs to cross threads in the keyBy exchange: batches of 2,048 Nexmark events
 * (the generator's mix of persons, auctions and bids, fresh in every batch) sent through a
 * MessagePort as the exchange sends them (bytes written by its record codec, see
 * src/exchange/threads/event-codec.ts), against the same batch structured-cloned (how the exchange
 * sent them before, `threads.records: 'clone'`) and as a JSON string. CPU is the whole process's
 * (the sending and the receiving side run here), per event.
 * Run: `node --import tsx bench/thread-crossing.ts` in `runtime/`.
 */
import { loadavg } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import { EventEncoder, type EncodedEvents } from '../src/exchange/threads/event-codec.js';
import { EventDecoder } from '../src/exchange/threads/event-decoder.js';
import { NexmarkGenerator } from './nexmark-generator.js';

const BATCH = 2_048;
const BATCHES = 300;
const generator = new NexmarkGenerator(1, 50_000);
// Fresh events in every batch, as in a job (repeated objects would flatter a codec's string table).
const batches = Array.from({ length: BATCHES }, (_, b) => {
  const values = Array.from({ length: BATCH }, (_, i) => generator.next(b * BATCH + i));
  return { values, timestamps: values.map((e) => e.dateTime) };
});

async function measure(
  name: string,
  encode: (batch: number) => object | string,
  decode: (message: unknown) => number,
): Promise<void> {
  const { port1, port2 } = new MessageChannel();
  let received = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    port2.on('message', (message: unknown) => {
      if (decode(message) !== BATCH) throw new Error(`${name}: a batch arrived incomplete`);
      if (++received === BATCHES) resolve();
    });
    for (let i = 0; i < BATCHES; i++) {
      const message = encode(i);
      port1.postMessage(message, message instanceof Object && 'bytes' in message ? [message.bytes as ArrayBuffer] : []);
    }
  });
  const cpu = process.cpuUsage(cpu0);
  const events = BATCH * BATCHES;
  port1.close();
  console.log(
    `${name}: ${(((cpu.user + cpu.system) * 1000) / events).toFixed(0)} ns CPU per event, ${(((performance.now() - t0) * 1e6) / events).toFixed(0)} ns wall; load ${loadavg()[0]!.toFixed(1)}`,
  );
}

for (let round = 1; round <= 3; round++) {
  await measure(
    'structured clone',
    (b) => ({ kind: 'records', ...batches[b]! }),
    (m) => (m as { values: unknown[] }).values.length,
  );
  await measure(
    'JSON string',
    (b) => JSON.stringify({ kind: 'records', ...batches[b]! }),
    (m) => (JSON.parse(m as string) as { values: unknown[] }).values.length,
  );
  const encoder = new EventEncoder();
  const decoder = new EventDecoder();
  await measure(
    'binary codec (the exchange)',
    (b) => encoder.encode([['c', [{ kind: 'records', edge: 'e', ...batches[b]! }]]]),
    (m) => {
      let n = 0;
      decoder.decode(m as EncodedEvents, (_c, e) => {
        // Taken at once, as a task would take them: every record decoded.
        const event = e.kind === 'pending' ? e.open() : e;
        n += event.kind === 'records' ? event.values.length : 0;
      });
      return n;
    },
  );
}
