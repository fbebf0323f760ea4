/**
 * One of the benchmark's peers in its own process, so that neither shares the producer's event
 * loop nor each other's (in production the exchange and Kinesis are other machines):
 *   kinesis    — kinesalite (the local stack's Kinesis) with the benchmark stream
 *   simulator  — the exchange simulator at a fixed rate
 * Prints one JSON line with its URLs, then a line a second with its CPU time so far (µs) and, from
 * the simulator, the trades generated; runs until SIGTERM. Args: kinesis | simulator <tradesPerSecond> <symbols,comma,separated>
 */
import { startLocalStack } from '@coattail/local-stack';
import { startExchangeSimulator } from '../src/simulator/exchange-simulator.js';

const role = process.argv[2];
// The parent may go first; a closed stdout must not crash the peer.
process.stdout.on('error', () => process.exit(0));
const say = (msg: object): boolean => process.stdout.write(`${JSON.stringify(msg)}\n`);
const cpuMicros = (): number => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
let stop: () => Promise<void>;
if (role === 'kinesis') {
  const stack = await startLocalStack({ streams: [{ name: 'bench-trades', shards: 4 }], tables: [], buckets: [] });
  say({ kinesis: stack.endpoints.kinesis });
  setInterval(() => say({ cpu: cpuMicros() }), 1_000);
  stop = () => stack.stop();
} else if (role === 'simulator') {
  const rate = Number(process.argv[3] ?? '20000');
  const symbols = (process.argv[4] ?? 'BTC-USDT,ETH-USDT,SOL-USDT,BNB-USDT').split(',');
  const sim = await startExchangeSimulator({ symbols, tradesPerSecond: rate, burstProbabilityPerSecond: 0 });
  say({ binanceUrl: sim.binanceUrl, coinbaseUrl: sim.coinbaseUrl });
  setInterval(() => say({ generated: sim.generated.binance + sim.generated.coinbase, cpu: cpuMicros() }), 1_000);
  stop = () => sim.close();
} else {
  console.error(`usage: peer-process.ts kinesis | simulator <tradesPerSecond> <symbols>; got '${String(role)}'`);
  process.exit(2);
}
process.once('SIGTERM', () => void stop().then(() => process.exit(0)));
