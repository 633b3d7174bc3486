import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function spawnRedis(port: number): Promise<ChildProcess> {
  const proc: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const probe = new Redis(`redis://127.0.0.1:${port}`, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  for (let i = 0; i < 100; i++) {
    try {
      await probe.connect();
      await probe.ping();
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  probe.disconnect();
  return proc;
}

async function kill(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGKILL');
  await exited;
}

/** A real redis-server on loopback, on a free port, with no persistence. */
export async function startRedis(): Promise<{ url: string; port: number; kill(): Promise<void>; restart(): Promise<void>; freeze(): void; thaw(): void; stop(): Promise<void> }> {
  const port = await freePort();
  let proc = await spawnRedis(port);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    /** SIGKILL: no shutdown, no save — as a crash. */
    kill: () => kill(proc),
    /** Start a fresh server (empty: no persistence) on the same port. */
    async restart() {
      await kill(proc);
      proc = await spawnRedis(port);
    },
    /** SIGSTOP: the server keeps its connections but answers nothing (as a hung host). */
    freeze: () => void proc.kill('SIGSTOP'),
    thaw: () => void proc.kill('SIGCONT'),
    async stop() {
      proc.kill('SIGCONT');
      await kill(proc);
    },
  };
}
