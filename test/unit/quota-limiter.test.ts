import { describe, expect, it } from 'vitest';
import { RateLimitError } from '../../src/index.js';
import { PauseGate } from '../../src/limits/pause-gate.js';
import { QuotaLimiter } from '../../src/limits/quota-limiter.js';

const make = (spec: ConstructorParameters<typeof QuotaLimiter>[0]['spec'], maxQueued?: number) =>
  new QuotaLimiter({ provider: 'test', limitClass: 'read', spec, gate: new PauseGate(), maxQueued });

describe('QuotaLimiter', () => {
  it('rolling window: the (i+N)th start comes at least W after the ith answer', async () => {
    const limit = 5;
    const windowMs = 200;
    const limiter = make({ limit, windowMs });
    const starts: number[] = [];
    const ends: number[] = [];
    await Promise.all(
      Array.from({ length: 3 * limit }, () =>
        limiter.run(1, undefined, async () => {
          starts.push(performance.now());
          await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
          ends.push(performance.now());
        }),
      ),
    );
    const s = [...starts].sort((a, b) => a - b);
    const e = [...ends].sort((a, b) => a - b);
    for (let i = 0; i + limit < s.length; i++) expect(s[i + limit]! - e[i]!).toBeGreaterThanOrEqual(windowMs - 2);
    // …and never more than N starts in any window.
    for (let i = 0; i + limit < s.length; i++) expect(s[i + limit]! - s[i]!).toBeGreaterThanOrEqual(windowMs - 2);
    await limiter.close();
  });

  it('token bucket: cost is weighed, a request larger than the bucket is refused at once', async () => {
    const limiter = make({ capacity: 30, refillPerSecond: 100 });
    const t = performance.now();
    for (let i = 0; i < 6; i++) await limiter.run(10, undefined, async () => undefined);
    // 60 tokens through a bucket of 30 refilling 100/s: at least ~300 ms.
    expect(performance.now() - t).toBeGreaterThanOrEqual(250);
    await expect(limiter.run(31, undefined, async () => undefined)).rejects.toBeInstanceOf(RateLimitError);
    await limiter.close();
  });

  it('a pause holds every call until it is over', async () => {
    const gate = new PauseGate();
    const limiter = new QuotaLimiter({ provider: 'test', limitClass: 'read', spec: { limit: 100, windowMs: 1000 }, gate });
    gate.pauseFor(150);
    const t = performance.now();
    await limiter.run(1, undefined, async () => undefined);
    expect(performance.now() - t).toBeGreaterThanOrEqual(140);
    await limiter.close();
  });

  it('a call cancelled while queued never runs; close refuses what still waits', async () => {
    const limiter = make({ limit: 1, windowMs: 60_000 });
    let ran = 0;
    await limiter.run(1, undefined, async () => void ran++);
    const controller = new AbortController();
    const cancelled = limiter.run(1, controller.signal, async () => void ran++);
    const waiting = limiter.run(1, undefined, async () => void ran++).then(
      () => 'ran',
      (e: unknown) => e,
    );
    controller.abort();
    await expect(cancelled).rejects.toMatchObject({ name: 'AbortError' });
    await limiter.close();
    expect(await waiting).toBeInstanceOf(RateLimitError);
    expect(ran).toBe(1);
  });
});

describe('QuotaLimiter.updateSpec', () => {
  it('a token bucket keeps refilling after its spec changes', async () => {
    const limiter = make({ capacity: 400, refillPerSecond: 200 });
    await limiter.run(10, undefined, async () => undefined);
    await limiter.updateSpec({ capacity: 50, refillPerSecond: 100 });
    let ran = 0;
    // 200 tokens through a 50-token bucket refilling 100/s: done in ~1.5 s if the refill runs.
    await Promise.race([Promise.all(Array.from({ length: 20 }, () => limiter.run(10, undefined, async () => void ran++))), new Promise((r) => setTimeout(r, 5000))]);
    expect(ran).toBe(20);
    await limiter.close();
  });

  it('a rolling window grows and shrinks with slots in use still counted', async () => {
    const limiter = make({ limit: 2, windowMs: 60_000 });
    await limiter.run(1, undefined, async () => undefined);
    await limiter.updateSpec({ limit: 4, windowMs: 60_000 });
    let ran = 0;
    const three = Array.from({ length: 4 }, () => limiter.run(1, undefined, async () => void ran++).catch(() => undefined));
    await new Promise((r) => setTimeout(r, 200));
    expect(ran).toBe(3); // 4 slots, 1 still held
    await limiter.close();
    await Promise.all(three);
  });
});
