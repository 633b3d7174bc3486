/**
 * Goal 5: what `import 'marketmux/kalshi'` costs (time to import, RSS after) vs axios alone,
 * each in a fresh process, interleaved, medians of 5.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { median, rows } from './lib.js';

const run = promisify(execFile);
const KALSHI = fileURLToPath(new URL('../providers/kalshi/index.js', import.meta.url));
const AXIOS_DIR = fileURLToPath(new URL('../../', import.meta.url));

async function once(specifier: string): Promise<{ ms: number; mb: number }> {
  const code = `const t = performance.now(); await import(${JSON.stringify(specifier)}); const ms = performance.now() - t; process.stdout.write(ms + ' ' + process.memoryUsage().rss / 1048576);`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code], { cwd: AXIOS_DIR, timeout: 60_000 });
  const [ms, mb] = stdout.split(' ').map(Number) as [number, number];
  return { ms, mb };
}

export async function importCost(): Promise<void> {
  const ours: { ms: number; mb: number }[] = [];
  const axios: { ms: number; mb: number }[] = [];
  for (let r = 0; r < 5; r++) {
    axios.push(await once('axios'));
    ours.push(await once(KALSHI));
  }
  const om = median(ours.map((x) => x.ms));
  const am = median(axios.map((x) => x.ms));
  const or = median(ours.map((x) => x.mb));
  const ar = median(axios.map((x) => x.mb));
  rows.push({ name: "import 'marketmux/kalshi': time to import", ours: `${om.toFixed(0)} ms`, anchor: `axios alone ${am.toFixed(0)} ms`, ratio: `${(om / am).toFixed(2)}×`, goal: '≤ 1.3×', met: om / am <= 1.3 });
  rows.push({ name: "import 'marketmux/kalshi': RSS after import", ours: `${or.toFixed(0)} MB`, anchor: `axios alone ${ar.toFixed(0)} MB`, ratio: `${(or / ar).toFixed(2)}×`, goal: '≤ 1.3×', met: or / ar <= 1.3 });
}
