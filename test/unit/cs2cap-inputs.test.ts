import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { createCs2CapClient, ValidationError, type Cs2CapClient } from '../../src/index.js';
import { caught } from '../helpers.js';
import { offlineWireTests } from '../offline.js';

const BASE = 'https://api.cs2c.app';
const KEY = 'sk_live_unitTestKey0123456789';
const MiB = 'x'.repeat(1024 * 1024);
const chars = (n: number): string => 'a'.repeat(n);
const INT32_OVER = 2 ** 31;
const sixtyOneProviders = Array.from({ length: 61 }, (_, i) => `market${i}`);

describe('cs2cap input bounds: refused with ValidationError, nothing sent', () => {
  let client: Cs2CapClient | undefined;
  offlineWireTests(() => client);
  const make = (): Cs2CapClient => {
    client = createCs2CapClient({ apiKey: KEY, retry: { retries: 0 } });
    return client;
  };

  // [what, the call, the issue path it names]
  const cases: [string, (c: Cs2CapClient) => Promise<unknown>, string][] = [
    ['getPrices: a 301-character name', (c) => c.getPrices({ marketHashName: chars(301) }), 'marketHashName'],
    ['getPrices: a 1 MiB name', (c) => c.getPrices({ marketHashName: MiB }), 'marketHashName'],
    ['getPrices: an item id past 32 bits', (c) => c.getPrices({ itemId: INT32_OVER }), 'itemId'],
    ['getPrices: 61 marketplaces', (c) => c.getPrices({ itemId: 1, providers: sixtyOneProviders }), 'providers'],
    ['getPrices: an offset past 32 bits', (c) => c.getPrices({ itemId: 1, offset: INT32_OVER }), 'offset'],
    ['getPricesBatch: 101 names', (c) => c.getPricesBatch({ marketHashNames: Array.from({ length: 101 }, (_, i) => `n${i}`) }), 'marketHashNames'],
    ['getPricesBatch: a 1 MiB name', (c) => c.getPricesBatch({ marketHashNames: [MiB] }), 'marketHashNames.0'],
    ['getPricesBatch: 61 marketplaces', (c) => c.getPricesBatch({ itemIds: [1], providers: sixtyOneProviders }), 'providers'],
    ['getBids: a 1 MiB name', (c) => c.getBids({ marketHashName: MiB }), 'marketHashName'],
    ['getPriceHistory: a 1 MiB start', (c) => c.getPriceHistory({ itemId: 1, start: MiB }), 'start'],
    ['getPriceHistory: a 4 097-character cursor', (c) => c.getPriceHistory({ itemId: 1, cursor: chars(4097) }), 'cursor'],
    ['priceHistory: a 1 MiB end', async (c) => c.priceHistory({ itemId: 1, end: MiB }).next(), 'end'],
    ['getPriceCandles: a timestamp with 100 fraction digits', (c) => c.getPriceCandles({ itemId: 1, start: `2026-01-01T00:00:00.${'1'.repeat(100)}Z` }), 'start'],
    ['getSales: 11 stickers', (c) => c.getSales({ stickers: Array.from({ length: 11 }, (_, i) => `Sticker ${i}`) }), 'stickers'],
    ['getSales: a 1 MiB sticker name', (c) => c.getSales({ stickers: [MiB] }), 'stickers.0'],
    ['getSales: a 1 MiB charm', (c) => c.getSales({ charms: MiB }), 'charms'],
    ['getSales: a 1 MiB cursor', (c) => c.getSales({ cursor: MiB }), 'cursor'],
    ['getSales: 61 marketplaces', (c) => c.getSales({ providers: sixtyOneProviders }), 'providers'],
    ['sales: a 301-character name', async (c) => c.sales({ marketHashName: chars(301) }).next(), 'marketHashName'],
    ['listItems: a 1 MiB search', (c) => c.listItems({ q: MiB }), 'q'],
    ['listItems: a 101-character item type', (c) => c.listItems({ itemType: chars(101) }), 'itemType'],
    ['listItems: a 1 MiB rarity', (c) => c.listItems({ rarityName: MiB }), 'rarityName'],
    ['listItems: a 301-character name', (c) => c.listItems({ marketHashName: chars(301) }), 'marketHashName'],
    ['getArbitrage: a spread over 10 000 %', (c) => c.getArbitrage({ minSpreadPct: 10_001 }), 'minSpreadPct'],
    ['getArbitrage: 61 buy marketplaces', (c) => c.getArbitrage({ providersBuy: sixtyOneProviders }), 'providersBuy'],
    ['streamPrices: 61 marketplaces', (c) => c.streamPrices({ providers: sixtyOneProviders }), 'providers'],
    ['streamBids: 61 marketplaces', (c) => c.streamBids({ providers: sixtyOneProviders }), 'providers'],
    ['subKeys.create: a 101-character name', (c) => c.subKeys.create({ name: chars(101) }), 'name'],
    ['subKeys.create: a 1 MiB name', (c) => c.subKeys.create({ name: MiB }), 'name'],
    ['subKeys.create: a rate past 32 bits', (c) => c.subKeys.create({ name: 'bot', rateRequestsPerMinute: INT32_OVER }), 'rateRequestsPerMinute'],
    ['subKeys.create: a quota past 32 bits', (c) => c.subKeys.create({ name: 'bot', quotaRequestsPerMonth: INT32_OVER }), 'quotaRequestsPerMonth'],
    ['subKeys.list: an offset past 32 bits', (c) => c.subKeys.list({ offset: INT32_OVER }), 'offset'],
    ['subKeys.revoke: a 101-character id', (c) => c.subKeys.revoke(chars(101)), '(input)'],
    ['alerts.list: a 301-character search', (c) => c.alerts.list({ search: chars(301) }), 'search'],
    ['alerts.create: a threshold of 13 integer digits', (c) => c.alerts.create({ itemId: 1, kind: 'price_below', threshold: '1234567890123' }), 'threshold'],
    ['alerts.create: a threshold of 9 decimals', (c) => c.alerts.create({ itemId: 1, kind: 'price_below', threshold: '1.123456789' }), 'threshold'],
    ['alerts.create: a 1 MiB threshold', (c) => c.alerts.create({ itemId: 1, kind: 'spread_exceeds', threshold: '1'.repeat(1024 * 1024) }), 'threshold'],
    ['alerts.create: an item id past 32 bits', (c) => c.alerts.create({ itemId: INT32_OVER, kind: 'price_below', threshold: '1' }), 'itemId'],
    ['alerts.createBatch: one 1 MiB threshold among good ones', (c) => c.alerts.createBatch([{ itemId: 1, kind: 'price_below', threshold: '2' }, { itemId: 2, kind: 'price_above', threshold: `1.${'0'.repeat(1024 * 1024)}` }]), '1.threshold'],
    ['alerts.update: a 1 MiB threshold', (c) => c.alerts.update('alert_1', { threshold: '9'.repeat(1024 * 1024) }), 'threshold'],
    ['alerts.update: a 101-character id', (c) => c.alerts.update(chars(101), { isEnabled: true }), '(input)'],
    ['alerts.delete: a 1 MiB id', (c) => c.alerts.delete(MiB), '(input)'],
    ['alerts.events: an offset past 32 bits', (c) => c.alerts.events({ offset: INT32_OVER }), 'offset'],
    ['webhooks.create: a 2 049-character URL', (c) => c.webhooks.create({ label: 'bot', url: `https://example.com/hook?x=${chars(2049 - 27)}` }), 'url'],
    ['webhooks.create: a 1 MiB URL', (c) => c.webhooks.create({ label: 'bot', url: `https://example.com/${MiB}` }), 'url'],
    ['webhooks.create: a 101-character label', (c) => c.webhooks.create({ label: chars(101), url: 'https://example.com/hook' }), 'label'],
    ['webhooks.update: a 1 MiB URL', (c) => c.webhooks.update('wh_1', { url: `https://example.com/${MiB}` }), 'url'],
    ['webhooks.update: a 1 MiB label', (c) => c.webhooks.update('wh_1', { label: MiB }), 'label'],
    ['webhooks.rotateSecret: a 101-character id', (c) => c.webhooks.rotateSecret(chars(101)), '(input)'],
    ['webhooks.delete: a 1 MiB id', (c) => c.webhooks.delete(MiB), '(input)'],
    ['webhooks.deliveries: an offset past 32 bits', (c) => c.webhooks.deliveries({ offset: INT32_OVER }), 'offset'],
    ['webhooks.getDelivery: a 1 MiB id', (c) => c.webhooks.getDelivery(MiB), '(input)'],
  ];

  for (const [what, call, path] of cases) {
    it(what, async () => {
      const c = make();
      let sent = 0;
      c.on('request', () => (sent += 1));
      const err = (await caught(call(c))) as ValidationError;
      expect(err).toBeInstanceOf(ValidationError);
      expect(err.issues.map((i) => i.path)).toContain(path);
      // The error never echoes the input: a megabyte in stays a short message out.
      expect(err.message.length).toBeLessThan(600);
      expect(sent).toBe(0);
    });
  }

  it('values at the bounds are sent', async () => {
    const c = make();
    let sent = 0;
    c.on('request', () => (sent += 1));
    const page = { meta: { currency: 'USD' }, items: [], pagination: { limit: 100, offset: 0, total: 0, has_next: false } };
    nock(BASE).get('/v1/prices').query({ market_hash_name: chars(300), offset: String(INT32_OVER - 1) }).reply(200, page);
    await c.getPrices({ marketHashName: chars(300), offset: INT32_OVER - 1 });

    const alert = { id: 'al_1', kind: 'price_below', threshold_value: '123456789012.12345678', threshold_currency: 'USD', is_enabled: true, created_at: 't', updated_at: 't', item: { item_id: 1, market_hash_name: 'x' } };
    nock(BASE).post('/v1/account/alerts', (b: { threshold_value?: string }) => b.threshold_value === '123456789012.12345678').reply(201, alert);
    expect((await c.alerts.create({ itemId: 1, kind: 'price_below', threshold: '123456789012.12345678', currency: 'USD' })).threshold_value).toBe('123456789012.12345678');

    const url = `https://example.com/hook?x=${chars(2048 - 27)}`;
    expect(url).toHaveLength(2048);
    const webhook = { id: 'wh_1', label: chars(100), url, platform: 'custom', secret_last4: 'abcd', is_active: true, created_at: 't' };
    nock(BASE).post('/v1/account/webhooks', (b: { url?: string; label?: string }) => b.url === url && b.label === chars(100)).reply(201, { webhook, secret: 'whsec_test' });
    await c.webhooks.create({ label: chars(100), url });

    const info = { id: 'k2', key_prefix: 'sk_live_child', is_root_key: false, is_active: true, created_at: 't' };
    nock(BASE).post('/v1/account/sub-keys', (b: { name?: string; rate_requests_per_minute_override?: number }) => b.name === chars(100) && b.rate_requests_per_minute_override === INT32_OVER - 1).reply(201, { key: 'sk_live_childKey0123456789', key_info: info });
    await c.subKeys.create({ name: chars(100), rateRequestsPerMinute: INT32_OVER - 1 });

    nock(BASE).get('/v1/sales').query({ stickers: Array.from({ length: 10 }, (_, i) => `S${i}`), cursor: chars(4096) }).reply(200, { ...page, pagination: { limit: 100, has_next: false, next_cursor: null } });
    await c.getSales({ stickers: Array.from({ length: 10 }, (_, i) => `S${i}`), cursor: chars(4096) });
    expect(sent).toBe(5);
  });
});
