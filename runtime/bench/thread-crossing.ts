/**
 * What a record costs to cross threads in the keyBy exchange: batches of 2,048 Nexmark events
 * (the generator's mix of persons, auctions and bids) sent through a MessagePort, as the exchange
 * sends them (structured clone of the batch), against the same batch as a JSON string. CPU is the
 * whole process's (the sending and the receiving side run here), per event.
 * Run: `node --import tsx bench/thread-crossing.ts` in `runtime/`.
 */
import { loadavg } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import { NexmarkGenerator } from './nexmark-generator.js';

const BATCH = 2_048;
const BATCHES = 300;
const generator = new NexmarkGenerator(1, 50_000);
const values = Array.from({ length: BATCH }, (_, i) => generator.next(i));
const timestamps = values.map((e) => e.dateTime);

async function measure(name: string, encode: () => unknown, decode: (message: unknown) => number): Promise<void> {
  const { port1, port2 } = new MessageChannel();
  let received = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    port2.on('message', (message: unknown) => {
      if (decode(message) !== BATCH) throw new Error(`${name}: a batch arrived incomplete`);
      if (++received === BATCHES) resolve();
    });
    for (let i = 0; i < BATCHES; i++) port1.postMessage(encode());
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
    'structured clone (the exchange)',
    () => ({ kind: 'records', values, timestamps }),
    (m) => (m as { values: unknown[] }).values.length,
  );
  await measure(
    'JSON string',
    () => JSON.stringify({ kind: 'records', values, timestamps }),
    (m) => (JSON.parse(m as string) as { values: unknown[] }).values.length,
  );
}
