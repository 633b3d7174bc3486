/**
 * The Kalshi sandbox's WebSocket server (`ws`, path `/trade-api/ws/v2`): verifies the signed
 * handshake, implements subscribe / unsubscribe / update_subscription / list_subscriptions
 * with the documented error codes, and serves the channels from a market feed (the
 * matching engine's true state and events), with field names from the AsyncAPI. Fault
 * injection: dropped connections, lost seqs, error frames, silence, delayed and malformed frames.
 */
import { createHash, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { verifyPss } from '../../src/crypto/pss-signer.js';
import type { KalshiSide, SandboxMarketEvent, SandboxMarketFeed, SandboxOrderView } from './sandbox-market-events.js';
import { kalshiSignatureMessage } from './signing.js';
import { formatPrice, ONE_DOLLAR, parseFixed, PRICE_SCALE } from './stream/fixed-point.js';

// ---- the feed this server reads: the matching engine's contract (sandbox-market-events.ts) ----

/** `yes` or `no`. */
export type StreamFeedSide = KalshiSide;
/** An order as the feed reports it (the engine's order view). */
export type StreamFeedOrderView = SandboxOrderView;
/** One thing that happened in the market (exact decimal strings: prices "0.5600", counts "10.00"). */
export type StreamFeedEvent = SandboxMarketEvent;
/** The market state and events the server streams from (the matching engine implements it). */
export type StreamMarketFeed = SandboxMarketFeed;

// ---- handshake ----

/** Who opened a connection. */
export interface StreamHandshakeIdentity {
  userId: string;
}
/** A refused handshake. */
export interface StreamHandshakeRefusal {
  status: 401 | 403;
  reason: string;
}
/** Checks the upgrade request's `KALSHI-ACCESS-*` headers. */
export type StreamHandshakeVerifier = (request: { method: string; path: string; headers: http.IncomingHttpHeaders }) => StreamHandshakeIdentity | StreamHandshakeRefusal;

/** A verifier over registered public keys: RSA-PSS over `timestamp + "GET" + path`, within a timestamp window. */
export function kalshiHandshakeVerifier(lookup: (keyId: string) => { publicKey: KeyObject | string; userId: string } | undefined, options: { timestampWindowMs?: number } = {}): StreamHandshakeVerifier {
  const windowMs = options.timestampWindowMs ?? 10_000;
  return ({ method, path, headers }) => {
    const keyId = headers['kalshi-access-key'];
    const ts = headers['kalshi-access-timestamp'];
    const sig = headers['kalshi-access-signature'];
    if (typeof keyId !== 'string' || typeof ts !== 'string' || typeof sig !== 'string') return { status: 401, reason: 'missing authentication headers' };
    const key = lookup(keyId);
    if (!key) return { status: 401, reason: 'api key not found' };
    if (!/^\d{13}$/.test(ts) || Math.abs(Date.now() - Number(ts)) > windowMs) return { status: 401, reason: 'timestamp outside the accepted window' };
    if (!verifyPss(key.publicKey, kalshiSignatureMessage(Number(ts), method, path), sig)) return { status: 401, reason: 'signature verification failed' };
    return { userId: key.userId };
  };
}

// ---- server ----

/** Options of the WebSocket sandbox. */
export interface KalshiStreamSandboxOptions {
  feed: StreamMarketFeed;
  verify: StreamHandshakeVerifier;
  /** Default `/trade-api/ws/v2`. */
  path?: string | undefined;
  /** Server pings (`heartbeat`), default every 10 s as documented. */
  pingIntervalMs?: number | undefined;
  /** Commands per connection before error 27 (token bucket; default 100 at once, 50/s). */
  commandRate?: { capacity: number; refillPerSecond: number } | undefined;
  /** Markets per subscription before error 26 (default 1000). */
  marketLimit?: number | undefined;
  /** Connections per user before the handshake gets 429 (default 200). */
  maxConnectionsPerUser?: number | undefined;
  /** Called with every frame sent (tests validate them); `injected` marks a deliberately malformed one. */
  onFrame?: ((frame: { text: string; injected: boolean }) => void) | undefined;
}

type Channel = 'orderbook_delta' | 'ticker' | 'trade' | 'fill' | 'user_orders' | 'market_positions' | 'market_lifecycle_v2' | 'multivariate_market_lifecycle' | 'order_group_updates' | 'communications';
const CHANNELS = new Set<string>(['orderbook_delta', 'ticker', 'trade', 'fill', 'user_orders', 'market_positions', 'market_lifecycle_v2', 'multivariate_market_lifecycle', 'order_group_updates', 'communications', 'cfbenchmarks_value', 'cfbenchmarks_value_5hz', 'pyth_value']);
const SUPPORTED = new Set<string>(['orderbook_delta', 'ticker', 'trade', 'fill', 'user_orders', 'market_positions', 'market_lifecycle_v2', 'multivariate_market_lifecycle', 'order_group_updates', 'communications']);
/** Channels whose messages carry `seq`. */
const SEQUENCED = new Set<string>(['orderbook_delta', 'trade', 'market_lifecycle_v2', 'multivariate_market_lifecycle', 'order_group_updates', 'communications']);
/** Channels with a market filter that update_subscription can change. */
const FILTERABLE = new Set<string>(['orderbook_delta', 'ticker', 'trade', 'fill', 'user_orders', 'market_positions']);

interface ServerSub {
  sid: number;
  channel: Channel;
  /** undefined: every market. */
  markets: Set<string> | undefined;
  seq: number;
}

interface Conn {
  ws: WebSocket;
  userId: string;
  subs: Map<number, ServerSub>;
  nextSid: number;
  tokens: number;
  tokensAt: number;
  /** Silent: no pings, no frames (the "stop pinging" fault). */
  stalled: boolean;
  /** When the last delayed frame goes out (keeps delayed frames in order). */
  dueAt: number;
}

type Frame = Record<string, unknown>;

const marketIdOf = (ticker: string): string => {
  const h = createHash('sha256').update(ticker).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
const complement = (price: string): string => {
  const units = parseFixed(price, PRICE_SCALE);
  return units === undefined ? price : formatPrice(ONE_DOLLAR - units);
};
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const addCounts = (a: string, b: string): string => {
  const x = parseFixed(a, 2) ?? 0n;
  const y = parseFixed(b, 2) ?? 0n;
  const sum = x + y;
  return `${sum / 100n}.${(sum % 100n).toString().padStart(2, '0')}`;
};

/** The Kalshi WebSocket sandbox (see the file comment). */
export class KalshiStreamSandbox {
  readonly #o: Required<Omit<KalshiStreamSandboxOptions, 'onFrame'>> & Pick<KalshiStreamSandboxOptions, 'onFrame'>;
  readonly #wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  readonly #conns = new Set<Conn>();
  readonly #servers = new Set<http.Server>();
  readonly #ownSockets = new Set<Socket>();
  readonly #unsubscribeFeed: () => void;
  readonly #lastTrade = new Map<string, { price: string; count: string }>();
  readonly #volume = new Map<string, string>();
  #own: http.Server | undefined;
  #pingTimer: NodeJS.Timeout;
  #url = '';
  // faults
  #dropSeqs = 0;
  #badFields = 0;
  #delayMs = 0;
  #handshakes = 0;
  #down = false;
  #pongs = 0;

  constructor(options: KalshiStreamSandboxOptions) {
    this.#o = {
      feed: options.feed,
      verify: options.verify,
      path: options.path ?? '/trade-api/ws/v2',
      pingIntervalMs: options.pingIntervalMs ?? 10_000,
      commandRate: options.commandRate ?? { capacity: 100, refillPerSecond: 50 },
      marketLimit: options.marketLimit ?? 1000,
      maxConnectionsPerUser: options.maxConnectionsPerUser ?? 200,
      onFrame: options.onFrame,
    };
    this.#unsubscribeFeed = this.#o.feed.onEvent((event) => this.#onFeedEvent(event));
    this.#pingTimer = setInterval(() => {
      for (const c of this.#conns) if (!c.stalled && c.ws.readyState === WebSocket.OPEN) c.ws.ping('heartbeat');
    }, this.#o.pingIntervalMs);
    this.#pingTimer.unref();
  }

  /** Serve WebSocket upgrades on `server` (e.g. the REST sandbox's), at the configured path. */
  attach(server: http.Server): void {
    this.#servers.add(server);
    server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => this.#onUpgrade(req, socket, head));
  }

  /** Listen on 127.0.0.1 on its own (port 0: any free one); resolves to the ws URL. */
  async listen(port = 0): Promise<string> {
    const server = http.createServer((_req, res) => {
      res.writeHead(426, { 'Content-Type': 'text/plain' }).end('upgrade required');
    });
    server.on('connection', (socket) => {
      this.#ownSockets.add(socket);
      socket.on('close', () => this.#ownSockets.delete(socket));
    });
    this.#own = server;
    this.attach(server);
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.#url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}${this.#o.path}`;
    return this.#url;
  }

  /** The ws URL (after `listen`). */
  get url(): string {
    return this.#url;
  }

  /** Open connections. */
  get connectionCount(): number {
    return this.#conns.size;
  }

  /** Handshakes accepted so far. */
  get handshakeCount(): number {
    return this.#handshakes;
  }

  /** Pongs received (clients answering the heartbeat pings). */
  get pongCount(): number {
    return this.#pongs;
  }

  /** The server's subscriptions, per open connection (for tests). */
  subscriptions(): { channel: string; sid: number; markets: string[] | undefined }[][] {
    return [...this.#conns].map((c) => [...c.subs.values()].map((s) => ({ channel: s.channel, sid: s.sid, markets: s.markets ? [...s.markets] : undefined })));
  }

  /** Fault injection. */
  readonly faults = {
    /** Cut every open connection (no close frame). */
    drop: (): void => {
      for (const c of this.#conns) c.ws.terminate();
    },
    /** Lose the next `times` book messages: their seq is used up but they are never sent. */
    skipSeq: (times = 1): void => {
      this.#dropSeqs += times;
    },
    /** Send an error frame with `code` on every subscription of `channel`; 10 and 25 also end those subscriptions, as the server does. */
    sendError: (code: number, channel: string = 'orderbook_delta'): void => {
      for (const c of this.#conns) {
        for (const sub of [...c.subs.values()]) {
          if (sub.channel !== channel) continue;
          const frame: Frame = { type: 'error', sid: sub.sid, msg: { code, msg: code === 25 ? 'Subscription buffer overflow' : code === 10 ? 'Channel error' : 'Error' } };
          if (SEQUENCED.has(sub.channel)) frame.seq = ++sub.seq;
          this.#send(c, frame);
          if (code === 10 || code === 25) c.subs.delete(sub.sid);
        }
      }
    },
    /** `true`: the stream is down — every connection is cut and every handshake refused with 503 until `down(false)`. */
    down: (on = true): void => {
      this.#down = on;
      if (on) for (const c of this.#conns) c.ws.terminate();
    },
    /** Go silent on the open connections: no pings, no frames (new connections are normal). */
    stopPinging: (): void => {
      for (const c of this.#conns) c.stalled = true;
    },
    /** Delay every frame by `ms` from now on (0: no delay); order is kept. */
    delayFrames: (ms: number): void => {
      this.#delayMs = ms;
    },
    /** `not_json`: send a frame that is not JSON now; `bad_field`: the next book delta carries a number where the price string belongs. */
    malformed: (kind: 'not_json' | 'bad_field'): void => {
      if (kind === 'bad_field') {
        this.#badFields += 1;
        return;
      }
      for (const c of this.#conns) this.#sendText(c, '{"type":"orderbook_delta","sid":', true);
    },
  };

  /** Stop: cut every connection, stop pinging, stop listening to the feed. */
  async close(): Promise<void> {
    clearInterval(this.#pingTimer);
    this.#unsubscribeFeed();
    for (const c of this.#conns) c.ws.terminate();
    this.#conns.clear();
    this.#wss.close();
    if (this.#own) {
      for (const s of this.#ownSockets) s.destroy();
      const own = this.#own;
      this.#own = undefined;
      await new Promise<void>((resolve) => own.close(() => resolve()));
    }
  }

  // ---- connections ----

  #onUpgrade(req: http.IncomingMessage, socket: Socket, head: Buffer): void {
    const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
    if (path !== this.#o.path) return; // another upgrade handler's path
    const refuse = (status: number, reason: string): void => {
      socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json\r\n\r\n${JSON.stringify({ error: { code: status === 401 ? 'authentication_error' : status === 429 ? 'rate_limited' : 'service_unavailable', message: reason } })}`);
    };
    if (this.#down) return refuse(503, 'the stream is down (fault injection)');
    const who = this.#o.verify({ method: req.method ?? 'GET', path, headers: req.headers });
    if ('status' in who) return refuse(who.status, who.reason);
    const open = [...this.#conns].filter((c) => c.userId === who.userId).length;
    if (open >= this.#o.maxConnectionsPerUser) return refuse(429, 'too many connections');
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      this.#handshakes += 1;
      const conn: Conn = { ws, userId: who.userId, subs: new Map(), nextSid: 1, tokens: this.#o.commandRate.capacity, tokensAt: Date.now(), stalled: false, dueAt: 0 };
      this.#conns.add(conn);
      ws.on('message', (data, isBinary) => {
        if (!conn.stalled) this.#onCommand(conn, isBinary ? '' : Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8'));
      });
      ws.on('pong', () => (this.#pongs += 1));
      ws.on('close', () => this.#conns.delete(conn));
      ws.on('error', () => ws.terminate());
    });
  }

  #sendText(c: Conn, text: string, injected: boolean): void {
    if (c.stalled || c.ws.readyState !== WebSocket.OPEN) return;
    const out = (): void => {
      if (c.stalled || c.ws.readyState !== WebSocket.OPEN) return;
      this.#o.onFrame?.({ text, injected });
      c.ws.send(text);
    };
    const now = Date.now();
    if (this.#delayMs <= 0 && c.dueAt <= now) return out();
    c.dueAt = Math.max(c.dueAt, now + this.#delayMs);
    setTimeout(out, c.dueAt - now).unref();
  }

  #send(c: Conn, frame: Frame, injected = false): void {
    this.#sendText(c, JSON.stringify(frame), injected);
  }

  #error(c: Conn, id: number | undefined, code: number, msg: string, extra: Frame = {}): void {
    this.#send(c, { ...(id !== undefined ? { id } : {}), type: 'error', msg: { code, msg, ...extra } });
  }

  // ---- commands ----

  #onCommand(c: Conn, text: string): void {
    let command: { id?: unknown; cmd?: unknown; params?: unknown };
    try {
      command = JSON.parse(text) as typeof command;
      if (typeof command !== 'object' || command === null) throw new Error('not an object');
    } catch {
      return this.#error(c, undefined, 1, 'Unable to process message');
    }
    const id = typeof command.id === 'number' && Number.isInteger(command.id) && command.id > 0 ? command.id : undefined;
    const now = Date.now();
    const rate = this.#o.commandRate;
    c.tokens = Math.min(rate.capacity, c.tokens + ((now - c.tokensAt) / 1000) * rate.refillPerSecond);
    c.tokensAt = now;
    if (c.tokens < 1) return this.#error(c, id, 27, 'Too many requests');
    c.tokens -= 1;
    const params = command.params as Record<string, unknown> | undefined;
    switch (command.cmd) {
      case 'subscribe':
        return this.#subscribe(c, id, params);
      case 'unsubscribe':
        return this.#unsubscribe(c, id, params);
      case 'update_subscription':
        return this.#update(c, id, params);
      case 'list_subscriptions':
        return this.#send(c, { id, type: 'ok', msg: [...c.subs.values()].map((s) => ({ channel: s.channel, sid: s.sid })) });
      default:
        return this.#error(c, id, 5, 'Unknown command');
    }
  }

  #tickersOf(params: Record<string, unknown>): string[] | undefined | 'bad' {
    if (params.market_ticker !== undefined) return typeof params.market_ticker === 'string' && params.market_ticker ? [params.market_ticker] : 'bad';
    if (params.market_tickers !== undefined) {
      const list = params.market_tickers;
      return Array.isArray(list) && list.length > 0 && list.every((t) => typeof t === 'string' && t) ? (list as string[]) : 'bad';
    }
    return undefined;
  }

  #subscribe(c: Conn, id: number | undefined, params: Record<string, unknown> | undefined): void {
    if (!params || typeof params !== 'object') return this.#error(c, id, 2, 'Params required');
    const channels = params.channels;
    if (!Array.isArray(channels) || channels.length === 0) return this.#error(c, id, 3, 'Channels required');
    const tickers = this.#tickersOf(params);
    if (tickers === 'bad') return this.#error(c, id, 11, 'Invalid parameter');
    for (const channel of channels) {
      if (typeof channel !== 'string' || !CHANNELS.has(channel) || !SUPPORTED.has(channel)) {
        this.#error(c, id, 8, 'Unknown channel name');
        continue;
      }
      if (channel === 'orderbook_delta' && !tickers) {
        this.#error(c, id, 14, 'Market Ticker required');
        continue;
      }
      const unknown = tickers?.find((t) => !this.#o.feed.book(t));
      if (channel === 'orderbook_delta' && unknown) {
        this.#error(c, id, 11, 'Invalid parameter', { market_ticker: unknown });
        continue;
      }
      if (tickers && tickers.length > this.#o.marketLimit) {
        this.#error(c, id, 26, 'Subscription market limit exceeded');
        continue;
      }
      const sub: ServerSub = { sid: c.nextSid++, channel: channel as Channel, markets: tickers && FILTERABLE.has(channel) ? new Set(tickers) : undefined, seq: 0 };
      c.subs.set(sub.sid, sub);
      this.#send(c, { id, type: 'subscribed', msg: { channel, sid: sub.sid } });
      if (channel === 'orderbook_delta') for (const t of tickers ?? []) this.#sendSnapshot(c, sub, t, undefined);
      if (channel === 'ticker' && params.send_initial_snapshot === true) for (const t of tickers ?? []) this.#sendTicker(c, sub, t);
    }
  }

  #unsubscribe(c: Conn, id: number | undefined, params: Record<string, unknown> | undefined): void {
    if (!params || typeof params !== 'object') return this.#error(c, id, 2, 'Params required');
    const sids = params.sids;
    if (!Array.isArray(sids) || sids.length === 0) return this.#error(c, id, 4, 'Subscription IDs required');
    for (const sid of sids) {
      const sub = typeof sid === 'number' ? c.subs.get(sid) : undefined;
      if (!sub) {
        this.#error(c, id, 7, 'Unknown subscription ID');
        continue;
      }
      c.subs.delete(sub.sid);
      this.#send(c, { id, sid: sub.sid, seq: ++sub.seq, type: 'unsubscribed' });
    }
  }

  #update(c: Conn, id: number | undefined, params: Record<string, unknown> | undefined): void {
    if (!params || typeof params !== 'object') return this.#error(c, id, 2, 'Params required');
    const sids = params.sid !== undefined ? (params.sids !== undefined ? [] : [params.sid]) : Array.isArray(params.sids) ? params.sids : [];
    if (sids.length !== 1) return this.#error(c, id, 12, 'Exactly one subscription ID is required');
    const sub = typeof sids[0] === 'number' ? c.subs.get(sids[0]) : undefined;
    if (!sub) return this.#error(c, id, 7, 'Unknown subscription ID');
    const action = params.action;
    if (action === undefined) return this.#error(c, id, 15, 'Action required');
    if (action !== 'add_markets' && action !== 'delete_markets' && action !== 'get_snapshot') return this.#error(c, id, 13, 'Unsupported action');
    if (!FILTERABLE.has(sub.channel) || (action === 'get_snapshot' && sub.channel !== 'orderbook_delta')) return this.#error(c, id, 13, 'Unsupported action');
    const tickers = this.#tickersOf(params);
    if (tickers === 'bad') return this.#error(c, id, 11, 'Invalid parameter');
    if (!tickers) return this.#error(c, id, 14, 'Market Ticker required');
    if (sub.channel === 'orderbook_delta') {
      const unknown = tickers.find((t) => !this.#o.feed.book(t));
      if (unknown && action !== 'delete_markets') return this.#error(c, id, 11, 'Invalid parameter', { market_ticker: unknown });
    }
    if (action === 'get_snapshot') {
      for (const t of tickers) if (sub.markets?.has(t)) this.#sendSnapshot(c, sub, t, id);
      return;
    }
    const markets = sub.markets ?? new Set<string>();
    const added = action === 'add_markets' ? tickers.filter((t) => !markets.has(t)) : [];
    if (action === 'add_markets' && markets.size + added.length > this.#o.marketLimit) return this.#error(c, id, 26, 'Subscription market limit exceeded');
    for (const t of tickers) {
      if (action === 'add_markets') markets.add(t);
      else markets.delete(t);
    }
    sub.markets = markets;
    const ok: Frame = { id, sid: sub.sid, type: 'ok', msg: { market_tickers: [...markets] } };
    if (SEQUENCED.has(sub.channel)) ok.seq = ++sub.seq;
    this.#send(c, ok);
    if (sub.channel === 'orderbook_delta') for (const t of added) this.#sendSnapshot(c, sub, t, undefined);
  }

  // ---- channel messages ----

  #sendSnapshot(c: Conn, sub: ServerSub, ticker: string, id: number | undefined): void {
    const book = this.#o.feed.book(ticker);
    const msg: Frame = { market_ticker: ticker, market_id: marketIdOf(ticker) };
    if (book?.yes.length) msg.yes_dollars_fp = book.yes.map(([p, n]) => [p, n]);
    if (book?.no.length) msg.no_dollars_fp = book.no.map(([p, n]) => [p, n]);
    this.#send(c, { type: 'orderbook_snapshot', ...(id !== undefined ? { id } : {}), sid: sub.sid, seq: ++sub.seq, msg });
  }

  #sendTicker(c: Conn, sub: ServerSub, ticker: string): void {
    const book = this.#o.feed.book(ticker);
    const bestYes = book?.yes[0];
    const bestNo = book?.no[0];
    const last = this.#lastTrade.get(ticker);
    const volume = this.#volume.get(ticker) ?? '0.00';
    const now = Date.now();
    this.#send(c, {
      type: 'ticker',
      sid: sub.sid,
      msg: {
        market_id: marketIdOf(ticker),
        market_ticker: ticker,
        price_dollars: last?.price ?? '0.0000',
        yes_bid_dollars: bestYes?.[0] ?? '0.0000',
        yes_ask_dollars: bestNo ? complement(bestNo[0]) : '1.0000',
        volume_fp: volume,
        open_interest_fp: '0.00',
        dollar_volume: 0,
        dollar_open_interest: 0,
        yes_bid_size_fp: bestYes?.[1] ?? '0.00',
        yes_ask_size_fp: bestNo?.[1] ?? '0.00',
        last_trade_size_fp: last?.count ?? '0.00',
        ts: Math.floor(now / 1000),
        ts_ms: now,
        time: iso(now),
      },
    });
  }

  #each(channel: Channel, ticker: string | undefined, userId: string | undefined, fn: (c: Conn, sub: ServerSub) => void): void {
    for (const c of this.#conns) {
      if (userId !== undefined && c.userId !== userId) continue;
      for (const sub of c.subs.values()) {
        if (sub.channel !== channel) continue;
        if (ticker !== undefined && sub.markets && !sub.markets.has(ticker)) continue;
        fn(c, sub);
      }
    }
  }

  #onFeedEvent(e: StreamFeedEvent): void {
    switch (e.type) {
      case 'book':
        this.#each('orderbook_delta', e.ticker, undefined, (c, sub) => {
          if (!sub.markets?.has(e.ticker)) return;
          const seq = ++sub.seq;
          if (this.#dropSeqs > 0) {
            this.#dropSeqs -= 1;
            return;
          }
          const msg: Frame = { market_ticker: e.ticker, market_id: marketIdOf(e.ticker), price_dollars: e.price, delta_fp: e.delta, side: e.side, ts: iso(e.ts), ts_ms: e.ts };
          if (e.clientOrderId !== undefined && e.userId === c.userId) msg.client_order_id = e.clientOrderId;
          let injected = false;
          if (this.#badFields > 0) {
            this.#badFields -= 1;
            msg.price_dollars = 12;
            injected = true;
          }
          this.#send(c, { type: 'orderbook_delta', sid: sub.sid, seq, msg }, injected);
        });
        this.#each('ticker', e.ticker, undefined, (c, sub) => this.#sendTicker(c, sub, e.ticker));
        return;
      case 'trade': {
        this.#lastTrade.set(e.ticker, { price: e.yesPrice, count: e.count });
        this.#volume.set(e.ticker, addCounts(this.#volume.get(e.ticker) ?? '0.00', e.count));
        const msg = {
          trade_id: e.tradeId,
          market_ticker: e.ticker,
          yes_price_dollars: e.yesPrice,
          no_price_dollars: e.noPrice,
          count_fp: e.count,
          taker_side: e.takerSide,
          taker_outcome_side: e.takerSide,
          taker_book_side: e.takerBookSide,
          is_block_trade: e.blockTrade === true,
          ts: Math.floor(e.ts / 1000),
          ts_ms: e.ts,
        };
        this.#each('trade', e.ticker, undefined, (c, sub) => this.#send(c, { type: 'trade', sid: sub.sid, seq: ++sub.seq, msg }));
        this.#each('ticker', e.ticker, undefined, (c, sub) => this.#sendTicker(c, sub, e.ticker));
        return;
      }
      case 'fill': {
        const msg: Frame = {
          trade_id: e.tradeId,
          order_id: e.orderId,
          market_ticker: e.ticker,
          exchange_index: 0,
          is_taker: e.isTaker,
          side: e.side,
          yes_price_dollars: e.yesPrice,
          count_fp: e.count,
          fee_cost: e.fee,
          action: e.action,
          ts: Math.floor(e.ts / 1000),
          ts_ms: e.ts,
          post_position_fp: e.postPosition,
          purchased_side: e.outcomeSide,
          outcome_side: e.outcomeSide,
          book_side: e.bookSide,
        };
        if (e.clientOrderId !== undefined) msg.client_order_id = e.clientOrderId;
        this.#each('fill', e.ticker, e.userId, (c, sub) => this.#send(c, { type: 'fill', sid: sub.sid, msg }));
        return;
      }
      case 'order': {
        const o = e.order;
        const msg: Frame = {
          order_id: o.order_id,
          user_id: o.user_id,
          ticker: o.ticker,
          exchange_index: 0,
          status: o.status,
          side: o.side,
          is_yes: o.side === 'yes',
          outcome_side: o.outcome_side,
          book_side: o.book_side,
          yes_price_dollars: o.yes_price_dollars,
          fill_count_fp: o.fill_count_fp,
          remaining_count_fp: o.remaining_count_fp,
          initial_count_fp: o.initial_count_fp,
          taker_fill_cost_dollars: o.taker_fill_cost_dollars,
          maker_fill_cost_dollars: o.maker_fill_cost_dollars,
          taker_fees_dollars: o.taker_fees_dollars,
          maker_fees_dollars: o.maker_fees_dollars,
          client_order_id: o.client_order_id,
          self_trade_prevention_type: o.self_trade_prevention_type,
          created_time: o.created_time,
          created_ts_ms: o.created_ts_ms,
          last_update_time: o.last_update_time,
          last_updated_ts_ms: o.last_updated_ts_ms,
          ...(o.expiration_time !== null ? { expiration_time: o.expiration_time } : {}),
          ...(o.expiration_ts_ms !== null ? { expiration_ts_ms: o.expiration_ts_ms } : {}),
          ...(o.last_update_reason !== undefined ? { last_update_reason: o.last_update_reason } : {}),
        };
        this.#each('user_orders', o.ticker, e.userId, (c, sub) => this.#send(c, { type: 'user_order', sid: sub.sid, msg }));
        return;
      }
      case 'position': {
        const msg = {
          user_id: e.userId,
          market_ticker: e.ticker,
          position_fp: e.position,
          position_cost_dollars: e.marketExposure,
          realized_pnl_dollars: e.realizedPnl,
          fees_paid_dollars: e.feesPaid,
          position_fee_cost_dollars: e.feesPaid,
          volume_fp: e.volume,
        };
        this.#each('market_positions', e.ticker, e.userId, (c, sub) => this.#send(c, { type: 'market_position', sid: sub.sid, msg }));
        return;
      }
      case 'lifecycle': {
        const s = Math.floor(e.ts / 1000);
        const msg: Frame = { market_ticker: e.ticker, event_type: e.event };
        if (e.event === 'created') Object.assign(msg, { exchange_index: 0, open_ts: s, close_ts: s + 86_400 });
        if (e.event === 'activated' || e.event === 'deactivated') msg.is_deactivated = e.event === 'deactivated';
        if (e.event === 'close_date_updated') msg.close_ts = s;
        if (e.event === 'determined') msg.determination_ts = s;
        if (e.event === 'settled') msg.settled_ts = s;
        this.#each('market_lifecycle_v2', undefined, undefined, (c, sub) => this.#send(c, { type: 'market_lifecycle_v2', sid: sub.sid, seq: ++sub.seq, msg }));
        return;
      }
    }
  }
}
