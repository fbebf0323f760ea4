/**
 * The benchmark's peers in their own process, so they do not share the producer's event loop:
 * the local stack (kinesalite) and the exchange simulator at a fixed rate. Prints one JSON line
 * with the URLs, then runs until killed. Args: <tradesPerSecond> <symbols,comma,separated>
 */
import { startLocalStack } from '@coattail/connectors';
import { startExchangeSimulator } from '../src/simulator/exchange-simulator.js';

const rate = Number(process.argv[2] ?? '20000');
const symbols = (process.argv[3] ?? 'BTC-USDT,ETH-USDT,SOL-USDT,BNB-USDT').split(',');
// The parent may go first; a closed stdout must not crash the peers.
process.stdout.on('error', () => process.exit(0));
const stack = await startLocalStack({ streams: [{ name: 'bench-trades', shards: 4 }], tables: [], buckets: [] });
const sim = await startExchangeSimulator({ symbols, tradesPerSecond: rate, burstProbabilityPerSecond: 0 });
process.stdout.write(`${JSON.stringify({ binanceUrl: sim.binanceUrl, coinbaseUrl: sim.coinbaseUrl, kinesis: stack.endpoints.kinesis })}\n`);
setInterval(() => process.stdout.write(`${JSON.stringify({ generated: sim.generated.binance + sim.generated.coinbase })}\n`), 1_000);
const stop = async (): Promise<void> => {
  await sim.close();
  await stack.stop();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
