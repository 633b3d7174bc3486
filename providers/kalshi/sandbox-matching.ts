/**
 * The Kalshi sandbox's matching engine: a pure, synchronous, deterministic price-time
 * priority book per market over Kalshi's bids-only YES/NO ladders, with the V2 order
 * features (time in force, post_only, reduce_only, self-trade prevention, expiry, amend,
 * decrease), order groups (a contracts limit over a rolling 15 s window that cancels the
 * group's orders when hit), fees, collateral, netted positions, queue positions, and an event
 * for every state change (sandbox-market-events.ts). Time only moves through the `now` arguments.
 *
 * Units (all integers, never floats):
 * - price: 1/10 000 dollar ("0.5600" = 5600), always the YES price of an order or trade;
 * - count: 1/100 contract ("10.00" = 1000);
 * - money: bigint micro-dollars (1/1 000 000), so price × count is exact
 *   (5600 × 1000 = 5 600 000 µ$ = $5.60).
 *
 * Positions net: a user holds one signed position per market (+ YES, − NO). A bid fill adds
 * to it, an ask fill subtracts. When a fill meets the opposite holding, the YES/NO pair is
 * redeemed for $1 at once: selling YES you hold at p is buying NO at 1 − p and getting $1 back,
 * net +p. So every trade creates or destroys YES/NO pairs, never a lone contract.
 */
import type {
  KalshiBookSide, KalshiOrderStatus, KalshiOrderUpdateReason, KalshiSelfTradePrevention, KalshiSide,
  KalshiTimeInForce, SandboxMarketEvent, SandboxMarketFeed, SandboxOrderView,
} from './sandbox-market-events.js';

/** Price units per dollar. */
export const PRICE_SCALE = 10_000;
/** Count units per contract. */
export const COUNT_SCALE = 100;
/** What one count unit (0.01 contract) pays at settlement or redemption: $0.01 in micro-dollars. */
const PAYOUT_PER_UNIT = 10_000n;
/** Denominator of the exact fee numerator: ppm (1e6) × price² scale (1e8) / µ$ per price·count unit (1e4). */
const FEE_DENOMINATOR = 10_000_000_000n;

// ---------- exact decimal strings ----------

/** "0.56", "0.5600", ".5" → price units (5600); undefined if not a plain decimal with ≤ 4 places. */
export function parsePrice(text: string): number | undefined {
  return parseFixed(text, 4);
}

/** "10", "10.5", "10.00" → count units (1050); undefined if not a plain decimal with ≤ 2 places. */
export function parseCount(text: string): number | undefined {
  return parseFixed(text, 2);
}

function parseFixed(text: string, places: number): number | undefined {
  const match = /^(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[1] === '' && (match[2] ?? '') === '')) return undefined;
  const fraction = match[2] ?? '';
  if (fraction.length > places) return undefined;
  const value = Number((match[1] || '0') + fraction.padEnd(places, '0'));
  return Number.isSafeInteger(value) ? value : undefined;
}

function formatFixed(value: bigint, places: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(places + 1, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -places)}.${digits.slice(-places)}`;
}

/** Price units → "0.5600". */
export function formatPrice(units: number): string {
  return formatFixed(BigInt(units), 4);
}

/** Count units → "10.00" (signed). */
export function formatCount(units: number): string {
  return formatFixed(BigInt(units), 2);
}

/** Micro-dollars → dollars with 4 decimals, or 6 when the amount needs them ("1.2300", "0.017500"). */
export function formatMicros(micros: bigint): string {
  const six = formatFixed(micros, 6);
  return micros % 100n === 0n ? six.slice(0, -2) : six;
}

/** Whole dollars (or a 6-place decimal string) → micro-dollars. */
export function dollarsToMicros(dollars: number | string): bigint {
  if (typeof dollars === 'number') {
    if (!Number.isSafeInteger(dollars)) throw new RangeError('dollars must be a whole number here; pass a decimal string for cents');
    return BigInt(dollars) * 1_000_000n;
  }
  const units = parseFixed(dollars, 6);
  if (units === undefined) throw new RangeError(`not a dollar amount: ${dollars}`);
  return BigInt(units);
}

/** The V2 book side of a legacy (side, action) pair: buy YES / sell NO → bid; buy NO / sell YES → ask. */
export function bookSideOf(side: KalshiSide, action: 'buy' | 'sell'): KalshiBookSide {
  return (side === 'yes') === (action === 'buy') ? 'bid' : 'ask';
}

/** The YES price of a legacy price given for `side` (a NO price p is a YES price 1 − p). */
export function yesPriceOf(side: KalshiSide, price: number): number {
  return side === 'yes' ? price : PRICE_SCALE - price;
}

// ---------- fees ----------

/**
 * A fee schedule: fee = ⌈rate × C × P × (1 − P)⌉ per order, rounded up to `roundingMicros`,
 * where C is contracts and P the trade's YES price. Rates are parts per million, the series
 * `fee_multiplier` already applied (Kalshi's general table: taker 0.07 = 70 000 ppm, maker
 * 0.0175 = 17 500 ppm where the series has maker fees).
 */
export interface KalshiFeeSchedule {
  takerPpm: number;
  makerPpm: number;
  /** Rounding unit in micro-dollars; 10 000 = one cent (the published schedule). */
  roundingMicros: number;
}

/**
 * The schedule of a series `fee_type` and `fee_multiplier` (spec FeeType). `flat` (the
 * "Specific Trading Fees Table") is not in the reference, so it is refused.
 */
export function feeScheduleFor(feeType: 'quadratic' | 'quadratic_with_maker_fees' | 'quadratic_with_combo_maker_fees' | 'flat', multiplier = 1, roundingMicros = 10_000): KalshiFeeSchedule {
  const taker = Math.round(70_000 * multiplier);
  const maker = { quadratic: 0, quadratic_with_maker_fees: 0.25, quadratic_with_combo_maker_fees: 0.5, flat: Number.NaN }[feeType];
  if (Number.isNaN(maker)) throw new RangeError('fee_type flat is not described by the reference; give the rates explicitly');
  return { takerPpm: taker, makerPpm: Math.round(taker * maker), roundingMicros };
}

/** The default: the general table with maker fees (taker 0.07, maker 0.0175), rounded up to the cent. */
export const DEFAULT_FEE_SCHEDULE: KalshiFeeSchedule = feeScheduleFor('quadratic_with_maker_fees');

/** Exact fee numerator of `count` units at `yesPrice` (µ$ × FEE_DENOMINATOR). */
function feeNumerator(ppm: number, count: number, yesPrice: number): bigint {
  return BigInt(ppm) * BigInt(count) * BigInt(yesPrice) * BigInt(PRICE_SCALE - yesPrice);
}

/** Round an exact fee numerator up to whole rounding units, in micro-dollars. */
function roundFee(numerator: bigint, roundingMicros: number): bigint {
  const unit = FEE_DENOMINATOR * BigInt(roundingMicros);
  return ((numerator + unit - 1n) / unit) * BigInt(roundingMicros);
}

// ---------- engine types ----------

/** A new order. Prices and counts in units (see the file comment); `now` in epoch ms. */
export interface PlaceOrderInput {
  userId: string;
  ticker: string;
  side: KalshiBookSide;
  /** YES price in 1/10 000 dollar. */
  price: number;
  /** Count in 1/100 contract. */
  count: number;
  timeInForce: KalshiTimeInForce;
  selfTradePrevention: KalshiSelfTradePrevention;
  clientOrderId?: string;
  postOnly?: boolean;
  reduceOnly?: boolean;
  /** Epoch ms after which the order stops resting (REST gives seconds: multiply by 1000). */
  expirationTs?: number;
  /** The legacy wording the order came in with, kept for the deprecated side/action fields. */
  legacy?: { side: KalshiSide; action: 'buy' | 'sell' };
  /** The user's order group this order's fills count toward (`createOrderGroup`). */
  orderGroupId?: string;
}

/** How long matched contracts count toward an order group's limit (the spec: "a rolling 15-second window"). */
export const ORDER_GROUP_WINDOW_MS = 15_000;

/** An order group as the engine keeps it (`orderGroup`, `orderGroups`). */
export interface SandboxOrderGroup {
  id: string;
  userId: string;
  /** The contracts limit, in count units. */
  limit: number;
  /** Hit (or triggered by hand): its orders are cancelled and new ones refused until a reset. */
  triggered: boolean;
  /** Contracts its orders matched within the last `ORDER_GROUP_WINDOW_MS`, in count units. */
  matched: number;
  /** Every order placed in the group, oldest first. */
  orderIds: string[];
}

/** Why a request was refused, with the HTTP status and Kalshi error code to answer with. */
export interface EngineError {
  status: 400 | 404 | 409;
  code: string;
  message: string;
}

/** One fill of one user, as recorded (the `fill` event). */
export type SandboxFill = Extract<SandboxMarketEvent, { type: 'fill' }>;
/** One trade, as recorded (the `trade` event). */
export type SandboxTrade = Extract<SandboxMarketEvent, { type: 'trade' }>;

/** The answer to a request that changed (or may have changed) an order. */
export type OrderResult =
  | {
    ok: true;
    order: SandboxOrderView;
    /** This request's fills of this order. */
    fills: SandboxFill[];
    /** Count-weighted average YES price of those fills (only when there are any). */
    averageFillPrice?: string;
    /** Average fee per contract of those fills (only when there are any). */
    averageFeePaid?: string;
    /** Contracts taken off the book by a cancel or decrease. */
    reducedBy: number;
  }
  | { ok: false; error: EngineError };

/** A user's cash. */
export interface SandboxAccount {
  userId: string;
  /** Free cash, µ$. */
  available: bigint;
  /** Cash held as collateral for live orders, µ$. */
  reserved: bigint;
  /** Total ever deposited, µ$. */
  deposited: bigint;
}

/** A user's position in one market, in units. */
export interface SandboxPosition {
  ticker: string;
  /** Count units; negative = NO contracts. */
  position: number;
  costBasis: bigint;
  realizedPnl: bigint;
  feesPaid: bigint;
  totalTraded: bigint;
  volume: number;
  lastUpdatedTs: number;
}

/** A market as the engine knows it. */
export interface SandboxMarketInfo {
  ticker: string;
  status: 'active' | 'closed' | 'settled';
  /** Price grid step in price units (100 = one cent). */
  tick: number;
  fees: KalshiFeeSchedule;
  result?: KalshiSide;
}

/** Engine options. */
export interface MatchingEngineOptions {
  /** Fee schedule of markets added without one. */
  fees?: KalshiFeeSchedule;
  /** Id generator (default: deterministic UUID-shaped counters). */
  newId?: (kind: 'order' | 'trade' | 'fill') => string;
  /** Called when an event listener throws (the engine's state is already consistent). */
  onListenerError?: (error: unknown) => void;
}

interface Order {
  id: string;
  clientOrderId: string;
  userId: string;
  ticker: string;
  side: KalshiBookSide;
  price: number;
  initial: number;
  filled: number;
  remaining: number;
  status: KalshiOrderStatus;
  /** Matching now (pays taker fees), resting on the book, or done. */
  phase: 'taker' | 'resting' | 'done';
  timeInForce: KalshiTimeInForce;
  stp: KalshiSelfTradePrevention;
  postOnly: boolean;
  reduceOnly: boolean;
  expirationTs: number | undefined;
  legacy: { side: KalshiSide; action: 'buy' | 'sell' } | undefined;
  group: Group | undefined;
  createdTs: number;
  updatedTs: number;
  reason: KalshiOrderUpdateReason | undefined;
  /** Exact fees of all fills so far (numerator over FEE_DENOMINATOR). */
  feeExact: bigint;
  /** Fees charged so far = roundFee(feeExact): the per-order accumulator. */
  feesCharged: bigint;
  takerFees: bigint;
  makerFees: bigint;
  takerFillCost: bigint;
  makerFillCost: bigint;
}

interface Group {
  id: string;
  userId: string;
  limit: number;
  triggered: boolean;
  /** Fills of its orders, oldest first (pruned past the window). */
  window: { ts: number; count: number }[];
  orders: Order[];
}

interface Market extends SandboxMarketInfo {
  /** Resting bids by YES price (ascending prices, FIFO queues). */
  yes: Ladder;
  /** Resting asks by NO price = 1 − YES price. */
  no: Ladder;
}

interface Ladder {
  prices: number[];
  queues: Map<number, Order[]>;
}

interface Account {
  userId: string;
  available: bigint;
  deposited: bigint;
  /** Collateral per `${ticker}\u0000${side}`. */
  reserved: Map<string, bigint>;
  /** Live (taker or resting) orders per `${ticker}\u0000${side}`. */
  live: Map<string, Set<Order>>;
  positions: Map<string, SandboxPosition>;
  orders: Order[];
  fills: SandboxFill[];
  clientOrderIds: Set<string>;
}

type Refusal = { ok: false; error: EngineError };
const refuse = (status: EngineError['status'], code: string, message: string): Refusal => ({ ok: false, error: { status, code, message } });
const key = (ticker: string, side: KalshiBookSide): string => `${ticker}\u0000${side}`;
/** Price units one count unit of `side` costs at YES price `price` (= µ$ per count unit). */
const unitCost = (side: KalshiBookSide, price: number): number => (side === 'bid' ? price : PRICE_SCALE - price);
const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The engine. Every mutating call takes `now` (epoch ms; the engine never reads a clock and
 * never lets its time run backwards), first cancels orders whose expiry has passed, and emits
 * its events synchronously, in order, before it returns.
 */
export class KalshiMatchingEngine implements SandboxMarketFeed {
  readonly #markets = new Map<string, Market>();
  readonly #accounts = new Map<string, Account>();
  readonly #orders = new Map<string, Order>();
  readonly #trades: SandboxTrade[] = [];
  readonly #groups = new Map<string, Group>();
  /** Resting orders with an expiry. */
  readonly #expiring = new Set<Order>();
  readonly #listeners = new Set<(event: SandboxMarketEvent) => void>();
  readonly #pending: SandboxMarketEvent[] = [];
  readonly #options: MatchingEngineOptions;
  readonly #fees: KalshiFeeSchedule;
  #clock = 0;
  #counter = 0;
  #feesCollected = 0n;
  #emitting = false;

  constructor(options: MatchingEngineOptions = {}) {
    this.#options = options;
    this.#fees = options.fees ?? DEFAULT_FEE_SCHEDULE;
  }

  // ---------- setup ----------

  /** Add an active market (emits `created` and `activated`). `tick` is the price grid (default one cent). */
  addMarket(spec: { ticker: string; tick?: number; fees?: KalshiFeeSchedule }, now: number): SandboxMarketInfo {
    if (this.#markets.has(spec.ticker)) throw new Error(`market ${spec.ticker} exists`);
    const tick = spec.tick ?? 100;
    if (!Number.isSafeInteger(tick) || tick < 1 || PRICE_SCALE % tick !== 0) throw new RangeError('tick must divide 10000');
    const market: Market = {
      ticker: spec.ticker, status: 'active', tick, fees: spec.fees ?? this.#fees,
      yes: { prices: [], queues: new Map() }, no: { prices: [], queues: new Map() },
    };
    this.#markets.set(spec.ticker, market);
    const ts = this.#time(now);
    this.#emit({ type: 'lifecycle', ticker: spec.ticker, event: 'created', ts });
    this.#emit({ type: 'lifecycle', ticker: spec.ticker, event: 'activated', ts });
    this.#flush();
    return this.market(spec.ticker)!;
  }

  /** Create a user with a cash balance (µ$), or add the cash to an existing user's. */
  deposit(userId: string, micros: bigint): SandboxAccount {
    if (micros < 0n) throw new RangeError('a deposit cannot be negative');
    const account = this.#account(userId);
    account.available += micros;
    account.deposited += micros;
    return this.account(userId)!;
  }

  /**
   * Execute a negotiated trade off the book (an RFQ quote or a block-trade proposal): `buyer`
   * buys `count` YES contracts at the YES `price` from `seller`, who takes the NO side at
   * 1 − price. Neither order ever rests: each party gets one fill-or-kill order, executed in
   * full at once, so its fill, position, cash, fee (the `maker` party pays the maker rate, the
   * other the taker rate), the public trade and every stream event come from the same
   * bookkeeping as a trade on the book. Refused, with nothing changed, when the market is not
   * open, the price is off its grid, the parties are the same, or either cannot pay.
   */
  executeBlockTrade(
    input: { ticker: string; buyer: string; seller: string; price: number; count: number; maker: 'buyer' | 'seller' },
    now: number,
  ): { ok: true; buyerOrder: SandboxOrderView; sellerOrder: SandboxOrderView; trade: SandboxTrade; fills: SandboxFill[] } | { ok: false; error: EngineError } {
    const ts = this.#time(now);
    this.#expire(ts);
    const market = this.#markets.get(input.ticker);
    if (!market) return refuse(404, 'not_found', 'market not found');
    if (market.status !== 'active') return refuse(400, 'market_closed', 'market is not open for trading');
    const badPrice = this.#badPrice(market, input.price);
    if (badPrice) return badPrice;
    if (!Number.isSafeInteger(input.count) || input.count <= 0) return refuse(400, 'invalid_order_size', 'count must be a positive multiple of 0.01');
    if (input.buyer === input.seller) return refuse(400, 'invalid_order', 'a trade needs two different parties');
    const legs = [
      { userId: input.buyer, side: 'bid' as const, isTaker: input.maker !== 'buyer' },
      { userId: input.seller, side: 'ask' as const, isTaker: input.maker === 'buyer' },
    ];
    for (const leg of legs) {
      const account = this.#account(leg.userId);
      const fee = roundFee(feeNumerator(leg.isTaker ? market.fees.takerPpm : market.fees.makerPpm, input.count, input.price), market.fees.roundingMicros);
      const cost = BigInt(unitCost(leg.side, input.price)) * BigInt(input.count);
      // A close returns $1 a pair at once, unless live orders on this side leaned on the closed
      // holding for their collateral: then they take (less than) that dollar back, so count nothing.
      const closes = Math.min(input.count, this.#closable(account, market.ticker, leg.side));
      const leaning = (account.live.get(key(market.ticker, leg.side))?.size ?? 0) > 0;
      const need = cost + fee - (leaning ? 0n : BigInt(closes) * PAYOUT_PER_UNIT);
      if (need > account.available) return refuse(400, 'available_balance_too_low', 'available balance too low');
    }
    const orders = legs.map((leg) => {
      const account = this.#account(leg.userId);
      const clientOrderId = this.#newId('order');
      const order: Order = {
        id: this.#newId('order'), clientOrderId, userId: leg.userId, ticker: market.ticker, side: leg.side, price: input.price,
        initial: input.count, filled: 0, remaining: input.count, status: 'resting', phase: 'taker',
        timeInForce: 'fill_or_kill', stp: 'taker_at_cross', postOnly: false, reduceOnly: false,
        expirationTs: undefined, legacy: undefined, createdTs: ts, updatedTs: ts, reason: undefined,
        feeExact: 0n, feesCharged: 0n, takerFees: 0n, makerFees: 0n, takerFillCost: 0n, makerFillCost: 0n, group: undefined,
      };
      account.clientOrderIds.add(clientOrderId);
      account.orders.push(order);
      this.#orders.set(order.id, order);
      return order;
    });
    const [buyerOrder, sellerOrder] = orders as [Order, Order];
    const taker = legs[0]!.isTaker ? buyerOrder : sellerOrder;
    const tradeId = this.#newId('trade');
    const trade: SandboxTrade = {
      type: 'trade', tradeId, ticker: market.ticker, yesPrice: formatPrice(input.price), noPrice: formatPrice(PRICE_SCALE - input.price),
      count: formatCount(input.count), takerSide: taker.side === 'bid' ? 'yes' : 'no', takerBookSide: taker.side, ts, blockTrade: true,
    };
    this.#trades.push(trade);
    this.#emit(trade);
    const fills = orders.map((order, i) => this.#settleFill(market, order, input.count, input.price, legs[i]!.isTaker, tradeId, ts));
    for (const order of orders) {
      order.reason = 'Trade';
      this.#finish(order, ts);
      const account = this.#accounts.get(order.userId)!;
      this.#syncCollateral(account, market.ticker, 'bid');
      this.#syncCollateral(account, market.ticker, 'ask');
    }
    for (const fill of fills) this.#emit(fill);
    for (const order of orders) {
      this.#emitPosition(order.userId, this.#accounts.get(order.userId)!.positions.get(market.ticker)!, ts);
      this.#emit({ type: 'order', userId: order.userId, order: this.#view(order), ts });
    }
    this.#flush();
    return { ok: true, buyerOrder: this.#view(buyerOrder), sellerOrder: this.#view(sellerOrder), trade, fills };
  }

  // ---------- orders ----------

  /** Place an order (CreateOrderV2). */
  placeOrder(input: PlaceOrderInput, now: number): OrderResult {
    const ts = this.#time(now);
    this.#expire(ts);
    const result = this.#place(input, ts);
    this.#flush();
    return result;
  }

  /** Cancel what rests of an order (CancelOrderV2). A done order answers with `reducedBy` 0. */
  cancelOrder(userId: string, orderId: string, now: number): OrderResult {
    const ts = this.#time(now);
    this.#expire(ts);
    const order = this.#orders.get(orderId);
    if (!order || order.userId !== userId) return refuse(404, 'not_found', 'order not found');
    const reduced = order.phase === 'resting' ? order.remaining : 0;
    if (reduced > 0) this.#reduce(order, reduced, ts, undefined, { userId, clientOrderId: order.clientOrderId });
    this.#flush();
    return { ok: true, order: this.#view(order), fills: [], reducedBy: reduced };
  }

  /** Cancel every resting order of a user (optionally in one market); returns what was cancelled. */
  cancelAll(userId: string, now: number, ticker?: string): { orderId: string; reducedBy: number }[] {
    const ts = this.#time(now);
    this.#expire(ts);
    const done: { orderId: string; reducedBy: number }[] = [];
    for (const order of this.#accounts.get(userId)?.orders ?? []) {
      if (order.phase !== 'resting' || (ticker !== undefined && order.ticker !== ticker)) continue;
      done.push({ orderId: order.id, reducedBy: order.remaining });
      this.#reduce(order, order.remaining, ts, undefined, { userId, clientOrderId: order.clientOrderId });
    }
    this.#flush();
    return done;
  }

  /** Take contracts off a resting order, keeping its queue place (DecreaseOrderV2): exactly one of reduceBy / reduceTo. */
  decreaseOrder(userId: string, orderId: string, change: { reduceBy?: number; reduceTo?: number }, now: number): OrderResult {
    const ts = this.#time(now);
    this.#expire(ts);
    const result = this.#decrease(userId, orderId, change, ts);
    this.#flush();
    return result;
  }

  /**
   * Change an order's price, total count (= filled + wanted remaining) and/or expiry
   * (AmendOrderV2). Lowering the count or changing only the expiry keeps the queue place; a new
   * price or a larger count goes to the back of the (new) level, and a price that crosses trades
   * at once as a taker. `expirationTs`: undefined keeps it, null removes it.
   */
  amendOrder(userId: string, orderId: string, change: { ticker?: string; side?: KalshiBookSide; price: number; count: number; updatedClientOrderId?: string; expirationTs?: number | null }, now: number): OrderResult {
    const ts = this.#time(now);
    this.#expire(ts);
    const result = this.#amend(userId, orderId, change, ts);
    this.#flush();
    return result;
  }

  // ---------- order groups ----------

  /**
   * A new order group of a user: orders placed with its id count their matched contracts
   * toward `limit` (count units) over a rolling 15 s window. A fill is capped at what the limit
   * leaves, so the group never matches past it; when the count reaches the limit every live
   * order of the group is cancelled and new ones are refused until `resetOrderGroup`.
   */
  createOrderGroup(userId: string, limit: number, now: number): SandboxOrderGroup | { ok: false; error: EngineError } {
    const ts = this.#time(now);
    if (!Number.isSafeInteger(limit) || limit <= 0) return refuse(400, 'invalid_parameters', 'contracts_limit must be above 0');
    this.#account(userId);
    this.#counter += 1;
    const group: Group = { id: `00000000-0000-4000-b000-${this.#counter.toString(16).padStart(12, '0')}`, userId, limit, triggered: false, window: [], orders: [] };
    this.#groups.set(group.id, group);
    this.#emitGroup(group, 'created', ts);
    this.#flush();
    return this.#groupView(group, ts);
  }

  /** One of a user's order groups, or undefined. */
  orderGroup(userId: string, groupId: string): SandboxOrderGroup | undefined {
    const group = this.#groups.get(groupId);
    return group && group.userId === userId ? this.#groupView(group, this.#clock) : undefined;
  }

  /** A user's order groups, oldest first. */
  orderGroups(userId: string): SandboxOrderGroup[] {
    return [...this.#groups.values()].filter((g) => g.userId === userId).map((g) => this.#groupView(g, this.#clock));
  }

  /** Cancel the group's resting orders and refuse new ones until a reset (TriggerOrderGroup). */
  triggerOrderGroup(userId: string, groupId: string, now: number): SandboxOrderGroup | { ok: false; error: EngineError } {
    return this.#onGroup(userId, groupId, now, (group, ts) => this.#trigger(group, ts));
  }

  /** Zero the group's matched count and let it take orders again (ResetOrderGroup). */
  resetOrderGroup(userId: string, groupId: string, now: number): SandboxOrderGroup | { ok: false; error: EngineError } {
    return this.#onGroup(userId, groupId, now, (group, ts) => {
      group.window = [];
      group.triggered = false;
      this.#emitGroup(group, 'reset', ts);
    });
  }

  /** Set the group's limit; a limit its window has already reached triggers it at once (UpdateOrderGroupLimit). */
  updateOrderGroupLimit(userId: string, groupId: string, limit: number, now: number): SandboxOrderGroup | { ok: false; error: EngineError } {
    if (!Number.isSafeInteger(limit) || limit <= 0) return refuse(400, 'invalid_parameters', 'contracts_limit must be above 0');
    return this.#onGroup(userId, groupId, now, (group, ts) => {
      group.limit = limit;
      this.#emitGroup(group, 'limit_updated', ts);
      this.#checkGroup(group, ts);
    });
  }

  /** Cancel the group's resting orders and remove it (DeleteOrderGroup); its id is unknown afterwards. */
  deleteOrderGroup(userId: string, groupId: string, now: number): SandboxOrderGroup | { ok: false; error: EngineError } {
    return this.#onGroup(userId, groupId, now, (group, ts) => {
      this.#cancelGroupOrders(group, ts);
      this.#groups.delete(group.id);
      this.#emitGroup(group, 'deleted', ts);
    });
  }

  /** Cancel every order whose expiry is at or before `now`. */
  expire(now: number): void {
    this.#expire(this.#time(now));
    this.#flush();
  }

  /** Stop trading a market: cancels its resting orders (CloseCancel), emits `deactivated`. */
  closeMarket(ticker: string, now: number): void {
    const market = this.#market(ticker);
    const ts = this.#time(now);
    this.#expire(ts);
    if (market.status !== 'active') return;
    this.#cancelBook(market, ts);
    market.status = 'closed';
    this.#emit({ type: 'lifecycle', ticker, event: 'deactivated', ts });
    this.#flush();
  }

  /** Determine and settle a market: every winning contract pays $1, positions go to zero. */
  settleMarket(ticker: string, result: KalshiSide, now: number): void {
    const market = this.#market(ticker);
    const ts = this.#time(now);
    this.#expire(ts);
    if (market.status === 'settled') return;
    if (market.status === 'active') {
      this.#cancelBook(market, ts);
      this.#emit({ type: 'lifecycle', ticker, event: 'deactivated', ts });
    }
    market.status = 'settled';
    market.result = result;
    this.#emit({ type: 'lifecycle', ticker, event: 'determined', result, ts });
    for (const account of this.#accounts.values()) {
      const position = account.positions.get(ticker);
      if (!position || position.position === 0) continue;
      const wins = (position.position > 0) === (result === 'yes');
      const payout = wins ? BigInt(Math.abs(position.position)) * PAYOUT_PER_UNIT : 0n;
      account.available += payout;
      position.realizedPnl += payout - position.costBasis;
      position.costBasis = 0n;
      position.position = 0;
      position.lastUpdatedTs = ts;
      this.#emitPosition(account.userId, position, ts);
    }
    this.#emit({ type: 'lifecycle', ticker, event: 'settled', result, ts });
    this.#flush();
  }

  /**
   * Move free cash (µ$) from one account to another (created when new), or refuse without a
   * change: a non-positive amount, the same account, or more than `from`'s free cash (cash
   * held for live orders cannot move). Nothing is deposited: the sum over accounts stays.
   */
  transferCash(fromAccountId: string, toAccountId: string, micros: bigint): { ok: true; from: SandboxAccount; to: SandboxAccount } | { ok: false; reason: 'non_positive' | 'same_account' | 'insufficient_funds' } {
    if (micros <= 0n) return { ok: false, reason: 'non_positive' };
    if (fromAccountId === toAccountId) return { ok: false, reason: 'same_account' };
    const from = this.#accounts.get(fromAccountId);
    if (!from || from.available < micros) return { ok: false, reason: 'insufficient_funds' };
    from.available -= micros;
    this.#account(toAccountId).available += micros;
    return { ok: true, from: this.account(fromAccountId)!, to: this.account(toAccountId)! };
  }

  // ---------- reads ----------

  /** Current YES bids and NO bids of one market, price → resting count (exact strings), best first. */
  book(ticker: string): { yes: [string, string][]; no: [string, string][] } | undefined {
    const depth = this.depth(ticker);
    if (!depth) return undefined;
    const text = (levels: [number, number][]): [string, string][] => levels.map(([p, c]) => [formatPrice(p), formatCount(c)]);
    return { yes: text(depth.yes), no: text(depth.no) };
  }

  /** The book in units, best first: YES bids by YES price, NO bids by NO price. */
  depth(ticker: string): { yes: [price: number, count: number][]; no: [price: number, count: number][] } | undefined {
    const market = this.#markets.get(ticker);
    if (!market) return undefined;
    const levels = (ladder: Ladder): [number, number][] => [...ladder.prices].reverse().map((p) => [p, (ladder.queues.get(p) ?? []).reduce((s, o) => s + o.remaining, 0)]);
    return { yes: levels(market.yes), no: levels(market.no) };
  }

  /** Every market's ticker, in the order they were added. */
  tickers(): string[] {
    return [...this.#markets.keys()];
  }

  /** Every event after it happens, in order (delivered when the call that caused it has finished). Returns an unsubscribe function. */
  onEvent(listener: (event: SandboxMarketEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A market's settings and status. */
  market(ticker: string): SandboxMarketInfo | undefined {
    const m = this.#markets.get(ticker);
    return m && { ticker: m.ticker, status: m.status, tick: m.tick, fees: m.fees, ...(m.result ? { result: m.result } : {}) };
  }

  /** A user's cash, or undefined for an unknown user. */
  account(userId: string): SandboxAccount | undefined {
    const a = this.#accounts.get(userId);
    if (!a) return undefined;
    let reserved = 0n;
    for (const amount of a.reserved.values()) reserved += amount;
    return { userId, available: a.available, reserved, deposited: a.deposited };
  }

  /** Every user id, in the order they were created. */
  users(): string[] {
    return [...this.#accounts.keys()];
  }

  /** One order (any user's), or undefined. */
  order(orderId: string): SandboxOrderView | undefined {
    const order = this.#orders.get(orderId);
    return order && this.#view(order);
  }

  /** A user's orders, oldest first, optionally filtered. */
  orders(userId: string, filter: { ticker?: string; status?: KalshiOrderStatus } = {}): SandboxOrderView[] {
    return (this.#accounts.get(userId)?.orders ?? [])
      .filter((o) => (filter.ticker === undefined || o.ticker === filter.ticker) && (filter.status === undefined || o.status === filter.status))
      .map((o) => this.#view(o));
  }

  /** The order of a user with this client_order_id, if any. */
  orderByClientId(userId: string, clientOrderId: string): SandboxOrderView | undefined {
    const order = this.#accounts.get(userId)?.orders.find((o) => o.clientOrderId === clientOrderId);
    return order && this.#view(order);
  }

  /** A user's fills, oldest first. */
  fills(userId: string, filter: { ticker?: string; orderId?: string } = {}): SandboxFill[] {
    return (this.#accounts.get(userId)?.fills ?? []).filter((f) => (filter.ticker === undefined || f.ticker === filter.ticker) && (filter.orderId === undefined || f.orderId === filter.orderId));
  }

  /** Public trades, oldest first. */
  trades(ticker?: string): SandboxTrade[] {
    return this.#trades.filter((t) => ticker === undefined || t.ticker === ticker);
  }

  /** A user's positions with any history (a settled or flat one stays, at zero). */
  positions(userId: string): SandboxPosition[] {
    return [...(this.#accounts.get(userId)?.positions.values() ?? [])].map((p) => ({ ...p }));
  }

  /** Contracts ahead of a resting order at its level (count units); undefined when it does not rest. */
  queuePosition(orderId: string): number | undefined {
    const order = this.#orders.get(orderId);
    if (!order || order.phase !== 'resting') return undefined;
    let ahead = 0;
    for (const other of this.#queue(order)) {
      if (other === order) return ahead;
      ahead += other.remaining;
    }
    return undefined;
  }

  /** Queue positions of a user's resting orders (GetOrderQueuePositions), optionally in one market. */
  queuePositions(userId: string, ticker?: string): { orderId: string; ticker: string; queuePosition: number }[] {
    return (this.#accounts.get(userId)?.orders ?? [])
      .filter((o) => o.phase === 'resting' && (ticker === undefined || o.ticker === ticker))
      .map((o) => ({ orderId: o.id, ticker: o.ticker, queuePosition: this.queuePosition(o.id) ?? 0 }));
  }

  /** Every fee charged so far, µ$. */
  feesCollected(): bigint {
    return this.#feesCollected;
  }

  // ---------- placing ----------

  #place(input: PlaceOrderInput, ts: number): OrderResult {
    const market = this.#markets.get(input.ticker);
    if (!market) return refuse(404, 'not_found', 'market not found');
    if (market.status !== 'active') return refuse(400, 'market_closed', 'market is not open for trading');
    if (input.side !== 'bid' && input.side !== 'ask') return refuse(400, 'invalid_order', 'side must be bid or ask');
    if (!['fill_or_kill', 'good_till_canceled', 'immediate_or_cancel'].includes(input.timeInForce)) return refuse(400, 'invalid_order', 'time_in_force must be fill_or_kill, good_till_canceled or immediate_or_cancel');
    if (input.selfTradePrevention !== 'taker_at_cross' && input.selfTradePrevention !== 'maker') return refuse(400, 'invalid_order', 'self_trade_prevention_type must be taker_at_cross or maker');
    const badPrice = this.#badPrice(market, input.price);
    if (badPrice) return badPrice;
    if (!Number.isSafeInteger(input.count) || input.count <= 0) return refuse(400, 'invalid_order_size', 'count must be a positive multiple of 0.01');
    if (input.expirationTs !== undefined) {
      if (input.timeInForce === 'immediate_or_cancel') return refuse(400, 'invalid_order', 'immediate_or_cancel cannot be combined with expiration_time');
      if (!Number.isSafeInteger(input.expirationTs) || input.expirationTs <= ts) return refuse(400, 'invalid_order', 'expiration_time must be in the future');
    }
    if (input.reduceOnly && input.timeInForce !== 'immediate_or_cancel') return refuse(400, 'invalid_order', 'reduce_only orders must be immediate_or_cancel');
    const account = this.#account(input.userId);
    const clientOrderId = input.clientOrderId ?? this.#newId('order');
    if (account.clientOrderIds.has(clientOrderId)) return refuse(409, 'order_already_exists', 'Order with this client_order_id already exists');
    let group: Group | undefined;
    if (input.orderGroupId !== undefined) {
      group = this.#groups.get(input.orderGroupId);
      if (!group || group.userId !== input.userId) return refuse(400, 'order_group_not_found', 'order_group_id is not an order group of yours');
      if (group.triggered) return refuse(400, 'order_group_triggered', 'the order group has hit its contracts limit (or was triggered); reset it before placing orders in it');
    }

    const order: Order = {
      id: this.#newId('order'), clientOrderId, userId: input.userId, ticker: market.ticker, side: input.side, price: input.price,
      initial: input.count, filled: 0, remaining: input.count, status: 'resting', phase: 'taker',
      timeInForce: input.timeInForce, stp: input.selfTradePrevention, postOnly: input.postOnly === true, reduceOnly: input.reduceOnly === true,
      expirationTs: input.expirationTs, legacy: input.legacy, group, createdTs: ts, updatedTs: ts, reason: undefined,
      feeExact: 0n, feesCharged: 0n, takerFees: 0n, makerFees: 0n, takerFillCost: 0n, makerFillCost: 0n,
    };
    if (order.reduceOnly) {
      // Capped by what the user holds on the other leg (OpenAPI: "capped by the member's current position").
      const closable = this.#closable(account, market.ticker, order.side);
      if (closable < order.remaining) {
        order.remaining = closable;
        order.reason = 'ReduceOnlyCancel';
      }
    }
    const live = this.#liveSet(account, market.ticker, order.side);
    live.add(order);
    if (this.#requirement(account, market.ticker, order.side) - this.#reservedAt(account, market.ticker, order.side) > account.available) {
      live.delete(order);
      return refuse(400, 'available_balance_too_low', 'available balance too low');
    }
    account.clientOrderIds.add(clientOrderId);
    account.orders.push(order);
    group?.orders.push(order);
    this.#orders.set(order.id, order);
    this.#syncCollateral(account, market.ticker, order.side);

    const fills: SandboxFill[] = [];
    let stop: KalshiOrderUpdateReason | undefined;
    let killed = order.remaining === 0;
    if (!killed) {
      if (order.postOnly && this.#crosses(market, order)) stop = 'PostOnlyCrossCancel';
      else if (order.timeInForce === 'fill_or_kill' && this.#fillable(market, order) < order.remaining) killed = true;
      else stop = this.#match(market, order, ts, fills);
    }
    // An order whose own group hit its limit while it matched stops there (its rest is cancelled).
    if (!killed && stop === undefined && order.remaining > 0 && order.timeInForce === 'good_till_canceled' && !order.group?.triggered) {
      this.#rest(market, order, ts);
    } else {
      if (stop !== undefined) order.reason = stop;
      this.#finish(order, ts);
    }
    this.#syncCollateral(account, market.ticker, order.side);
    this.#emit({ type: 'order', userId: order.userId, order: this.#view(order), ts });
    return this.#answer(order, fills, 0);
  }

  #badPrice(market: Market, price: number): Refusal | undefined {
    if (!Number.isSafeInteger(price) || price <= 0 || price >= PRICE_SCALE || price % market.tick !== 0) {
      return refuse(400, 'invalid_order', `price must be between 0 and 1 on the market's ${formatPrice(market.tick)} grid`);
    }
    return undefined;
  }

  /** Whether an order would trade with the best level on the other ladder right now. */
  #crosses(market: Market, order: Order): boolean {
    const best = this.#opposite(market, order.side).prices.at(-1);
    return best !== undefined && this.#priceCrosses(order, best);
  }

  /** Whether `order` trades with an opposite level at `levelPrice` (in that ladder's leg). */
  #priceCrosses(order: Order, levelPrice: number): boolean {
    // A YES bid at p meets a NO bid at q when p + q ≥ 1; an ask (YES price p) meets a YES bid at b ≥ p.
    return order.side === 'bid' ? order.price + levelPrice >= PRICE_SCALE : levelPrice >= order.price;
  }

  #opposite(market: Market, side: KalshiBookSide): Ladder {
    return side === 'bid' ? market.no : market.yes;
  }

  /** How much of `order` could trade now, honouring its self-trade prevention (for fill_or_kill). */
  #fillable(market: Market, order: Order): number {
    const ladder = this.#opposite(market, order.side);
    const own = this.#allowance(order, this.#clock);
    // What each makers' group can still match (its limit caps it, then it cancels the rest).
    const left = new Map<Group, number>();
    let total = 0;
    for (let i = ladder.prices.length - 1; i >= 0 && total < order.remaining; i--) {
      const price = ladder.prices[i]!;
      if (!this.#priceCrosses(order, price)) break;
      for (const maker of ladder.queues.get(price) ?? []) {
        if (maker.userId === order.userId) {
          if (order.stp === 'taker_at_cross') return Math.min(total, own);
          continue;
        }
        const group = maker.group;
        const take = group ? Math.min(maker.remaining, left.get(group) ?? this.#allowance(maker, this.#clock)) : maker.remaining;
        if (group) left.set(group, (left.get(group) ?? this.#allowance(maker, this.#clock)) - take);
        total += take;
      }
    }
    return Math.min(total, own);
  }

  /**
   * Match `taker` against the other ladder, best price first, oldest first within a price;
   * each fill at the resting order's price. Returns why it stopped when that ends the order.
   */
  #match(market: Market, taker: Order, ts: number, fills: SandboxFill[]): KalshiOrderUpdateReason | undefined {
    const ladder = this.#opposite(market, taker.side);
    while (taker.remaining > 0 && !taker.group?.triggered) {
      const price = ladder.prices.at(-1);
      if (price === undefined || !this.#priceCrosses(taker, price)) return undefined;
      const maker = ladder.queues.get(price)![0]!;
      if (maker.userId === taker.userId) {
        if (taker.stp === 'taker_at_cross') return 'SelfTradeCancel';
        this.#reduce(maker, maker.remaining, ts, 'SelfTradeCancel', { userId: taker.userId, clientOrderId: taker.clientOrderId });
        continue;
      }
      // A fill never takes a group past its limit: it is capped at what the limit leaves. (A
      // group at its limit has no live orders, so neither cap is 0; if one were, nothing trades.)
      const count = Math.min(taker.remaining, maker.remaining, this.#allowance(taker, ts), this.#allowance(maker, ts));
      if (count <= 0) return undefined;
      this.#fill(market, taker, maker, count, ts, fills);
    }
    return undefined;
  }

  #fill(market: Market, taker: Order, maker: Order, count: number, ts: number, takerFills: SandboxFill[]): void {
    const yesPrice = maker.price;
    const tradeId = this.#newId('trade');
    const trade: SandboxTrade = {
      type: 'trade', tradeId, ticker: market.ticker, yesPrice: formatPrice(yesPrice), noPrice: formatPrice(PRICE_SCALE - yesPrice),
      count: formatCount(count), takerSide: taker.side === 'bid' ? 'yes' : 'no', takerBookSide: taker.side, ts,
    };
    this.#trades.push(trade);
    // The maker's level shrinks first, so a book replay never shows a crossed state.
    this.#levelChange(market, maker, -count, ts, { userId: taker.userId, clientOrderId: taker.clientOrderId });
    this.#emit(trade);
    const takerFill = this.#settleFill(market, taker, count, yesPrice, true, tradeId, ts);
    const makerFill = this.#settleFill(market, maker, count, yesPrice, false, tradeId, ts);
    takerFills.push(takerFill);
    if (maker.remaining === 0) this.#leaveBook(market, maker);
    maker.reason = 'Trade';
    if (maker.remaining === 0) this.#finish(maker, ts);
    this.#syncCollateral(this.#accounts.get(taker.userId)!, market.ticker, 'bid');
    this.#syncCollateral(this.#accounts.get(taker.userId)!, market.ticker, 'ask');
    this.#syncCollateral(this.#accounts.get(maker.userId)!, market.ticker, 'bid');
    this.#syncCollateral(this.#accounts.get(maker.userId)!, market.ticker, 'ask');
    this.#emit(takerFill);
    this.#emit(makerFill);
    for (const order of [taker, maker]) {
      const account = this.#accounts.get(order.userId)!;
      this.#emitPosition(account.userId, account.positions.get(market.ticker)!, ts);
    }
    this.#emit({ type: 'order', userId: maker.userId, order: this.#view(maker), ts });
    // Matched contracts count toward each side's group; one that reaches its limit cancels its orders.
    for (const order of [maker, taker]) {
      if (!order.group) continue;
      order.group.window.push({ ts, count });
      this.#checkGroup(order.group, ts);
    }
  }

  /** Contracts a group's orders matched within the window ending at `ts` (older fills are dropped). */
  #matched(group: Group, ts: number): number {
    while (group.window.length && group.window[0]!.ts <= ts - ORDER_GROUP_WINDOW_MS) group.window.shift();
    return group.window.reduce((sum, f) => sum + f.count, 0);
  }

  /** Contracts an order may still match before its group's limit (unbounded outside a group). */
  #allowance(order: Order, ts: number): number {
    return order.group ? Math.max(0, order.group.limit - this.#matched(order.group, ts)) : Number.MAX_SAFE_INTEGER;
  }

  #checkGroup(group: Group, ts: number): void {
    if (!group.triggered && this.#matched(group, ts) >= group.limit) this.#trigger(group, ts);
  }

  #trigger(group: Group, ts: number): void {
    group.triggered = true;
    this.#cancelGroupOrders(group, ts);
    this.#emitGroup(group, 'triggered', ts);
  }

  /** Cancel what rests of every order of a group (an order still matching stops in `#match`). */
  #cancelGroupOrders(group: Group, ts: number): void {
    for (const order of group.orders) {
      if (order.phase === 'resting' && order.remaining > 0) this.#reduce(order, order.remaining, ts, undefined, { userId: order.userId, clientOrderId: order.clientOrderId });
    }
  }

  #onGroup(userId: string, groupId: string, now: number, change: (group: Group, ts: number) => void): SandboxOrderGroup | { ok: false; error: EngineError } {
    const ts = this.#time(now);
    this.#expire(ts);
    const group = this.#groups.get(groupId);
    if (!group || group.userId !== userId) return refuse(404, 'not_found', 'order group not found');
    change(group, ts);
    this.#flush();
    return this.#groupView(group, ts);
  }

  #groupView(group: Group, ts: number): SandboxOrderGroup {
    return { id: group.id, userId: group.userId, limit: group.limit, triggered: group.triggered, matched: this.#matched(group, ts), orderIds: group.orders.map((o) => o.id) };
  }

  #emitGroup(group: Group, event: 'created' | 'triggered' | 'reset' | 'deleted' | 'limit_updated', ts: number): void {
    this.#emit({ type: 'order_group', userId: group.userId, orderGroupId: group.id, event, contractsLimit: formatCount(group.limit), ts });
  }

  /** One side of a fill: counts, fee, cash, position. */
  #settleFill(market: Market, order: Order, count: number, yesPrice: number, isTaker: boolean, tradeId: string, ts: number): SandboxFill {
    const account = this.#accounts.get(order.userId)!;
    const perUnit = unitCost(order.side, yesPrice);
    const cost = BigInt(perUnit) * BigInt(count);
    order.feeExact += feeNumerator(isTaker ? market.fees.takerPpm : market.fees.makerPpm, count, yesPrice);
    const charged = roundFee(order.feeExact, market.fees.roundingMicros);
    const fee = charged - order.feesCharged;
    order.feesCharged = charged;
    if (isTaker) {
      order.takerFees += fee;
      order.takerFillCost += cost;
    } else {
      order.makerFees += fee;
      order.makerFillCost += cost;
    }
    order.filled += count;
    order.remaining -= count;
    order.updatedTs = ts;
    this.#feesCollected += fee;

    const position = this.#position(account, market.ticker);
    const held = position.position;
    const closes = Math.min(count, order.side === 'bid' ? Math.max(-held, 0) : Math.max(held, 0));
    if (closes > 0) {
      // Average-cost basis: the closed share of the basis leaves with the closed contracts.
      const closedBasis = closes === Math.abs(held) ? position.costBasis : (position.costBasis * BigInt(closes)) / BigInt(Math.abs(held));
      position.costBasis -= closedBasis;
      position.realizedPnl += BigInt(closes) * PAYOUT_PER_UNIT - BigInt(perUnit) * BigInt(closes) - closedBasis;
    }
    position.costBasis += BigInt(perUnit) * BigInt(count - closes);
    position.position += order.side === 'bid' ? count : -count;
    position.feesPaid += fee;
    position.totalTraded += cost;
    position.volume += count;
    position.lastUpdatedTs = ts;
    // The pair a closing fill completes is redeemed for $1 at once.
    account.available += BigInt(closes) * PAYOUT_PER_UNIT - cost - fee;

    const outcome: KalshiSide = order.side === 'bid' ? 'yes' : 'no';
    const fill: SandboxFill = {
      type: 'fill', userId: order.userId, tradeId, fillId: this.#newId('fill'), orderId: order.id, clientOrderId: order.clientOrderId,
      ticker: market.ticker, side: closes > 0 ? (outcome === 'yes' ? 'no' : 'yes') : outcome, action: closes > 0 ? 'sell' : 'buy',
      outcomeSide: outcome, bookSide: order.side, price: formatPrice(perUnit), yesPrice: formatPrice(yesPrice), noPrice: formatPrice(PRICE_SCALE - yesPrice),
      count: formatCount(count), isTaker, fee: formatMicros(fee), postPosition: formatCount(position.position), ts,
    };
    account.fills.push(fill);
    return fill;
  }

  /** Put a taker's remainder on the book, at the back of its level. */
  #rest(market: Market, order: Order, ts: number): void {
    order.phase = 'resting';
    order.status = 'resting';
    const ladder = order.side === 'bid' ? market.yes : market.no;
    const price = this.#ladderPrice(order);
    let queue = ladder.queues.get(price);
    if (!queue) {
      queue = [];
      ladder.queues.set(price, queue);
      insertSorted(ladder.prices, price);
    }
    queue.push(order);
    if (order.expirationTs !== undefined) this.#expiring.add(order);
    this.#emit({
      type: 'book', ticker: market.ticker, side: order.side === 'bid' ? 'yes' : 'no', price: formatPrice(price), delta: formatCount(order.remaining),
      userId: order.userId, clientOrderId: order.clientOrderId, orderId: order.id, ownerUserId: order.userId, ts,
    });
  }

  /** An order's price on its own ladder (NO price for an ask). */
  #ladderPrice(order: Order): number {
    return order.side === 'bid' ? order.price : PRICE_SCALE - order.price;
  }

  #queue(order: Order): Order[] {
    const market = this.#markets.get(order.ticker)!;
    return (order.side === 'bid' ? market.yes : market.no).queues.get(this.#ladderPrice(order)) ?? [];
  }

  /** Emit a book delta for a resting order's size change (the caller changes `remaining`). */
  #levelChange(market: Market, order: Order, delta: number, ts: number, cause: { userId: string; clientOrderId: string } | undefined): void {
    if (delta === 0) return;
    this.#emit({
      type: 'book', ticker: market.ticker, side: order.side === 'bid' ? 'yes' : 'no', price: formatPrice(this.#ladderPrice(order)), delta: formatCount(delta),
      ...(cause ? { userId: cause.userId, clientOrderId: cause.clientOrderId } : {}), orderId: order.id, ownerUserId: order.userId, ts,
    });
  }

  #leaveBook(market: Market, order: Order): void {
    const ladder = order.side === 'bid' ? market.yes : market.no;
    const price = this.#ladderPrice(order);
    const queue = ladder.queues.get(price);
    if (!queue) return;
    const at = queue.indexOf(order);
    if (at >= 0) queue.splice(at, 1);
    if (queue.length === 0) {
      ladder.queues.delete(price);
      ladder.prices.splice(ladder.prices.indexOf(price), 1);
    }
  }

  /** Take `count` off a resting order (cancel, decrease, expiry, self-trade, close). */
  #reduce(order: Order, count: number, ts: number, reason: KalshiOrderUpdateReason | undefined, cause: { userId: string; clientOrderId: string } | undefined): void {
    const market = this.#markets.get(order.ticker)!;
    this.#levelChange(market, order, -count, ts, cause);
    order.remaining -= count;
    order.updatedTs = ts;
    order.reason = reason;
    if (order.remaining === 0) {
      this.#leaveBook(market, order);
      this.#finish(order, ts);
    }
    this.#syncCollateral(this.#accounts.get(order.userId)!, order.ticker, order.side);
    this.#emit({ type: 'order', userId: order.userId, order: this.#view(order), ts });
  }

  /** An order that will not trade again: executed when it filled in full, else canceled. */
  #finish(order: Order, ts: number): void {
    order.remaining = 0;
    order.phase = 'done';
    this.#expiring.delete(order);
    order.status = order.filled === order.initial ? 'executed' : 'canceled';
    order.updatedTs = ts;
    this.#accounts.get(order.userId)!.live.get(key(order.ticker, order.side))?.delete(order);
  }

  #cancelBook(market: Market, ts: number): void {
    for (const ladder of [market.yes, market.no]) {
      for (const price of [...ladder.prices]) {
        for (const order of [...(ladder.queues.get(price) ?? [])]) this.#reduce(order, order.remaining, ts, 'CloseCancel', undefined);
      }
    }
  }

  #expire(ts: number): void {
    for (const order of [...this.#expiring]) {
      if (order.phase !== 'resting' || order.expirationTs === undefined) this.#expiring.delete(order);
      else if (order.expirationTs <= ts) this.#reduce(order, order.remaining, ts, 'ExpiryCancel', undefined);
    }
  }

  // ---------- decrease / amend ----------

  #decrease(userId: string, orderId: string, change: { reduceBy?: number; reduceTo?: number }, ts: number): OrderResult {
    const order = this.#orders.get(orderId);
    if (!order || order.userId !== userId || order.phase !== 'resting') return refuse(404, 'not_found', 'no resting order with this id');
    if ((change.reduceBy === undefined) === (change.reduceTo === undefined)) return refuse(400, 'invalid_parameters', 'exactly one of reduce_by and reduce_to is required');
    const amount = change.reduceBy ?? change.reduceTo!;
    if (!Number.isSafeInteger(amount) || amount < 0) return refuse(400, 'invalid_order_size', 'reduce_by / reduce_to must be a count of at least 0');
    const target = change.reduceTo !== undefined ? change.reduceTo : Math.max(0, order.remaining - amount);
    if (target > order.remaining) return refuse(400, 'invalid_order_size', 'reduce_to cannot exceed the remaining count');
    const reduced = order.remaining - target;
    if (reduced > 0) this.#reduce(order, reduced, ts, 'Decrease', { userId, clientOrderId: order.clientOrderId });
    return this.#answer(order, [], reduced);
  }

  #amend(userId: string, orderId: string, change: { ticker?: string; side?: KalshiBookSide; price: number; count: number; updatedClientOrderId?: string; expirationTs?: number | null }, ts: number): OrderResult {
    const order = this.#orders.get(orderId);
    if (!order || order.userId !== userId || order.phase !== 'resting') return refuse(404, 'not_found', 'no resting order with this id');
    if (change.ticker !== undefined && change.ticker !== order.ticker) return refuse(400, 'order_ticker_mismatch', 'ticker does not match the order');
    if (change.side !== undefined && change.side !== order.side) return refuse(400, 'order_side_mismatch', 'side does not match the order');
    const market = this.#markets.get(order.ticker)!;
    const badPrice = this.#badPrice(market, change.price);
    if (badPrice) return badPrice;
    if (!Number.isSafeInteger(change.count) || change.count <= order.filled) return refuse(400, 'invalid_order_size', 'count (filled + remaining) must exceed the filled count');
    if (change.expirationTs !== undefined && change.expirationTs !== null && (!Number.isSafeInteger(change.expirationTs) || change.expirationTs <= ts)) {
      return refuse(400, 'invalid_order', 'a nonzero expiration_time must be in the future');
    }
    const account = this.#accounts.get(userId)!;
    const newClientId = change.updatedClientOrderId;
    if (newClientId !== undefined && newClientId !== order.clientOrderId && account.clientOrderIds.has(newClientId)) {
      return refuse(409, 'order_already_exists', 'Order with this client_order_id already exists');
    }
    const remaining = change.count - order.filled;
    const repriced = change.price !== order.price;
    const keepsPlace = !repriced && remaining <= order.remaining;
    const probe = { ...order, price: change.price, remaining };
    const crosses = repriced && this.#crosses(market, probe);
    if (crosses && order.postOnly) return refuse(400, 'invalid_order', 'post_only order would take liquidity at the new price');
    if (!keepsPlace) {
      // Affordability of the amended order, as a taker if it now crosses.
      const before = { price: order.price, remaining: order.remaining, phase: order.phase };
      Object.assign(order, { price: change.price, remaining, phase: crosses ? 'taker' : 'resting' });
      const short = this.#requirement(account, order.ticker, order.side) - this.#reservedAt(account, order.ticker, order.side) > account.available;
      Object.assign(order, before);
      if (short) return refuse(400, 'available_balance_too_low', 'available balance too low');
    }
    if (newClientId !== undefined && newClientId !== order.clientOrderId) {
      account.clientOrderIds.add(newClientId);
      order.clientOrderId = newClientId;
    }
    if (change.expirationTs !== undefined) order.expirationTs = change.expirationTs ?? undefined;
    if (order.expirationTs !== undefined) this.#expiring.add(order);
    order.updatedTs = ts;
    order.reason = 'Amend';
    order.initial = change.count;
    const cause = { userId, clientOrderId: order.clientOrderId };
    const fills: SandboxFill[] = [];
    if (keepsPlace) {
      this.#levelChange(market, order, remaining - order.remaining, ts, cause);
      order.remaining = remaining;
    } else {
      this.#levelChange(market, order, -order.remaining, ts, cause);
      this.#leaveBook(market, order);
      order.price = change.price;
      order.remaining = remaining;
      order.phase = 'taker';
      const stop = crosses ? this.#match(market, order, ts, fills) : undefined;
      if (order.remaining > 0 && stop === undefined && !order.group?.triggered) {
        this.#rest(market, order, ts);
      } else {
        if (stop !== undefined) order.reason = stop;
        this.#finish(order, ts);
      }
    }
    this.#syncCollateral(account, order.ticker, order.side);
    this.#emit({ type: 'order', userId, order: this.#view(order), ts });
    return this.#answer(order, fills, 0);
  }

  // ---------- collateral ----------

  /**
   * Cash a user's live orders on one side of one market must have set aside so that no
   * sequence of fills can take their cash below zero:
   *   Σ fees still to be charged (at the maker rate and own price for a resting order; at the
   *     taker rate and the worst price P(1−P) it may meet for a taker)
   * + Σ price × remaining
   * − the price of the dearest contracts the user can close instead of open (holdings on the
   *   other leg: each close costs its price and returns $1 at once, so needs no cash).
   * A fill never needs more than this: the fee part telescopes (the per-order accumulator), and
   * removing x filled contracts lowers the covered part by at most x × price < x × $1, which is
   * what the closes of that fill return.
   */
  #requirement(account: Account, ticker: string, side: KalshiBookSide): bigint {
    const market = this.#markets.get(ticker)!;
    const live = [...(account.live.get(key(ticker, side)) ?? [])].filter((o) => o.remaining > 0);
    let total = 0n;
    for (const order of live) total += this.#feeReserve(market, order) + BigInt(unitCost(side, order.price)) * BigInt(order.remaining);
    let cover = this.#closable(account, ticker, side);
    live.sort((a, b) => unitCost(side, b.price) - unitCost(side, a.price));
    for (const order of live) {
      if (cover <= 0) break;
      const covered = Math.min(cover, order.remaining);
      total -= BigInt(unitCost(side, order.price)) * BigInt(covered);
      cover -= covered;
    }
    return total;
  }

  #feeReserve(market: Market, order: Order): bigint {
    const fees = market.fees;
    let exact: bigint;
    if (order.phase === 'taker' && this.#crosses(market, order)) {
      // A taker may fill at any better price; P(1−P) peaks at 0.50. One that crosses nothing
      // will only ever be a maker, so it reserves maker fees.
      const own = unitCost(order.side, order.price);
      const worst = Math.min(own, PRICE_SCALE / 2);
      exact = feeNumerator(Math.max(fees.takerPpm, fees.makerPpm), order.remaining, worst);
    } else {
      exact = feeNumerator(fees.makerPpm, order.remaining, order.price);
    }
    return roundFee(order.feeExact + exact, fees.roundingMicros) - order.feesCharged;
  }

  /** Contracts on the other leg that fills on `side` would close. */
  #closable(account: Account, ticker: string, side: KalshiBookSide): number {
    const held = account.positions.get(ticker)?.position ?? 0;
    return side === 'bid' ? Math.max(-held, 0) : Math.max(held, 0);
  }

  #reservedAt(account: Account, ticker: string, side: KalshiBookSide): bigint {
    return account.reserved.get(key(ticker, side)) ?? 0n;
  }

  /** Move cash between free and reserved so the reservation equals the requirement. */
  #syncCollateral(account: Account, ticker: string, side: KalshiBookSide): void {
    const want = this.#requirement(account, ticker, side);
    const have = this.#reservedAt(account, ticker, side);
    account.available += have - want;
    if (want === 0n) account.reserved.delete(key(ticker, side));
    else account.reserved.set(key(ticker, side), want);
  }

  // ---------- plumbing ----------

  #account(userId: string): Account {
    let account = this.#accounts.get(userId);
    if (!account) {
      account = { userId, available: 0n, deposited: 0n, reserved: new Map(), live: new Map(), positions: new Map(), orders: [], fills: [], clientOrderIds: new Set() };
      this.#accounts.set(userId, account);
    }
    return account;
  }

  #liveSet(account: Account, ticker: string, side: KalshiBookSide): Set<Order> {
    const k = key(ticker, side);
    let set = account.live.get(k);
    if (!set) {
      set = new Set();
      account.live.set(k, set);
    }
    return set;
  }

  #position(account: Account, ticker: string): SandboxPosition {
    let position = account.positions.get(ticker);
    if (!position) {
      position = { ticker, position: 0, costBasis: 0n, realizedPnl: 0n, feesPaid: 0n, totalTraded: 0n, volume: 0, lastUpdatedTs: this.#clock };
      account.positions.set(ticker, position);
    }
    return position;
  }

  #market(ticker: string): Market {
    const market = this.#markets.get(ticker);
    if (!market) throw new Error(`no market ${ticker}`);
    return market;
  }

  #time(now: number): number {
    if (!Number.isFinite(now)) throw new RangeError('now must be a number of epoch milliseconds');
    this.#clock = Math.max(this.#clock, Math.floor(now));
    return this.#clock;
  }

  #newId(kind: 'order' | 'trade' | 'fill'): string {
    if (this.#options.newId) return this.#options.newId(kind);
    this.#counter += 1;
    const variant = { order: '8', trade: '9', fill: 'a' }[kind];
    return `00000000-0000-4000-${variant}000-${this.#counter.toString(16).padStart(12, '0')}`;
  }

  #answer(order: Order, fills: SandboxFill[], reducedBy: number): OrderResult {
    const result: OrderResult = { ok: true, order: this.#view(order), fills, reducedBy };
    const count = fills.reduce((s, f) => s + parseCount(f.count)!, 0);
    if (count > 0) {
      let notional = 0n;
      let fees = 0n;
      for (const f of fills) {
        notional += BigInt(parsePrice(f.yesPrice)!) * BigInt(parseCount(f.count)!);
        fees += dollarsToMicros(f.fee);
      }
      // Averages per contract, rounded to the nearest 1/1 000 000 dollar.
      result.averageFillPrice = formatMicros((notional * 100n + BigInt(count) / 2n) / BigInt(count));
      result.averageFeePaid = formatMicros((fees * 100n + BigInt(count) / 2n) / BigInt(count));
    }
    return result;
  }

  #view(o: Order): SandboxOrderView {
    const queue = o.phase === 'resting' ? this.queuePosition(o.id) : undefined;
    const outcome: KalshiSide = o.side === 'bid' ? 'yes' : 'no';
    return {
      order_id: o.id, client_order_id: o.clientOrderId, user_id: o.userId, ticker: o.ticker,
      outcome_side: outcome, book_side: o.side,
      side: o.legacy?.side ?? 'yes', action: o.legacy?.action ?? (o.side === 'bid' ? 'buy' : 'sell'), type: 'limit', status: o.status,
      yes_price_dollars: formatPrice(o.price), no_price_dollars: formatPrice(PRICE_SCALE - o.price),
      fill_count_fp: formatCount(o.filled), remaining_count_fp: formatCount(o.remaining), initial_count_fp: formatCount(o.initial),
      taker_fill_cost_dollars: formatMicros(o.takerFillCost), maker_fill_cost_dollars: formatMicros(o.makerFillCost),
      taker_fees_dollars: formatMicros(o.takerFees), maker_fees_dollars: formatMicros(o.makerFees),
      time_in_force: o.timeInForce, self_trade_prevention_type: o.stp, post_only: o.postOnly, reduce_only: o.reduceOnly,
      expiration_time: o.expirationTs === undefined ? null : iso(o.expirationTs), expiration_ts_ms: o.expirationTs ?? null,
      created_time: iso(o.createdTs), created_ts_ms: o.createdTs, last_update_time: iso(o.updatedTs), last_updated_ts_ms: o.updatedTs,
      ...(o.group ? { order_group_id: o.group.id } : {}),
      ...(o.reason ? { last_update_reason: o.reason } : {}),
      ...(queue !== undefined ? { queue_position_fp: formatCount(queue) } : {}),
    };
  }

  #emitPosition(userId: string, p: SandboxPosition, ts: number): void {
    this.#emit({
      type: 'position', userId, ticker: p.ticker, position: formatCount(p.position), marketExposure: formatMicros(p.costBasis),
      realizedPnl: formatMicros(p.realizedPnl), feesPaid: formatMicros(p.feesPaid), totalTraded: formatMicros(p.totalTraded), volume: formatCount(p.volume), ts,
    });
  }

  #emit(event: SandboxMarketEvent): void {
    this.#pending.push(event);
  }

  /** Deliver the events of one call, after its state change is complete. */
  #flush(): void {
    if (this.#emitting) return; // a listener's own call: its events go out in this loop
    this.#emitting = true;
    try {
      while (this.#pending.length > 0) {
        const event = this.#pending.shift()!;
        for (const listener of [...this.#listeners]) {
          try {
            listener(event);
          } catch (error) {
            this.#options.onListenerError?.(error);
          }
        }
      }
    } finally {
      this.#emitting = false;
    }
  }
}

function insertSorted(prices: number[], price: number): void {
  let lo = 0;
  let hi = prices.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (prices[mid]! < price) lo = mid + 1;
    else hi = mid;
  }
  prices.splice(lo, 0, price);
}
