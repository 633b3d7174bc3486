/**
 * One subscription handle: a channel and its markets, as the user asked for them. The
 * stream maps it onto a server subscription (`sid`), which changes on every reconnect or
 * resubscribe; the handle stays the same.
 */
import { z } from 'zod';
import { parseInput } from '../../../src/validation.js';
import { BoundedQueue, Emitter } from './emitter.js';
import type { MarketError } from '../../../src/errors.js';
import { StreamError } from './errors.js';
import type { ChannelMessage, KalshiChannel } from './schemas.js';

/** `pending` until the server confirms; `active`; `resubscribing` after a reconnect or a terminal error; `failed` or `closed` for good. */
export type SubscriptionStatus = 'pending' | 'active' | 'resubscribing' | 'failed' | 'closed';

/** What to subscribe to. */
export interface SubscribeOptions<C extends KalshiChannel = KalshiChannel> {
  /** The channel (`orderbook_delta`, `fill`, `user_orders` …). */
  channel: C;
  /** Markets to follow; omit for all markets where the channel allows it. */
  marketTickers?: readonly string[] | undefined;
  /** `ticker` channel: send the current ticker of each market first. */
  sendInitialSnapshot?: boolean | undefined;
  /** `communications`: `self` for your own RFQs only. */
  userFilter?: '' | 'self' | undefined;
  /** `communications` fan-out sharding. */
  shardFactor?: number | undefined;
  /** `communications` fan-out sharding (requires `shardFactor`). */
  shardKey?: number | undefined;
  /** Messages an iterator may fall behind before it ends with an overflow error (default: the stream's). */
  bufferSize?: number | undefined;
}

/** A seq gap on a sequenced channel: messages were lost between `expected` and `received`. */
export interface SequenceGap {
  readonly channel: string;
  readonly expected: number;
  readonly received: number;
}

/** Events of one subscription. */
export interface SubscriptionEvents<C extends KalshiChannel> {
  /** A validated message of the channel. */
  message: ChannelMessage<C>;
  /** The subscription failed (a `StreamError` from the server, or why the connection was refused), or a command on it did (the handle may still be active). */
  error: MarketError;
  /** Messages were lost (seq gap); for books the stream resyncs by itself. */
  gap: SequenceGap;
  /** The status changed. */
  status: SubscriptionStatus;
}

/** The side of a subscription its stream drives, whatever the channel. @internal */
export interface SubscriptionInternals {
  readonly handle: number;
  readonly channel: KalshiChannel;
  readonly options: Readonly<SubscribeOptions>;
  readonly desired: Set<string>;
  readonly status: SubscriptionStatus;
  serverMarkets: Set<string>;
  sid: number | undefined;
  expectedSeq: number | undefined;
  deliver(message: unknown): void;
  setStatus(status: SubscriptionStatus): void;
  reportError(error: MarketError): void;
  reportGap(gap: SequenceGap): void;
  finish(status: 'closed' | 'failed', error?: MarketError): void;
  sync(): Promise<void>;
}

/** How a subscription asks its stream to act. @internal */
export interface SubscriptionDriver {
  sync(sub: SubscriptionInternals): Promise<void>;
  release(sub: SubscriptionInternals): Promise<void>;
}

let handles = 0;
const tickersInput = z.array(z.string().min(1).max(200).regex(/^[^\s]+$/, 'a market ticker has no whitespace')).min(1).max(10_000);

/** A subscription handle; get one from `KalshiStream.subscribe()`. */
export class KalshiSubscription<C extends KalshiChannel = KalshiChannel> implements AsyncIterable<ChannelMessage<C>>, SubscriptionInternals {
  /** A number that identifies this handle for its whole life (unlike the server's `sid`). */
  readonly handle = ++handles;
  /** The channel. */
  readonly channel: C;
  /** Resolves when the server first confirmed the subscription; rejects when it refused it. */
  readonly ready: Promise<void>;
  /** @internal */
  readonly options: Readonly<SubscribeOptions<C>>;
  /** Markets the user asked for. @internal */
  readonly desired: Set<string>;
  /** Markets the server has on the current sid. @internal */
  serverMarkets = new Set<string>();
  /** The server's id on the current connection. @internal */
  sid: number | undefined;
  /** The next seq expected on the current sid. @internal */
  expectedSeq: number | undefined;
  readonly #events = new Emitter<SubscriptionEvents<C>>();
  readonly #queues = new Set<BoundedQueue<ChannelMessage<C>>>();
  readonly #driver: SubscriptionDriver;
  readonly #bufferSize: number;
  #status: SubscriptionStatus = 'pending';
  #resolveReady!: () => void;
  #rejectReady!: (e: unknown) => void;
  #queue: Promise<void> = Promise.resolve();

  /** @internal */
  constructor(options: SubscribeOptions<C>, driver: SubscriptionDriver, bufferSize: number) {
    this.channel = options.channel;
    this.options = Object.freeze({ ...options, marketTickers: undefined });
    this.desired = new Set(options.marketTickers ?? []);
    this.#driver = driver;
    this.#bufferSize = options.bufferSize ?? bufferSize;
    this.ready = new Promise<void>((resolve, reject) => {
      this.#resolveReady = resolve;
      this.#rejectReady = reject;
    });
    // A caller who only iterates must not get an unhandled rejection from `ready`.
    this.ready.catch(() => undefined);
  }

  /** The current status. */
  get status(): SubscriptionStatus {
    return this.#status;
  }

  /** The markets this subscription follows (empty: all the channel allows). */
  get markets(): readonly string[] {
    return [...this.desired];
  }

  /** Listen to `message`, `error`, `gap` or `status`; returns the function that stops listening. */
  on<K extends keyof SubscriptionEvents<C>>(name: K, listener: (event: SubscriptionEvents<C>[K]) => void): () => void {
    return this.#events.on(name, listener);
  }

  /**
   * The messages from now on. The buffer is bounded (`bufferSize`): a consumer that falls that
   * far behind gets a `StreamError` (code `queue_full`) instead of silently missing messages.
   */
  messages(): AsyncIterableIterator<ChannelMessage<C>> {
    const queue: BoundedQueue<ChannelMessage<C>> = new BoundedQueue<ChannelMessage<C>>(
      this.#bufferSize,
      () => new StreamError({ code: 'queue_full', message: `kalshi stream: the ${this.channel} consumer fell ${this.#bufferSize} messages behind`, channel: this.channel }),
      () => this.#queues.delete(queue),
    );
    if (this.#status === 'closed' || this.#status === 'failed') queue.end();
    else this.#queues.add(queue);
    return queue;
  }

  /** Same as `messages()`. */
  [Symbol.asyncIterator](): AsyncIterator<ChannelMessage<C>> {
    return this.messages();
  }

  /** Follow more markets (update_subscription add_markets); resolves when the server confirmed. */
  addMarkets(tickers: readonly string[]): Promise<void> {
    this.#assertUsable();
    for (const t of parseInput('kalshi', 'stream.addMarkets', tickersInput, tickers)) this.desired.add(t);
    return this.sync();
  }

  /** Stop following some markets (update_subscription delete_markets). */
  deleteMarkets(tickers: readonly string[]): Promise<void> {
    this.#assertUsable();
    for (const t of parseInput('kalshi', 'stream.deleteMarkets', tickersInput, tickers)) this.desired.delete(t);
    return this.sync();
  }

  /** End the subscription: unsubscribe on the server, end every iterator. */
  async unsubscribe(): Promise<void> {
    if (this.#status === 'closed' || this.#status === 'failed') return;
    this.finish('closed');
    await this.#driver.release(this);
  }

  /** Run one reconciliation pass after the ones already queued. @internal */
  sync(): Promise<void> {
    const pass = this.#queue.then(() => this.#driver.sync(this));
    this.#queue = pass.catch(() => undefined);
    return pass;
  }

  /** @internal */
  deliver(message: ChannelMessage<C>): void {
    if (this.#status === 'closed' || this.#status === 'failed') return;
    this.#events.emit('message', message);
    for (const q of [...this.#queues]) q.push(message);
  }

  /** @internal */
  setStatus(status: SubscriptionStatus): void {
    if (this.#status === status || this.#status === 'closed' || this.#status === 'failed') return;
    this.#status = status;
    if (status === 'active') this.#resolveReady();
    this.#events.emit('status', status);
  }

  /** @internal */
  reportError(error: MarketError): void {
    this.#events.emit('error', error);
  }

  /** @internal */
  reportGap(gap: SequenceGap): void {
    this.#events.emit('gap', gap);
  }

  /** Closed or failed for good: end the iterators. @internal */
  finish(status: 'closed' | 'failed', error?: MarketError): void {
    if (this.#status === 'closed' || this.#status === 'failed') return;
    this.#status = status;
    if (error) {
      this.#rejectReady(error);
      this.#events.emit('error', error);
    } else this.#rejectReady(new StreamError({ code: 'client_closed', message: `kalshi stream: the ${this.channel} subscription was closed`, channel: this.channel }));
    this.#events.emit('status', status);
    for (const q of [...this.#queues]) q.end(error);
    this.#queues.clear();
    this.#events.clear();
  }

  #assertUsable(): void {
    if (this.#status === 'closed' || this.#status === 'failed') throw new StreamError({ code: 'client_closed', message: `kalshi stream: the ${this.channel} subscription is ${this.#status}`, channel: this.channel });
  }
}
