/**
 * Goal 5: what importing the package costs (time to import, CPU spent importing, RSS after)
 * vs axios alone. Each import runs in a fresh process; the entry points and axios take
 * turns in every round, so a busy machine slows all of them alike; medians of the rounds.
 * `marketmux/kalshi` carries the goal; the other entry points are reported beside it.
 *
 * `BENCH_IMPORT_BEFORE=<an older build's dist directory>` (inside the repository, so it
 * resolves the same node_modules) adds that build's entry points to the same rounds and a row
 * per entry point and measure comparing the two: a change's effect measured under the same
 * load, not in two runs minutes apart.
 */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { median, rows } from './lib.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const built = (path: string): string => fileURLToPath(new URL(`../${path}`, import.meta.url));
const ENTRY_FILES: readonly { name: string; file: string; goal: boolean }[] = [
  { name: 'marketmux/kalshi', file: 'providers/kalshi/index.js', goal: true },
  { name: 'marketmux', file: 'src/index.js', goal: false },
  { name: 'marketmux/cs2cap', file: 'providers/cs2cap/index.js', goal: false },
  { name: 'marketmux/csboard', file: 'providers/csboard/index.js', goal: false },
];
const ENTRY_POINTS = ENTRY_FILES.map((e) => ({ ...e, file: built(e.file) }));
const BEFORE_DIR = process.env.BENCH_IMPORT_BEFORE ? resolve(ROOT, process.env.BENCH_IMPORT_BEFORE) : undefined;
const BEFORE_POINTS = BEFORE_DIR ? ENTRY_FILES.map((e) => ({ ...e, file: join(BEFORE_DIR, e.file) })) : [];
const ROUNDS = 9;

interface Sample {
  ms: number;
  cpuMs: number;
  mb: number;
}

async function once(specifier: string): Promise<Sample> {
  const code = `const c = process.cpuUsage(); const t = performance.now(); await import(${JSON.stringify(specifier)}); const ms = performance.now() - t; const u = process.cpuUsage(c); process.stdout.write(ms + ' ' + (u.user + u.system) / 1000 + ' ' + process.memoryUsage().rss / 1048576);`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, timeout: 60_000 });
  const [ms, cpuMs, mb] = stdout.split(' ').map(Number) as [number, number, number];
  return { ms, cpuMs, mb };
}

export async function importCost(): Promise<void> {
  const axios: Sample[] = [];
  const ours = new Map<string, Sample[]>(ENTRY_POINTS.map((e) => [e.name, []]));
  const before = new Map<string, Sample[]>(BEFORE_POINTS.map((e) => [e.name, []]));
  for (let r = 0; r < ROUNDS; r++) {
    axios.push(await once('axios'));
    for (const e of ENTRY_POINTS) {
      ours.get(e.name)!.push(await once(e.file));
      const old = BEFORE_POINTS.find((b) => b.name === e.name);
      if (old) before.get(e.name)!.push(await once(old.file));
    }
  }
  const of = (samples: Sample[], key: keyof Sample): number => median(samples.map((s) => s[key]));
  const measures: readonly { key: keyof Sample; what: string; unit: string }[] = [
    { key: 'ms', what: 'time to import', unit: 'ms' },
    { key: 'cpuMs', what: 'CPU time to import', unit: 'ms' },
    { key: 'mb', what: 'RSS after import', unit: 'MB' },
  ];
  for (const e of ENTRY_POINTS) {
    for (const m of measures) {
      const mine = of(ours.get(e.name)!, m.key);
      const anchor = of(axios, m.key);
      const ratio = mine / anchor;
      // CPU time is a steadier reading of the same cost on a shared machine; the goal is set on wall time and RSS.
      const goal = e.goal && m.key !== 'cpuMs';
      rows.push({ name: `import '${e.name}': ${m.what}`, ours: `${mine.toFixed(0)} ${m.unit}`, anchor: `axios alone ${anchor.toFixed(0)} ${m.unit}`, ratio: `${ratio.toFixed(2)}×`, goal: goal ? '≤ 1.3×' : '(reported)', met: goal ? ratio <= 1.3 : undefined });
      const old = before.get(e.name);
      if (old) {
        const was = of(old, m.key);
        rows.push({ name: `import '${e.name}': ${m.what}, this build vs ${BEFORE_DIR}`, ours: `${mine.toFixed(0)} ${m.unit}`, anchor: `before ${was.toFixed(0)} ${m.unit} (${(was / anchor).toFixed(2)}× axios)`, ratio: `${(mine / was).toFixed(2)}×`, goal: '(reported)' });
      }
    }
  }
}
