/**
 * Hostile (the patience refactor, auth-guard.ts #admitLoop → patiently): the old loop re-ran
 * its checks between two tries of a lost look — the call's signal, `check(true)` (a ban on the
 * host, a dead key) and "proven meanwhile". The new one retries inside `patiently`, which
 * knows nothing of the guard, so while Redis is slow an unproven call keeps asking Redis for
 * up to REDIS_GIVE_UP_MS after this very process has learned the host is banned, and then
 * reports `redis_unavailable` (a Redis problem, no retryAfterMs) instead of `auth_banned`
 * (retryAfterMs ≈ the ban). A bot that backs off on `auth_banned` and retries a Redis blip at
 * once is told the wrong thing, 5 s late.
 *
 * Broken promise: "after `401 too_many_failed_auth` nothing at all goes to the host until the
 * ban ends" and its calls fail fast with `auth_banned` (the file comment of auth-guard.ts);
 * with dffbde7's auth-guard.ts this test passes (auth_banned after ~1 s).
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { csboardWithRedis } from './csboard-redis-fixture.js';

describe('hostile: a ban learned while the guard retries a lost look', () => {
  const f = csboardWithRedis({ listings: 5, readLimit: 1000, windowMs: 1000, badKeyLimit: 2, banMs: 60_000 });

  it('the unproven call stops with auth_banned at its next try, not redis_unavailable after 5 s', { timeout: 30_000 }, async () => {
    // A: a proven key in this process (no Redis of its own: it learns the ban by its own 401).
    const good = f.sandbox.createKey();
    const a = f.client(good, { redis: undefined });
    await a.getBalance();
    // B: an unproven key, state shared through Redis (connection up).
    const b = f.client(`csb_pub_${randomBytes(18).toString('base64url')}`);
    await b.health();
    // Someone else on the IP (a curl loop) gets it banned.
    for (let i = 0; i < 3; i++) await fetch(`${f.baseUrl}/balance`, { headers: { Authorization: `Bearer csb_pub_${randomBytes(18).toString('base64url')}` } });
    expect(f.sandbox.bannedForMs).toBeGreaterThan(0);
    const hits = f.sandbox.badKeyHits.length;

    f.redis.freeze(); // slow, not down: the connection stays up
    const t0 = Date.now();
    const pending = b.getBalance().then(
      () => ({ code: 'sent', at: Date.now() - t0 }),
      (e: { code?: string }) => ({ code: e.code, at: Date.now() - t0 }),
    );
    await sleep(300);
    // A's next call is answered 401 too_many_failed_auth: this process now knows the host is banned.
    expect(await a.getBalance().catch((e: { code?: string }) => e.code)).toBe('auth_banned');
    const outcome = await pending;
    f.redis.thaw();
    expect(f.sandbox.badKeyHits).toHaveLength(hits); // nothing sent either way
    const look = new Redis(f.redis.url);
    await look.ping();
    look.disconnect();
    // Old loop: auth_banned at the first retry after the ban was known (~1 s). Now: redis_unavailable at ~5.4 s.
    expect(outcome.code).toBe('auth_banned');
    expect(outcome.at).toBeLessThan(2_500);
  });
});
