/**
 * zod schemas of every Kalshi WebSocket message the client reads (field names from
 * reference/kalshi-asyncapi.yaml). Tolerant by design: unknown fields are kept, enums
 * accept values added later, fields the AsyncAPI marks deprecated are optional. Prices and
 * counts stay exact decimal strings.
 */
import { z } from 'zod';
import { lazySchema } from '../../../src/validation.js';

/** A plain decimal string (`"0.5600"`, `"-54.00"`); never a float. */
const decimal = lazySchema(() => z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a decimal string'));
const int = lazySchema(() => z.number().int());
const sid = lazySchema(() => int.min(1));
const seq = lazySchema(() => int.min(0));

/** A string enum that also accepts values Kalshi adds later (typed as the known ones plus any string). */
function openEnum<const T extends readonly string[]>(_known: T): z.ZodType<T[number] | (string & {})> {
  return z.string() as unknown as z.ZodType<T[number] | (string & {})>;
}

/** `yes` or `no` (or a later value). */
export const marketSideSchema = lazySchema(() => openEnum(['yes', 'no'] as const));
/** `bid` or `ask` (or a later value). */
export const bookSideSchema = lazySchema(() => openEnum(['bid', 'ask'] as const));

const envelope = <T extends string, M extends z.ZodType>(type: T, msg: M, _sequenced: false) => z.looseObject({ type: z.literal(type), sid, seq: seq.optional(), id: int.optional(), msg });
const sequencedEnvelope = <T extends string, M extends z.ZodType>(type: T, msg: M) => z.looseObject({ type: z.literal(type), sid, seq, id: int.optional(), msg });

const level = lazySchema(() => z.tuple([decimal, decimal]));

/** `orderbook_snapshot`: every aggregated level of one market (bids only, per side). */
export const orderbookSnapshotSchema = lazySchema(() =>
  sequencedEnvelope(
    'orderbook_snapshot',
    z.looseObject({
      market_ticker: z.string(),
      market_id: z.string().optional(),
      yes_dollars_fp: z.array(level).optional(),
      no_dollars_fp: z.array(level).optional(),
    }),
  ),
);

/** `orderbook_delta`: one level of one side changes by `delta_fp`. */
export const orderbookDeltaSchema = lazySchema(() =>
  sequencedEnvelope(
    'orderbook_delta',
    z.looseObject({
      market_ticker: z.string(),
      market_id: z.string().optional(),
      price_dollars: decimal,
      delta_fp: decimal,
      side: marketSideSchema,
      client_order_id: z.string().optional(),
      ts: z.string().optional(),
      ts_ms: int.optional(),
      subaccount: int.optional(),
    }),
  ),
);

/** `ticker`: last price, best bid/ask, volume and open interest of one market. */
export const tickerSchema = lazySchema(() =>
  envelope(
    'ticker',
    z.looseObject({
      market_ticker: z.string(),
      market_id: z.string().optional(),
      price_dollars: decimal,
      yes_bid_dollars: decimal,
      yes_ask_dollars: decimal,
      volume_fp: decimal,
      open_interest_fp: decimal,
      dollar_volume: int.optional(),
      dollar_open_interest: int.optional(),
      yes_bid_size_fp: decimal.optional(),
      yes_ask_size_fp: decimal.optional(),
      last_trade_size_fp: decimal.optional(),
      ts: int.optional(),
      ts_ms: int,
      time: z.string().optional(),
    }),
    false,
  ),
);

/** `trade`: one public trade. */
export const tradeSchema = lazySchema(() =>
  envelope(
    'trade',
    z.looseObject({
      trade_id: z.string(),
      market_ticker: z.string(),
      yes_price_dollars: decimal,
      no_price_dollars: decimal,
      count_fp: decimal,
      taker_side: marketSideSchema.optional(),
      taker_outcome_side: marketSideSchema,
      taker_book_side: bookSideSchema,
      is_block_trade: z.boolean(),
      ts: int.optional(),
      ts_ms: int,
    }),
    false,
  ),
);

/** `fill`: one of your orders traded. */
export const fillSchema = lazySchema(() =>
  envelope(
    'fill',
    z.looseObject({
      trade_id: z.string(),
      order_id: z.string(),
      client_order_id: z.string().optional(),
      market_ticker: z.string(),
      exchange_index: int,
      is_taker: z.boolean(),
      side: marketSideSchema.optional(),
      yes_price_dollars: decimal,
      count_fp: decimal,
      fee_cost: decimal,
      action: openEnum(['buy', 'sell', 'sell_partial', 'sell_to_close', ''] as const).optional(),
      outcome_side: marketSideSchema,
      book_side: bookSideSchema,
      ts: int.optional(),
      ts_ms: int,
      post_position_fp: decimal,
      purchased_side: marketSideSchema.optional(),
      subaccount: int.optional(),
    }),
    false,
  ),
);

/** `user_order`: one of your orders was created or changed. */
export const userOrderSchema = lazySchema(() =>
  envelope(
    'user_order',
    z.looseObject({
      order_id: z.string(),
      user_id: z.string(),
      ticker: z.string(),
      exchange_index: int,
      status: openEnum(['resting', 'canceled', 'executed', 'unknown'] as const),
      side: marketSideSchema.optional(),
      is_yes: z.boolean().optional(),
      outcome_side: marketSideSchema,
      book_side: bookSideSchema,
      yes_price_dollars: decimal,
      fill_count_fp: decimal,
      remaining_count_fp: decimal,
      initial_count_fp: decimal,
      taker_fill_cost_dollars: decimal,
      maker_fill_cost_dollars: decimal,
      taker_fees_dollars: decimal,
      maker_fees_dollars: decimal,
      client_order_id: z.string(),
      order_group_id: z.string().optional(),
      self_trade_prevention_type: openEnum(['taker_at_cross', 'maker'] as const).optional(),
      created_time: z.string().nullable().optional(),
      last_update_time: z.string().optional(),
      expiration_time: z.string().optional(),
      expiration_ts_ms: int.optional(),
      created_ts_ms: int.nullable(),
      last_updated_ts_ms: int.optional(),
      last_update_reason: openEnum(['Decrease', 'Amend', 'MarginCancel', 'SelfTradeCancel', 'ExpiryCancel', 'CloseCancel', 'HaltCancel', 'Trade', 'PostOnlyCrossCancel', 'ReduceOnlyCancel'] as const).optional(),
      subaccount_number: int.optional(),
    }),
    false,
  ),
);

/** `market_position`: your position in one market changed. */
export const marketPositionSchema = lazySchema(() =>
  envelope(
    'market_position',
    z.looseObject({
      user_id: z.string(),
      market_ticker: z.string(),
      position_fp: decimal,
      position_cost_dollars: decimal,
      realized_pnl_dollars: decimal,
      fees_paid_dollars: decimal,
      position_fee_cost_dollars: decimal,
      volume_fp: decimal,
      subaccount: int.optional(),
    }),
    false,
  ),
);

/** `market_lifecycle_v2`: a market was created, (de)activated, determined, settled, or its metadata changed. */
export const marketLifecycleSchema = lazySchema(() =>
  envelope(
    'market_lifecycle_v2',
    z.looseObject({
      market_ticker: z.string(),
      event_type: openEnum(['created', 'deactivated', 'activated', 'close_date_updated', 'determined', 'settled', 'price_level_structure_updated', 'metadata_updated'] as const),
      exchange_index: int.optional(),
      open_ts: int.optional(),
      close_ts: int.optional(),
      determination_ts: int.optional(),
      settled_ts: int.optional(),
      result: z.string().optional(),
      settlement_value: decimal.optional(),
      is_deactivated: z.boolean().optional(),
      additional_metadata: z.looseObject({}).optional(),
      price_level_structure: z.string().optional(),
      price_ranges: z.array(z.looseObject({ start: decimal, end: decimal, step: decimal })).optional(),
      strike_type: z.string().optional(),
      floor_strike: z.number().optional(),
      cap_strike: z.number().optional(),
      yes_sub_title: z.string().optional(),
    }),
    false,
  ),
);

/** `event_lifecycle` (on `market_lifecycle_v2`): an event was created. */
export const eventLifecycleSchema = lazySchema(() =>
  envelope(
    'event_lifecycle',
    z.looseObject({
      event_ticker: z.string(),
      exchange_index: int,
      title: z.string(),
      subtitle: z.string(),
      collateral_return_type: openEnum(['MECNET', 'DIRECNET', ''] as const),
      series_ticker: z.string(),
      strike_date: int.optional(),
      strike_period: z.string().optional(),
    }),
    false,
  ),
);

/** `event_fee_update` (on `market_lifecycle_v2`): an event-level fee override was set or cleared. */
export const eventFeeUpdateSchema = lazySchema(() =>
  envelope(
    'event_fee_update',
    z.looseObject({
      event_ticker: z.string(),
      fee_type_override: z.string().nullable(),
      fee_multiplier_override: z.number().nullable(),
    }),
    false,
  ),
);

/** `order_group_updates`: an order group was created, triggered, reset, deleted or its limit changed. */
export const orderGroupUpdateSchema = lazySchema(() =>
  envelope(
    'order_group_updates',
    z.looseObject({
      event_type: openEnum(['created', 'triggered', 'reset', 'deleted', 'limit_updated'] as const),
      order_group_id: z.string(),
      contracts_limit_fp: decimal.optional(),
      ts_ms: int,
    }),
    false,
  ),
);

// Shapes spread into several schemas: functions, so nothing is built before one of them is.
const rfqCommon = () => ({
  id: z.string(),
  creator_id: z.string(),
  market_ticker: z.string(),
  event_ticker: z.string().optional(),
  contracts_fp: decimal.optional(),
  target_cost_dollars: decimal.optional(),
});
const quoteCommon = () => ({
  quote_id: z.string(),
  rfq_id: z.string(),
  quote_creator_id: z.string(),
  rfq_creator_id: z.string(),
  market_ticker: z.string(),
  event_ticker: z.string().optional(),
  yes_bid_dollars: decimal,
  no_bid_dollars: decimal,
  yes_contracts_offered_fp: decimal.optional(),
  no_contracts_offered_fp: decimal.optional(),
  rfq_target_cost_dollars: decimal.optional(),
  subaccount: int.optional(),
});

/** `rfq_created` (communications). */
export const rfqCreatedSchema = lazySchema(() =>
  envelope(
    'rfq_created',
    z.looseObject({
      ...rfqCommon(),
      created_ts: z.string(),
      mve_collection_ticker: z.string().optional(),
      mve_selected_legs: z.array(z.looseObject({ event_ticker: z.string(), market_ticker: z.string(), side: marketSideSchema, yes_settlement_value_dollars: decimal.optional() })).optional(),
    }),
    false,
  ),
);
/** `rfq_deleted` (communications). */
export const rfqDeletedSchema = lazySchema(() => envelope('rfq_deleted', z.looseObject({ ...rfqCommon(), deleted_ts: z.string() }), false));
/** `quote_created` (communications). */
export const quoteCreatedSchema = lazySchema(() => envelope('quote_created', z.looseObject({ ...quoteCommon(), created_ts: z.string() }), false));
/** `quote_accepted` (communications). */
export const quoteAcceptedSchema = lazySchema(() => envelope('quote_accepted', z.looseObject({ ...quoteCommon(), accepted_side: marketSideSchema.optional(), contracts_accepted_fp: decimal.optional() }), false));
/** `quote_executed` (communications). */
export const quoteExecutedSchema = lazySchema(() =>
  envelope(
    'quote_executed',
    z.looseObject({
      quote_id: z.string(),
      rfq_id: z.string(),
      quote_creator_id: z.string(),
      rfq_creator_id: z.string(),
      order_id: z.string(),
      client_order_id: z.string(),
      market_ticker: z.string(),
      executed_ts: z.string(),
      subaccount: int.optional(),
    }),
    false,
  ),
);

/** The channels this client subscribes to, with the schema of each message type they carry. */
export const CHANNEL_MESSAGE_SCHEMAS = {
  orderbook_delta: { orderbook_snapshot: orderbookSnapshotSchema, orderbook_delta: orderbookDeltaSchema },
  ticker: { ticker: tickerSchema },
  trade: { trade: tradeSchema },
  fill: { fill: fillSchema },
  user_orders: { user_order: userOrderSchema },
  market_positions: { market_position: marketPositionSchema },
  market_lifecycle_v2: { market_lifecycle_v2: marketLifecycleSchema, event_lifecycle: eventLifecycleSchema, event_fee_update: eventFeeUpdateSchema },
  order_group_updates: { order_group_updates: orderGroupUpdateSchema },
  communications: { rfq_created: rfqCreatedSchema, rfq_deleted: rfqDeletedSchema, quote_created: quoteCreatedSchema, quote_accepted: quoteAcceptedSchema, quote_executed: quoteExecutedSchema },
} as const;

/** A channel name this client knows. */
export type KalshiChannel = keyof typeof CHANNEL_MESSAGE_SCHEMAS;
/** The channel names, for validation. */
export const KALSHI_CHANNELS = Object.keys(CHANNEL_MESSAGE_SCHEMAS) as KalshiChannel[];

/** The parsed message type of one channel (a union over the message types it carries). */
export type ChannelMessage<C extends KalshiChannel> = {
  [T in keyof (typeof CHANNEL_MESSAGE_SCHEMAS)[C]]: (typeof CHANNEL_MESSAGE_SCHEMAS)[C][T] extends z.ZodType<infer O> ? O : never;
}[keyof (typeof CHANNEL_MESSAGE_SCHEMAS)[C]];

/** A parsed `orderbook_snapshot` frame. */
export type OrderbookSnapshotMessage = z.output<typeof orderbookSnapshotSchema>;
/** A parsed `orderbook_delta` frame. */
export type OrderbookDeltaMessage = z.output<typeof orderbookDeltaSchema>;
/** A parsed `ticker` frame. */
export type TickerMessage = z.output<typeof tickerSchema>;
/** A parsed `trade` frame. */
export type TradeMessage = z.output<typeof tradeSchema>;
/** A parsed `fill` frame. */
export type FillMessage = z.output<typeof fillSchema>;
/** A parsed `user_order` frame. */
export type UserOrderMessage = z.output<typeof userOrderSchema>;
/** A parsed `market_position` frame. */
export type MarketPositionMessage = z.output<typeof marketPositionSchema>;
/** A parsed `market_lifecycle_v2` frame. */
export type MarketLifecycleMessage = z.output<typeof marketLifecycleSchema>;
/** A parsed `order_group_updates` frame. */
export type OrderGroupUpdateMessage = z.output<typeof orderGroupUpdateSchema>;

// ---- control frames (replies to commands, errors) ----

/** The fields every frame may carry; read before the message's own schema. */
export const frameEnvelopeSchema = lazySchema(() => z.looseObject({ type: z.string(), id: int.optional(), sid: int.optional(), seq: int.optional() }));
/** `subscribed`: the reply to one channel of a subscribe. */
export const subscribedSchema = lazySchema(() => z.looseObject({ type: z.literal('subscribed'), id: int.optional(), msg: z.looseObject({ channel: z.string(), sid }) }));
/** `unsubscribed`. */
export const unsubscribedSchema = lazySchema(() => z.looseObject({ type: z.literal('unsubscribed'), id: int.optional(), sid, seq: seq.optional() }));
/** `ok`: the reply to update_subscription (an object) or list_subscriptions (an array). */
export const okSchema = lazySchema(() =>
  z.looseObject({
    type: z.literal('ok'),
    id: int.optional(),
    sid: sid.optional(),
    seq: seq.optional(),
    msg: z.union([z.array(z.looseObject({ channel: z.string(), sid })), z.looseObject({ market_tickers: z.array(z.string()).optional() })]).optional(),
  }),
);
/** `error`: a command failed, or a subscription broke (with `sid`). */
export const errorFrameSchema = lazySchema(() =>
  z.looseObject({
    type: z.literal('error'),
    id: int.optional(),
    sid: sid.optional(),
    seq: seq.optional(),
    msg: z.looseObject({ code: int, msg: z.string().optional(), market_ticker: z.string().optional(), market_tickers: z.array(z.string()).optional() }),
  }),
);
