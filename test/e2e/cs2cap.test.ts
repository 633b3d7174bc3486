import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  CapabilityError,
  compareMoney,
  createCs2CapClient,
  subtractMoney,
  InvalidRequestError,
  OutcomeUnknownError,
  PermissionError,
  QuotaExceededError,
  ResponseShapeError,
  ValidationError,
  verifyCs2CapWebhook,
  WebhookVerificationError,
  type Cs2CapClient,
  type MarketEvents,
} from '../../src/index.js';
import { Cs2CapSandbox } from '../../providers/cs2cap/sandbox.js';
import { caught, expectNoSecret } from '../helpers.js';

const fast = { retry: { minDelayMs: 10, maxDelayMs: 50 } };

describe('cs2cap against its sandbox', () => {
  let sandbox: Cs2CapSandbox;
  let baseUrl: string;
  const clients: Cs2CapClient[] = [];
  const make = (apiKey: string, extra: Partial<Parameters<typeof createCs2CapClient>[0]> = {}): Cs2CapClient => {
    const c = createCs2CapClient({ apiKey, baseUrl, ...fast, rateLimit: { default: { limit: 1000, windowMs: 1000 } }, ...extra });
    clients.push(c);
    return c;
  };

  beforeEach(async () => {
    sandbox = new Cs2CapSandbox({ windowMs: 1000 });
    baseUrl = await sandbox.start();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await sandbox.close();
  });

  it('gets prices on every marketplace with exact money', async () => {
    const client = make(sandbox.createKey('quant'));
    const page = await client.getPrices({ marketHashName: 'AK-47 | Redline (Field-Tested)', providers: ['steam', 'buff163'] });
    expect(page.items.map((i) => i.provider).sort()).toEqual(['buff163', 'steam']);
    for (const item of page.items) {
      expect(item.lowest_ask.currency).toBe('USD');
      expect(item.lowest_ask.amount).toMatch(/^\d+\.\d{2}$/);
      // One copy: the float-free Money, no minor units or decimal string beside it.
      expect(Object.keys(item)).not.toContain('lowest_ask_decimal');
      expect(Object.keys(item)).not.toContain('ask');
    }
    expect(sandbox.server.requests.at(-1)?.query).toBe('?market_hash_name=AK-47%20%7C%20Redline%20%28Field-Tested%29&providers=steam&providers=buff163');
  });

  it('walks price history and sales with cursor iterators', async () => {
    const client = make(sandbox.createKey('pro'));
    const history = [];
    for await (const row of client.priceHistory({ marketHashName: 'AWP | Asiimov (Field-Tested)', limit: 20 })) history.push(row);
    expect(history.length).toBe(8 * 12);
    expect(new Set(history.map((h) => `${h.provider}|${h.time}`)).size).toBe(history.length);
    let sales = 0;
    for await (const _ of client.sales({ marketHashName: 'AWP | Asiimov (Field-Tested)', limit: 7 })) sales += 1;
    expect(sales).toBe(4 * 5);
  });

  it('batch, bids, items, providers and fx parse', async () => {
    const client = make(sandbox.createKey('quant'));
    const batch = await client.getPricesBatch({ marketHashNames: ['Kilowatt Case', 'No Such Item'] });
    expect(batch.items).toHaveLength(1);
    expect(batch.names_not_found).toEqual(['No Such Item']);
    const bids = await client.getBids({ itemId: 1000 });
    expect(bids.items.every((b) => b.highest_bid.currency === 'USD')).toBe(true);
    const items = await client.listItems({ q: 'karambit' });
    expect(items.items.length).toBe(2);
    const providers = await client.getProviders();
    expect(providers['BUFF163']?.fees.sell_fee).toBe(0.025);
    const fx = await client.getFxRates();
    expect(fx.rates['EUR']).toBe('0.92');
  });

  it('refuses bad input before sending', async () => {
    const client = make(sandbox.createKey());
    const before = sandbox.server.requests.length;
    await expect(client.getPrices({} as never)).rejects.toBeInstanceOf(ValidationError);
    await expect(client.getPrices({ marketHashName: 'x', limit: 5000 })).rejects.toBeInstanceOf(ValidationError);
    await expect(client.getPricesBatch({ itemIds: Array.from({ length: 101 }, (_, i) => i + 1) })).rejects.toBeInstanceOf(ValidationError);
    expect(sandbox.server.requests.length).toBe(before);
    expect(() => createCs2CapClient({ apiKey: 'not-a-key-abcdef' })).toThrow(ValidationError);
  });

  it('rotates the key: old key refused, the client carries on with the new one', async () => {
    const oldKey = sandbox.createKey('quant');
    const client = make(oldKey);
    const reissued = await client.reissueKey();
    const newKey = reissued.key.reveal();
    expect(newKey).not.toBe(oldKey);
    expectNoSecret(reissued, newKey, oldKey);
    await client.getPrices({ itemId: 1001 });
    expect(sandbox.keys.get(oldKey)?.active).toBe(false);
    const stale = make(oldKey);
    const err = await caught(stale.getPrices({ itemId: 1001 }));
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as AuthenticationError).providerCode).toBe('AUTH_API_KEY_REVOKED');
    expectNoSecret(err, oldKey, newKey);
  });

  it('a child key cannot reissue: CapabilityError, no reissue sent', async () => {
    const root = sandbox.createKey('quant');
    const created = await make(root).subKeys.create({ name: 'bot' });
    const child = make(created.key.reveal());
    const err = await caught(child.reissueKey());
    expect(err).toBeInstanceOf(CapabilityError);
    expect(sandbox.server.requests.some((r) => r.path.endsWith('/reissue'))).toBe(false);
  });

  it('candles: oldest first, one per bucket with fill, low ≤ open, close ≤ high; Free gets daily candles over 30 days at most', async () => {
    const quant = make(sandbox.createKey('quant'));
    const hourly = await quant.getPriceCandles({ marketHashName: 'AK-47 | Redline (Field-Tested)', interval: '1h', lookbackDays: 2, fill: true, currency: 'EUR' });
    expect(hourly.data).toHaveLength(48);
    expect(hourly.meta).toMatchObject({ market_hash_name: 'AK-47 | Redline (Field-Tested)', currency: 'EUR', interval: '1h' });
    for (let i = 0; i < hourly.data.length; i += 1) {
      const k = hourly.data[i]!;
      if (i > 0) expect(k.t - hourly.data[i - 1]!.t).toBe(3600);
      expect(k.o.currency).toBe('EUR');
      for (const side of [k.o, k.c]) {
        expect(compareMoney(k.l, side)).toBeLessThanOrEqual(0);
        expect(compareMoney(side, k.h)).toBeLessThanOrEqual(0);
      }
    }
    const sparse = await quant.getPriceCandles({ itemId: 1000, interval: '1h', lookbackDays: 2 });
    expect(sparse.data.length).toBeLessThan(48);

    const free = make(sandbox.createKey('free'));
    expect(await caught(free.getPriceCandles({ itemId: 1000, interval: '1h' }))).toBeInstanceOf(PermissionError);
    const daily = await free.getPriceCandles({ itemId: 1000, lookbackDays: 60, fill: undefined });
    expect(Date.parse(daily.meta.end) - Date.parse(daily.meta.start)).toBe(30 * 86_400_000);
  });

  it('webhooks: a signed alert reaches a local receiver and verifies; after a rotation only the new secret does', async () => {
    const key = sandbox.createKey('quant');
    const client = make(key);
    const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      const { webhook, secret } = await client.webhooks.create({ label: 'bot', url });
      expect((await client.webhooks.list()).map((w) => w.id)).toEqual([webhook.id]);
      const [delivered] = await sandbox.deliverAlert(key, { alert_id: 'al_1', item_id: 1000, market_hash_name: 'AK-47 | Redline (Field-Tested)' });
      expect(delivered?.status).toBe('succeeded');
      const first = verifyCs2CapWebhook({ headers: received[0]!.headers, body: received[0]!.body, secret });
      expect(first).toMatchObject({ eventType: 'alert.triggered', deliveryId: delivered!.id, payload: { item_id: 1000 } });

      const rotated = await client.webhooks.rotateSecret(webhook.id);
      await sandbox.deliverAlert(key, { alert_id: 'al_2', item_id: 1001 });
      expect(() => verifyCs2CapWebhook({ headers: received[1]!.headers, body: received[1]!.body, secret })).toThrow(WebhookVerificationError);
      expect(verifyCs2CapWebhook({ headers: received[1]!.headers, body: received[1]!.body, secret: rotated.secret }).payload.alert_id).toBe('al_2');

      const page = await client.webhooks.deliveries();
      expect(page.deliveries.map((d) => d.status)).toEqual(['succeeded', 'succeeded']);
      expect((await client.webhooks.getDelivery(delivered!.id)).payload).toMatchObject({ alert_id: 'al_1' });
      // The sandbox never leaves the machine: a public URL is recorded as a failed delivery.
      const outside = await client.webhooks.create({ label: 'public', url: 'https://hooks.example.com/x' });
      const [refused] = (await sandbox.deliverAlert(key, { alert_id: 'al_x' })).filter((d) => d.endpoint_id === outside.webhook.id);
      expect(refused).toMatchObject({ status: 'failed', last_http_status: null, error: expect.stringMatching(/loopback/) });
      await client.webhooks.delete(outside.webhook.id);
      await client.webhooks.update(webhook.id, { isActive: false });
      expect(await sandbox.deliverAlert(key, { alert_id: 'al_3' })).toEqual([]);
      await client.webhooks.delete(webhook.id);
      expect(await client.webhooks.list()).toEqual([]);
      // Below Quant: refused by the server as the docs say.
      expect(await caught(make(sandbox.createKey('pro')).webhooks.list())).toBeInstanceOf(PermissionError);
    } finally {
      await new Promise((r) => receiver.close(r));
    }
  });

  it('alerts: a price alert fires once when the ask crosses it, disables itself, and its trigger reaches the webhook', async () => {
    const key = sandbox.createKey('quant');
    const client = make(key);
    const bodies: string[] = [];
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        bodies.push(body);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      await client.webhooks.create({ label: 'bot', url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/` });
      const rows = sandbox.prices.filter((p) => p.item_id === 1000);
      const ask = Math.min(...rows.map((p) => p.ask)) / 100;
      const alert = await client.alerts.create({ itemId: 1000, kind: 'price_below', threshold: (ask - 1).toFixed(2) });
      expect(alert).toMatchObject({ is_enabled: true, item: { item_id: 1000 }, threshold_currency: 'USD' });
      expect(await sandbox.checkAlerts()).toEqual([]);
      for (const p of rows) p.ask -= 200; // every marketplace drops by 2 USD
      expect(await sandbox.checkAlerts()).toEqual([alert.id]);
      expect(await sandbox.checkAlerts()).toEqual([]); // disabled after firing
      expect((await client.alerts.list()).alerts[0]).toMatchObject({ is_enabled: false, last_triggered_at: expect.any(String) });
      expect(JSON.parse(bodies[0]!)).toMatchObject({ alert_id: alert.id, item_id: 1000, kind: 'price_below' });
      const { events } = await client.alerts.events();
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ alert_id: alert.id, deliveries: [{ channel: 'webhook', status: 'succeeded' }] });
      const batch = await client.alerts.createBatch([{ itemId: 1000, kind: 'spread_exceeds', threshold: '90' }, { itemId: 999_999, kind: 'price_above', threshold: '1' }]);
      expect(batch).toMatchObject({ created: 1, failed: 1, results: [{ index: 0, status: 'created' }, { index: 1, status: 'error', code: 'ITEM_NOT_FOUND' }] });
      await client.alerts.delete(alert.id);
      expect((await client.alerts.list()).alerts.map((a) => a.kind)).toEqual(['spread_exceeds']);
    } finally {
      await new Promise((r) => receiver.close(r));
    }
  });

  it('arbitrage: ranked by net profit, each net = sell − fees − buy to the cent, filters honoured; Quant only', async () => {
    const client = make(sandbox.createKey('quant'));
    const all = [];
    for await (const o of client.arbitrage({ minSpreadPct: 0, limit: 7 })) all.push(o);
    expect(all.length).toBeGreaterThan(7); // more than one page
    for (let i = 0; i < all.length; i += 1) {
      const o = all[i]!;
      expect(subtractMoney(subtractMoney(o.sell_price_usd, o.estimated_fees_usd), o.buy_price_usd)).toEqual(o.net_profit_usd);
      expect(o.gross_spread_pct).toBeGreaterThanOrEqual(0);
      expect(o.buy_provider).not.toBe(o.sell_provider);
      if (i > 0) expect(compareMoney(all[i - 1]!.net_profit_usd, o.net_profit_usd)).toBeGreaterThanOrEqual(0);
    }
    const filtered = await client.getArbitrage({ minSpreadPct: 0, providersBuy: ['skinport'], providersSell: ['buff163'] });
    expect(filtered.data.items.length).toBeGreaterThan(0);
    for (const o of filtered.data.items) expect([o.buy_provider, o.sell_provider]).toEqual(['skinport', 'buff163']);
    expect(await caught(make(sandbox.createKey('pro')).getArbitrage())).toBeInstanceOf(PermissionError);
  });

  // Each write below returns a secret shown once and is never repeated. Its 2xx answer is lost
  // three ways: the connection drops before it (reset-after), drops halfway through it
  // (truncate), or it arrives complete but cut in half (cut: a body that does not parse).
  describe('an unsafe write that returns a secret, whose 2xx answer is lost or cut: OutcomeUnknownError saying how to check, sent once', () => {
    const losses = ['reset-after', 'truncate', 'cut'] as const;
    const loseAnswer = (loss: (typeof losses)[number], method: string, path: string): void => {
      if (loss === 'cut') sandbox.cutAnswer(method, path);
      else sandbox.server.inject({ kind: loss, method, path });
    };
    /** The hint is there once: from the sender, or from the client until the sender adds it. */
    const hintOnce = (err: unknown): void => expect((err as Error).message.match(/To check:/g)).toHaveLength(1);
    const sent = (method: string, path: string): number => sandbox.server.requests.filter((r) => r.method === method && r.path === path).length;

    for (const loss of losses) {
      it(`reissueKey (${loss}): the client keeps the old key, and getKeyInfo() shows it was revoked`, async () => {
        const oldKey = sandbox.createKey('quant');
        const client = make(oldKey);
        await client.getKeyInfo();
        loseAnswer(loss, 'POST', '/v1/account/key/reissue');
        const err = await caught(client.reissueKey());
        expect(err).toBeInstanceOf(OutcomeUnknownError);
        expect((err as Error).message).toMatch(/call getKeyInfo\(\) on this client/);
        hintOnce(err);
        expect(sent('POST', '/v1/account/key/reissue')).toBe(1);
        // It happened: the old key is revoked, and the new one (half of a cut body) shows nowhere.
        expect(sandbox.keys.get(oldKey)?.active).toBe(false);
        const newKeys = [...sandbox.keys.keys()].filter((k) => k !== oldKey);
        expect(newKeys).toHaveLength(1);
        expectNoSecret(err, oldKey, newKeys[0]!);
        // The check the message names: the client still sends the old key, which is refused.
        const check = (await caught(client.getKeyInfo())) as AuthenticationError;
        expect(check).toBeInstanceOf(AuthenticationError);
        expect(check.providerCode).toBe('AUTH_API_KEY_REVOKED');
        expect(sandbox.server.requests.at(-1)?.auth).toBe(oldKey.slice(-6));
        expectNoSecret(check, oldKey, newKeys[0]!);
      });

      it(`subKeys.create (${loss}): subKeys.list() shows it was created`, async () => {
        const root = sandbox.createKey('quant');
        const client = make(root);
        loseAnswer(loss, 'POST', '/v1/account/sub-keys');
        const err = await caught(client.subKeys.create({ name: 'scanner-7' }));
        expect(err).toBeInstanceOf(OutcomeUnknownError);
        expect((err as Error).message).toMatch(/subKeys\.list\(\) and look for a key named "scanner-7"/);
        hintOnce(err);
        expect(sent('POST', '/v1/account/sub-keys')).toBe(1);
        const child = [...sandbox.keys.values()].find((k) => k.name === 'scanner-7');
        expect(child?.active).toBe(true);
        expectNoSecret(err, root, child!.key);
        expect((await client.subKeys.list()).keys.map((k) => k.key.name)).toEqual(['scanner-7']);
      });

      it(`webhooks.create (${loss}): webhooks.list() shows it was created; the URL is not in the error`, async () => {
        const client = make(sandbox.createKey('quant'));
        loseAnswer(loss, 'POST', '/v1/account/webhooks');
        const err = await caught(client.webhooks.create({ label: 'fills', url: 'https://hooks.example.com/x?token=t0ps3cret' }));
        expect(err).toBeInstanceOf(OutcomeUnknownError);
        expect((err as Error).message).toMatch(/webhooks\.list\(\) and look for an endpoint labelled "fills"/);
        hintOnce(err);
        expectNoSecret(err, 't0ps3cret');
        expect(sent('POST', '/v1/account/webhooks')).toBe(1);
        expect((await client.webhooks.list()).map((w) => w.label)).toEqual(['fills']);
      });

      it(`webhooks.rotateSecret (${loss}): secret_last4 in webhooks.list() shows it was rotated`, async () => {
        const client = make(sandbox.createKey('quant'));
        const { webhook, secret } = await client.webhooks.create({ label: 'fills', url: 'https://hooks.example.com/x' });
        const path = `/v1/account/webhooks/${webhook.id}/rotate-secret`;
        loseAnswer(loss, 'POST', path);
        const err = await caught(client.webhooks.rotateSecret(webhook.id));
        expect(err).toBeInstanceOf(OutcomeUnknownError);
        expect((err as Error).message).toMatch(/webhooks\.list\(\) shows this endpoint's secret_last4/);
        hintOnce(err);
        expect(sent('POST', path)).toBe(1);
        expectNoSecret(err, secret.reveal());
        const [after] = await client.webhooks.list();
        expect(after?.secret_last4).toBeTruthy();
        expect(after?.secret_last4).not.toBe(secret.reveal().slice(-4));
      });
    }
  });

  it('a 429 with Retry-After pauses every call to the key: nothing is sent before it', async () => {
    const client = make(sandbox.createKey('quant'));
    const rateLimited: MarketEvents['rateLimited'][] = [];
    client.on('rateLimited', (e) => rateLimited.push(e));
    sandbox.server.inject({ kind: 'status', status: 429, path: '/v1/prices', headers: { 'Retry-After': '1' }, body: { code: 'RATE_LIMIT_EXCEEDED', detail: 'Rate limit exceeded. Retry after 1 seconds.' } });
    const [a, b] = await Promise.all([client.getPrices({ itemId: 1000 }), (async () => {
      await new Promise((r) => setTimeout(r, 100));
      return client.getPrices({ itemId: 1001 });
    })()]);
    expect(a.items.length).toBeGreaterThan(0);
    expect(b.items.length).toBeGreaterThan(0);
    const log = sandbox.server.requests.filter((r) => r.path === '/v1/prices');
    const limitedAt = log.find((r) => r.status === 429)!.at;
    const after = log.filter((r) => r.at > limitedAt);
    expect(after).toHaveLength(2);
    for (const r of after) expect(r.at - limitedAt).toBeGreaterThanOrEqual(990);
    expect(rateLimited[0]?.retryAfterMs).toBe(1000);
  });

  it('another user of the key spent the window: the 2xx saying so pauses the client, and no 429 is drawn', async () => {
    // A window long enough that the other user's requests are surely still in it on a busy machine.
    const slow = new Cs2CapSandbox({ windowMs: 3000 });
    const url = await slow.start();
    try {
      const key = slow.createKey('free', { rpm: 10 });
      // Someone else on the key (another tool, not sharing our limiter) sends 9 of its 10.
      const statuses = await Promise.all(Array.from({ length: 9 }, () => fetch(`${url}/fx`, { headers: { Authorization: `Bearer ${key}` } }).then((r) => r.status)));
      expect(statuses.every((st) => st === 200)).toBe(true);
      const client = make(key, { baseUrl: url });
      const server: MarketEvents['rateLimited'][] = [];
      client.on('rateLimited', (e) => e.source === 'server' && server.push(e));
      for (let i = 0; i < 4; i += 1) await client.getFxRates();
      const ours = slow.server.requests.slice(9);
      expect(ours.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      expect(ours[1]!.at - ours[0]!.at).toBeGreaterThanOrEqual(900);
      expect(server).toHaveLength(1);
    } finally {
      await slow.close();
    }
  });

  it('a spent monthly quota: the 429 is not retried, and once the headers say so nothing more is sent', async () => {
    // Spent by someone else: the server's 429 is the first word, and it is not retried.
    const spentKey = sandbox.createKey('free', { monthlyQuota: 5 });
    sandbox.keys.get(spentKey)!.used = 5;
    const other = make(spentKey);
    const err = await caught(other.getPrices({ itemId: 1000 }));
    expect(err).toBeInstanceOf(QuotaExceededError);
    expect((err as QuotaExceededError).retryable).toBe(false);
    expect((err as QuotaExceededError).status).toBe(429);
    expect(sandbox.server.requests.filter((r) => r.path === '/v1/prices')).toHaveLength(1);
    expect(await caught(other.getFxRates())).toBeInstanceOf(QuotaExceededError);
    expect(sandbox.server.requests).toHaveLength(1);

    // Spent by this client: the last 2xx says "0 left until next month", so the next call is refused unsent.
    const client = make(sandbox.createKey('free', { monthlyQuota: 20 }));
    for (let i = 0; i < 20; i += 1) await client.getFxRates();
    expect(client.quotaStatus()).toMatchObject({ tier: 'free', monthly: { limit: 20, remaining: 0 } });
    const refused = (await caught(client.getPrices({ itemId: 1000 }))) as QuotaExceededError;
    expect(refused).toBeInstanceOf(QuotaExceededError);
    expect(refused.message).toMatch(/monthly quota is spent \(0 of 20 left\) until .*; nothing was sent/);
    expect(sandbox.server.requests).toHaveLength(21);
    // Account calls do not count against the monthly quota: they still go.
    await expect(client.getKeyInfo()).resolves.toMatchObject({ effective_quota_requests_per_month: 20 });
  });

  it('a 503 index-unavailable is retried', async () => {
    const client = make(sandbox.createKey());
    const retries: MarketEvents['retry'][] = [];
    client.on('retry', (e) => retries.push(e));
    sandbox.server.inject({ kind: 'status', status: 503, times: 2, path: '/v1/prices', body: { code: 'PRICES_INDEX_UNAVAILABLE', detail: 'Prices index unavailable' } });
    const page = await client.getPrices({ itemId: 1002 });
    expect(page.items.length).toBe(8);
    expect(retries.map((r) => r.error.status)).toEqual([503, 503]);
  });

  it('a malformed body is a ResponseShapeError naming the bad field', async () => {
    const client = make(sandbox.createKey());
    sandbox.server.inject({ kind: 'status', status: 200, path: '/v1/fx', body: { rates: { EUR: 'a lot' } } });
    const err = await caught(client.getFxRates());
    expect(err).toBeInstanceOf(ResponseShapeError);
    expect((err as ResponseShapeError).fieldPath).toBe('rates.EUR');
    sandbox.server.inject({ kind: 'malformed', path: '/v1/fx' });
    expect(await caught(client.getFxRates())).toBeInstanceOf(ResponseShapeError);
  });

  it('account disabled is a PermissionError; 422 array detail is readable', async () => {
    const key = sandbox.createKey();
    sandbox.disable(key);
    expect(await caught(make(key).getPrices({ itemId: 1000 }))).toBeInstanceOf(PermissionError);
    const err = await caught(make(sandbox.createKey()).getPrices({ itemId: 1000, currency: 'XYZ' }));
    expect((err as Error).message).toContain('query.currency: Unsupported currency');
  });

  it('syncLimits applies the key rate to the limiter', async () => {
    const client = createCs2CapClient({ apiKey: sandbox.createKey('pro'), baseUrl });
    clients.push(client);
    await expect(client.syncLimits()).resolves.toEqual({ requestsPerMinute: 100, quotaPerMonth: 500_000 });
  });

  it('streams the bulk NDJSON price and bid lists; a start is never repeated', async () => {
    const client = make(sandbox.createKey('pro'));
    const prices = await client.streamPrices({ providers: ['steam', 'csfloat'] });
    let rows = 0;
    for await (const row of prices.rows) {
      rows += 1;
      expect(row.lowest_ask.currency).toBe('USD');
      expect(Object.keys(row)).not.toContain('lowest_ask_decimal');
    }
    expect(rows).toBe(prices.total);
    expect(rows).toBe(sandbox.prices.filter((p) => p.provider === 'steam' || p.provider === 'csfloat').length);
    const bids = await client.streamBids();
    let bidRows = 0;
    for await (const _ of bids.rows) bidRows += 1;
    expect(bidRows).toBe(bids.total);

    // A second stream while one is open: 409, not retried.
    sandbox.streamDelayMs = 100;
    const open = await client.streamPrices();
    const before = sandbox.server.requests.length;
    const busy = (await caught(client.streamPrices())) as InvalidRequestError;
    expect(busy.providerCode).toBe('STREAM_ALREADY_ACTIVE');
    expect(sandbox.server.requests.length).toBe(before + 1);
    for await (const _ of open.rows);
    sandbox.streamDelayMs = 0;

    sandbox.server.inject({ kind: 'reset-before', method: 'POST', path: '/v1/prices' });
    const lost = await caught(client.streamPrices());
    expect(lost).toBeInstanceOf(OutcomeUnknownError);
    expect((lost as Error).message).toMatch(/may have counted against the 24 h stream quota/);

    sandbox.streamQuota = 0;
    const spent = await caught(client.streamPrices());
    expect(spent).toBeInstanceOf(QuotaExceededError);
    expect(client.quotaStatus().streams.prices).toMatchObject({ limit: 0, remaining: 0 });
    // The server said when the quota frees: until then a start is refused without being sent.
    const refused = (await caught(client.streamPrices())) as QuotaExceededError;
    expect(refused).toBeInstanceOf(QuotaExceededError);
    expect(refused.status).toBeUndefined();
    sandbox.streamQuota = 300;
    // Each start was sent once: the reset one is not repeated either (it may have counted).
    expect(sandbox.server.requests.filter((r) => r.method === 'POST' && r.path === '/v1/prices')).toHaveLength(5);
    // The stream quota pauses nothing else.
    await expect(client.getFxRates()).resolves.toBeDefined();
  });

  it('no error, event or log line holds the key', async () => {
    const key = sandbox.createKey('quant');
    const seen: unknown[] = [];
    const client = make(key, { on: { request: (e) => seen.push(e), response: (e) => seen.push(e), retry: (e) => seen.push(e), rateLimited: (e) => seen.push(e) } });
    sandbox.server.inject({ kind: 'status', status: 401, path: '/v1/prices', body: { code: 'AUTH_INVALID_API_KEY', detail: `Invalid API key ${key}` } });
    const err = await caught(client.getPrices({ itemId: 1000 }));
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as Error).message).toContain('[redacted]');
    expectNoSecret(err, key);
    expectNoSecret(seen, key);
    expectNoSecret(client, key);
  });
});
