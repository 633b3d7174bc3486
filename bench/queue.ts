/**
 * Goal 3: heap per queued call at 10k and 100k queued, and how long close() takes to reject
 * 10k queued calls. Calls queue behind a window of 1 per hour; nothing is sent but the first.
 */
import { createCs2CapClient } from '../src/index.js';
import { benchKey, childServer, rows } from './lib.js';
import { NOT_INSTALLED, peer, peerFile } from './peers.js';

/** Heap per queued job of a peer limiter: `enqueue` n jobs that cannot start, measure, then `drop`. */
async function peerHeap(n: number, enqueue: () => Promise<unknown>, drop: () => Promise<unknown>): Promise<number> {
  gc();
  const h0 = process.memoryUsage().heapUsed;
  const pending = Array.from({ length: n }, () => enqueue().catch(() => undefined));
  await settle();
  gc();
  const per = (process.memoryUsage().heapUsed - h0) / n;
  await drop();
  void pending;
  return per;
}

interface BottleneckLike {
  schedule<T>(fn: () => Promise<T>): Promise<T>;
  stop(options?: { dropWaitingJobs?: boolean }): Promise<void>;
}

/** Stock Bottleneck (reservoir 0) and ccxt's Throttler (no tokens): what one queued call costs them. */
async function anchors(n: number): Promise<string> {
  const Bottleneck = await peer<new (o: Record<string, unknown>) => BottleneckLike>('bottleneck');
  const ccxt = await peerFile<{ Throttler: new (c: Record<string, unknown>) => { throttle(cost?: number): Promise<void>; running: boolean } }>('ccxt/js/src/base/functions/throttle.js');
  if (!Bottleneck || !ccxt) return NOT_INSTALLED;
  const b = new Bottleneck({ reservoir: 0, maxConcurrent: null });
  const bPer = await peerHeap(n, () => b.schedule(async () => undefined), () => b.stop({ dropWaitingJobs: true }).catch(() => undefined));
  // ccxt's loop sleeps 1 ms at a time waiting for tokens that (refill 0) never come.
  const t = new ccxt.Throttler({ refillRate: 0, capacity: 1, tokens: -1, delay: 0.001 });
  const cPer = await peerHeap(n, () => t.throttle(1), async () => void (t.running = false));
  return `Bottleneck ${(bPer / 1024).toFixed(2)} KiB; ccxt Throttler ${(cPer / 1024).toFixed(2)} KiB`;
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 50));

export async function queuedHeap(): Promise<void> {
  const srv = await childServer('json');
  for (const n of [10_000, 100_000]) {
    const client = createCs2CapClient({ apiKey: benchKey('sk_live_'), baseUrl: `${srv.url}/v1`, maxQueued: 200_000, rateLimit: { default: { limit: 1, windowMs: 3_600_000 } } });
    await client.getFxRates();
    await settle();
    gc();
    const h0 = process.memoryUsage().heapUsed;
    let rejected = 0;
    const pending = Array.from({ length: n }, () => client.getFxRates().catch(() => void (rejected += 1)));
    await settle();
    gc();
    const perCall = (process.memoryUsage().heapUsed - h0) / n;
    const t = performance.now();
    const closing = client.close();
    await Promise.all(pending);
    const closeMs = performance.now() - t;
    await closing;
    rows.push({ name: `heap per queued call, ${n.toLocaleString('en-US')} queued (a whole client call: validation, scope, limiter line)`, ours: `${(perCall / 1024).toFixed(2)} KiB`, anchor: await anchors(n), ratio: '—', goal: '≤ 1.5 KiB', met: perCall <= 1.5 * 1024 });
    if (n === 10_000) rows.push({ name: 'close() rejecting 10,000 queued calls', ours: `${closeMs.toFixed(1)} ms (${rejected} rejected)`, anchor: '—', ratio: '—', goal: '≤ 50 ms', met: closeMs <= 50 && rejected === n });
  }
  await srv.close();
}
