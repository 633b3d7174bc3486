/**
 * A faithful CS2Cap server for tests and demos: seeded catalog and prices on many
 * marketplaces, root and child keys per tier with their rolling limits, key metadata,
 * reissue, sub-keys, documented error bodies, 429s with Retry-After, X-RateLimit-* headers
 * in both of the docs' readings, fault injection.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { CS2_ITEMS, basePriceCents, wearOf } from '../../src/testkit/items.js';
import { ProviderSandbox, RollingWindowCounter, SandboxServer, bearer, retryAfterSeconds, seededRandom, type SandboxRequest, type SandboxResponse } from '../../src/testkit/server.js';
import { CS2CAP_TIER_RPM, type Cs2CapTier } from './limits.js';
import { Cs2CapAlertDesk, type Cs2CapSandboxDelivery } from './sandbox-alerts.js';
import { offsetPage } from './sandbox-pages.js';
import { serveWatchlist } from './sandbox-watchlist.js';
import { catalogItem, catalogMetadata, gameImages, matchesItemFilters, type SandboxCatalogItem } from './sandbox-catalog.js';
import { Cs2CapPortfolioDesk } from './sandbox-portfolio.js';
import { serveMarket, type SandboxCandle } from './sandbox-market.js';

export type { Cs2CapSandboxDelivery } from './sandbox-alerts.js';
export { CS2CAP_SANDBOX_STEAM_ID, CS2CAP_SANDBOX_STEAM_VANITY } from './sandbox-portfolio.js';

export const CS2CAP_SANDBOX_MARKETS = ['steam', 'buff163', 'csfloat', 'skinport', 'dmarket', 'youpin', 'waxpeer', 'marketcsgo'] as const;
const BUY_ORDER_MARKETS = new Set(['steam', 'buff163', 'csfloat', 'dmarket', 'youpin', 'waxpeer', 'marketcsgo']);
const SALES_MARKETS = new Set(['buff163', 'csfloat', 'dmarket', 'youpin']);
const DISPLAY: Record<string, string> = {
  steam: 'Steam Community Market', buff163: 'BUFF163', csfloat: 'CSFloat', skinport: 'Skinport', dmarket: 'DMarket', youpin: 'Youpin898', waxpeer: 'Waxpeer', marketcsgo: 'Market.CSGO',
};
const FEES: Record<string, number> = { steam: 0.15, buff163: 0.025, csfloat: 0.02, skinport: 0.08, dmarket: 0.05, youpin: 0.01, waxpeer: 0.06, marketcsgo: 0.05 };
const TIER_ORDER: Cs2CapTier[] = ['free', 'starter', 'pro', 'quant'];
const MONTHLY: Record<Cs2CapTier, number> = { free: 1_000, starter: 50_000, pro: 500_000, quant: 1_000_000 };
export const CS2CAP_SANDBOX_FX: Record<string, number> = { USD: 1, EUR: 0.92, GBP: 0.79, CNY: 7.24, RUB: 78.4, BTC: 0.0000163 };

/** A key the sandbox knows (a root key from `createKey`, or a child key made through the API). */
export interface Cs2CapSandboxKey {
  /** The key itself (`sk_live_…`, made at run time). */
  key: string;
  /** Its id (a UUID). */
  id: string;
  /** Its account's tier. */
  tier: Cs2CapTier;
  /** Whether it is a root key. */
  root: boolean;
  /** The root key's id (its own for a root key). */
  rootId: string;
  /** A child key's name; null for a root key. */
  name: string | null;
  /** False once revoked or reissued. */
  active: boolean;
  /** When it was made (ISO 8601). */
  createdAt: string;
  /** Requests per window it may make. */
  rpm: number;
  /** Requests per month it may make. */
  monthlyQuota: number;
  /** Requests counted against the monthly quota so far. */
  used: number;
  /** A child key's own requests-per-minute cap (`null` or unset: the parent's). */
  rateOverride?: number | null;
  /** A child key's own monthly cap (`null` or unset: the parent's). */
  quotaOverride?: number | null;
}

/** Sticker names the sandbox's sales carry. */
export const SANDBOX_STICKERS = ['Sticker | Crown (Foil)', 'Sticker | Titan (Holo) | Katowice 2014', 'Sticker | iBUYPOWER | Katowice 2014'] as const;
/** Charm names the sandbox's sales carry. */
export const SANDBOX_CHARMS = ["Lil' Squirt", 'Die-cast AK'] as const;

/** One recent sale as the sandbox serves it. */
export interface SandboxSale {
  /** When it sold (ISO 8601). */
  date: string;
  /** The marketplace key. */
  provider: string;
  /** The price in minor units of `currency`. */
  price: number;
  /** The price's currency. */
  currency: string;
  /** The catalog id. */
  item_id: number;
  /** The Steam market name. */
  market_hash_name: string;
  /** Always null: the sandbox sells no Doppler phases. */
  phase: null;
  /** The wear float, or null. */
  float: number | null;
  /** The paint seed, or null. */
  paint_seed: number | null;
  /** Applied stickers (name and slot; no wear). */
  stickers: SandboxSaleSticker[];
  /** Attached charms. */
  charms: SandboxSaleCharm[];
}
/** A sticker of a sandbox sale. */
export interface SandboxSaleSticker {
  /** Sticker name. */
  name: string;
  /** Slot, 0-based. */
  slot: number;
  /** Always null in the sandbox. */
  wear: null;
}
/** A charm of a sandbox sale. */
export interface SandboxSaleCharm {
  /** Charm name. */
  name: string;
  /** Its pattern. */
  pattern_id: number;
}

/** One request an API route received, as `observe` shows it. */
export interface Cs2CapSandboxExchange {
  /** HTTP method. */
  method: string;
  /** Path without the query. */
  path: string;
  /** The query parameters. */
  query: URLSearchParams;
  /** The request headers. */
  headers: SandboxRequest['headers'];
  /** The parsed JSON body, if any. */
  body: unknown;
}

/**
 * A 422's items keep `input` only when it is an object: the spec types `ValidationErrorItem.input`
 * as an object or null, while its examples show strings (reference/cs2cap.md §4.1). The sandbox
 * serves the schema's reading; the client reads either.
 */
function withObjectInputs(res: SandboxResponse): SandboxResponse {
  const body = res.body as { detail?: unknown } | undefined;
  if (!body || !Array.isArray(body.detail)) return res;
  const detail = body.detail.map((item: Record<string, unknown>) => {
    const { input, ...rest } = item;
    return input !== null && typeof input === 'object' && !Array.isArray(input) ? item : rest;
  });
  return { ...res, body: { ...body, detail } };
}

const numberOrNull = (raw: string | null): number | null => (raw === null || Number.isNaN(Number(raw)) ? null : Number(raw));

/** One marketplace's quote of one item in the sandbox (amounts in USD cents). */
export interface Cs2CapSandboxPrice {
  /** The catalog id. */
  item_id: number;
  /** The Steam market name. */
  market_hash_name: string;
  /** The marketplace key. */
  provider: string;
  /** The lowest ask, USD cents. */
  ask: number;
  /** Listings at the ask. */
  quantity: number;
  /** The highest bid, USD cents, or null where the marketplace takes no buy orders. */
  bid: number | null;
  /** Buy orders at the bid. */
  num_bids: number;
  /** When the quote last changed (ISO 8601). */
  timestamp: string;
}
type PriceRow = Cs2CapSandboxPrice;

/** An item of the sandbox's catalog, by id and name. */
export interface Cs2CapSandboxItemRef {
  /** The catalog id. */
  item_id: number;
  /** The Steam market name. */
  market_hash_name: string;
}

/** How a `Cs2CapSandbox` behaves. */
export interface Cs2CapSandboxOptions {
  /** Length of a rate-limit window (default 60 000 ms; tests use less). */
  windowMs?: number;
  /** Override requests per window for every key. */
  rpm?: number;
}

/** A CS2Cap server on loopback for tests and demos (see the file comment). */
export class Cs2CapSandbox extends ProviderSandbox {
  protected readonly root = '/v1';
  /** The HTTP server, its request log and fault injection. */
  readonly server = new SandboxServer('cs2cap');
  /** Every key, by key. */
  readonly keys = new Map<string, Cs2CapSandboxKey>();
  /** Every quote; change one to move the market (alerts read it on `checkAlerts()`). */
  readonly prices: PriceRow[] = [];
  readonly #windows = new Map<string, RollingWindowCounter>();
  readonly #windowMs: number;
  readonly #rpm: number | undefined;

  constructor(options: Cs2CapSandboxOptions = {}) {
    super();
    this.#windowMs = options.windowMs ?? 60_000;
    this.#rpm = options.rpm;
    this.#seed();
    this.#routes();
    this.#alertDesk = new Cs2CapAlertDesk({
      server: this.server,
      prices: this.prices,
      keys: this.keys,
      authed: (handler, options) => this.#authed(handler, options),
      fx: (currency) => this.#fx(currency),
    });
    serveWatchlist({ server: this.server, item: (id) => this.catalogItem(id), authed: (handler, options) => this.#authed(handler, options) });
    this.portfolios = new Cs2CapPortfolioDesk({
      server: this.server,
      prices: this.prices,
      money: (cents, currency) => (this.#fx(currency) === undefined ? undefined : this.#money(cents, currency)),
      authed: (handler, options) => this.#authed(handler, options),
    });
    serveMarket({
      server: this.server,
      prices: this.prices,
      salesMarkets: SALES_MARKETS,
      catalog: () => this.catalog(),
      candles: (itemId, interval, currency) => this.#filledCandles(itemId, interval, currency),
      money: (cents, currency) => (this.#fx(currency) === undefined ? undefined : this.#money(cents, currency)),
      authed: (handler, options) => this.#authed(handler, options),
    });
  }

  /** The candles `GET /v1/prices/candles?fill=true` serves for the item over the longest window (365 days daily, 30 hourly), as a Quant key gets them. */
  #filledCandles(itemId: number, interval: '1d' | '1h', currency: string): SandboxCandle[] | SandboxResponse {
    const query = new URLSearchParams({ item_id: String(itemId), interval, lookback: interval === '1d' ? '365' : '30', fill: 'true', currency });
    const quant = { tier: 'quant' } as Cs2CapSandboxKey;
    const res = this.#candles({ method: 'GET', path: '/v1/prices/candles', params: {}, query, headers: {}, body: undefined, rawBody: Buffer.alloc(0) }, quant);
    return res.status === 200 ? (res.body as { data: SandboxCandle[] }).data : res;
  }

  /** Portfolios and Steam inventories (see `Cs2CapPortfolioDesk`). */
  readonly portfolios: Cs2CapPortfolioDesk;

  /** Link the seeded Steam account (or another Steam64 id) to the account of `apiKey`. */
  linkSteam(apiKey: string, steamId?: string): void {
    const rec = this.keys.get(apiKey);
    if (!rec) throw new Error('cs2cap sandbox: unknown key');
    this.portfolios.linkSteam(rec.rootId, steamId);
  }

  /** The catalog: every priced item, with the attributes `GET /v1/items` filters on (see sandbox-catalog.ts). */
  catalog(): SandboxCatalogItem[] {
    const seen = new Map<number, SandboxCatalogItem>();
    for (const p of this.prices) if (!seen.has(p.item_id)) seen.set(p.item_id, catalogItem(p.item_id, p.market_hash_name));
    return [...seen.values()];
  }

  /** The catalog entry of an id (every priced item is in the catalog). */
  catalogItem(itemId: number): Cs2CapSandboxItemRef | undefined {
    const row = this.prices.find((p) => p.item_id === itemId);
    return row ? { item_id: row.item_id, market_hash_name: row.market_hash_name } : undefined;
  }


  /** A new root key of the tier (revoking none: several accounts may coexist). */
  createKey(tier: Cs2CapTier = 'quant', overrides: Partial<Pick<Cs2CapSandboxKey, 'rpm' | 'monthlyQuota'>> = {}): string {
    const id = randomUUID();
    const key = `sk_live_${randomBytes(18).toString('base64url')}`;
    this.keys.set(key, {
      key, id, tier, root: true, rootId: id, name: null, active: true, createdAt: new Date().toISOString(),
      rpm: overrides.rpm ?? this.#rpm ?? CS2CAP_TIER_RPM[tier], monthlyQuota: overrides.monthlyQuota ?? MONTHLY[tier], used: 0,
    });
    return key;
  }

  /** Disable the account behind a key (answers 403 AUTH_ACCOUNT_DISABLED). */
  disable(key: string): void {
    this.#disabled.add(key);
  }
  readonly #disabled = new Set<string>();
  readonly #alertDesk: Cs2CapAlertDesk;

  /** Send a signed `alert.triggered` event to every active webhook of the key's account (see `Cs2CapAlertDesk`). */
  deliverAlert(apiKey: string, payload: Record<string, unknown>): Promise<Cs2CapSandboxDelivery[]> {
    return this.#alertDesk.deliverAlert(apiKey, payload);
  }

  /** Evaluate every enabled alert against the current prices; returns the ids that fired. */
  checkAlerts(): Promise<string[]> {
    return this.#alertDesk.checkAlerts();
  }

  readonly #cuts: { method: string; path: string | RegExp; left: number }[] = [];

  /**
   * Carry out the next `times` requests matching `method` and `path` (a string matches as a
   * prefix, as in a `Fault`), then answer each with its real status and only the first half
   * of its JSON body: a complete HTTP response (its Content-Length says so) whose body does
   * not parse, as a crashing server or a proxy can send. Unlike the `truncate` fault, the
   * connection is not cut.
   */
  cutAnswer(method: string, path: string | RegExp, times = 1): void {
    this.#cuts.push({ method, path, left: times });
  }

  #cut(req: SandboxRequest, res: SandboxResponse): SandboxResponse {
    if (res.status < 200 || res.status > 299 || res.body === undefined) return res;
    const i = this.#cuts.findIndex((c) => c.method === req.method && (typeof c.path === 'string' ? req.path.startsWith(c.path) : c.path.test(req.path)));
    const cut = this.#cuts[i];
    if (!cut) return res;
    cut.left -= 1;
    if (cut.left <= 0) this.#cuts.splice(i, 1);
    const bytes = Buffer.from(JSON.stringify(res.body));
    return { status: res.status, headers: { ...res.headers, 'Content-Type': 'application/json' }, raw: bytes.subarray(0, Math.floor(bytes.length / 2)) };
  }

  readonly #activeStreams = new Set<string>();
  readonly #streamStarts = new Map<string, number[]>();
  /** Bulk stream starts per key and endpoint in 24 h. */
  streamQuota = 300;
  /** Pause between streamed chunks of 100 rows (a slow stream stays active longer). */
  streamDelayMs = 0;

  #seed(): void {
    const rand = seededRandom(2026);
    const now = Date.now();
    CS2_ITEMS.forEach((name, index) => {
      const itemId = 1000 + index;
      const base = basePriceCents(name, rand);
      for (const provider of CS2CAP_SANDBOX_MARKETS) {
        const ask = Math.max(3, Math.round(base * (0.9 + rand() * 0.25)));
        this.prices.push({
          item_id: itemId,
          market_hash_name: name,
          provider,
          ask,
          quantity: 1 + Math.floor(rand() * 400),
          bid: BUY_ORDER_MARKETS.has(provider) ? Math.round(ask * (0.78 + rand() * 0.15)) : null,
          num_bids: Math.floor(rand() * 900),
          timestamp: new Date(now - Math.floor(rand() * 600_000)).toISOString(),
        });
      }
    });
  }

  #auth(req: SandboxRequest): Cs2CapSandboxKey | SandboxResponse {
    const token = bearer(req.headers);
    if (!token) return { status: 401, body: { code: 'UNAUTHORIZED', detail: 'Missing Authorization header' } };
    const rec = this.keys.get(token);
    if (!rec) return { status: 401, body: { code: 'AUTH_INVALID_API_KEY', detail: 'Invalid API key' } };
    if (!rec.active) return { status: 401, body: { code: 'AUTH_API_KEY_REVOKED', detail: 'API key has been revoked' } };
    if (this.#disabled.has(token)) return { status: 403, body: { code: 'AUTH_ACCOUNT_DISABLED', detail: 'Account is disabled' } };
    let window = this.#windows.get(rec.id);
    if (!window) {
      window = new RollingWindowCounter(rec.rpm, this.#windowMs);
      this.#windows.set(rec.id, window);
    }
    window.limit = rec.rpm;
    const wait = window.hit(rec.id);
    if (wait > 0) {
      return {
        status: 429,
        headers: { 'Retry-After': retryAfterSeconds(wait), ...this.#minuteHeaders(rec) },
        body: { code: 'RATE_LIMIT_EXCEEDED', detail: `Rate limit exceeded. Retry after ${retryAfterSeconds(wait)} seconds.` },
      };
    }
    return rec;
  }

  /** The per-minute window, as the OpenAPI reads the headers: Reset in seconds from now. */
  #minuteHeaders(rec: Cs2CapSandboxKey): Record<string, string> {
    const { remaining, resetMs } = this.#windows.get(rec.id)?.peek(rec.id) ?? { remaining: rec.rpm, resetMs: 0 };
    return { 'X-RateLimit-Limit': String(rec.rpm), 'X-RateLimit-Remaining': String(remaining), 'X-RateLimit-Reset': String(Math.ceil(resetMs / 1000)), 'X-RateLimit-Tier': rec.tier };
  }

  /** The monthly quota, as the docs read the headers: Reset a Unix time (the next month). */
  #monthlyHeaders(rec: Cs2CapSandboxKey): Record<string, string> {
    const now = new Date();
    const nextMonth = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1) / 1000;
    return { 'X-RateLimit-Limit': String(rec.monthlyQuota), 'X-RateLimit-Remaining': String(Math.max(0, rec.monthlyQuota - rec.used)), 'X-RateLimit-Reset': String(nextMonth), 'X-RateLimit-Tier': rec.tier };
  }

  /**
   * Headers "when you are approaching or have exceeded a limit" (docs): of the per-minute
   * window and the monthly quota, the one with the smaller share left, once at most a tenth
   * of it is left (the monthly quota on a tie); else only the tier.
   */
  #rateHeaders(rec: Cs2CapSandboxKey): Record<string, string> {
    const minuteShare = (this.#windows.get(rec.id)?.peek(rec.id).remaining ?? rec.rpm) / rec.rpm;
    const monthShare = Math.max(0, rec.monthlyQuota - rec.used) / rec.monthlyQuota;
    if (Math.min(minuteShare, monthShare) > 0.1) return { 'X-RateLimit-Tier': rec.tier };
    return monthShare <= minuteShare ? this.#monthlyHeaders(rec) : this.#minuteHeaders(rec);
  }

  #tierAtLeast(rec: Cs2CapSandboxKey, tier: Cs2CapTier): SandboxResponse | undefined {
    if (TIER_ORDER.indexOf(rec.tier) >= TIER_ORDER.indexOf(tier)) return undefined;
    return { status: 403, body: { code: 'FORBIDDEN', detail: `This endpoint requires the ${tier} tier or higher.` } };
  }

  /** Wrap a handler with auth, limits, quota counting and an optional tier gate. */
  #authed(handler: (req: SandboxRequest, key: Cs2CapSandboxKey) => SandboxResponse, options: { tier?: Cs2CapTier; countsQuota?: boolean } = {}) {
    const served = (req: SandboxRequest): SandboxResponse => {
      const rec = this.#auth(req);
      if (!('key' in rec)) return rec;
      if (options.tier) {
        const denied = this.#tierAtLeast(rec, options.tier);
        if (denied) return { ...denied, headers: { 'X-RateLimit-Tier': rec.tier } };
      }
      // Account endpoints are exempt from the monthly quota (reference/cs2cap.md §3.3).
      if (options.countsQuota !== false) {
        if (rec.used >= rec.monthlyQuota) {
          return { status: 429, headers: this.#monthlyHeaders(rec), body: { code: 'RATE_LIMIT_MONTHLY_QUOTA_EXCEEDED', detail: `Monthly quota exceeded (${rec.used}/${rec.monthlyQuota} requests).` } };
        }
        rec.used += 1;
      }
      const res = this.#cut(req, handler(req, rec));
      return { ...res, headers: { ...this.#rateHeaders(rec), ...res.headers } };
    };
    return (req: SandboxRequest): SandboxResponse => {
      const res = served(req);
      const answer = res.status === 422 ? withObjectInputs(res) : res;
      for (const observe of this.#observers) observe({ method: req.method, path: req.path, query: req.query, headers: req.headers, body: req.body }, answer);
      return answer;
    };
  }

  readonly #observers = new Set<(req: Cs2CapSandboxExchange, res: SandboxResponse) => void>();

  /** See every request an API route receives and the answer it gives (contract tests validate both). Returns an unsubscribe function. */
  observe(listener: (req: Cs2CapSandboxExchange, res: SandboxResponse) => void): () => void {
    this.#observers.add(listener);
    return () => this.#observers.delete(listener);
  }

  #fx(currency: string): number | undefined {
    return CS2CAP_SANDBOX_FX[currency.toUpperCase()];
  }

  #validateProviders(list: string[], allowed: Set<string> | readonly string[]): SandboxResponse | undefined {
    const set = allowed instanceof Set ? allowed : new Set(allowed);
    const bad = list.findIndex((p) => !set.has(p) && !(CS2CAP_SANDBOX_MARKETS as readonly string[]).includes(p));
    if (bad >= 0) {
      return {
        status: 422,
        body: { code: 'VALIDATION_ERROR', detail: [{ type: 'enum', loc: ['query', 'providers', bad], msg: 'Input should be one of the allowed provider keys', input: list[bad] }] },
      };
    }
    const unsupported = list.filter((p) => !set.has(p));
    if (unsupported.length) return { status: 400, body: { code: 'BAD_REQUEST', detail: `Providers do not support buy orders: ${unsupported.join(', ')}` } };
    return undefined;
  }

  #select(req: SandboxRequest): PriceRow[] | SandboxResponse {
    const itemId = req.query.get('item_id');
    const name = req.query.get('market_hash_name');
    if (!itemId && !name) return { status: 400, body: { code: 'BAD_REQUEST', detail: 'item_id or market_hash_name is required' } };
    return this.prices.filter((p) => (itemId ? p.item_id === Number(itemId) : p.market_hash_name === name));
  }

  #money(cents: number, currency: string): { int: number; decimal: string } {
    const rate = this.#fx(currency) ?? 1;
    const value = (cents / 100) * rate;
    return { int: Math.round(value * 100), decimal: value >= 1 ? value.toFixed(2) : value.toFixed(8) };
  }

  #routes(): void {
    const r = this.server;
    r.route('GET', '/v1/prices', this.#authed((req) => {
      const currency = (req.query.get('currency') ?? 'USD').toUpperCase();
      if (this.#fx(currency) === undefined) return { status: 422, body: { code: 'VALIDATION_ERROR', detail: [{ type: 'value_error', loc: ['query', 'currency'], msg: 'Unsupported currency' }] } };
      const providers = req.query.getAll('providers');
      const invalid = this.#validateProviders(providers, CS2CAP_SANDBOX_MARKETS);
      if (invalid) return invalid;
      const rows = this.#select(req);
      if (!Array.isArray(rows)) return rows;
      const filtered = rows.filter((p) => !providers.length || providers.includes(p.provider));
      const page = offsetPage(req, filtered, { defaultLimit: 100, maxLimit: 1000 });
      return {
        status: 200,
        body: {
          meta: { currency, filters: { market_hash_name: req.query.get('market_hash_name'), requested_providers: providers }, providers_queried: [...new Set(filtered.map((p) => p.provider))] },
          items: page.rows.map((p) => {
            const m = this.#money(p.ask, currency);
            return {
              provider: p.provider, item_id: p.item_id, market_hash_name: p.market_hash_name, phase: null,
              lowest_ask: m.int, lowest_ask_decimal: m.decimal, quantity: p.quantity,
              link: `https://cs2c.app/r/${p.provider}/${p.item_id}`, timestamp: p.timestamp, last_updated: p.timestamp,
            };
          }),
          pagination: page.pagination,
        },
      };
    }));

    r.route('POST', '/v1/prices/batch', this.#authed((req) => {
      const body = (req.body ?? {}) as { item_ids?: number[]; market_hash_names?: string[]; currency?: string };
      const ids = body.item_ids ?? [];
      const names = body.market_hash_names ?? [];
      if (ids.length + names.length > 100) return { status: 400, body: { code: 'BAD_REQUEST', detail: 'Batch size exceeded' } };
      const currency = (body.currency ?? 'USD').toUpperCase();
      const groups = new Map<number, PriceRow[]>();
      for (const p of this.prices) if (ids.includes(p.item_id) || names.includes(p.market_hash_name)) groups.set(p.item_id, [...(groups.get(p.item_id) ?? []), p]);
      return {
        status: 200,
        body: {
          meta: { currency, requested_item_count: ids.length + names.length, found_item_count: groups.size, providers_queried: [...CS2CAP_SANDBOX_MARKETS], generated_at: new Date().toISOString() },
          items: [...groups.values()].map((rows) => ({
            item_id: rows[0]!.item_id, market_hash_name: rows[0]!.market_hash_name, phase: null,
            quotes: rows.map((p) => ({ provider: p.provider, lowest_ask: this.#money(p.ask, currency).int, lowest_ask_decimal: this.#money(p.ask, currency).decimal, quantity: p.quantity, timestamp: p.timestamp })),
          })),
          items_not_found: ids.filter((id) => !groups.has(id)),
          names_not_found: names.filter((n) => ![...groups.values()].some((rows) => rows[0]!.market_hash_name === n)),
        },
      };
    }, { tier: 'starter' }));

    r.route('POST', '/v1/bids/batch', this.#authed((req) => {
      const body = (req.body ?? {}) as { item_ids?: number[] | null; market_hash_names?: string[] | null; providers?: string[] | null; currency?: string };
      const ids = body.item_ids ?? [];
      const names = body.market_hash_names ?? [];
      if (ids.length + names.length === 0) return { status: 400, body: { code: 'BAD_REQUEST', detail: 'Provide item_ids or market_hash_names' } };
      if (ids.length + names.length > 100) return { status: 400, body: { code: 'BAD_REQUEST', detail: 'Batch size exceeded' } };
      const providers = body.providers ?? [];
      const invalid = this.#validateProviders(providers, BUY_ORDER_MARKETS);
      if (invalid) return invalid;
      const currency = (body.currency ?? 'USD').toUpperCase();
      if (this.#fx(currency) === undefined) return { status: 422, body: { code: 'VALIDATION_ERROR', detail: [{ type: 'value_error', loc: ['body', 'currency'], msg: 'Unsupported currency' }] } };
      const groups = new Map<number, PriceRow[]>();
      for (const p of this.prices) {
        if (p.bid === null || (providers.length && !providers.includes(p.provider))) continue;
        if (ids.includes(p.item_id) || names.includes(p.market_hash_name)) groups.set(p.item_id, [...(groups.get(p.item_id) ?? []), p]);
      }
      const found = [...groups.values()];
      return {
        status: 200,
        body: {
          meta: { currency, requested_item_count: ids.length + names.length, found_item_count: groups.size, providers_queried: providers.length ? providers : [...BUY_ORDER_MARKETS], generated_at: new Date().toISOString() },
          items: found.map((rows) => ({
            item_id: rows[0]!.item_id, market_hash_name: rows[0]!.market_hash_name, phase: null,
            quotes: rows.map((p) => ({ provider: p.provider, highest_bid: this.#money(p.bid!, currency).int, highest_bid_decimal: this.#money(p.bid!, currency).decimal, num_bids: p.num_bids, timestamp: p.timestamp, last_updated: p.timestamp })),
          })),
          items_not_found: ids.filter((id) => !groups.has(id)),
          names_not_found: names.filter((n) => !found.some((rows) => rows[0]!.market_hash_name === n)),
        },
      };
    }, { tier: 'starter' }));

    r.route('GET', '/v1/bids', this.#authed((req) => {
      const currency = (req.query.get('currency') ?? 'USD').toUpperCase();
      const providers = req.query.getAll('providers');
      const invalid = this.#validateProviders(providers, BUY_ORDER_MARKETS);
      if (invalid) return invalid;
      const rows = this.#select(req);
      if (!Array.isArray(rows)) return rows;
      const filtered = rows.filter((p) => p.bid !== null && (!providers.length || providers.includes(p.provider)));
      const page = offsetPage(req, filtered, { defaultLimit: 1000, maxLimit: 1000 });
      return {
        status: 200,
        body: {
          meta: { currency, filters: {}, providers_queried: [...new Set(filtered.map((p) => p.provider))] },
          items: page.rows.map((p) => {
            const m = this.#money(p.bid ?? 0, currency);
            return { provider: p.provider, item_id: p.item_id, market_hash_name: p.market_hash_name, phase: null, highest_bid: m.int, highest_bid_decimal: m.decimal, num_bids: p.num_bids, timestamp: p.timestamp };
          }),
          pagination: page.pagination,
        },
      };
    }, { tier: 'starter' }));

    r.route('GET', '/v1/prices/history', this.#authed((req) => {
      const rows = this.#select(req);
      if (!Array.isArray(rows)) return rows;
      const provider = req.query.get('provider');
      if (provider !== null && !(CS2CAP_SANDBOX_MARKETS as readonly string[]).includes(provider)) {
        return { status: 422, body: { code: 'VALIDATION_ERROR', detail: [{ type: 'enum', loc: ['query', 'provider'], msg: 'Input should be one of the allowed provider keys', input: provider }] } };
      }
      const currency = (req.query.get('currency') ?? 'USD').toUpperCase();
      // Records name the marketplace by display name, as the API's examples do (reference §5.8).
      const all = rows.filter((p) => provider === null || p.provider === provider).flatMap((p) => Array.from({ length: 12 }, (_, h) => ({
        item_id: p.item_id, market_hash_name: p.market_hash_name, phase: null, provider: DISPLAY[p.provider] ?? p.provider,
        time: new Date(Date.parse(p.timestamp) - h * 3_600_000).toISOString(), price: this.#money(Math.round(p.ask * (1 + ((h % 5) - 2) / 100)), currency).int, currency, quantity: p.quantity,
      })));
      const filters = { item_id: numberOrNull(req.query.get('item_id')), market_hash_name: req.query.get('market_hash_name'), phase: req.query.get('phase'), provider, start: req.query.get('start'), end: req.query.get('end') };
      return this.#cursorPage(req, all, 'history', { filters });
    }, { tier: 'pro' }));

    r.route('GET', '/v1/prices/candles', this.#authed((req, k) => this.#candles(req, k)));
    r.route('GET', '/v1/market/arbitrage', this.#authed((req) => this.#arbitrage(req), { tier: 'quant' }));

    r.route('GET', '/v1/sales', this.#authed((req) => {
      const q = (n: string): string | null => req.query.get(n);
      const name = q('market_hash_name');
      const itemId = q('item_id');
      const currency = (q('currency') ?? 'USD').toUpperCase();
      const providers = req.query.getAll('providers');
      const unknown = providers.findIndex((p) => !(CS2CAP_SANDBOX_MARKETS as readonly string[]).includes(p));
      if (unknown >= 0) return { status: 422, body: { code: 'VALIDATION_ERROR', detail: [{ type: 'enum', loc: ['query', 'providers', unknown], msg: 'Input should be one of the allowed provider keys', input: providers[unknown] }] } };
      const unsupported = providers.filter((p) => !SALES_MARKETS.has(p));
      if (unsupported.length) return { status: 400, body: { code: 'BAD_REQUEST', detail: `Providers do not support Recent Sales: ${unsupported.join(', ')}` } };
      const range = (field: string, min: number, max: number, integer: boolean): number | null | SandboxResponse => {
        const raw = q(field);
        if (raw === null) return null;
        const n = Number(raw);
        if (raw.trim() === '' || Number.isNaN(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
          return { status: 422, body: { code: 'VALIDATION_ERROR', detail: [{ type: integer ? 'int_parsing' : 'float_parsing', loc: ['query', field], msg: `Input should be between ${min} and ${max}`, input: raw }] } };
        }
        return n;
      };
      const minFloat = range('min_float', 0, 1, false);
      const maxFloat = range('max_float', 0, 1, false);
      const paintSeed = range('paint_seed', 0, 1000, true);
      for (const v of [minFloat, maxFloat, paintSeed]) if (v !== null && typeof v === 'object') return v;
      const stickers = req.query.getAll('stickers');
      const charm = q('charms');
      const rows = this.prices.filter((p) => SALES_MARKETS.has(p.provider) && (!providers.length || providers.includes(p.provider)) && (!name || p.market_hash_name === name) && (!itemId || p.item_id === Number(itemId)));
      if ((name || itemId) && !this.prices.some((p) => (!name || p.market_hash_name === name) && (!itemId || p.item_id === Number(itemId)))) return { status: 404, body: { code: 'NOT_FOUND', detail: `Item not found: ${name ?? itemId}` } };
      const sales = rows
        .flatMap((p) => this.salesOf(p, currency))
        .filter((sale) =>
          (minFloat === null || (sale.float !== null && sale.float >= (minFloat as number))) &&
          (maxFloat === null || (sale.float !== null && sale.float <= (maxFloat as number))) &&
          (paintSeed === null || sale.paint_seed === paintSeed) &&
          stickers.every((st) => sale.stickers.some((x) => x.name === st)) &&
          (charm === null || sale.charms.some((c) => c.name === charm)),
        );
      const filters = {
        item_id: numberOrNull(itemId), market_hash_name: name, phase: q('phase'), requested_providers: providers, min_float: minFloat, max_float: maxFloat, paint_seed: paintSeed,
        stickers: stickers.length ? stickers : null, charms: charm,
      };
      return this.#cursorPage(req, sales, 'sales', { filters, providersQueried: providers.length ? providers : [...SALES_MARKETS], offsetPagination: true });
    }, { tier: 'pro' }));

    r.route('GET', '/v1/items', this.#authed((req) => {
      const bool = ['is_stattrak', 'is_souvenir'].find((f) => req.query.has(f) && !['true', 'false'].includes(req.query.get(f)!));
      if (bool) return { status: 422, body: { code: 'VALIDATION_ERROR', detail: [{ type: 'bool_parsing', loc: ['query', bool], msg: 'Input should be a valid boolean', input: req.query.get(bool) }] } };
      const matching = this.catalog().filter((i) => matchesItemFilters(i, req.query));
      // Without a limit, the whole matching catalog in one page (reference §5.3).
      const page = offsetPage(req, matching, { defaultLimit: matching.length, maxLimit: req.query.has('limit') ? 1000 : Math.max(1, matching.length) });
      return { status: 200, body: { items: page.rows, pagination: { ...page.pagination, next_cursor: null } } };
    }));

    r.route('GET', '/v1/items/metadata', this.#authed(() => ({ status: 200, body: catalogMetadata(this.catalog()) })));

    r.route('GET', '/v1/images', this.#authed((req) => {
      const format = req.query.get('format') ?? 'png';
      if (format !== 'png' && format !== 'webp') return { status: 422, body: { code: 'VALIDATION_ERROR', detail: [{ type: 'enum', loc: ['query', 'format'], msg: "Input should be 'png' or 'webp'", input: format }] } };
      return { status: 200, body: gameImages(this.catalog(), format) };
    }));

    r.route('GET', '/v1/providers', this.#authed((req) => {
      const only = req.query.get('provider');
      if (only && !(CS2CAP_SANDBOX_MARKETS as readonly string[]).includes(only)) return { status: 404, body: { code: 'NOT_FOUND', detail: `Provider not found: ${only}` } };
      const out: Record<string, unknown> = {};
      for (const key of CS2CAP_SANDBOX_MARKETS) {
        if (only && key !== only) continue;
        out[DISPLAY[key]!] = {
          key, logo: `https://cdn.cs2c.app/logos/${key}.png`, market_type: key === 'steam' ? 'STORE' : 'P2P', default_currency: key === 'buff163' || key === 'youpin' ? 'CNY' : 'USD',
          fees: { sell_fee: FEES[key] }, features: { has_buy_orders: BUY_ORDER_MARKETS.has(key), has_recent_sales: SALES_MARKETS.has(key) }, health: { status: 'up' },
        };
      }
      return { status: 200, body: out };
    }));

    for (const [path, kind] of [['/v1/prices', 'prices'], ['/v1/bids', 'bids']] as const) {
      r.route('POST', path, this.#authed((req, k) => this.#stream(req, k, kind), { tier: 'pro' }));
    }

    r.route('GET', '/v1/fx', this.#authed(() => ({ status: 200, body: { timestamp: new Date().toISOString(), rates: CS2CAP_SANDBOX_FX } })));

    r.route('GET', '/v1/account/key', this.#authed((_req, k) => ({ status: 200, body: { key: this.#keyInfo(k) } }), { countsQuota: false }));

    r.route('POST', '/v1/account/key/reissue', this.#authed((_req, k) => {
      if (!k.root) return { status: 403, body: { code: 'FORBIDDEN', detail: 'Child keys cannot reissue the root key' } };
      for (const other of this.keys.values()) if (other.rootId === k.rootId) other.active = false;
      const key = `sk_live_${randomBytes(18).toString('base64url')}`;
      const id = randomUUID();
      const rec: Cs2CapSandboxKey = { ...k, key, id, rootId: id, active: true, createdAt: new Date().toISOString() };
      this.keys.set(key, rec);
      // The new root key keeps the account's rate window.
      const window = this.#windows.get(k.id);
      if (window) this.#windows.set(id, window);
      return { status: 200, body: { key, key_prefix: 'sk_live_root', id, created_at: rec.createdAt, message: 'Store this key now; it will not be shown again.' } };
    }, { countsQuota: false }));

    r.route('GET', '/v1/account/sub-keys', this.#authed((req, k) => {
      if (!k.root) return { status: 403, body: { code: 'FORBIDDEN', detail: 'Child keys cannot manage sub-keys' } };
      const children = [...this.keys.values()].filter((c) => !c.root && c.rootId === k.rootId && c.active);
      const page = offsetPage(req, children, { defaultLimit: 25, maxLimit: 100 });
      return { status: 200, body: { keys: page.rows.map((c) => ({ key: this.#keyInfo(c), requests_this_month: c.used })), pagination: page.pagination } };
    }, { tier: 'quant', countsQuota: false }));

    r.route('POST', '/v1/account/sub-keys', this.#authed((req, k) => {
      if (!k.root) return { status: 403, body: { code: 'FORBIDDEN', detail: 'Child keys cannot manage sub-keys' } };
      const body = (req.body ?? {}) as { name?: string; rate_requests_per_minute_override?: number; quota_requests_per_month_override?: number };
      if (!body.name) return { status: 422, body: { code: 'VALIDATION_ERROR', detail: [{ type: 'missing', loc: ['body', 'name'], msg: 'Field required' }] } };
      if ([...this.keys.values()].filter((c) => !c.root && c.rootId === k.rootId && c.active).length >= 25) return { status: 409, body: { code: 'CONFLICT', detail: 'Sub-key limit reached (25)' } };
      const key = `sk_live_${randomBytes(18).toString('base64url')}`;
      const rec: Cs2CapSandboxKey = {
        key, id: randomUUID(), tier: k.tier, root: false, rootId: k.rootId, name: body.name, active: true, createdAt: new Date().toISOString(),
        rpm: Math.min(k.rpm, body.rate_requests_per_minute_override ?? k.rpm), monthlyQuota: Math.min(k.monthlyQuota, body.quota_requests_per_month_override ?? k.monthlyQuota), used: 0,
        rateOverride: body.rate_requests_per_minute_override ?? null, quotaOverride: body.quota_requests_per_month_override ?? null,
      };
      this.keys.set(key, rec);
      return { status: 201, body: { key, key_info: this.#keyInfo(rec), message: 'Store this key now.' } };
    }, { tier: 'quant', countsQuota: false }));

    const childOf = (k: Cs2CapSandboxKey, id: string | undefined): Cs2CapSandboxKey | undefined => [...this.keys.values()].find((c) => c.id === id && !c.root && c.rootId === k.rootId && c.active);
    const rootOf = (k: Cs2CapSandboxKey): Cs2CapSandboxKey | undefined => [...this.keys.values()].find((c) => c.root && c.id === k.rootId && c.active);

    r.route('GET', '/v1/account/sub-keys/:id', this.#authed((req, k) => {
      if (!k.root) return { status: 403, body: { code: 'FORBIDDEN', detail: 'Child keys cannot manage sub-keys' } };
      const child = childOf(k, req.params.id);
      if (!child) return { status: 404, body: { code: 'NOT_FOUND', detail: 'Sub-key not found' } };
      return { status: 200, body: { key: this.#keyInfo(child), requests_this_month: child.used } };
    }, { tier: 'quant', countsQuota: false }));

    r.route('PATCH', '/v1/account/sub-keys/:id', this.#authed((req, k) => {
      if (!k.root) return { status: 403, body: { code: 'FORBIDDEN', detail: 'Child keys cannot manage sub-keys' } };
      const child = childOf(k, req.params.id);
      if (!child) return { status: 404, body: { code: 'NOT_FOUND', detail: 'Sub-key not found' } };
      const body = (req.body ?? {}) as { name?: string | null; rate_requests_per_minute_override?: number | null; quota_requests_per_month_override?: number | null };
      const parent = rootOf(k) ?? k;
      // Caps may only lower the parent's limits (reference/cs2cap.md §6.8).
      for (const [field, value, max] of [['rate_requests_per_minute_override', body.rate_requests_per_minute_override, parent.rpm], ['quota_requests_per_month_override', body.quota_requests_per_month_override, parent.monthlyQuota]] as const) {
        if (typeof value === 'number' && (value < 1 || value > max)) {
          return { status: 422, body: { code: 'VALIDATION_ERROR', detail: [{ type: 'less_than_equal', loc: ['body', field], msg: `Input should be less than or equal to ${max}`, input: value, ctx: { le: max } }] } };
        }
      }
      if (typeof body.name === 'string') child.name = body.name;
      if ('rate_requests_per_minute_override' in body) child.rateOverride = body.rate_requests_per_minute_override ?? null;
      if ('quota_requests_per_month_override' in body) child.quotaOverride = body.quota_requests_per_month_override ?? null;
      child.rpm = child.rateOverride ?? parent.rpm;
      child.monthlyQuota = child.quotaOverride ?? parent.monthlyQuota;
      return { status: 200, body: { key: this.#keyInfo(child), requests_this_month: child.used } };
    }, { tier: 'quant', countsQuota: false }));

    r.route('POST', '/v1/account/sub-keys/:id/reissue', this.#authed((req, k) => {
      if (!k.root) return { status: 403, body: { code: 'FORBIDDEN', detail: 'Child keys cannot manage sub-keys' } };
      const child = childOf(k, req.params.id);
      if (!child) return { status: 404, body: { code: 'NOT_FOUND', detail: 'Sub-key not found' } };
      // The old key stops working; the id, name and caps stay (and so does its rate window).
      child.active = false;
      const key = `sk_live_${randomBytes(18).toString('base64url')}`;
      const rec: Cs2CapSandboxKey = { ...child, key, active: true, createdAt: new Date().toISOString() };
      this.keys.set(key, rec);
      return { status: 200, body: { key, key_info: this.#keyInfo(rec), message: 'Store this key now; it will not be shown again.' } };
    }, { tier: 'quant', countsQuota: false }));

    r.route('DELETE', '/v1/account/sub-keys/:id', this.#authed((req, k) => {
      const child = [...this.keys.values()].find((c) => c.id === req.params.id && !c.root && c.rootId === k.rootId);
      if (!child) return { status: 404, body: { code: 'NOT_FOUND', detail: 'Sub-key not found' } };
      child.active = false;
      return { status: 200, body: { ok: true, key_id: child.id, revoked_at: new Date().toISOString() } };
    }, { tier: 'quant', countsQuota: false }));
  }

  /**
   * Composite candles from the item's asks, deterministic per item and bucket; sparse (every
   * tenth bucket is empty) unless `fill`. Free and Starter: daily only, at most 30 days, no
   * start/end/fill (the docs do not say which error refuses more; 403 here).
   */
  #candles(req: SandboxRequest, k: Cs2CapSandboxKey): SandboxResponse {
    const rows = this.#select(req);
    if (!Array.isArray(rows)) return rows;
    if (!rows.length) return { status: 404, body: { code: 'NOT_FOUND', detail: 'Item not found' } };
    const q = (name: string): string | null => req.query.get(name);
    const bucketMs = { '5m': 300_000, '1h': 3_600_000, '1d': 86_400_000 }[q('interval') ?? '1d'];
    if (!bucketMs) return { status: 400, body: { code: 'BAD_REQUEST', detail: 'interval must be one of: 1d, 1h, 5m' } };
    const interval = q('interval') ?? '1d';
    const currency = (q('currency') ?? 'USD').toUpperCase();
    if (this.#fx(currency) === undefined) return { status: 422, body: { code: 'VALIDATION_ERROR', detail: [{ type: 'value_error', loc: ['query', 'currency'], msg: 'Unsupported currency' }] } };
    const lowTier = TIER_ORDER.indexOf(k.tier) < TIER_ORDER.indexOf('pro');
    if (lowTier && (interval !== '1d' || q('start') || q('end') || q('fill'))) {
      return { status: 403, body: { code: 'FORBIDDEN', detail: 'Intraday candles, start/end and fill require the pro tier or higher.' } };
    }
    const maxDays = Math.min({ '5m': 7, '1h': 30, '1d': 365 }[interval]!, lowTier ? 30 : 365);
    const lookback = q('lookback');
    let start: number;
    let end = Math.floor(Date.now() / bucketMs) * bucketMs;
    if (lookback !== null || !q('start')) {
      const m = /^(\d+)d?$/.exec(lookback ?? String(maxDays));
      if (!m) return { status: 400, body: { code: 'BAD_REQUEST', detail: "lookback must be a duration (e.g. '7d', '30d')" } };
      const days = Number(m[1]);
      if (days > maxDays && !lowTier) return { status: 400, body: { code: 'BAD_REQUEST', detail: `start must be within last ${maxDays} days for ${interval} interval` } };
      start = end - Math.min(days, maxDays) * 86_400_000;
    } else {
      start = Date.parse(q('start')!);
      if (Number.isNaN(start)) return { status: 400, body: { code: 'BAD_REQUEST', detail: 'start must be a valid ISO 8601 timestamp' } };
      if (q('end')) end = Date.parse(q('end')!);
      if (Number.isNaN(end)) return { status: 400, body: { code: 'BAD_REQUEST', detail: 'end must be a valid ISO 8601 timestamp' } };
      if (end <= start) return { status: 400, body: { code: 'BAD_REQUEST', detail: 'end must be after start' } };
      if (Date.now() - start > maxDays * 86_400_000) return { status: 400, body: { code: 'BAD_REQUEST', detail: `start must be within last ${maxDays} days for ${interval} interval` } };
      start = Math.ceil(start / bucketMs) * bucketMs;
    }
    const fill = q('fill') === 'true';
    const cheapest = rows.reduce((a, b) => (b.ask < a.ask ? b : a));
    // A smooth drift plus a little noise, so each candle closes where the next one opens.
    const askAt = (t: number): number => {
      const days = t / 86_400_000;
      return cheapest.ask * (1 + 0.06 * Math.sin(days / 3 + cheapest.item_id) + 0.02 * Math.sin(days * 7.3) + 0.01 * (seededRandom(Math.floor(t / 300_000))() - 0.5));
    };
    const data: unknown[] = [];
    for (let t = start; t < end; t += bucketMs) {
      const bucket = Math.floor(t / bucketMs);
      // Sparse unless fill: every tenth bucket is empty.
      if (!fill && (bucket + cheapest.item_id) % 10 === 0) continue;
      const rand = seededRandom(cheapest.item_id * 7919 + bucket);
      const [o, c] = [askAt(t), askAt(t + bucketMs)];
      const [l, h] = [Math.min(o, c) * (1 - rand() * 0.02), Math.max(o, c) * (1 + rand() * 0.02)];
      const market = (): string => CS2CAP_SANDBOX_MARKETS[Math.floor(rand() * CS2CAP_SANDBOX_MARKETS.length)]!;
      const minor = (cents: number): number => this.#money(Math.round(cents), currency).int;
      data.push({ t: t / 1000, o: minor(o), h: minor(h), l: minor(l), c: minor(c), v: Math.floor(rand() * 50), q: Math.floor(rand() * 400), providers: { o: market(), h: market(), l: market(), c: market() } });
    }
    return {
      status: 200,
      body: {
        meta: { item_id: cheapest.item_id, market_hash_name: cheapest.market_hash_name, phase: null, provider: 'All Providers', currency, interval, start: new Date(start).toISOString(), end: new Date(end).toISOString() },
        data,
      },
    };
  }

  /**
   * Opportunities from the sandbox's own prices: per item, the lowest ask bought and the
   * highest bid on another marketplace sold into, after that marketplace's sell fee; ranked by
   * net profit. Offset pages; a `cursor` is refused as documented.
   */
  #arbitrage(req: SandboxRequest): SandboxResponse {
    if (req.query.has('cursor')) return { status: 400, body: { code: 'BAD_REQUEST', detail: 'cursor is not supported; use offset' } };
    const minSpread = Number(req.query.get('min_spread_pct') ?? 1);
    const buyOn = req.query.getAll('providers_buy');
    const sellOn = req.query.getAll('providers_sell');
    const byItem = new Map<number, PriceRow[]>();
    for (const p of this.prices) byItem.set(p.item_id, [...(byItem.get(p.item_id) ?? []), p]);
    const items = [];
    for (const rows of byItem.values()) {
      const asks = rows.filter((p) => !buyOn.length || buyOn.includes(p.provider));
      const bids = rows.filter((p) => p.bid !== null && (!sellOn.length || sellOn.includes(p.provider)));
      if (!asks.length || !bids.length) continue;
      const buy = asks.reduce((a, b) => (b.ask < a.ask ? b : a));
      const sell = bids.filter((p) => p.provider !== buy.provider).reduce<PriceRow | undefined>((a, b) => (!a || b.bid! > a.bid! ? b : a), undefined);
      if (!sell) continue;
      const gross = ((sell.bid! - buy.ask) / buy.ask) * 100;
      if (gross < minSpread) continue;
      const fees = Math.round(sell.bid! * (FEES[sell.provider] ?? 0));
      const cents = (n: number): string => (n / 100).toFixed(2);
      items.push({
        item_id: buy.item_id, market_hash_name: buy.market_hash_name, phase: null, buy_provider: buy.provider, sell_provider: sell.provider,
        buy_price_usd: cents(buy.ask), sell_price_usd: cents(sell.bid!), gross_spread_pct: Math.round(gross * 100) / 100,
        estimated_fees_usd: cents(fees), net_profit_usd: cents(sell.bid! - fees - buy.ask), last_updated: buy.timestamp, net: sell.bid! - fees - buy.ask,
      });
    }
    items.sort((a, b) => b.net - a.net || a.item_id - b.item_id);
    const page = offsetPage(req, items, { defaultLimit: 50, maxLimit: 1000 });
    return {
      status: 200,
      body: {
        meta: { generated_at: new Date().toISOString(), data_source: 'cache', freshness_sec: 300, window: null },
        data: { items: page.rows.map(({ net: _net, ...i }) => i) },
        pagination: page.pagination,
      },
    };
  }

  /** Bulk NDJSON: one active stream per key and endpoint, a 24 h start quota, rows in USD. */
  #stream(req: SandboxRequest, k: Cs2CapSandboxKey, kind: 'prices' | 'bids'): SandboxResponse {
    const id = `${k.rootId}:${kind}`;
    if (this.#activeStreams.has(id)) {
      return { status: 409, headers: { 'Retry-After': '5' }, body: { code: 'STREAM_ALREADY_ACTIVE', detail: `A /v1/${kind} stream is already active for this key.` } };
    }
    const now = Date.now();
    const starts = (this.#streamStarts.get(id) ?? []).filter((t) => t > now - 86_400_000);
    // The stream-start quota; Reset = seconds until the oldest counted start leaves the 24 h window.
    const quotaHeaders = (count: number): Record<string, string> => ({
      'X-RateLimit-Limit': String(this.streamQuota),
      'X-RateLimit-Remaining': String(Math.max(0, this.streamQuota - count)),
      'X-RateLimit-Reset': String(Math.ceil(((starts[0] ?? now) + 86_400_000 - now) / 1000)),
    });
    if (starts.length >= this.streamQuota) {
      return { status: 429, headers: { 'Retry-After': '3600', ...quotaHeaders(starts.length) }, body: { code: 'RATE_LIMIT_STREAM_QUOTA_EXCEEDED', detail: `Bulk stream quota exhausted for /v1/${kind}. Limit ${this.streamQuota} per 24 hours.` } };
    }
    starts.push(now);
    this.#streamStarts.set(id, starts);
    const providers = req.query.getAll('providers');
    const rows = this.prices.filter((p) => (!providers.length || providers.includes(p.provider)) && (kind === 'prices' || p.bid !== null));
    const lines = rows.map((p) =>
      JSON.stringify(
        kind === 'prices'
          ? { provider: p.provider, item_id: p.item_id, market_hash_name: p.market_hash_name, phase: null, lowest_ask: p.ask, lowest_ask_decimal: (p.ask / 100).toFixed(2), quantity: p.quantity, timestamp: p.timestamp }
          : { provider: p.provider, item_id: p.item_id, market_hash_name: p.market_hash_name, phase: null, highest_bid: p.bid, highest_bid_decimal: ((p.bid ?? 0) / 100).toFixed(2), num_bids: p.num_bids, timestamp: p.timestamp },
      ),
    );
    this.#activeStreams.add(id);
    const active = this.#activeStreams;
    let i = 0;
    const delay = this.streamDelayMs;
    const stream = new Readable({
      read() {
        const push = (): void => {
          if (i >= lines.length) return void this.push(null);
          this.push(lines.slice(i, i + 100).join('\n') + '\n');
          i += 100;
        };
        if (delay > 0) setTimeout(push, delay);
        else push();
      },
      destroy(error, done) {
        active.delete(id);
        done(error);
      },
    });
    stream.on('end', () => active.delete(id));
    return {
      status: 200,
      headers: { 'Content-Type': 'application/x-ndjson', 'X-Snapshot-Timestamp': new Date().toISOString(), 'X-Snapshot-Currency': 'USD', 'X-Snapshot-Total': String(rows.length), ...quotaHeaders(starts.length) },
      stream,
    };
  }

  /**
   * A cursor page. Sales answer with `PaginationMeta` (so `offset` too, and `total: -1`) and a
   * `SalesMeta` (`providers_queried`, the limit in `filters`); history with `CursorPaginationMeta`.
   */
  #cursorPage<T>(req: SandboxRequest, rows: T[], kind: string, shape: { filters: Record<string, unknown>; providersQueried?: string[]; offsetPagination?: boolean }): SandboxResponse {
    const limit = Math.max(1, Math.min(1000, Number(req.query.get('limit') ?? 100)));
    let start = 0;
    const cursor = req.query.get('cursor');
    if (cursor) {
      const decoded = /^(\w+)\|(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
      if (!decoded || decoded[1] !== kind) return { status: 400, body: { code: 'BAD_REQUEST', detail: 'invalid cursor format' } };
      start = Number(decoded[2]);
    }
    const end = start + limit;
    const hasNext = end < rows.length;
    const meta: Record<string, unknown> = { currency: (req.query.get('currency') ?? 'USD').toUpperCase(), filters: shape.offsetPagination ? { ...shape.filters, limit } : shape.filters, result_count: Math.max(0, Math.min(limit, rows.length - start)) };
    if (shape.providersQueried) meta.providers_queried = shape.providersQueried;
    return {
      status: 200,
      body: {
        meta,
        items: rows.slice(start, end),
        pagination: { limit, ...(shape.offsetPagination ? { offset: start, total: -1 } : {}), has_next: hasNext, has_prev: start > 0, next_cursor: hasNext ? Buffer.from(`${kind}|${end}`).toString('base64') : null },
      },
    };
  }

  /**
   * The recent sales of one marketplace's item: five, two hours apart from its price's time,
   * each deterministic (seeded by item and marketplace): a float and paint seed for wear
   * items, a sticker on every second sale and a charm on every third.
   */
  salesOf(p: PriceRow, currency: string): SandboxSale[] {
    const rand = seededRandom(p.item_id * 31 + CS2CAP_SANDBOX_MARKETS.indexOf(p.provider as (typeof CS2CAP_SANDBOX_MARKETS)[number]));
    return Array.from({ length: 5 }, (_, i) => {
      const priced = Math.round(p.ask * (0.95 + rand() / 10));
      const float = wearOf(p.market_hash_name) ? Number(rand().toFixed(6)) : null;
      const seed = Math.floor(rand() * 1000);
      return {
        date: new Date(Date.parse(p.timestamp) - i * 7_200_000).toISOString(), provider: p.provider, price: this.#money(priced, currency).int, currency,
        item_id: p.item_id, market_hash_name: p.market_hash_name, phase: null, float, paint_seed: float === null ? null : seed,
        stickers: i % 2 === 0 ? [{ name: SANDBOX_STICKERS[(p.item_id + i) % SANDBOX_STICKERS.length]!, slot: i % 5, wear: null }] : [],
        charms: i % 3 === 0 ? [{ name: SANDBOX_CHARMS[(p.item_id + i) % SANDBOX_CHARMS.length]!, pattern_id: 1000 + i }] : [],
      };
    });
  }

  #keyInfo(k: Cs2CapSandboxKey): Record<string, unknown> {
    return {
      id: k.id, key_prefix: k.root ? 'sk_live_root' : 'sk_live_child', name: k.name, root_key_id: k.root ? null : k.rootId, is_root_key: k.root, is_active: k.active,
      created_at: k.createdAt, last_used_at: null, expires_at: null, quota_requests_per_month_override: k.quotaOverride ?? null, rate_requests_per_minute_override: k.rateOverride ?? null,
      effective_quota_requests_per_month: k.monthlyQuota, effective_rate_requests_per_minute: k.rpm,
    };
  }
}
