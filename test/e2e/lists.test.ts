/**
 * List calls against each provider's sandbox: the same call awaited is one page, iterated is
 * every item from that page on, and the first page is requested once for both.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AbortedError, createCs2CapClient, createCsboardClient, createKalshiClient, type Cs2CapClient, type CsboardClient, type KalshiClient } from '../../src/index.js';
import { Cs2CapSandbox } from '../../providers/cs2cap/sandbox.js';
import { resetAuthGuardState } from '../../providers/csboard/auth-guard.js';
import { CsboardSandbox } from '../../providers/csboard/sandbox.js';
import { KalshiSandbox } from '../../providers/kalshi/sandbox.js';
import { caught } from '../helpers.js';

const fast = { retry: { minDelayMs: 10, maxDelayMs: 50 } };
type Logged = { method: string; path: string; query: string };
const gets = (requests: readonly Logged[], suffix: string): Logged[] => requests.filter((r) => r.method === 'GET' && r.path.endsWith(suffix));

describe('kalshi lists against the sandbox', () => {
  let sandbox: KalshiSandbox;
  let client: KalshiClient;
  beforeEach(async () => {
    sandbox = new KalshiSandbox();
    client = createKalshiClient({ baseUrl: await sandbox.start(), ...fast });
  });
  afterEach(async () => {
    await client.close();
    await sandbox.close();
  });
  const marketPages = () => gets(sandbox.server.requests, '/markets');

  it('listMarkets: await is the first page, for await every market; the first page is requested once', async () => {
    const list = client.listMarkets({ limit: 2 });
    const page = await list;
    expect(page.markets).toHaveLength(2);
    expect(page.cursor).toBeTruthy();
    const tickers: string[] = [];
    for await (const m of list) tickers.push(m.ticker);
    expect(tickers).toHaveLength(7);
    expect(new Set(tickers).size).toBe(7);
    expect(tickers.slice(0, 2)).toEqual(page.markets.map((m) => m.ticker));
    // 7 markets by 2: 4 pages, the first one shared by the await and the iteration.
    expect(marketPages()).toHaveLength(4);
    expect(marketPages().filter((r) => !r.query.includes('cursor='))).toHaveLength(1);

    // The deprecated iterator twin walks the same list.
    const twin: string[] = [];
    for await (const m of client.markets({ limit: 2 })) twin.push(m.ticker);
    expect(twin).toEqual(tickers);
  });

  it("the call's signal ends the iteration with AbortedError; break requests nothing more", async () => {
    const controller = new AbortController();
    const seen: string[] = [];
    const err = await caught(
      (async () => {
        for await (const m of client.listMarkets({ limit: 2 }, { signal: controller.signal })) {
          seen.push(m.ticker);
          if (seen.length === 3) controller.abort(new Error('enough'));
        }
      })(),
    );
    expect(err).toBeInstanceOf(AbortedError);
    expect(seen).toHaveLength(3);
    expect(marketPages()).toHaveLength(2);

    for await (const _ of client.listMarkets({ limit: 2 })) break;
    await new Promise((r) => setTimeout(r, 20));
    expect(marketPages()).toHaveLength(3);
  });
});

describe('cs2cap lists against the sandbox', () => {
  let sandbox: Cs2CapSandbox;
  let client: Cs2CapClient;
  beforeEach(async () => {
    sandbox = new Cs2CapSandbox({ windowMs: 1000 });
    const baseUrl = await sandbox.start();
    client = createCs2CapClient({ apiKey: sandbox.createKey('quant'), baseUrl, ...fast, rateLimit: { default: { limit: 1000, windowMs: 1000 } } });
  });
  afterEach(async () => {
    await client.close();
    await sandbox.close();
  });

  it('getSales (cursor pages): await one page, for await every sale of the item', async () => {
    const list = client.getSales({ itemId: 1000, limit: 6 });
    const page = await list;
    expect(page.items).toHaveLength(6);
    const all = [];
    for await (const s of list) all.push(s);
    expect(all).toHaveLength(20);
    expect(all.slice(0, 6)).toEqual(page.items);
    // 20 sales by 6: 4 pages, the first requested once.
    expect(gets(sandbox.server.requests, '/v1/sales')).toHaveLength(4);
  });

  it('getArbitrage (offset pages): iterating from a given offset walks on from it, matching the whole list', async () => {
    const whole = (await client.getArbitrage({ limit: 1000 })).data.items;
    expect(whole.length).toBeGreaterThan(3);
    const list = client.getArbitrage({ limit: 2, offset: 1 });
    expect((await list).data.items.map((o) => o.item_id)).toEqual(whole.slice(1, 3).map((o) => o.item_id));
    const walked = [];
    for await (const o of list) walked.push(o.item_id);
    expect(walked).toEqual(whole.slice(1).map((o) => o.item_id));
    const offsets = gets(sandbox.server.requests, '/v1/market/arbitrage').slice(1).map((r) => new URLSearchParams(r.query).get('offset'));
    expect(offsets.slice(0, 3)).toEqual(['1', '3', '5']);
  });
});

describe('csboard lists against the sandbox', () => {
  let sandbox: CsboardSandbox;
  let client: CsboardClient;
  beforeEach(async () => {
    resetAuthGuardState();
    sandbox = new CsboardSandbox({ windowMs: 1000, readLimit: 1000, orderLimit: 1000, snapshotLimit: 100 });
    const baseUrl = await sandbox.start();
    client = createCsboardClient({ apiKey: sandbox.createKey(), baseUrl, ...fast, rateLimit: { read: { limit: 1000, windowMs: 1000 }, order: { limit: 1000, windowMs: 1000 }, snapshot: { limit: 100, windowMs: 1000 } } });
  });
  afterEach(async () => {
    await client.close();
    await sandbox.close();
  });

  it('listListings: await one page, for await every listing; the first page is requested once', async () => {
    const list = client.listListings({ limit: 200 });
    const page = await list;
    expect(page.items).toHaveLength(200);
    const ids = new Set<string>();
    for await (const l of list) ids.add(l.id);
    expect(ids.size).toBe(600);
    expect(gets(sandbox.server.requests, '/listings')).toHaveLength(3);
  });
});
