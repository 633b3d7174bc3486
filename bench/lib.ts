/** What every bench step shares: the result rows, percentiles, bounded loops, a child server. */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

/** One line of the results table: ours beside its anchor measured in the same run. */
export interface Row {
  name: string;
  ours: string;
  anchor: string;
  ratio: string;
  goal: string;
  met?: boolean | undefined;
}

export const rows: Row[] = [];

export const pct = (values: number[], p: number): number => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
export const median = (values: number[]): number => pct(values, 50);
export const ms = (v: number): string => `${v.toFixed(3)} ms`;
export const us = (v: number): string => `${v.toFixed(1)} µs`;
/** A clock that says when a loop must stop, however many iterations are left. */
export const deadline = (seconds: number): (() => boolean) => {
  const end = Date.now() + seconds * 1000;
  return () => Date.now() < end;
};

/** Run `args` under node and wait for its "port N" line: a loopback server in its own process. */
async function spawnPortServer(args: string[]): Promise<{ url: string; close(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (d: Buffer) => {
      text += d.toString();
      const m = /port (\d+)/.exec(text);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', () => reject(new Error('bench server exited')));
    setTimeout(() => reject(new Error('bench server did not start')), 30_000).unref();
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

/**
 * A loopback server in its own process, so the CPU a benchmark measures (process.cpuUsage) is
 * the client's alone (kinds: see server.ts).
 */
export function childServer(kind: 'json' | 'snapshot' | 'cs2cap-stream', ...args: string[]): Promise<{ url: string; close(): Promise<void> }> {
  return spawnPortServer([fileURLToPath(new URL('./server.js', import.meta.url)), kind, ...args]);
}

/**
 * A loopback server in its own process answering every request with `body` (JSON): for a call
 * whose schema the shared `json` server's answer does not fit.
 */
export function bodyServer(body: string): Promise<{ url: string; close(): Promise<void> }> {
  const code = `const b=${JSON.stringify(body)};const s=require('node:http').createServer((q,r)=>{r.writeHead(200,{'Content-Type':'application/json','Content-Length':Buffer.byteLength(b)});r.end(b)});s.keepAliveTimeout=60000;s.listen(0,'127.0.0.1',()=>process.stdout.write('port '+s.address().port+'\\n'))`;
  return spawnPortServer(['-e', code]);
}

/** A key of the provider's shape, made at run time (nothing key-like is committed). */
export function benchKey(prefix: 'sk_live_' | 'csb_pub_'): string {
  return `${prefix}${randomBytes(15).toString('base64url')}`;
}

/** Run `fn` `total` times, `inFlight` at once, for at most `seconds`: how many were started. */
export async function runCalls(fn: () => Promise<unknown>, inFlight: number, total: number, seconds: number): Promise<number> {
  let started = 0;
  const more = deadline(seconds);
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (started < total && more()) {
        started += 1;
        await fn();
      }
    }),
  );
  return started;
}

/** CPU µs per call of `fn` run `total` times with `inFlight` at once (bounded in time). */
export async function cpuPerCall(fn: () => Promise<unknown>, inFlight: number, total: number): Promise<number> {
  const c0 = process.cpuUsage();
  const started = await runCalls(fn, inFlight, total, 20);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / started;
}
