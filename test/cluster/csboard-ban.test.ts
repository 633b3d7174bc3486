// 35 real OS processes on one machine (one IP, as CSBoard counts bad keys), sharing the
// bad-key guard through a real redis-server. Workers import the built dist/ (the suite's
// global setup builds it).
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AbortedError, AuthenticationError, NetworkError, createCsboardClient, type CsboardClient } from '../../src/index.js';
import { DEFAULT_UNPROVEN_BUDGET, resetAuthGuardState } from '../../providers/csboard/auth-guard.js';
import { CsboardSandbox } from '../../providers/csboard/sandbox.js';
import { Redis } from 'ioredis';
import { startRedis } from './redis-server.js';
import { startLineWorker, type LineWorker } from './line-worker.js';

const PROCESSES = 35;
const BAN_THRESHOLD = 30;
const BUDGET = DEFAULT_UNPROVEN_BUDGET.limit;

type Worker = LineWorker;
const startWorker = (args: string[]): Worker => startLineWorker('test/cluster/csboard-ban-worker.mjs', args);

describe(`${PROCESSES} processes on one IP share one bad-key guard through Redis`, () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let sandbox: CsboardSandbox;
  let workers: Worker[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    sandbox = new CsboardSandbox({ listings: 20, readLimit: 1000, windowMs: 1000 });
  });
  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await sandbox.close();
    await redis.stop();
  });

  it('one shared bad key: one bad-key request in all; then a bad key each: the budget of 10 for the whole fleet', { timeout: 90_000 }, async () => {
    const baseUrl = await sandbox.start();
    const sharedBadKey = `csb_pub_${randomBytes(18).toString('base64url')}`;
    const burst = 5;
    const ownKeyWaitMs = 2500;
    workers = Array.from({ length: PROCESSES }, () => startWorker([baseUrl, redis.url, sharedBadKey, String(burst), String(ownKeyWaitMs)]));
    // Start-up is not part of the storm: every process is ready before any fires.
    for (const w of await Promise.all(workers.map((w) => w.next(60_000)))) expect(w).toEqual({ ready: true });

    // Phase 1: 35 processes × 5 calls at once with the same bad key.
    for (const w of workers) w.send('go');
    const phase1 = await Promise.all(workers.map((w) => w.next(20_000)));
    const codes1 = phase1.flatMap((m) => m.codes as string[]);
    expect(codes1).toHaveLength(PROCESSES * burst);
    expect(new Set(codes1)).toEqual(new Set(['authentication_failed']));
    // One process probed the key; every other learned from Redis that it is dead.
    expect(sandbox.badKeyHits).toHaveLength(1);

    // Phase 2: each process one call with a bad key of its own: only the shared budget limits them.
    for (const w of workers) w.send('go2');
    const codes2 = (await Promise.all(workers.map((w) => w.next(20_000)))).map((m) => m.code as string);
    const refused = codes2.filter((c) => c === 'authentication_failed').length;
    const cancelled = codes2.filter((c) => c === 'aborted').length;
    console.log(`${PROCESSES} processes: phase 1 sent 1 bad-key request for ${codes1.length} calls; phase 2 sent ${refused}, ${cancelled} waited for the budget`);
    expect(refused).toBe(BUDGET - 1);
    expect(cancelled).toBe(PROCESSES - (BUDGET - 1));
    expect(sandbox.badKeyHits).toHaveLength(BUDGET);
    expect(sandbox.badKeyHits.length).toBeLessThan(BAN_THRESHOLD);
    expect(sandbox.bans).toBe(0);
    const exits = await Promise.all(workers.map((w) => (w.child.exitCode !== null ? w.child.exitCode : new Promise((r) => w.child.once('exit', r)))));
    expect(exits.every((c) => c === 0)).toBe(true);
  });
});

// One process playing two: `resetAuthGuardState()` makes it forget what it learned, so all
// it can know is what the first "process" wrote to Redis.
describe('what one process learns, the others know through Redis', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let sandbox: CsboardSandbox;
  let baseUrl: string;
  const clients: CsboardClient[] = [];
  const make = (apiKey: string): CsboardClient => {
    const c = createCsboardClient({ apiKey, baseUrl, retry: { retries: 0 }, redis: { url: redis.url } });
    clients.push(c);
    return c;
  };
  const badKey = (): string => `csb_pub_${randomBytes(18).toString('base64url')}`;
  const caughtError = (p: Promise<unknown>): Promise<unknown> => p.then(() => undefined, (e: unknown) => e);
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis.stop());
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await sandbox.close();
    resetAuthGuardState();
    // Each test is a fresh machine: the budget in Redis is one for every CSBoard host.
    const flush = new Redis(redis.url);
    await flush.flushall();
    flush.disconnect();
  });
  const start = async (): Promise<void> => {
    sandbox = new CsboardSandbox({ listings: 20, readLimit: 1000, windowMs: 1000 });
    baseUrl = await sandbox.start();
  };

  it('a ban: nothing is sent by the other, not even health()', async () => {
    await start();
    sandbox.server.inject({ kind: 'status', status: 401, path: '/v1/balance', body: { code: 'too_many_failed_auth', detail: 'banned' } });
    expect(await caughtError(make(sandbox.createKey()).getBalance())).toMatchObject({ code: 'auth_banned' });
    resetAuthGuardState();
    const before = sandbox.server.requests.length;
    const err = await caughtError(make(sandbox.createKey()).health());
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as AuthenticationError).code).toBe('auth_banned');
    expect((err as AuthenticationError).retryAfterMs).toBeGreaterThan(290_000);
    expect(sandbox.server.requests.length).toBe(before);
  });

  it('a dead key: the other fails fast without sending', async () => {
    await start();
    const key = badKey();
    expect(await caughtError(make(key).getBalance())).toMatchObject({ code: 'authentication_failed' });
    resetAuthGuardState();
    const again = await Promise.all(Array.from({ length: 10 }, () => caughtError(make(key).listListings({ limit: 1 }))));
    expect(again.every((e) => e instanceof AuthenticationError && e.code === 'authentication_failed')).toBe(true);
    expect(sandbox.badKeyHits).toHaveLength(1);
  });

  it('a proven key: the other does not wait for a spent budget, a new key does', async () => {
    await start();
    const good = sandbox.createKey();
    await make(good).getBalance();
    await Promise.all(Array.from({ length: BUDGET - 1 }, () => caughtError(make(badKey()).getBalance())));
    expect(sandbox.badKeyHits).toHaveLength(BUDGET - 1);
    resetAuthGuardState();
    const t0 = Date.now();
    await expect(make(good).getBalance()).resolves.toMatchObject({ currency: 'USD' });
    expect(Date.now() - t0).toBeLessThan(2000);
    const waiting = caughtError(make(badKey()).getBalance({ signal: AbortSignal.timeout(800) }));
    expect(await waiting).toBeInstanceOf(AbortedError);
    expect(sandbox.badKeyHits).toHaveLength(BUDGET - 1);
    expect(sandbox.bans).toBe(0);
  });
});

// A loaded machine or a Redis that stalls for a moment loses answers (the command times out
// while Redis still runs it). Each process spending a budget of its own then would let a
// fleet trip the ban; the guard looks again instead, and only a Redis that stays away is down.
describe('Redis slow is not Redis down', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let sandbox: CsboardSandbox | undefined;
  let workers: Worker[] = [];
  const clients: CsboardClient[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis.stop());
  afterEach(async () => {
    redis.thaw();
    for (const w of workers.splice(0)) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await sandbox?.close();
    sandbox = undefined;
    resetAuthGuardState();
    const flush = new Redis(redis.url);
    await flush.flushall();
    flush.disconnect();
  });

  it('Redis frozen past the command timeout while a fleet probes one bad key: still one request in all', { timeout: 60_000 }, async () => {
    const fleetSandbox = (sandbox = new CsboardSandbox({ listings: 20, readLimit: 1000, windowMs: 1000 }));
    const baseUrl = await fleetSandbox.start();
    const sharedBadKey = `csb_pub_${randomBytes(18).toString('base64url')}`;
    const fleet = 4;
    const burst = 2;
    workers = Array.from({ length: fleet }, () => startWorker([baseUrl, redis.url, sharedBadKey, String(burst), '1']));
    for (const w of await Promise.all(workers.map((w) => w.next(30_000)))) expect(w).toEqual({ ready: true });
    // Every connection is up before the freeze (a health call each would also do; a short
    // pause is enough here: the workers connected at start-up).
    await new Promise((r) => setTimeout(r, 500));
    redis.freeze();
    for (const w of workers) w.send('go');
    // Longer than a command's timeout: every first look loses its answer, Redis runs them later.
    await new Promise((r) => setTimeout(r, 1_800));
    redis.thaw();
    const codes = (await Promise.all(workers.map((w) => w.next(20_000)))).flatMap((m) => m.codes as string[]);
    expect(codes).toEqual(Array.from({ length: fleet * burst }, () => 'authentication_failed'));
    expect(fleetSandbox.badKeyHits).toHaveLength(1);
  });

  /** A client of a fresh bad key whose Redis stops answering once its connection is up. */
  const frozenClient = async (redisOptions: Record<string, unknown>): Promise<CsboardClient> => {
    if (!sandbox) {
      sandbox = new CsboardSandbox({ listings: 20, readLimit: 1000, windowMs: 1000 });
      await sandbox.start();
    }
    const baseUrl = sandbox.baseUrl;
    // A short window: the quota's own fallback starts empty and waits one window first.
    const c = createCsboardClient({ apiKey: `csb_pub_${randomBytes(18).toString('base64url')}`, baseUrl, retry: { retries: 0 }, rateLimit: { read: { limit: 8, windowMs: 300 } }, redis: { url: redis.url, ...redisOptions } });
    clients.push(c);
    // An unauthenticated call makes the connection ready, then Redis stops answering.
    await c.health();
    redis.freeze();
    return c;
  };

  for (const onRedisDown of ['fail', 'local'] as const) {
    it(`Redis that stays frozen, onRedisDown '${onRedisDown}': the unproven call is refused after the give-up time, nothing sent`, { timeout: 30_000 }, async () => {
      const c = await frozenClient({ onRedisDown, processes: 1 });
      const sentBefore = sandbox!.server.requests.length;
      const t0 = Date.now();
      const err = await c.getBalance().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetworkError);
      expect((err as NetworkError).code).toBe('redis_unavailable');
      expect((err as NetworkError).message).toMatch(/nothing was sent/);
      // Not refused at the first lost answer: a stall shorter than the give-up time passes.
      expect(Date.now() - t0).toBeGreaterThanOrEqual(4_500);
      expect(sandbox!.server.requests.length).toBe(sentBefore);
      expect(sandbox!.badKeyHits).toHaveLength(0);
    });
  }
});
