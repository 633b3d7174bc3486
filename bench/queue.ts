/**
 * Goal 3: heap per queued call at 10k and 100k queued, and how long close() takes to reject
 * 10k queued calls. Calls queue behind a window of 1 per hour; nothing is sent but the first.
 */
import { createCs2CapClient } from '../src/index.js';
import { childServer, rows } from './lib.js';

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 50));

export async function queuedHeap(): Promise<void> {
  const srv = await childServer('json');
  for (const n of [10_000, 100_000]) {
    const client = createCs2CapClient({ apiKey: `sk_live_benchQueue${n}000000000`, baseUrl: `${srv.url}/v1`, maxQueued: 200_000, rateLimit: { default: { limit: 1, windowMs: 3_600_000 } } });
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
    rows.push({ name: `heap per queued call, ${n.toLocaleString('en-US')} queued`, ours: `${(perCall / 1024).toFixed(2)} KiB`, anchor: '—', ratio: '—', goal: '≤ 1.5 KiB', met: perCall <= 1.5 * 1024 });
    if (n === 10_000) rows.push({ name: 'close() rejecting 10,000 queued calls', ours: `${closeMs.toFixed(1)} ms (${rejected} rejected)`, anchor: '—', ratio: '—', goal: '≤ 50 ms', met: closeMs <= 50 && rejected === n });
  }
  await srv.close();
}
