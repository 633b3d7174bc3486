/**
 * Hostile (the lost-look release, auth-guard.ts #admit → #release): a look whose answer was
 * lost may still run in Redis and take the key's probe and a budget slot; #release frees them
 * "queued on the same connection, after that look". close() breaks that: it disconnects the
 * connection (registry.ts `client.disconnect()`), so the release is refused by ioredis at once
 * (enableOfflineQueue: false) while the look already written to the socket still runs when
 * Redis wakes. The probe is then held for its whole TTL (timeoutMs + 5 s = 35 s) and the slot
 * for the budget's minute, with nothing sent: every other process's unproven call with that
 * key waits 35 s (or gives up), and the fleet's budget of 10 is one short.
 * Broken promise: "a lost look's probe/slot is released if the call ends without sending".
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { csboardWithRedis } from './csboard-redis-fixture.js';

describe('hostile: close() while the guard waits on a lost look', () => {
  const f = csboardWithRedis({ listings: 5, readLimit: 1000, windowMs: 1000 });

  it('the probe and the budget slot the lost look took are freed', { timeout: 30_000 }, async () => {
    const c = f.client(`csb_pub_${randomBytes(18).toString('base64url')}`);
    await c.health();
    const hits = f.sandbox.badKeyHits.length;
    f.redis.freeze();
    const call = c.getBalance().catch((e: { code?: string }) => e.code);
    await sleep(300); // the look is on the socket; Redis has not run it
    await c.close();
    expect(await call).toBe('client_closed');
    f.redis.thaw();
    await sleep(500);
    const look = new Redis(f.redis.url);
    const probes = await look.keys('mm_csboard_auth:*:probe:*');
    const ttls = await Promise.all(probes.map((k) => look.pttl(k)));
    const slots = await look.zcard('mm_csboard_auth:unproven');
    look.disconnect();
    expect(f.sandbox.badKeyHits).toHaveLength(hits); // nothing was sent
    expect({ probes: probes.length, ttls, slots }).toEqual({ probes: 0, ttls: [], slots: 0 });
  });
});
