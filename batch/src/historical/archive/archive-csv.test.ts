import { describe, expect, it } from 'vitest';
import { parseArchiveLine } from './archive-csv.js';

describe('parseArchiveLine', () => {
  it('reads a millisecond line of the spot trades archive with the exchange’s decimal strings', () => {
    expect(parseArchiveLine('1110493002,60840.51,0.001,60.84051,1634943600000,True,True')).toEqual({
      kind: 'trade',
      trade: { tradeId: 1110493002, price: '60840.51', quantity: '0.001', time: 1634943600000, buyerIsMaker: true },
    });
  });

  it('truncates the microsecond timestamps of archives since 2025 to the live stream’s milliseconds', () => {
    const line = parseArchiveLine('5415228673,109608.01000000,0.00100000,109.60801000,1761955200098001,false,true');
    expect(line).toMatchObject({ kind: 'trade', trade: { time: 1761955200098, buyerIsMaker: false } });
  });

  it('skips a header line and refuses a line it cannot read', () => {
    expect(parseArchiveLine('id,price,qty,quote_qty,time,is_buyer_maker,is_best_match')).toEqual({ kind: 'header' });
    expect(parseArchiveLine('1,NaN,0.1,0,1634943600000,True,True')).toMatchObject({ kind: 'bad' });
    expect(parseArchiveLine('1,1.0,0.1,0,1634943600000,maybe,True')).toMatchObject({ kind: 'bad' });
    expect(parseArchiveLine('1,1.0')).toMatchObject({ kind: 'bad' });
  });
});
