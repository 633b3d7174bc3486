/**
 * Hostile: every write of today's areas that moves money or creates something, under each way
 * an answer can go wrong — lost after the server acted (reset-after), cut half-way (truncate),
 * garbled (malformed), a gateway's 502/503/504, or a hang past the deadline — must reach the
 * server at most once unless it carries an idempotency key the server dedupes; and a write that
 * did happen must never be reported as a plain failure without saying its outcome is unknown.
 * Money is counted afterwards: moved exactly once, or not at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MarketError, OutcomeUnknownError } from '../../src/errors.js';
import { createKalshiClient, type KalshiClient } from '../../providers/kalshi/index.js';
import { KalshiSandbox } from '../../providers/kalshi/sandbox.js';
import { createCs2CapClient, type Cs2CapClient } from '../../src/index.js';
import { Cs2CapSandbox } from '../../providers/cs2cap/sandbox.js';

type FaultKind = 'reset-after' | 'truncate' | 'malformed' | 'status502' | 'status504' | 'hang';
const FAULTS: FaultKind[] = ['reset-after', 'truncate', 'malformed', 'status502', 'status504', 'hang'];
const ROOT = '/trade-api/v2';
/** The call's error, or undefined when it succeeded. */
const outcome = (p: Promise<unknown>): Promise<unknown> => p.then(() => undefined, (e: unknown) => e);

describe('hostile: money-moving writes under lost, cut and garbled answers', () => {
  let ks: KalshiSandbox;
  let a: KalshiClient;
  let b: KalshiClient;
  let userA: { userId: string };
  let userB: { userId: string };
  let cs: Cs2CapSandbox;
  let cc: Cs2CapClient;
  beforeAll(async () => {
    ks = new KalshiSandbox();
    const baseUrl = await ks.start();
    const ua = await ks.createUser({ balanceUsd: 1000, tier: 'advanced' });
    userA = ua;
    const ub = await ks.createUser({ balanceUsd: 1000 });
    userB = ub;
    const opts = { baseUrl, timeoutMs: 1500, retry: { retries: 3, minDelayMs: 5, maxDelayMs: 20 } };
    a = createKalshiClient({ ...opts, keyId: ua.keyId, privateKeyPem: ua.privateKeyPem });
    b = createKalshiClient({ ...opts, keyId: ub.keyId, privateKeyPem: ub.privateKeyPem });
    cs = new Cs2CapSandbox({ windowMs: 1000 });
    const csUrl = await cs.start();
    cc = createCs2CapClient({ apiKey: cs.createKey('pro'), baseUrl: csUrl, timeoutMs: 1500, retry: { retries: 3, minDelayMs: 5, maxDelayMs: 20 }, rateLimit: { default: { limit: 1000, windowMs: 1000 } } });
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close(), cc.close()]);
    await Promise.all([ks.close(), cs.close()]);
  });

  const inject = (server: KalshiSandbox['server'] | Cs2CapSandbox['server'], kind: FaultKind, method: string, path: string | RegExp): void => {
    if (kind === 'status502' || kind === 'status504') server.inject({ kind: 'status', status: kind === 'status502' ? 502 : 504, method, path, body: { message: 'gateway' }, times: 10 });
    else server.inject({ kind, method, path });
  };
  const count = (server: KalshiSandbox['server'] | Cs2CapSandbox['server'], method: string, path: string | RegExp) =>
    server.requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path))).length;

  for (const kind of FAULTS) {
    it(`subaccount transfer (${kind}): retried only under its client_transfer_id, money moved once`, async () => {
      const { subaccount_number: subaccount } = await a.subaccounts.create();
      const bal = async (n: number) => (await a.subaccounts.balances()).filter((x) => x.subaccount_number === n).reduce((s, x) => s + Number(x.balance), 0);
      const before0 = await bal(0);
      const before = count(ks.server, 'POST', `${ROOT}/portfolio/subaccounts/transfer`);
      inject(ks.server, kind, 'POST', `${ROOT}/portfolio/subaccounts/transfer`);
      const result = await outcome(a.subaccounts.transfer({ from: 0, to: subaccount, amountCents: 100 }));
      ks.server.clearFaults();
      if (result instanceof MarketError) {
        expect(result).toBeInstanceOf(OutcomeUnknownError);
        const key = (result as OutcomeUnknownError).idempotencyKey;
        expect(key).toMatch(/^[0-9a-f-]{36}$/);
        // The documented way out: repeat under the key — it moves nothing a second time.
        await a.subaccounts.transfer({ from: 0, to: subaccount, amountCents: 100, idempotencyKey: key! });
      }
      expect(count(ks.server, 'POST', `${ROOT}/portfolio/subaccounts/transfer`) - before).toBeGreaterThanOrEqual(1);
      expect(await bal(subaccount)).toBe(1);
      expect(await bal(0)).toBeCloseTo(before0 - 1, 6);
    }, 15_000);

    it(`exchange transfer (${kind}): never repeated, at most one move`, async () => {
      const before = count(ks.server, 'POST', `${ROOT}/portfolio/intra_exchange_instance_transfer`);
      const listed = (await a.exchangeTransfers.list()).transfers.length;
      inject(ks.server, kind, 'POST', `${ROOT}/portfolio/intra_exchange_instance_transfer`);
      const result = await outcome(a.exchangeTransfers.create({ source: 'event_contract', destination: 'event_contract', destinationShard: 2, amountCents: 100 }));
      ks.server.clearFaults();
      expect(count(ks.server, 'POST', `${ROOT}/portfolio/intra_exchange_instance_transfer`) - before).toBe(1);
      const moved = (await a.exchangeTransfers.list()).transfers.length - listed;
      expect(moved).toBeLessThanOrEqual(1);
      if (moved === 1) expect(result).toBeInstanceOf(OutcomeUnknownError);
    }, 15_000);

    it(`block trade accept (${kind}): the trade executes once`, async () => {
      const ticker = ks.markets[0]!.ticker;
      const { block_trade_proposal_id: proposalId } = await b.communications.blockTrades.propose({ buyerUserId: userB.userId, sellerUserId: userA.userId, ticker, price: '0.50', count: '1', makerSide: 'yes', expiresAt: Math.floor(Date.now() / 1000) + 600 });
      const trades = ks.engine.trades(ticker).length;
      inject(ks.server, kind, 'POST', /\/block-trade-proposals\/[^/]+\/accept$/);
      const result = await outcome(a.communications.blockTrades.accept(proposalId));
      ks.server.clearFaults();
      // Harmless to repeat (the sandbox answers the same acceptance again with 204): repeat it.
      if (result instanceof MarketError) await a.communications.blockTrades.accept(proposalId);
      expect(ks.engine.trades(ticker).length - trades).toBe(1);
    }, 15_000);

    it(`CS2Cap CSV import (${kind}): sent once, rows imported at most once`, async () => {
      const p = await cc.portfolios.create({ name: `faults-${kind}` });
      const before = count(cs.server, 'POST', `/v1/portfolio/${p.id}/import/csv`);
      inject(cs.server, kind, 'POST', `/v1/portfolio/${p.id}/import/csv`);
      const result = await outcome(cc.portfolios.importCsv(p.id, 'item_id,quantity\n1000,2\n'));
      cs.server.clearFaults();
      expect(count(cs.server, 'POST', `/v1/portfolio/${p.id}/import/csv`) - before).toBe(1);
      const held = (await cc.portfolios.items(p.id)).reduce((s, h) => s + h.quantity, 0);
      expect([0, 2]).toContain(held);
      if (held === 2 && result instanceof MarketError) expect(result).toBeInstanceOf(OutcomeUnknownError);
    }, 15_000);
  }
});
