/**
 * The Kalshi WebSocket connection: opened lazily on the first subscription, its handshake
 * signed (`timestampMs + "GET" + <ws path>`) and signed again on every reconnect; commands
 * with increasing ids, each reply or error frame settling the command that sent it; a
 * silent connection counted dead; reconnects with jittered exponential backoff that
 * restore every subscription under the same handles; live order books on top.
 */
import { createHash } from 'node:crypto';
import type WebSocket from 'ws';
import { z } from 'zod';
import { AuthenticationError, ClientClosedError, MarketError, NetworkError, PermissionError, QuotaExceededError, ResponseShapeError, TimeoutError } from '../../../src/errors.js';
import { lazySchema, parseInput } from '../../../src/validation.js';
import type { KalshiAuthHeaders } from '../signing.js';
import { Emitter } from './emitter.js';
import { StreamError, streamErrorFromFrame } from './errors.js';
import { acquireConnection, CommandBucket, releaseConnection, type CommandRate } from './limits.js';
import { LiveOrderBook, type OrderBookOwner } from './order-book.js';
import {
  CHANNEL_MESSAGE_SCHEMAS,
  errorFrameSchema,
  frameEnvelopeSchema,
  KALSHI_CHANNELS,
  okSchema,
  subscribedSchema,
  type KalshiChannel,
  type OrderbookDeltaMessage,
  type OrderbookSnapshotMessage,
} from './schemas.js';
import { KalshiSubscription, type SubscribeOptions, type SubscriptionDriver, type SubscriptionInternals } from './subscription.js';

// WebSocket readyState values (the standard's, which ws uses): the class is loaded lazily,
// so its statics are not at hand where a state is compared.
const OPEN = 1;
const CLOSED = 3;

let webSocketModule: Promise<typeof WebSocket> | undefined;
/**
 * ws is loaded when the first connection opens, not at import: a program that never
 * streams never loads it. A failed load is not remembered.
 */
function loadWebSocket(): Promise<typeof WebSocket> {
  const loading = (webSocketModule ??= import('ws').then((m) => m.default));
  loading.catch(() => {
    if (webSocketModule === loading) webSocketModule = undefined;
  });
  return loading;
}

/** Signs the handshake: the three `KALSHI-ACCESS-*` headers for `GET <path>`, fresh each call. */
export type StreamSigner = (path: string) => KalshiAuthHeaders | Promise<KalshiAuthHeaders>;

/** Options of `createKalshiStream`. */
export interface KalshiStreamOptions {
  /** `wss://external-api-ws.kalshi.com/trade-api/ws/v2`, or see `kalshiStreamUrl()`. */
  url: string;
  /** Signs each handshake (the path is the URL's path, e.g. `/trade-api/ws/v2`). */
  sign: StreamSigner;
  /** How long a command waits for its reply (default 10 s). */
  commandTimeoutMs?: number | undefined;
  /** How long the handshake may take (default 10 s). */
  handshakeTimeoutMs?: number | undefined;
  /** No frame and no ping for this long: the connection is dead and is replaced (default 30 s, three server ping periods). */
  silenceTimeoutMs?: number | undefined;
  /** No frame and no ping for this long: live books turn `stale` (default 15 s). */
  staleAfterMs?: number | undefined;
  /** Reconnect backoff: doubles from `minDelayMs` up to `maxDelayMs`, with jitter (defaults 250 ms, 30 s). */
  reconnect?: { minDelayMs?: number | undefined; maxDelayMs?: number | undefined } | undefined;
  /** Client-side command rate (default 10 at once, 10 per second), so the server's error 27 stays rare. */
  commandRate?: CommandRate | undefined;
  /** Open connections allowed per user key in this process (default 200, the documented default tier limit). */
  maxConnections?: number | undefined;
  /** What identifies the user for `maxConnections` (default: a hash of the key id the signer returns). */
  connectionKey?: string | undefined;
  /** Messages a subscription iterator may fall behind (default 10 000). */
  bufferSize?: number | undefined;
  /** Listeners to attach at once. */
  on?: { [K in keyof KalshiStreamEvents]?: (event: KalshiStreamEvents[K]) => void } | undefined;
}

/** A message that failed its schema; the connection carries on. */
export interface StreamSchemaErrorEvent {
  readonly channel: string | undefined;
  readonly type: string | undefined;
  /** Dotted path of the first bad field (`msg.price_dollars`), `(frame)` when the frame is not JSON. */
  readonly fieldPath: string;
  readonly error: ResponseShapeError;
}

/** Events of a stream. None carries a header, a key or a signature. */
export interface KalshiStreamEvents {
  /** A connection opened (`reconnect`: not the first one). */
  open: { readonly reconnect: boolean };
  /** The connection closed or failed. */
  disconnected: { readonly code: number | undefined; readonly reason: string };
  /** A reconnect is scheduled. */
  reconnecting: { readonly attempt: number; readonly delayMs: number };
  /** A subscription was subscribed again (after a reconnect, a terminal error or a failed snapshot). */
  resubscribed: { readonly channel: string; readonly handle: number; readonly reason: string };
  /** A failure not tied to a call the user is waiting on. */
  error: MarketError;
  /** A message failed its schema. */
  schemaError: StreamSchemaErrorEvent;
  /** Messages were lost on a sequenced subscription. */
  gap: { readonly channel: string; readonly handle: number; readonly expected: number; readonly received: number };
  /** A message type this client has no schema for (ignored). */
  unknownMessage: { readonly type: string; readonly channel: string | undefined };
}

/** `idle` (nothing subscribed yet), `connecting`, `open`, `reconnecting` (waiting out a backoff), `closed`. */
export type KalshiStreamStatus = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/** The server's view of one subscription (`list_subscriptions`). */
export interface ServerSubscription {
  readonly channel: string;
  readonly sid: number;
}

const ticker = lazySchema(() => z.string().min(1).max(200).regex(/^[^\s]+$/, 'a market ticker has no whitespace'));
const subscribeInput = lazySchema(() =>
  z.object({
    channel: z.enum(KALSHI_CHANNELS as [KalshiChannel, ...KalshiChannel[]]),
    marketTickers: z.array(ticker).max(10_000).optional(),
    sendInitialSnapshot: z.boolean().optional(),
    userFilter: z.enum(['', 'self']).optional(),
    shardFactor: z.number().int().min(1).max(100).optional(),
    shardKey: z.number().int().min(0).optional(),
    bufferSize: z.number().int().min(1).max(10_000_000).optional(),
  }),
);

/** A command's connection went away before its reply; the command is redone after reconnecting. */
class ConnectionLostError extends NetworkError {}

interface PendingCommand {
  readonly cmd: string;
  readonly channel: string | undefined;
  readonly resolve: (frame: Record<string, unknown>) => void;
  readonly reject: (error: unknown) => void;
  /** Runs synchronously with the reply, before frames that follow it in the same read are handled. */
  readonly onReply: ((frame: Record<string, unknown>) => void) | undefined;
  readonly timer: NodeJS.Timeout;
  readonly socket: WebSocket;
}

const errorSummary = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 200);
const fieldPathOf = (error: z.ZodError): string => {
  const path = error.issues[0]?.path ?? [];
  return path.length ? path.map(String).join('.') : '(frame)';
};

/** One Kalshi WebSocket connection with its subscriptions and books; see `createKalshiStream`. */
export class KalshiStream {
  readonly #url: string;
  readonly #path: string;
  readonly #sign: StreamSigner;
  readonly #o: {
    commandTimeoutMs: number;
    handshakeTimeoutMs: number;
    silenceTimeoutMs: number;
    staleAfterMs: number;
    minDelayMs: number;
    maxDelayMs: number;
    maxConnections: number;
    bufferSize: number;
  };
  readonly #connectionKey: string | undefined;
  readonly #events = new Emitter<KalshiStreamEvents>();
  readonly #bucket: CommandBucket;
  readonly #subs = new Set<SubscriptionInternals>();
  readonly #bySid = new Map<number, SubscriptionInternals>();
  readonly #pending = new Map<number, PendingCommand>();
  readonly #books = new Map<string, LiveOrderBook>();
  readonly #timers = new Map<NodeJS.Timeout, () => void>();
  #bookSub: KalshiSubscription<'orderbook_delta'> | undefined;
  #status: KalshiStreamStatus = 'idle';
  #ws: WebSocket | undefined;
  #slotKey: string | undefined;
  #openWaiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  #nextId = 1;
  #attempt = 0;
  #everOpened = false;
  #lastHeardAt = 0;
  #healthTimer: NodeJS.Timeout | undefined;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #resyncTickers = new Set<string>();
  #resyncScheduled = false;
  #snapshotInFlight = false;

  /** @internal Use `createKalshiStream`. */
  constructor(options: KalshiStreamOptions) {
    const url = new URL(options.url);
    if (url.protocol !== 'wss:' && url.protocol !== 'ws:') throw new StreamError({ code: 'validation_failed', message: `kalshi stream: the url must be ws:// or wss:// (got ${url.protocol})` });
    this.#url = url.toString();
    this.#path = url.pathname;
    this.#sign = options.sign;
    this.#o = {
      commandTimeoutMs: options.commandTimeoutMs ?? 10_000,
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? 10_000,
      silenceTimeoutMs: options.silenceTimeoutMs ?? 30_000,
      staleAfterMs: options.staleAfterMs ?? 15_000,
      minDelayMs: options.reconnect?.minDelayMs ?? 250,
      maxDelayMs: options.reconnect?.maxDelayMs ?? 30_000,
      maxConnections: options.maxConnections ?? 200,
      bufferSize: options.bufferSize ?? 10_000,
    };
    this.#connectionKey = options.connectionKey;
    this.#bucket = new CommandBucket(options.commandRate ?? { capacity: 10, refillPerSecond: 10 });
    for (const [name, listener] of Object.entries(options.on ?? {})) {
      if (listener) this.#events.on(name as keyof KalshiStreamEvents, listener as (event: unknown) => void);
    }
  }

  /** The connection's state. */
  get status(): KalshiStreamStatus {
    return this.#status;
  }

  /** The subscriptions the user holds (books share one internal `orderbook_delta` subscription, not listed). */
  get subscriptions(): readonly KalshiSubscription[] {
    return [...this.#subs].filter((s): s is KalshiSubscription => s !== this.#bookSub && s instanceof KalshiSubscription);
  }

  /** Listen to a stream event; returns the function that stops listening. */
  on<K extends keyof KalshiStreamEvents>(name: K, listener: (event: KalshiStreamEvents[K]) => void): () => void {
    return this.#events.on(name, listener);
  }

  /**
   * Subscribe to one channel. The handle comes back at once (attach listeners or start
   * iterating before anything arrives); `await sub.ready` for the server's confirmation.
   * Opens the connection if it is not open yet.
   */
  subscribe<C extends KalshiChannel>(options: SubscribeOptions<C>): KalshiSubscription<C> {
    this.#assertOpenForUse();
    const input = parseInput('kalshi', 'stream.subscribe', subscribeInput, options);
    if (input.shardKey !== undefined && (input.shardFactor === undefined || input.shardKey >= input.shardFactor)) {
      parseInput('kalshi', 'stream.subscribe', z.never({ message: 'shardKey needs shardFactor and must be below it' }), undefined);
    }
    const sub = new KalshiSubscription<C>({ ...options, marketTickers: input.marketTickers }, this.#driver, this.#o.bufferSize);
    this.#subs.add(sub);
    sub.sync().catch(() => undefined);
    return sub;
  }

  /**
   * The live order book of one market (the same object for the same ticker until it is
   * closed). Books share one `orderbook_delta` subscription, extended with add_markets.
   */
  orderBook(marketTicker: string, options: { depth?: number | undefined } = {}): LiveOrderBook {
    this.#assertOpenForUse();
    const t = parseInput('kalshi', 'stream.orderBook', ticker, marketTicker);
    const existing = this.#books.get(t);
    if (existing && existing.status !== 'closed') return existing;
    const book = new LiveOrderBook(t, this.#bookOwner, options);
    this.#books.set(t, book);
    if (!this.#bookSub) {
      this.#bookSub = new KalshiSubscription<'orderbook_delta'>({ channel: 'orderbook_delta', marketTickers: [t] }, this.#driver, this.#o.bufferSize);
      this.#subs.add(this.#bookSub);
    } else this.#bookSub.desired.add(t);
    // A refusal fails the books it concerns inside the pass (#updateMarkets, #failSubscription).
    this.#bookSub.sync().catch(() => undefined);
    return book;
  }

  /** The server's list of this connection's subscriptions (`list_subscriptions`). */
  async listSubscriptions(): Promise<readonly ServerSubscription[]> {
    this.#assertOpenForUse();
    await this.#whenOpen();
    const reply = await this.#command('list_subscriptions', undefined, undefined);
    const parsed = okSchema.safeParse(reply);
    if (!parsed.success || !Array.isArray(parsed.data.msg)) {
      throw new ResponseShapeError({ provider: 'kalshi', code: 'response_shape', message: 'kalshi stream: list_subscriptions reply has no list', fieldPath: parsed.success ? 'msg' : fieldPathOf(parsed.error) });
    }
    return parsed.data.msg.map((s) => Object.freeze({ channel: s.channel, sid: s.sid }));
  }

  /** Close the socket, end every subscription and book, clear every timer. Idempotent. */
  async close(): Promise<void> {
    if (this.#status === 'closed') return;
    this.#status = 'closed';
    this.#bucket.close();
    // Wake every backoff sleep: the commands behind them then fail with ClientClosedError.
    for (const [timer, wake] of this.#timers) {
      clearTimeout(timer);
      wake();
    }
    this.#timers.clear();
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    this.#stopHealth();
    const closed = new ClientClosedError({ provider: 'kalshi', code: 'client_closed', message: 'kalshi stream: closed' });
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.reject(closed);
    }
    this.#pending.clear();
    for (const w of this.#openWaiters.splice(0)) w.reject(closed);
    for (const sub of this.#subs) sub.finish('closed');
    this.#subs.clear();
    this.#bySid.clear();
    for (const book of this.#books.values()) void book.close();
    this.#books.clear();
    const ws = this.#ws;
    if (ws) {
      await new Promise<void>((resolve) => {
        if (ws.readyState === CLOSED) return resolve();
        const force = setTimeout(() => ws.terminate(), 1_000);
        ws.once('close', () => {
          clearTimeout(force);
          resolve();
        });
        if (ws.readyState === OPEN) ws.close(1000, 'client closed');
        else ws.terminate();
      });
    }
    this.#events.clear();
  }

  // ---- connection ----

  #isClosed(): boolean {
    return this.#status === 'closed';
  }

  #assertOpenForUse(): void {
    if (this.#status === 'closed') throw new ClientClosedError({ provider: 'kalshi', code: 'client_closed', message: 'kalshi stream: closed' });
  }

  #whenOpen(): Promise<void> {
    if (this.#status === 'open' && this.#ws?.readyState === OPEN) return Promise.resolve();
    if (this.#status === 'closed') return Promise.reject(new ClientClosedError({ provider: 'kalshi', code: 'client_closed', message: 'kalshi stream: closed' }));
    const wait = new Promise<void>((resolve, reject) => this.#openWaiters.push({ resolve, reject }));
    if (this.#status === 'idle') void this.#connect();
    return wait;
  }

  async #connect(): Promise<void> {
    this.#status = 'connecting';
    // ws loads while the handshake is signed; a failed load is reported after a failed signing.
    const loading = loadWebSocket();
    loading.catch(() => undefined);
    let headers: KalshiAuthHeaders;
    try {
      headers = await this.#sign(this.#path);
    } catch (error) {
      return this.#connectFailed(new AuthenticationError({ provider: 'kalshi', code: 'authentication_failed', message: `kalshi stream: signing the handshake failed: ${errorSummary(error)}` }), true);
    }
    let WebSocketClass: typeof WebSocket;
    try {
      WebSocketClass = await loading;
    } catch (error) {
      return this.#connectFailed(new NetworkError({ provider: 'kalshi', code: 'network_error', retryable: false, message: `kalshi stream: the ws package failed to load (${errorSummary(error)})` }), true);
    }
    if (this.#status !== 'connecting') return;
    const keyId = headers['KALSHI-ACCESS-KEY'];
    const slotKey = this.#connectionKey ?? (keyId ? createHash('sha256').update(keyId).digest('hex').slice(0, 16) : undefined);
    if (slotKey !== undefined) {
      if (!acquireConnection(slotKey, this.#o.maxConnections)) {
        return this.#connectFailed(new QuotaExceededError({ provider: 'kalshi', code: 'quota_exceeded', message: `kalshi stream: ${this.#o.maxConnections} connections are already open for this key in this process` }), true);
      }
      this.#slotKey = slotKey;
    }
    let rejectedStatus: number | undefined;
    const ws = new WebSocketClass(this.#url, { headers: { ...headers }, handshakeTimeout: this.#o.handshakeTimeoutMs, perMessageDeflate: false, followRedirects: false, maxPayload: 64 * 1024 * 1024 });
    this.#ws = ws;
    let lastError: unknown;
    ws.on('unexpected-response', (_req, res) => {
      rejectedStatus = res.statusCode;
      res.resume();
      ws.terminate();
    });
    ws.on('error', (error) => (lastError = error));
    ws.on('open', () => this.#onOpen(ws));
    ws.on('message', (data, isBinary) => this.#onMessage(ws, data, isBinary));
    ws.on('ping', () => this.#heard());
    ws.on('pong', () => this.#heard());
    ws.on('close', (code, reason) => this.#onClose(ws, code, reason.toString('utf8').slice(0, 120), rejectedStatus, lastError));
  }

  #onOpen(ws: WebSocket): void {
    if (this.#ws !== ws || this.#status === 'closed') return;
    const reconnect = this.#everOpened;
    this.#everOpened = true;
    this.#status = 'open';
    this.#heard();
    this.#startHealth();
    // New connection, new sids: every subscription is sent again under the same handle.
    this.#bySid.clear();
    for (const sub of this.#subs) {
      sub.sid = undefined;
      sub.expectedSeq = undefined;
      sub.serverMarkets = new Set();
    }
    this.#events.emit('open', { reconnect });
    for (const w of this.#openWaiters.splice(0)) w.resolve();
    if (reconnect) {
      for (const sub of this.#subs) {
        sub.setStatus('resubscribing');
        sub.sync().then(
          () => this.#events.emit('resubscribed', { channel: sub.channel, handle: sub.handle, reason: 'reconnect' }),
          () => undefined,
        );
      }
    }
  }

  #onClose(ws: WebSocket, code: number, reason: string, rejectedStatus: number | undefined, lastError: unknown): void {
    if (this.#ws !== ws) return;
    this.#ws = undefined;
    if (this.#slotKey !== undefined) {
      releaseConnection(this.#slotKey);
      this.#slotKey = undefined;
    }
    this.#stopHealth();
    const lost = new ConnectionLostError({ provider: 'kalshi', code: 'network_error', message: 'kalshi stream: the connection closed before the reply', retryable: true });
    for (const [id, p] of this.#pending) {
      if (p.socket !== ws) continue;
      clearTimeout(p.timer);
      this.#pending.delete(id);
      p.reject(lost);
    }
    this.#bySid.clear();
    for (const sub of this.#subs) sub.sid = undefined;
    for (const book of this.#books.values()) book.expectSnapshot('connection lost; reconnecting');
    this.#resyncTickers.clear();
    this.#snapshotInFlight = false;
    if (this.#status === 'closed') return;
    const wasOpen = this.#status === 'open';
    this.#events.emit('disconnected', { code: wasOpen ? code : undefined, reason: rejectedStatus ? `handshake refused with HTTP ${rejectedStatus}` : wasOpen ? reason || 'connection closed' : errorSummary(lastError ?? 'connection failed') });
    if (rejectedStatus === 401 || rejectedStatus === 403) {
      const Cls = rejectedStatus === 401 ? AuthenticationError : PermissionError;
      const error = new Cls({ provider: 'kalshi', code: rejectedStatus === 401 ? 'authentication_failed' : 'permission_denied', status: rejectedStatus, message: `kalshi stream: the handshake was refused (HTTP ${rejectedStatus}); check the key id, the private key and the clock` });
      return this.#connectFailed(error, !this.#everOpened);
    }
    const error = rejectedStatus
      ? new NetworkError({ provider: 'kalshi', code: rejectedStatus === 429 ? 'rate_limited' : 'network_error', status: rejectedStatus, retryable: true, message: `kalshi stream: the handshake was refused (HTTP ${rejectedStatus})` })
      : new NetworkError({ provider: 'kalshi', code: 'network_error', retryable: true, message: `kalshi stream: ${wasOpen ? 'the connection closed' : 'the connection failed'} (${wasOpen ? code : errorSummary(lastError ?? 'no answer')})` });
    this.#connectFailed(error, false);
  }

  /** A connection attempt failed or a connection ended: give up (fatal, before any success) or back off and retry. */
  #connectFailed(error: MarketError, fatal: boolean): void {
    if (this.#status === 'closed') return;
    if (fatal) {
      this.#status = 'idle';
      for (const w of this.#openWaiters.splice(0)) w.reject(error);
      this.#events.emit('error', error);
      return;
    }
    this.#events.emit('error', error);
    this.#status = 'reconnecting';
    const base = Math.min(this.#o.maxDelayMs, this.#o.minDelayMs * 2 ** Math.min(this.#attempt, 20));
    const delayMs = Math.round(base / 2 + Math.random() * (base / 2));
    this.#attempt += 1;
    this.#events.emit('reconnecting', { attempt: this.#attempt, delayMs });
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (this.#status === 'reconnecting') void this.#connect();
    }, delayMs);
  }

  #heard(): void {
    this.#lastHeardAt = Date.now();
    for (const book of this.#books.values()) book.heard(this.#lastHeardAt);
  }

  #startHealth(): void {
    this.#stopHealth();
    const tick = Math.max(10, Math.min(1_000, Math.floor(Math.min(this.#o.silenceTimeoutMs, this.#o.staleAfterMs) / 5)));
    this.#healthTimer = setInterval(() => this.#checkHealth(), tick);
    // The open socket keeps the process alive; this timer must not.
    this.#healthTimer.unref();
  }

  #stopHealth(): void {
    if (this.#healthTimer) clearInterval(this.#healthTimer);
    this.#healthTimer = undefined;
  }

  #checkHealth(): void {
    const silentMs = Date.now() - this.#lastHeardAt;
    if (silentMs >= this.#staleThreshold()) for (const book of this.#books.values()) book.markStale(silentMs);
    if (silentMs >= this.#o.silenceTimeoutMs) {
      this.#events.emit('error', new TimeoutError({ provider: 'kalshi', code: 'timeout', retryable: true, message: `kalshi stream: no frame or ping for ${silentMs} ms; reconnecting` }));
      this.#ws?.terminate();
    }
  }

  #staleThreshold(): number {
    return Math.min(this.#o.staleAfterMs, this.#o.silenceTimeoutMs);
  }

  // ---- commands ----

  /** Send one command and wait for the frame that answers it; 18 and 27 are retried with backoff. */
  async #command(cmd: string, params: Record<string, unknown> | undefined, channel: string | undefined, onReply?: (frame: Record<string, unknown>) => void): Promise<Record<string, unknown>> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.#commandOnce(cmd, params, channel, onReply);
      } catch (error) {
        if (!(error instanceof StreamError) || !error.retryable || attempt >= 4) throw error;
        await this.#sleep(Math.round(100 * 2 ** attempt * (0.5 + Math.random() / 2)));
      }
    }
  }

  async #commandOnce(cmd: string, params: Record<string, unknown> | undefined, channel: string | undefined, onReply: ((frame: Record<string, unknown>) => void) | undefined): Promise<Record<string, unknown>> {
    await this.#bucket.take();
    const ws = this.#ws;
    if (this.#status !== 'open' || !ws || ws.readyState !== OPEN) {
      if (this.#status === 'closed') throw new ClientClosedError({ provider: 'kalshi', code: 'client_closed', message: 'kalshi stream: closed' });
      throw new ConnectionLostError({ provider: 'kalshi', code: 'network_error', message: 'kalshi stream: not connected', retryable: true });
    }
    const id = this.#nextId++;
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new TimeoutError({ provider: 'kalshi', code: 'timeout', retryable: true, message: `kalshi stream: no reply to ${cmd}${channel ? ` ${channel}` : ''} within ${this.#o.commandTimeoutMs} ms` }));
      }, this.#o.commandTimeoutMs);
      this.#pending.set(id, { cmd, channel, resolve, reject, onReply, timer, socket: ws });
      ws.send(JSON.stringify(params === undefined ? { id, cmd } : { id, cmd, params }));
    });
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve();
      }, ms);
      this.#timers.set(timer, resolve);
    });
  }

  #settle(id: number | undefined, frame: Record<string, unknown>, error?: StreamError): boolean {
    if (id === undefined || id === 0) return false;
    const p = this.#pending.get(id);
    if (!p) return false;
    this.#pending.delete(id);
    clearTimeout(p.timer);
    if (error) p.reject(error);
    else {
      this.#attempt = 0; // a reply: this connection works, so the backoff starts over next time
      try {
        p.onReply?.(frame);
      } catch (hookError) {
        p.reject(hookError);
        return true;
      }
      p.resolve(frame);
    }
    return true;
  }

  // ---- subscriptions ----

  readonly #driver: SubscriptionDriver = {
    sync: (sub) => this.#syncSubscription(sub),
    release: (sub) => this.#releaseSubscription(sub),
  };

  /** One reconciliation pass: make the server's subscription match the handle. */
  async #syncSubscription(sub: SubscriptionInternals): Promise<void> {
    for (;;) {
      if (sub.status === 'closed' || sub.status === 'failed' || !this.#subs.has(sub)) return;
      try {
        await this.#whenOpen();
      } catch (error) {
        // The first connection was refused (key, signature, connection limit): the handle fails with why.
        if (error instanceof MarketError && !(error instanceof ClientClosedError)) this.#failSubscription(sub, error);
        throw error;
      }
      try {
        if (sub.sid === undefined) {
          await this.#subscribeOnServer(sub);
          continue;
        }
        const add = [...sub.desired].filter((t) => !sub.serverMarkets.has(t));
        const del = [...sub.serverMarkets].filter((t) => !sub.desired.has(t));
        if (add.length) await this.#updateMarkets(sub, add, 'add_markets');
        else if (del.length) await this.#updateMarkets(sub, del, 'delete_markets');
        else return;
      } catch (error) {
        if (error instanceof ConnectionLostError) continue;
        if (error instanceof TimeoutError && !this.#isClosed()) {
          // No reply at all: the connection is sick. Replace it; the pass runs again on the new one.
          this.#events.emit('error', error);
          this.#ws?.terminate();
          continue;
        }
        throw error;
      }
    }
  }

  async #subscribeOnServer(sub: SubscriptionInternals): Promise<void> {
    const markets = [...sub.desired];
    const o = sub.options;
    const params: Record<string, unknown> = { channels: [sub.channel] };
    if (markets.length === 1) params.market_ticker = markets[0];
    else if (markets.length > 1) params.market_tickers = markets;
    if (o.sendInitialSnapshot !== undefined) params.send_initial_snapshot = o.sendInitialSnapshot;
    if (o.userFilter !== undefined) params.user_filter = o.userFilter;
    if (o.shardFactor !== undefined) params.shard_factor = o.shardFactor;
    if (o.shardKey !== undefined) params.shard_key = o.shardKey;
    if (sub === this.#bookSub) for (const t of markets) this.#books.get(t)?.expectSnapshot('subscribing');
    // The sid is registered inside the reply's handling: the snapshot that follows it in the
    // same read must find its subscription.
    const register = (reply: Record<string, unknown>): void => {
      const parsed = subscribedSchema.safeParse(reply);
      if (!parsed.success) throw new StreamError({ code: 'response_shape', message: `kalshi stream: the subscribe reply failed its schema at ${fieldPathOf(parsed.error)}`, channel: sub.channel, command: 'subscribe' });
      const sid = parsed.data.msg.sid;
      if (sub.status === 'closed' || !this.#subs.has(sub)) {
        // Closed while the subscribe was in flight: undo it on the server.
        void this.#command('unsubscribe', { sids: [sid] }, sub.channel).catch(() => undefined);
        return;
      }
      sub.sid = sid;
      sub.expectedSeq = undefined;
      sub.serverMarkets = new Set(markets);
      this.#bySid.set(sid, sub);
      sub.setStatus('active');
    };
    try {
      await this.#command('subscribe', params, sub.channel, register);
    } catch (error) {
      if (error instanceof StreamError) this.#failSubscription(sub, error);
      throw error;
    }
  }

  async #updateMarkets(sub: SubscriptionInternals, tickers: string[], action: 'add_markets' | 'delete_markets'): Promise<void> {
    const sid = sub.sid;
    if (sub === this.#bookSub && action === 'add_markets') for (const t of tickers) this.#books.get(t)?.expectSnapshot('adding the market');
    try {
      await this.#command('update_subscription', { sids: [sid], market_tickers: tickers, action }, sub.channel);
    } catch (error) {
      if (error instanceof StreamError) {
        // The server kept its markets: so does the handle, and the caller hears why.
        for (const t of tickers) {
          if (action === 'add_markets') sub.desired.delete(t);
          else sub.desired.add(t);
          if (sub === this.#bookSub && action === 'add_markets') {
            const book = this.#books.get(t);
            if (book) this.#failBook(book, error);
          }
        }
        sub.reportError(error);
      }
      throw error;
    }
    if (sub.sid !== sid) throw new ConnectionLostError({ provider: 'kalshi', code: 'network_error', message: 'kalshi stream: resubscribed meanwhile', retryable: true });
    for (const t of tickers) {
      if (action === 'add_markets') sub.serverMarkets.add(t);
      else sub.serverMarkets.delete(t);
    }
  }

  async #releaseSubscription(sub: SubscriptionInternals): Promise<void> {
    this.#subs.delete(sub);
    const sid = sub.sid;
    sub.sid = undefined;
    if (sid === undefined) return;
    this.#bySid.delete(sid);
    if (this.#status !== 'open') return;
    try {
      await this.#command('unsubscribe', { sids: [sid] }, sub.channel);
    } catch {
      // The server forgets it with the connection anyway.
    }
  }

  #failSubscription(sub: SubscriptionInternals, error: MarketError): void {
    this.#subs.delete(sub);
    if (sub.sid !== undefined) this.#bySid.delete(sub.sid);
    sub.finish('failed', error);
    if (sub === this.#bookSub) {
      this.#bookSub = undefined;
      for (const book of [...this.#books.values()]) this.#failBook(book, error);
    }
  }

  /** The server dropped a subscription (terminal error) or it must be rebuilt: subscribe it again, same handle. */
  #resubscribe(sub: SubscriptionInternals, reason: string): void {
    const sid = sub.sid;
    if (sid !== undefined) {
      this.#bySid.delete(sid);
      void this.#command('unsubscribe', { sids: [sid] }, sub.channel).catch(() => undefined);
    }
    sub.sid = undefined;
    sub.serverMarkets = new Set();
    sub.setStatus('resubscribing');
    if (sub === this.#bookSub) for (const book of this.#books.values()) book.expectSnapshot(reason);
    sub.sync().then(
      () => this.#events.emit('resubscribed', { channel: sub.channel, handle: sub.handle, reason }),
      () => undefined,
    );
  }

  // ---- frames ----

  #onMessage(ws: WebSocket, data: WebSocket.RawData, isBinary: boolean): void {
    if (this.#ws !== ws) return;
    this.#heard();
    if (isBinary) return this.#schemaError(undefined, undefined, '(frame)', 'a binary frame');
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      return this.#schemaError(undefined, undefined, '(frame)', 'a frame that is not JSON');
    }
    const envelope = frameEnvelopeSchema.safeParse(frame);
    if (!envelope.success) return this.#schemaError(undefined, undefined, fieldPathOf(envelope.error), 'a frame without a type');
    const { type, id, sid, seq } = envelope.data;
    const raw = frame as Record<string, unknown>;
    const sub = sid !== undefined ? this.#bySid.get(sid) : undefined;
    if (sub && seq !== undefined) this.#checkSeq(sub, seq);

    switch (type) {
      case 'subscribed':
      case 'unsubscribed':
      case 'ok':
        if (!this.#settle(id, raw)) this.#events.emit('unknownMessage', { type, channel: sub?.channel });
        return;
      case 'error':
        return this.#onErrorFrame(raw, sub);
    }
    if (type === 'orderbook_snapshot') this.#settle(id, raw);
    if (!sub) return; // a sid this connection no longer follows
    const schemas = CHANNEL_MESSAGE_SCHEMAS[sub.channel] as Readonly<Record<string, z.ZodType>>;
    const schema = schemas[type];
    if (!schema) return this.#events.emit('unknownMessage', { type, channel: sub.channel });
    const parsed = schema.safeParse(frame);
    if (!parsed.success) {
      this.#schemaError(sub.channel, type, fieldPathOf(parsed.error), `a ${type} message`);
      if (sub === this.#bookSub) this.#bookMessageLost(raw);
      return;
    }
    if (sub === this.#bookSub) return this.#onBookMessage(parsed.data as OrderbookSnapshotMessage | OrderbookDeltaMessage);
    sub.deliver(parsed.data);
  }

  #checkSeq(sub: SubscriptionInternals, seq: number): void {
    const expected = sub.expectedSeq;
    sub.expectedSeq = seq + 1;
    if (expected === undefined || seq === expected) return;
    const gap = { channel: sub.channel, expected, received: seq };
    sub.reportGap(gap);
    this.#events.emit('gap', { ...gap, handle: sub.handle });
    if (sub === this.#bookSub) for (const book of this.#books.values()) book.resync(`seq gap: expected ${expected}, got ${seq}`);
  }

  #onErrorFrame(raw: Record<string, unknown>, sub: SubscriptionInternals | undefined): void {
    const parsed = errorFrameSchema.safeParse(raw);
    if (!parsed.success) return this.#schemaError(sub?.channel, 'error', fieldPathOf(parsed.error), 'an error frame');
    const { id, msg } = parsed.data;
    const pending = id !== undefined ? this.#pending.get(id) : undefined;
    const error = streamErrorFromFrame({ code: msg.code, msg: msg.msg, command: pending?.cmd, channel: pending?.channel ?? sub?.channel, marketTickers: msg.market_tickers ?? (msg.market_ticker ? [msg.market_ticker] : undefined) });
    const settled = this.#settle(id, raw, error);
    if (sub && error.terminal) {
      sub.reportError(error);
      this.#resubscribe(sub, `terminal error ${msg.code}`);
      return;
    }
    if (settled) return;
    if (sub) sub.reportError(error);
    this.#events.emit('error', error);
  }

  #schemaError(channel: string | undefined, type: string | undefined, fieldPath: string, what: string): void {
    const error = new ResponseShapeError({ provider: 'kalshi', code: 'response_shape', message: `kalshi stream: ${what} failed its schema at ${fieldPath}`, fieldPath });
    this.#events.emit('schemaError', Object.freeze({ channel, type, fieldPath, error }));
  }

  // ---- books ----

  readonly #bookOwner: OrderBookOwner = {
    resync: (book) => this.#requestSnapshot(book.ticker),
    release: (book) => this.#releaseBook(book),
  };

  #onBookMessage(message: OrderbookSnapshotMessage | OrderbookDeltaMessage): void {
    const book = this.#books.get(message.msg.market_ticker);
    if (!book) return;
    if (message.type === 'orderbook_snapshot') book.applySnapshot(message.msg.yes_dollars_fp ?? [], message.msg.no_dollars_fp ?? [], message.seq);
    else book.applyDelta(message.msg.side, message.msg.price_dollars, message.msg.delta_fp, message.seq);
  }

  /** A book message failed its schema: whichever book it was for has missed an update. */
  #bookMessageLost(raw: Record<string, unknown>): void {
    const msg = raw.msg as { market_ticker?: unknown } | undefined;
    const named = typeof msg?.market_ticker === 'string' ? this.#books.get(msg.market_ticker) : undefined;
    for (const book of named ? [named] : this.#books.values()) book.resync('a book message failed its schema');
  }

  #requestSnapshot(marketTicker: string): void {
    this.#resyncTickers.add(marketTicker);
    if (this.#resyncScheduled) return;
    this.#resyncScheduled = true;
    // Batch the books of one gap into one get_snapshot.
    queueMicrotask(() => {
      this.#resyncScheduled = false;
      void this.#flushSnapshots();
    });
  }

  async #flushSnapshots(): Promise<void> {
    const sub = this.#bookSub;
    if (this.#snapshotInFlight || !sub || this.#resyncTickers.size === 0) return;
    const tickers = [...this.#resyncTickers].filter((t) => sub.serverMarkets.has(t));
    this.#resyncTickers.clear();
    if (sub.sid === undefined || tickers.length === 0 || this.#status !== 'open') return;
    this.#snapshotInFlight = true;
    try {
      await this.#command('update_subscription', { sids: [sub.sid], market_tickers: tickers, action: 'get_snapshot' }, sub.channel);
    } catch (error) {
      if (this.#isClosed() || error instanceof ConnectionLostError) return;
      // No snapshot: rebuild the subscription, whose subscribe brings fresh snapshots.
      for (const t of tickers) this.#books.get(t)?.snapshotRequestFailed();
      if (error instanceof MarketError) this.#events.emit('error', error);
      if (this.#bookSub === sub) this.#resubscribe(sub, 'get_snapshot failed');
    } finally {
      this.#snapshotInFlight = false;
      if (this.#resyncTickers.size) void this.#flushSnapshots();
    }
  }

  async #releaseBook(book: LiveOrderBook): Promise<void> {
    if (this.#books.get(book.ticker) !== book) return;
    this.#books.delete(book.ticker);
    const sub = this.#bookSub;
    if (!sub || this.#status === 'closed') return;
    sub.desired.delete(book.ticker);
    if (sub.desired.size === 0) {
      this.#bookSub = undefined;
      sub.finish('closed');
      await this.#releaseSubscription(sub);
      return;
    }
    await sub.sync().catch(() => undefined);
  }

  #failBook(book: LiveOrderBook, error: MarketError): void {
    if (this.#books.get(book.ticker) === book) this.#books.delete(book.ticker);
    book.fail(error);
  }
}

/** Open (lazily) one Kalshi WebSocket connection. */
export function createKalshiStream(options: KalshiStreamOptions): KalshiStream {
  return new KalshiStream(options);
}
