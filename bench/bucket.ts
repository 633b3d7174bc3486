/**
 * Goal 1: a Kalshi-style token bucket (cost 10, capacity one second of refill, 64 in flight)
 * delivers ≥ 98% of its rate from 10 to 2,000 calls/s, in one process and shared by 4
 * processes through Redis, and no send ever exceeds the bucket (replayed against an exact
 * bucket). Anchors in the same run: stock Bottleneck (reservoir refill) and ccxt's
 * Throttler, in one process.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PauseGate } from '../src/limits/pause-gate.js';
import { QuotaLimiter } from '../src/limits/quota-limiter.js';
import { NOT_INSTALLED, peer, peerFile } from './peers.js';
import { rows } from './lib.js';

export const COST = 10;
const RATES = [10, 100, 500, 2000];
const secondsFor = (rate: number): number => (rate <= 10 ? 8 : 4);

/** Share of the rate after the burst, and sends over an exact bucket, from send times (ms). */
export function judge(times: number[], rate: number): { share: number; over: number } {
  const t = [...times].sort((a, b) => a - b);
  const refill = rate * COST; // tokens per second
  const capacity = refill;
  let tokens = capacity;
  let at = t[0] ?? 0;
  let over = 0;
  for (const s of t) {
    tokens = Math.min(capacity, tokens + ((s - at) / 1000) * refill);
    at = s;
    // A microsecond of slack for float rounding of the time stamps.
    if (tokens < COST - refill * 1e-6) over += 1;
    tokens -= COST;
  }
  // Calls beyond the first second's burst, over the time from the first send to the last.
  const elapsed = t.length > 1 ? (t[t.length - 1]! - t[0]!) / 1000 : 0;
  const share = elapsed > 0 ? (t.length - capacity / COST) / elapsed / rate : 0;
  return { share, over };
}

/** Run `take` with 64 in flight for `seconds`; the send times. */
async function drive(take: () => Promise<unknown>, seconds: number): Promise<number[]> {
  const times: number[] = [];
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (performance.now() < end) {
        await take();
        times.push(performance.timeOrigin + performance.now());
      }
    }),
  );
  return times;
}

async function ours(rate: number): Promise<{ share: number; over: number }> {
  const limiter = new QuotaLimiter({ provider: 'bench', limitClass: 'read', spec: { capacity: rate * COST, refillPerSecond: rate * COST }, gate: new PauseGate() });
  const times: number[] = [];
  const end = performance.now() + secondsFor(rate) * 1000;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (performance.now() < end) await limiter.run(COST, undefined, async () => void times.push(performance.timeOrigin + performance.now()));
    }),
  );
  await limiter.close();
  return judge(times, rate);
}

interface BottleneckLike {
  schedule<T>(options: { weight: number }, fn: () => Promise<T>): Promise<T>;
  stop(options?: { dropWaitingJobs?: boolean }): Promise<void>;
}
type BottleneckCtor = new (options: Record<string, unknown>) => BottleneckLike;

async function bottleneck(rate: number): Promise<{ share: number; over: number } | undefined> {
  const Bottleneck = await peer<BottleneckCtor>('bottleneck');
  if (!Bottleneck) return undefined;
  // Bottleneck refills its reservoir on its heartbeat (250 ms): a quarter of a second's tokens each time.
  const tokens = rate * COST;
  const b = new Bottleneck({ reservoir: tokens, reservoirIncreaseAmount: tokens / 4, reservoirIncreaseInterval: 250, reservoirIncreaseMaximum: tokens, maxConcurrent: null });
  const times: number[] = [];
  const end = performance.now() + secondsFor(rate) * 1000;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (performance.now() < end) await b.schedule({ weight: COST }, async () => void times.push(performance.timeOrigin + performance.now()));
    }),
  );
  await b.stop({ dropWaitingJobs: true }).catch(() => undefined);
  return judge(times, rate);
}

interface ThrottlerLike {
  throttle(cost?: number): Promise<void>;
}
type ThrottlerCtor = new (config: Record<string, unknown>) => ThrottlerLike;

async function ccxtThrottler(rate: number): Promise<{ share: number; over: number } | undefined> {
  const ccxt = await peerFile<{ Throttler: ThrottlerCtor }>('ccxt/js/src/base/functions/throttle.js');
  if (!ccxt) return undefined;
  // ccxt: tokens per millisecond; a call goes while tokens ≥ 0 (it may overdraw).
  const t = new ccxt.Throttler({ refillRate: (rate * COST) / 1000, capacity: rate * COST, tokens: rate * COST, delay: 0.001 });
  const times = await drive(() => t.throttle(COST), secondsFor(rate));
  return judge(times, rate);
}

/** Redis: 4 worker processes, 16 in flight each, sharing one bucket. */
async function oursRedis(rate: number, url: string): Promise<{ share: number; over: number }> {
  const key = `bench-${rate}-${Date.now()}`;
  const worker = fileURLToPath(new URL('./bucket-worker.js', import.meta.url));
  const start = Date.now() + 1500;
  const outputs = await Promise.all(
    Array.from({ length: 4 }, () => {
      const child = spawn(process.execPath, [worker, url, key, String(rate), String(secondsFor(rate)), String(start)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      child.stdout!.on('data', (d: Buffer) => (text += d.toString()));
      return new Promise<number[]>((resolve) => child.once('exit', () => resolve(text.trim() ? text.trim().split('\n').map(Number) : [])));
    }),
  );
  return judge(outputs.flat(), rate);
}

const fmt = (r: { share: number; over: number } | undefined): string => (r ? `${(r.share * 100).toFixed(1)}%, ${r.over} over` : NOT_INSTALLED);

export async function bucketAccuracy(redisUrl: string | undefined): Promise<void> {
  for (const rate of RATES) {
    const o = await ours(rate);
    const b = await bottleneck(rate);
    const c = await ccxtThrottler(rate);
    rows.push({ name: `token bucket ${rate}/s (cost ${COST}, 1 s burst, 64 in flight), 1 process: share of the rate, sends over the bucket`, ours: fmt(o), anchor: `Bottleneck ${fmt(b)}; ccxt Throttler ${fmt(c)}`, ratio: o.share.toFixed(3), goal: '≥ 98%, 0 over', met: o.share >= 0.98 && o.over === 0 });
  }
  for (const rate of RATES) {
    if (!redisUrl) {
      rows.push({ name: `token bucket ${rate}/s, 4 processes through Redis`, ours: 'redis-server not installed', anchor: '—', ratio: '—', goal: '≥ 98%, 0 over' });
      continue;
    }
    const o = await oursRedis(rate, redisUrl);
    rows.push({ name: `token bucket ${rate}/s (cost ${COST}, 1 s burst, 4 × 16 in flight), 4 processes through Redis: share of the rate, sends over the bucket`, ours: fmt(o), anchor: 'ideal: the configured rate', ratio: o.share.toFixed(3), goal: '≥ 98%, 0 over', met: o.share >= 0.98 && o.over === 0 });
  }
}
