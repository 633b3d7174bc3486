/**
 * Hostile (Redis restarted): the unproven-key budget — 10 attempts per rolling minute for ALL
 * processes on the IP — lives only in Redis (`mm_csboard_auth:unproven`, no persistence
 * assumed). A Redis restart (crash, failover) loses its entries, not the requests sent on
 * them; the guard used not to notice, so the fleet got a fresh budget inside the same minute
 * (the review's reproduction: 10 before + 10 after = 20 in a few seconds). Now each process
 * writes its own slots of the last window back when its connection is made again, so a new
 * process after the restart finds the budget spent. (Slots of a process that died with the
 * restart stay lost: docs/csboard.md says so.)
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { DEFAULT_UNPROVEN_BUDGET, resetAuthGuardState } from '../../providers/csboard/auth-guard.js';
import { csboardWithRedis } from './csboard-redis-fixture.js';

describe('hostile: the unproven-key budget across a Redis restart', () => {
  const f = csboardWithRedis({ listings: 5, readLimit: 1000, windowMs: 1000 });

  const badKeyCall = async (): Promise<string | undefined> =>
    f
      .client(`csb_pub_${randomBytes(18).toString('base64url')}`)
      .getBalance({ signal: AbortSignal.timeout(4_000) })
      .then(
        () => 'sent-ok',
        (e: { code?: string }) => e.code,
      );

  it('a fleet spends at most the budget in a minute, restart or not', { timeout: 45_000 }, async () => {
    const BUDGET = DEFAULT_UNPROVEN_BUDGET.limit;
    const t0 = Date.now();
    // Process 1: the whole budget, one bad key each.
    const first = await Promise.all(Array.from({ length: BUDGET }, badKeyCall));
    expect(first.filter((c) => c === 'authentication_failed'), String(first)).toHaveLength(BUDGET);
    expect(f.sandbox.badKeyHits).toHaveLength(BUDGET);

    await f.redis.restart();
    await sleep(2_000); // every connection is back
    resetAuthGuardState(); // process 2: its own (empty) local budget, the shared one in Redis
    const second = await Promise.all(Array.from({ length: BUDGET }, badKeyCall));
    const elapsed = Date.now() - t0;
    console.log(`after the restart: ${second.filter((c) => c === 'authentication_failed').length} more bad-key requests sent; ${f.sandbox.badKeyHits.length} in ${elapsed} ms`);
    expect(elapsed).toBeLessThan(DEFAULT_UNPROVEN_BUDGET.windowMs);
    // The budget was spent a few seconds ago: process 2's calls wait (and are cancelled), nothing sent.
    expect(f.sandbox.badKeyHits).toHaveLength(BUDGET);
  });

  it('a connection that only dropped (Redis kept its state) counts no slot twice', { timeout: 30_000 }, async () => {
    const look = new Redis(f.redis.url);
    const before = await look.zcard('mm_csboard_auth:unproven');
    // Every client's connection is dropped by the server and made again: each writes back.
    await look.client('KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
    await sleep(1_500);
    const after = await look.zcard('mm_csboard_auth:unproven');
    look.disconnect();
    expect(after).toBe(before);
  });
});
