// A worker process that talks in JSON lines: stdin takes commands, stdout answers one JSON
// object per line. The fleet tests start many and read each one's answers in order.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface LineWorker {
  child: ChildProcess;
  /** The next JSON line from the worker, or a rejection after `ms`. */
  next(ms: number): Promise<Record<string, unknown>>;
  send(line: string): void;
}

/** Start `node script ...args` as a `LineWorker` (stderr is the test's). */
export function startLineWorker(script: string, args: string[]): LineWorker {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const queue: Record<string, unknown>[] = [];
  const waiters: ((m: Record<string, unknown>) => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const msg = JSON.parse(line) as Record<string, unknown>;
    const w = waiters.shift();
    if (w) w(msg);
    else queue.push(msg);
  });
  return {
    child,
    next: (ms) =>
      new Promise((resolve, reject) => {
        const queued = queue.shift();
        if (queued) return resolve(queued);
        const timer = setTimeout(() => reject(new Error(`worker ${child.pid} said nothing for ${ms} ms`)), ms);
        waiters.push((m) => {
          clearTimeout(timer);
          resolve(m);
        });
      }),
    send: (line) => child.stdin!.write(line + '\n'),
  };
}
