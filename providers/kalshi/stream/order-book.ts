/**
 * A live Kalshi order book: built from `orderbook_snapshot` + `orderbook_delta`, kept exact,
 * and honest about its state. A seq gap, a delta before any snapshot, a delta that would
 * make a level negative, or a silent stream moves it out of `live`; it resyncs through
 * `update_subscription` `get_snapshot` without dropping the subscription, and while it is not
 * `live` a read says so and serves no levels unless asked for the last known ones.
 */
import { AbortedError, ClientClosedError, TimeoutError } from '../../../src/errors.js';
import { BookState, type BookInconsistency, type BookLevels } from './book-state.js';
import { Emitter } from './emitter.js';

/**
 * `live`: the levels are current. `resyncing`: waiting for a snapshot (first one, after a
 * gap, a reconnect, or a bad message). `stale`: the connection has been silent for longer
 * than `staleAfterMs`; levels may be out of date. `closed`: `close()` was called.
 */
export type OrderBookStatus = 'live' | 'resyncing' | 'stale' | 'closed';

/** One consistent read of a book. */
export interface OrderBookView extends BookLevels {
  /** The market. */
  readonly ticker: string;
  /** The book's status when read; levels are empty unless `live` (or `allowStale` was asked). */
  readonly status: OrderBookStatus;
  /** The server seq of the last message applied (per subscription; informational). */
  readonly seq: number | undefined;
  /** Milliseconds since the book was last known to be current. */
  readonly ageMs: number;
  /** Why the book is not live, when it is not. */
  readonly reason: string | undefined;
}

/** Options of a read. */
export interface OrderBookReadOptions {
  /** At most this many levels per list. */
  depth?: number | undefined;
  /** Return the last known levels even when the book is not live (the view's status says so). */
  allowStale?: boolean | undefined;
}

/** Events of a live book. */
export interface OrderBookEvents {
  /** The levels or the status changed. */
  change: OrderBookView;
  /** The status changed. */
  status: { status: OrderBookStatus; reason: string | undefined };
}

const EMPTY: BookLevels = new BookState().levels();

/** What the stream gives a book so that it can ask for a snapshot and let go of its market. @internal */
export interface OrderBookOwner {
  /** Ask the server for a fresh snapshot of this market. */
  resync(book: LiveOrderBook): void;
  /** The book was closed: stop receiving its market. */
  release(book: LiveOrderBook): Promise<void>;
}

/** A live order book of one market; get one from `KalshiStream.orderBook(ticker)`. */
export class LiveOrderBook implements AsyncIterable<OrderBookView> {
  /** The market. */
  readonly ticker: string;
  readonly #state = new BookState();
  readonly #events = new Emitter<OrderBookEvents>();
  readonly #owner: OrderBookOwner;
  readonly #defaultDepth: number | undefined;
  #status: OrderBookStatus = 'resyncing';
  #reason: string | undefined = 'waiting for the first snapshot';
  #seq: number | undefined;
  #hasSnapshot = false;
  #awaitingSnapshot = true;
  #lastCurrentAt = Date.now();
  #version = 0;
  #closeError: Error | undefined;
  readonly #wakers = new Set<() => void>();

  /** @internal */
  constructor(ticker: string, owner: OrderBookOwner, options: { depth?: number | undefined } = {}) {
    this.ticker = ticker;
    this.#owner = owner;
    this.#defaultDepth = options.depth;
  }

  /** The current status. */
  get status(): OrderBookStatus {
    return this.#status;
  }

  /** Milliseconds since the book was last known to be current (0-ish while live and the stream is talking). */
  get ageMs(): number {
    return Math.max(0, Date.now() - this.#lastCurrentAt);
  }

  /** One consistent read: the levels, best prices, mid, status and age together. */
  view(options: OrderBookReadOptions = {}): OrderBookView {
    const depth = options.depth ?? this.#defaultDepth;
    const serve = this.#status === 'live' || (options.allowStale === true && this.#hasSnapshot);
    return Object.freeze({
      ...(serve ? this.#state.levels(depth) : EMPTY),
      ticker: this.ticker,
      status: this.#status,
      seq: this.#seq,
      ageMs: this.ageMs,
      reason: this.#status === 'live' ? undefined : this.#reason,
    });
  }

  /** Resolves with a view once the book is live (at once when it is). */
  live(options: { timeoutMs?: number | undefined; signal?: AbortSignal | undefined; depth?: number | undefined } = {}): Promise<OrderBookView> {
    if (this.#status === 'live') return Promise.resolve(this.view({ depth: options.depth }));
    if (this.#status === 'closed') return Promise.reject(this.#closedError());
    return new Promise<OrderBookView>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        offStatus();
        if (timer) clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = (): void => {
        done();
        reject(new AbortedError({ provider: 'kalshi', message: `kalshi stream: waiting for the ${this.ticker} book was aborted`, requestSent: false, reason: options.signal?.reason }));
      };
      const offStatus = this.#events.on('status', ({ status }) => {
        if (status === 'live') {
          done();
          resolve(this.view({ depth: options.depth }));
        } else if (status === 'closed') {
          done();
          reject(this.#closedError());
        }
      });
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (options.timeoutMs !== undefined) {
        timer = setTimeout(() => {
          done();
          reject(new TimeoutError({ provider: 'kalshi', code: 'timeout', message: `kalshi stream: the ${this.ticker} book was not live within ${options.timeoutMs} ms (${this.#status}: ${this.#reason ?? ''})`, retryable: true }));
        }, options.timeoutMs);
      }
    });
  }

  /** Listen to `change` or `status`; returns the function that stops listening. */
  on<K extends keyof OrderBookEvents>(name: K, listener: (event: OrderBookEvents[K]) => void): () => void {
    return this.#events.on(name, listener);
  }

  /**
   * Views as the book changes. The buffer holds one view: a consumer slower than the
   * stream skips the intermediate states and always gets the latest. Ends when the book closes.
   */
  updates(options: OrderBookReadOptions & { signal?: AbortSignal | undefined } = {}): AsyncIterableIterator<OrderBookView> {
    let seen = this.#version;
    let finished = false;
    let wake: (() => void) | undefined;
    const waker = (): void => wake?.();
    this.#wakers.add(waker);
    const finish = (): void => {
      finished = true;
      this.#wakers.delete(waker);
      options.signal?.removeEventListener('abort', onAbort);
      wake?.();
    };
    const onAbort = (): void => finish();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) finish();
    const iterator: AsyncIterableIterator<OrderBookView> = {
      next: async () => {
        while (!finished && seen === this.#version && this.#status !== 'closed') {
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
        if (finished || this.#status === 'closed') {
          finish();
          return { value: undefined, done: true };
        }
        seen = this.#version;
        return { value: this.view(options), done: false };
      },
      return: () => {
        finish();
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /** Same as `updates()`. */
  [Symbol.asyncIterator](): AsyncIterator<OrderBookView> {
    return this.updates();
  }

  /** Stop following this market (the stream unsubscribes it when no other book needs it). */
  async close(): Promise<void> {
    if (this.#status === 'closed') return;
    this.#setStatus('closed', 'closed');
    this.#events.clear();
    await this.#owner.release(this);
  }

  // ---- driven by the stream ----

  /** A snapshot arrived: replace the levels and go live. @internal */
  applySnapshot(yes: readonly (readonly [string, string])[], no: readonly (readonly [string, string])[], seq: number): void {
    if (this.#status === 'closed') return;
    const bad = this.#state.replace(yes, no);
    if (bad) return this.#inconsistent(bad);
    this.#seq = seq;
    this.#hasSnapshot = true;
    this.#awaitingSnapshot = false;
    this.#lastCurrentAt = Date.now();
    this.#setStatus('live', undefined, true);
  }

  /** A delta arrived. @internal */
  applyDelta(side: string, price: string, delta: string, seq: number): void {
    if (this.#status === 'closed') return;
    if (this.#awaitingSnapshot) return; // superseded by the snapshot on its way
    if (!this.#hasSnapshot || this.#status === 'resyncing') return this.resync('a delta arrived before any snapshot');
    const bad = this.#state.apply(side, price, delta);
    if (bad) return this.#inconsistent(bad);
    this.#seq = seq;
    this.#lastCurrentAt = Date.now();
    if (this.#status === 'stale') this.#setStatus('live', undefined, true);
    else this.#changed();
  }

  /** Levels can no longer be trusted: ask for a snapshot. @internal */
  resync(reason: string): void {
    if (this.#status === 'closed') return;
    this.#setStatus('resyncing', reason);
    if (!this.#awaitingSnapshot) {
      this.#awaitingSnapshot = true;
      this.#owner.resync(this);
    }
  }

  /** The server will send a snapshot by itself (a fresh subscription): wait for it. @internal */
  expectSnapshot(reason: string): void {
    if (this.#status === 'closed') return;
    this.#awaitingSnapshot = true;
    this.#setStatus('resyncing', reason);
  }

  /** The snapshot request failed: a later resync may ask again. @internal */
  snapshotRequestFailed(): void {
    this.#awaitingSnapshot = false;
  }

  /** Whether a snapshot is on its way. @internal */
  get awaitingSnapshot(): boolean {
    return this.#awaitingSnapshot;
  }

  /** The connection spoke (a frame or a ping): a live book is current as of now. @internal */
  heard(now: number): void {
    if (this.#status === 'live') this.#lastCurrentAt = now;
    else if (this.#status === 'stale') {
      this.#lastCurrentAt = now;
      this.#setStatus('live', undefined);
    }
  }

  /** The connection went silent. @internal */
  markStale(silentMs: number): void {
    if (this.#status === 'live') this.#setStatus('stale', `no frame or ping for ${silentMs} ms`);
  }

  /** The server refused this market (or the subscription): the book ends with that error. @internal */
  fail(error: Error): void {
    if (this.#status === 'closed') return;
    this.#closeError = error;
    this.#setStatus('closed', error.message);
    this.#events.clear();
  }

  #inconsistent(bad: BookInconsistency): void {
    this.resync(`inconsistent message (${bad})`);
  }

  #closedError(): Error {
    return this.#closeError ?? new ClientClosedError({ provider: 'kalshi', code: 'client_closed', message: `kalshi stream: the ${this.ticker} book was closed` });
  }

  #setStatus(status: OrderBookStatus, reason: string | undefined, levelsChanged = false): void {
    const statusChanged = status !== this.#status;
    this.#status = status;
    this.#reason = reason;
    if (statusChanged) this.#events.emit('status', { status, reason });
    if (statusChanged || levelsChanged) this.#changed();
  }

  #changed(): void {
    this.#version += 1;
    for (const wake of [...this.#wakers]) wake();
    if (this.#events.has('change')) this.#events.emit('change', this.view());
  }
}
