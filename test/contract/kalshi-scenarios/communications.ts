/**
 * The communications area in the contract run: every operation through the client — user A
 * asks for quotes, user B quotes, A accepts, B confirms (RFQ-scoped and deprecated paths), a
 * block trade A proposes and B accepts — and the sandbox's error statuses: 400 for malformed
 * parameters and bodies, 403 for a proposal by a non-party, 404 for unknown or private ids,
 * 409 for a second open RFQ on one market.
 */
import type { KalshiScenario, KalshiScenarioContext } from './types.js';

/** The status a refused call ended with (it must be refused). */
async function statusOf(call: Promise<unknown>): Promise<number | undefined> {
  try {
    await call;
  } catch (error) {
    return (error as { status?: number }).status;
  }
  throw new Error('the call was expected to be refused');
}
function expectStatus(what: string, got: number | undefined, want: number): void {
  if (got !== want) throw new Error(`${what}: expected ${want}, got ${String(got)}`);
}
const UNKNOWN = '00000000-0000-4000-8000-00000000dead';

async function run(ctx: KalshiScenarioContext): Promise<void> {
  const { client: a, other: b, sandbox } = ctx;
  const [rfqTicker, deprecatedTicker, blockTicker] = [sandbox.markets[4]!.ticker, sandbox.markets[5]!.ticker, sandbox.markets[6]!.ticker];
  await a.communications.getId();
  await b.communications.getId();

  // RFQ → quote → accept → confirm, on the RFQ-scoped paths.
  const { id: rfqId } = await a.communications.rfqs.create({ ticker: rfqTicker, contracts: 2, restRemainder: false });
  expectStatus('a second open RFQ on the market', await statusOf(a.communications.rfqs.create({ ticker: rfqTicker, contracts: 2, restRemainder: false })), 409);
  await b.communications.rfqs.list({ ticker: rfqTicker, status: 'open', limit: 10 });
  for await (const rfq of b.communications.rfqs.all({ limit: 1 })) void rfq;
  const rfq = await a.communications.rfqs.get(rfqId);
  const { id: quoteId } = await b.communications.quotes.create({ rfqId, yesBid: '0.30', noBid: '0.60', restRemainder: false });
  await a.communications.quotes.list({ rfqUserFilter: 'self' });
  for await (const q of b.communications.quotes.all({ userFilter: 'self', limit: 1 })) void q;
  const quote = await b.communications.rfqs.quotes.get(rfqId, quoteId);
  await a.communications.rfqs.quotes.accept(rfqId, quoteId, { side: 'yes' });
  await b.communications.rfqs.quotes.confirm(rfqId, quoteId);
  await a.communications.rfqs.quotes.get(rfqId, quoteId);

  // A quote withdrawn, an RFQ deleted.
  const { id: second } = await a.communications.rfqs.create({ ticker: rfqTicker, targetCost: '10', restRemainder: true });
  const { id: withdrawn } = await b.communications.quotes.create({ rfqId: second, yesBid: '0.25', noBid: '0', restRemainder: false });
  await a.communications.rfqs.quotes.get(second, withdrawn);
  await b.communications.rfqs.quotes.delete(second, withdrawn);
  await a.communications.rfqs.delete(second);

  // The deprecated quote paths.
  const { id: third } = await a.communications.rfqs.create({ ticker: deprecatedTicker, contracts: 1, restRemainder: false });
  const { id: old } = await b.communications.quotes.create({ rfqId: third, yesBid: '0.10', noBid: '0.80', restRemainder: false });
  await b.communications.quotes.get(old);
  await a.communications.quotes.accept(old, { side: 'no' });
  await b.communications.quotes.confirm(old);
  const { id: old2 } = await b.communications.quotes.create({ rfqId: (await a.communications.rfqs.create({ ticker: deprecatedTicker, contracts: 1, restRemainder: false })).id, yesBid: '0.10', noBid: '0.80', restRemainder: false });
  await b.communications.quotes.delete(old2);

  // A block trade between A (buyer) and B (seller); the user ids come from the private fields.
  const userA = rfq.creator_user_id!;
  const userB = quote.creator_user_id!;
  const { block_trade_proposal_id: proposalId } = await a.communications.blockTrades.propose({ buyerUserId: userA, sellerUserId: userB, ticker: blockTicker, price: '0.40', count: 3, makerSide: 'yes', expiresAt: new Date(Date.now() + 60_000) });
  await b.communications.blockTrades.list({ ticker: blockTicker, status: 'pending' });
  for await (const p of a.communications.blockTrades.all({ limit: 1 })) void p;
  await b.communications.blockTrades.accept(proposalId);

  // Error statuses the client would refuse to send, straight to the sandbox.
  const bad: [string, string, unknown, number][] = [
    ['GET', '/communications/rfqs?limit=0', undefined, 400],
    ['GET', '/communications/rfqs?creator_user_id=not-a-uuid', undefined, 400],
    ['POST', '/communications/rfqs', { market_ticker: rfqTicker }, 400],
    ['GET', '/communications/rfqs/not-a-uuid', undefined, 400],
    ['GET', `/communications/rfqs/${UNKNOWN}`, undefined, 404],
    ['DELETE', '/communications/rfqs/not-a-uuid', undefined, 400],
    ['DELETE', `/communications/rfqs/${UNKNOWN}`, undefined, 404],
    ['GET', `/communications/rfqs/${rfqId}/quotes/not-a-uuid`, undefined, 400],
    ['GET', `/communications/rfqs/${rfqId}/quotes/${UNKNOWN}`, undefined, 404],
    ['DELETE', `/communications/rfqs/${rfqId}/quotes/not-a-uuid`, undefined, 400],
    ['DELETE', `/communications/rfqs/${rfqId}/quotes/${UNKNOWN}`, undefined, 404],
    ['PUT', `/communications/rfqs/${rfqId}/quotes/${quoteId}/accept`, { accepted_side: 'maybe' }, 400],
    ['PUT', `/communications/rfqs/${rfqId}/quotes/${UNKNOWN}/accept`, { accepted_side: 'yes' }, 404],
    ['PUT', `/communications/rfqs/${rfqId}/quotes/not-a-uuid/confirm`, {}, 400],
    ['PUT', `/communications/rfqs/${rfqId}/quotes/${quoteId}/confirm`, {}, 404],
    ['GET', '/communications/quotes?rfq_id=not-a-uuid', undefined, 400],
    ['POST', '/communications/quotes', { rfq_id: rfqId, yes_bid: '0.30', no_bid: '0.60' }, 400],
    ['GET', '/communications/quotes/not-a-uuid', undefined, 400],
    ['GET', `/communications/quotes/${UNKNOWN}`, undefined, 404],
    ['DELETE', '/communications/quotes/not-a-uuid', undefined, 400],
    ['DELETE', `/communications/quotes/${UNKNOWN}`, undefined, 404],
    ['PUT', `/communications/quotes/${old}/accept`, {}, 400],
    ['PUT', `/communications/quotes/${UNKNOWN}/accept`, { accepted_side: 'yes' }, 404],
    ['PUT', '/communications/quotes/not-a-uuid/confirm', {}, 400],
    ['PUT', `/communications/quotes/${UNKNOWN}/confirm`, {}, 404],
    ['GET', '/communications/block-trade-proposals?limit=101', undefined, 400],
    ['POST', '/communications/block-trade-proposals', { buyer_user_id: userA, seller_user_id: userB, market_ticker: blockTicker, price_centi_cents: 0, centicount: 1, maker_side: 'yes', expiration_ts: new Date(Date.now() + 60_000).toISOString() }, 400],
    ['POST', `/communications/block-trade-proposals/${proposalId}/accept`, { subaccount: 64 }, 400],
    ['POST', `/communications/block-trade-proposals/${UNKNOWN}/accept`, {}, 404],
  ];
  for (const [method, path, body, want] of bad) expectStatus(`${method} ${path}`, await ctx.raw(method, path, body === undefined ? {} : { body }), want);
  // Only a party may propose: A proposing between B and a third user is 403.
  const third3 = await sandbox.createUser({ balanceUsd: 10 });
  const forbidden = { buyer_user_id: userB, seller_user_id: third3.userId, market_ticker: blockTicker, price_centi_cents: 4000, centicount: 100, maker_side: 'yes', expiration_ts: new Date(Date.now() + 60_000).toISOString() };
  expectStatus('a proposal by a non-party', await ctx.raw('POST', '/communications/block-trade-proposals', { body: forbidden }), 403);
}

/** The communications scenario (see the file comment). */
export const scenario: KalshiScenario = { name: 'communications', run };
