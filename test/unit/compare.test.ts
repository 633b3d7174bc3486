import { describe, expect, it } from 'vitest';
import { summarize, convertRow, type VenueRow } from '../../src/compare.js';
import { fxTable, money } from '../../src/index.js';

const row = (venue: string, ask?: string, bid?: string, sellFee?: string): VenueRow => ({
  provider: venue === 'csboard' ? 'csboard' : 'cs2cap',
  venue,
  instrument: 'X',
  ask: ask ? money(ask, 'USD') : undefined,
  bid: bid ? money(bid, 'USD') : undefined,
  sellFee,
});

describe('summarize (hand-computed)', () => {
  it('best ask, best bid, spread and per-venue edges', () => {
    const c = summarize('X', 'USD', [row('steam', '23.56', '20.56', '0.15'), row('buff163', '25.81', '21.27', '0.025'), row('csboard', '16.17')], {});
    expect(c.bestAsk?.venue).toBe('csboard');
    expect(c.bestBid?.venue).toBe('buff163');
    expect(c.spread?.amount).toBe('-5.10'); // 16.17 − 21.27
    const buff = c.rows.find((r) => r.venue === 'buff163')!;
    // 21.27 × 0.975 = 20.73825 → 20.74; − 16.17 = 4.57
    expect(buff.edge?.instantSell?.amount).toBe('4.57');
    // 25.81 × 0.975 = 25.16475 → 25.16; − 16.17 = 8.99
    expect(buff.edge?.relist?.amount).toBe('8.99');
    const steam = c.rows.find((r) => r.venue === 'steam')!;
    // 20.56 × 0.85 = 17.476 → 17.48; − 16.17 = 1.31
    expect(steam.edge?.instantSell?.amount).toBe('1.31');
    expect(c.rows.find((r) => r.venue === 'csboard')!.edge).toBeUndefined();
  });

  it('no rows: no best prices, no spread', () => {
    const c = summarize('X', 'USD', [], {});
    expect(c.bestAsk).toBeUndefined();
    expect(c.spread).toBeUndefined();
  });

  it('converts rows only through an explicit FX table', () => {
    const fx = fxTable('USD', { EUR: 0.92 }, 'cs2cap');
    expect(convertRow(row('steam', '14.37', '10'), 'EUR', fx)).toMatchObject({ ask: { currency: 'EUR', amount: '13.22' }, bid: { currency: 'EUR', amount: '9.20' } });
    expect(() => convertRow(row('steam', '14.37'), 'EUR', undefined)).toThrow(/no FX table/);
  });
});
