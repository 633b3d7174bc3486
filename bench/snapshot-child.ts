/**
 * One bulk read in a fresh process, so its RSS growth is its own: `ours` (the client: every
 * row validated, prices as Money) or `floor` (axios stream [+ gunzip] + readline +
 * JSON.parse), over `csboard` (the gzip snapshot) or `cs2cap-prices` / `cs2cap-bids` (CS2Cap's
 * plain NDJSON bulk streams); the RSS baseline `cold` (right after a full GC) or `warm` (after
 * short-lived garbage has cycled through the young space, see below). Prints `rows rowsPerSecond peakRssGrowthBytes heapPeakBytes
 * cpuMs` (cpuMs: user + system CPU of the read, steadier than the wall clock on a shared machine).
 */
import axios from 'axios';
import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Cs2CapClient } from '../providers/cs2cap/index.js';
import type { CsboardClient } from '../providers/csboard/index.js';
import { benchKey } from './lib.js';

const [variant, baseUrl, source = 'csboard', baseline = 'cold'] = process.argv.slice(2) as [string, string, string | undefined, string | undefined];
// Ours: one client for the process, built before the baseline (a program builds its client
// once and reads later), from the provider's own entry point as a user imports it; the floor's
// process never loads marketmux. Room for a second snapshot a minute (the `warm` warm-up).
let csboard: CsboardClient | undefined;
let cs2cap: Cs2CapClient | undefined;
if (variant === 'ours' && source === 'csboard') {
  const { createCsboardClient } = await import('../providers/csboard/index.js');
  csboard = createCsboardClient({ apiKey: benchKey('csb_pub_'), baseUrl: `${baseUrl}/v1`, rateLimit: { snapshot: { limit: 10, windowMs: 60_000 } } });
} else if (variant === 'ours') {
  const { createCs2CapClient } = await import('../providers/cs2cap/index.js');
  cs2cap = createCs2CapClient({ apiKey: benchKey('sk_live_'), baseUrl: `${baseUrl}/v1`, tier: 'pro' });
}

/** One read of the source, at most `limit` rows, `onRow` per row; the body is let go after. */
async function readOnce(limit: number, onRow: () => void): Promise<void> {
  let rows = 0;
  if (variant === 'floor') {
    const res =
      source === 'csboard'
        ? await axios.get<Readable>(`${baseUrl}/v1/prices/snapshot.ndjson.gz`, { responseType: 'stream', decompress: false })
        : await axios.post<Readable>(`${baseUrl}/v1/${source === 'cs2cap-bids' ? 'bids' : 'prices'}`, null, { responseType: 'stream', decompress: false });
    const lines = createInterface({ input: source === 'csboard' ? res.data.pipe(createGunzip()) : res.data, crlfDelay: Infinity });
    for await (const line of lines) {
      if (line) JSON.parse(line);
      onRow();
      if (++rows >= limit) break;
    }
    res.data.destroy();
  } else if (csboard) {
    const snap = await csboard.downloadSnapshot();
    if (snap.status === 'ok') {
      for await (const _row of snap.rows) {
        onRow();
        if (++rows >= limit) break;
      }
    }
  } else if (cs2cap) {
    const stream = source === 'cs2cap-bids' ? await cs2cap.streamBids() : await cs2cap.streamPrices();
    for await (const _row of stream.rows) {
      onRow();
      if (++rows >= limit) break;
    }
  }
}

(globalThis as { gc?: () => void }).gc?.();
if (baseline === 'warm') {
  // As a running program is when it starts a read: its client built and used (a first read of
  // 20,000 rows), its young space in use. A full GC leaves the young space untouched, so the
  // first ~20 MB any code allocates after one shows as RSS growth (measured: a loop of
  // short-lived objects alone grows RSS 19 MB); 64 MB of short-lived garbage cycles through
  // it, and a young space that V8 was going to double (from what the process kept alive since
  // it started) doubles here rather than during the measured read.
  await readOnce(20_000, () => undefined);
  let junk: { n: number } | undefined;
  for (let k = 0; k < 2_000_000; k++) junk = { n: k };
  if (junk?.n !== 1_999_999) throw new Error('unreachable');
}
const mem0 = process.memoryUsage();
const rss0 = mem0.rss;
const mb = (bytes: number): string => (bytes / 1048576).toFixed(1);
let peakParts = '';
/** Each heap space's committed size (MB), for BENCH_TRACE. */
const spaces = (): string =>
  getHeapSpaceStatistics()
    .map((x) => `${x.space_name.replace('_space', '')}=${(x.space_size / 1048576).toFixed(1)}/${(x.physical_space_size / 1048576).toFixed(1)}`)
    .join(' ');
/** Resident MB by kind of mapping (malloc's brk heap, anonymous maps: V8's heap and thread arenas), for BENCH_TRACE. */
const resident = (): Record<string, number> => {
  const out: Record<string, number> = { brk: 0, anon: 0, file: 0 };
  let kind = 'anon';
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const map = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (map) kind = map[1] === '[heap]' ? 'brk' : map[1]!.startsWith('/') ? 'file' : 'anon';
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) out[kind] = (out[kind] ?? 0) + Number(rss[1]) / 1024;
  }
  return out;
};
const spaces0 = process.env.BENCH_TRACE !== undefined ? spaces() : '';
const resident0 = process.env.BENCH_TRACE !== undefined ? resident() : {};
// With BENCH_TRACE set, say when the measured read starts and its first row comes (to line
// them up with --trace-gc).
if (process.env.BENCH_TRACE !== undefined) process.stderr.write(`read starts at ${performance.now().toFixed(0)} ms, rss ${rss0}\n`);
let peak = rss0;
let n = 0;
let heapPeak = 0;
const trace = process.env.BENCH_TRACE !== undefined;
const tick = (): void => {
  n += 1;
  if (trace && n === 1) {
    const c = process.cpuUsage(cpu0);
    process.stderr.write(`first row after ${(performance.now() - t).toFixed(0)} ms, ${((c.user + c.system) / 1000).toFixed(0)} ms CPU\n`);
  }
  if (trace && n % 25_000 === 0) {
    const c = process.cpuUsage(cpu0);
    process.stderr.write(`${n}: ${((c.user + c.system) / 1000).toFixed(0)} ms CPU\n`);
  }
  if ((n & 4095) === 0) {
    const m = process.memoryUsage();
    if (trace && m.rss > peak) peakParts = `rss ${mb(m.rss - rss0)} heapTotal ${mb(m.heapTotal - mem0.heapTotal)} external ${mb(m.external - mem0.external)} arrayBuffers ${mb(m.arrayBuffers - mem0.arrayBuffers)} (growth, MB)`;
    peak = Math.max(peak, m.rss);
    heapPeak = Math.max(heapPeak, m.heapUsed + m.external + m.arrayBuffers);
  }
};
const t = performance.now();
const cpu0 = process.cpuUsage();
await readOnce(Number.POSITIVE_INFINITY, tick);
const secs = (performance.now() - t) / 1000;
const cpu = process.cpuUsage(cpu0);
await csboard?.close();
await cs2cap?.close();
peak = Math.max(peak, process.memoryUsage().rss);
if (trace) {
  const m = process.memoryUsage();
  const r1 = resident();
  process.stderr.write(`resident growth by mapping (MB, at the end): ${Object.keys(r1).map((k) => `${k} ${(r1[k]! - (resident0[k] ?? 0)).toFixed(1)}`).join(', ')}\n`);
  process.stderr.write(`at the peak: ${peakParts}\nheap spaces before: ${spaces0}\nheap spaces after:  ${spaces()}\nafter: rss ${m.rss} external ${m.external} arrayBuffers ${m.arrayBuffers}\n`);
}
process.stdout.write(`${n} ${(n / secs).toFixed(0)} ${peak - rss0} ${heapPeak} ${((cpu.user + cpu.system) / 1000).toFixed(0)}\n`);
process.exit(0);
