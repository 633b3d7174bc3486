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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCsboardClient } from '../../src/index.js';
import { resetAuthGuardState } from '../../providers/csboard/auth-guard.js';
import { CsboardSandbox } from '../../providers/csboard/sandbox.js';
import { startRedis } from '../cluster/redis-server.js';

describe('hostile: close() while the guard waits on a lost look', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let sandbox: CsboardSandbox;
  let baseUrl: string;
  beforeAll(async () => {
    resetAuthGuardState();
    redis = await startRedis();
    sandbox = new CsboardSandbox({ listings: 5, readLimit: 1000, windowMs: 1000 });
    baseUrl = await sandbox.start();
  });
  afterAll(async () => {
    redis.thaw();
    await sandbox.close();
    await redis.stop();
    resetAuthGuardState();
  });

  it('the probe and the budget slot the lost look took are freed', { timeout: 30_000 }, async () => {
    const c = createCsboardClient({ apiKey: `csb_pub_${randomBytes(18).toString('base64url')}`, baseUrl, retry: { retries: 0 }, redis: { url: redis.url } });
    await c.health();
    const hits = sandbox.badKeyHits.length;
    redis.freeze();
    const call = c.getBalance().catch((e: { code?: string }) => e.code);
    await sleep(300); // the look is on the socket; Redis has not run it
    await c.close();
    expect(await call).toBe('client_closed');
    redis.thaw();
    await sleep(500);
    const look = new Redis(redis.url);
    const probes = await look.keys('mm_csboard_auth:*:probe:*');
    const ttls = await Promise.all(probes.map((k) => look.pttl(k)));
    const slots = await look.zcard('mm_csboard_auth:unproven');
    look.disconnect();
    expect(sandbox.badKeyHits).toHaveLength(hits); // nothing was sent
    expect({ probes: probes.length, ttls, slots }).toEqual({ probes: 0, ttls: [], slots: 0 });
  });
});
