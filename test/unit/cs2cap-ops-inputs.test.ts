/**
 * Input bounds of the CS2Cap calls added with the spec-driven layer: each bad input is a
 * ValidationError naming the field, short (the input never echoed), and nothing is sent.
 */
import { describe, expect, it } from 'vitest';
import { createCs2CapClient, ValidationError, type Cs2CapClient } from '../../src/index.js';
import { caught } from '../helpers.js';
import { offlineWireTests } from '../offline.js';

const KEY = 'sk_live_unitTestKey0123456789';
const MiB = 'x'.repeat(1024 * 1024);
const chars = (n: number): string => 'a'.repeat(n);
const INT32_OVER = 2 ** 31;
const many = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('cs2cap input bounds of the new calls', () => {
  let client: Cs2CapClient | undefined;
  offlineWireTests(() => client);

  const cases: [string, (c: Cs2CapClient) => Promise<unknown>, string][] = [
    ['subKeys.get: a 1 MiB id', (c) => c.subKeys.get(MiB), '(input)'],
    ['subKeys.update: nothing to change', (c) => c.subKeys.update('k1', {}), 'name'],
    ['subKeys.update: a 101-character name', (c) => c.subKeys.update('k1', { name: chars(101) }), 'name'],
    ['subKeys.update: a rate of 0', (c) => c.subKeys.update('k1', { rateRequestsPerMinute: 0 }), 'rateRequestsPerMinute'],
    ['subKeys.reissue: a 101-character id', (c) => c.subKeys.reissue(chars(101)), '(input)'],
    ['getBidsBatch: 101 ids', (c) => c.getBidsBatch({ itemIds: many(101) }), 'itemIds'],
    ['getBidsBatch: nothing to look up', (c) => c.getBidsBatch({}), 'itemIds'],
    ['watchlist.add: 201 ids', (c) => c.watchlist.add(many(201)), '(input)'],
    ['watchlist.add: an id past 32 bits', (c) => c.watchlist.add(INT32_OVER), '(input)'],
    ['watchlist.list: a 201 limit', (c) => c.watchlist.list({ limit: 201 }), 'limit'],
    ['watchlist.list: a 1 MiB search', (c) => c.watchlist.list({ search: MiB }), 'search'],
    ['watchlist.remove: a fractional id', (c) => c.watchlist.remove(1.5), '(input)'],
    ['portfolios.value: 101 distinct items', (c) => c.portfolios.value({ items: many(101).map((itemId) => ({ itemId, quantity: 1 })) }), 'items'],
    ['portfolios.value: a quantity of 0', (c) => c.portfolios.value({ items: [{ itemId: 1, quantity: 0 }] }), 'items.0.quantity'],
    ['portfolios.create: a 101-character name', (c) => c.portfolios.create({ name: chars(101) }), 'name'],
    ['portfolios.addItem: no item', (c) => c.portfolios.addItem('p1', { quantity: 1 }), 'itemId'],
    ['portfolios.addItem: a 1 MiB name', (c) => c.portfolios.addItem('p1', { marketHashName: MiB, quantity: 1 }), 'marketHashName'],
    ['portfolios.addTransaction: a price with 3 decimals', (c) => c.portfolios.addTransaction('p1', { itemId: 1, type: 'buy', quantity: 1, price: '1.005', date: '2026-01-01' }), 'price'],
    ['portfolios.addTransaction: a 1 MiB price', (c) => c.portfolios.addTransaction('p1', { itemId: 1, type: 'buy', quantity: 1, price: '9'.repeat(1024 * 1024), date: '2026-01-01' }), 'price'],
    ['portfolios.addTransaction: not a date', (c) => c.portfolios.addTransaction('p1', { itemId: 1, type: 'buy', quantity: 1, price: '1', date: '2026-02-30x' }), 'date'],
    ['portfolios.addTransaction: a fee over 100 %', (c) => c.portfolios.addTransaction('p1', { itemId: 1, type: 'buy', quantity: 1, price: '1', date: '2026-01-01', feePercentage: 101 }), 'feePercentage'],
    ['portfolios.addTransaction: a 1 001-character note', (c) => c.portfolios.addTransaction('p1', { itemId: 1, type: 'buy', quantity: 1, price: '1', date: '2026-01-01', note: chars(1001) }), 'note'],
    ['portfolios.addTransaction: a 65-character marketplace', (c) => c.portfolios.addTransaction('p1', { itemId: 1, type: 'buy', quantity: 1, price: '1', date: '2026-01-01', marketplace: chars(65) }), 'marketplace'],
    ['portfolios.updateTransaction: a price without its currency', (c) => c.portfolios.updateTransaction('p1', 't1', { price: '2.00' }), 'currency'],
    ['portfolios.updateTransaction: nothing to change', (c) => c.portfolios.updateTransaction('p1', 't1', {}), 'type'],
    ['portfolios.getHistory: lookback with a start date', (c) => c.portfolios.getHistory('p1', { lookbackDays: 3, startDate: '2026-01-01' }), 'lookbackDays'],
    ['portfolios.getHistory: an end before the start', (c) => c.portfolios.getHistory('p1', { startDate: '2026-01-02', endDate: '2026-01-01' }), 'endDate'],
    ['portfolios.importSteam: a non-numeric asset id', (c) => c.portfolios.importSteam('p1', { assetIds: ['abc'] }), 'assetIds.0'],
    ['portfolios.delete: a 1 MiB id', (c) => c.portfolios.delete(MiB), '(input)'],
    ['portfolios.exportCsv: an unknown format', (c) => c.portfolios.exportCsv('p1', { format: 'xml' as never }), 'format'],
    ['inventory.lookup: a 33-character vanity name', (c) => c.inventory.lookup(chars(33)), '(input)'],
    ['inventory.lookup: a 1 MiB id', (c) => c.inventory.lookup(MiB), '(input)'],
    ['getItemAnalytics: an id of 0', (c) => c.getItemAnalytics(0), '(input)'],
    ['getIndicators: no item', (c) => c.getIndicators({}), 'itemId'],
    ['getIndicators: a 5m interval', (c) => c.getIndicators({ itemId: 1, interval: '5m' as never }), 'interval'],
    ['getPriceChart: 61 marketplaces', (c) => c.getPriceChart({ itemId: 1, providers: Array.from({ length: 61 }, (_, i) => `m${i}`) }), 'providers'],
    ['getPriceChart: a 1 MiB start', (c) => c.getPriceChart({ itemId: 1, start: MiB }), 'start'],
    ['getMarketIndexes: an unknown grouping', (c) => c.getMarketIndexes({ groupBy: 'colour' as never }), 'groupBy'],
    ['getImages: an unknown format', (c) => c.getImages({ format: 'gif' as never }), 'format'],
  ];

  for (const [what, call, path] of cases) {
    it(what, async () => {
      const c = (client = createCs2CapClient({ apiKey: KEY, retry: { retries: 0 } }));
      let sent = 0;
      c.on('request', () => (sent += 1));
      const err = (await caught(call(c))) as ValidationError;
      expect(err).toBeInstanceOf(ValidationError);
      expect(err.issues.map((i) => i.path)).toContain(path);
      expect(err.message.length).toBeLessThan(600);
      expect(sent).toBe(0);
    });
  }
});
