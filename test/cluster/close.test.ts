import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/testkit/index.js';
import { startRedis } from './redis-server.js';

describe('close()', () => {
  let sb: Sandbox;
  let redis: Awaited<ReturnType<typeof startRedis>>;
  beforeAll(async () => {
    [sb, redis] = await Promise.all([startSandbox(), startRedis()]);
  });
  afterAll(async () => {
    await sb.close();
    await redis.stop();
  });

  it('ends agents, timers and Redis connections: the process exits by itself', async () => {
    const arg = JSON.stringify({ cs2cap: sb.cs2cap, csboard: sb.csboard, kalshi: sb.kalshi, redisUrl: redis.url }, (k, v: unknown) => (k === 'server' ? undefined : v));
    const started = Date.now();
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = execFile(process.execPath, ['test/cluster/close-worker.mjs', arg], { timeout: 15_000, killSignal: 'SIGKILL' }, (error, out) => resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout: out }));
      void child;
    });
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    const result = JSON.parse(stdout.trim()) as { closed: boolean; outcomes: string[] };
    expect(result.closed).toBe(true);
    // The first queued call fits the window; the rest were refused by close, not left hanging.
    expect(result.outcomes.filter((o) => o === 'ClientClosedError').length).toBeGreaterThanOrEqual(2);
  });
});
