import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { waitFor } from '../testing/wait.js';
import { startExchangeSimulator, type ExchangeSimulator } from './exchange-simulator.js';

let sim: ExchangeSimulator | undefined;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await sim?.close();
  sim = undefined;
});

async function binanceClient(s: ExchangeSimulator, streams: string): Promise<{ ws: WebSocket; frames: string[] }> {
  const ws = new WebSocket(`${s.binanceUrl}/stream?streams=${streams}`);
  sockets.push(ws);
  const frames: string[] = [];
  ws.on('message', (d: Buffer) => frames.push(d.toString()));
  await once(ws, 'open');
  return { ws, frames };
}

describe('the exchange simulator', () => {
  it('generates 50 000 trades/s (within 10 %), every one delivered to a subscribed client', async () => {
    sim = await startExchangeSimulator({
      symbols: ['BTC-USDT', 'ETH-USDT'],
      tradesPerSecond: 50_000,
      burstProbabilityPerSecond: 0,
    });
    const { frames } = await binanceClient(sim, 'btcusdt@trade/ethusdt@trade');
    // Counted on the trades' own clock (Binance `T`), so a busy event loop on a shared 2-core
    // machine delays the frames but cannot change the count: one second of market time, 300 ms in.
    const tradeTime = (f: string): number => (JSON.parse(f) as { data: { T: number } }).data.T;
    const from = Date.now() + 300;
    const to = from + 1_000;
    await waitFor(
      () => frames.length > 0 && tradeTime(frames[frames.length - 1]!) > to + 50,
      'a second of trades',
      10_000,
    );
    const inWindow = frames.map(tradeTime).filter((t) => t >= from && t < to).length;
    // Binance carries half the market (two of four symbol × exchange markets): 25 000 a second.
    expect(inWindow).toBeGreaterThan(22_500);
    expect(inWindow).toBeLessThan(27_500);
    expect(sim.generated.coinbase).toBeGreaterThan(0.9 * sim.generated.binance);
  });

  it('acknowledges up to 5 Binance messages a second and closes the connection with 1008 on the sixth', async () => {
    sim = await startExchangeSimulator({ symbols: ['BTC-USDT'], tradesPerSecond: 0 });
    const { ws, frames } = await binanceClient(sim, 'btcusdt@trade');
    const closed = new Promise<number>((resolve) => ws.on('close', (code: number) => resolve(code)));
    for (let id = 1; id <= 5; id++) ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['btcusdt@trade'], id }));
    await waitFor(() => frames.length === 5, 'five acks');
    expect(frames.map((f) => JSON.parse(f) as unknown)).toEqual([1, 2, 3, 4, 5].map((id) => ({ result: null, id })));
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['btcusdt@trade'], id: 6 }));
    expect(await Promise.race([closed, new Promise((r) => setTimeout(() => r('still open after 3 s'), 3_000))])).toBe(
      1008,
    );
    expect(frames).toHaveLength(5);
  });

  it('allows 5 messages in every second, not 5 in all', async () => {
    sim = await startExchangeSimulator({ symbols: ['BTC-USDT'], tradesPerSecond: 0 });
    const { ws, frames } = await binanceClient(sim, 'btcusdt@trade');
    for (let id = 1; id <= 5; id++) ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['btcusdt@trade'], id }));
    // The server counted each message before acking it, so a second after the fifth ack the window is
    // over however late a loaded machine delivered the first five.
    await waitFor(() => frames.length === 5, 'five acks');
    await new Promise((r) => setTimeout(r, 1_050));
    for (let id = 6; id <= 10; id++) ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['btcusdt@trade'], id }));
    await waitFor(() => frames.length === 10, 'ten acks');
    expect(ws.readyState).toBe(WebSocket.OPEN);
  });
});

/** Sends each request in turn and returns the replies, one per request. */
async function exchange(url: string, requests: string[]): Promise<unknown[]> {
  const ws = new WebSocket(url);
  sockets.push(ws);
  const frames: unknown[] = [];
  ws.on('message', (d: Buffer) => frames.push(JSON.parse(d.toString())));
  await once(ws, 'open');
  for (const [i, r] of requests.entries()) {
    ws.send(r);
    await waitFor(() => frames.length > i, `a reply to ${r}`);
  }
  expect(ws.readyState).toBe(WebSocket.OPEN);
  return frames;
}

describe('a client request of the wrong shape', () => {
  it('gets Binance’s error reply naming the field, and the connection still subscribes', async () => {
    sim = await startExchangeSimulator({ symbols: ['BTC-USDT'], tradesPerSecond: 0 });
    const replies = await exchange(`${sim.binanceUrl}/stream?streams=btcusdt@trade`, [
      'null',
      JSON.stringify({ method: 'SUBSCRIBE', params: 'btcusdt@trade', id: 7 }),
      JSON.stringify({ method: 'UNSUBSCRIBE', params: [null], id: 8 }),
      JSON.stringify({ method: 'SUBSCRIBE', params: ['btcusdt@trade'], id: 9 }),
    ]);
    expect(replies).toEqual([
      { code: 2, msg: 'Invalid request: unknown variant' },
      { code: 2, msg: expect.stringMatching(/^Invalid request: params: /) as unknown, id: 7 },
      { code: 2, msg: expect.stringMatching(/^Invalid request: params\.0: /) as unknown, id: 8 },
      { result: null, id: 9 },
    ]);
  });

  it('gets Coinbase’s error reply naming the field, and the connection still subscribes', async () => {
    sim = await startExchangeSimulator({ symbols: ['BTC-USDT'], tradesPerSecond: 0 });
    const replies = await exchange(sim.coinbaseUrl, [
      'null',
      JSON.stringify({ type: 'subscribe', product_ids: [], channels: [null] }),
      JSON.stringify({ type: 'subscribe', product_ids: 'BTC-USDT', channels: ['matches'] }),
      JSON.stringify({ type: 'subscribe', product_ids: [], channels: ['heartbeat'] }),
    ]);
    expect(replies).toEqual([
      { type: 'error', message: 'Failed to subscribe', reason: 'undefined is not a valid message type' },
      { type: 'error', message: 'Failed to subscribe', reason: expect.stringMatching(/^channels\.0: /) as unknown },
      { type: 'error', message: 'Failed to subscribe', reason: expect.stringMatching(/^product_ids: /) as unknown },
      { type: 'subscriptions', channels: [{ name: 'heartbeat', product_ids: [] }] },
    ]);
  });

  it('gets Coinbase Advanced Trade’s error reply naming the field, and the connection still subscribes', async () => {
    sim = await startExchangeSimulator({ symbols: ['BTC-USDT'], tradesPerSecond: 0 });
    const replies = await exchange(sim.coinbaseAdvancedUrl, [
      '[]',
      JSON.stringify({ type: 'subscribe', channel: 7 }),
      JSON.stringify({ type: 'subscribe', channel: 'market_trades', product_ids: [1] }),
      JSON.stringify({ type: 'subscribe', channel: 'heartbeats' }),
    ]);
    expect(replies.slice(0, 3)).toEqual([
      { type: 'error', message: 'Failed to subscribe', reason: 'undefined is not a valid message type' },
      { type: 'error', message: 'Failed to subscribe', reason: expect.stringMatching(/^channel: /) as unknown },
      { type: 'error', message: 'Failed to subscribe', reason: expect.stringMatching(/^product_ids\.0: /) as unknown },
    ]);
    expect(replies[3]).toMatchObject({ channel: 'subscriptions' });
  });
});
