/**
 * The contract between the Kalshi sandbox's matching engine (sandbox-matching.ts) and
 * whatever reports its state changes (the sandbox's REST handlers and WebSocket server).
 *
 * Exact decimal strings throughout: prices "0.5600" (dollars, 4 decimals), counts "10.00"
 * (2 decimals), money up to 6 decimals ("0.017500"; never fewer than 4). Wire field names come
 * from reference/kalshi-asyncapi.yaml and kalshi-openapi.yaml, not from this file; the order
 * view below uses the REST `Order` names so it can be sent as it is.
 */

/** An outcome leg of a binary market. */
export type KalshiSide = 'yes' | 'no';

/** V2 book side, YES-leg vocabulary: `bid` = buy YES (or sell NO), `ask` = sell YES (or buy NO). */
export type KalshiBookSide = 'bid' | 'ask';

/** `time_in_force` of CreateOrderV2Request. */
export type KalshiTimeInForce = 'fill_or_kill' | 'good_till_canceled' | 'immediate_or_cancel';

/** `SelfTradePreventionType`: `taker_at_cross` cancels the incoming order, `maker` cancels the resting one. */
export type KalshiSelfTradePrevention = 'taker_at_cross' | 'maker';

/** `OrderStatus`. */
export type KalshiOrderStatus = 'resting' | 'canceled' | 'executed';

/**
 * Why an order last changed: the AsyncAPI `lastUpdateReason` enum. Absent when the order was
 * just placed or the user cancelled it (the enum has no value for either).
 */
export type KalshiOrderUpdateReason =
  | 'Decrease' | 'Amend' | 'MarginCancel' | 'SelfTradeCancel' | 'ExpiryCancel' | 'CloseCancel'
  | 'HaltCancel' | 'Trade' | 'PostOnlyCrossCancel' | 'ReduceOnlyCancel';

/** Lifecycle steps of a market (the `market_lifecycle_v2` event types the sandbox produces). */
export type KalshiLifecycleEvent = 'created' | 'activated' | 'deactivated' | 'close_date_updated' | 'determined' | 'settled';

/**
 * One order as the `user_orders` channel and the REST `Order` schema need it. `side`/`action`
 * are the deprecated legacy pair: the order's own wording when it was placed with one, else
 * `bid` → yes/buy and `ask` → yes/sell (the BookSide definition: "`ask` means sell YES").
 */
export interface SandboxOrderView {
  order_id: string;
  client_order_id: string;
  user_id: string;
  ticker: string;
  outcome_side: KalshiSide;
  book_side: KalshiBookSide;
  side: KalshiSide;
  action: 'buy' | 'sell';
  type: 'limit';
  status: KalshiOrderStatus;
  yes_price_dollars: string;
  no_price_dollars: string;
  fill_count_fp: string;
  remaining_count_fp: string;
  initial_count_fp: string;
  taker_fill_cost_dollars: string;
  maker_fill_cost_dollars: string;
  taker_fees_dollars: string;
  maker_fees_dollars: string;
  time_in_force: KalshiTimeInForce;
  self_trade_prevention_type: KalshiSelfTradePrevention;
  post_only: boolean;
  reduce_only: boolean;
  /** RFC 3339, or null for an order without expiry. */
  expiration_time: string | null;
  expiration_ts_ms: number | null;
  created_time: string;
  created_ts_ms: number;
  last_update_time: string;
  last_updated_ts_ms: number;
  last_update_reason?: KalshiOrderUpdateReason;
  /** The order group the order was placed in, if any. */
  order_group_id?: string;
  /** Contracts ahead of this order at its price level (resting orders only), e.g. "12.00". */
  queue_position_fp?: string;
}

/** Every state change of the engine, in the order it happened. */
export type SandboxMarketEvent =
  | {
    type: 'book';
    ticker: string;
    /** Which bid ladder changed: YES bids (book side `bid`) or NO bids (book side `ask`). */
    side: KalshiSide;
    /** The level's price in that ladder's own leg (a NO bid at "0.4500" is a YES ask at 0.55). */
    price: string;
    /** Signed change of the resting count at the level, e.g. "-2.00". */
    delta: string;
    /** The user whose request caused the change (the taker for a fill; absent for expiry, close). */
    userId?: string;
    /** That user's client_order_id for the order of the request that caused it. */
    clientOrderId?: string;
    /** The resting order whose size changed, and its owner. */
    orderId: string;
    ownerUserId: string;
    ts: number;
  }
  | {
    type: 'trade';
    tradeId: string;
    ticker: string;
    yesPrice: string;
    noPrice: string;
    count: string;
    /** The taker's outcome side and book side. */
    takerSide: KalshiSide;
    takerBookSide: KalshiBookSide;
    ts: number;
    /** Executed off the book (an RFQ quote or a block-trade proposal). */
    blockTrade?: true;
  }
  | {
    type: 'fill';
    userId: string;
    /** Shared by both fills of one trade. */
    tradeId: string;
    /** This user's fill (REST `fill_id`). */
    fillId: string;
    orderId: string;
    clientOrderId?: string;
    ticker: string;
    /** Legacy pair: `sell` of the held side when the fill reduced a position, else `buy` of the outcome side. */
    side: KalshiSide;
    action: 'buy' | 'sell';
    outcomeSide: KalshiSide;
    bookSide: KalshiBookSide;
    /** The price paid for `outcomeSide` (YES price for a bid, NO price for an ask). */
    price: string;
    yesPrice: string;
    noPrice: string;
    count: string;
    isTaker: boolean;
    fee: string;
    /** Net position after the fill; negative = NO contracts. */
    postPosition: string;
    ts: number;
  }
  | { type: 'order'; userId: string; order: SandboxOrderView; ts: number }
  | {
    type: 'position';
    userId: string;
    ticker: string;
    /** Net position; negative = NO contracts. */
    position: string;
    /** Cost basis of the open position. */
    marketExposure: string;
    realizedPnl: string;
    feesPaid: string;
    /** Total cost of every fill in this market. */
    totalTraded: string;
    /** Contracts traded in this market. */
    volume: string;
    ts: number;
  }
  | { type: 'lifecycle'; ticker: string; event: KalshiLifecycleEvent; result?: KalshiSide; ts: number }
  | {
    /** An order group changed (the AsyncAPI `order_group_updates` event types). */
    type: 'order_group';
    userId: string;
    orderGroupId: string;
    event: 'created' | 'triggered' | 'reset' | 'deleted' | 'limit_updated';
    /** The group's contracts limit after the change, e.g. "10.00". */
    contractsLimit: string;
    ts: number;
  };

/** What a stream server reads from the engine. */
export interface SandboxMarketFeed {
  /** Current YES bids and NO bids of one market, price → resting count (exact strings), best first. */
  book(ticker: string): { yes: [price: string, count: string][]; no: [price: string, count: string][] } | undefined;
  /** Every market's ticker, in the order they were added. */
  tickers(): string[];
  /** Every event after it happens, in order. Returns an unsubscribe function. */
  onEvent(listener: (event: SandboxMarketEvent) => void): () => void;
}
