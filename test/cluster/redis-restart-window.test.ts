import { describe, expect, it } from 'vitest';
import { maxStartsInWindow, runRestartScenario } from './restart-scenario.js';

// Three processes share a rolling window of 10 per second through a real redis-server that
// is SIGKILLed 1 s after all are sending and restarted empty on the same port 2.5 s later
// (longer than a call waits for Redis: calls fail, or fall back).
const limit = 10;
const windowMs = 1_000;
/** Cross-process timestamps are taken after the Redis reply: allow that much skew. */
const skewMs = 25;
const base = { spec: { limit, windowMs }, processes: 3, runMs: 9_000, killAfterMs: 1_000, downMs: 2_500 } as const;

describe('a shared rolling window while Redis is killed and restarted', () => {
  it("onRedisDown 'fail': every call settles fast, nothing is sent without Redis, the restarted Redis is used, never over the limit", async () => {
    const run = await runRestartScenario({ ...base, onRedisDown: 'fail' });
    expect(run.hung).toBe(0);
    for (const r of run.runs) expect(r.maxSettleMs).toBeLessThan(4_000);
    const failures = run.runs.flatMap((r) => r.failures);
    expect(failures.length).toBeGreaterThan(0);
    for (const f of failures) expect(`${f.name}/${f.code}`).toBe('NetworkError/redis_unavailable');
    const times = run.starts.map((s) => s.at);
    expect(maxStartsInWindow(times, windowMs - skewMs)).toBeLessThanOrEqual(limit);
    expect(times.filter((t) => t > run.killedAt + 100 && t < run.restartedAt)).toEqual([]);
    // Used again after the restart, without restarting the processes.
    expect(times.filter((t) => t > run.restartedAt).length).toBeGreaterThanOrEqual(limit);
  });

  it("onRedisDown 'local': the fallback starts empty with a third each, returns to Redis, never over the limit", async () => {
    const run = await runRestartScenario({ ...base, onRedisDown: 'local' });
    expect(run.hung).toBe(0);
    expect(run.runs.flatMap((r) => r.failures)).toEqual([]);
    const times = run.starts.map((s) => s.at);
    expect(maxStartsInWindow(times, windowMs - skewMs)).toBeLessThanOrEqual(limit);
    const fallback = run.starts.filter((s) => s.mode === 'fallback');
    expect(fallback.length).toBeGreaterThan(0);
    // Empty at first: it does not know what the others spent in the window before Redis died.
    expect(fallback[0]!.at).toBeGreaterThanOrEqual(run.killedAt + windowMs - skewMs);
    // Each process goes back to Redis once it answers again.
    for (const r of run.runs) {
      const last = r.starts.at(-1)!;
      expect(last.mode).toBe('redis');
      expect(last.at).toBeGreaterThan(run.restartedAt);
    }
  });

  it('a quick restart (leases lost within the window): the window counts as spent, never over the limit', async () => {
    const longWindow = 3_000;
    const run = await runRestartScenario({ spec: { limit, windowMs: longWindow }, onRedisDown: 'fail', processes: 3, runMs: 5_000, killAfterMs: 1_000, downMs: 50 });
    expect(run.hung).toBe(0);
    const times = run.starts.map((s) => s.at);
    expect(maxStartsInWindow(times, longWindow - skewMs)).toBeLessThanOrEqual(limit);
    expect(times.length).toBeGreaterThanOrEqual(limit);
  });
});
