import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { randomUUID } from 'node:crypto';
import type { LimitSpec } from '../../src/limits/specs.js';
import { startRedis } from './redis-server.js';

/** What one worker process saw. */
export interface WorkerRun {
  starts: { at: number; mode: string }[];
  failures: { name: string; code: string; ms: number; at: number }[];
  maxSettleMs: number;
}

/** The whole run, with wall-clock times of the kill and the restart. */
export interface Scenario {
  runs: WorkerRun[];
  starts: { at: number; mode: string }[];
  killedAt: number;
  restartedAt: number;
  /** Workers that did not finish by themselves in time (a call that never settled). */
  hung: number;
}

/**
 * `processes` workers share one limiter through a real redis-server; once all are sending,
 * Redis is killed with SIGKILL `killAfterMs` later and a fresh, empty one started on the same
 * port `downMs` after that.
 */
export async function runRestartScenario(options: {
  spec: LimitSpec;
  cost?: number;
  onRedisDown: 'fail' | 'local';
  processes: number;
  /** How long each worker sends, from its first start. */
  runMs: number;
  /** Omit to leave Redis running. */
  killAfterMs?: number;
  downMs?: number;
  lanes?: number;
}): Promise<Scenario> {
  const redis = await startRedis();
  const env = {
    redisUrl: redis.url,
    fingerprint: randomUUID().slice(0, 8),
    spec: options.spec,
    cost: options.cost ?? 1,
    onRedisDown: options.onRedisDown,
    processes: options.processes,
    runMs: options.runMs,
    lanes: options.lanes ?? 3,
  };
  let hung = 0;
  const running: Promise<void>[] = [];
  const workers = Array.from({ length: options.processes }, () => {
    const child = spawn(process.execPath, ['test/cluster/restart-worker.mjs', JSON.stringify(env)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let result: WorkerRun | undefined;
    running.push(
      new Promise<void>((resolve) => {
        createInterface({ input: child.stdout }).on('line', (line) => {
          const msg = JSON.parse(line) as WorkerRun & { running?: boolean };
          if (msg.running) resolve();
          else result = msg;
        });
        child.once('exit', () => resolve());
      }),
    );
    // A worker with a call that never settles does not finish: it is killed and counted.
    const timer = setTimeout(() => child.kill('SIGKILL'), options.runMs + 15_000);
    return new Promise<WorkerRun>((resolve) =>
      child.once('exit', () => {
        clearTimeout(timer);
        if (!result) hung += 1;
        resolve(result ?? { starts: [], failures: [], maxSettleMs: Infinity });
      }),
    );
  });
  // The clock starts when every process is sending (start-up on a busy machine is not part of it).
  await Promise.all(running);
  let killedAt = Infinity;
  let restartedAt = Infinity;
  if (options.killAfterMs !== undefined) {
    await new Promise((r) => setTimeout(r, options.killAfterMs));
    killedAt = performance.timeOrigin + performance.now();
    await redis.kill();
    await new Promise((r) => setTimeout(r, options.downMs ?? 1_000));
    await redis.restart();
    restartedAt = performance.timeOrigin + performance.now();
  }
  const runs = await Promise.all(workers);
  await redis.stop();
  const starts = runs.flatMap((r) => r.starts).sort((a, b) => a.at - b.at);
  return { runs, starts, killedAt, restartedAt, hung };
}

/** The most starts seen in any span shorter than `windowMs` (sorted start times). */
export function maxStartsInWindow(times: number[], windowMs: number): number {
  let most = 0;
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[j]! - times[i]! >= windowMs) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

/**
 * The largest excess of a token bucket over its allowance: for every pair of starts, what was
 * spent between them minus what the bucket can give over that span (capacity + rate × span).
 * Positive means the bucket was overdrawn.
 */
export function bucketExcess(times: number[], cost: number, capacity: number, refillPerSecond: number): number {
  let worst = -Infinity;
  for (let i = 0; i < times.length; i++) {
    for (let j = i; j < times.length; j++) {
      const spent = (j - i + 1) * cost;
      worst = Math.max(worst, spent - capacity - (refillPerSecond * (times[j]! - times[i]!)) / 1000);
    }
  }
  return worst;
}
