/**
 * CS2Cap's offset-paged lists are one call each, awaitable for a page and iterable for every
 * item (docs/results.md rule 5): prices, bids, the catalog, child keys, alerts, alert events and
 * webhook deliveries, against the sandbox over loopback.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCs2CapClient, ValidationError, type Cs2CapClient } from '../../src/index.js';
import { Cs2CapSandbox } from '../../providers/cs2cap/sandbox.js';
import { caught } from '../helpers.js';

describe('cs2cap lists: a page when awaited, every item with for await', () => {
  let sandbox: Cs2CapSandbox;
  let client: Cs2CapClient;
  let key: string;
  const sent = (method: string, path: string): number => sandbox.server.requests.filter((r) => r.method === method && r.path.endsWith(path)).length;
  const all = async <T>(list: AsyncIterable<T>): Promise<T[]> => {
    const out: T[] = [];
    for await (const item of list) out.push(item);
    return out;
  };

  beforeEach(async () => {
    sandbox = new Cs2CapSandbox({ windowMs: 1000 });
    const baseUrl = await sandbox.start();
    key = sandbox.createKey('quant');
    client = createCs2CapClient({ apiKey: key, baseUrl, retry: { minDelayMs: 10, maxDelayMs: 50 }, rateLimit: { default: { limit: 1000, windowMs: 1000 } } });
  });
  afterEach(async () => {
    await client.close();
    await sandbox.close();
  });

  it('alerts, their events and the webhook deliveries walk every page', async () => {
    // An endpoint outside loopback: the sandbox records each delivery to it as failed, sending nothing.
    await client.webhooks.create({ label: 'lists', url: 'https://hooks.example.com/lists' });
    const created: string[] = [];
    for (let i = 0; i < 5; i += 1) created.push((await client.alerts.create({ itemId: 1000, kind: 'price_above', threshold: '0.01' })).id);

    const page = await client.alerts.list({ limit: 2 });
    expect(page.alerts).toHaveLength(2);
    expect(page.pagination).toMatchObject({ limit: 2, has_next: true, total: 5 });
    const before = sent('GET', '/account/alerts');
    expect((await all(client.alerts.list({ limit: 2 }))).map((a) => a.id).sort()).toEqual([...created].sort());
    expect(sent('GET', '/account/alerts') - before).toBe(3); // offsets 0, 2, 4

    expect((await sandbox.checkAlerts()).sort()).toEqual([...created].sort());
    const events = await all(client.alerts.events({ limit: 2 }));
    expect(events.map((e) => e.alert_id).sort()).toEqual([...created].sort());
    expect(new Set(events.map((e) => e.id)).size).toBe(5);
    expect((await client.alerts.events({ limit: 2 })).pagination.has_next).toBe(true);

    const deliveries = await all(client.webhooks.deliveries({ limit: 2 }));
    expect(deliveries).toHaveLength(5);
    expect(new Set(deliveries.map((d) => d.id)).size).toBe(5);
    expect(deliveries.every((d) => d.event_type === 'alert.triggered')).toBe(true);
  });

  it('child keys walk every page', async () => {
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c']) ids.push((await client.subKeys.create({ name })).key_info.id);
    expect((await client.subKeys.list({ limit: 1 })).keys).toHaveLength(1);
    expect((await all(client.subKeys.list({ limit: 1 }))).map((k) => k.key.id).sort()).toEqual([...ids].sort());
  });

  it('prices, bids and the catalog walk every page; a page awaited is the query’s own', async () => {
    const asks = sandbox.prices.filter((p) => p.item_id === 1000);
    expect(asks.length).toBeGreaterThan(2);
    const first = await client.getPrices({ itemId: 1000, limit: 2 });
    expect(first.items).toHaveLength(2);
    const walked = await all(client.getPrices({ itemId: 1000, limit: 2 }));
    expect(walked.map((p) => p.provider).sort()).toEqual(asks.map((p) => p.provider).sort());
    expect(new Set(walked.map((p) => p.provider)).size).toBe(walked.length);

    const bidsAtOnce = (await client.getBids({ itemId: 1000, limit: 1000 })).items;
    expect(bidsAtOnce.length).toBeGreaterThan(1);
    expect((await all(client.getBids({ itemId: 1000, limit: 1 }))).map((b) => b.provider)).toEqual(bidsAtOnce.map((b) => b.provider));

    const catalog = (await client.listItems({ q: 'AK-47' })).items; // no limit: one answer holds every match
    expect(catalog.length).toBeGreaterThan(2);
    expect((await all(client.listItems({ q: 'AK-47', limit: 2 }))).map((i) => i.item_id)).toEqual(catalog.map((i) => i.item_id));
  });

  it('a bad query fails the await and the iteration alike, with nothing sent', async () => {
    const before = sandbox.server.requests.length;
    expect(await caught(client.alerts.list({ limit: 0 }))).toBeInstanceOf(ValidationError);
    expect(await caught(all(client.getPrices({ itemId: 1000, limit: 5000 })))).toBeInstanceOf(ValidationError);
    expect(await caught(all(client.subKeys.list({ offset: -1 })))).toBeInstanceOf(ValidationError);
    expect(sandbox.server.requests.length).toBe(before);
  });
});
