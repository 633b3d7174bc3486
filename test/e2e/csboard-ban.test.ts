// The hostile review's bad-key storms, against the CSBoard sandbox over loopback. The sandbox
// bans the IP as documented: more than 30 bad-key requests in 60 s → 5 minutes of
// `401 too_many_failed_auth`. Every test asserts how many bad-key requests the server saw.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AbortedError, AuthenticationError, createCsboardClient, MarketError, NetworkError, type CsboardClient, type CsboardClientOptions } from '../../src/index.js';
import { DEFAULT_UNPROVEN_BUDGET, resetAuthGuardState, setUnprovenBudgetForTests } from '../../providers/csboard/auth-guard.js';
import { CsboardSandbox, type CsboardSandboxOptions } from '../../providers/csboard/sandbox.js';

const BAN_THRESHOLD = 30;
const BUDGET = DEFAULT_UNPROVEN_BUDGET.limit;
const roomy = { read: { limit: 1000, windowMs: 1000 }, order: { limit: 1000, windowMs: 1000 }, snapshot: { limit: 100, windowMs: 1000 } };
/** A well-formed key the sandbox does not know: made at run time, never committed. */
const badKey = (): string => `csb_pub_${randomBytes(18).toString('base64url')}`;

/** Poll until `done()` or `ms` have passed (bounded: ms / 20 checks). */
async function until(done: () => boolean, ms: number): Promise<void> {
  for (const end = Date.now() + ms; !done() && Date.now() < end; ) await sleep(20);
}

describe('the CSBoard client never trips the bad-key IP ban', () => {
  let sandbox: CsboardSandbox;
  let baseUrl: string;
  const clients: CsboardClient[] = [];
  const start = async (options: CsboardSandboxOptions = {}): Promise<void> => {
    sandbox = new CsboardSandbox({ listings: 20, windowMs: 1000, readLimit: 1000, orderLimit: 1000, ...options });
    baseUrl = await sandbox.start();
  };
  const make = (apiKey: string, extra: Partial<CsboardClientOptions> = {}): CsboardClient => {
    const c = createCsboardClient({ apiKey, baseUrl, retry: { minDelayMs: 5, maxDelayMs: 20 }, rateLimit: roomy, ...extra });
    clients.push(c);
    return c;
  };
  const settle = (p: Promise<unknown>): Promise<unknown> => p.then((v) => ({ ok: v }), (e: unknown) => e);
  const expectUnbanned = (): void => {
    expect(sandbox.badKeyHits.length).toBeLessThan(BAN_THRESHOLD);
    expect(sandbox.bans).toBe(0);
  };

  // Each test is a fresh process as far as the guard knows (the budget is one per process).
  beforeEach(() => {
    resetAuthGuardState();
    return start();
  });
  afterEach(async () => {
    setUnprovenBudgetForTests(undefined);
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await sandbox.close();
  });

  it(`35 clients with 35 bad keys at once: ${BUDGET} are sent, the rest wait for the budget and can be cancelled`, async () => {
    const controller = new AbortController();
    const calls = Array.from({ length: 35 }, () => settle(make(badKey()).listListings({ limit: 1 }, { signal: controller.signal })));
    await until(() => sandbox.badKeyHits.length >= BUDGET, 3000);
    await sleep(300); // room for any request beyond the budget to arrive
    expect(sandbox.badKeyHits).toHaveLength(BUDGET);
    controller.abort();
    const results = await Promise.all(calls);
    expect(results.filter((e) => e instanceof AuthenticationError)).toHaveLength(BUDGET);
    const waited = results.filter((e): e is AbortedError => e instanceof AbortedError);
    expect(waited).toHaveLength(35 - BUDGET);
    expect(waited.every((e) => !e.requestSent)).toBe(true);
    expect(sandbox.badKeyHits).toHaveLength(BUDGET);
    expectUnbanned();
    // The IP is not banned (a new good key would wait for the budget; health takes none).
    await expect(make(badKey()).health()).resolves.toMatchObject({ status: 'ok' });
  });

  it('health() first, then a burst of 40 calls with a bad key: one bad-key request', async () => {
    const client = make(badKey());
    await expect(client.health()).resolves.toMatchObject({ status: 'ok' });
    const results = await Promise.all(Array.from({ length: 40 }, () => settle(client.listListings({ limit: 1 }))));
    expect(results.every((e) => e instanceof AuthenticationError && e.code === 'authentication_failed')).toBe(true);
    expect(sandbox.badKeyHits).toHaveLength(1);
    expectUnbanned();
  });

  for (const status of [503, 500, 404, 429]) {
    it(`a ${status} first, then a burst of 40 calls with a bad key: one bad-key request`, async () => {
      const client = make(badKey(), { retry: { retries: 0 } });
      sandbox.server.inject({ kind: 'status', status, path: '/v1/balance', headers: { 'Retry-After': '0' }, body: { code: 'fault', detail: 'injected' } });
      const first = await settle(client.getBalance());
      expect(first).toBeInstanceOf(MarketError);
      expect((first as MarketError).status).toBe(status);
      const results = await Promise.all(Array.from({ length: 40 }, () => settle(client.listListings({ limit: 1 }))));
      expect(results.filter((e) => e instanceof AuthenticationError)).toHaveLength(40);
      expect(sandbox.badKeyHits).toHaveLength(1);
      expectUnbanned();
    });
  }

  it('a 503 answered to a bad key is retried under the budget, then the key is dead', async () => {
    const client = make(badKey(), { retry: { retries: 3, minDelayMs: 5, maxDelayMs: 10 } });
    sandbox.server.inject({ kind: 'status', status: 503, path: '/v1/listings', times: 2 });
    const results = await Promise.all(Array.from({ length: 40 }, () => settle(client.listListings({ limit: 1 }))));
    expect(results.every((e) => e instanceof AuthenticationError)).toBe(true);
    expect(sandbox.badKeyHits).toHaveLength(1);
    expectUnbanned();
  });

  it('a proven key never waits for the budget, while a new key does', async () => {
    const good = make(sandbox.createKey());
    await good.getBalance(); // proven: 1 of the budget
    await Promise.all(Array.from({ length: BUDGET - 1 }, () => settle(make(badKey()).getBalance())));
    expect(sandbox.badKeyHits).toHaveLength(BUDGET - 1);
    const controller = new AbortController();
    const waiting = settle(make(badKey()).getBalance({ signal: controller.signal }));
    const fresh = settle(make(sandbox.createKey()).getBalance({ signal: controller.signal }));
    const t0 = Date.now();
    const results = await Promise.all(Array.from({ length: 20 }, () => good.listListings({ limit: 1 })));
    expect(results).toHaveLength(20);
    expect(Date.now() - t0).toBeLessThan(2000);
    controller.abort();
    expect(await waiting).toBeInstanceOf(AbortedError);
    expect(await fresh).toBeInstanceOf(AbortedError);
    expect(sandbox.badKeyHits).toHaveLength(BUDGET - 1);
    expectUnbanned();
  });

  it('the budget is a rolling window: waiting calls go as it frees, never above the ban rate (short window)', async () => {
    await sandbox.close();
    // The same proportions as the real numbers (10 of 30 per window), in a 700 ms window.
    const windowMs = 700;
    await start({ badKeyWindowMs: windowMs });
    setUnprovenBudgetForTests({ windowMs });
    const t0 = Date.now();
    const results = await Promise.all(Array.from({ length: 35 }, () => settle(make(badKey()).listListings({ limit: 1 }))));
    expect(results.every((e) => e instanceof AuthenticationError)).toBe(true);
    expect(sandbox.badKeyHits).toHaveLength(35);
    // 10 per window: the last five wait three windows.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(3 * windowMs - 50);
    // Starts are ≤ 10 per window; arrival jitter can add at most one more window's worth.
    expect(sandbox.maxBadKeysPerWindow()).toBeLessThanOrEqual(2 * BUDGET);
    expect(sandbox.bans).toBe(0);
  });

  it('closing a client rejects its calls that wait for the budget, without sending them', async () => {
    await Promise.all(Array.from({ length: BUDGET }, () => settle(make(badKey()).getBalance())));
    const client = make(badKey());
    const waiting = settle(client.getBalance());
    await sleep(100);
    await client.close();
    const err = await waiting;
    expect(err).toBeInstanceOf(MarketError);
    expect((err as MarketError).code).toBe('client_closed');
    expect(sandbox.badKeyHits).toHaveLength(BUDGET);
  });

  it("Redis unreachable, even with onRedisDown 'local': unproven keys send nothing (the IP's other processes cannot be counted), a proven key goes on", async () => {
    const redis = { url: 'redis://127.0.0.1:1', onRedisDown: 'local' as const, processes: 1 };
    const results = await Promise.all(Array.from({ length: 35 }, () => settle(make(badKey(), { redis }).listListings({ limit: 1 }))));
    expect(results.every((e) => e instanceof NetworkError && e.code === 'redis_unavailable')).toBe(true);
    expect((results[0] as NetworkError).message).toMatch(/nothing was sent/);
    expect(sandbox.badKeyHits).toHaveLength(0);
    // A key proven while Redis answered (here: proven in this process) is not held up.
    const good = sandbox.createKey();
    const first = make(good);
    await expect(first.getBalance()).resolves.toMatchObject({ currency: 'USD' });
    await first.close();
    await expect(make(good, { redis, rateLimit: { read: { limit: 100, windowMs: 300 } } }).getBalance()).resolves.toMatchObject({ currency: 'USD' });
    expectUnbanned();
  });
});
