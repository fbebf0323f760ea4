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
