import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientClosedError, NetworkError } from '../../src/errors.js';
import { EventHub } from '../../src/events.js';
import { acquireQuota } from '../../src/limits/registry.js';
import type { LimitSpec } from '../../src/limits/specs.js';
import { startRedis } from './redis-server.js';

type Redis = Awaited<ReturnType<typeof startRedis>>;

function quota(url: string, spec: LimitSpec, onRedisDown: 'fail' | 'local' = 'fail') {
  const handle = acquireQuota({
    provider: 'test',
    fingerprint: randomUUID().slice(0, 8),
    specs: { calls: spec },
    maxQueued: 20_000,
    events: new EventHub(),
    redis: { url, onRedisDown, processes: 2 },
    maxAttemptMs: 2_000,
  });
  return { handle, limiter: handle.limiters.get('calls')! };
}

const outcome = (p: Promise<unknown>): Promise<unknown> => p.then(() => 'sent', (e: unknown) => e);

describe('a quota shared through Redis: close, abort and a hung Redis', () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis.stop());

  for (const spec of [{ limit: 1, windowMs: 60_000 }, { capacity: 1, refillPerSecond: 0.01 }] as LimitSpec[]) {
    const kind = 'limit' in spec ? 'rolling window' : 'token bucket';
    it(`${kind}: 5,000 calls queued on Redis are refused with ClientClosedError at close, none sent`, async () => {
      const { handle, limiter } = quota(redis.url, spec);
      let sent = 0;
      await limiter.run(1, undefined, async () => void sent++);
      const queued = Array.from({ length: 5_000 }, () => outcome(limiter.run(1, undefined, async () => void sent++)));
      await new Promise((r) => setTimeout(r, 100));
      expect(limiter.queued()).toBe(5_000);
      const t = performance.now();
      await handle.release();
      const outcomes = await Promise.all(queued);
      console.log(`${kind} in Redis: 5k queued calls refused by close in ${(performance.now() - t).toFixed(1)} ms`);
      expect(outcomes.every((o) => o instanceof ClientClosedError)).toBe(true);
      expect(sent).toBe(1);
    });

    it(`${kind}: aborted calls leave the Redis line at once`, async () => {
      const { handle, limiter } = quota(redis.url, spec);
      await limiter.run(1, undefined, async () => undefined);
      const controllers = Array.from({ length: 2_000 }, () => new AbortController());
      let sent = 0;
      const calls = controllers.map((c) => outcome(limiter.run(1, c.signal, async () => void sent++)));
      await new Promise((r) => setTimeout(r, 100));
      for (const c of controllers) c.abort();
      expect(limiter.queued()).toBe(0);
      const outcomes = await Promise.all(calls);
      expect(outcomes.every((o) => (o as Error).name === 'AbortError')).toBe(true);
      expect(sent).toBe(0);
      await handle.release();
    });
  }

  it('a call waiting for an unreachable Redis is refused with ClientClosedError at close, not after the wait', async () => {
    const { handle, limiter } = quota('redis://127.0.0.1:1', { limit: 10, windowMs: 1_000 });
    const call = outcome(limiter.run(1, undefined, async () => undefined));
    await new Promise((r) => setTimeout(r, 50));
    const t = performance.now();
    await handle.release();
    expect(await call).toBeInstanceOf(ClientClosedError);
    expect(performance.now() - t).toBeLessThan(500);
  });

  it('a hung Redis (SIGSTOP): queued calls fail with redis_unavailable within seconds, and Redis is used again once it answers', async () => {
    const { handle, limiter } = quota(redis.url, { capacity: 2, refillPerSecond: 2 });
    await limiter.run(1, undefined, async () => undefined);
    redis.freeze();
    const t = performance.now();
    let sent = 0;
    const calls = Array.from({ length: 20 }, () => outcome(limiter.run(1, undefined, async () => void sent++)));
    const outcomes = await Promise.all(calls);
    const settledMs = performance.now() - t;
    redis.thaw();
    expect(outcomes.every((o) => o instanceof NetworkError && o.code === 'redis_unavailable')).toBe(true);
    expect(sent).toBe(0);
    expect(settledMs).toBeLessThan(5_000);
    // Back: the same limiter uses Redis again.
    for (let i = 0; i < 50 && sent === 0; i++) {
      await limiter.run(1, undefined, async () => void sent++).catch(() => new Promise((r) => setTimeout(r, 100)));
    }
    expect(sent).toBe(1);
    expect(limiter.mode).toBe('redis');
    await handle.release();
  });

  // A stall shorter than the give-up time is not an outage: a command that times out while
  // Redis still runs it is asked again. A window's take is asked again under the same lease
  // (nothing counted twice); a bucket's lost take keeps its tokens spent (less, never more).
  for (const spec of [{ limit: 4, windowMs: 60_000 }, { capacity: 4, refillPerSecond: 0.01 }] as LimitSpec[]) {
    const kind = 'limit' in spec ? 'rolling window' : 'token bucket';
    it(`${kind}: Redis frozen for 1.6 s (past the 1 s command timeout): queued calls wait and are served after it, within the limit`, async () => {
      const { handle, limiter } = quota(redis.url, spec);
      let sent = 0;
      await limiter.run(1, undefined, async () => void sent++);
      redis.freeze();
      const t = performance.now();
      const calls = Array.from({ length: 6 }, () => outcome(limiter.run(1, undefined, async () => void sent++)));
      await new Promise((r) => setTimeout(r, 1_600));
      redis.thaw();
      // At most 4 in all: the first, then 3 of the 6 (a bucket may have lost one token to the
      // stall); the rest wait for the quota (a minute, or 100 s of refill).
      const expected = 'limit' in spec ? 4 : 3;
      const deadline = Date.now() + 5_000;
      while (sent < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(performance.now() - t).toBeGreaterThanOrEqual(1_500);
      await new Promise((r) => setTimeout(r, 300));
      if ('limit' in spec) expect(sent).toBe(4);
      else expect([3, 4]).toContain(sent);
      await handle.release();
      const outcomes = await Promise.all(calls);
      expect(outcomes.filter((o) => o === 'sent')).toHaveLength(sent - 1);
      expect(outcomes.filter((o) => o instanceof ClientClosedError)).toHaveLength(7 - sent);
      expect(outcomes.some((o) => o instanceof NetworkError)).toBe(false);
    });
  }
});
