/**
 * The CS2Cap operations beyond prices and alerts, against the sandbox over loopback: sub-keys
 * with their own limits, batch bids, the watchlist, and the tier gate.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  CapabilityError,
  createCs2CapClient,
  InvalidRequestError,
  OutcomeUnknownError,
  PermissionError,
  RateLimitError,
  ValidationError,
  type Cs2CapClient,
} from '../../src/index.js';
import { Cs2CapSandbox } from '../../providers/cs2cap/sandbox.js';
import { caught, expectNoSecret } from '../helpers.js';

const fast = { retry: { minDelayMs: 10, maxDelayMs: 50 } };

describe('cs2cap operations against the sandbox', () => {
  let sandbox: Cs2CapSandbox;
  let baseUrl: string;
  const clients: Cs2CapClient[] = [];
  const make = (apiKey: string, extra: Partial<Parameters<typeof createCs2CapClient>[0]> = {}): Cs2CapClient => {
    const c = createCs2CapClient({ apiKey, baseUrl, ...fast, rateLimit: { default: { limit: 1000, windowMs: 1000 } }, ...extra });
    clients.push(c);
    return c;
  };
  const sent = (method: string, suffix: string): number => sandbox.server.requests.filter((r) => r.method === method && r.path.endsWith(suffix)).length;

  beforeEach(async () => {
    sandbox = new Cs2CapSandbox({ windowMs: 1000 });
    baseUrl = await sandbox.start();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await sandbox.close();
  });

  describe('sub-keys', () => {
    it('get, update (caps only lower the parent; null removes a cap) and the child key obeys its own rate', async () => {
      const root = make(sandbox.createKey('quant', { rpm: 50 }));
      const created = await root.subKeys.create({ name: 'bot' });
      const id = created.key_info.id;
      const got = await root.subKeys.get(id);
      expect(got.key.name).toBe('bot');
      expect(got.key.effective_rate_requests_per_minute).toBe(50);

      const updated = await root.subKeys.update(id, { name: 'bot-2', rateRequestsPerMinute: 3 });
      expect(updated.key).toMatchObject({ name: 'bot-2', rate_requests_per_minute_override: 3, effective_rate_requests_per_minute: 3 });
      const tooHigh = await caught(root.subKeys.update(id, { rateRequestsPerMinute: 51 }));
      expect(tooHigh).toBeInstanceOf(InvalidRequestError);
      expect((tooHigh as InvalidRequestError).status).toBe(422);

      // Three requests a window for the child, in its own window; the root is untouched.
      const child = make(created.key.reveal(), { retry: { retries: 0 } });
      const burst = await Promise.allSettled(Array.from({ length: 4 }, () => child.getPrices({ itemId: 1000 })));
      expect(burst.filter((r) => r.status === 'rejected' && r.reason instanceof RateLimitError)).toHaveLength(1);
      await root.getPrices({ itemId: 1000 });

      const cleared = await root.subKeys.update(id, { rateRequestsPerMinute: null });
      expect(cleared.key.rate_requests_per_minute_override).toBeNull();
      expect(cleared.key.effective_rate_requests_per_minute).toBe(50);
      await expect(root.subKeys.update(id, {})).rejects.toBeInstanceOf(ValidationError);
    });

    it('reissue: a new key, shown once, same id and name; the old child key is revoked', async () => {
      const root = make(sandbox.createKey('quant'));
      const created = await root.subKeys.create({ name: 'reissued' });
      const oldKey = created.key.reveal();
      const again = await root.subKeys.reissue(created.key_info.id);
      const newKey = again.key.reveal();
      expect(newKey).not.toBe(oldKey);
      expect(again.key_info).toMatchObject({ id: created.key_info.id, name: 'reissued' });
      expectNoSecret(again, newKey);
      const err = await caught(make(oldKey).getPrices({ itemId: 1000 }));
      expect((err as AuthenticationError).providerCode).toBe('AUTH_API_KEY_REVOKED');
      await make(newKey).getPrices({ itemId: 1000 });
    });

    it('a reissue whose answer is lost is reported, never repeated', async () => {
      const root = make(sandbox.createKey('quant'));
      const created = await root.subKeys.create({ name: 'lost' });
      sandbox.server.inject({ kind: 'reset-after', method: 'POST', path: /\/reissue$/ });
      const err = await caught(root.subKeys.reissue(created.key_info.id));
      expect(err).toBeInstanceOf(OutcomeUnknownError);
      expect((err as Error).message).toContain('AUTH_API_KEY_REVOKED');
      expect(sent('POST', '/reissue')).toBe(1);
    });
  });

  it('batch bids: per item the highest bid on each buy-order marketplace, as exact Money in the currency asked', async () => {
    const client = make(sandbox.createKey('starter'));
    const res = await client.getBidsBatch({ itemIds: [1000, 999_999], marketHashNames: ['No Such Item'], currency: 'EUR' });
    expect(res.items).toHaveLength(1);
    expect(res.items_not_found).toEqual([999_999]);
    expect(res.names_not_found).toEqual(['No Such Item']);
    const want = sandbox.prices.filter((p) => p.item_id === 1000 && p.bid !== null);
    const quotes = res.items[0]!.quotes;
    expect(quotes.map((q) => q.provider).sort()).toEqual(want.map((p) => p.provider).sort());
    for (const q of quotes) {
      const row = want.find((p) => p.provider === q.provider)!;
      expect(q.highest_bid).toEqual({ currency: 'EUR', amount: ((row.bid! / 100) * 0.92).toFixed(2) });
    }
    expect(sent('POST', '/bids/batch')).toBe(1);
  });

  describe('watchlist', () => {
    it('add one, add a batch (all or nothing), a duplicate is a 409, list and walk, remove by item id', async () => {
      const client = make(sandbox.createKey('pro'));
      const [one] = await client.watchlist.add(1000);
      expect(one).toMatchObject({ item_id: 1000, market_hash_name: sandbox.catalogItem(1000)!.market_hash_name });
      const batch = await client.watchlist.add([1001, 1002, 1003]);
      expect(batch.map((e) => e.item_id)).toEqual([1001, 1002, 1003]);
      const dup = await caught(client.watchlist.add([1004, 1000]));
      expect((dup as InvalidRequestError).status).toBe(409);
      // All or nothing: 1004 was not added.
      expect((await client.watchlist.list({ search: '1004' })).items).toEqual([]);
      const page = await client.watchlist.list({ limit: 2 });
      expect(page.items).toHaveLength(2);
      expect(page.pagination).toMatchObject({ total: 4, has_next: true });
      const all = [];
      for await (const e of client.watchlist.entries({ limit: 3 })) all.push(e.item_id);
      expect(all.sort()).toEqual([1000, 1001, 1002, 1003]);
      expect(await client.watchlist.remove(1001)).toEqual({ ok: true });
      expect((await client.watchlist.list()).items.map((e) => e.item_id).sort()).toEqual([1000, 1002, 1003]);
      await expect(client.watchlist.add([])).rejects.toBeInstanceOf(ValidationError);
      await expect(client.watchlist.add(Array.from({ length: 201 }, (_, i) => i + 1))).rejects.toBeInstanceOf(ValidationError);
    });

    it('an add whose answer is lost is reported with how to check, not repeated', async () => {
      const client = make(sandbox.createKey('pro'));
      sandbox.server.inject({ kind: 'reset-after', method: 'POST', path: '/v1/account/watchlist' });
      const err = await caught(client.watchlist.add(1005));
      expect(err).toBeInstanceOf(OutcomeUnknownError);
      expect((err as Error).message).toContain('watchlist.list');
      expect(sent('POST', '/account/watchlist')).toBe(1);
      expect((await client.watchlist.list({ search: '1005' })).items).toHaveLength(1);
    });
  });

  describe('tier gate', () => {
    it('before the tier is known the server decides; after a header names it, a call above the tier is refused unsent, naming the tier needed', async () => {
      const client = make(sandbox.createKey('starter'));
      const first = await caught(client.getSales({ itemId: 1000 }));
      expect(first).toBeInstanceOf(PermissionError);
      expect(first).not.toBeInstanceOf(CapabilityError);
      expect(sent('GET', '/sales')).toBe(1);
      const again = await caught(client.getSales({ itemId: 1000 }));
      expect(again).toBeInstanceOf(CapabilityError);
      expect((again as Error).message).toContain('pro tier');
      expect(sent('GET', '/sales')).toBe(1);
      const quantOnly = await caught(client.subKeys.get('any-id'));
      expect((quantOnly as Error).message).toContain('quant tier');
      // What the tier allows still goes out.
      await client.getBidsBatch({ itemIds: [1000] });
    });

    it('getKeyInfo() makes the tier known when no header named it', async () => {
      const client = make(sandbox.createKey('free'));
      await client.getKeyInfo();
      // The key-info answer carries the tier header too; either way the tier is known now.
      const err = await caught(client.getBidsBatch({ itemIds: [1000] }));
      expect(err).toBeInstanceOf(CapabilityError);
      expect((err as Error).message).toContain('starter tier');
      expect(sent('POST', '/bids/batch')).toBe(0);
    });
  });
});
