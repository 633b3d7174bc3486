/**
 * Goal 4: bulk reads parsed by the client vs the floor, each run in a fresh process (RSS growth
 * is its own), interleaved, medians; the server is another process. `snapshot`: a
 * 200,000-row CSBoard snapshot (gzip) vs axios stream + gunzip + readline + JSON.parse.
 * `cs2capStreams`: CS2Cap's 200,000-row bulk streams (plain NDJSON) vs axios stream +
 * readline + JSON.parse.
 *
 * Peak RSS growth is measured twice. From a `cold` baseline (right after a full GC, the
 * original measure): each process loads only what its reader needs (ours: the provider's entry
 * point, its client built before the baseline; the floor: no marketmux at all). V8 doubles its
 * young space (2 × 8 → 2 × 16 MiB, ~16 MB of RSS once touched) when what survived its GCs since
 * the last doubling passes the young space's size: a count the whole process's past adds to.
 * When the client was built inside the measured read in a process that had loaded all of
 * marketmux, the floor included, that past alone tipped the count in most runs, and the
 * doubling showed as the read's growth (ours 21–27 MB, the floor 12–24 MB, for a read that
 * itself kept ~1.4 MB alive across its GCs). Loading marketmux still leaves ours' young space
 * larger at the baseline (2 × 8 MiB, ~7 MB resident, against the floor's 2 × 4, ~4 MB): a few
 * MB of what the floor shows as growth ours had before its read, as any program using it
 * would. From a `warm` baseline (short-lived garbage has cycled through the young space
 * first, as in a running program): what the read itself adds.
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
type Baseline = 'cold' | 'warm';

async function once(variant: 'ours' | 'floor', url: string, source: Source, baseline: Baseline): Promise<Read> {
  const { stdout } = await run(process.execPath, ['--expose-gc', fileURLToPath(new URL('./snapshot-child.js', import.meta.url)), variant, url, source, baseline], { timeout: 120_000 });
  const [n, rate, bytes, , cpuMs] = stdout.trim().split(' ').map(Number) as [number, number, number, number, number];
  return { n, rate, mb: bytes / 1024 / 1024, cpuMs };
}

interface Runs {
  ours: Read[];
  floor: Read[];
}

/** Ours and the floor over one source, interleaved, `repeats` each. */
async function compare(url: string, source: Source, baseline: Baseline, repeats: number): Promise<Runs> {
  const ours: Read[] = [];
  const floor: Read[] = [];
  for (let r = 0; r < repeats; r++) {
    floor.push(await once('floor', url, source, baseline));
    ours.push(await once('ours', url, source, baseline));
  }
  return { ours, floor };
}

/** What the rows of one source are called. */
interface Names {
  rate: string;
  cpu: string;
  rss: string;
  rssWarm: string;
  floor: string;
}

const mb = (runs: Read[]): number => median(runs.map((x) => x.mb));

/** The rows of one source: rows/s, CPU, peak RSS growth from both baselines. */
function report(names: Names, expected: number, cold: Runs, warm: Runs): void {
  const whole = [...cold.ours, ...cold.floor, ...warm.ours, ...warm.floor].every((x) => x.n === expected);
  const or = median(cold.ours.map((x) => x.rate));
  const fr = median(cold.floor.map((x) => x.rate));
  rows.push({ name: names.rate, ours: `${(or / 1000).toFixed(0)}k rows/s`, anchor: `${(fr / 1000).toFixed(0)}k rows/s (${names.floor})`, ratio: `${(or / fr).toFixed(2)}×`, goal: '≥ 0.9×', met: or / fr >= 0.9 && whole });
  // The wall clock swings with the machine's load (the floor leans on zlib's thread); CPU
  // time says what a row costs.
  const oc = median(cold.ours.map((x) => x.cpuMs));
  const fc = median(cold.floor.map((x) => x.cpuMs));
  rows.push({ name: names.cpu, ours: `${oc.toFixed(0)} ms`, anchor: `${fc.toFixed(0)} ms`, ratio: `${(oc / fc).toFixed(2)}×`, goal: '(reported)' });
  for (const [name, runs] of [
    [names.rss, cold],
    [names.rssWarm, warm],
  ] as const) {
    const om = mb(runs.ours);
    const fm = mb(runs.floor);
    rows.push({ name, ours: `${om.toFixed(1)} MB`, anchor: `${fm.toFixed(1)} MB`, ratio: `${(om / Math.max(fm, 0.1)).toFixed(2)}×`, goal: '≤ 16 MB', met: om <= 16 && whole });
  }
}

const ROWS = 200_000;
const count = ROWS.toLocaleString('en-US');
const REPEATS = 7;

/** The CSBoard snapshot rows. */
export async function snapshot(): Promise<void> {
  const srv = await childServer('snapshot', String(ROWS));
  try {
    const names = {
      rate: `snapshot: ${count} CSBoard rows (gzip), rows/s, every row validated`,
      cpu: `snapshot: CPU (user + system) to read ${count} rows`,
      rss: 'snapshot: peak RSS growth while parsing',
      rssWarm: 'snapshot: peak RSS growth while parsing, young space warm (as in a running program)',
      floor: 'axios + gunzip + readline + JSON.parse',
    };
    report(names, ROWS, await compare(srv.url, 'csboard', 'cold', REPEATS), await compare(srv.url, 'csboard', 'warm', 3));
  } finally {
    await srv.close();
  }
}

/** CS2Cap's bulk streams (`POST /v1/prices`, `POST /v1/bids`): the same rows each. */
export async function cs2capStreams(): Promise<void> {
  const srv = await childServer('cs2cap-stream', String(ROWS));
  try {
    for (const [source, path] of [
      ['cs2cap-prices', 'POST /v1/prices'],
      ['cs2cap-bids', 'POST /v1/bids'],
    ] as const) {
      const names = {
        rate: `stream: CS2Cap ${path}, ${count} rows (NDJSON), rows/s, every row validated, prices as Money`,
        cpu: `stream: CS2Cap ${path}: CPU (user + system) to read ${count} rows`,
        rss: `stream: CS2Cap ${path}: peak RSS growth while parsing`,
        rssWarm: `stream: CS2Cap ${path}: peak RSS growth while parsing, young space warm`,
        floor: 'axios + readline + JSON.parse',
      };
      report(names, ROWS, await compare(srv.url, source, 'cold', REPEATS), await compare(srv.url, source, 'warm', 3));
    }
  } finally {
    await srv.close();
  }
}
