import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BookState, LiveOrderBook, kalshiStreamUrl } from '../../providers/kalshi/stream/index.js';
import { formatFixed, parseFixed } from '../../providers/kalshi/stream/fixed-point.js';
import type { OrderBookOwner } from '../../providers/kalshi/stream/order-book.js';

// The oracle counts in plain integers: price in millionths of a dollar, count in hundredths.
const priceText = (micro: number): string => (micro / 1_000_000).toFixed(6).replace(/(\.\d{4}\d*?)0+$/, '$1');
const countText = (hundredths: number): string => `${hundredths < 0 ? '-' : ''}${Math.floor(Math.abs(hundredths) / 100)}.${String(Math.abs(hundredths) % 100).padStart(2, '0')}`;
const price = fc.integer({ min: 1, max: 999_999 });
const side = fc.constantFrom('yes' as const, 'no' as const);

function oracleLevels(levels: Map<string, number>, s: 'yes' | 'no'): { price: string; count: string }[] {
  return [...levels]
    .filter(([k, c]) => k.startsWith(s) && c !== 0)
    .map(([k, c]) => [Number(k.slice(s.length + 1)), c] as const)
    .sort((a, b) => b[0] - a[0])
    .map(([p, c]) => ({ price: priceText(p), count: countText(c) }));
}

describe('fixed-point', () => {
  it('parses and formats decimals exactly (round trip), refusing excess precision', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), (units) => {
        expect(parseFixed(formatFixed(units, 6, 0), 6)).toBe(units);
      }),
    );
    expect(parseFixed('0.5600', 6)).toBe(560_000n);
    expect(parseFixed('0.56000000', 6)).toBe(560_000n);
    expect(parseFixed('0.5600001', 6)).toBeUndefined();
    expect(parseFixed('1e-2', 6)).toBeUndefined();
    expect(formatFixed(560_000n, 6, 4)).toBe('0.5600');
    expect(formatFixed(561_250n, 6, 4)).toBe('0.56125');
    expect(formatFixed(-5_400n, 2, 2)).toBe('-54.00');
  });
});

describe('order book arithmetic', () => {
  it('snapshot + deltas equals the true book; a level at zero disappears (property)', () => {
    const op = fc.record({ side, price, count: fc.integer({ min: 1, max: 50_000 }), remove: fc.boolean() });
    fc.assert(
      fc.property(fc.array(fc.tuple(side, price, fc.integer({ min: 1, max: 100_000 })), { maxLength: 20 }), fc.array(op, { maxLength: 200 }), (snapshot, ops) => {
        const truth = new Map<string, number>();
        for (const [s, p, c] of snapshot) truth.set(`${s} ${p}`, (truth.get(`${s} ${p}`) ?? 0) + c);
        const book = new BookState();
        expect(book.replace(snapshot.filter(([s]) => s === 'yes').map(([, p, c]) => [priceText(p), countText(c)]), snapshot.filter(([s]) => s === 'no').map(([, p, c]) => [priceText(p), countText(c)]))).toBeUndefined();
        for (const o of ops) {
          const key = `${o.side} ${o.price}`;
          const have = truth.get(key) ?? 0;
          // Removing takes the whole level out (exactly to zero); otherwise add.
          const d = o.remove && have > 0 ? -have : o.count;
          truth.set(key, have + d);
          expect(book.apply(o.side, priceText(o.price), countText(d))).toBeUndefined();
        }
        const view = book.levels();
        expect(view.yesBids).toEqual(oracleLevels(truth, 'yes'));
        expect(view.noBids).toEqual(oracleLevels(truth, 'no'));
        for (const l of [...view.yesBids, ...view.noBids]) expect(l.count).not.toBe('0.00');
        // Derived asks: 1 − the other side's bid, best (lowest) first.
        expect(view.yesAsks.map((l) => l.price)).toEqual(oracleLevels(truth, 'no').map((l) => priceText(1_000_000 - Math.round(Number(l.price) * 1_000_000))));
        expect(view.bestYesAsk).toEqual(view.yesAsks[0]);
      }),
      { numRuns: 200 },
    );
  });

  it('derives asks, mid and spread exactly', () => {
    const book = new BookState();
    book.replace([['0.0800', '300.00'], ['0.2200', '333.00']], [['0.5400', '20.00'], ['0.5600', '146.00']]);
    const v = book.levels();
    expect(v.bestYesBid).toEqual({ price: '0.2200', count: '333.00' });
    expect(v.bestYesAsk).toEqual({ price: '0.4400', count: '146.00' });
    expect(v.noAsks).toEqual([{ price: '0.7800', count: '333.00' }, { price: '0.9200', count: '300.00' }]);
    expect(v.mid).toBe('0.3300');
    expect(v.spread).toBe('0.2200');
    book.apply('yes', '0.2201', '1.00');
    expect(book.levels().mid).toBe('0.33005');
    expect(book.levels(1).yesBids).toHaveLength(1);
  });

  it('a delta below zero, an unknown side or a bad number is an inconsistency and changes nothing', () => {
    const book = new BookState();
    book.replace([['0.5000', '10.00']], []);
    expect(book.apply('yes', '0.5000', '-10.01')).toBe('negative_level');
    expect(book.apply('maybe', '0.5000', '1.00')).toBe('unknown_side');
    expect(book.apply('yes', '0.5000001', '1.00')).toBe('bad_number');
    expect(book.apply('no', '1.5000', '1.00')).toBe('bad_number');
    expect(book.levels().yesBids).toEqual([{ price: '0.5000', count: '10.00' }]);
  });
});

function fakeOwner(): OrderBookOwner & { resyncs: number; released: number } {
  const owner = {
    resyncs: 0,
    released: 0,
    resync: () => void (owner.resyncs += 1),
    release: async () => void (owner.released += 1),
  };
  return owner;
}

describe('live order book state machine', () => {
  it('waits for a snapshot; a delta before it asks for one; reads while resyncing say so and serve no levels', async () => {
    const owner = fakeOwner();
    const book = new LiveOrderBook('T', owner);
    expect(book.status).toBe('resyncing');
    book.snapshotRequestFailed(); // no snapshot on its way
    book.applyDelta('yes', '0.5000', '5.00', 3);
    expect(owner.resyncs).toBe(1);
    expect(book.view().yesBids).toEqual([]);
    const live = book.live({ timeoutMs: 1000 });
    book.applySnapshot([['0.5000', '10.00']], [['0.4000', '2.00']], 4);
    const v = await live;
    expect(v.status).toBe('live');
    expect(v.bestYesBid).toEqual({ price: '0.5000', count: '10.00' });
    expect(v.bestYesAsk).toEqual({ price: '0.6000', count: '2.00' });
  });

  it('a negative level resyncs: the view is empty until a fresh snapshot, the last levels only when asked', () => {
    const owner = fakeOwner();
    const book = new LiveOrderBook('T', owner);
    book.applySnapshot([['0.5000', '10.00']], [], 1);
    book.applyDelta('yes', '0.5000', '-11.00', 2);
    expect(book.status).toBe('resyncing');
    expect(owner.resyncs).toBe(1);
    expect(book.view().yesBids).toEqual([]);
    expect(book.view().reason).toMatch(/negative_level/);
    expect(book.view({ allowStale: true }).yesBids).toEqual([{ price: '0.5000', count: '10.00' }]);
    // Deltas while the snapshot is on its way are superseded by it, and no second request goes out.
    book.applyDelta('yes', '0.5000', '1.00', 3);
    book.resync('again');
    expect(owner.resyncs).toBe(1);
    book.applySnapshot([['0.5000', '3.00']], [], 4);
    expect(book.view().yesBids).toEqual([{ price: '0.5000', count: '3.00' }]);
  });

  it('turns stale when the stream is silent and live again when it speaks; ageMs grows while stale', async () => {
    const book = new LiveOrderBook('T', fakeOwner());
    book.applySnapshot([], [], 1);
    book.markStale(500);
    expect(book.status).toBe('stale');
    expect(book.view().yesBids).toEqual([]);
    await new Promise((r) => setTimeout(r, 30));
    expect(book.ageMs).toBeGreaterThanOrEqual(25);
    book.heard(Date.now());
    expect(book.status).toBe('live');
    expect(book.ageMs).toBeLessThan(20);
  });

  it('a slow consumer gets the latest view, not a queue of every change', async () => {
    const book = new LiveOrderBook('T', fakeOwner());
    const it = book.updates();
    book.applySnapshot([], [], 1);
    for (let i = 0; i < 1000; i += 1) book.applyDelta('yes', '0.5000', '1.00', 2 + i);
    const first = await it.next();
    expect(first.value?.bestYesBid).toEqual({ price: '0.5000', count: '1000.00' });
    const next = it.next();
    book.applyDelta('yes', '0.5000', '-1.00', 2000);
    expect((await next).value?.bestYesBid?.count).toBe('999.00');
    await book.close();
    expect((await it.next()).done).toBe(true);
    await expect(book.live()).rejects.toThrow(/closed/);
  });

  it('live() times out and aborts with typed errors', async () => {
    const book = new LiveOrderBook('T', fakeOwner());
    await expect(book.live({ timeoutMs: 20 })).rejects.toMatchObject({ name: 'TimeoutError' });
    const controller = new AbortController();
    const waiting = book.live({ signal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortedError', requestSent: false });
  });
});

describe('stream URLs', () => {
  it('derives the WebSocket URL from a REST root or an environment', () => {
    expect(kalshiStreamUrl()).toBe('wss://external-api-ws.kalshi.com/trade-api/ws/v2');
    expect(kalshiStreamUrl({ environment: 'demo' })).toBe('wss://external-api-ws.demo.kalshi.co/trade-api/ws/v2');
    expect(kalshiStreamUrl({ baseUrl: 'https://external-api.kalshi.com/trade-api/v2' })).toBe('wss://external-api-ws.kalshi.com/trade-api/ws/v2');
    expect(kalshiStreamUrl({ baseUrl: 'https://api.elections.kalshi.com/trade-api/v2/' })).toBe('wss://api.elections.kalshi.com/trade-api/ws/v2');
    expect(kalshiStreamUrl({ baseUrl: 'http://127.0.0.1:4100/trade-api/v2' })).toBe('ws://127.0.0.1:4100/trade-api/ws/v2');
  });
});
