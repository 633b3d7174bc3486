import { describe, expect, it } from 'vitest';
import { ClientClosedError, RateLimitError } from '../../src/index.js';
import { PauseGate } from '../../src/limits/pause-gate.js';
import { bucketReserve, LocalBucket } from '../../src/limits/local-quota.js';
import { fallbackShare, QuotaLimiter } from '../../src/limits/quota-limiter.js';

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
    expect(await waiting).toBeInstanceOf(ClientClosedError);
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

describe('QuotaLimiter: an exact token bucket', () => {
  it('never sends over the bucket at full speed, counted from each start\'s exact time', async () => {
    const capacity = 10;
    const refillPerSecond = 400;
    const limiter = make({ capacity, refillPerSecond });
    // Mid-way between two refills of a tick-based bucket: a whole tick's tokens would come early.
    await new Promise((r) => setTimeout(r, 30));
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 400 }, () => limiter.run(1, undefined, async () => void starts.push(performance.now()))));
    let excess = -Infinity;
    for (let i = 0; i < starts.length; i++) {
      for (let j = i; j < starts.length; j++) excess = Math.max(excess, j - i + 1 - capacity - (refillPerSecond * (starts[j]! - starts[i]!)) / 1000);
    }
    // Not a whole token over at any instant (timestamps are taken a few microtasks after the grant).
    expect(excess).toBeLessThan(0.5);
    // …and at about the bucket's speed: 390 refilled tokens at 400/s take ~1 s (bounded loosely:
    // a busy machine delays timers).
    expect(starts.at(-1)! - starts[0]!).toBeLessThan(2_000);
    await limiter.close();
  });

  it('the bucket itself: tokens from exact elapsed time, never one early (a busy taker, exact timestamps)', () => {
    const capacity = 5;
    const refillPerSecond = 1_000;
    const bucket = new LocalBucket({ capacity, refillPerSecond }, { startEmpty: false, onFree: () => undefined });
    // Each grant happened between `before` and `after`: the span between two grants is at most
    // after[j] − before[i], the most any exact bucket could have refilled (a preempted test
    // cannot fail it; a token handed out early still does).
    const before: number[] = [];
    const after: number[] = [];
    const start = performance.now();
    const end = start + 200;
    // Tokens a preempted loop could not take: a pause longer than the bucket holds overflows it
    // (what it holds for a taker: the capacity less the reserve it keeps against clock skew).
    const holds = capacity - bucketReserve({ capacity, refillPerSecond }, 1);
    let overflowed = 0;
    let last = start;
    while (performance.now() < end) {
      const b = performance.now();
      overflowed += Math.max(0, ((b - last) * refillPerSecond) / 1000 - holds);
      last = b;
      if ('grant' in bucket.take(1)) {
        after.push(performance.now());
        before.push(b);
      }
    }
    const grants = after;
    let excess = -Infinity;
    for (let i = 0; i < grants.length; i++) {
      for (let j = i; j < grants.length; j++) excess = Math.max(excess, j - i + 1 - capacity - (refillPerSecond * (after[j]! - before[i]!)) / 1000);
    }
    expect(excess).toBeLessThanOrEqual(1e-9);
    // …and the tokens are used: all that refilled while the loop ran (1000/s × its span, plus what
    // the bucket held), less what a busy machine's preemptions let overflow it — and a loop turn
    // spent while the bucket is full wastes a little more (the 20% slack).
    const available = holds + (refillPerSecond * (last - start)) / 1000 - overflowed;
    expect(grants.length).toBeGreaterThanOrEqual(Math.floor(0.8 * available));
  });

  it('an empty start: the first token comes after 1/rate', () => {
    const bucket = new LocalBucket({ capacity: 10, refillPerSecond: 10 }, { startEmpty: true, onFree: () => undefined });
    const wait = bucket.take(1);
    expect('waitMs' in wait && wait.waitMs).toBeGreaterThan(99);
  });

  it('a shrunk bucket keeps what was spent counted; a grown one refills to its new capacity', async () => {
    const limiter = make({ capacity: 100, refillPerSecond: 10 });
    await limiter.run(60, undefined, async () => undefined); // 40 left, 60 spent
    await limiter.updateSpec({ capacity: 50, refillPerSecond: 10 });
    let ran = false;
    const next = limiter.run(1, undefined, async () => void (ran = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(ran).toBe(false); // 40 left, capped at 50, less the 60 not yet refilled: none
    await limiter.close();
    await next.catch(() => undefined);
  });
});

describe('QuotaLimiter: close and abort', () => {
  for (const spec of [{ limit: 1, windowMs: 60_000 }, { capacity: 1, refillPerSecond: 0.001 }]) {
    const kind = 'limit' in spec ? 'rolling window' : 'token bucket';
    it(`${kind}: 10,000 queued calls are all refused with ClientClosedError at close, none sent`, async () => {
      const limiter = make(spec, 20_000);
      await limiter.run(1, undefined, async () => undefined);
      let sent = 0;
      const queued = Array.from({ length: 10_000 }, () => limiter.run(1, undefined, async () => void sent++).then(() => 'sent', (e: unknown) => e));
      await new Promise((r) => setTimeout(r, 10));
      expect(limiter.queued()).toBe(10_000);
      const t = performance.now();
      await limiter.close();
      const outcomes = await Promise.all(queued);
      console.log(`${kind}: 10k queued calls refused by close in ${(performance.now() - t).toFixed(1)} ms`);
      expect(outcomes.every((o) => o instanceof ClientClosedError && o.code === 'client_closed')).toBe(true);
      expect(sent).toBe(0);
      await expect(limiter.run(1, undefined, async () => void sent++)).rejects.toBeInstanceOf(ClientClosedError);
      expect(sent).toBe(0);
    });

    it(`${kind}: an aborted queued call leaves the queue at once; 10,000 aborts stay cheap`, async () => {
      const limiter = make(spec, 20_000);
      await limiter.run(1, undefined, async () => undefined);
      let sent = 0;
      const controllers = Array.from({ length: 10_000 }, () => new AbortController());
      const calls = controllers.map((c) => limiter.run(1, c.signal, async () => void sent++).catch((e: unknown) => e));
      await new Promise((r) => setTimeout(r, 10));
      const t = performance.now();
      // Newest first: the worst order for a queue that searches from its head.
      for (let i = controllers.length - 1; i >= 0; i--) controllers[i]!.abort();
      expect(limiter.queued()).toBe(0);
      const outcomes = await Promise.all(calls);
      console.log(`${kind}: 10k aborts in ${(performance.now() - t).toFixed(1)} ms`);
      expect(outcomes.every((o) => (o as Error).name === 'AbortError')).toBe(true);
      expect(sent).toBe(0);
      await limiter.close();
    });
  }
});

describe('QuotaLimiter: timers', () => {
  it('a window longer than a timer can hold is clamped, not fired at once (TimeoutOverflowWarning)', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.name);
    process.on('warning', onWarning);
    const limiter = make({ limit: 1, windowMs: 2 ** 32 });
    let ran = 0;
    await limiter.run(1, undefined, async () => void ran++);
    const second = limiter.run(1, undefined, async () => void ran++).catch(() => undefined);
    const gate = new PauseGate();
    gate.pauseFor(2 ** 33);
    const paused = gate.wait(AbortSignal.timeout(50)).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
    await paused;
    expect(ran).toBe(1);
    await limiter.close();
    await second;
    process.off('warning', onWarning);
    expect(warnings).not.toContain('TimeoutOverflowWarning');
  });
});

describe('QuotaLimiter: close during a pause, fallback shares', () => {
  it('a call waiting out a pause is refused with ClientClosedError at close, not sent', async () => {
    const gate = new PauseGate();
    const limiter = new QuotaLimiter({ provider: 'test', limitClass: 'read', spec: { limit: 100, windowMs: 1000 }, gate });
    gate.pauseFor(60_000);
    let sent = 0;
    const call = limiter.run(1, undefined, async () => void sent++).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 20));
    await limiter.close();
    expect(await call).toBeInstanceOf(ClientClosedError);
    expect(sent).toBe(0);
  });

  it('a fallback takes limit ÷ processes (rounded down), or nothing when that is under one start', () => {
    expect(fallbackShare({ limit: 10, windowMs: 1000 }, 3)).toEqual({ limit: 3, windowMs: 1000 });
    expect(fallbackShare({ limit: 3, windowMs: 1000 }, 4)).toBeUndefined();
    expect(fallbackShare({ capacity: 200, refillPerSecond: 100 }, 4)).toEqual({ capacity: 50, refillPerSecond: 25 });
  });
});
