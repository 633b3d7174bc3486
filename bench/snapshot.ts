/**
 * Goal 4: bulk reads parsed by the client vs the floor, each run in a fresh process (RSS growth
 * is its own), interleaved, medians of 3; the server is another process. `snapshot`: a
 * 200,000-row CSBoard snapshot (gzip) vs axios stream + gunzip + readline + JSON.parse.
 * `cs2capStreams`: CS2Cap's 200,000-row bulk streams (plain NDJSON) vs axios stream +
 * readline + JSON.parse.
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

type Source = 'csboard' | 'cs2cap-prices' | 'cs2cap-bids';

async function once(variant: 'ours' | 'floor', url: string, source: Source): Promise<Read> {
  const { stdout } = await run(process.execPath, ['--expose-gc', fileURLToPath(new URL('./snapshot-child.js', import.meta.url)), variant, url, source], { timeout: 120_000 });
  const [n, rate, bytes, , cpuMs] = stdout.trim().split(' ').map(Number) as [number, number, number, number, number];
  return { n, rate, mb: bytes / 1024 / 1024, cpuMs };
}

/** Ours and the floor over one source, interleaved; medians of `repeats`. */
async function compare(url: string, source: Source, repeats: number): Promise<{ ours: Read[]; floor: Read[] }> {
  const ours: Read[] = [];
  const floor: Read[] = [];
  for (let r = 0; r < repeats; r++) {
    floor.push(await once('floor', url, source));
    ours.push(await once('ours', url, source));
  }
  return { ours, floor };
}

/** What the three rows of one source are called. */
interface Names {
  rate: string;
  cpu: string;
  rss: string;
  floor: string;
}

/** The three rows of one source: rows/s, CPU, peak RSS growth. */
function report(names: Names, expected: number, { ours, floor }: { ours: Read[]; floor: Read[] }): void {
  const or = median(ours.map((x) => x.rate));
  const fr = median(floor.map((x) => x.rate));
  const om = median(ours.map((x) => x.mb));
  const fm = median(floor.map((x) => x.mb));
  const whole = ours.every((x) => x.n === expected) && floor.every((x) => x.n === expected);
  rows.push({ name: names.rate, ours: `${(or / 1000).toFixed(0)}k rows/s`, anchor: `${(fr / 1000).toFixed(0)}k rows/s (${names.floor})`, ratio: `${(or / fr).toFixed(2)}×`, goal: '≥ 0.9×', met: or / fr >= 0.9 && whole });
  // The wall clock swings with the machine's load (the floor leans on zlib's thread); CPU
  // time says what a row costs.
  const oc = median(ours.map((x) => x.cpuMs));
  const fc = median(floor.map((x) => x.cpuMs));
  rows.push({ name: names.cpu, ours: `${oc.toFixed(0)} ms`, anchor: `${fc.toFixed(0)} ms`, ratio: `${(oc / fc).toFixed(2)}×`, goal: '(reported)' });
  rows.push({ name: names.rss, ours: `${om.toFixed(1)} MB`, anchor: `${fm.toFixed(1)} MB`, ratio: `${(om / Math.max(fm, 0.1)).toFixed(2)}×`, goal: '≤ 16 MB', met: om <= 16 && whole });
}

const ROWS = 200_000;
const count = ROWS.toLocaleString('en-US');

/** The CSBoard snapshot rows. */
export async function snapshot(): Promise<void> {
  const srv = await childServer('snapshot', String(ROWS));
  try {
    const names = {
      rate: `snapshot: ${count} CSBoard rows (gzip), rows/s, every row validated`,
      cpu: `snapshot: CPU (user + system) to read ${count} rows`,
      rss: 'snapshot: peak RSS growth while parsing',
      floor: 'axios + gunzip + readline + JSON.parse',
    };
    report(names, ROWS, await compare(srv.url, 'csboard', 3));
  } finally {
    await srv.close();
  }
}

/** CS2Cap's bulk streams (`POST /v1/prices`, `POST /v1/bids`): the same three rows each. */
export async function cs2capStreams(): Promise<void> {
  const srv = await childServer('cs2cap-stream', String(ROWS));
  try {
    for (const [source, path] of [['cs2cap-prices', 'POST /v1/prices'], ['cs2cap-bids', 'POST /v1/bids']] as const) {
      const names = {
        rate: `stream: CS2Cap ${path}, ${count} rows (NDJSON), rows/s, every row validated, prices as Money`,
        cpu: `stream: CS2Cap ${path}: CPU (user + system) to read ${count} rows`,
        rss: `stream: CS2Cap ${path}: peak RSS growth while parsing`,
        floor: 'axios + readline + JSON.parse',
      };
      report(names, ROWS, await compare(srv.url, source, 3));
    }
  } finally {
    await srv.close();
  }
}
