import { describe, expect, it } from 'vitest';
import { bucketExcess, runRestartScenario } from './restart-scenario.js';

// Token buckets shared through a real redis-server by three processes, counted from every
// start's exact time: never more than capacity + rate × span between any two starts.
/** Cross-process timestamps are taken after the Redis reply: allow this much of a token. */
const slack = 0.4;

describe('a token bucket shared through Redis', () => {
  it('three processes at full speed never overdraw the bucket', async () => {
    const spec = { capacity: 5, refillPerSecond: 40 };
    const run = await runRestartScenario({ spec, onRedisDown: 'fail', processes: 3, runMs: 2_500 });
    expect(run.hung).toBe(0);
    expect(run.runs.flatMap((r) => r.failures)).toEqual([]);
    const times = run.starts.map((s) => s.at);
    expect(bucketExcess(times, 1, spec.capacity, spec.refillPerSecond)).toBeLessThanOrEqual(slack);
    // …and uses it: at least 80% of capacity + rate × the run (start-up is not counted) — a
    // floor against a stalling limiter on a loaded machine; the bench measures the share (98%).
    const span = (times.at(-1)! - times[0]!) / 1000;
    expect(times.length).toBeGreaterThanOrEqual(0.8 * (spec.capacity + spec.refillPerSecond * span));
  });

  const spec = { capacity: 10, refillPerSecond: 10 };
  const base = { spec, processes: 3, runMs: 9_000, killAfterMs: 1_000, downMs: 2_500 } as const;

  it("Redis killed and restarted, 'fail': every call settles fast with redis_unavailable, the new Redis is used, never overdrawn", async () => {
    const run = await runRestartScenario({ ...base, onRedisDown: 'fail' });
    expect(run.hung).toBe(0);
    for (const r of run.runs) expect(r.maxSettleMs).toBeLessThan(4_000);
    const failures = run.runs.flatMap((r) => r.failures);
    expect(failures.length).toBeGreaterThan(0);
    for (const f of failures) expect(`${f.name}/${f.code}`).toBe('NetworkError/redis_unavailable');
    const times = run.starts.map((s) => s.at);
    expect(bucketExcess(times, 1, spec.capacity, spec.refillPerSecond)).toBeLessThanOrEqual(slack);
    expect(times.filter((t) => t > run.killedAt + 100 && t < run.restartedAt)).toEqual([]);
    expect(times.filter((t) => t > run.restartedAt).length).toBeGreaterThanOrEqual(spec.capacity);
  });

  it("Redis killed and restarted, 'local': the fallback starts empty, returns to Redis, never overdrawn", async () => {
    const run = await runRestartScenario({ ...base, onRedisDown: 'local' });
    expect(run.hung).toBe(0);
    expect(run.runs.flatMap((r) => r.failures)).toEqual([]);
    const times = run.starts.map((s) => s.at);
    expect(bucketExcess(times, 1, spec.capacity, spec.refillPerSecond)).toBeLessThanOrEqual(slack);
    const fallback = run.starts.filter((s) => s.mode === 'fallback');
    expect(fallback.length).toBeGreaterThan(0);
    // Empty at first: a token of a third of the rate takes 300 ms to come.
    expect(fallback[0]!.at).toBeGreaterThanOrEqual(run.killedAt + (1000 * base.processes) / spec.refillPerSecond - 25);
    for (const r of run.runs) {
      const last = r.starts.at(-1)!;
      expect(last.mode).toBe('redis');
      expect(last.at).toBeGreaterThan(run.restartedAt);
    }
  });
});
