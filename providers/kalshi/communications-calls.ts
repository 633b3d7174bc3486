/**
 * Kalshi's communications calls: RFQs (a request for quotes on one market and size), the
 * quotes market makers answer them with, and block-trade proposals between two named
 * parties. The flow: the requester creates an RFQ; makers quote a YES bid and a NO bid; the
 * requester accepts one side of one quote; the quoter confirms; the trade executes off the
 * book. Inputs are read in the units a person means (dollar strings, contract counts, a `Date`
 * or Unix seconds) and checked before anything is sent.
 *
 * Limits (reference/kalshi.md §4.1): quote writes and block-trade accepts draw on the Write
 * bucket; RFQ create/delete, proposals and every read on the Read bucket.
 */
import { z } from 'zod';
import { cursorList, itemsWhenIterated, type PagePromise } from '../../src/http/paginate.js';
import type { CallOptions } from '../../src/http/request-sender.js';
import { lazySchema, parseInput } from '../../src/validation.js';
import { withDollarFields, type DollarField } from './answer-dollars.js';
import * as g from './generated/operations.js';
import { priceToWire } from './fixed-point.js';
import { countInput, priceInput, tickerSchema, unixSecondsInput } from './schemas.js';
import type { KalshiOperationSender } from './spec-calls.js';

const PROVIDER = 'kalshi';

/** An RFQ (spec `RFQ`): a request for quotes on one market, for a number of contracts or a target cost; as sent. */
export interface KalshiRfq extends g.RFQ {
  /** The contracts asked for, a fixed-point count. */
  readonly contracts_fp: string;
  /** The cost asked for instead of a count, a fixed-point dollar string (exact; checked as one), when the RFQ is sized by cost. */
  readonly target_cost_dollars?: string | undefined;
}
/**
 * A quote on an RFQ (spec `Quote`): the quoter's YES bid and NO bid (either `"0"` when it
 * declines that side), as sent. Visible only to the quoter and the RFQ's creator.
 */
export interface KalshiQuote extends g.Quote {
  /** The quoter's YES bid, a fixed-point dollar string (exact; checked as one). */
  readonly yes_bid_dollars: string;
  /** The quoter's NO bid, a fixed-point dollar string. */
  readonly no_bid_dollars: string;
  /** The RFQ's target cost, a fixed-point dollar string, when the RFQ is sized by cost. */
  readonly rfq_target_cost_dollars?: string | undefined;
}
/**
 * A block-trade proposal (spec `BlockTradeProposal`): the buyer buys `centicount / 100` YES
 * contracts from the seller at the YES price `price_centi_cents / 10_000` dollars; as sent.
 */
export interface KalshiBlockTradeProposal extends g.BlockTradeProposal {
  /** The YES price, integer **centi-cents** (1/10 000 dollar; exact). */
  readonly price_centi_cents: number;
  /** The size, integer centi-contracts (1/100 contract; exact: `1050` is 10.50 contracts). */
  readonly centicount: number;
}
/** A page of RFQs (spec `GetRFQsResponse`). */
export interface KalshiRfqsPage {
  /** The RFQs of this page. */
  readonly rfqs: KalshiRfq[];
  /** The next page's cursor; absent or empty on the last page. */
  readonly cursor?: string | undefined;
}
/** A page of quotes (spec `GetQuotesResponse`). */
export interface KalshiQuotesPage {
  /** The quotes of this page. */
  readonly quotes: KalshiQuote[];
  /** The next page's cursor; absent or empty on the last page. */
  readonly cursor?: string | undefined;
}
/** A page of block-trade proposals (spec `GetBlockTradeProposalsResponse`). */
export interface KalshiBlockTradeProposalsPage {
  /** The proposals of this page. */
  readonly block_trade_proposals: KalshiBlockTradeProposal[];
  /** The next page's cursor; absent or empty on the last page. */
  readonly cursor?: string | undefined;
}

/** Filters and paging of `communications.rfqs.list`. */
export interface KalshiRfqsQuery {
  /** 1–100 per page (server default 100). */
  readonly limit?: number;
  /** Where to continue: the `cursor` of the page before (list calls set it themselves when iterated). */
  readonly cursor?: string;
  /** One event ticker. */
  readonly eventTicker?: string;
  /** One market ticker (`market_ticker`). */
  readonly ticker?: string;
  /** 0 primary, 1–63 numbered; omitted = all. */
  readonly subaccount?: number;
  /** e.g. `open` or `closed`. */
  readonly status?: string;
  /** `self`: only your own RFQs. */
  readonly userFilter?: 'self';
  /**
   * Only RFQs of this creator.
   * @deprecated Kalshi deprecated this filter; use `userFilter: 'self'`.
   */
  readonly creatorUserId?: string;
}

/** Filters and paging of `communications.quotes.list`. */
export interface KalshiQuotesQuery {
  /** 1–500 per page (server default 500). */
  readonly limit?: number;
  /** Where to continue: the `cursor` of the page before (list calls set it themselves when iterated). */
  readonly cursor?: string;
  /** Quotes last updated after this time: a `Date` or Unix seconds. */
  readonly minTs?: Date | number;
  /** Quotes last updated before this time: a `Date` or Unix seconds. */
  readonly maxTs?: Date | number;
  /** e.g. `open`, `accepted`, `confirmed`, `executed`, `cancelled`. */
  readonly status?: string;
  /** `self`: only quotes you made. */
  readonly userFilter?: 'self';
  /** `self`: only quotes on RFQs you made. */
  readonly rfqUserFilter?: 'self';
  /** Quotes on one RFQ. */
  readonly rfqId?: string;
  /** FCM members only. */
  readonly rfqCreatorSubtraderId?: string;
  /**
   * Only quotes of this quoter.
   * @deprecated Kalshi deprecated this filter; use `userFilter: 'self'`.
   */
  readonly quoteCreatorUserId?: string;
  /**
   * Only quotes on RFQs of this creator.
   * @deprecated Kalshi deprecated this filter; use `rfqUserFilter: 'self'`.
   */
  readonly rfqCreatorUserId?: string;
}

/** Filters and paging of `communications.blockTrades.list`. */
export interface KalshiBlockTradesQuery {
  /** 1–100 per page (server default 100). */
  readonly limit?: number;
  /** Where to continue: the `cursor` of the page before (list calls set it themselves when iterated). */
  readonly cursor?: string;
  /** One market ticker. */
  readonly ticker?: string;
  /** e.g. `pending`, `executed`, `expired`. */
  readonly status?: string;
}

/** A new RFQ: size it by `contracts` or by `targetCost`, exactly one. */
export interface KalshiCreateRfq {
  /** The market to ask quotes for. */
  readonly ticker: string;
  /** Contracts wanted: a decimal string ("10", "2.50") or a number with at most two decimals. */
  readonly contracts?: string | number;
  /** Dollars to spend instead of a count, as a decimal string ("100", "25.50"). */
  readonly targetCost?: string;
  /** With `targetCost`: size quotes on principal only, taker fees on top. */
  readonly targetCostExcludesFees?: boolean;
  /** Hide your communications id from other users until the trade executes. */
  readonly obscureCreatorId?: boolean;
  /** Rest what is left on the book after execution. */
  readonly restRemainder: boolean;
  /** Delete your other RFQs as this one is created. */
  readonly replaceExisting?: boolean;
  /** FCM members only. */
  readonly subtraderId?: string;
  /** 0 primary, 1–63 numbered. */
  readonly subaccount?: number;
}

/** A quote on an RFQ. */
export interface KalshiCreateQuote {
  /** The RFQ to quote on. */
  readonly rfqId: string;
  /** What you bid per YES contract, a dollar string ("0.45"); "0" declines the YES side. */
  readonly yesBid: string;
  /** What you bid per NO contract, a dollar string ("0.53"); "0" declines the NO side. */
  readonly noBid: string;
  /** Rest what is left on the book after execution. */
  readonly restRemainder: boolean;
  /** Cancel rather than cross when your resting order would take liquidity. */
  readonly postOnly?: boolean;
  /** 0 primary, 1–63 numbered. */
  readonly subaccount?: number;
}

/**
 * Which bid of a quote the RFQ's creator accepts. `yes`: the quoter buys YES at its
 * `yes_bid` and you take the NO side at 1 − yes_bid; `no`: the quoter buys NO at its `no_bid`
 * and you take YES at 1 − no_bid. (Our reading of "the side of the quote to accept": the
 * spec says no more.)
 */
export interface KalshiAcceptQuote {
  /** `yes` or `no`: which bid of the quote to take (see above). */
  readonly side: 'yes' | 'no';
}

/** A block-trade proposal: the buyer buys YES from the seller. */
export interface KalshiProposeBlockTrade {
  /** The buyer's user id. */
  readonly buyerUserId: string;
  /** The seller's user id. */
  readonly sellerUserId: string;
  /** Give a subaccount or a subtrader id for a party, not both. */
  readonly buyerSubaccount?: number;
  /** The buyer's subtrader (FCM members), instead of `buyerSubaccount`. */
  readonly buyerSubtraderId?: string;
  /** The seller's subaccount, 0–63. */
  readonly sellerSubaccount?: number;
  /** The seller's subtrader (FCM members), instead of `sellerSubaccount`. */
  readonly sellerSubtraderId?: string;
  /** The market to trade. */
  readonly ticker: string;
  /** The YES price, a dollar string strictly between 0 and 1 with at most four decimals. */
  readonly price: string;
  /** Contracts: a decimal string or a number with at most two decimals. */
  readonly count: string | number;
  /** Whose side is the maker's (pays maker fees): `yes` the buyer's, `no` the seller's. */
  readonly makerSide: 'yes' | 'no';
  /** When the proposal lapses unless both parties accepted: a `Date` or Unix seconds. */
  readonly expiresAt: Date | number;
}

/** Who accepts a proposal: a subaccount or a subtrader id, not both (omit both for your primary account). */
export interface KalshiAcceptBlockTrade {
  /** Your subaccount that accepts, 0–63. */
  readonly subaccount?: number;
  /** Your subtrader that accepts (FCM members), instead of `subaccount`. */
  readonly subtraderId?: string;
}

/** The calls of `kalshi.communications` (see the file comment). */
export interface KalshiCommunications {
  /** Your public communications id: how RFQs and quotes name you to others (signed, read). */
  getId(options?: CallOptions): Promise<string>;
  /** Requests for quotes, and the quotes on one RFQ. */
  readonly rfqs: {
    /** One page of RFQs (every user's, as they are broadcast), filtered (signed, read). */
    list(query?: KalshiRfqsQuery, options?: CallOptions): PagePromise<KalshiRfqsPage, KalshiRfq>;
    /**
     * Every RFQ matching the query, following `cursor`.
     * @deprecated Iterate the page call instead: `for await (const rfq of kalshi.communications.rfqs.list(query))`.
     */
    all(query?: Omit<KalshiRfqsQuery, 'cursor'>, options?: CallOptions): AsyncGenerator<KalshiRfq, void, undefined>;
    /** One RFQ by id (signed, read). */
    get(rfqId: string, options?: CallOptions): Promise<KalshiRfq>;
    /**
     * Create an RFQ (at most 100 open at a time). Not repeat-safe: Kalshi takes no client id
     * here, so it is never retried once it may have been sent; after an OutcomeUnknownError,
     * list your RFQs (`rfqs.list({ userFilter: 'self', ticker })`) before creating another.
     */
    create(input: KalshiCreateRfq, options?: CallOptions): Promise<{ readonly id: string }>;
    /** Delete (close) your RFQ and its open quotes. Repeat-safe: deleting it again is harmless. */
    delete(rfqId: string, options?: CallOptions): Promise<void>;
    /** The quotes on one RFQ: read, withdraw, accept, confirm. */
    readonly quotes: {
      /** One quote of an RFQ (signed, read; 2 tokens). */
      get(rfqId: string, quoteId: string, options?: CallOptions): Promise<KalshiQuote>;
      /** Withdraw your quote so it can no longer be accepted (Write bucket, 2 tokens). Repeat-safe. */
      delete(rfqId: string, quoteId: string, options?: CallOptions): Promise<void>;
      /**
       * As the RFQ's creator, accept one side of a quote (see `KalshiAcceptQuote`); the quoter
       * then has to confirm (Write bucket). Repeat-safe: accepting the same side again is harmless.
       */
      accept(rfqId: string, quoteId: string, input: KalshiAcceptQuote, options?: CallOptions): Promise<void>;
      /**
       * As the quoter, confirm an accepted quote: the trade executes (Write bucket). Repeat-safe:
       * confirming again never executes twice.
       */
      confirm(rfqId: string, quoteId: string, options?: CallOptions): Promise<void>;
    };
  };
  /** Quotes across RFQs (the per-quote routes without an RFQ id are deprecated by Kalshi). */
  readonly quotes: {
    /** One page of the quotes you can see (yours, and those on your RFQs), filtered (signed, read). */
    list(query?: KalshiQuotesQuery, options?: CallOptions): PagePromise<KalshiQuotesPage, KalshiQuote>;
    /**
     * Every quote matching the query, following `cursor`.
     * @deprecated Iterate the page call instead: `for await (const quote of kalshi.communications.quotes.list(query))`.
     */
    all(query?: Omit<KalshiQuotesQuery, 'cursor'>, options?: CallOptions): AsyncGenerator<KalshiQuote, void, undefined>;
    /**
     * Quote on an RFQ (Write bucket, 2 tokens); a new quote replaces your earlier one on that
     * RFQ. Not repeat-safe (no client id): never retried once it may have been sent; after an
     * OutcomeUnknownError, list your quotes on the RFQ (`quotes.list({ userFilter: 'self', rfqId })`).
     */
    create(input: KalshiCreateQuote, options?: CallOptions): Promise<{ readonly id: string }>;
    /**
     * One quote by id (signed, read).
     * @deprecated Kalshi deprecated `GET /communications/quotes/{quote_id}`: use `rfqs.quotes.get(rfqId, quoteId)`.
     */
    get(quoteId: string, options?: CallOptions): Promise<KalshiQuote>;
    /**
     * Withdraw your quote. Repeat-safe.
     * @deprecated Kalshi deprecated `DELETE /communications/quotes/{quote_id}`: use `rfqs.quotes.delete(rfqId, quoteId)`.
     */
    delete(quoteId: string, options?: CallOptions): Promise<void>;
    /**
     * Accept one side of a quote on your RFQ. Repeat-safe.
     * @deprecated Kalshi deprecated `PUT /communications/quotes/{quote_id}/accept`: use `rfqs.quotes.accept(rfqId, quoteId, input)`.
     */
    accept(quoteId: string, input: KalshiAcceptQuote, options?: CallOptions): Promise<void>;
    /**
     * Confirm your accepted quote: the trade executes. Repeat-safe.
     * @deprecated Kalshi deprecated `PUT /communications/quotes/{quote_id}/confirm`: use `rfqs.quotes.confirm(rfqId, quoteId)`.
     */
    confirm(quoteId: string, options?: CallOptions): Promise<void>;
  };
  /** Block-trade proposals between two parties. */
  readonly blockTrades: {
    /** One page of the block-trade proposals you are a party to (signed, read). */
    list(query?: KalshiBlockTradesQuery, options?: CallOptions): PagePromise<KalshiBlockTradeProposalsPage, KalshiBlockTradeProposal>;
    /**
     * Every proposal matching the query, following `cursor`.
     * @deprecated Iterate the page call instead: `for await (const proposal of kalshi.communications.blockTrades.list(query))`.
     */
    all(query?: Omit<KalshiBlockTradesQuery, 'cursor'>, options?: CallOptions): AsyncGenerator<KalshiBlockTradeProposal, void, undefined>;
    /**
     * Propose a block trade. Not repeat-safe (no client id): never retried once it may have
     * been sent; after an OutcomeUnknownError, list your proposals (`blockTrades.list({ ticker })`).
     */
    propose(input: KalshiProposeBlockTrade, options?: CallOptions): Promise<{ readonly block_trade_proposal_id: string }>;
    /**
     * Accept a proposal as its buyer or seller (Write bucket); it executes once both have.
     * Repeat-safe: accepting again is harmless.
     */
    accept(proposalId: string, input?: KalshiAcceptBlockTrade, options?: CallOptions): Promise<void>;
  };
}

// ---- inputs ----
const id = lazySchema(() => z.string().min(1).max(200));
const cursor = lazySchema(() => z.string().min(1).max(2000).optional());
const subaccount = lazySchema(() => z.number().int().min(0).max(63));
const status = lazySchema(() => z.string().min(1).max(64));
const self = lazySchema(() => z.literal('self', { error: 'the only user filter is "self"' }));
/** A bid of a quote: a price strictly between 0 and 1, or zero (declining that side), as its wire text. */
const bidInput = lazySchema(() => z.string({ error: 'a bid is a dollar string such as "0.45", or "0" to decline that side' }).transform((p, ctx) => {
  if (/^0*(\.0*)?$/.test(p) && /\d/.test(p)) return '0.00';
  const wire = priceToWire(p);
  if (wire.ok) return wire.value;
  ctx.addIssue({ code: 'custom', message: `${wire.reason} (or "0" to decline that side)` });
  return z.NEVER;
}));
/** A positive dollar amount with at most four decimals, padded to two (`"100"` → `"100.00"`). */
const dollarAmountInput = lazySchema(() => z
  .string({ error: 'an amount is a dollar string such as "100" or "25.50"' })
  .regex(/^\d{1,12}(\.\d{1,4})?$/, 'an amount is a dollar string with at most four decimals, such as "25.50"')
  .refine((a) => !/^0*(\.0*)?$/.test(a), 'an amount must be more than 0')
  .transform((a) => {
    const [whole, frac = ''] = a.split('.');
    return `${whole!.replace(/^0+(?=\d)/, '')}.${frac.padEnd(2, '0')}`;
  }));

const rfqsQuery = lazySchema(() => z
  .object({
    limit: z.number().int().min(1).max(100).optional(),
    cursor,
    eventTicker: tickerSchema.optional(),
    ticker: tickerSchema.optional(),
    subaccount: subaccount.optional(),
    status: status.optional(),
    userFilter: self.optional(),
    creatorUserId: id.optional(),
  })
  .strict());
const quotesQuery = lazySchema(() => z
  .object({
    limit: z.number().int().min(1).max(500).optional(),
    cursor,
    minTs: unixSecondsInput.optional(),
    maxTs: unixSecondsInput.optional(),
    status: status.optional(),
    userFilter: self.optional(),
    rfqUserFilter: self.optional(),
    rfqId: id.optional(),
    rfqCreatorSubtraderId: id.optional(),
    quoteCreatorUserId: id.optional(),
    rfqCreatorUserId: id.optional(),
  })
  .strict()
  .refine((q) => q.minTs === undefined || q.maxTs === undefined || q.minTs <= q.maxTs, { message: 'minTs must not be after maxTs', path: ['minTs'] }));
const blockTradesQuery = lazySchema(() => z.object({ limit: z.number().int().min(1).max(100).optional(), cursor, ticker: tickerSchema.optional(), status: status.optional() }).strict());
const createRfqInput = lazySchema(() => z
  .object({
    ticker: tickerSchema,
    contracts: countInput.optional(),
    targetCost: dollarAmountInput.optional(),
    targetCostExcludesFees: z.boolean().optional(),
    obscureCreatorId: z.boolean().optional(),
    restRemainder: z.boolean({ error: 'restRemainder (true or false) is required' }),
    replaceExisting: z.boolean().optional(),
    subtraderId: id.optional(),
    subaccount: subaccount.optional(),
  })
  .strict()
  .refine((r) => (r.contracts === undefined) !== (r.targetCost === undefined), { message: 'give exactly one of contracts and targetCost', path: ['contracts'] })
  .refine((r) => r.targetCostExcludesFees === undefined || r.targetCost !== undefined, { message: 'targetCostExcludesFees needs a targetCost', path: ['targetCostExcludesFees'] })
  .refine((r) => r.subtraderId === undefined || r.subaccount === undefined, { message: 'give a subtraderId or a subaccount, not both', path: ['subaccount'] }));
const createQuoteInput = lazySchema(() => z
  .object({ rfqId: id, yesBid: bidInput, noBid: bidInput, restRemainder: z.boolean({ error: 'restRemainder (true or false) is required' }), postOnly: z.boolean().optional(), subaccount: subaccount.optional() })
  .strict()
  .refine((q) => !(q.yesBid === '0.00' && q.noBid === '0.00'), { message: 'a quote cannot decline both sides', path: ['yesBid'] }));
const acceptQuoteInput = lazySchema(() => z.object({ side: z.enum(['yes', 'no'], { error: 'side is "yes" or "no"' }) }).strict());
const proposeInput = lazySchema(() => z
  .object({
    buyerUserId: id,
    sellerUserId: id,
    buyerSubaccount: subaccount.optional(),
    buyerSubtraderId: id.optional(),
    sellerSubaccount: subaccount.optional(),
    sellerSubtraderId: id.optional(),
    ticker: tickerSchema,
    price: priceInput,
    count: countInput,
    makerSide: z.enum(['yes', 'no'], { error: 'makerSide is "yes" or "no"' }),
    expiresAt: unixSecondsInput,
  })
  .strict()
  // Sent as centicount (count × 100), an integer that must stay exact.
  .refine((p) => Number.isSafeInteger(hundredths(p.count, 2)), { message: 'a count this large cannot be sent exactly (at most 90071992547409.91)', path: ['count'] })
  .refine((p) => p.buyerUserId !== p.sellerUserId, { message: 'the buyer and the seller must differ', path: ['sellerUserId'] })
  .refine((p) => p.buyerSubaccount === undefined || p.buyerSubtraderId === undefined, { message: 'give a buyerSubaccount or a buyerSubtraderId, not both', path: ['buyerSubaccount'] })
  .refine((p) => p.sellerSubaccount === undefined || p.sellerSubtraderId === undefined, { message: 'give a sellerSubaccount or a sellerSubtraderId, not both', path: ['sellerSubaccount'] }));
const acceptBlockInput = lazySchema(() => z
  .object({ subaccount: subaccount.optional(), subtraderId: id.optional() })
  .strict()
  .refine((a) => a.subaccount === undefined || a.subtraderId === undefined, { message: 'give a subaccount or a subtraderId, not both', path: ['subaccount'] }));

/** "0.4512" (a checked wire price) → 4512 centi-cents; "10.50" (a checked wire count) → 1050 centi-contracts. */
const hundredths = (wire: string, places: number): number => {
  const [whole, frac = ''] = wire.split('.');
  return Number(whole! + frac.padEnd(places, '0'));
};
// The answers' dollar strings, checked as part of each answer (answer-dollars.ts): text that is no amount is the server's bad answer.
const rfqDollars = (r: g.RFQ, at: (string | number)[]): DollarField[] => [[[...at, 'target_cost_dollars'], r.target_cost_dollars]];
const quoteDollars = (q: g.Quote, at: (string | number)[]): DollarField[] => [
  [[...at, 'yes_bid_dollars'], q.yes_bid_dollars], [[...at, 'no_bid_dollars'], q.no_bid_dollars], [[...at, 'rfq_target_cost_dollars'], q.rfq_target_cost_dollars],
];
const rfqsAnswer = lazySchema(() => withDollarFields(g.GetRFQsResponseSchema, (a) => a.rfqs.flatMap((r, i) => rfqDollars(r, ['rfqs', i]))));
const rfqAnswer = lazySchema(() => withDollarFields(g.GetRFQResponseSchema, (a) => rfqDollars(a.rfq, ['rfq'])));
const quotesAnswer = lazySchema(() => withDollarFields(g.GetQuotesResponseSchema, (a) => a.quotes.flatMap((q, i) => quoteDollars(q, ['quotes', i]))));
const quoteAnswer = lazySchema(() => withDollarFields(g.GetQuoteResponseSchema, (a) => quoteDollars(a.quote, ['quote'])));
/** A 204's empty body. */
const noContent = lazySchema(() => z.unknown());

/** The calls, sending through `send` (the client's, which signs, limits, retries and checks). */
export function createKalshiCommunicationsCalls(send: KalshiOperationSender): { communications: KalshiCommunications } {
  const rfqQuote = (operation: string, rfqId: string, quoteId: string): Record<string, string> => ({
    rfq_id: parseInput(PROVIDER, operation, id, rfqId),
    quote_id: parseInput(PROVIDER, operation, id, quoteId),
  });
  const communications: KalshiCommunications = {
    async getId(c) {
      return (await send('GetCommunicationsID', g.GetCommunicationsIDResponseSchema, { call: c })).communications_id;
    },
    rfqs: {
      list: cursorList(PROVIDER, (p) => p.rfqs, (p) => p.cursor, async (query = {}, c) => {
        const q = parseInput(PROVIDER, 'communications.rfqs.list', rfqsQuery, query);
        return send('GetRFQs', rfqsAnswer, {
          query: { limit: q.limit, cursor: q.cursor, event_ticker: q.eventTicker, market_ticker: q.ticker, subaccount: q.subaccount, status: q.status, user_filter: q.userFilter, creator_user_id: q.creatorUserId },
          call: c,
        });
      }),
      all(query = {}, c) {
        parseInput(PROVIDER, 'communications.rfqs.all', rfqsQuery, query);
        return itemsWhenIterated(() => communications.rfqs.list(query, c));
      },
      async get(rfqId, c) {
        const r = parseInput(PROVIDER, 'communications.rfqs.get', id, rfqId);
        return (await send('GetRFQ', rfqAnswer, { params: { rfq_id: r }, call: c })).rfq;
      },
      async create(input, c) {
        const q = parseInput(PROVIDER, 'communications.rfqs.create', createRfqInput, input);
        const res = await send('CreateRFQ', g.CreateRFQResponseSchema, {
          body: {
            market_ticker: q.ticker, contracts_fp: q.contracts, target_cost_dollars: q.targetCost, target_cost_excludes_fees: q.targetCostExcludesFees,
            obscure_creator_id: q.obscureCreatorId, rest_remainder: q.restRemainder, replace_existing: q.replaceExisting, subtrader_id: q.subtraderId, subaccount: q.subaccount,
          },
          safety: 'unsafe',
          outcomeHint: `List your RFQs (communications.rfqs.list({ userFilter: 'self', ticker: '${q.ticker}' })) to see whether it was created before creating another.`,
          call: c,
        });
        return { id: res.id };
      },
      async delete(rfqId, c) {
        const r = parseInput(PROVIDER, 'communications.rfqs.delete', id, rfqId);
        await send('DeleteRFQ', noContent, { params: { rfq_id: r }, safety: 'idempotent', call: c });
      },
      quotes: {
        async get(rfqId, quoteId, c) {
          const params = rfqQuote('communications.rfqs.quotes.get', rfqId, quoteId);
          return (await send('GetRFQQuote', quoteAnswer, { params, call: c })).quote;
        },
        async delete(rfqId, quoteId, c) {
          const params = rfqQuote('communications.rfqs.quotes.delete', rfqId, quoteId);
          await send('DeleteRFQQuote', noContent, { params, limitClass: 'write', safety: 'idempotent', call: c });
        },
        async accept(rfqId, quoteId, input, c) {
          const params = rfqQuote('communications.rfqs.quotes.accept', rfqId, quoteId);
          const a = parseInput(PROVIDER, 'communications.rfqs.quotes.accept', acceptQuoteInput, input);
          await send('AcceptRFQQuote', noContent, { params, body: { accepted_side: a.side }, limitClass: 'write', safety: 'idempotent', call: c });
        },
        async confirm(rfqId, quoteId, c) {
          const params = rfqQuote('communications.rfqs.quotes.confirm', rfqId, quoteId);
          await send('ConfirmRFQQuote', noContent, { params, body: {}, limitClass: 'write', safety: 'idempotent', call: c });
        },
      },
    },
    quotes: {
      list: cursorList(PROVIDER, (p) => p.quotes, (p) => p.cursor, async (query = {}, c) => {
        const q = parseInput(PROVIDER, 'communications.quotes.list', quotesQuery, query);
        return send('GetQuotes', quotesAnswer, {
          query: {
            limit: q.limit, cursor: q.cursor, min_ts: q.minTs, max_ts: q.maxTs, status: q.status, user_filter: q.userFilter, rfq_user_filter: q.rfqUserFilter,
            rfq_id: q.rfqId, rfq_creator_subtrader_id: q.rfqCreatorSubtraderId, quote_creator_user_id: q.quoteCreatorUserId, rfq_creator_user_id: q.rfqCreatorUserId,
          },
          call: c,
        });
      }),
      all(query = {}, c) {
        parseInput(PROVIDER, 'communications.quotes.all', quotesQuery, query);
        return itemsWhenIterated(() => communications.quotes.list(query, c));
      },
      async create(input, c) {
        const q = parseInput(PROVIDER, 'communications.quotes.create', createQuoteInput, input);
        const res = await send('CreateQuote', g.CreateQuoteResponseSchema, {
          body: { rfq_id: q.rfqId, yes_bid: q.yesBid, no_bid: q.noBid, rest_remainder: q.restRemainder, post_only: q.postOnly, subaccount: q.subaccount },
          limitClass: 'write',
          safety: 'unsafe',
          outcomeHint: `List your quotes on the RFQ (communications.quotes.list({ userFilter: 'self', rfqId: '${q.rfqId}' })) to see whether it was created; a new quote would replace it.`,
          call: c,
        });
        return { id: res.id };
      },
      async get(quoteId, c) {
        const quote = parseInput(PROVIDER, 'communications.quotes.get', id, quoteId);
        return (await send('GetQuote', quoteAnswer, { params: { quote_id: quote }, call: c })).quote;
      },
      async delete(quoteId, c) {
        const quote = parseInput(PROVIDER, 'communications.quotes.delete', id, quoteId);
        await send('DeleteQuote', noContent, { params: { quote_id: quote }, limitClass: 'write', safety: 'idempotent', call: c });
      },
      async accept(quoteId, input, c) {
        const quote = parseInput(PROVIDER, 'communications.quotes.accept', id, quoteId);
        const a = parseInput(PROVIDER, 'communications.quotes.accept', acceptQuoteInput, input);
        await send('AcceptQuote', noContent, { params: { quote_id: quote }, body: { accepted_side: a.side }, limitClass: 'write', safety: 'idempotent', call: c });
      },
      async confirm(quoteId, c) {
        const quote = parseInput(PROVIDER, 'communications.quotes.confirm', id, quoteId);
        await send('ConfirmQuote', noContent, { params: { quote_id: quote }, body: {}, limitClass: 'write', safety: 'idempotent', call: c });
      },
    },
    blockTrades: {
      list: cursorList(PROVIDER, (p) => p.block_trade_proposals, (p) => p.cursor, async (query = {}, c) => {
        const q = parseInput(PROVIDER, 'communications.blockTrades.list', blockTradesQuery, query);
        return send('GetBlockTradeProposals', g.GetBlockTradeProposalsResponseSchema, { query: { limit: q.limit, cursor: q.cursor, market_ticker: q.ticker, status: q.status }, call: c });
      }),
      all(query = {}, c) {
        parseInput(PROVIDER, 'communications.blockTrades.all', blockTradesQuery, query);
        return itemsWhenIterated(() => communications.blockTrades.list(query, c));
      },
      async propose(input, c) {
        const p = parseInput(PROVIDER, 'communications.blockTrades.propose', proposeInput, input);
        const res = await send('ProposeBlockTrade', g.ProposeBlockTradeResponseSchema, {
          body: {
            buyer_user_id: p.buyerUserId, buyer_subaccount: p.buyerSubaccount, buyer_subtrader_id: p.buyerSubtraderId,
            seller_user_id: p.sellerUserId, seller_subaccount: p.sellerSubaccount, seller_subtrader_id: p.sellerSubtraderId,
            market_ticker: p.ticker, price_centi_cents: hundredths(p.price, 4), centicount: hundredths(p.count, 2),
            maker_side: p.makerSide, expiration_ts: new Date(p.expiresAt * 1000).toISOString(),
          },
          safety: 'unsafe',
          outcomeHint: `List your block-trade proposals (communications.blockTrades.list({ ticker: '${p.ticker}' })) to see whether it was made before proposing again.`,
          call: c,
        });
        return { block_trade_proposal_id: res.block_trade_proposal_id };
      },
      async accept(proposalId, input = {}, c) {
        const proposal = parseInput(PROVIDER, 'communications.blockTrades.accept', id, proposalId);
        const a = parseInput(PROVIDER, 'communications.blockTrades.accept', acceptBlockInput, input);
        await send('AcceptBlockTradeProposal', noContent, {
          params: { block_trade_proposal_id: proposal },
          body: { subaccount: a.subaccount, subtrader_id: a.subtraderId },
          limitClass: 'write',
          safety: 'idempotent',
          call: c,
        });
      },
    },
  };
  return { communications };
}
