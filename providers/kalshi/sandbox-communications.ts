/**
 * The sandbox's communications routes: RFQs, quotes and block-trade proposals between the
 * sandbox's users, kept per sandbox, executed through the matching engine's
 * `executeBlockTrade` so fills, positions, cash, public trades and stream events follow.
 *
 * The rules it plays by (Kalshi documents few; where it is silent these are ours):
 * - RFQs are broadcast: every user lists and reads every RFQ (`creator_id` "0" to others while
 *   `obscure_creator_id` hides it; private fields only to the creator). A quote is private to
 *   its quoter and the RFQ's creator: to anyone else it does not exist (404).
 * - One open RFQ per user and market: creating a second is 409 unless `replace_existing`
 *   (which closes all of that user's open RFQs first); at most 100 open RFQs (400).
 * - A new quote by the same quoter on the same RFQ replaces (cancels) the earlier one. A quote
 *   on an unknown or closed RFQ is 400 (CreateQuote documents no 404 or 409).
 * - Only the RFQ's creator accepts; only the quoter confirms or deletes a quote; only the
 *   creator deletes an RFQ. Anyone else gets 404, not 403: these operations document no 403,
 *   and the quote is private, so its existence is not revealed.
 * - Accepting side `yes` means the quoter buys YES at `yes_bid` and the creator takes NO at
 *   1 − yes_bid; `no`: the quoter buys NO at `no_bid`, the creator takes YES at 1 − no_bid.
 *   The quoter is the maker (maker fee), the creator the taker (taker fee), at the engine's
 *   schedule. A declined side (bid "0") cannot be accepted.
 * - The quoter must confirm within `confirmWindowMs` (30 s, as Kalshi's FIX RFQ guide says)
 *   or the quote is cancelled (`confirmation_timeout`). Confirming executes at once (Kalshi
 *   waits an execution timer first); the RFQ then closes and its other quotes are cancelled.
 * - Repeats answer like the first call when nothing changes: accepting the same side again,
 *   confirming an executed quote, deleting a deleted quote or RFQ, accepting a proposal you
 *   accepted: 204 and no second trade.
 * - Block trades: the buyer buys YES at `price_centi_cents` from the seller; `maker_side`
 *   `yes` makes the buyer the maker, `no` the seller. Only a party may propose (403
 *   otherwise); proposing counts as the proposer's acceptance; the trade executes once both
 *   parties accepted, unless `expiration_ts` passed first (status `expired`).
 * - RFQs sized by `target_cost_dollars` get, per side, the most contracts whose price fits the
 *   cost (fees are not subtracted, whatever `target_cost_excludes_fees` says).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { SandboxRequest, SandboxResponse } from '../../src/testkit/server.js';
import type { KalshiSandbox, KalshiSandboxKey, KalshiSandboxKit } from './sandbox.js';
import { COUNT_SCALE, formatCount, formatPrice, parseCount, parsePrice, PRICE_SCALE } from './sandbox-matching.js';

type QuoteStatus = 'open' | 'accepted' | 'confirmed' | 'executed' | 'cancelled';
interface RfqRecord {
  id: string;
  creator: string;
  ticker: string;
  /** Count units (1/100 contract); undefined when sized by cost. */
  contracts: number | undefined;
  /** Micro-dollars, when sized by cost. */
  targetCost: bigint | undefined;
  targetCostExcludesFees: boolean | undefined;
  obscure: boolean;
  restRemainder: boolean;
  subaccount: number;
  status: 'open' | 'closed';
  createdTs: number;
  updatedTs: number;
  cancelledTs?: number;
  cancellationReason?: string;
  executed: boolean;
}
interface QuoteRecord {
  id: string;
  rfqId: string;
  quoter: string;
  /** Price units (1/10 000 dollar); 0 = that side declined. */
  yesBid: number;
  noBid: number;
  restRemainder: boolean;
  postOnly: boolean;
  subaccount: number;
  status: QuoteStatus;
  acceptedSide?: 'yes' | 'no';
  acceptedTs?: number;
  confirmedTs?: number;
  executedTs?: number;
  cancelledTs?: number;
  cancellationReason?: string;
  createdTs: number;
  updatedTs: number;
  quoterOrderId?: string;
  creatorOrderId?: string;
}
interface ProposalRecord {
  id: string;
  proposer: string;
  buyer: string;
  seller: string;
  ticker: string;
  price: number;
  count: number;
  makerSide: 'yes' | 'no';
  expiresTs: number;
  status: 'pending' | 'executed' | 'expired';
  createdTs: number;
  updatedTs: number;
  buyerAcceptedTs?: number;
  sellerAcceptedTs?: number;
  executedTs?: number;
  buyerOrderId?: string;
  sellerOrderId?: string;
}

/** What the communications routes keep for one sandbox (see the file comment). */
export class KalshiCommunicationsState {
  readonly rfqs = new Map<string, RfqRecord>();
  readonly quotes = new Map<string, QuoteRecord>();
  readonly proposals = new Map<string, ProposalRecord>();
  /** How long a quoter has to confirm an accepted quote. */
  confirmWindowMs = 30_000;
  /** Open RFQs one user may have. */
  maxOpenRfqs = 100;

  /** A user's public communications id: stable, and not their user id. */
  communicationsId(userId: string): string {
    return createHash('sha256').update(`communications:${userId}`).digest('hex').slice(0, 32);
  }

  /** Cancel quotes left unconfirmed past the window and expire lapsed proposals. */
  sweep(now: number): void {
    for (const q of this.quotes.values()) {
      if (q.status === 'accepted' && q.acceptedTs !== undefined && now - q.acceptedTs >= this.confirmWindowMs) cancelQuote(q, 'confirmation_timeout', now);
    }
    for (const p of this.proposals.values()) {
      if (p.status === 'pending' && now >= p.expiresTs) Object.assign(p, { status: 'expired', updatedTs: now });
    }
  }
}

const STATES = new WeakMap<KalshiSandbox, KalshiCommunicationsState>();
/** The communications state of a sandbox (tests shorten `confirmWindowMs` through it). */
export function communicationsState(sandbox: KalshiSandbox): KalshiCommunicationsState {
  let state = STATES.get(sandbox);
  if (!state) {
    state = new KalshiCommunicationsState();
    STATES.set(sandbox, state);
  }
  return state;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** `FixedPointCount` in a request: 0–2 decimals. */
const WIRE_COUNT = /^\d+(\.\d{1,2})?$/;
/** `FixedPointDollars` in a request: 2–4 decimals. */
const WIRE_DOLLARS = /^\d+\.\d{2,4}$/;
/** The seeded markets' price grid: one cent. */
const TICK = 100;
const iso = (ms: number): string => new Date(ms).toISOString();
const fail = (status: number, code: string, message: string): SandboxResponse => ({ status, body: { code, message, details: '' } });
const noQuote = (): SandboxResponse => fail(404, 'not_found', 'quote not found');
const noRfq = (): SandboxResponse => fail(404, 'not_found', 'rfq not found');
const noContent: SandboxResponse = { status: 204 };
const isSubaccount = (v: unknown): boolean => v === undefined || (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 63);
/** Micro-dollars → "12.3400" (as FixedPointDollars answers carry them). */
const dollars = (micros: bigint): string => {
  const digits = micros.toString().padStart(7, '0');
  return `${digits.slice(0, -6)}.${digits.slice(-6, -2)}`;
};

function cancelQuote(q: QuoteRecord, reason: string, now: number): void {
  Object.assign(q, { status: 'cancelled', cancelledTs: now, cancellationReason: reason, updatedTs: now });
}

/** The communications routes (see the file comment). */
export function installCommunications(kit: KalshiSandboxKit): void {
  const state = communicationsState(kit.sandbox);
  const engine = kit.sandbox.engine;
  /** A signed route that first applies the clock (timeouts, expiries). */
  const signed = (kind: 'read' | 'write', handler: (req: SandboxRequest, userId: string, now: number) => SandboxResponse, cost?: number) =>
    kit.signed(kind, (req: SandboxRequest, key: KalshiSandboxKey) => {
      const now = Date.now();
      state.sweep(now);
      return handler(req, key.user.id, now);
    }, cost);
  /** 400 for a `limit` out of range or a cursor this server did not hand out. */
  const badPaging = (req: SandboxRequest, max: number): SandboxResponse | undefined => {
    const limit = req.query.get('limit');
    if (limit !== null && !(/^\d+$/.test(limit) && Number(limit) >= 1 && Number(limit) <= max)) return kit.invalid('limit', `must be an integer from 1 to ${max}`);
    const cursor = req.query.get('cursor');
    if (cursor && !/^\d+$/.test(Buffer.from(cursor, 'base64url').toString())) return kit.invalid('cursor', 'is not a cursor this server returned');
    return undefined;
  };
  const badUuid = (field: string, v: string | null | undefined): SandboxResponse | undefined => (v !== null && v !== undefined && !UUID.test(v) ? kit.invalid(field, 'must be a UUID') : undefined);
  const marketOpen = (ticker: unknown): boolean => typeof ticker === 'string' && kit.sandbox.markets.some((m) => m.ticker === ticker) && engine.market(ticker)?.status === 'active';
  const eventOf = (ticker: string): string | undefined => kit.sandbox.markets.find((m) => m.ticker === ticker)?.event_ticker;

  // ---- JSON ----
  const rfqJson = (r: RfqRecord, viewer: string): Record<string, unknown> => {
    const own = viewer === r.creator;
    return {
      id: r.id, creator_id: own || !r.obscure || r.executed ? state.communicationsId(r.creator) : '0', market_ticker: r.ticker,
      contracts_fp: formatCount(r.contracts ?? 0),
      ...(r.targetCost !== undefined ? { target_cost_dollars: dollars(r.targetCost) } : {}),
      ...(r.targetCostExcludesFees !== undefined ? { target_cost_excludes_fees: r.targetCostExcludesFees } : {}),
      status: r.status, created_ts: iso(r.createdTs), updated_ts: iso(r.updatedTs), rest_remainder: r.restRemainder,
      ...(r.cancelledTs !== undefined ? { cancelled_ts: iso(r.cancelledTs), cancellation_reason: r.cancellationReason ?? '' } : {}),
      ...(own ? { creator_user_id: r.creator, creator_subaccount: r.subaccount } : {}),
    };
  };
  /** Contracts the creator gets on one side: the RFQ's count, or what its cost buys at the price the creator pays. */
  const contractsFor = (r: RfqRecord, bid: number): number => {
    if (r.contracts !== undefined) return r.contracts;
    if (bid === 0) return 0;
    // The creator pays 1 − bid per contract: price units are µ$ per count unit.
    return Number(r.targetCost! / BigInt(PRICE_SCALE - bid));
  };
  const quoteJson = (q: QuoteRecord, viewer: string): Record<string, unknown> => {
    const r = state.rfqs.get(q.rfqId)!;
    const quoter = viewer === q.quoter;
    const creator = viewer === r.creator;
    return {
      id: q.id, rfq_id: q.rfqId, creator_id: state.communicationsId(q.quoter), rfq_creator_id: creator || !r.obscure || r.executed ? state.communicationsId(r.creator) : '0',
      market_ticker: r.ticker, contracts_fp: formatCount(r.contracts ?? 0), yes_bid_dollars: formatPrice(q.yesBid), no_bid_dollars: formatPrice(q.noBid),
      created_ts: iso(q.createdTs), updated_ts: iso(q.updatedTs), status: q.status, rest_remainder: q.restRemainder,
      ...(q.acceptedSide !== undefined ? { accepted_side: q.acceptedSide } : {}),
      ...(q.acceptedTs !== undefined ? { accepted_ts: iso(q.acceptedTs) } : {}),
      ...(q.confirmedTs !== undefined ? { confirmed_ts: iso(q.confirmedTs) } : {}),
      ...(q.executedTs !== undefined ? { executed_ts: iso(q.executedTs) } : {}),
      ...(q.cancelledTs !== undefined ? { cancelled_ts: iso(q.cancelledTs), cancellation_reason: q.cancellationReason ?? '' } : {}),
      ...(r.targetCost !== undefined ? {
        rfq_target_cost_dollars: dollars(r.targetCost), yes_contracts_fp: formatCount(contractsFor(r, q.yesBid)), no_contracts_fp: formatCount(contractsFor(r, q.noBid)),
        ...(r.targetCostExcludesFees !== undefined ? { target_cost_excludes_fees: r.targetCostExcludesFees } : {}),
      } : {}),
      ...(quoter ? { creator_user_id: q.quoter, post_only: q.postOnly, creator_subaccount: q.subaccount, ...(q.quoterOrderId ? { creator_order_id: q.quoterOrderId } : {}) } : {}),
      ...(creator ? { rfq_creator_user_id: r.creator, rfq_creator_subaccount: r.subaccount, ...(q.creatorOrderId ? { rfq_creator_order_id: q.creatorOrderId } : {}) } : {}),
    };
  };
  const proposalJson = (p: ProposalRecord, viewer: string): Record<string, unknown> => ({
    id: p.id, proposer_user_id: p.proposer, buyer_user_id: viewer === p.buyer ? p.buyer : '', seller_user_id: viewer === p.seller ? p.seller : '',
    market_ticker: p.ticker, price_centi_cents: p.price, centicount: p.count, maker_side: p.makerSide, expiration_ts: iso(p.expiresTs), status: p.status,
    created_ts: iso(p.createdTs), updated_ts: iso(p.updatedTs), buyer_accepted: p.buyerAcceptedTs !== undefined, seller_accepted: p.sellerAcceptedTs !== undefined,
    ...(p.buyerAcceptedTs !== undefined ? { buyer_accepted_ts: iso(p.buyerAcceptedTs) } : {}),
    ...(p.sellerAcceptedTs !== undefined ? { seller_accepted_ts: iso(p.sellerAcceptedTs) } : {}),
    ...(p.executedTs !== undefined ? { executed_ts: iso(p.executedTs) } : {}),
    ...(viewer === p.buyer && p.buyerOrderId ? { buyer_order_id: p.buyerOrderId } : {}),
    ...(viewer === p.seller && p.sellerOrderId ? { seller_order_id: p.sellerOrderId } : {}),
  });

  // ---- the communications id ----
  kit.route('GET', '/communications/id', signed('read', (_req, me) => ({ status: 200, body: { communications_id: state.communicationsId(me) } })));

  // ---- RFQs ----
  kit.route('GET', '/communications/rfqs', signed('read', (req, me) => {
    const bad = badPaging(req, 100) ?? badUuid('creator_user_id', req.query.get('creator_user_id'));
    if (bad) return bad;
    const userFilter = req.query.get('user_filter');
    if (userFilter && userFilter !== 'self') return kit.invalid('user_filter', 'must be "self" or empty');
    const sub = req.query.get('subaccount');
    if (sub !== null && !isSubaccount(Number(sub))) return kit.invalid('subaccount', 'must be 0 to 63');
    const f = { status: req.query.get('status'), ticker: req.query.get('market_ticker'), event: req.query.get('event_ticker'), creator: req.query.get('creator_user_id') };
    const rows = [...state.rfqs.values()].reverse().filter((r) => (!f.status || r.status === f.status) && (!f.ticker || r.ticker === f.ticker) && (!f.event || eventOf(r.ticker) === f.event)
      && (userFilter !== 'self' || r.creator === me) && (!f.creator || r.creator === f.creator) && (sub === null || r.subaccount === Number(sub)));
    const { page, cursor } = kit.page(req, rows.map((r) => rfqJson(r, me)), 100);
    return { status: 200, body: { rfqs: page, cursor } };
  }));

  kit.route('POST', '/communications/rfqs', signed('read', (req, me, now) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    if (typeof b.market_ticker !== 'string') return kit.invalid('market_ticker', 'is required');
    if (typeof b.rest_remainder !== 'boolean') return kit.invalid('rest_remainder', 'is required (a boolean)');
    if (!isSubaccount(b.subaccount)) return kit.invalid('subaccount', 'must be 0 to 63');
    if (b.contracts_fp !== undefined && b.contracts_fp !== null && !(typeof b.contracts_fp === 'string' && WIRE_COUNT.test(b.contracts_fp))) return kit.invalid('contracts_fp', 'must be a fixed-point count string with 0-2 decimals');
    if (b.contracts !== undefined && !(typeof b.contracts === 'number' && Number.isInteger(b.contracts))) return kit.invalid('contracts', 'must be an integer');
    if (b.target_cost_dollars !== undefined && !(typeof b.target_cost_dollars === 'string' && WIRE_DOLLARS.test(b.target_cost_dollars))) return kit.invalid('target_cost_dollars', 'must be a fixed-point dollar string with 2-4 decimals');
    if (b.target_cost_centi_cents !== undefined && !(typeof b.target_cost_centi_cents === 'number' && Number.isInteger(b.target_cost_centi_cents))) return kit.invalid('target_cost_centi_cents', 'must be an integer');
    const fromFp = typeof b.contracts_fp === 'string' ? parseCount(b.contracts_fp) : undefined;
    const fromInt = typeof b.contracts === 'number' ? b.contracts * COUNT_SCALE : undefined;
    if (fromFp !== undefined && fromInt !== undefined && fromFp !== fromInt) return kit.invalid('contracts', 'contracts and contracts_fp must match');
    const contracts = fromFp ?? fromInt;
    const costDollars = typeof b.target_cost_dollars === 'string' ? BigInt(parsePrice(b.target_cost_dollars) ?? 0) * 100n : undefined;
    const costCenti = typeof b.target_cost_centi_cents === 'number' ? BigInt(b.target_cost_centi_cents) * 100n : undefined;
    if (costDollars !== undefined && costCenti !== undefined && costDollars !== costCenti) return kit.invalid('target_cost_dollars', 'target_cost_dollars and target_cost_centi_cents must match');
    const targetCost = costDollars ?? costCenti;
    if ((contracts === undefined) === (targetCost === undefined)) return kit.invalid('contracts_fp', 'give exactly one of a contract count and a target cost');
    if (contracts !== undefined && contracts <= 0) return kit.invalid('contracts_fp', 'must be more than 0');
    if (targetCost !== undefined && targetCost <= 0n) return kit.invalid('target_cost_dollars', 'must be more than 0');
    if (b.target_cost_excludes_fees !== undefined && (typeof b.target_cost_excludes_fees !== 'boolean' || targetCost === undefined)) return kit.invalid('target_cost_excludes_fees', 'a boolean, only with a target cost');
    if (!marketOpen(b.market_ticker)) return fail(400, 'market_not_open', 'no open market with this ticker');
    const mine = [...state.rfqs.values()].filter((r) => r.creator === me && r.status === 'open');
    if (b.replace_existing === true) {
      for (const r of mine) closeRfq(r, 'replaced', now);
    } else {
      if (mine.some((r) => r.ticker === b.market_ticker)) return fail(409, 'rfq_already_exists', 'you have an open RFQ on this market (pass replace_existing to replace it)');
      if (mine.length >= state.maxOpenRfqs) return fail(400, 'too_many_open_rfqs', `at most ${state.maxOpenRfqs} open RFQs`);
    }
    const rfq: RfqRecord = {
      id: randomUUID(), creator: me, ticker: b.market_ticker, contracts, targetCost,
      targetCostExcludesFees: typeof b.target_cost_excludes_fees === 'boolean' ? b.target_cost_excludes_fees : undefined,
      obscure: b.obscure_creator_id === true, restRemainder: b.rest_remainder, subaccount: typeof b.subaccount === 'number' ? b.subaccount : 0,
      status: 'open', createdTs: now, updatedTs: now, executed: false,
    };
    state.rfqs.set(rfq.id, rfq);
    return { status: 201, body: { id: rfq.id } };
  }));

  const closeRfq = (r: RfqRecord, reason: string | undefined, now: number): void => {
    Object.assign(r, { status: 'closed', updatedTs: now, ...(reason ? { cancelledTs: now, cancellationReason: reason } : {}) });
    for (const q of state.quotes.values()) {
      if (q.rfqId === r.id && (q.status === 'open' || q.status === 'accepted')) cancelQuote(q, reason === undefined ? 'rfq_closed' : `rfq_${reason}`, now);
    }
  };

  kit.route('GET', '/communications/rfqs/:rfq_id', signed('read', (req, me) => {
    const bad = badUuid('rfq_id', req.params.rfq_id);
    if (bad) return bad;
    const r = state.rfqs.get(req.params.rfq_id!);
    return r ? { status: 200, body: { rfq: rfqJson(r, me) } } : noRfq();
  }));
  kit.route('DELETE', '/communications/rfqs/:rfq_id', signed('read', (req, me, now) => {
    const bad = badUuid('rfq_id', req.params.rfq_id);
    if (bad) return bad;
    const r = state.rfqs.get(req.params.rfq_id!);
    if (!r || r.creator !== me) return noRfq();
    if (r.status === 'open') closeRfq(r, 'deleted', now);
    return noContent;
  }));

  // ---- quotes ----
  /** The quote of the path's ids that `me` may see, or the answer why not. */
  const findQuote = (req: SandboxRequest, me: string, scoped: boolean): QuoteRecord | SandboxResponse => {
    const bad = (scoped ? badUuid('rfq_id', req.params.rfq_id) : undefined) ?? badUuid('quote_id', req.params.quote_id);
    if (bad) return bad;
    const q = state.quotes.get(req.params.quote_id!);
    if (!q || (scoped && q.rfqId !== req.params.rfq_id)) return noQuote();
    return q.quoter === me || state.rfqs.get(q.rfqId)!.creator === me ? q : noQuote();
  };
  const isQuote = (v: QuoteRecord | SandboxResponse): v is QuoteRecord => 'rfqId' in v;

  const getQuote = (scoped: boolean) => signed('read', (req, me) => {
    const q = findQuote(req, me, scoped);
    return isQuote(q) ? { status: 200, body: { quote: quoteJson(q, me) } } : q;
  }, 2);
  const deleteQuote = (scoped: boolean) => signed('write', (req, me, now) => {
    const q = findQuote(req, me, scoped);
    if (!isQuote(q)) return q;
    if (q.quoter !== me) return noQuote();
    if (q.status === 'confirmed' || q.status === 'executed') return fail(400, 'quote_executed', 'an executed quote cannot be deleted');
    if (q.status !== 'cancelled') cancelQuote(q, 'deleted', now);
    return noContent;
  }, 2);
  const acceptQuote = (scoped: boolean) => signed('write', (req, me, now) => {
    const q = findQuote(req, me, scoped);
    if (!isQuote(q)) return q;
    const r = state.rfqs.get(q.rfqId)!;
    if (r.creator !== me) return noQuote();
    const side = ((req.body ?? {}) as { accepted_side?: unknown }).accepted_side;
    if (side !== 'yes' && side !== 'no') return kit.invalid('accepted_side', 'must be "yes" or "no"');
    if (q.status !== 'open') {
      // The same acceptance again changes nothing.
      if (q.status !== 'cancelled' && q.acceptedSide === side) return noContent;
      return fail(400, 'quote_not_open', `the quote is ${q.status}`);
    }
    if (r.status !== 'open') return fail(400, 'rfq_closed', 'the RFQ is closed');
    if ((side === 'yes' ? q.yesBid : q.noBid) === 0) return fail(400, 'side_not_quoted', `the quote declines the ${side} side`);
    if ([...state.quotes.values()].some((o) => o.rfqId === r.id && o.status === 'accepted')) return fail(400, 'rfq_has_accepted_quote', 'another quote on this RFQ awaits its confirmation');
    if (contractsFor(r, side === 'yes' ? q.yesBid : q.noBid) <= 0) return fail(400, 'invalid_order_size', 'the target cost buys no contract at this price');
    Object.assign(q, { status: 'accepted', acceptedSide: side, acceptedTs: now, updatedTs: now });
    return noContent;
  });
  const confirmQuote = (scoped: boolean) => signed('write', (req, me, now) => {
    const q = findQuote(req, me, scoped);
    if (!isQuote(q)) return q;
    if (q.quoter !== me) return noQuote();
    if (q.status === 'confirmed' || q.status === 'executed') return noContent;
    if (q.status !== 'accepted') return fail(400, 'quote_not_accepted', `the quote is ${q.status}`);
    const r = state.rfqs.get(q.rfqId)!;
    const bid = q.acceptedSide === 'yes' ? q.yesBid : q.noBid;
    // `yes`: the quoter buys YES at its bid; `no`: it buys NO at its bid, so the creator buys YES at 1 − bid.
    const done = engine.executeBlockTrade(q.acceptedSide === 'yes'
      ? { ticker: r.ticker, buyer: q.quoter, seller: r.creator, price: bid, count: contractsFor(r, bid), maker: 'buyer' }
      : { ticker: r.ticker, buyer: r.creator, seller: q.quoter, price: PRICE_SCALE - bid, count: contractsFor(r, bid), maker: 'seller' }, now);
    if (!done.ok) return fail(done.error.status, done.error.code, done.error.message);
    const [quoterOrder, creatorOrder] = q.acceptedSide === 'yes' ? [done.buyerOrder, done.sellerOrder] : [done.sellerOrder, done.buyerOrder];
    Object.assign(q, { status: 'executed', confirmedTs: now, executedTs: now, updatedTs: now, quoterOrderId: quoterOrder.order_id, creatorOrderId: creatorOrder.order_id });
    r.executed = true;
    closeRfq(r, undefined, now);
    return noContent;
  });

  kit.route('GET', '/communications/rfqs/:rfq_id/quotes/:quote_id', getQuote(true));
  kit.route('DELETE', '/communications/rfqs/:rfq_id/quotes/:quote_id', deleteQuote(true));
  kit.route('PUT', '/communications/rfqs/:rfq_id/quotes/:quote_id/accept', acceptQuote(true));
  kit.route('PUT', '/communications/rfqs/:rfq_id/quotes/:quote_id/confirm', confirmQuote(true));
  kit.route('GET', '/communications/quotes/:quote_id', getQuote(false));
  kit.route('DELETE', '/communications/quotes/:quote_id', deleteQuote(false));
  kit.route('PUT', '/communications/quotes/:quote_id/accept', acceptQuote(false));
  kit.route('PUT', '/communications/quotes/:quote_id/confirm', confirmQuote(false));

  kit.route('GET', '/communications/quotes', signed('read', (req, me) => {
    const bad = badPaging(req, 500) ?? badUuid('rfq_id', req.query.get('rfq_id'));
    if (bad) return bad;
    for (const name of ['min_ts', 'max_ts']) {
      const v = req.query.get(name);
      if (v !== null && !/^\d{1,11}$/.test(v)) return kit.invalid(name, 'must be a Unix timestamp in seconds');
    }
    for (const name of ['user_filter', 'rfq_user_filter']) {
      const v = req.query.get(name);
      if (v && v !== 'self') return kit.invalid(name, 'must be "self" or empty');
    }
    const f = {
      status: req.query.get('status'), rfq: req.query.get('rfq_id'), min: req.query.get('min_ts'), max: req.query.get('max_ts'),
      mine: req.query.get('user_filter') === 'self', onMine: req.query.get('rfq_user_filter') === 'self',
      quoter: req.query.get('quote_creator_user_id'), rfqCreator: req.query.get('rfq_creator_user_id'), subtrader: req.query.get('rfq_creator_subtrader_id'),
    };
    const rows = [...state.quotes.values()].reverse().filter((q) => {
      const creator = state.rfqs.get(q.rfqId)!.creator;
      return (q.quoter === me || creator === me) && (!f.status || q.status === f.status) && (!f.rfq || q.rfqId === f.rfq)
        && (f.min === null || q.updatedTs >= Number(f.min) * 1000) && (f.max === null || q.updatedTs <= Number(f.max) * 1000)
        && (!f.mine || q.quoter === me) && (!f.onMine || creator === me) && (!f.quoter || q.quoter === f.quoter) && (!f.rfqCreator || creator === f.rfqCreator)
        // Sandbox users are direct members: no RFQ has an FCM subtrader.
        && !f.subtrader;
    });
    const { page, cursor } = kit.page(req, rows.map((q) => quoteJson(q, me)), 500);
    return { status: 200, body: { quotes: page, cursor } };
  }));

  kit.route('POST', '/communications/quotes', signed('write', (req, me, now) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    if (typeof b.rfq_id !== 'string' || !UUID.test(b.rfq_id)) return kit.invalid('rfq_id', 'must be an RFQ UUID');
    if (typeof b.rest_remainder !== 'boolean') return kit.invalid('rest_remainder', 'is required (a boolean)');
    if (!isSubaccount(b.subaccount)) return kit.invalid('subaccount', 'must be 0 to 63');
    const bids: number[] = [];
    for (const name of ['yes_bid', 'no_bid'] as const) {
      const v = b[name];
      const units = typeof v === 'string' && WIRE_DOLLARS.test(v) ? parsePrice(v) : undefined;
      if (units === undefined || units >= PRICE_SCALE || units % TICK !== 0) return kit.invalid(name, 'must be a dollar string from 0 to 0.99 on the one-cent grid ("0" declines the side)');
      bids.push(units);
    }
    const [yesBid, noBid] = bids as [number, number];
    if (yesBid === 0 && noBid === 0) return kit.invalid('yes_bid', 'a quote cannot decline both sides');
    const r = state.rfqs.get(b.rfq_id);
    if (!r) return fail(400, 'rfq_not_found', 'no RFQ with this id');
    if (r.status !== 'open') return fail(400, 'rfq_closed', 'the RFQ is closed');
    if (r.creator === me) return fail(400, 'self_quote', 'you cannot quote your own RFQ');
    for (const q of state.quotes.values()) {
      if (q.rfqId === r.id && q.quoter === me && (q.status === 'open' || q.status === 'accepted')) cancelQuote(q, 'replaced', now);
    }
    const quote: QuoteRecord = {
      id: randomUUID(), rfqId: r.id, quoter: me, yesBid, noBid, restRemainder: b.rest_remainder, postOnly: b.post_only === true,
      subaccount: typeof b.subaccount === 'number' ? b.subaccount : 0, status: 'open', createdTs: now, updatedTs: now,
    };
    state.quotes.set(quote.id, quote);
    return { status: 201, body: { id: quote.id } };
  }));

  // ---- block trades ----
  kit.route('GET', '/communications/block-trade-proposals', signed('read', (req, me) => {
    const bad = badPaging(req, 100);
    if (bad) return bad;
    const ticker = req.query.get('market_ticker');
    const status = req.query.get('status');
    const rows = [...state.proposals.values()].reverse()
      .filter((p) => [p.proposer, p.buyer, p.seller].includes(me) && (!ticker || p.ticker === ticker) && (!status || p.status === status));
    const { page, cursor } = kit.page(req, rows.map((p) => proposalJson(p, me)), 100);
    return { status: 200, body: { block_trade_proposals: page, cursor } };
  }));

  kit.route('POST', '/communications/block-trade-proposals', signed('read', (req, me, now) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    for (const name of ['buyer_user_id', 'seller_user_id', 'market_ticker', 'expiration_ts']) {
      if (typeof b[name] !== 'string' || b[name] === '') return kit.invalid(name, 'is required');
    }
    for (const party of ['buyer', 'seller']) {
      if (!isSubaccount(b[`${party}_subaccount`])) return kit.invalid(`${party}_subaccount`, 'must be 0 to 63');
      if (b[`${party}_subaccount`] !== undefined && b[`${party}_subtrader_id`] !== undefined) return kit.invalid(`${party}_subaccount`, `give ${party}_subaccount or ${party}_subtrader_id, not both`);
    }
    const price = b.price_centi_cents;
    if (typeof price !== 'number' || !Number.isInteger(price) || price < 1 || price >= PRICE_SCALE || price % TICK !== 0) return kit.invalid('price_centi_cents', 'must be a YES price from 100 to 9900 centi-cents on the one-cent grid');
    if (typeof b.centicount !== 'number' || !Number.isInteger(b.centicount) || b.centicount < 1) return kit.invalid('centicount', 'must be an integer of at least 1');
    if (b.maker_side !== 'yes' && b.maker_side !== 'no') return kit.invalid('maker_side', 'must be "yes" or "no"');
    const expires = Date.parse(b.expiration_ts as string);
    if (!Number.isFinite(expires) || expires <= now) return kit.invalid('expiration_ts', 'must be a date-time in the future');
    const buyer = b.buyer_user_id as string;
    const seller = b.seller_user_id as string;
    if (buyer === seller) return kit.invalid('seller_user_id', 'the buyer and the seller must differ');
    if (!kit.sandbox.users.has(buyer) || !kit.sandbox.users.has(seller)) return fail(400, 'user_not_found', 'no such buyer or seller');
    if (me !== buyer && me !== seller) return fail(403, 'forbidden', 'only the buyer or the seller may propose a block trade');
    if (!marketOpen(b.market_ticker)) return fail(400, 'market_not_open', 'no open market with this ticker');
    const p: ProposalRecord = {
      id: randomUUID(), proposer: me, buyer, seller, ticker: b.market_ticker as string, price, count: b.centicount, makerSide: b.maker_side,
      expiresTs: expires, status: 'pending', createdTs: now, updatedTs: now,
      // Proposing is the proposer's own acceptance.
      ...(me === buyer ? { buyerAcceptedTs: now } : { sellerAcceptedTs: now }),
    };
    state.proposals.set(p.id, p);
    return { status: 201, body: { block_trade_proposal_id: p.id } };
  }));

  kit.route('POST', '/communications/block-trade-proposals/:id/accept', signed('write', (req, me, now) => {
    const p = state.proposals.get(req.params.id!);
    if (!p || (me !== p.buyer && me !== p.seller)) return fail(404, 'not_found', 'block trade proposal not found');
    const b = (req.body ?? {}) as Record<string, unknown>;
    if (!isSubaccount(b.subaccount)) return kit.invalid('subaccount', 'must be 0 to 63');
    if (b.subaccount !== undefined && b.subtrader_id !== undefined) return kit.invalid('subaccount', 'give subaccount or subtrader_id, not both');
    const accepted = me === p.buyer ? p.buyerAcceptedTs : p.sellerAcceptedTs;
    if (accepted !== undefined && p.status !== 'expired') return noContent;
    if (p.status === 'expired') return fail(400, 'proposal_expired', 'the proposal has expired');
    const other = me === p.buyer ? p.sellerAcceptedTs : p.buyerAcceptedTs;
    if (other !== undefined) {
      const done = engine.executeBlockTrade({ ticker: p.ticker, buyer: p.buyer, seller: p.seller, price: p.price, count: p.count, maker: p.makerSide === 'yes' ? 'buyer' : 'seller' }, now);
      if (!done.ok) return fail(done.error.status, done.error.code, done.error.message);
      Object.assign(p, { status: 'executed', executedTs: now, buyerOrderId: done.buyerOrder.order_id, sellerOrderId: done.sellerOrder.order_id });
    }
    Object.assign(p, me === p.buyer ? { buyerAcceptedTs: now } : { sellerAcceptedTs: now }, { updatedTs: now });
    return noContent;
  }));
}
