/**
 * kalshi.communications inputs: every call with input refuses a bad one with ValidationError
 * before anything is sent (the network is off, and the sender must not be reached); good input
 * reaches the wire exactly (bids, counts, centi-cents, timestamps, filters); each call goes out
 * with the bucket and repeat safety its TSDoc states.
 */
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createKalshiClient, generateRsaKeyPair, ValidationError, type KalshiClient } from '../../src/index.js';
import { RequestSender, type RequestSpec } from '../../src/http/request-sender.js';
import { caught } from '../helpers.js';
import { offlineWireTests } from '../offline.js';

const BASE = 'https://external-api.kalshi.com';
const ROOT = '/trade-api/v2';
const KEY_ID = '3f2a9c1e-7b4d-4e8a-9c21-5d6e7f809a1b';
const RFQ = '5b1c2d3e-4f50-4a61-8b72-9c8d7e6f5a4b';
const QUOTE = '6c2d3e4f-5061-4b72-9c83-ad9e8f7a6b5c';
const PROPOSE = { buyerUserId: 'u-buyer', sellerUserId: 'u-seller', ticker: 'KXA-1', price: '0.45', count: 10, makerSide: 'yes' as const, expiresAt: 1_900_000_000 };

describe('kalshi communications inputs', () => {
  let pair: { privateKeyPem: string; publicKeyPem: string };
  let client: KalshiClient;
  offlineWireTests(() => client);
  beforeAll(async () => {
    pair = await generateRsaKeyPair();
  });
  afterEach(() => vi.restoreAllMocks());
  const make = (): KalshiClient => (client = createKalshiClient({ keyId: KEY_ID, privateKeyPem: pair.privateKeyPem, retry: { retries: 1, minDelayMs: 1, maxDelayMs: 2 } }));
  const expectNothingSent = () => vi.spyOn(RequestSender.prototype, 'send').mockImplementation(() => Promise.reject(new Error('a request was sent')));

  /** One bad input per call (and per rule where a call has several). */
  const bad: [string, (c: KalshiClient) => Promise<unknown>][] = [
    ['rfqs.list limit 0', (c) => c.communications.rfqs.list({ limit: 0 })],
    ['rfqs.list limit 101', (c) => c.communications.rfqs.list({ limit: 101 })],
    ['rfqs.list userFilter other', (c) => c.communications.rfqs.list({ userFilter: 'others' as never })],
    ['rfqs.list subaccount 64', (c) => c.communications.rfqs.list({ subaccount: 64 })],
    ['rfqs.list unknown key', (c) => c.communications.rfqs.list({ market: 'X' } as never)],
    ['rfqs.all limit 0', async (c) => c.communications.rfqs.all({ limit: 0 }).next()],
    ['rfqs.get empty id', (c) => c.communications.rfqs.get('')],
    ['rfqs.create no size', (c) => c.communications.rfqs.create({ ticker: 'KXA', restRemainder: false })],
    ['rfqs.create both sizes', (c) => c.communications.rfqs.create({ ticker: 'KXA', contracts: 1, targetCost: '10', restRemainder: false })],
    ['rfqs.create 3 decimals', (c) => c.communications.rfqs.create({ ticker: 'KXA', contracts: '1.005', restRemainder: false })],
    ['rfqs.create float count', (c) => c.communications.rfqs.create({ ticker: 'KXA', contracts: 0.1 + 0.2, restRemainder: false })],
    ['rfqs.create zero cost', (c) => c.communications.rfqs.create({ ticker: 'KXA', targetCost: '0.00', restRemainder: false })],
    ['rfqs.create excludesFees without cost', (c) => c.communications.rfqs.create({ ticker: 'KXA', contracts: 1, targetCostExcludesFees: true, restRemainder: false })],
    ['rfqs.create no restRemainder', (c) => c.communications.rfqs.create({ ticker: 'KXA', contracts: 1 } as never)],
    ['rfqs.create bad ticker', (c) => c.communications.rfqs.create({ ticker: 'KX A/../b', contracts: 1, restRemainder: false })],
    ['rfqs.create subaccount and subtrader', (c) => c.communications.rfqs.create({ ticker: 'KXA', contracts: 1, restRemainder: false, subaccount: 1, subtraderId: 's' })],
    ['rfqs.delete empty id', (c) => c.communications.rfqs.delete('')],
    ['rfqs.quotes.get empty quote id', (c) => c.communications.rfqs.quotes.get(RFQ, '')],
    ['rfqs.quotes.delete empty rfq id', (c) => c.communications.rfqs.quotes.delete('', QUOTE)],
    ['rfqs.quotes.accept side', (c) => c.communications.rfqs.quotes.accept(RFQ, QUOTE, { side: 'maybe' as never })],
    ['rfqs.quotes.confirm long id', (c) => c.communications.rfqs.quotes.confirm(RFQ, 'q'.repeat(201))],
    ['quotes.list limit 501', (c) => c.communications.quotes.list({ limit: 501 })],
    ['quotes.list milliseconds', (c) => c.communications.quotes.list({ minTs: Date.now() })],
    ['quotes.list min after max', (c) => c.communications.quotes.list({ minTs: 200, maxTs: 100 })],
    ['quotes.list rfqUserFilter other', (c) => c.communications.quotes.list({ rfqUserFilter: 'all' as never })],
    ['quotes.all limit 0', async (c) => c.communications.quotes.all({ limit: 0 }).next()],
    ['quotes.create both declined', (c) => c.communications.quotes.create({ rfqId: RFQ, yesBid: '0', noBid: '0.00', restRemainder: false })],
    ['quotes.create bid 1', (c) => c.communications.quotes.create({ rfqId: RFQ, yesBid: '1.00', noBid: '0.50', restRemainder: false })],
    ['quotes.create bid number', (c) => c.communications.quotes.create({ rfqId: RFQ, yesBid: 0.45 as never, noBid: '0.50', restRemainder: false })],
    ['quotes.create bid 5 decimals', (c) => c.communications.quotes.create({ rfqId: RFQ, yesBid: '0.45001', noBid: '0.50', restRemainder: false })],
    ['quotes.create no rfq id', (c) => c.communications.quotes.create({ rfqId: '', yesBid: '0.45', noBid: '0.50', restRemainder: false })],
    ['quotes.get empty id', (c) => c.communications.quotes.get('')],
    ['quotes.delete empty id', (c) => c.communications.quotes.delete('')],
    ['quotes.accept side', (c) => c.communications.quotes.accept(QUOTE, {} as never)],
    ['quotes.confirm empty id', (c) => c.communications.quotes.confirm('')],
    ['blockTrades.list limit 101', (c) => c.communications.blockTrades.list({ limit: 101 })],
    ['blockTrades.all limit 0', async (c) => c.communications.blockTrades.all({ limit: 0 }).next()],
    ['blockTrades.propose same parties', (c) => c.communications.blockTrades.propose({ ...PROPOSE, sellerUserId: 'u-buyer' })],
    ['blockTrades.propose price 0', (c) => c.communications.blockTrades.propose({ ...PROPOSE, price: '0.00' })],
    ['blockTrades.propose price 5 decimals', (c) => c.communications.blockTrades.propose({ ...PROPOSE, price: '0.45001' })],
    ['blockTrades.propose count 0', (c) => c.communications.blockTrades.propose({ ...PROPOSE, count: 0 })],
    ['blockTrades.propose expiry in ms', (c) => c.communications.blockTrades.propose({ ...PROPOSE, expiresAt: Date.now() })],
    ['blockTrades.propose makerSide', (c) => c.communications.blockTrades.propose({ ...PROPOSE, makerSide: 'bid' as never })],
    ['blockTrades.propose subaccount and subtrader', (c) => c.communications.blockTrades.propose({ ...PROPOSE, buyerSubaccount: 1, buyerSubtraderId: 's' })],
    ['blockTrades.accept subaccount 64', (c) => c.communications.blockTrades.accept('p1', { subaccount: 64 })],
    ['blockTrades.accept empty id', (c) => c.communications.blockTrades.accept('')],
  ];
  it.each(bad)('%s: ValidationError, nothing sent', async (_name, call) => {
    const send = expectNothingSent();
    const err = await caught(call(make()));
    expect(err).toBeInstanceOf(ValidationError);
    expect(send).not.toHaveBeenCalled();
  });

  it('the wire: bids padded and "0" declined, counts exact, centi-cents and ISO expiry, filters by their spec names', async () => {
    make();
    nock(BASE).post(`${ROOT}/communications/quotes`, { rfq_id: RFQ, yes_bid: '0.00', no_bid: '0.505', rest_remainder: true, post_only: true }).reply(201, { id: QUOTE });
    expect(await client.communications.quotes.create({ rfqId: RFQ, yesBid: '0', noBid: '.505', restRemainder: true, postOnly: true })).toEqual({ id: QUOTE });
    nock(BASE).post(`${ROOT}/communications/rfqs`, { market_ticker: 'KXA-1', contracts_fp: '2.50', rest_remainder: false }).reply(201, { id: RFQ });
    expect(await client.communications.rfqs.create({ ticker: 'KXA-1', contracts: 2.5, restRemainder: false })).toEqual({ id: RFQ });
    nock(BASE).post(`${ROOT}/communications/rfqs`, { market_ticker: 'KXA-1', target_cost_dollars: '100.00', target_cost_excludes_fees: true, rest_remainder: false, replace_existing: true }).reply(201, { id: RFQ });
    await client.communications.rfqs.create({ ticker: 'KXA-1', targetCost: '0100', targetCostExcludesFees: true, restRemainder: false, replaceExisting: true });
    nock(BASE)
      .post(`${ROOT}/communications/block-trade-proposals`, { buyer_user_id: 'u-buyer', seller_user_id: 'u-seller', market_ticker: 'KXA-1', price_centi_cents: 4512, centicount: 1050, maker_side: 'no', expiration_ts: '2030-03-17T17:46:40.000Z' })
      .reply(201, { block_trade_proposal_id: 'p1' });
    expect(await client.communications.blockTrades.propose({ ...PROPOSE, price: '0.4512', count: '10.5', makerSide: 'no', expiresAt: new Date(1_900_000_000_999) })).toEqual({ block_trade_proposal_id: 'p1' });
    nock(BASE).put(`${ROOT}/communications/rfqs/${RFQ}/quotes/${QUOTE}/accept`, { accepted_side: 'no' }).reply(204);
    await client.communications.rfqs.quotes.accept(RFQ, QUOTE, { side: 'no' });
    nock(BASE).put(`${ROOT}/communications/rfqs/${RFQ}/quotes/${QUOTE}/confirm`, {}).reply(204);
    await client.communications.rfqs.quotes.confirm(RFQ, QUOTE);
    nock(BASE).get(`${ROOT}/communications/quotes`).query({ limit: '20', min_ts: '1700000000', user_filter: 'self', rfq_user_filter: 'self', rfq_id: RFQ, status: 'open' }).reply(200, { quotes: [], cursor: '' });
    await client.communications.quotes.list({ limit: 20, minTs: new Date(1_700_000_000_500), userFilter: 'self', rfqUserFilter: 'self', rfqId: RFQ, status: 'open' });
    nock(BASE).get(`${ROOT}/communications/rfqs`).query({ market_ticker: 'KXA-1', event_ticker: 'KXA', subaccount: '0', user_filter: 'self' }).reply(200, { rfqs: [] });
    await client.communications.rfqs.list({ ticker: 'KXA-1', eventTicker: 'KXA', subaccount: 0, userFilter: 'self' });
    nock(BASE).get(`${ROOT}/communications/block-trade-proposals`).query({ market_ticker: 'KXA-1', status: 'pending', limit: '5' }).reply(200, { block_trade_proposals: [] });
    await client.communications.blockTrades.list({ ticker: 'KXA-1', status: 'pending', limit: 5 });
  });

  it('answers as sent: dollar-string bids and target cost, integer centi-cent prices and centi-counts, no Money copies', async () => {
    make();
    const quote = { id: QUOTE, rfq_id: RFQ, creator_id: 'c1', rfq_creator_id: '0', market_ticker: 'KXA-1', contracts_fp: '0.00', yes_bid_dollars: '0.4512', no_bid_dollars: '0.0000', created_ts: '2026-01-01T00:00:00Z', updated_ts: '2026-01-01T00:00:00Z', status: 'open', rfq_target_cost_dollars: '25.5000' };
    nock(BASE).get(`${ROOT}/communications/rfqs/${RFQ}/quotes/${QUOTE}`).reply(200, { quote });
    const q = await client.communications.rfqs.quotes.get(RFQ, QUOTE);
    expect(q).toEqual(quote);
    const proposal = { id: 'p1', proposer_user_id: 'u1', buyer_user_id: 'u1', seller_user_id: '', market_ticker: 'KXA-1', price_centi_cents: 4512, centicount: 5, maker_side: 'yes', expiration_ts: '2026-01-01T00:00:00Z', status: 'pending', created_ts: '2026-01-01T00:00:00Z', updated_ts: '2026-01-01T00:00:00Z', buyer_accepted: true, seller_accepted: false };
    nock(BASE).get(`${ROOT}/communications/block-trade-proposals`).reply(200, { block_trade_proposals: [proposal] });
    const [p] = (await client.communications.blockTrades.list()).block_trade_proposals;
    expect(p).toEqual(proposal);
  });

  it('buckets and repeat safety: quote writes and block-trade accepts on Write, creates unsafe, accept/confirm/delete idempotent', async () => {
    const specs: RequestSpec<unknown>[] = [];
    vi.spyOn(RequestSender.prototype, 'send').mockImplementation((spec) => {
      specs.push(spec as RequestSpec<unknown>);
      return Promise.resolve({ id: 'x', block_trade_proposal_id: 'x' } as never);
    });
    const k = make().communications;
    await k.rfqs.create({ ticker: 'KXA', contracts: 1, restRemainder: false });
    await k.rfqs.delete(RFQ);
    await k.quotes.create({ rfqId: RFQ, yesBid: '0.40', noBid: '0.50', restRemainder: false });
    await k.rfqs.quotes.delete(RFQ, QUOTE);
    await k.rfqs.quotes.accept(RFQ, QUOTE, { side: 'yes' });
    await k.rfqs.quotes.confirm(RFQ, QUOTE);
    await k.quotes.delete(QUOTE);
    await k.quotes.accept(QUOTE, { side: 'yes' });
    await k.quotes.confirm(QUOTE);
    await k.blockTrades.propose(PROPOSE);
    await k.blockTrades.accept('p1');
    expect(specs.map((s) => [s.method, s.path, s.limitClass, s.safety])).toEqual([
      ['POST', '/communications/rfqs', 'read', 'unsafe'],
      ['DELETE', `/communications/rfqs/${RFQ}`, 'read', 'idempotent'],
      ['POST', '/communications/quotes', 'write', 'unsafe'],
      ['DELETE', `/communications/rfqs/${RFQ}/quotes/${QUOTE}`, 'write', 'idempotent'],
      ['PUT', `/communications/rfqs/${RFQ}/quotes/${QUOTE}/accept`, 'write', 'idempotent'],
      ['PUT', `/communications/rfqs/${RFQ}/quotes/${QUOTE}/confirm`, 'write', 'idempotent'],
      ['DELETE', `/communications/quotes/${QUOTE}`, 'write', 'idempotent'],
      ['PUT', `/communications/quotes/${QUOTE}/accept`, 'write', 'idempotent'],
      ['PUT', `/communications/quotes/${QUOTE}/confirm`, 'write', 'idempotent'],
      ['POST', '/communications/block-trade-proposals', 'read', 'unsafe'],
      ['POST', '/communications/block-trade-proposals/p1/accept', 'write', 'idempotent'],
    ]);
    expect(specs.filter((s) => s.safety === 'unsafe').every((s) => typeof s.outcomeHint === 'string' && s.outcomeHint.length > 0)).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });
});
