// Hostile review: the bad-key guard takes an unproven-key budget slot (auth-guard.ts #admit) before
// the quota is waited for (request-sender: around → quota.run → send). A call cancelled (or its
// client closed) while it waits for the quota sends nothing, yet its slot is never given back:
// RollingSlots.giveBack is only called inside #admit. Ten such calls in a minute — a bot with
// short timeouts on a busy key — use up the process's whole budget (with Redis: the fleet's), and
// every unproven key then waits up to a minute although no bad-key request was sent at all.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCsboardClient } from '../../src/index.js';
import { DEFAULT_UNPROVEN_BUDGET, resetAuthGuardState } from '../../providers/csboard/auth-guard.js';
import { CsboardSandbox } from '../../providers/csboard/sandbox.js';

const badKey = (): string => `csb_pub_${randomBytes(18).toString('base64url')}`;

describe('bad-key guard: a cancelled call that sent nothing gives its budget slot back', () => {
  let sandbox: CsboardSandbox;
  let baseUrl: string;
  beforeAll(async () => {
    resetAuthGuardState();
    sandbox = new CsboardSandbox({ listings: 20, readLimit: 1000, windowMs: 1000 });
    baseUrl = await sandbox.start();
  });
  afterAll(async () => {
    resetAuthGuardState();
    await sandbox.close();
  });

  it(`${DEFAULT_UNPROVEN_BUDGET.limit} calls cancelled while waiting for the read quota (nothing sent) do not exhaust the budget`, { timeout: 30_000 }, async () => {
    for (let i = 0; i < DEFAULT_UNPROVEN_BUDGET.limit; i++) {
      // A read quota of 1 a minute, spent by an unauthenticated call: the next read waits for it.
      const c = createCsboardClient({ apiKey: badKey(), baseUrl, retry: { retries: 0 }, rateLimit: { read: { limit: 1, windowMs: 60_000 } } });
      await c.health();
      const err = await c.getBalance({ signal: AbortSignal.timeout(100) }).catch((e: unknown) => e);
      // Cancelled in the quota's line (or refused by it): either way nothing was sent.
      expect(err).toBeInstanceOf(Error);
      expect((err as { code?: string }).code).not.toBe('authentication_failed');
      await c.close();
    }
    expect(sandbox.badKeyHits).toHaveLength(0); // not one bad-key request reached the server
    // A fresh bad key, its own fresh quota: it should get its one 401 at once ...
    const d = createCsboardClient({ apiKey: badKey(), baseUrl, retry: { retries: 0 } });
    const t0 = Date.now();
    const got = await d.getBalance({ signal: AbortSignal.timeout(3_000) }).catch((e: unknown) => e);
    await d.close();
    // ... but it waits for a budget that nothing was sent on, and is cancelled after 3 s.
    expect({ code: (got as { code?: string }).code, message: (got as Error).message, ms: Date.now() - t0 < 2_500 }).toMatchObject({ code: 'authentication_failed', ms: true });
  });
});
