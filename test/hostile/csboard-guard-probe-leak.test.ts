// Hostile review: the bad-key guard's retry under one token (auth-guard.ts #admit). A look whose
// answer was lost may still run in Redis later and take the key's probe (and a budget slot)
// under that token. When the call then ends WITHOUT sending — cancelled during the retries, or
// refused with redis_unavailable after the give-up time — nothing ever frees that probe: it is
// held for its whole TTL (timeoutMs + 5 s = 35 s by default), and every other process's
// unproven call with the key waits behind a probe that no request is behind.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCsboardClient, type CsboardClient } from '../../src/index.js';
import { resetAuthGuardState } from '../../providers/csboard/auth-guard.js';
import { CsboardSandbox } from '../../providers/csboard/sandbox.js';
import { startRedis } from '../cluster/redis-server.js';

describe('bad-key guard: a call that sent nothing leaves no probe (or budget slot) in Redis', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let sandbox: CsboardSandbox;
  let baseUrl: string;
  const clients: CsboardClient[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    sandbox = new CsboardSandbox({ listings: 20, readLimit: 1000, windowMs: 1000 });
    baseUrl = await sandbox.start();
  });
  afterAll(async () => {
    await sandbox.close();
    await redis.stop();
  });
  afterEach(async () => {
    redis.thaw();
    await Promise.all(clients.splice(0).map((c) => c.close()));
    resetAuthGuardState();
    const flush = new Redis(redis.url);
    await flush.flushall();
    flush.disconnect();
  });

  const client = (apiKey: string, extra: Record<string, unknown> = {}): CsboardClient => {
    const c = createCsboardClient({ apiKey, baseUrl, retry: { retries: 0 }, redis: { url: redis.url }, ...extra });
    clients.push(c);
    return c;
  };

  /** A second process (fresh in-process state, same Redis) tries the same bad key: it should get its 401 at once. */
  const secondProcessTries = async (apiKey: string): Promise<unknown> => {
    resetAuthGuardState();
    const other = client(apiKey);
    return other.getBalance({ signal: AbortSignal.timeout(4_000) }).catch((e: unknown) => e);
  };

  it('cancelled while the guard retries a lost look: the probe is not left held', { timeout: 30_000 }, async () => {
    const key = `csb_pub_${randomBytes(18).toString('base64url')}`;
    const hitsBefore = sandbox.badKeyHits.length;
    const a = client(key);
    await a.health(); // connection ready
    redis.freeze();
    const ac = new AbortController();
    const first = a.getBalance({ signal: ac.signal }).catch((e: unknown) => e);
    await sleep(1_300); // the first look's answer is lost (1 s); the guard looks again
    ac.abort();
    expect(await first).toMatchObject({ code: 'aborted', requestSent: false });
    redis.thaw();
    await sleep(300); // Redis runs the looks it had queued
    const look = new Redis(redis.url);
    const probes = await look.keys('mm_csboard_auth:*:probe:*');
    const ttls = await Promise.all(probes.map((k) => look.pttl(k)));
    look.disconnect();
    expect(sandbox.badKeyHits).toHaveLength(hitsBefore); // nothing was sent ...
    // ... yet the key's next unproven attempt (any process) waits out the probe's TTL (35 s):
    // here it is cancelled after 4 s instead of getting its 401.
    const next = await secondProcessTries(key);
    expect({ probes, ttls, next: (next as { code?: string }).code }).toEqual({ probes: [], ttls: [], next: 'authentication_failed' });
  });

  it("onRedisDown 'fail': refused with redis_unavailable after the give-up time, and the probe is not left held", { timeout: 30_000 }, async () => {
    const key = `csb_pub_${randomBytes(18).toString('base64url')}`;
    const hitsBefore = sandbox.badKeyHits.length;
    const a = client(key);
    await a.health();
    redis.freeze();
    const err = await a.getBalance().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'redis_unavailable' });
    redis.thaw();
    await sleep(300);
    const look = new Redis(redis.url);
    const probes = await look.keys('mm_csboard_auth:*:probe:*');
    look.disconnect();
    expect(sandbox.badKeyHits).toHaveLength(hitsBefore);
    const next = await secondProcessTries(key);
    expect({ probes, next: (next as { code?: string }).code }).toEqual({ probes: [], next: 'authentication_failed' });
  });

  it('cancelled after a lost look: the shared budget slot it took is given back (nothing was sent on it)', { timeout: 30_000 }, async () => {
    const key = `csb_pub_${randomBytes(18).toString('base64url')}`;
    const hitsBefore = sandbox.badKeyHits.length;
    const a = client(key);
    await a.health();
    redis.freeze();
    const ac = new AbortController();
    const first = a.getBalance({ signal: ac.signal }).catch((e: unknown) => e);
    await sleep(1_300);
    ac.abort();
    expect(await first).toMatchObject({ code: 'aborted', requestSent: false });
    redis.thaw();
    await sleep(300);
    const look = new Redis(redis.url);
    const spent = await look.zcard('mm_csboard_auth:unproven');
    look.disconnect();
    expect(sandbox.badKeyHits).toHaveLength(hitsBefore);
    expect(spent).toBe(0);
  });
});
