// Hostile review: onRedisDown 'local' in the bad-key guard (auth-guard.ts #redisDown) spends
// `min(3, floor(10 / processes))` per process, with `processes` taken from the quota's option —
// documented (redis.md, RedisQuotaOptions) as "How many processes share the KEY". The IP ban
// counts every process on the machine, whatever its key. A fleet of 11 processes with keys of
// their own sets processes: 1 (right for its quota) and so each spends 3 unproven attempts once
// Redis has failed for 5 s: 33 bad-key requests in a minute from one IP — banned (more than 30),
// valid keys included. csboard.md: "with a bad key each, 10 a minute in all … Never no guard".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsboardSandbox } from '../../providers/csboard/sandbox.js';
import { startRedis } from '../cluster/redis-server.js';
import { startLineWorker, type LineWorker } from '../cluster/line-worker.js';

type Worker = LineWorker;
const startWorker = (args: string[]): Worker => startLineWorker('test/hostile/csboard-guard-local-worker.mjs', args);

describe("bad-key guard, onRedisDown 'local': a fleet with a key each stays under the ban", () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let sandbox: CsboardSandbox;
  let baseUrl: string;
  const workers: Worker[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    sandbox = new CsboardSandbox({ listings: 20, readLimit: 1000, windowMs: 1000 });
    baseUrl = await sandbox.start();
  });
  afterAll(async () => {
    redis.thaw();
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await sandbox.close();
    await redis.stop();
  });

  it('11 processes × 3 bad keys of their own, Redis frozen: at most the budget of 10, never more than 30', { timeout: 90_000 }, async () => {
    const fleet = 11;
    for (let i = 0; i < fleet; i++) workers.push(startWorker([baseUrl, redis.url, '3']));
    for (const m of await Promise.all(workers.map((w) => w.next(45_000)))) expect(m).toEqual({ ready: true });
    redis.freeze(); // connections stay up; Redis answers nothing (a hung host)
    for (const w of workers) w.send('go');
    const codes = (await Promise.all(workers.map((w) => w.next(60_000)))).flatMap((m) => m.codes as string[]);
    redis.thaw();
    const counts: Record<string, number> = {};
    for (const c of codes) counts[c] = (counts[c] ?? 0) + 1;
    expect({ badKeyRequests: sandbox.maxBadKeysPerWindow(), bans: sandbox.bans, counts }).toMatchObject({ badKeyRequests: expect.any(Number), bans: 0 });
    expect(sandbox.maxBadKeysPerWindow()).toBeLessThanOrEqual(10);
  });
});
