/** One of the processes sharing a bucket through Redis (see bucket.ts); prints send times. */
import { EventHub } from '../src/events.js';
import { acquireQuota } from '../src/limits/registry.js';
import { COST } from './bucket.js';

const [url, key, rateText, secondsText, startText] = process.argv.slice(2) as [string, string, string, string, string];
const rate = Number(rateText);
const quota = acquireQuota({
  provider: 'bench',
  fingerprint: key,
  specs: { read: { capacity: rate * COST, refillPerSecond: rate * COST } },
  events: new EventHub(),
  redis: { url },
  maxAttemptMs: 10_000,
});
const limiter = quota.limiters.get('read')!;
await new Promise((r) => setTimeout(r, Math.max(0, Number(startText) - Date.now())));
// The limiter's timers are unref()'d (the request sender holds the process for real calls).
const keepAlive = setInterval(() => undefined, 1000);
const times: number[] = [];
const end = performance.now() + Number(secondsText) * 1000;
await Promise.all(
  Array.from({ length: 16 }, async () => {
    while (performance.now() < end) await limiter.run(COST, undefined, async () => void times.push(performance.timeOrigin + performance.now()));
  }),
);
process.stdout.write(times.map((t) => t.toFixed(3)).join('\n') + '\n');
await quota.release();
clearInterval(keepAlive);
process.exit(0);
