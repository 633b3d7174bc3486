import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareMoney, createKalshiClient, subtractMoney } from '../../src/index.js';
import { startSandbox, type Sandbox } from '../../src/testkit/index.js';
import { firstBot } from '../../examples/first-bot.js';
import { priceReport } from '../../examples/price-report.js';
import { snipe } from '../../examples/csboard-sniper.js';
import { quote } from '../../examples/kalshi-quoter.js';
import { createQuotaService } from '../../examples/quota-service.js';
import { startRedis } from '../cluster/redis-server.js';

const run = promisify(execFile);

describe('examples, against the sandbox', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ csboard: { readLimit: 60, windowMs: 2000 } });
  });
  afterAll(() => sb.close());

  it('price report', async () => {
    const [r] = await priceReport(sb.env, ['AK-47 | Redline (Field-Tested)'], 'EUR');
    expect(r?.currency).toBe('EUR');
    expect(r?.rows.length).toBeGreaterThan(5);
  });

  it('the sniper buys what is under the cap, once, even when run again', async () => {
    const item = 'M4A4 | Howl (Field-Tested)';
    const opts = { apiKey: sb.csboard.tradingApiKey, baseUrl: sb.csboard.baseUrl, item, maxPriceUsd: 50, polls: 2 };
    const orders = await snipe({ ...opts, onPoll: (n) => void sb.csboard.server.addListing(item, 40 + n) });
    expect(orders).toHaveLength(2);
    const count = sb.csboard.server.orders.length;
    // A restart sees the same listings (now sold, or replayed by key): nothing new is bought.
    await snipe({ ...opts, polls: 1 });
    expect(sb.csboard.server.orders.length).toBe(count);
  });

  it('the Kalshi quoter places and cancels signed orders', async () => {
    const res = await quote({ keyId: sb.kalshi.keyId, privateKeyPem: sb.kalshi.privateKeyPem, baseUrl: sb.kalshi.baseUrl }, 'KXBTCMAXY-26-T150000', 3);
    expect(res).toEqual({ placed: 3, cancelled: 3 });
  });

  describe('the first bot (docs/getting-started.md)', () => {
    const item = 'AK-47 | Redline (Field-Tested)';
    const ticker = 'KXFEDDECISION-26DEC-C25';
    const tradingEnv = (): Record<string, string> => ({ ...sb.env, CSBOARD_TRADING_API_KEY: sb.csboard.tradingApiKey });
    const cheapestExact = () =>
      sb.csboard.server.listings.filter((l) => !l.sold && l.market_hash_name === item).sort((a, b) => a.cents - b.cents || a.createdSeq - b.createdSeq)[0];

    it('compares both providers, buys the cheapest listing of that exact name once, and places then cancels a Kalshi bid', async () => {
      // What fuzzy search also finds, cheaper than anything of the exact name: it must not be bought.
      const decoy = sb.csboard.server.addListing(`StatTrak™ ${item}`, 0.5);
      const want = cheapestExact()!;
      const ordersBefore = sb.csboard.server.orders.length;
      const kalshiLog = sb.kalshi.server.server.requests.length;

      const report = await firstBot(tradingEnv(), item, ticker);

      // (a) both providers answered, and the best ask is the lowest ask of any row.
      const providers = new Set(report.comparison.rows.map((r) => r.provider));
      expect([...providers].sort()).toEqual(['cs2cap', 'csboard']);
      expect(report.comparison.errors).toEqual({});
      const lowest = report.comparison.rows.map((r) => r.ask).filter((a) => a !== undefined).sort(compareMoney)[0]!;
      expect(compareMoney(report.comparison.bestAsk!.ask!, lowest)).toBe(0);

      // (b) the cheapest listing with exactly that name, bought once, the balance moved by its exact price.
      const p = report.purchase;
      if (!p.bought) throw new Error(`nothing bought: ${p.reason}`);
      expect(p.listing.id).toBe(want.id);
      expect(p.listing.id).not.toBe(decoy.id);
      expect(p.listing.market_hash_name).toBe(item);
      expect(p.repeatedAfterLostAnswer).toBe(false);
      expect(p.listing.price_usd).toEqual({ currency: 'USD', amount: (want.cents / 100).toFixed(2) });
      expect(compareMoney(p.order.total_charged_usd, p.listing.price_usd)).toBe(0);
      expect(compareMoney(subtractMoney(p.balanceBefore, p.balanceAfter), p.listing.price_usd)).toBe(0);
      expect(sb.csboard.server.orders.slice(ordersBefore).map((o) => o.items.map((l) => l.id))).toEqual([[want.id]]);
      expect(decoy.sold).toBeFalsy();

      // (c) a bid at the best YES bid, resting when read back, canceled after.
      expect(report.kalshi).toMatchObject({ ticker, price: report.kalshi.bestYesBid!.amount, reconciled: false, statusPlaced: 'resting', statusCanceled: 'canceled' });
      expect(compareMoney(report.kalshi.bestYesBid!, { currency: 'USD', amount: '0.43' })).toBe(0);
      const writes = sb.kalshi.server.server.requests.slice(kalshiLog).filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path.replace(report.kalshi.orderId, ':id')} ${r.status}`);
      expect(writes).toEqual(['POST /trade-api/v2/portfolio/events/orders 201', 'DELETE /trade-api/v2/portfolio/events/orders/:id 200']);
    });

    it('a buy whose answer is lost on every attempt is repeated under the same key: one order, one debit', async () => {
      const want = cheapestExact()!;
      const ordersBefore = sb.csboard.server.orders.length;
      // The first attempt commits; it and the client's 3 retries (replays) lose their answers.
      sb.csboard.server.server.inject({ kind: 'reset-after', method: 'POST', path: '/v1/orders', times: 4 });

      const { purchase: p } = await firstBot(tradingEnv(), item, ticker);

      if (!p.bought) throw new Error(`nothing bought: ${p.reason}`);
      expect(p.repeatedAfterLostAnswer).toBe(true);
      expect(p.listing.id).toBe(want.id);
      expect(sb.csboard.server.orders.length).toBe(ordersBefore + 1);
      expect(compareMoney(subtractMoney(p.balanceBefore, p.balanceAfter), p.listing.price_usd)).toBe(0);
      expect(p.order.idempotencyKey).toBe(`first-bot-${want.id}`);
    });

    it('a Kalshi order whose answer is lost on every attempt is repeated under its client_order_id: one order, reconciled', async () => {
      sb.kalshi.server.server.inject({ kind: 'reset-after', method: 'POST', path: '/trade-api/v2/portfolio/events/orders', times: 4 });

      const { kalshi: k } = await firstBot(tradingEnv(), item, ticker);

      expect(k).toMatchObject({ reconciled: true, statusPlaced: 'resting', statusCanceled: 'canceled' });
      const kalshi = createKalshiClient({ keyId: sb.kalshi.keyId, privateKeyPem: sb.kalshi.privateKeyPem, baseUrl: sb.kalshi.baseUrl });
      const mine: string[] = [];
      for await (const order of kalshi.listOrders({ ticker })) if (order.client_order_id === k.clientOrderId) mine.push(`${order.order_id} ${order.status}`);
      await kalshi.close();
      expect(mine).toEqual([`${k.orderId} canceled`]);
    });
  });

  it('two copies of the service share one quota through Redis', async () => {
    const redis = await startRedis();
    // The documented CSBoard limit, which is also the client's default: 30 reads per rolling minute.
    const limited = await startSandbox({ csboard: { readLimit: 30, windowMs: 60_000 } });
    const env = { ...limited.env, REDIS_URL: redis.url, CS2C_API_KEY: undefined };
    const services = [createQuotaService(env), createQuotaService(env)];
    const ports = await Promise.all(services.map((s) => new Promise<number>((r) => s.server.listen(0, '127.0.0.1', () => r((s.server.address() as AddressInfo).port)))));
    const item = encodeURIComponent('AWP | Asiimov (Field-Tested)');
    const answers = await Promise.all(Array.from({ length: 16 }, (_, i) => fetch(`http://127.0.0.1:${ports[i % 2]}/compare?item=${item}`).then((r) => r.status)));
    expect(answers.every((s) => s === 200)).toBe(true);
    expect(limited.csboard.server.server.requests.filter((r) => r.status === 429)).toHaveLength(0);
    // The slots were taken in Redis, not in this process.
    const { Redis } = await import('ioredis');
    const probe = new Redis(redis.url);
    const keys = await probe.keys('mm_mm:csboard:read:*_leases');
    expect(keys).toHaveLength(1);
    expect(await probe.zcard(keys[0]!)).toBe(16);
    probe.disconnect();
    await Promise.all(services.map((s) => s.close()));
    await limited.close();
    await redis.stop();
  });

  it('the built examples run standalone (the package imports itself by name)', async () => {
    const first = await run(process.execPath, ['dist/examples/first-call.js'], { timeout: 60_000 });
    expect(first.stdout).toMatch(/^steam \d+\.\d{2} USD$/m);
    expect(first.stdout).toMatch(/^buff163 \d+\.\d{2} USD$/m);
    const { stdout } = await run(process.execPath, ['dist/examples/price-report.js'], { timeout: 60_000 });
    expect(stdout).toMatch(/best ask .* best bid/);
    const sniper = await run(process.execPath, ['dist/examples/csboard-sniper.js'], { timeout: 60_000 });
    expect(sniper.stdout).toMatch(/bought ord_/);
    const quoter = await run(process.execPath, ['dist/examples/kalshi-quoter.js'], { timeout: 60_000 });
    expect(quoter.stdout).toMatch(/placed: 3/);
    const bot = await run(process.execPath, ['dist/examples/first-bot.js'], { timeout: 60_000 });
    expect(bot.stdout).toMatch(/^best ask \d+\.\d{2} USD on \S+, best bid \d+\.\d{2} USD on \S+$/m);
    expect(bot.stdout).toMatch(/^bought itm_\d+ \(AK-47 \| Redline \(Field-Tested\)\) for (\d+\.\d{2}) USD: balance 1000\.00 → \d+\.\d{2}$/m);
    expect(bot.stdout).toMatch(/^kalshi KXFEDDECISION-26DEC-C25: bid 0\.43\d* resting, then canceled \(order \S+\)$/m);
  });
});
