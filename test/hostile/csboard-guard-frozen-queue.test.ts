/**
 * Hostile (give-up timing): "with Redis down (connection down, or 5 s of failures) an unproven
 * key sends nothing" — and the call says so after about 5 s. But the 5 s is counted per call,
 * and an unproven key's calls in one process go one at a time (#lockKey). So with Redis frozen
 * (SIGSTOP: the connection stays 'ready'), N calls on one unproven key fail at ~5.4 s, ~10.8 s,
 * ~16.2 s, …: each starts its own 5 s of patience only once the one before has given up, though
 * the process already concluded "Redis is down" 5 s earlier. A bot's burst of 10 orders on a
 * new key hangs for ~54 s. (Same in dffbde7: the refactor kept it; the brief's bound is
 * "no call hanging past ~5–6 s on a frozen Redis".)
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { csboardWithRedis } from './csboard-redis-fixture.js';

describe('hostile: several calls of one unproven key on a frozen Redis', () => {
  const f = csboardWithRedis({ listings: 5, readLimit: 1000, windowMs: 1000 });

  it('three calls at once: every one is refused within ~6 s, not one after the other', { timeout: 40_000 }, async () => {
    const c = f.client(`csb_pub_${randomBytes(18).toString('base64url')}`);
    await c.health();
    const hits = f.sandbox.badKeyHits.length;
    f.redis.freeze();
    const t0 = Date.now();
    const outcomes = await Promise.all(
      [0, 1, 2].map(() =>
        c.getBalance().then(
          () => ({ code: 'sent', at: Date.now() - t0 }),
          (e: { code?: string }) => ({ code: e.code, at: Date.now() - t0 }),
        ),
      ),
    );
    f.redis.thaw();
    console.log('frozen Redis, one key, 3 calls:', outcomes);
    expect(f.sandbox.badKeyHits).toHaveLength(hits);
    expect(outcomes.map((o) => o.code)).toEqual(['redis_unavailable', 'redis_unavailable', 'redis_unavailable']);
    for (const o of outcomes) expect(o.at).toBeLessThan(7_000);
  });

  it('a call cancelled while the connection is still being made says aborted at once, and leaves Redis trusted', { timeout: 20_000 }, async () => {
    // A Redis that is not there yet: the connection keeps being made.
    const nowhere = net.createServer();
    await new Promise<void>((resolve) => nowhere.listen(0, '127.0.0.1', resolve));
    const port = (nowhere.address() as net.AddressInfo).port;
    await new Promise((resolve) => nowhere.close(resolve));
    const c = f.client(`csb_pub_${randomBytes(18).toString('base64url')}`, { redis: { url: `redis://127.0.0.1:${port}` } });
    const t0 = Date.now();
    const err = await c.getBalance({ signal: AbortSignal.timeout(300) }).catch((e: { code?: string }) => e);
    expect(err).toMatchObject({ code: 'aborted', requestSent: false });
    expect(Date.now() - t0).toBeLessThan(1_500);
  });
});
