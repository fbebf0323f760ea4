/**
 * One measurement of the historical-load benchmark, in its own process so its peak RSS is its
 * own: `historical-measure.ts <load|download> <emulator url> <startTime> <endTime> <dir>`.
 * Prints one JSON line: rows, ms, requests, maxRssMb.
 */
import { join } from 'node:path';
import { LocalObjectStore } from '@coattail/connectors';
import { IcebergCatalog, LocalPointerStore } from '@coattail/iceberg';
import { BinanceRestClient } from '../src/historical/binance-rest.js';
import { runHistoricalLoad } from '../src/historical/historical-loader.js';
import { tradePages } from '../src/historical/trade-pages.js';

const [mode, url, start, end, dir] = process.argv.slice(2);
if (!url || !start || !end || !dir)
  throw new Error('usage: historical-measure.ts <load|download> <url> <startTime> <endTime> <dir>');
const client = new BinanceRestClient({ baseUrl: url, weightLimit: 1e12 });
let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
const started = performance.now();
let rows = 0;
if (mode === 'download') {
  // Baseline: the same requests and JSON/schema parsing, nothing normalized or written.
  for await (const page of tradePages(client, 'aggTrades', 'BTCUSDT', Number(start), Number(end))) rows += page.length;
} else {
  const catalog = new IcebergCatalog({
    pointers: new LocalPointerStore(join(dir, 'catalog')),
    store: new LocalObjectStore(join(dir, 'objects')),
  });
  const [r] = await runHistoricalLoad({
    catalog,
    client,
    symbols: ['BTC-USDT'],
    startTime: Number(start),
    endTime: Number(end),
    // Like for like with the download baseline above (and the figures recorded so far).
    source: 'aggTrades',
  });
  rows = r?.rows ?? 0;
}
const ms = performance.now() - started;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
console.log(JSON.stringify({ mode, rows, ms, requests: client.stats.requests, maxRssMb: peak / 1024 / 1024 }));
