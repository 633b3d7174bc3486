/**
 * Kalshi communications through the clients against the sandbox: user A asks for quotes, user B
 * quotes, A accepts a side, B confirms, and the trade shows in both users' fills, positions and
 * cash, adding up; block-trade proposals between A and B; deletion, confirmation timeout and
 * who may do what; repeat safety (accept and confirm again are harmless, an unsafe create whose
 * answer is lost is not repeated and leaves one RFQ or quote); the deprecated quote paths.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidRequestError, OutcomeUnknownError } from '../../src/errors.js';
import { createKalshiClient, type KalshiClient } from '../../providers/kalshi/index.js';
import { KalshiSandbox } from '../../providers/kalshi/sandbox.js';
import { communicationsState } from '../../providers/kalshi/sandbox-communications.js';
import { caught } from '../helpers.js';

const ROOT = '/trade-api/v2';

describe('kalshi communications against the sandbox', () => {
  let sandbox: KalshiSandbox;
  let a: KalshiClient;
  let b: KalshiClient;
  let c: KalshiClient;
  let userA: { userId: string };
  let userB: { userId: string };
  let tickers: string[];
  beforeAll(async () => {
    sandbox = new KalshiSandbox();
    const baseUrl = await sandbox.start();
    const make = async () => {
      const u = await sandbox.createUser({ balanceUsd: 1000 });
      return { u, client: createKalshiClient({ baseUrl, keyId: u.keyId, privateKeyPem: u.privateKeyPem, retry: { minDelayMs: 10, maxDelayMs: 50 } }) };
    };
    const [x, y, z] = [await make(), await make(), await make()];
    [a, b, c] = [x.client, y.client, z.client];
    [userA, userB] = [x.u, y.u];
    tickers = sandbox.markets.map((m) => m.ticker);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close(), c.close()]);
    await sandbox.close();
  });
  const cents = async (client: KalshiClient) => (await client.getBalance()).balance;
  const position = async (client: KalshiClient, ticker: string) => (await client.getPositions({ ticker })).market_positions.find((p) => p.ticker === ticker)?.position_fp;
  const feeCents = (fee: unknown) => Math.round(Number(fee) * 100);
  const posts = (path: string) => sandbox.server.requests.filter((r) => r.method === 'POST' && r.path === ROOT + path).length;

  it('RFQ → quote → accept → confirm: the trade executes once, and both sides add up', async () => {
    const ticker = tickers[0]!;
    const [idA, idB] = [await a.communications.getId(), await b.communications.getId()];
    expect(idA).not.toBe(idB);
    expect(idA).not.toBe(userA.userId);

    const { id: rfqId } = await a.communications.rfqs.create({ ticker, contracts: 10, restRemainder: false });
    // B sees the broadcast RFQ, without A's private fields.
    const seen = (await b.communications.rfqs.list({ ticker, status: 'open' })).rfqs;
    expect(seen.map((r) => r.id)).toEqual([rfqId]);
    expect(seen[0]).toMatchObject({ creator_id: idA, contracts_fp: '10.00', status: 'open' });
    expect(seen[0]!.creator_user_id).toBeUndefined();
    expect((await a.communications.rfqs.get(rfqId)).creator_user_id).toBe(userA.userId);

    const { id: quoteId } = await b.communications.quotes.create({ rfqId, yesBid: '0.40', noBid: '0.55', restRemainder: false });
    const onMine = (await a.communications.quotes.list({ rfqUserFilter: 'self' })).quotes;
    expect(onMine.map((q) => q.id)).toEqual([quoteId]);
    expect(onMine[0]).toMatchObject({ creator_id: idB, rfq_creator_id: idA, yes_bid_dollars: '0.4000', status: 'open' });
    expect(onMine[0]).not.toHaveProperty('yesBid');
    // A quote is private to its quoter and the RFQ's creator.
    expect(await caught(c.communications.rfqs.quotes.get(rfqId, quoteId))).toMatchObject({ status: 404 });
    expect((await c.communications.quotes.list()).quotes).toEqual([]);

    // Only the RFQ's creator accepts; only the quoter confirms.
    expect(await caught(b.communications.rfqs.quotes.accept(rfqId, quoteId, { side: 'yes' }))).toMatchObject({ status: 404 });
    await a.communications.rfqs.quotes.accept(rfqId, quoteId, { side: 'yes' });
    await a.communications.rfqs.quotes.accept(rfqId, quoteId, { side: 'yes' });
    expect(await caught(a.communications.rfqs.quotes.accept(rfqId, quoteId, { side: 'no' }))).toMatchObject({ status: 400, providerCode: 'quote_not_open' });
    expect(await caught(a.communications.rfqs.quotes.confirm(rfqId, quoteId))).toMatchObject({ status: 404 });
    expect((await b.communications.rfqs.quotes.get(rfqId, quoteId))).toMatchObject({ status: 'accepted', accepted_side: 'yes' });

    const [beforeA, beforeB, feesBefore] = [await cents(a), await cents(b), sandbox.engine.feesCollected()];
    await b.communications.rfqs.quotes.confirm(rfqId, quoteId);
    await b.communications.rfqs.quotes.confirm(rfqId, quoteId);
    const [afterA, afterB] = [await cents(a), await cents(b)];

    // Accepting "yes": B (the quoter, maker) buys 10 YES at 0.40; A (taker) takes 10 NO at 0.60.
    expect(await position(b, ticker)).toBe('10.00');
    expect(await position(a, ticker)).toBe('-10.00');
    const [fillA] = (await a.getFills({ ticker })).fills;
    const [fillB] = (await b.getFills({ ticker })).fills;
    expect((await a.getFills({ ticker })).fills).toHaveLength(1);
    expect((await b.getFills({ ticker })).fills).toHaveLength(1);
    expect(fillB).toMatchObject({ count_fp: '10.00', yes_price_dollars: '0.4000', outcome_side: 'yes', is_taker: false });
    expect(fillA).toMatchObject({ count_fp: '10.00', yes_price_dollars: '0.4000', outcome_side: 'no', is_taker: true, trade_id: fillB!.trade_id });
    // The public tape marks it as executed off the book, and the block-trade filter finds it.
    const blocks = (await a.listTrades({ ticker, isBlockTrade: true })).trades;
    expect(blocks.map((t) => [t.trade_id, t.is_block_trade])).toEqual([[fillB!.trade_id, true]]);
    expect((await a.listTrades({ ticker, isBlockTrade: false })).trades.map((t) => t.trade_id)).not.toContain(fillB!.trade_id);
    // Engine fees: taker 0.07 × 10 × 0.4 × 0.6 = 0.168 → $0.17; maker 0.0175 × 10 × 0.24 = 0.042 → $0.05.
    expect([feeCents(fillA!.fee_cost), feeCents(fillB!.fee_cost)]).toEqual([17, 5]);
    expect(beforeA - afterA).toBe(600 + 17);
    expect(beforeB - afterB).toBe(400 + 5);
    // Money is conserved: what both paid is $1 a YES/NO pair plus the fees the exchange took.
    expect(beforeA - afterA + (beforeB - afterB)).toBe(10 * 100 + 17 + 5);
    expect(sandbox.engine.feesCollected() - feesBefore).toBe(220_000n);

    const done = await b.communications.rfqs.quotes.get(rfqId, quoteId);
    expect(done).toMatchObject({ status: 'executed', accepted_side: 'yes', creator_order_id: fillB!.order_id });
    expect(done.rfq_creator_order_id).toBeUndefined();
    expect((await a.communications.rfqs.quotes.get(rfqId, quoteId)).rfq_creator_order_id).toBe(fillA!.order_id);
    expect((await a.communications.rfqs.get(rfqId)).status).toBe('closed');
    expect((await a.getOrder(fillA!.order_id))).toMatchObject({ status: 'executed', fill_count_fp: '10.00' });
  });

  it('accepting "no" makes the creator the YES buyer at 1 − no_bid', async () => {
    const ticker = tickers[3]!;
    const { id: rfqId } = await a.communications.rfqs.create({ ticker, contracts: '2.5', restRemainder: true });
    const { id: quoteId } = await b.communications.quotes.create({ rfqId, yesBid: '0', noBid: '0.90', restRemainder: false });
    expect(await caught(a.communications.rfqs.quotes.accept(rfqId, quoteId, { side: 'yes' }))).toMatchObject({ status: 400, providerCode: 'side_not_quoted' });
    await a.communications.rfqs.quotes.accept(rfqId, quoteId, { side: 'no' });
    await b.communications.rfqs.quotes.confirm(rfqId, quoteId);
    expect(await position(a, ticker)).toBe('2.50');
    expect(await position(b, ticker)).toBe('-2.50');
    expect((await a.getFills({ ticker })).fills[0]).toMatchObject({ yes_price_dollars: '0.1000', outcome_side: 'yes', is_taker: true });
  });

  it('block trades: A proposes, B accepts, the trade executes once; only parties may see or accept', async () => {
    const ticker = tickers[1]!;
    const [beforeA, beforeB] = [await cents(a), await cents(b)];
    expect(await caught(c.communications.blockTrades.propose({ buyerUserId: userA.userId, sellerUserId: userB.userId, ticker, price: '0.30', count: 5, makerSide: 'no', expiresAt: new Date(Date.now() + 60_000) })))
      .toMatchObject({ status: 403 });
    const { block_trade_proposal_id: proposalId } = await a.communications.blockTrades.propose({ buyerUserId: userA.userId, sellerUserId: userB.userId, ticker, price: '0.30', count: 5, makerSide: 'no', expiresAt: new Date(Date.now() + 60_000) });
    const [forB] = (await b.communications.blockTrades.list({ ticker })).block_trade_proposals;
    expect(forB).toMatchObject({ id: proposalId, buyer_user_id: '', seller_user_id: userB.userId, price_centi_cents: 3000, centicount: 500, buyer_accepted: true, seller_accepted: false, status: 'pending' });
    expect(Object.keys(forB!)).not.toEqual(expect.arrayContaining(['price']));
    expect(Object.keys(forB!)).not.toEqual(expect.arrayContaining(['count']));
    expect((await c.communications.blockTrades.list()).block_trade_proposals).toEqual([]);
    expect(await caught(c.communications.blockTrades.accept(proposalId))).toMatchObject({ status: 404 });

    await b.communications.blockTrades.accept(proposalId);
    await b.communications.blockTrades.accept(proposalId);
    await a.communications.blockTrades.accept(proposalId);
    const [afterA, afterB] = [await cents(a), await cents(b)];
    expect(await position(a, ticker)).toBe('5.00');
    expect(await position(b, ticker)).toBe('-5.00');
    const [fillA] = (await a.getFills({ ticker })).fills;
    const [fillB] = (await b.getFills({ ticker })).fills;
    // maker_side "no": the seller B is the maker. Taker 0.07 × 5 × 0.21 = 0.0735 → $0.08; maker 0.018375 → $0.02.
    expect([fillA!.is_taker, fillB!.is_taker, feeCents(fillA!.fee_cost), feeCents(fillB!.fee_cost)]).toEqual([true, false, 8, 2]);
    expect(beforeA - afterA).toBe(150 + 8);
    expect(beforeB - afterB).toBe(350 + 2);
    const executed = (await a.communications.blockTrades.list({ status: 'executed' })).block_trade_proposals;
    expect(executed.map((p) => [p.id, p.buyer_order_id])).toEqual([[proposalId, fillA!.order_id]]);
    expect(executed[0]!.seller_order_id).toBeUndefined();
  });

  it('a proposal not accepted by its expiry lapses', async () => {
    const expiresAt = Math.floor(Date.now() / 1000) + 2;
    const { block_trade_proposal_id: proposalId } = await a.communications.blockTrades.propose({ buyerUserId: userA.userId, sellerUserId: userB.userId, ticker: tickers[2]!, price: '0.50', count: '1', makerSide: 'yes', expiresAt });
    while (Date.now() <= expiresAt * 1000) await new Promise((r) => setTimeout(r, 100));
    expect(await caught(b.communications.blockTrades.accept(proposalId))).toMatchObject({ status: 400, providerCode: 'proposal_expired' });
    expect((await b.communications.blockTrades.list({ status: 'expired' })).block_trade_proposals.map((p) => p.id)).toEqual([proposalId]);
    expect(await position(b, tickers[2]!)).toBeUndefined();
  });

  it('deleting an RFQ cancels its quotes; a quote on it is refused; deletes repeat harmlessly; others get 404', async () => {
    const ticker = tickers[2]!;
    const { id: rfqId } = await a.communications.rfqs.create({ ticker, contracts: 3, restRemainder: false });
    const { id: quoteId } = await b.communications.quotes.create({ rfqId, yesBid: '0.45', noBid: '0.50', restRemainder: false });
    expect(await caught(b.communications.rfqs.delete(rfqId))).toMatchObject({ status: 404 });
    await a.communications.rfqs.delete(rfqId);
    await a.communications.rfqs.delete(rfqId);
    expect(await a.communications.rfqs.get(rfqId)).toMatchObject({ status: 'closed', cancellation_reason: 'deleted' });
    expect(await b.communications.rfqs.quotes.get(rfqId, quoteId)).toMatchObject({ status: 'cancelled', cancellation_reason: 'rfq_deleted' });
    expect(await caught(b.communications.quotes.create({ rfqId, yesBid: '0.45', noBid: '0.50', restRemainder: false }))).toMatchObject({ status: 400, providerCode: 'rfq_closed' });
    expect(await caught(a.communications.rfqs.quotes.accept(rfqId, quoteId, { side: 'yes' }))).toMatchObject({ status: 400, providerCode: 'quote_not_open' });
    // Withdrawing a quote: only its quoter, and again is harmless.
    const { id: second } = await a.communications.rfqs.create({ ticker, contracts: 3, restRemainder: false });
    const { id: q2 } = await b.communications.quotes.create({ rfqId: second, yesBid: '0.45', noBid: '0.50', restRemainder: false });
    expect(await caught(a.communications.rfqs.quotes.delete(second, q2))).toMatchObject({ status: 404 });
    await b.communications.rfqs.quotes.delete(second, q2);
    await b.communications.rfqs.quotes.delete(second, q2);
    expect(await a.communications.rfqs.quotes.get(second, q2)).toMatchObject({ status: 'cancelled', cancellation_reason: 'deleted' });
    await a.communications.rfqs.delete(second);
  });

  it('an accepted quote the quoter does not confirm in time is cancelled', async () => {
    const state = communicationsState(sandbox);
    state.confirmWindowMs = 50;
    try {
      const { id: rfqId } = await a.communications.rfqs.create({ ticker: tickers[4]!, contracts: 1, restRemainder: false });
      const { id: quoteId } = await b.communications.quotes.create({ rfqId, yesBid: '0.20', noBid: '0.70', restRemainder: false });
      await a.communications.rfqs.quotes.accept(rfqId, quoteId, { side: 'no' });
      await new Promise((r) => setTimeout(r, 80));
      expect(await caught(b.communications.rfqs.quotes.confirm(rfqId, quoteId))).toMatchObject({ status: 400, providerCode: 'quote_not_accepted' });
      expect(await a.communications.rfqs.quotes.get(rfqId, quoteId)).toMatchObject({ status: 'cancelled', cancellation_reason: 'confirmation_timeout' });
      expect(await position(a, tickers[4]!)).toBeUndefined();
      await a.communications.rfqs.delete(rfqId);
    } finally {
      state.confirmWindowMs = 30_000;
    }
  });

  it('a create whose answer is lost is not repeated: OutcomeUnknownError, one RFQ, and a blind repeat is 409', async () => {
    const ticker = tickers[5]!;
    sandbox.server.inject({ kind: 'reset-after', method: 'POST', path: `${ROOT}/communications/rfqs` });
    const sent = posts('/communications/rfqs');
    const err = await caught(a.communications.rfqs.create({ ticker, contracts: 4, restRemainder: false }));
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect((err as Error).message).toContain("rfqs.list({ userFilter: 'self'");
    expect(posts('/communications/rfqs')).toBe(sent + 1);
    const mine = (await a.communications.rfqs.list({ userFilter: 'self', ticker, status: 'open' })).rfqs;
    expect(mine).toHaveLength(1);
    const repeat = await caught(a.communications.rfqs.create({ ticker, contracts: 4, restRemainder: false }));
    expect(repeat).toBeInstanceOf(InvalidRequestError);
    expect(repeat).toMatchObject({ status: 409, providerCode: 'rfq_already_exists' });

    // The same for a quote; a new quote replaces the earlier one, so one stays open.
    sandbox.server.inject({ kind: 'reset-after', method: 'POST', path: `${ROOT}/communications/quotes` });
    const quotesSent = posts('/communications/quotes');
    expect(await caught(b.communications.quotes.create({ rfqId: mine[0]!.id, yesBid: '0.10', noBid: '0.85', restRemainder: false }))).toBeInstanceOf(OutcomeUnknownError);
    expect(posts('/communications/quotes')).toBe(quotesSent + 1);
    const open = (await b.communications.quotes.list({ userFilter: 'self', rfqId: mine[0]!.id, status: 'open' })).quotes;
    expect(open).toHaveLength(1);
    const { id: quoteId } = await b.communications.quotes.create({ rfqId: mine[0]!.id, yesBid: '0.11', noBid: '0.85', restRemainder: false });
    expect((await b.communications.quotes.list({ rfqId: mine[0]!.id, status: 'open' })).quotes.map((q) => q.id)).toEqual([quoteId]);
    expect(await b.communications.rfqs.quotes.get(mine[0]!.id, open[0]!.id)).toMatchObject({ status: 'cancelled', cancellation_reason: 'replaced' });

    // Accept is repeat-safe: a lost answer is retried, and the quote is accepted once.
    sandbox.server.inject({ kind: 'reset-after', method: 'PUT', path: `${ROOT}/communications/rfqs/${mine[0]!.id}/quotes/${quoteId}/accept` });
    await a.communications.rfqs.quotes.accept(mine[0]!.id, quoteId, { side: 'yes' });
    expect(sandbox.server.requests.filter((r) => r.method === 'PUT' && r.path.endsWith(`${quoteId}/accept`))).toHaveLength(2);
    expect(await a.communications.rfqs.quotes.get(mine[0]!.id, quoteId)).toMatchObject({ status: 'accepted', accepted_side: 'yes' });
    await a.communications.rfqs.delete(mine[0]!.id);
  });

  it('the deprecated quote paths serve the same quotes', async () => {
    const ticker = tickers[6]!;
    const { id: rfqId } = await a.communications.rfqs.create({ ticker, contracts: 1, restRemainder: false });
    const { id: quoteId } = await b.communications.quotes.create({ rfqId, yesBid: '0.05', noBid: '0.90', restRemainder: false });
    expect(await b.communications.quotes.get(quoteId)).toMatchObject({ id: quoteId, rfq_id: rfqId, status: 'open' });
    await a.communications.quotes.accept(quoteId, { side: 'no' });
    await b.communications.quotes.confirm(quoteId);
    expect(await a.communications.quotes.get(quoteId)).toMatchObject({ status: 'executed' });
    expect(await position(a, ticker)).toBe('1.00');
    expect(await caught(b.communications.quotes.delete(quoteId))).toMatchObject({ status: 400, providerCode: 'quote_executed' });
  });

  it('lists page and filter: rfqs.all follows cursors; quotes and RFQs by status and market', async () => {
    const ids: string[] = [];
    for await (const r of b.communications.rfqs.all({ limit: 1 })) ids.push(r.id);
    const all = (await b.communications.rfqs.list()).rfqs.map((r) => r.id);
    expect(ids).toEqual(all);
    expect(all.length).toBeGreaterThan(3);
    expect(sandbox.server.requests.filter((r) => r.path === `${ROOT}/communications/rfqs` && r.query.includes('cursor=')).length).toBeGreaterThan(2);
    const closed = (await b.communications.rfqs.list({ status: 'closed', ticker: tickers[0] })).rfqs;
    expect(closed.every((r) => r.status === 'closed' && r.market_ticker === tickers[0])).toBe(true);
    expect((await b.communications.rfqs.list({ eventTicker: 'KXCS2MAJOR-26' })).rfqs.every((r) => r.market_ticker.startsWith('KXCS2MAJOR-26'))).toBe(true);
    const executed = (await a.communications.quotes.list({ status: 'executed' })).quotes;
    expect(executed.length).toBeGreaterThanOrEqual(3);
    expect((await a.communications.quotes.list({ status: 'executed', userFilter: 'self' })).quotes).toEqual([]);
    const quoteIds: string[] = [];
    for await (const q of b.communications.quotes.all({ limit: 2, userFilter: 'self' })) quoteIds.push(q.id);
    expect(quoteIds.length).toBe((await b.communications.quotes.list({ userFilter: 'self' })).quotes.length);
    expect((await a.communications.quotes.list({ minTs: new Date(Date.now() + 3_600_000) })).quotes).toEqual([]);
  });
});
