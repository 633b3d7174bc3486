/**
 * Following one Kalshi order from creation to its end (resting → partially filled →
 * executed or canceled) by its `client_order_id`: the `user_orders` and `fill` channels when
 * the stream is up, a REST read (the order list, then the order's fills) whenever the stream
 * cannot be trusted — before the subscriptions were confirmed, after each reconnect, while it
 * is down, and now and then while it is up. Each state is reported once and in order (a state
 * older than the one known is dropped), each fill once (by its trade id), the end once.
 */
import { AbortedError, ClientClosedError, InvalidRequestError, MarketError, TimeoutError } from '../../src/errors.js';
import type { KalshiFill, KalshiOrder } from './client.js';
import { Emitter } from './stream/emitter.js';
import { COUNT_SCALE, parseFixed } from './stream/fixed-point.js';
import type { FillMessage, UserOrderMessage } from './stream/schemas.js';

/**
 * An order's state as the tracker knows it: the fields both sources carry (a `user_order`
 * message and `GET /portfolio/orders`' `Order`) under their wire names, exact as sent, and
 * two added by the tracker.
 */
export interface KalshiTrackedOrder {
  /** Kalshi's id of the order. */
  readonly order_id: string;
  /** The id the order was placed under (the one `trackOrder` follows). */
  readonly client_order_id: string;
  /** The order's market. */
  readonly ticker: string;
  /** `resting`, then `executed` (filled in full) or `canceled` (cancelled, expired, or killed with what was filled). */
  readonly status: string;
  /** The order's YES price, a fixed-point dollar string (`"0.5300"`). */
  readonly yes_price_dollars: string;
  /** Contracts filled so far, a fixed-point count (`"4.00"`). */
  readonly fill_count_fp: string;
  /** Contracts still resting, a fixed-point count. */
  readonly remaining_count_fp: string;
  /** Contracts the order was placed for, a fixed-point count. */
  readonly initial_count_fp: string;
  /** Added: where this state was learnt, the `user_orders` channel or a REST read. */
  readonly source: 'stream' | 'rest';
  /**
   * Added: the exchange's time of this state, epoch milliseconds — the stream's
   * `last_updated_ts_ms`, or the REST order's `last_update_time` read as a time; 0 when the answer had none.
   */
  readonly updatedTsMs: number;
}

/** One fill of the tracked order, reported once: the fields a `fill` message and a REST `Fill` both carry, under their wire names. */
export interface KalshiTrackedFill {
  /** The trade id (the same on the stream and in `GET /portfolio/fills`): a fill is reported once per trade id. */
  readonly trade_id: string;
  /** The order the fill belongs to. */
  readonly order_id: string;
  /** Contracts filled, a fixed-point count. */
  readonly count_fp: string;
  /** The fill's YES price, a fixed-point dollar string. */
  readonly yes_price_dollars: string;
  /** The fee of this fill, a fixed-point dollar string, when the source gave it. */
  readonly fee_cost: string | undefined;
  /** Whether the order took liquidity in this fill, when the source said. */
  readonly is_taker: boolean | undefined;
  /** Added: where this fill was learnt, the `fill` channel or a REST read. */
  readonly source: 'stream' | 'rest';
}

/** Events of a tracker. */
export interface OrderTrackerEvents {
  /** A new state (each one once, oldest first). */
  update: KalshiTrackedOrder;
  /** A new fill (each one once). */
  fill: KalshiTrackedFill;
}

/** Options of `trackOrder`. */
export interface TrackOrderOptions {
  /** The order's market: narrows the REST look-ups to it. */
  ticker?: string | undefined;
  /** REST look-ups while the stream is not live (default 1000 ms). */
  pollIntervalMs?: number | undefined;
  /** REST look-ups while the stream is live, in case it silently missed something (default 10 000 ms). */
  reconcileIntervalMs?: number | undefined;
  /**
   * How long an order nobody has seen may stay unseen before `done` rejects with a `not_found`
   * error (default 10 000 ms; the order list can lag behind a new order).
   */
  notFoundAfterMs?: number | undefined;
  /** Give up after this long: `done` rejects with a `TimeoutError` (default: never). */
  timeoutMs?: number | undefined;
  /** Stop following: `done` rejects with an `AbortedError`. */
  signal?: AbortSignal | undefined;
}

/** Following one order; get one from `kalshi.trackOrder(clientOrderId)`. */
export interface KalshiOrderTracker {
  /** The `client_order_id` this tracker follows (the one given to `trackOrder`). */
  readonly clientOrderId: string;
  /** The latest state, undefined until the order was first seen. */
  readonly order: KalshiTrackedOrder | undefined;
  /** The fills seen so far, oldest first. */
  readonly fills: readonly KalshiTrackedFill[];
  /** Resolves with the final state (`executed` or `canceled`), every fill of it seen. */
  readonly done: Promise<KalshiTrackedOrder>;
  /** Listen to `update` or `fill`; returns the function that stops listening. */
  on<K extends keyof OrderTrackerEvents>(name: K, listener: (event: OrderTrackerEvents[K]) => void): () => void;
  /** Stop following (`done` rejects with an `AbortedError` if the order had not ended). */
  stop(): void;
}

/** What a tracker reads from. @internal */
export interface OrderTrackerSource {
  /** The order with this client_order_id, or undefined when the list does not have it (yet). */
  findOrder(clientOrderId: string, ticker: string | undefined): Promise<KalshiOrder | undefined>;
  /** The order's fills. */
  orderFills(orderId: string): Promise<KalshiFill[]>;
  /** Whether the stream's `user_orders` and `fill` subscriptions are live now. */
  streamLive(): boolean;
}

const TERMINAL = new Set(['executed', 'canceled']);
const countUnits = (text: string | undefined): bigint => (text === undefined ? 0n : (parseFixed(text, COUNT_SCALE) ?? 0n));
const timeOf = (ms: number | null | undefined, text: string | null | undefined): number => {
  if (typeof ms === 'number' && Number.isFinite(ms)) return ms;
  const parsed = text ? Date.parse(text) : Number.NaN;
  return Number.isFinite(parsed) ? parsed : 0;
};

/** One tracked order (see the file comment). @internal */
export class OrderTracker implements KalshiOrderTracker {
  readonly clientOrderId: string;
  readonly done: Promise<KalshiTrackedOrder>;
  readonly #source: OrderTrackerSource;
  readonly #o: { ticker: string | undefined; pollIntervalMs: number; reconcileIntervalMs: number; notFoundAfterMs: number };
  readonly #events = new Emitter<OrderTrackerEvents>();
  readonly #fills = new Map<string, KalshiTrackedFill>();
  readonly #startedAt = Date.now();
  readonly #onEnd: () => void;
  #order: KalshiTrackedOrder | undefined;
  #resolve!: (order: KalshiTrackedOrder) => void;
  #reject!: (error: unknown) => void;
  #ended = false;
  #timer: NodeJS.Timeout | undefined;
  #deadline: NodeJS.Timeout | undefined;
  #reading: Promise<void> | undefined;
  #readAgain = false;
  #offAbort: (() => void) | undefined;

  constructor(clientOrderId: string, source: OrderTrackerSource, options: TrackOrderOptions, onEnd: () => void) {
    this.clientOrderId = clientOrderId;
    this.#source = source;
    this.#onEnd = onEnd;
    this.#o = {
      ticker: options.ticker,
      pollIntervalMs: options.pollIntervalMs ?? 1_000,
      reconcileIntervalMs: options.reconcileIntervalMs ?? 10_000,
      notFoundAfterMs: options.notFoundAfterMs ?? 10_000,
    };
    this.done = new Promise<KalshiTrackedOrder>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // A caller who only listens must not get an unhandled rejection.
    this.done.catch(() => undefined);
    if (options.timeoutMs !== undefined) {
      this.#deadline = setTimeout(() => this.#fail(new TimeoutError({ provider: 'kalshi', code: 'timeout', message: `kalshi.trackOrder: order ${JSON.stringify(clientOrderId)} had not ended after ${options.timeoutMs} ms`, idempotencyKey: clientOrderId })), options.timeoutMs);
    }
    const signal = options.signal;
    if (signal) {
      const onAbort = (): void => this.#fail(new AbortedError({ provider: 'kalshi', message: `kalshi.trackOrder: stopped by the caller's signal while following ${JSON.stringify(clientOrderId)}`, requestSent: false, reason: signal.reason, idempotencyKey: clientOrderId }));
      if (signal.aborted) queueMicrotask(onAbort);
      else {
        signal.addEventListener('abort', onAbort, { once: true });
        this.#offAbort = () => signal.removeEventListener('abort', onAbort);
      }
    }
    this.#schedule();
  }

  get order(): KalshiTrackedOrder | undefined {
    return this.#order;
  }

  get fills(): readonly KalshiTrackedFill[] {
    return [...this.#fills.values()];
  }

  /** The order id once known (fills without a client_order_id are matched by it). */
  get orderId(): string | undefined {
    return this.#order?.order_id;
  }

  on<K extends keyof OrderTrackerEvents>(name: K, listener: (event: OrderTrackerEvents[K]) => void): () => void {
    return this.#events.on(name, listener);
  }

  stop(): void {
    this.#fail(new AbortedError({ provider: 'kalshi', message: `kalshi.trackOrder: stop() was called while following ${JSON.stringify(this.clientOrderId)}`, requestSent: false, reason: undefined, idempotencyKey: this.clientOrderId }));
  }

  /** The client closed. @internal */
  close(): void {
    this.#fail(new ClientClosedError({ provider: 'kalshi', code: 'client_closed', message: `kalshi: the client was closed while following order ${JSON.stringify(this.clientOrderId)}`, idempotencyKey: this.clientOrderId }));
  }

  /** The stream went up or down: pick the look-up pace again. @internal */
  streamChanged(): void {
    if (this.#ended) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#schedule();
  }

  /** A `user_order` message for this order. @internal */
  onStreamOrder(msg: UserOrderMessage['msg']): void {
    this.#apply({
      order_id: msg.order_id, client_order_id: msg.client_order_id, ticker: msg.ticker, status: msg.status, yes_price_dollars: msg.yes_price_dollars,
      fill_count_fp: msg.fill_count_fp, remaining_count_fp: msg.remaining_count_fp, initial_count_fp: msg.initial_count_fp, source: 'stream',
      updatedTsMs: timeOf(msg.last_updated_ts_ms, msg.last_update_time),
    });
  }

  /** A `fill` message for this order. @internal */
  onStreamFill(msg: FillMessage['msg']): void {
    this.#addFill({ trade_id: msg.trade_id, order_id: msg.order_id, count_fp: msg.count_fp, yes_price_dollars: msg.yes_price_dollars, fee_cost: msg.fee_cost, is_taker: msg.is_taker, source: 'stream' });
  }

  /** Read the state over REST now (coalesced with a read already running). @internal */
  settle(): Promise<void> {
    if (this.#ended) return Promise.resolve();
    if (this.#reading) {
      this.#readAgain = true;
      return this.#reading;
    }
    this.#reading = (async () => {
      do {
        this.#readAgain = false;
        await this.#readRest();
      } while (this.#readAgain && !this.#ended);
    })().finally(() => {
      this.#reading = undefined;
    });
    return this.#reading;
  }

  async #readRest(): Promise<void> {
    try {
      const found = await this.#source.findOrder(this.clientOrderId, this.#o.ticker ?? this.#order?.ticker);
      if (this.#ended) return;
      if (!found) {
        if (!this.#order && Date.now() - this.#startedAt >= this.#o.notFoundAfterMs) {
          this.#fail(new InvalidRequestError({
            provider: 'kalshi', code: 'not_found', idempotencyKey: this.clientOrderId,
            message: `kalshi.trackOrder: no order with client_order_id ${JSON.stringify(this.clientOrderId)} appeared on the stream or in GET /portfolio/orders within ${this.#o.notFoundAfterMs} ms; it was most likely never placed (placing it again under the same client_order_id cannot make a second one)`,
          }));
        }
        return;
      }
      const state: KalshiTrackedOrder = {
        order_id: found.order_id, client_order_id: found.client_order_id, ticker: found.ticker, status: found.status, yes_price_dollars: found.yes_price_dollars,
        fill_count_fp: found.fill_count_fp, remaining_count_fp: found.remaining_count_fp, initial_count_fp: found.initial_count_fp, source: 'rest',
        // A REST order (spec `Order`) carries its update time as text only.
        updatedTsMs: timeOf(undefined, found.last_update_time),
      };
      if (countUnits(state.fill_count_fp) > this.#filledSeen()) {
        // Fills the stream did not deliver: read them before reporting the state they lead to.
        for (const f of await this.#source.orderFills(state.order_id)) {
          if (this.#ended) return;
          this.#addFill({ trade_id: f.trade_id ?? f.fill_id, order_id: f.order_id, count_fp: f.count_fp, yes_price_dollars: f.yes_price_dollars, fee_cost: f.fee_cost ?? undefined, is_taker: f.is_taker ?? undefined, source: 'rest' });
        }
      }
      this.#apply(state, true);
    } catch (error) {
      // A failed look-up is tried again on the next tick; the client being closed ends it.
      if (error instanceof ClientClosedError) this.close();
      else if (!(error instanceof MarketError)) throw error;
    }
  }

  #filledSeen(): bigint {
    let total = 0n;
    for (const f of this.#fills.values()) total += countUnits(f.count_fp);
    return total;
  }

  #addFill(fill: KalshiTrackedFill): void {
    if (this.#ended || this.#fills.has(fill.trade_id)) return;
    this.#fills.set(fill.trade_id, fill);
    this.#events.emit('fill', fill);
    this.#maybeEnd();
  }

  /** Take a state unless it is older than the one known; a terminal state is final. */
  #apply(state: KalshiTrackedOrder, fromRead = false): void {
    if (this.#ended) return;
    const known = this.#order;
    if (known) {
      if (TERMINAL.has(known.status)) return;
      // One connection delivers in order, so a stream state at the same exchange time is the later
      // one; a REST answer must show progress to replace what is known.
      const progress = countUnits(state.fill_count_fp) > countUnits(known.fill_count_fp) || (TERMINAL.has(state.status) && !TERMINAL.has(known.status));
      const newer = state.updatedTsMs > known.updatedTsMs || (state.updatedTsMs === known.updatedTsMs && ((state.source === 'stream' && known.source === 'stream') || progress));
      if (countUnits(state.fill_count_fp) < countUnits(known.fill_count_fp) || !newer) {
        if (fromRead) this.#maybeEnd(true);
        return;
      }
      if (state.status === known.status && state.fill_count_fp === known.fill_count_fp && state.remaining_count_fp === known.remaining_count_fp && state.yes_price_dollars === known.yes_price_dollars && state.initial_count_fp === known.initial_count_fp) {
        // The same state heard again (stream and REST): keep the first report.
        if (fromRead) this.#maybeEnd(true);
        return;
      }
    }
    this.#order = state;
    this.#events.emit('update', state);
    this.#maybeEnd(fromRead);
    // First seen: from now on the slower pace applies while the stream is live.
    if (!known && !this.#ended) this.#schedule();
  }

  /** End once the order is final and every fill of it was seen (or a REST read found no more). */
  #maybeEnd(afterRead = false): void {
    const order = this.#order;
    if (this.#ended || !order || !TERMINAL.has(order.status)) return;
    if (this.#filledSeen() < countUnits(order.fill_count_fp) && !afterRead) {
      // The final state came before some of its fills: read them.
      void this.settle();
      return;
    }
    this.#ended = true;
    this.#cleanup();
    this.#resolve(order);
  }

  #fail(error: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#cleanup();
    this.#reject(error);
  }

  #cleanup(): void {
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#deadline) clearTimeout(this.#deadline);
    this.#timer = undefined;
    this.#deadline = undefined;
    this.#offAbort?.();
    this.#onEnd();
    this.#events.clear();
  }

  /** The next REST look-up: soon while the stream is not live, now and then while it is. */
  #schedule(): void {
    if (this.#ended) return;
    if (this.#timer) clearTimeout(this.#timer);
    // Unseen orders are looked for at the fast pace: after a lost answer the stream may never
    // mention an order that was not placed, and only a read can say so.
    const wait = this.#order && this.#source.streamLive() ? this.#o.reconcileIntervalMs : this.#o.pollIntervalMs;
    // Not unref()'d: a caller awaiting `done` keeps the process alive until the order ends.
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.settle().finally(() => this.#schedule());
    }, wait);
  }
}
