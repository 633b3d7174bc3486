/**
 * A Kalshi server for tests and demos: registered public keys and exact RSA-PSS
 * verification of every signed call (method, path, timestamp window), the documented
 * 401 shapes, `/api_keys`, seeded events, markets and order books, V2 orders with
 * `client_order_id` uniqueness and balances that move, token-bucket 429s, fault injection.
 */
import { createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { generateRsaKeyPair } from '../../src/crypto/rsa-keys.js';
import { verifyPss } from '../../src/crypto/pss-signer.js';
import { ProviderSandbox, SandboxServer, type SandboxRequest, type SandboxResponse } from '../../src/testkit/server.js';
import { kalshiSignatureMessage } from './signing.js';

const PREFIX = '/trade-api/v2';

interface User {
  id: string;
  /** API usage tier; `/api_keys` create needs premier or above. */
  tier: string;
  /** Money in ten-thousandths of a dollar (prices have up to 4 decimals). */
  balance: number;
  reserved: number;
}
interface ApiKeyRecord {
  id: string;
  name: string;
  user: User;
  publicKey: KeyObject;
  scopes: string[];
}
interface Level {
  /** ten-thousandths */
  price: number;
  /** hundredths of a contract */
  count: number;
}
interface Market {
  ticker: string;
  event_ticker: string;
  title: string;
  yes: Level[];
  no: Level[];
  status: string;
  close_time: string;
}
interface Order {
  order_id: string;
  client_order_id: string;
  user: User;
  ticker: string;
  side: 'bid' | 'ask';
  price: number;
  initial: number;
  filled: number;
  remaining: number;
  status: 'resting' | 'canceled' | 'executed';
  created_time: string;
  reservedPerContract: number;
  /** Unix seconds after which the order stops resting (`expiration_time`). */
  expiresAtS?: number | undefined;
}
interface Bucket {
  tokens: number;
  at: number;
}

export interface KalshiSandboxOptions {
  /** Accepted clock difference for KALSHI-ACCESS-TIMESTAMP (default 10 s). */
  timestampWindowMs?: number;
  /** Token buckets per key (default Basic: read 200/s ×2 s, write 100/s ×1 s). */
  read?: { capacity: number; refillPerSecond: number };
  write?: { capacity: number; refillPerSecond: number };
  /** How long a new order stays out of `GET /portfolio/orders` (default 0; see `orderListLagMs`). */
  orderListLagMs?: number;
}

const fmtPrice = (tenThousandths: number): string => (tenThousandths / 10_000).toFixed(4);
const fmtCount = (hundredths: number): string => (hundredths / 100).toFixed(2);
const fmtDollars = (tenThousandths: number): string => (tenThousandths / 10_000).toFixed(4);
const parsePrice = (s: string): number => Math.round(Number(s) * 10_000);
const parseCount = (s: string): number => Math.round(Number(s) * 100);

// Kalshi's request forms (reference/kalshi.md §6.1), written out here apart from the
// client's own checks so that a client bug shows as a refusal.
/** `FixedPointCount` in a request: 0–2 decimals. */
const WIRE_COUNT = /^\d+(\.\d{1,2})?$/;
/** `FixedPointDollars` in a request: 2–4 decimals. */
const WIRE_PRICE = /^\d+\.\d{2,4}$/;
/** Beyond 1e11 a "seconds" value can only be milliseconds (the year 5138). */
const MAX_UNIX_SECONDS = 1e11;
const isUnixSeconds = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_UNIX_SECONDS;
const invalid = (field: string, what: string): SandboxResponse => ({ status: 400, body: { code: 'invalid_parameters', message: `${field}: ${what}`, details: '' } });
const badCount = (field: string, v: unknown): SandboxResponse | undefined => (typeof v === 'string' && WIRE_COUNT.test(v) ? undefined : invalid(field, 'must be a fixed-point count string with 0-2 decimals'));
const badPrice = (field: string, v: unknown): SandboxResponse | undefined => (typeof v === 'string' && WIRE_PRICE.test(v) ? undefined : invalid(field, 'must be a fixed-point dollar string with 2-4 decimals'));
/** Query filters in Unix seconds. */
const badSecondsQuery = (req: SandboxRequest, ...names: string[]): SandboxResponse | undefined => {
  for (const name of names) {
    const v = req.query.get(name);
    if (v !== null && !(/^\d+$/.test(v) && isUnixSeconds(Number(v)))) return invalid(name, 'must be a Unix timestamp in seconds');
  }
  return undefined;
};

/** A Kalshi server on loopback for tests and demos (see the file comment). */
export class KalshiSandbox extends ProviderSandbox {
  protected readonly root = PREFIX;
  readonly server = new SandboxServer('kalshi', 'kalshi-access-key');
  readonly keys = new Map<string, ApiKeyRecord>();
  readonly users = new Map<string, User>();
  readonly markets: Market[] = [];
  readonly orders: Order[] = [];
  readonly #buckets = new Map<string, Bucket>();
  readonly #o: Required<KalshiSandboxOptions>;
  /**
   * Fault injection: a committed order appears in `GET /portfolio/orders` only this many ms
   * after it was created (the list lagging behind the order), as after a lost answer.
   */
  orderListLagMs: number;

  constructor(options: KalshiSandboxOptions = {}) {
    super();
    this.#o = {
      timestampWindowMs: options.timestampWindowMs ?? 10_000,
      read: options.read ?? { capacity: 400, refillPerSecond: 200 },
      write: options.write ?? { capacity: 100, refillPerSecond: 100 },
      orderListLagMs: options.orderListLagMs ?? 0,
    };
    this.orderListLagMs = this.#o.orderListLagMs;
    this.#seed();
    this.#routes();
  }


  /** A new user with one registered RSA key pair (PKCS#1 private key, as Kalshi hands out). */
  async createUser(options: { tier?: string; balanceUsd?: number } = {}): Promise<{ userId: string; keyId: string; privateKeyPem: string }> {
    const user: User = { id: randomUUID(), tier: options.tier ?? 'basic', balance: Math.round((options.balanceUsd ?? 1000) * 10_000), reserved: 0 };
    this.users.set(user.id, user);
    const pair = await generateRsaKeyPair({ bits: 2048 });
    const keyId = this.registerKey(user, 'sandbox', pair.publicKeyPem);
    return { userId: user.id, keyId, privateKeyPem: pair.privateKeyPem };
  }

/** Register a public key for a user; returns its key id. */
  registerKey(user: User, name: string, publicKeyPem: string, scopes = ['read', 'write']): string {
    const id = randomUUID();
    this.keys.set(id, { id, name, user, publicKey: createPublicKey(publicKeyPem), scopes });
    return id;
  }

/** A user's available balance, as a dollar string. */
  balanceUsd(userId: string): string {
    return fmtDollars(this.users.get(userId)?.balance ?? 0);
  }

  #seed(): void {
    const add = (event: string, ticker: string, title: string, yes: [number, number][], no: [number, number][]): void => {
      this.markets.push({
        ticker, event_ticker: event, title, status: 'active', close_time: '2026-12-31T23:59:00Z',
        yes: yes.map(([p, c]) => ({ price: Math.round(p * 10_000), count: c * 100 })),
        no: no.map(([p, c]) => ({ price: Math.round(p * 10_000), count: c * 100 })),
      });
    };
    add('KXFEDDECISION-26DEC', 'KXFEDDECISION-26DEC-C25', 'Fed cuts 25 bps in December 2026', [[0.41, 1200], [0.42, 800], [0.43, 350]], [[0.54, 900], [0.55, 600], [0.56, 240]]);
    add('KXFEDDECISION-26DEC', 'KXFEDDECISION-26DEC-H0', 'Fed holds rates in December 2026', [[0.5, 500], [0.52, 300]], [[0.45, 700], [0.46, 150]]);
    add('KXBTCMAXY-26', 'KXBTCMAXY-26-T150000', 'Bitcoin above $150,000 in 2026', [[0.17, 4000], [0.18, 2500], [0.19, 900]], [[0.79, 3000], [0.8, 1100]]);
    add('KXBTCMAXY-26', 'KXBTCMAXY-26-T200000', 'Bitcoin above $200,000 in 2026', [[0.04, 9000], [0.05, 5000]], [[0.94, 8000], [0.95, 2000]]);
    add('KXCS2MAJOR-26', 'KXCS2MAJOR-26-VITALITY', 'Vitality wins the CS2 Major', [[0.2, 300], [0.22, 120]], [[0.75, 200], [0.76, 80]]);
    add('KXCS2MAJOR-26', 'KXCS2MAJOR-26-NAVI', 'NAVI wins the CS2 Major', [[0.14, 260], [0.15, 90]], [[0.83, 150], [0.84, 40]]);
    add('KXCS2MAJOR-26', 'KXCS2MAJOR-26-SPIRIT', 'Team Spirit wins the CS2 Major', [[0.1, 400], [0.11, 100]], [[0.87, 300], [0.88, 50]]);
  }

  // ---- auth ----
  #authError(code: string, message: string, details?: string): SandboxResponse {
    return { status: 401, body: { error: { code, message, details: details ?? '' } } };
  }

  #verify(req: SandboxRequest): ApiKeyRecord | SandboxResponse {
    const keyId = req.headers['kalshi-access-key'];
    const ts = req.headers['kalshi-access-timestamp'];
    const sig = req.headers['kalshi-access-signature'];
    if (typeof keyId !== 'string' || typeof ts !== 'string' || typeof sig !== 'string') return this.#authError('authentication_error', 'missing authentication headers');
    const key = this.keys.get(keyId);
    if (!key) return this.#authError('NOT_FOUND', 'api key not found');
    const t = Number(ts);
    if (!/^\d{13}$/.test(ts) || Math.abs(Date.now() - t) > this.#o.timestampWindowMs) return this.#authError('header_timestamp_expired', 'timestamp outside the accepted window');
    if (!verifyPss(key.publicKey, kalshiSignatureMessage(t, req.method, req.path), sig)) return this.#authError('authentication_error', 'signature verification failed', 'INCORRECT_API_KEY_SIGNATURE');
    return key;
  }

  #take(keyId: string, kind: 'read' | 'write', cost: number): SandboxResponse | undefined {
    const spec = this.#o[kind];
    const id = `${keyId}:${kind}`;
    const now = Date.now();
    const b = this.#buckets.get(id) ?? { tokens: spec.capacity, at: now };
    b.tokens = Math.min(spec.capacity, b.tokens + ((now - b.at) / 1000) * spec.refillPerSecond);
    b.at = now;
    this.#buckets.set(id, b);
    if (b.tokens < cost) return { status: 429, body: { error: 'too many requests' } };
    b.tokens -= cost;
    return undefined;
  }

  /** Signed route; `optional` lets public routes accept (and check) signatures too. */
  #signed(kind: 'read' | 'write', handler: (req: SandboxRequest, key: ApiKeyRecord) => SandboxResponse, cost = 10) {
    return (req: SandboxRequest): SandboxResponse => {
      const key = this.#verify(req);
      if (!('publicKey' in key)) return key;
      const limited = this.#take(key.id, kind, cost);
      if (limited) return limited;
      this.expireOrders();
      return handler(req, key);
    };
  }

  #public(handler: (req: SandboxRequest) => SandboxResponse) {
    return (req: SandboxRequest): SandboxResponse => {
      if (req.headers['kalshi-access-key'] !== undefined) {
        const key = this.#verify(req);
        if (!('publicKey' in key)) return key;
        const limited = this.#take(key.id, 'read', 10);
        if (limited) return limited;
      }
      this.expireOrders();
      return handler(req);
    };
  }

  // ---- shapes ----
  #bookJson(m: Market, depth: number): Record<string, unknown> {
    const cut = (levels: Level[]) => (depth > 0 ? levels.slice(-depth) : levels).map((l) => [fmtPrice(l.price), fmtCount(l.count)]);
    return { yes_dollars: cut(m.yes), no_dollars: cut(m.no) };
  }

  #marketJson(m: Market): Record<string, unknown> {
    const bestYes = m.yes.at(-1);
    const bestNo = m.no.at(-1);
    return {
      ticker: m.ticker, event_ticker: m.event_ticker, market_type: 'binary', title: m.title, yes_sub_title: 'Yes', no_sub_title: 'No', status: m.status,
      created_time: '2026-01-01T00:00:00Z', updated_time: new Date().toISOString(), open_time: '2026-01-02T00:00:00Z', close_time: m.close_time, latest_expiration_time: m.close_time,
      settlement_timer_seconds: 300, notional_value_dollars: '1.0000',
      yes_bid_dollars: bestYes ? fmtPrice(bestYes.price) : '0.0000', yes_ask_dollars: bestNo ? fmtPrice(10_000 - bestNo.price) : '1.0000',
      no_bid_dollars: bestNo ? fmtPrice(bestNo.price) : '0.0000', no_ask_dollars: bestYes ? fmtPrice(10_000 - bestYes.price) : '1.0000',
      yes_bid_size_fp: bestYes ? fmtCount(bestYes.count) : '0.00', yes_ask_size_fp: bestNo ? fmtCount(bestNo.count) : '0.00',
      last_price_dollars: bestYes ? fmtPrice(bestYes.price) : '0.0000', volume_fp: '125000.00', volume_24h_fp: '8200.00', open_interest_fp: '40100.00', result: '',
      can_close_early: true, price_level_structure: 'linear_cent', price_ranges: [{ start: '0.0000', end: '1.0000', step: '0.0100' }],
    };
  }

  #orderJson(o: Order): Record<string, unknown> {
    return {
      order_id: o.order_id, user_id: o.user.id, client_order_id: o.client_order_id, ticker: o.ticker,
      outcome_side: o.side === 'bid' ? 'yes' : 'no', book_side: o.side, type: 'limit', status: o.status,
      yes_price_dollars: fmtPrice(o.price), no_price_dollars: fmtPrice(10_000 - o.price),
      fill_count_fp: fmtCount(o.filled), remaining_count_fp: fmtCount(o.remaining), initial_count_fp: fmtCount(o.initial),
      taker_fees_dollars: '0.0000', maker_fees_dollars: '0.0000', taker_fill_cost_dollars: '0.0000', maker_fill_cost_dollars: '0.0000', created_time: o.created_time,
      expiration_time: o.expiresAtS === undefined ? null : new Date(o.expiresAtS * 1000).toISOString(),
    };
  }

  #page<T>(req: SandboxRequest, rows: T[], defaultLimit: number): { page: T[]; cursor: string } {
    const limit = Number(req.query.get('limit') ?? defaultLimit);
    const start = req.query.get('cursor') ? Number(Buffer.from(req.query.get('cursor')!, 'base64url').toString()) : 0;
    const page = rows.slice(start, start + limit);
    return { page, cursor: start + limit < rows.length ? Buffer.from(String(start + limit)).toString('base64url') : '' };
  }

  #routes(): void {
    const r = this.server;
    const p = (path: string): string => PREFIX + path;

    r.route('GET', p('/exchange/status'), () => ({ status: 200, body: { exchange_active: true, trading_active: true, exchange_estimated_resume_time: null } }));

    r.route('GET', p('/markets'), this.#public((req) => {
      const badTs = badSecondsQuery(req, 'min_close_ts', 'max_close_ts');
      if (badTs) return badTs;
      const ev = req.query.get('event_ticker');
      const tickers = req.query.get('tickers')?.split(',');
      const status = req.query.get('status');
      const rows = this.markets.filter((m) => (!ev || m.event_ticker === ev) && (!tickers || tickers.includes(m.ticker)) && (!status || status === 'open'));
      const { page, cursor } = this.#page(req, rows, 100);
      return { status: 200, body: { markets: page.map((m) => this.#marketJson(m)), cursor } };
    }));

    r.route('GET', p('/markets/trades'), this.#public((req) => {
      const badTs = badSecondsQuery(req, 'min_ts', 'max_ts');
      if (badTs) return badTs;
      const ticker = req.query.get('ticker');
      const rows = this.markets.filter((m) => !ticker || m.ticker === ticker).flatMap((m, i) => Array.from({ length: 5 }, (_, k) => ({
        trade_id: `trd-${i}-${k}`, ticker: m.ticker, count_fp: fmtCount(100 * (k + 1)), yes_price_dollars: fmtPrice(m.yes.at(-1)?.price ?? 5000), no_price_dollars: fmtPrice(10_000 - (m.yes.at(-1)?.price ?? 5000)),
        taker_outcome_side: k % 2 ? 'yes' : 'no', taker_book_side: k % 2 ? 'bid' : 'ask', created_time: new Date(Date.now() - k * 60_000).toISOString(), is_block_trade: false,
      })));
      const { page, cursor } = this.#page(req, rows, 100);
      return { status: 200, body: { trades: page, cursor } };
    }));

    // Before /markets/:ticker, which would take "orderbooks" for a ticker.
    r.route('GET', p('/markets/orderbooks'), this.#signed('read', (req) => {
      const tickers = req.query.getAll('tickers');
      if (tickers.length < 1 || tickers.length > 100) return { status: 400, body: { code: 'bad_request', message: 'tickers: between 1 and 100 are required', details: '' } };
      // Unknown tickers are left out of the answer (Kalshi does not document this case).
      const books = tickers.flatMap((t) => this.markets.filter((m) => m.ticker === t)).map((m) => ({ ticker: m.ticker, orderbook_fp: this.#bookJson(m, 0) }));
      return { status: 200, body: { orderbooks: books } };
    }));

    r.route('GET', p('/markets/:ticker'), this.#public((req) => {
      const m = this.markets.find((x) => x.ticker === req.params.ticker);
      if (!m) return { status: 404, body: { code: 'not_found', message: 'market not found', details: '' } };
      return { status: 200, body: { market: this.#marketJson(m) } };
    }));

    r.route('GET', p('/markets/:ticker/orderbook'), this.#public((req) => {
      const m = this.markets.find((x) => x.ticker === req.params.ticker);
      if (!m) return { status: 404, body: { code: 'not_found', message: 'market not found', details: '' } };
      return { status: 200, body: { orderbook_fp: this.#bookJson(m, Number(req.query.get('depth') ?? 0)) } };
    }));

    r.route('GET', p('/events'), this.#public((req) => {
      const events = [...new Set(this.markets.map((m) => m.event_ticker))].map((e) => this.#eventJson(e, req.query.get('with_nested_markets') === 'true'));
      const { page, cursor } = this.#page(req, events, 200);
      return { status: 200, body: { events: page, cursor } };
    }));
    r.route('GET', p('/events/:ticker'), this.#public((req) => {
      const markets = this.markets.filter((m) => m.event_ticker === req.params.ticker);
      if (!markets.length) return { status: 404, body: { code: 'not_found', message: 'event not found', details: '' } };
      return { status: 200, body: { event: this.#eventJson(req.params.ticker!, false), markets: markets.map((m) => this.#marketJson(m)) } };
    }));

    r.route('GET', p('/portfolio/balance'), this.#signed('read', (_req, k) => ({
      status: 200,
      body: { balance: Math.round(k.user.balance / 100), balance_dollars: fmtDollars(k.user.balance), portfolio_value: Math.round((k.user.balance + k.user.reserved) / 100), updated_ts: Math.floor(Date.now() / 1000) },
    })));

    r.route('GET', p('/portfolio/positions'), this.#signed('read', (_req, k) => {
      const byTicker = new Map<string, number>();
      for (const o of this.orders) if (o.user === k.user && o.filled > 0) byTicker.set(o.ticker, (byTicker.get(o.ticker) ?? 0) + (o.side === 'bid' ? o.filled : -o.filled));
      return { status: 200, body: { cursor: '', market_positions: [...byTicker].map(([ticker, pos]) => ({ ticker, position_fp: fmtCount(pos), market_exposure_dollars: '0.0000', realized_pnl_dollars: '0.0000', fees_paid_dollars: '0.0000' })), event_positions: [] } };
    }));

    r.route('GET', p('/portfolio/fills'), this.#signed('read', (req, k) => {
      const badTs = badSecondsQuery(req, 'min_ts', 'max_ts');
      if (badTs) return badTs;
      const fills = this.orders.filter((o) => o.user === k.user && o.filled > 0 && (!req.query.get('ticker') || o.ticker === req.query.get('ticker'))).map((o) => ({
        fill_id: `fill-${o.order_id}`, trade_id: `fill-${o.order_id}`, order_id: o.order_id, ticker: o.ticker, market_ticker: o.ticker, outcome_side: o.side === 'bid' ? 'yes' : 'no', book_side: o.side,
        count_fp: fmtCount(o.filled), yes_price_dollars: fmtPrice(o.price), no_price_dollars: fmtPrice(10_000 - o.price), is_taker: true, fee_cost: '0.0000', created_time: o.created_time,
      }));
      const { page, cursor } = this.#page(req, fills, 100);
      return { status: 200, body: { fills: page, cursor } };
    }));

    r.route('GET', p('/portfolio/orders'), this.#signed('read', (req, k) => {
      const badTs = badSecondsQuery(req, 'min_ts', 'max_ts');
      if (badTs) return badTs;
      const visibleBy = Date.now() - this.orderListLagMs;
      const rows = this.orders.filter((o) => o.user === k.user && Date.parse(o.created_time) <= visibleBy && (!req.query.get('ticker') || o.ticker === req.query.get('ticker')) && (!req.query.get('status') || o.status === req.query.get('status')));
      const { page, cursor } = this.#page(req, rows, 100);
      return { status: 200, body: { orders: page.map((o) => this.#orderJson(o)), cursor } };
    }));
    r.route('GET', p('/portfolio/orders/:id'), this.#signed('read', (req, k) => {
      const o = this.orders.find((x) => x.order_id === req.params.id && x.user === k.user);
      if (!o) return { status: 404, body: { code: 'not_found', message: 'order not found', details: '' } };
      return { status: 200, body: { order: this.#orderJson(o) } };
    }));

    r.route('POST', p('/portfolio/events/orders'), this.#signed('write', (req, k) => this.#createOrder((req.body ?? {}) as Record<string, unknown>, k)));

    r.route('POST', p('/portfolio/events/orders/batched'), (req) => {
      const orders = ((req.body ?? {}) as { orders?: Record<string, unknown>[] }).orders;
      if (!Array.isArray(orders) || !orders.length) return { status: 400, body: { code: 'invalid_parameters', message: 'orders required', details: '' } };
      // Each order costs its tokens; the whole batch must fit the bucket at once.
      return this.#signed('write', (_r, k) => ({
        status: 201,
        body: {
          orders: orders.map((o) => {
            const res = this.#createOrder(o, k);
            const b = res.body as Record<string, unknown>;
            return res.status === 201 ? b : { client_order_id: o.client_order_id, error: b };
          }),
        },
      }), 10 * orders.length)(req);
    });

    r.route('DELETE', p('/portfolio/events/orders/batched'), (req) => {
      const orders = ((req.body ?? {}) as { orders?: { order_id?: string }[] }).orders;
      if (!Array.isArray(orders) || !orders.length) return { status: 400, body: { code: 'invalid_parameters', message: 'orders required', details: '' } };
      return this.#signed('write', (_r, k) => ({
        status: 200,
        body: {
          orders: orders.map((o) => {
            const order = this.orders.find((x) => x.order_id === o.order_id && x.user === k.user);
            if (!order) return { order_id: o.order_id ?? '', error: { code: 'not_found', message: 'order not found' } };
            return { order_id: order.order_id, client_order_id: order.client_order_id, reduced_by: fmtCount(this.#cancel(order)), ts_ms: Date.now() };
          }),
        },
      }), 2 * orders.length)(req);
    });

    r.route('DELETE', p('/portfolio/events/orders'), this.#signed('write', (_req, k) => {
      for (const o of this.orders) if (o.user === k.user) this.#cancel(o);
      return { status: 204 };
    }));

    r.route('POST', p('/portfolio/events/orders/:id/amend'), this.#signed('write', (req, k) => {
      const o = this.orders.find((x) => x.order_id === req.params.id && x.user === k.user && x.status === 'resting');
      if (!o) return { status: 404, body: { code: 'not_found', message: 'no resting order', details: '' } };
      const b = (req.body ?? {}) as { price?: string; count?: string; side?: string; ticker?: string };
      const malformed = badPrice('price', b.price) ?? badCount('count', b.count);
      if (malformed) return malformed;
      if (b.ticker !== o.ticker || b.side !== o.side || typeof b.price !== 'string' || typeof b.count !== 'string') return { status: 400, body: { code: 'invalid_order', message: 'ticker, side, price and count must match the order', details: '' } };
      const price = parsePrice(b.price);
      const wanted = parseCount(b.count) - o.filled;
      if (wanted <= 0) return { status: 400, body: { code: 'invalid_order_size', message: 'count must exceed the filled count', details: '' } };
      // Release the old reservation, take the new one.
      this.#release(o, o.remaining);
      const perContract = o.side === 'bid' ? price : 10_000 - price;
      const cost = Math.round((perContract * wanted) / 100);
      if (cost > k.user.balance) {
        this.#reserve(o, o.remaining);
        return { status: 400, body: { code: 'available_balance_too_low', message: 'available balance too low', details: '' } };
      }
      o.price = price;
      o.reservedPerContract = perContract;
      this.#reserve(o, wanted);
      o.initial = o.filled + wanted;
      return { status: 200, body: { order_id: o.order_id, client_order_id: o.client_order_id, remaining_count: fmtCount(o.remaining), fill_count: fmtCount(o.filled), ts_ms: Date.now() } };
    }));

    r.route('POST', p('/portfolio/events/orders/:id/decrease'), this.#signed('write', (req, k) => {
      const o = this.orders.find((x) => x.order_id === req.params.id && x.user === k.user && x.status === 'resting');
      if (!o) return { status: 404, body: { code: 'not_found', message: 'no resting order', details: '' } };
      const b = (req.body ?? {}) as { reduce_by?: string; reduce_to?: string };
      if ((b.reduce_by === undefined) === (b.reduce_to === undefined)) return { status: 400, body: { code: 'invalid_parameters', message: 'exactly one of reduce_by and reduce_to', details: '' } };
      const malformed = b.reduce_to !== undefined ? badCount('reduce_to', b.reduce_to) : badCount('reduce_by', b.reduce_by);
      if (malformed) return malformed;
      const target = b.reduce_to !== undefined ? parseCount(b.reduce_to) : Math.max(0, o.remaining - parseCount(b.reduce_by!));
      if (target < o.remaining) this.#release(o, o.remaining - target);
      if (o.remaining === 0) o.status = 'canceled';
      return { status: 200, body: { order_id: o.order_id, client_order_id: o.client_order_id, remaining_count: fmtCount(o.remaining), ts_ms: Date.now() } };
    }));

    r.route('DELETE', p('/portfolio/events/orders/:id'), this.#signed('write', (req, k) => {
      const o = this.orders.find((x) => x.order_id === req.params.id && x.user === k.user);
      if (!o) return { status: 404, body: { code: 'not_found', message: 'order not found', details: '' } };
      const reduced = this.#cancel(o);
      return { status: 200, body: { order_id: o.order_id, client_order_id: o.client_order_id, reduced_by: fmtCount(reduced), ts_ms: Date.now() } };
    }, 2));

    r.route('GET', p('/account/limits'), this.#signed('read', () => ({
      status: 200,
      body: {
        usage_tier: 'basic',
        read: { refill_rate: this.#o.read.refillPerSecond, bucket_capacity: this.#o.read.capacity },
        write: { refill_rate: this.#o.write.refillPerSecond, bucket_capacity: this.#o.write.capacity },
        grants: [],
      },
    })));

    r.route('GET', p('/api_keys'), this.#signed('read', (_req, k) => ({
      status: 200,
      body: { api_keys: [...this.keys.values()].filter((x) => x.user === k.user).map((x) => ({ api_key_id: x.id, name: x.name, scopes: x.scopes })) },
    })));
    // Key management is not an order, order-group, quote or block-trade write: it draws on the
    // Read bucket (reference/kalshi.md §4.1 "anything not routed to Write").
    r.route('POST', p('/api_keys'), this.#signed('read', (req, k) => {
      if (!['premier', 'paragon', 'prime', 'prestige'].includes(k.user.tier)) return { status: 403, body: { code: 'forbidden', message: 'insufficient API usage level', details: 'CreateApiKey requires the Premier API usage level or above' } };
      const body = (req.body ?? {}) as { name?: string; public_key?: string; scopes?: string[] };
      if (!body.name || !body.public_key) return { status: 400, body: { code: 'invalid_parameters', message: 'name and public_key are required', details: '' } };
      try {
        return { status: 201, body: { api_key_id: this.registerKey(k.user, body.name, body.public_key, body.scopes ?? ['read', 'write']) } };
      } catch {
        return { status: 400, body: { code: 'invalid_parameters', message: 'public_key is not a valid PEM public key', details: '' } };
      }
    }));
    r.route('POST', p('/api_keys/generate'), this.#signed('read', (req, k) => {
      const body = (req.body ?? {}) as { name?: string; scopes?: string[] };
      if (!body.name) return { status: 400, body: { code: 'invalid_parameters', message: 'name is required', details: '' } };
      return this.#generated(k.user, body.name, body.scopes);
    }));
    r.route('DELETE', p('/api_keys/:id'), this.#signed('read', (req, k) => {
      const target = this.keys.get(req.params.id!);
      if (!target || target.user !== k.user) return { status: 404, body: { code: 'not_found', message: 'api key not found', details: '' } };
      this.keys.delete(target.id);
      return { status: 204 };
    }));
  }

  #generated(user: User, name: string, scopes?: string[]): SandboxResponse {
    const pair = this.#takePregenerated();
    const id = this.registerKey(user, name, pair.publicKeyPem, scopes ?? ['read', 'write']);
    void this.#refill();
    return { status: 201, body: { api_key_id: id, private_key: pair.privateKeyPem, key_type: 'rsa' } };
  }

  #pool: { privateKeyPem: string; publicKeyPem: string }[] = [];
  #takePregenerated(): { privateKeyPem: string; publicKeyPem: string } {
    const pair = this.#pool.shift();
    if (!pair) throw new Error('no pre-generated key pair left; call sandbox.prepare()');
    return pair;
  }
  async #refill(): Promise<void> {
    while (this.#pool.length < 2) this.#pool.push(await generateRsaKeyPair({ bits: 2048 }));
  }
  /** Pre-generate key pairs so `/api_keys/generate` answers at once. */
  protected override async prepare(): Promise<void> {
    await this.#refill();
  }

  #eventJson(eventTicker: string, nested: boolean): Record<string, unknown> {
    const markets = this.markets.filter((m) => m.event_ticker === eventTicker);
    return {
      event_ticker: eventTicker, series_ticker: eventTicker.split('-')[0], title: markets[0]?.title.replace(/^(\S+ \S+).*/, '$1') ?? eventTicker, sub_title: '',
      collateral_return_type: '', mutually_exclusive: eventTicker.startsWith('KXCS2') || eventTicker.startsWith('KXFED'), settlement_sources: [],
      markets: nested ? markets.map((m) => this.#marketJson(m)) : undefined,
    };
  }

  /**
   * Orders past their `expiration_time` stop resting: Kalshi's order status has no "expired",
   * so they read as `canceled`, off the book, their money back. Runs before every request.
   */
  expireOrders(now = Date.now()): void {
    for (const o of this.orders) if (o.status === 'resting' && o.expiresAtS !== undefined && o.expiresAtS * 1000 <= now) this.#cancel(o);
  }

  /** Cancel what rests of an order; returns how much was cancelled. */
  #cancel(o: Order): number {
    const reduced = o.status === 'resting' ? o.remaining : 0;
    if (reduced > 0) this.#release(o, reduced);
    o.status = o.status === 'resting' ? 'canceled' : o.status;
    return reduced;
  }

  /** Take `count` resting contracts off an order: off the book, money back. */
  #release(o: Order, count: number): void {
    const back = Math.round((o.reservedPerContract * count) / 100);
    o.user.reserved -= back;
    o.user.balance += back;
    o.remaining -= count;
    this.#book(o, -count);
  }

  /** Put `count` more contracts of an order on the book, money reserved. */
  #reserve(o: Order, count: number): void {
    const cost = Math.round((o.reservedPerContract * count) / 100);
    o.user.balance -= cost;
    o.user.reserved += cost;
    o.remaining += count;
    this.#book(o, count);
  }

  /** Change the resting size at an order's level. */
  #book(o: Order, delta: number): void {
    const m = this.markets.find((x) => x.ticker === o.ticker);
    if (!m || delta === 0) return;
    const own = o.side === 'bid' ? m.yes : m.no;
    const price = o.side === 'bid' ? o.price : 10_000 - o.price;
    const lvl = own.find((l) => l.price === price);
    if (lvl) {
      lvl.count += delta;
      if (lvl.count <= 0) own.splice(own.indexOf(lvl), 1);
    } else if (delta > 0) {
      own.push({ price, count: delta });
      own.sort((x, y) => x.price - y.price);
    }
  }

  #createOrder(b: Record<string, unknown>, k: ApiKeyRecord): SandboxResponse {
    const bad = (message: string, code = 'invalid_order'): SandboxResponse => ({ status: 400, body: { code, message, details: '' } });
    if (typeof b.ticker !== 'string' || (b.side !== 'bid' && b.side !== 'ask') || b.count === undefined || b.price === undefined) return bad('ticker, side, count and price are required');
    if (!['fill_or_kill', 'good_till_canceled', 'immediate_or_cancel'].includes(String(b.time_in_force))) return bad('time_in_force is required');
    if (!['taker_at_cross', 'maker'].includes(String(b.self_trade_prevention_type))) return bad('self_trade_prevention_type is required');
    const malformed = badCount('count', b.count) ?? badPrice('price', b.price) ?? (b.expiration_time === undefined || isUnixSeconds(b.expiration_time) ? undefined : invalid('expiration_time', 'must be a Unix timestamp in seconds (an integer)'));
    if (malformed) return malformed;
    if (b.expiration_time !== undefined && b.time_in_force === 'immediate_or_cancel') return bad('immediate_or_cancel cannot be combined with expiration_time');
    const m = this.markets.find((x) => x.ticker === b.ticker);
    if (!m) return { status: 404, body: { code: 'not_found', message: 'market not found', details: '' } };
    const clientOrderId = typeof b.client_order_id === 'string' ? b.client_order_id : randomUUID();
    if (this.orders.some((o) => o.user === k.user && o.client_order_id === clientOrderId)) {
      return { status: 409, body: { code: 'order_already_exists', message: 'Order with this client_order_id already exists', details: '' } };
    }
    const price = parsePrice(String(b.price));
    const count = parseCount(String(b.count));
    if (!(price > 0 && price < 10_000) || price % 100 !== 0) return bad('price is not on the market price grid');
    if (!(count > 0)) return bad('count must be positive', 'invalid_order_size');
    // Buying YES at p costs p per contract; selling YES (= buying NO) costs 1 − p.
    const perContract = b.side === 'bid' ? price : 10_000 - price;
    const cost = Math.round((perContract * count) / 100);
    if (cost > k.user.balance) return bad('available balance too low', 'available_balance_too_low');

    const opposite = b.side === 'bid' ? m.no : m.yes;
    const best = opposite.at(-1);
    // A YES bid at p crosses a NO bid at q when p + q ≥ 1.
    const crosses = best !== undefined && price + best.price >= 10_000;
    let filled = 0;
    if (crosses && best) {
      filled = Math.min(count, best.count);
      best.count -= filled;
      if (best.count === 0) opposite.pop();
    }
    if (b.time_in_force === 'fill_or_kill' && filled < count) {
      if (best && filled > 0) best.count += filled;
      return bad('fill_or_kill order could not be filled completely');
    }
    const remaining = b.time_in_force === 'immediate_or_cancel' ? 0 : count - filled;
    k.user.balance -= Math.round((perContract * filled) / 100);
    const order: Order = {
      order_id: randomUUID(), client_order_id: clientOrderId, user: k.user, ticker: m.ticker, side: b.side, price, initial: count, filled, remaining: 0,
      status: remaining > 0 ? 'resting' : 'executed', created_time: new Date().toISOString(), reservedPerContract: perContract,
      expiresAtS: typeof b.expiration_time === 'number' ? b.expiration_time : undefined,
    };
    this.orders.push(order);
    this.#reserve(order, remaining);
    return {
      status: 201,
      body: { order_id: order.order_id, client_order_id: clientOrderId, fill_count: fmtCount(filled), remaining_count: fmtCount(order.remaining), average_fill_price: filled ? fmtPrice(10_000 - (best?.price ?? 0)) : null, ts_ms: Date.now() },
    };
  }
}
