// One process sharing one limiter through Redis while the test kills and restarts Redis.
// argv: JSON of { redisUrl, fingerprint, spec, cost, onRedisDown, processes, runMs, lanes }
// Prints {"running":true} at its first start, then, runMs later, one JSON line: every start (wall-clock ms, sub-ms precise, and the limiter's mode)
// and every failure (name, code, how long the call took to settle).
import { acquireQuota } from '../../dist/src/limits/registry.js';
import { EventHub } from '../../dist/src/events.js';
import { performance } from 'node:perf_hooks';

const env = JSON.parse(process.argv[2]);
const now = () => performance.timeOrigin + performance.now();
const quota = acquireQuota({
  provider: 'test',
  fingerprint: env.fingerprint,
  specs: { calls: env.spec },
  events: new EventHub(),
  redis: { url: env.redisUrl, onRedisDown: env.onRedisDown, processes: env.processes },
  maxAttemptMs: 2_000,
});
const limiter = quota.limiters.get('calls');
let end = Infinity;
const starts = [];
const failures = [];
let maxSettleMs = 0;
async function lane() {
  while (now() < end) {
    const called = now();
    try {
      await limiter.run(env.cost, undefined, async () => {
        starts.push({ at: now(), mode: limiter.mode });
        if (end === Infinity) {
          end = now() + env.runMs;
          process.stdout.write(JSON.stringify({ running: true }) + '\n');
        }
        await new Promise((r) => setTimeout(r, 5));
      });
    } catch (error) {
      failures.push({ name: error.name, code: error.code, ms: now() - called, at: now() });
      await new Promise((r) => setTimeout(r, 20));
    }
    maxSettleMs = Math.max(maxSettleMs, now() - called);
  }
}
await Promise.all(Array.from({ length: env.lanes }, lane));
await quota.release();
process.stdout.write(JSON.stringify({ starts, failures, maxSettleMs }) + '\n');
