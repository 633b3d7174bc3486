/**
 * Goal 4: a 200,000-row CSBoard snapshot (gzip) parsed by the client vs the floor (axios
 * stream + gunzip + readline + JSON.parse), each run in a fresh process (RSS growth is its
 * own), interleaved, medians of 3. The server is another process.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { childServer, median, rows } from './lib.js';

const run = promisify(execFile);

interface Read {
  n: number;
  rate: number;
  mb: number;
  cpuMs: number;
}

async function once(variant: 'ours' | 'floor', url: string): Promise<Read> {
  const { stdout } = await run(process.execPath, ['--expose-gc', fileURLToPath(new URL('./snapshot-child.js', import.meta.url)), variant, url], { timeout: 120_000 });
  const [n, rate, bytes, , cpuMs] = stdout.trim().split(' ').map(Number) as [number, number, number, number, number];
  return { n, rate, mb: bytes / 1024 / 1024, cpuMs };
}

export async function snapshot(): Promise<void> {
  const srv = await childServer('snapshot', '200000');
  const ours: Read[] = [];
  const floor: Read[] = [];
  for (let r = 0; r < 3; r++) {
    floor.push(await once('floor', srv.url));
    ours.push(await once('ours', srv.url));
  }
  await srv.close();
  const or = median(ours.map((x) => x.rate));
  const fr = median(floor.map((x) => x.rate));
  const om = median(ours.map((x) => x.mb));
  const fm = median(floor.map((x) => x.mb));
  const n = ours[0]!.n;
  rows.push({ name: `snapshot: ${n.toLocaleString('en-US')} CSBoard rows (gzip), rows/s, every row validated`, ours: `${(or / 1000).toFixed(0)}k rows/s`, anchor: `${(fr / 1000).toFixed(0)}k rows/s (axios + gunzip + readline + JSON.parse)`, ratio: `${(or / fr).toFixed(2)}×`, goal: '≥ 0.9×', met: or / fr >= 0.9 && n === 200_000 });
  // The wall clock swings with the machine's load (the floor leans on zlib's thread); CPU
  // time says what a row costs.
  const oc = median(ours.map((x) => x.cpuMs));
  const fc = median(floor.map((x) => x.cpuMs));
  rows.push({ name: `snapshot: CPU (user + system) to read ${n.toLocaleString('en-US')} rows`, ours: `${oc.toFixed(0)} ms`, anchor: `${fc.toFixed(0)} ms`, ratio: `${(oc / fc).toFixed(2)}×`, goal: '(reported)' });
  rows.push({ name: 'snapshot: peak RSS growth while parsing', ours: `${om.toFixed(1)} MB`, anchor: `${fm.toFixed(1)} MB`, ratio: `${(om / Math.max(fm, 0.1)).toFixed(2)}×`, goal: '≤ 16 MB', met: om <= 16 });
}
