/**
 * Contract: every answer the CS2Cap sandbox gives, for every operation and each status it
 * can give, validates against the spec's response schema (cs2cap-spec.ts lists the documented
 * exceptions), and every request the client sends validates against the spec's parameters
 * and body. One scenario drives every operation through the client, and the error statuses
 * through raw requests where the client would refuse the input first.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCs2CapClient, type Cs2CapClient } from '../../src/index.js';
import { cs2capOperations } from '../../providers/cs2cap/generated/operations.js';
import { operationOf } from '../../providers/cs2cap/operation-kit.js';
import { Cs2CapSandbox } from '../../providers/cs2cap/sandbox.js';
import { answerProblems, componentProblems, requestProblems } from './cs2cap-spec.js';

const RAW = 'x-contract-raw';

describe('cs2cap contract: sandbox answers and client requests against the spec', () => {
  let sandbox: Cs2CapSandbox;
  let baseUrl: string;
  let origin: string;
  const clients: Cs2CapClient[] = [];
  const answers: { op: string; status: number; problems: string[] }[] = [];
  const requestIssues: string[] = [];
  let quantKey: string;

  const make = (apiKey: string): Cs2CapClient => {
    const c = createCs2CapClient({ apiKey, baseUrl, retry: { retries: 0 }, rateLimit: { default: { limit: 10_000, windowMs: 1000 } } });
    clients.push(c);
    return c;
  };
  /** A request the client would refuse to send: straight to the sandbox. */
  const raw = async (apiKey: string, method: string, path: string, body?: unknown): Promise<number> => {
    const res = await fetch(`${origin}${path}`, {
      method,
      headers: { Authorization: `Bearer ${apiKey}`, [RAW]: '1', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    await res.arrayBuffer();
    return res.status;
  };
  const settle = <T>(p: Promise<T>): Promise<T | undefined> => p.catch(() => undefined);

  beforeAll(async () => {
    sandbox = new Cs2CapSandbox({ windowMs: 1000 });
    baseUrl = await sandbox.start();
    origin = new URL(baseUrl).origin;
    sandbox.observe((req, res) => {
      try {
        observeExchange(req, res);
      } catch (error) {
        requestIssues.push(`${req.method} ${req.path}: the validator failed: ${String(error)}`);
      }
    });
    const observeExchange: Parameters<Cs2CapSandbox['observe']>[0] = (req, res) => {
      const op = operationOf(req.method, req.path.replace(/^\/v1/, '')) ?? `${req.method} ${req.path}`;
      const body = res.stream ? undefined : res.raw ? undefined : res.body;
      answers.push({ op, status: res.status, problems: res.stream || res.raw ? [] : answerProblems({ method: req.method, path: req.path, status: res.status, body, mediaType: res.headers?.['Content-Type'] }) });
      // The CSV import's body is text/csv, which the observer does not parse: it counts as sent when it is CSV.
      const csv = op === 'importPortfolioCsv' && String(req.headers['content-type']).startsWith('text/csv') ? '(csv)' : undefined;
      if (!req.headers[RAW]) requestIssues.push(...requestProblems(csv === undefined ? req : { ...req, body: csv }));
    };
    quantKey = sandbox.createKey('quant');
  });
  afterAll(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await sandbox.close();
  });

  it('drives every operation and its error statuses; every answer and request validates', async () => {
    const q = make(quantKey);
    sandbox.linkSteam(quantKey);
    const v1 = (path: string): string => `/v1${path}`;
    const unknownId = randomUUID();

    // Market data
    await q.getPrices({ itemId: 1000, providers: ['steam'], currency: 'EUR', limit: 2, offset: 1 });
    await q.getPricesBatch({ itemIds: [1000, 999_999], marketHashNames: ['Nope'] });
    await q.getBids({ itemId: 1000, providers: ['buff163'] });
    await q.getBidsBatch({ itemIds: [1000], providers: ['steam'] });
    await q.getPriceHistory({ itemId: 1000, provider: 'steam', limit: 5 });
    const hist = await q.getPriceHistory({ itemId: 1000, limit: 5 });
    await q.getPriceHistory({ itemId: 1000, limit: 5, cursor: hist.pagination.next_cursor! });
    await q.getPriceCandles({ itemId: 1000, interval: '1h', lookbackDays: 2, fill: true });
    await q.getSales({ itemId: 1000, minFloat: 0.1, maxFloat: 0.9, stickers: ['Sticker | Crown (Foil)'], limit: 5 });
    await q.getSales({ limit: 3 });
    await q.listItems({ wearName: 'Field-Tested', isStattrak: false, limit: 5 });
    await q.listItems();
    await q.getItemMetadata();
    await q.getImages({ format: 'webp' });
    await q.getProviders();
    await q.getProviders({ provider: 'steam' });
    await q.getFxRates();
    await q.getArbitrage({ minSpreadPct: 0, limit: 5 });
    await q.getMarketSnapshot();
    await q.getItemAnalytics(1000);
    await q.getMarketIndexes({ groupBy: 'weapon_type' });
    await q.getIndicators({ itemId: 1000, interval: '1h', currency: 'GBP' });
    await q.getPriceChart({ itemId: 1000, lookbackDays: 5, includeDefunct: true });
    for await (const _ of (await q.streamPrices({ providers: ['steam'] })).rows) void _;
    for await (const _ of (await q.streamBids()).rows) void _;

    // The NDJSON rows: each line a MarketItem / BuyOrderItem of the spec.
    for (const [path, component] of [['/v1/prices', 'MarketItem'], ['/v1/bids', 'BuyOrderItem']] as const) {
      const res = await fetch(`${origin}${path}?providers=steam`, { method: 'POST', headers: { Authorization: `Bearer ${quantKey}`, [RAW]: '1' } });
      const lines = (await res.text()).split('\n').filter(Boolean);
      expect(lines.length).toBeGreaterThan(10);
      for (const line of lines) expect(componentProblems(component, JSON.parse(line)), line).toEqual([]);
    }

    // Account: key, sub-keys, watchlist, alerts, webhooks
    await q.getKeyInfo();
    const child = await q.subKeys.create({ name: 'contract', rateRequestsPerMinute: 10 });
    await q.subKeys.list({ limit: 5 });
    await q.subKeys.get(child.key_info.id);
    await q.subKeys.update(child.key_info.id, { quotaRequestsPerMonth: 100, rateRequestsPerMinute: null });
    await q.subKeys.reissue(child.key_info.id);
    await q.subKeys.revoke(child.key_info.id);
    await q.watchlist.add(1000);
    await q.watchlist.add([1001, 1002]);
    await q.watchlist.list({ search: 'AK' });
    await q.watchlist.remove(1001);
    const alert = await q.alerts.create({ itemId: 1000, kind: 'price_below', threshold: '1000000', currency: 'USD' });
    await q.alerts.createBatch([{ itemId: 1001, kind: 'spread_exceeds', threshold: '0' }, { itemId: 999_999, kind: 'price_above', threshold: '1' }]);
    await q.alerts.list({ search: '1000' });
    await q.alerts.update(alert.id, { isEnabled: true });
    const hook = await q.webhooks.create({ label: 'contract', url: 'http://127.0.0.1:9/hook' });
    await q.webhooks.list();
    await q.webhooks.update(hook.webhook.id, { label: 'renamed' });
    await sandbox.checkAlerts();
    await q.alerts.events({ limit: 5 });
    const deliveries = await q.webhooks.deliveries({ limit: 5 });
    if (deliveries.deliveries[0]) await q.webhooks.getDelivery(deliveries.deliveries[0].id);
    await q.webhooks.rotateSecret(hook.webhook.id);
    await q.webhooks.delete(hook.webhook.id);
    await q.alerts.delete(alert.id);

    // Portfolios and Steam
    await q.portfolios.value({ items: [{ itemId: 1000, quantity: 2 }], currency: 'EUR' });
    const p = await q.portfolios.create({ name: 'contract' });
    await q.portfolios.list();
    const entry = await q.portfolios.addItem(p.id, { marketHashName: sandbox.catalogItem(1003)!.market_hash_name, quantity: 1 });
    const tx = await q.portfolios.addTransaction(p.id, { itemId: 1000, type: 'buy', quantity: 2, price: '10.00', date: '2026-01-05', feePercentage: 2.5, marketplace: 'steam' });
    await q.portfolios.updateTransaction(p.id, tx.id, { price: '11.00', currency: 'USD', note: null });
    await q.portfolios.transactions(p.id);
    await q.portfolios.items(p.id);
    await q.portfolios.getValue(p.id, { currency: 'GBP', providers: ['steam'] });
    await q.portfolios.getHistory(p.id, { lookbackDays: 3 });
    await q.portfolios.getHistory(p.id, { startDate: '2026-01-01', endDate: '2026-01-10', basis: 'holdings', limit: 3 });
    await q.inventory.get();
    await q.inventory.lookup('sandbox-trader');
    await q.portfolios.importSteam(p.id);
    await q.portfolios.exportCsv(p.id, { format: 'items' });
    const ledgerCsv = await q.portfolios.exportCsv(p.id);
    const copy = await q.portfolios.create({ name: 'contract copy' });
    await q.portfolios.importCsv(copy.id, ledgerCsv);
    await q.portfolios.importCsv(copy.id, 'item_id,quantity\n1001,2\n', { format: 'items' });
    await settle(q.portfolios.importCsv(copy.id, 'date,type,item_id,quantity,price\n2026-01-01,buy,999999,1,1.00\n')); // 422 row error
    await settle(q.portfolios.importCsv(unknownId, 'item_id,quantity\n1001,2\n')); // 404
    await q.portfolios.removeItem(p.id, entry.id);
    await q.portfolios.deleteTransaction(p.id, tx.id);
    await q.portfolios.delete(p.id);

    // Error statuses, through the client where it sends the request.
    const free = make(sandbox.createKey('free'));
    await settle(free.getSales({ itemId: 1000 })); // 403 (tier not yet known)
    await settle(make(`sk_live_${'u'.repeat(24)}`).getPrices({ itemId: 1000 })); // 401
    await settle(make(`sk_live_${'w'.repeat(24)}`).watchlist.list()); // 401 on an account route
    await settle(q.subKeys.get(unknownId)); // 404
    await settle(q.watchlist.add(1000)); // 409 duplicate
    await settle(q.getItemAnalytics(999_999)); // 404
    await settle(q.getIndicators({ itemId: 999_999 })); // 404
    await settle(q.getProviders({ provider: 'nosuch' })); // 404
    await settle(q.getSales({ marketHashName: 'No Such Item' })); // 404
    // 400 unsupported provider: the spec's enum refuses it too, so it goes raw.
    await raw(quantKey, 'GET', '/v1/sales?providers=steam');
    await settle(q.getPriceHistory({ itemId: 1000, cursor: 'bm9wZQ==' })); // 400 bad cursor
    await settle(q.portfolios.items(unknownId)); // 404
    const p2 = await q.portfolios.create({ name: 'errors' });
    await settle(q.portfolios.getHistory(p2.id)); // 400 no ledger
    await settle(q.portfolios.addTransaction(p2.id, { itemId: 1000, type: 'sell', quantity: 1, price: '1', date: '2026-01-01' })); // 400 sell past holdings
    await settle(q.portfolios.addItem(p2.id, { itemId: 999_999, quantity: 1 })); // 404 item
    await settle(q.inventory.lookup('nobody-at-all')); // 400
    await settle(make(sandbox.createKey('pro')).inventory.get()); // 403 no linked Steam
    await settle(q.getPriceCandles({ itemId: 999_999 })); // 404
    const active = await q.streamPrices();
    await settle(q.streamPrices()); // 409 STREAM_ALREADY_ACTIVE
    for await (const _ of active.rows) void _;

    // Error statuses the client refuses to send: 422s and more 403s, raw.
    for (const path of ['/v1/prices?item_id=1000&providers=not-a-provider', '/v1/prices?item_id=1000&currency=XXX', '/v1/items?is_stattrak=maybe', '/v1/images?format=gif', '/v1/market/indexes?group_by=colour', '/v1/market/indicators?item_id=1000&interval=5m', '/v1/sales?paint_seed=5000', '/v1/inventory/steam/lookup']) {
      await raw(quantKey, 'GET', path);
    }
    await raw(quantKey, 'POST', '/v1/account/watchlist', { item_ids: [] });
    await raw(quantKey, 'POST', '/v1/portfolio', { name: '' });
    await raw(quantKey, 'POST', '/v1/portfolio/value', { items: Array.from({ length: 101 }, (_, i) => ({ item_id: 1000 + i, quantity: 1 })) });
    await raw(quantKey, 'POST', '/v1/prices/batch', { item_ids: Array.from({ length: 101 }, (_, i) => i + 1) });
    await raw(quantKey, 'POST', '/v1/bids/batch', { item_ids: Array.from({ length: 101 }, (_, i) => i + 1) });
    await raw(quantKey, 'GET', '/v1/market/arbitrage?cursor=abc');
    await raw(quantKey, 'POST', '/v1/account/alerts/batch', { alerts: [] });
    const starter = sandbox.createKey('starter');
    for (const id of Object.keys(cs2capOperations) as (keyof typeof cs2capOperations)[]) {
      const op = cs2capOperations[id];
      if (op.tier !== 'pro' && op.tier !== 'quant') continue;
      if (op.path.includes('{')) continue;
      await raw(starter, op.method, op.path, op.method === 'GET' ? undefined : {}); // 403 for the tier
    }
    await make(sandbox.createKey('pro')).reissueKey();
    const slow = sandbox.createKey('quant', { rpm: 1 });
    await raw(slow, 'GET', '/v1/fx');
    await raw(slow, 'GET', v1('/fx')); // 429

    const failing = answers.filter((a) => a.problems.length);
    expect(failing.flatMap((a) => a.problems)).toEqual([]);
    expect(requestIssues).toEqual([]);

    // Every operation answered with success at least once; the error statuses seen, per operation.
    const ok = new Set(answers.filter((a) => a.status >= 200 && a.status < 300).map((a) => a.op));
    const missing = Object.keys(cs2capOperations).filter((id) => !ok.has(id));
    expect(missing).toEqual([]);
    const statuses = new Set(answers.map((a) => a.status));
    for (const s of [200, 201, 204, 400, 401, 403, 404, 409, 422, 429]) expect(statuses.has(s), `status ${s} seen`).toBe(true);
    expect(answers.length).toBeGreaterThan(100);
  });

  it('the validator is not vacuous: the shapes the sandbox used to send fail it', () => {
    const page = { limit: 5, has_next: false, has_prev: false, next_cursor: null };
    // Sales with the history page's meta and pagination (no providers_queried, no offset/total).
    expect(answerProblems({ method: 'GET', path: '/v1/sales', status: 200, body: { meta: { currency: 'USD', filters: {}, result_count: 0 }, items: [], pagination: page }, mediaType: 'application/json' })).not.toEqual([]);
    const event = { id: 'e', alert_id: 'a', kind: 'price_below', item: { item_id: 1, market_hash_name: 'x' }, triggered_value: '1.00', created_at: '2026-01-01T00:00:00Z', deliveries: [{ channel: 'webhook', status: 'failed' }] };
    const eventsPage = { limit: 5, offset: 0, total: 1, has_next: false, has_prev: false };
    expect(answerProblems({ method: 'GET', path: '/v1/account/alerts/events', status: 200, body: { events: [event], pagination: eventsPage }, mediaType: 'application/json' }).join()).toContain('created_at');
    expect(answerProblems({ method: 'GET', path: '/v1/prices', status: 422, body: { code: 'VALIDATION_ERROR', detail: 'bad' }, mediaType: 'application/json' })).not.toEqual([]);
    expect(answerProblems({ method: 'GET', path: '/v1/sales', status: 404, body: { detail: 'Item not found: x' }, mediaType: 'application/json' }).join()).toContain('code');
    expect(answerProblems({ method: 'GET', path: '/v1/fx', status: 409, body: { code: 'X', detail: 'y' }, mediaType: 'application/json' }).join()).toContain('does not list status 409');
    // The documented exceptions hold: the indicators' 422 in either shape, an unlisted 409 as an ErrorResponse.
    expect(answerProblems({ method: 'GET', path: '/v1/market/indicators', status: 422, body: { code: 'INSUFFICIENT_DATA', detail: 'too few' }, mediaType: 'application/json' })).toEqual([]);
    expect(answerProblems({ method: 'GET', path: '/v1/market/indicators', status: 422, body: { code: 'VALIDATION_ERROR', detail: [{ type: 'enum', loc: ['query', 'interval'], msg: 'no' }] }, mediaType: 'application/json' })).toEqual([]);
    expect(answerProblems({ method: 'POST', path: '/v1/account/watchlist', status: 409, body: { detail: 'dup' }, mediaType: 'application/json' })).not.toEqual([]);

    expect(requestProblems({ method: 'GET', path: '/v1/prices', query: new URLSearchParams('item_id=1&colour=red'), body: undefined }).join()).toContain('colour');
    expect(requestProblems({ method: 'GET', path: '/v1/inventory/steam/lookup', query: new URLSearchParams(), body: undefined }).join()).toContain('steam_id');
    expect(requestProblems({ method: 'GET', path: '/v1/items', query: new URLSearchParams('limit=abc'), body: undefined })).not.toEqual([]);
    expect(requestProblems({ method: 'POST', path: '/v1/portfolio', query: new URLSearchParams(), body: { name: 7 } })).not.toEqual([]);
    expect(requestProblems({ method: 'GET', path: '/v1/account/sub-keys/not-a-uuid', query: new URLSearchParams(), body: undefined }).join()).toContain('key_id');
    expect(requestProblems({ method: 'GET', path: '/v1/prices', query: new URLSearchParams('item_id=1&providers=steam&providers=buff163'), body: undefined })).toEqual([]);
  });
});
