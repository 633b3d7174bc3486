import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/testkit/index.js';
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
  });
});
