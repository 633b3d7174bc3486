/**
 * One snapshot read in a fresh process, so its RSS growth is its own: `ours` (the CSBoard
 * client: every row validated, prices as Money) or `floor` (axios stream + gunzip + readline +
 * JSON.parse). Prints `rows rowsPerSecond peakRssGrowthBytes heapPeakBytes cpuMs` (cpuMs: user +
 * system CPU of the read, steadier than the wall clock on a shared machine).
 */
import axios from 'axios';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { createCsboardClient } from '../src/index.js';
import { benchKey } from './lib.js';

const [variant, baseUrl] = process.argv.slice(2) as [string, string];
(globalThis as { gc?: () => void }).gc?.();
const rss0 = process.memoryUsage().rss;
let peak = rss0;
let n = 0;
let heapPeak = 0;
const tick = (): void => {
  n += 1;
  if ((n & 4095) === 0) {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    heapPeak = Math.max(heapPeak, m.heapUsed + m.external + m.arrayBuffers);
  }
};
const t = performance.now();
const cpu0 = process.cpuUsage();
if (variant === 'floor') {
  const res = await axios.get<Readable>(`${baseUrl}/v1/prices/snapshot.ndjson.gz`, { responseType: 'stream', decompress: false });
  const lines = createInterface({ input: res.data.pipe(createGunzip()), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line) JSON.parse(line);
    tick();
  }
} else {
  const client = createCsboardClient({ apiKey: benchKey('csb_pub_'), baseUrl: `${baseUrl}/v1` });
  const snap = await client.downloadSnapshot();
  if (snap.status === 'ok') for await (const _row of snap.rows) tick();
  await client.close();
}
const secs = (performance.now() - t) / 1000;
const cpu = process.cpuUsage(cpu0);
peak = Math.max(peak, process.memoryUsage().rss);
process.stdout.write(`${n} ${(n / secs).toFixed(0)} ${peak - rss0} ${heapPeak} ${((cpu.user + cpu.system) / 1000).toFixed(0)}\n`);
process.exit(0);
