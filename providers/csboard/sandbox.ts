/**
 * A CSBoard server for tests and demos: seeded listings with floats, seeds, stickers and
 * StatTrak/Souvenir variants, keyset cursors, availability, min-ask prices, a gzipped
 * NDJSON snapshot with an ETag, FX, balances, read and trading keys, orders with idempotent
 * replay, price_moved, insufficient_balance, holds and claims, a rolling-window limiter per
 * key with Retry-After, the bad-key IP ban, and fault injection.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { CS2_ITEMS, basePriceCents, wearOf } from '../../src/testkit/items.js';
import { ProviderSandbox, RollingWindowCounter, SandboxServer, bearer, retryAfterSeconds, seededRandom, type SandboxRequest, type SandboxResponse } from '../../src/testkit/server.js';

const FLOAT_RANGE: Record<string, [number, number]> = {
  'Factory New': [0, 0.07], 'Minimal Wear': [0.07, 0.15], 'Field-Tested': [0.15, 0.38], 'Well-Worn': [0.38, 0.45], 'Battle-Scarred': [0.45, 1],
};
const STICKERS = ['Crown (Foil)', 'Titan (Holo) | Katowice 2014', 'iBUYPOWER | Katowice 2014', 'Howling Dawn', 'Natus Vincere (Holo) | Stockholm 2021'];
export const CSBOARD_SANDBOX_FX: Record<string, number> = { USD: 1, EUR: 0.92, RUB: 78.4, GBP: 0.79, CNY: 7.24 };

/** A sticker on a sandbox listing. */
export interface CsboardSandboxSticker {
  /** Sticker name. */
  name: string;
  /** Image URL. */
  image: string;
  /** Slot, 0-based. */
  slot: number;
  /** Sticker wear, 0–1. */
  wear: number;
}

/** A listing the sandbox serves (its wire form is built from it). */
export interface CsboardSandboxListing {
  /** Listing id (`itm_…`). */
  id: string;
  /** Steam market hash name. */
  market_hash_name: string;
  /** Wear name, or null. */
  wear: string | null;
  /** Doppler phase, or null. */
  doppler_phase: string | null;
  /** Float value, 0–1, or null. */
  float_value: number | null;
  /** Paint seed, or null. */
  paint_seed: number | null;
  /** Applied stickers. */
  stickers: CsboardSandboxSticker[];
  /** Integer cents: the sandbox keeps money exact too. */
  cents: number;
  /** Category, e.g. `Rifle`. */
  category: string;
  /** Rarity, e.g. `Classified`. */
  rarity: string;
  /** `hold` (claimable after the hold) or `instant`. */
  delivery: 'hold' | 'instant';
  /** Creation order: `sort=newest` sorts by it. */
  createdSeq: number;
  /** Whether it has been bought (then it is no longer listed). */
  sold: boolean;
}

/** A sandbox account's money, in integer cents. */
export interface CsboardSandboxAccount {
  /** The whole balance. */
  balanceCents: number;
  /** The settled part, all `marketBuy` may spend. */
  settledCents: number;
  /** Whether a Steam account is linked (without one, orders are `steam_account_required`). */
  steamLinked: boolean;
}
/** A key the sandbox knows. */
export interface CsboardSandboxKey {
  /** The key itself (`csb_pub_…`, made at run time). */
  key: string;
  /** Whether it may buy. */
  trading: boolean;
  /** Its account. */
  account: CsboardSandboxAccount;
}
/** An order the sandbox recorded. */
export interface CsboardSandboxOrder {
  /** Order id (`ord_…`). */
  order_id: string;
  /** The key that placed it. */
  key: string;
  /** Its status (`hold`, `delivering`, `completed`, …). */
  status: string;
  /** The `marketBuy` custom id, or null. */
  custom_id: string | null;
  /** What was charged, integer cents. */
  charged_cents: number;
  /** When it was placed (ISO 8601). */
  created_at: string;
  /** When its hold clears (ISO 8601), or null. */
  hold_until: string | null;
  /** The listings bought. */
  items: CsboardSandboxListing[];
  /** Whether it has been claimed. */
  claimed: boolean;
}

/** What `createKey` takes. */
export interface CsboardSandboxKeyOptions {
  /** A trading key (default: read-only). */
  trading?: boolean;
  /** The balance in USD (default 1000). */
  balanceUsd?: number;
  /** The settled balance in USD (default 80 % of the balance). */
  settledUsd?: number;
  /** Whether a Steam account is linked (default true). */
  steamLinked?: boolean;
}

/** How a `CsboardSandbox` behaves: its size, its limits and its timings. */
export interface CsboardSandboxOptions {
  /** Listings to seed (default 600). */
  listings?: number;
  /** Rows in the snapshot (default: one per priced group). */
  snapshotRows?: number;
  /** The rolling window of the per-key limits, ms (default 60 000, as documented). */
  windowMs?: number;
  /** Reads per window and key (default 30). */
  readLimit?: number;
  /** Orders per window and key (default 30). */
  orderLimit?: number;
  /** Snapshot downloads per window and key (default 1). */
  snapshotLimit?: number;
  /**
   * Bad-key requests one IP may send per `badKeyWindowMs` (default 30, as documented): the
   * next one within the window bans the IP (reference/csboard.md §3).
   */
  badKeyLimit?: number;
  /** The window bad-key requests are counted in (default 60 s, as documented). */
  badKeyWindowMs?: number;
  /** How long the IP ban lasts (default 5 minutes, as documented). */
  banMs?: number;
  /** Hold length of `delivery: hold` items (default 2 s, so tests can claim). */
  holdMs?: number;
}

/** A CSBoard server on loopback for tests and demos (see the file comment). */
export class CsboardSandbox extends ProviderSandbox {
  protected readonly root = '/v1';
  /** The HTTP server, its request log and fault injection. */
  readonly server = new SandboxServer('csboard');
  /** Every listing, sold ones included. */
  readonly listings: CsboardSandboxListing[] = [];
  /** The keys made by `createKey`, by key. */
  readonly keys = new Map<string, CsboardSandboxKey>();
  /** The orders placed, oldest first. */
  readonly orders: CsboardSandboxOrder[] = [];
  /** When each bad-key request (a missing or unknown key, not one refused by the ban) arrived. */
  readonly badKeyHits: number[] = [];
  readonly #idempotent = new Map<string, { status: number; body: unknown }>();
  readonly #o: Required<CsboardSandboxOptions>;
  readonly #read: RollingWindowCounter;
  readonly #order: RollingWindowCounter;
  readonly #snapshot: RollingWindowCounter;
  readonly #badKeys: RollingWindowCounter;
  #bannedUntil = 0;
  #bans = 0;
  #seq = 0;
  #orderSeq = 0;
  #priceVersion = 1;

  constructor(options: CsboardSandboxOptions = {}) {
    super();
    this.#o = {
      listings: options.listings ?? 600,
      snapshotRows: options.snapshotRows ?? 0,
      windowMs: options.windowMs ?? 60_000,
      readLimit: options.readLimit ?? 30,
      orderLimit: options.orderLimit ?? 30,
      snapshotLimit: options.snapshotLimit ?? 1,
      badKeyLimit: options.badKeyLimit ?? 30,
      badKeyWindowMs: options.badKeyWindowMs ?? 60_000,
      banMs: options.banMs ?? 5 * 60_000,
      holdMs: options.holdMs ?? 2_000,
    };
    this.#read = new RollingWindowCounter(this.#o.readLimit, this.#o.windowMs);
    this.#order = new RollingWindowCounter(this.#o.orderLimit, this.#o.windowMs);
    this.#snapshot = new RollingWindowCounter(this.#o.snapshotLimit, this.#o.windowMs);
    this.#badKeys = new RollingWindowCounter(this.#o.badKeyLimit, this.#o.badKeyWindowMs);
    this.#seed();
    this.#routes();
  }


/** A new key: read-only unless `trading`, with a balance. */
  createKey(options: CsboardSandboxKeyOptions = {}): string {
    const key = `csb_pub_${randomBytes(18).toString('base64url')}`;
    const balanceCents = Math.round((options.balanceUsd ?? 1000) * 100);
    this.keys.set(key, {
      key,
      trading: options.trading ?? false,
      account: { balanceCents, settledCents: Math.round((options.settledUsd ?? (options.balanceUsd ?? 1000) * 0.8) * 100), steamLinked: options.steamLinked ?? true },
    });
    return key;
  }

  /** List a new item now (for "newest listings" bots). */
  addListing(name: string, priceUsd: number): CsboardSandboxListing {
    const l = this.#makeListing(name, Math.round(priceUsd * 100), seededRandom(this.#seq + 99));
    this.listings.push(l);
    this.#priceVersion += 1;
    return l;
  }

  /** Reprice a listing (to provoke price_moved). */
  setPrice(id: string, priceUsd: number): void {
    const l = this.listings.find((x) => x.id === id);
    if (l) l.cents = Math.round(priceUsd * 100);
    this.#priceVersion += 1;
  }

  #makeListing(name: string, cents: number, rand: () => number): CsboardSandboxListing {
    this.#seq += 1;
    const wear = wearOf(name);
    const [lo, hi] = wear ? FLOAT_RANGE[wear]! : [0, 0];
    const stickerCount = name.startsWith('★') || !wear ? 0 : Math.floor(rand() * 5);
    return {
      id: `itm_${8_840_000 + this.#seq}`,
      market_hash_name: name,
      wear,
      doppler_phase: /Doppler/.test(name) ? ['Phase 1', 'Phase 2', 'Phase 3', 'Phase 4', 'Ruby', 'Sapphire'][Math.floor(rand() * 6)]! : null,
      float_value: wear ? Number((lo + rand() * (hi - lo)).toFixed(6)) : null,
      paint_seed: wear ? Math.floor(rand() * 1001) : null,
      stickers: Array.from({ length: stickerCount }, (_, slot) => ({ name: STICKERS[Math.floor(rand() * STICKERS.length)]!, image: 'https://cdn.csboard.com/stickers/s.png', slot, wear: Number(rand().toFixed(2)) })),
      cents,
      category: name.startsWith('★') ? (/Gloves/.test(name) ? 'Gloves' : 'Knife') : /AWP|SSG/.test(name) ? 'Sniper Rifle' : /Case$/.test(name) ? 'Container' : /Sticker/.test(name) ? 'Sticker' : /Glock|USP|Desert|P250|Five/.test(name) ? 'Pistol' : 'Rifle',
      rarity: name.startsWith('★') ? 'Covert' : ['Classified', 'Restricted', 'Mil-Spec Grade', 'Covert'][Math.floor(rand() * 4)]!,
      delivery: rand() < 0.3 ? 'hold' : 'instant',
      createdSeq: this.#seq,
      sold: false,
    };
  }

  #seed(): void {
    const rand = seededRandom(1337);
    const bases = new Map(CS2_ITEMS.map((n) => [n, basePriceCents(n, rand)]));
    for (let i = 0; i < this.#o.listings; i++) {
      const name = CS2_ITEMS[i % CS2_ITEMS.length]!;
      this.listings.push(this.#makeListing(name, Math.max(3, Math.round(bases.get(name)! * (0.85 + rand() * 0.4))), rand));
    }
  }

  // ---- auth and limits ----
  #ip(): SandboxResponse | undefined {
    const left = this.#bannedUntil - Date.now();
    if (left > 0) return { status: 401, headers: { 'Retry-After': retryAfterSeconds(left) }, body: { code: 'too_many_failed_auth', detail: 'Too many failed authentication attempts; try again in 5 minutes.' } };
    return undefined;
  }

  /** How many times the IP was banned. */
  get bans(): number {
    return this.#bans;
  }

  /** Ms left of the IP ban (0: not banned). */
  get bannedForMs(): number {
    return Math.max(0, this.#bannedUntil - Date.now());
  }

  /** The most bad-key requests that arrived within any one ban window. */
  maxBadKeysPerWindow(): number {
    let most = 0;
    for (let i = 0, j = 0; j < this.badKeyHits.length; j++) {
      while (this.badKeyHits[j]! - this.badKeyHits[i]! >= this.#o.badKeyWindowMs) i++;
      most = Math.max(most, j - i + 1);
    }
    return most;
  }

  #badKey(code: 'missing_api_key' | 'invalid_api_key' | 'unauthorized'): SandboxResponse {
    this.badKeyHits.push(Date.now());
    // The documented rule: more than `badKeyLimit` in one window bans the IP.
    if (this.#badKeys.hit('ip') > 0) {
      this.#bannedUntil = Date.now() + this.#o.banMs;
      this.#bans += 1;
    }
    return { status: 401, body: { code, detail: code === 'missing_api_key' ? 'Missing API key' : 'Invalid API key' } };
  }

  #authed(limit: 'read' | 'order' | 'snapshot', handler: (req: SandboxRequest, key: CsboardSandboxKey) => SandboxResponse, badCode: 'invalid_api_key' | 'unauthorized' = 'invalid_api_key') {
    return (req: SandboxRequest): SandboxResponse => {
      const banned = this.#ip();
      if (banned) return banned;
      if (req.query.has('api_key')) return { status: 400, body: { code: 'invalid_request', detail: 'the sandbox refuses keys in the query string' } };
      const token = bearer(req.headers);
      if (!token || !token.startsWith('csb_pub_')) return this.#badKey(badCode === 'unauthorized' ? 'unauthorized' : 'missing_api_key');
      const key = this.keys.get(token);
      if (!key) return this.#badKey(badCode);
      const counter = limit === 'read' ? this.#read : limit === 'order' ? this.#order : this.#snapshot;
      const wait = counter.hit(token);
      if (wait > 0) {
        const secs = retryAfterSeconds(wait);
        const body = limit === 'snapshot'
          ? { code: 'snapshot_rate_limited', detail: `Snapshot rate limit exceeded. Retry after ${secs} seconds.` }
          : { code: 'rate_limit_exceeded', detail: `Rate limit exceeded. Retry after ${secs} seconds.` };
        return { status: 429, headers: { 'Retry-After': secs }, body };
      }
      return handler(req, key);
    };
  }

  #listingJson(l: CsboardSandboxListing): Record<string, unknown> {
    const holdUntil = l.delivery === 'hold' ? new Date(Date.now() + 7 * 86_400_000).toISOString() : null;
    return {
      id: l.id, market_hash_name: l.market_hash_name, wear: l.wear, doppler_phase: l.doppler_phase, float_value: l.float_value, paint_seed: l.paint_seed,
      stickers: l.stickers, price_usd: l.cents / 100, category: l.category, rarity: l.rarity, image: `https://cdn.csboard.com/items/${l.id}.png`,
      inspect_link: `steam://rungame/730/76561202255233023/+csgo_econ_action_preview%20${l.id}`, tradable: l.delivery !== 'hold', tradable_at: holdUntil, delivery: l.delivery,
    };
  }

  #groups(): { market_hash_name: string; wear: string | null; doppler_phase: string | null; min_price_usd: number; qty: number }[] {
    const groups = new Map<string, { market_hash_name: string; wear: string | null; doppler_phase: string | null; cents: number; qty: number }>();
    for (const l of this.listings) {
      if (l.sold) continue;
      const k = `${l.market_hash_name}|${l.doppler_phase ?? ''}`;
      const g = groups.get(k);
      if (!g) groups.set(k, { market_hash_name: l.market_hash_name, wear: l.wear, doppler_phase: l.doppler_phase, cents: l.cents, qty: 1 });
      else {
        g.cents = Math.min(g.cents, l.cents);
        g.qty += 1;
      }
    }
    return [...groups.values()].sort((a, b) => (a.market_hash_name < b.market_hash_name ? -1 : 1)).map((g) => ({ market_hash_name: g.market_hash_name, wear: g.wear, doppler_phase: g.doppler_phase, min_price_usd: g.cents / 100, qty: g.qty }));
  }

  #cursor(id: string): string {
    return Buffer.from(JSON.stringify({ id })).toString('base64');
  }
  #uncursor(c: string | null): string | undefined | null {
    if (!c) return undefined;
    try {
      const v = JSON.parse(Buffer.from(c, 'base64').toString('utf8')) as { id?: unknown };
      return typeof v.id === 'string' ? v.id : null;
    } catch {
      return null;
    }
  }

  #snapshotEtag(rows: number): string {
    return `"${createHash('sha1').update(`${this.#priceVersion}:${rows}`).digest('hex').slice(0, 16)}"`;
  }

  #snapshotStream(rowsWanted: number): Readable {
    const groups = this.#groups();
    const total = rowsWanted > 0 ? rowsWanted : groups.length;
    let i = 0;
    const batch = 2_000;
    const source = new Readable({
      read() {
        if (i >= total) return void this.push(null);
        const lines: string[] = [];
        for (let n = 0; n < batch && i < total; n++, i++) {
          const g = groups[i % groups.length]!;
          const row = i < groups.length ? g : { ...g, market_hash_name: `${g.market_hash_name} #${Math.floor(i / groups.length)}` };
          lines.push(JSON.stringify(row));
        }
        this.push(lines.join('\n') + '\n');
      },
    });
    return source.pipe(createGzip({ level: 1 }));
  }

  #routes(): void {
    const r = this.server;
    r.route('GET', '/v1/health', () => {
      const banned = this.#ip();
      if (banned) return banned;
      return { status: 200, body: { status: 'ok', version: 'v1', groups: this.#groups().length, price_list_age_seconds: 38, server_now: new Date().toISOString() } };
    });

    r.route('GET', '/v1/listings', this.#authed('read', (req) => {
      const q = req.query;
      const limit = Number(q.get('limit') ?? 50);
      if (!Number.isInteger(limit) || limit < 1 || limit > 200) return { status: 422, body: { code: 'invalid_request', detail: 'limit must be 1-200' } };
      const after = this.#uncursor(q.get('cursor'));
      if (after === null) return { status: 422, body: { code: 'invalid_request', detail: 'bad cursor' } };
      const search = q.get('search')?.toLowerCase();
      const num = (k: string): number | undefined => (q.has(k) ? Number(q.get(k)) : undefined);
      const [minP, maxP, minF, maxF] = [num('min_price'), num('max_price'), num('min_float'), num('max_float')];
      let rows = this.listings.filter((l) =>
        !l.sold &&
        (!search || l.market_hash_name.toLowerCase().includes(search)) &&
        (!q.get('category') || l.category === q.get('category')) &&
        (!q.get('wear') || l.wear === q.get('wear')) &&
        (!q.get('rarity') || l.rarity === q.get('rarity')) &&
        (minP === undefined || l.cents >= minP * 100) && (maxP === undefined || l.cents <= maxP * 100) &&
        (minF === undefined || (l.float_value ?? -1) >= minF) && (maxF === undefined || (l.float_value ?? 2) <= maxF) &&
        (q.get('stat_trak') !== 'only' || l.market_hash_name.includes('StatTrak')) && (q.get('stat_trak') !== 'exclude' || !l.market_hash_name.includes('StatTrak')) &&
        (q.get('souvenir') !== 'only' || l.market_hash_name.startsWith('Souvenir')) && (q.get('souvenir') !== 'exclude' || !l.market_hash_name.startsWith('Souvenir')));
      const sort = q.get('sort') ?? 'id';
      const cmp: Record<string, (a: CsboardSandboxListing, b: CsboardSandboxListing) => number> = {
        id: (a, b) => a.createdSeq - b.createdSeq,
        newest: (a, b) => b.createdSeq - a.createdSeq,
        price_asc: (a, b) => a.cents - b.cents || a.createdSeq - b.createdSeq,
        price_desc: (a, b) => b.cents - a.cents || a.createdSeq - b.createdSeq,
      };
      const sorter = cmp[sort];
      if (!sorter) return { status: 422, body: { code: 'invalid_request', detail: 'bad sort' } };
      rows = rows.sort(sorter);
      const start = after ? rows.findIndex((l) => l.id === after) + 1 : 0;
      const page = rows.slice(start, start + limit);
      const next = start + limit < rows.length && page.length ? this.#cursor(page[page.length - 1]!.id) : null;
      return { status: 200, body: { items: page.map((l) => this.#listingJson(l)), next_cursor: next } };
    }));

    r.route('GET', '/v1/listings/availability', this.#authed('read', (req) => {
      const ids = (req.query.get('ids') ?? '').split(',').filter(Boolean);
      if (!ids.length || ids.length > 100) return { status: 422, body: { code: 'invalid_request', detail: 'ids: 1-100 required' } };
      const available: Record<string, number> = {};
      const unavailable: string[] = [];
      for (const id of ids) {
        const l = this.listings.find((x) => x.id === id && !x.sold);
        if (l) available[id] = 1;
        else unavailable.push(id);
      }
      return { status: 200, body: { data: { available, unavailable_ids: unavailable } } };
    }));

    r.route('GET', '/v1/prices', this.#authed('read', (req) => {
      const q = req.query;
      const limit = Number(q.get('limit') ?? 100);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) return { status: 422, body: { code: 'invalid_request', detail: 'limit must be 1-500' } };
      const search = q.get('search')?.toLowerCase();
      const rows = this.#groups().filter((g) => (!search || g.market_hash_name.toLowerCase().includes(search)) && (!q.get('wear') || g.wear === q.get('wear')));
      const after = q.get('cursor');
      const start = after ? Number(Buffer.from(after, 'base64').toString('utf8')) : 0;
      const page = rows.slice(start, start + limit);
      return { status: 200, body: { items: page, next_cursor: start + limit < rows.length ? Buffer.from(String(start + limit)).toString('base64') : null } };
    }, 'unauthorized'));

    r.route('GET', '/v1/prices/snapshot.ndjson.gz', this.#authed('snapshot', (req): SandboxResponse => {
      const etag = this.#snapshotEtag(this.#o.snapshotRows);
      if (req.headers['if-none-match'] === etag) return { status: 304, headers: { ETag: etag } };
      return { status: 200, headers: { ETag: etag, 'Content-Type': 'application/x-ndjson', 'Content-Encoding': 'gzip' }, stream: this.#snapshotStream(this.#o.snapshotRows) };
    }));

    r.route('GET', '/v1/currency', this.#authed('read', () => ({
      status: 200,
      body: { base: 'USD', rates: CSBOARD_SANDBOX_FX, updated_at: new Date().toISOString(), rub_source: 'cbr', base_source: 'openexchangerates' },
    }), 'unauthorized'));

    r.route('GET', '/v1/balance', this.#authed('read', (_req, k) => ({
      status: 200,
      body: {
        currency: 'USD', balance_usd: k.account.balanceCents / 100, trading_enabled: k.trading, settled_balance_usd: k.account.settledCents / 100,
        held_usd: (k.account.balanceCents - k.account.settledCents) / 100, held_until: k.account.balanceCents > k.account.settledCents ? new Date(Date.now() + 86_400_000).toISOString() : null,
      },
    })));

    r.route('POST', '/v1/orders', this.#authed('order', (req, k) => {
      const idem = (req.headers['idempotency-key'] as string | undefined) ?? (req.body as { idempotency_key?: string } | undefined)?.idempotency_key;
      if (idem) {
        const prior = this.#idempotent.get(`${k.key}:${idem}`);
        if (prior) return { status: prior.status, body: prior.body, headers: { 'Idempotent-Replayed': 'true' } };
      }
      const res = this.#placeOrder(req, k, null);
      if (idem && res.status < 500) this.#idempotent.set(`${k.key}:${idem}`, { status: res.status, body: res.body });
      return res;
    }));

    r.route('POST', '/v1/market/buy', this.#authed('order', (req, k) => {
      const body = (req.body ?? {}) as { custom_id?: string; partner?: string; token?: string };
      if (!body.partner || !body.token) return { status: 400, body: { code: 'invalid_trade_url', detail: 'partner and token are required' } };
      if (body.custom_id) {
        const prior = this.#idempotent.get(`${k.key}:mb:${body.custom_id}`);
        if (prior) return { status: prior.status, body: prior.body, headers: { 'Idempotent-Replayed': 'true' } };
      }
      const res = this.#placeOrder(req, k, body.custom_id ?? null, true);
      if (res.status !== 201) return res;
      const order = this.orders[this.orders.length - 1]!;
      const out = {
        status: 201,
        body: {
          data: {
            purchase_id: order.order_id.replace('ord_', 'pur_'), steam_id: '76561198000000000', created_at: order.created_at, custom_id: order.custom_id,
            skins: order.items.map((l) => ({ name: l.market_hash_name, price: l.cents / 100, status: 'delivering', return_reason: null, steam_trade_offer_id: String(5_512_000_000 + l.createdSeq) })),
          },
        },
      };
      if (body.custom_id) this.#idempotent.set(`${k.key}:mb:${body.custom_id}`, out);
      return out;
    }));

    r.route('GET', '/v1/orders', this.#authed('read', (req, k) => {
      const limit = Number(req.query.get('limit') ?? 50);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) return { status: 422, body: { code: 'invalid_request', detail: 'limit must be 1-100' } };
      const mine = this.orders.filter((o) => o.key === k.key && (!req.query.get('status') || this.#orderJson(o).status === req.query.get('status'))).reverse();
      const after = this.#uncursor(req.query.get('cursor'));
      const start = after ? mine.findIndex((o) => o.order_id === after) + 1 : 0;
      const page = mine.slice(start, start + limit);
      return { status: 200, body: { data: page.map((o) => this.#orderJson(o)), meta: { next_cursor: start + limit < mine.length ? this.#cursor(page[page.length - 1]!.order_id) : null, per_page: limit } } };
    }));

    r.route('GET', '/v1/orders/info', this.#authed('read', (req, k) => {
      const ids = (req.query.get('order_ids') ?? '').split(',').filter(Boolean);
      const custom = (req.query.get('custom_ids') ?? '').split(',').filter(Boolean);
      if (!ids.length && !custom.length) return { status: 422, body: { code: 'invalid_request', detail: 'no ids' } };
      if (ids.length + custom.length > 200) return { status: 422, body: { code: 'invalid_request', detail: 'more than 200 ids' } };
      return { status: 200, body: { data: this.orders.filter((o) => o.key === k.key && (ids.includes(o.order_id) || (o.custom_id && custom.includes(o.custom_id)))).map((o) => this.#orderJson(o)) } };
    }));

    r.route('GET', '/v1/orders/:id', this.#authed('read', (req, k) => {
      const o = this.orders.find((x) => x.order_id === req.params.id && x.key === k.key);
      if (!o) return { status: 404, body: { code: 'order_not_found', detail: 'Order not found' } };
      return { status: 200, body: this.#orderJson(o) };
    }));

    r.route('POST', '/v1/orders/:id/claim', this.#authed('order', (req, k) => {
      const o = this.orders.find((x) => x.order_id === req.params.id && x.key === k.key);
      if (!o) return { status: 404, body: { code: 'order_not_found', detail: 'Order not found' } };
      const status = this.#orderJson(o).status;
      if (status !== 'hold' && !(o.hold_until && !o.claimed && Date.parse(o.hold_until) <= Date.now())) {
        return { status: 409, body: { code: 'not_claimable', detail: `Order is ${status}` } };
      }
      if (o.hold_until && Date.parse(o.hold_until) > Date.now()) {
        return { status: 425, body: { code: 'hold_not_cleared', detail: 'The hold has not cleared yet', hold_until: o.hold_until } };
      }
      o.claimed = true;
      o.status = 'delivering';
      return { status: 200, body: { order_id: o.order_id, status: 'delivering', claimed: true, steam_trade_offer_id: String(5_512_345_678 + this.#orderSeq) } };
    }));
  }

  #orderJson(o: CsboardSandboxOrder): Record<string, unknown> {
    const held = o.hold_until !== null && !o.claimed;
    const status = held ? 'hold' : o.status;
    return {
      order_id: o.order_id, steam_id: '76561198000000000', status, custom_id: o.custom_id, currency: 'USD', charged_total_usd: o.charged_cents / 100,
      item_count: o.items.length, hold_until: o.hold_until, created_at: o.created_at, updated_at: o.created_at,
      items: o.items.map((l) => ({
        market_hash_name: l.market_hash_name, price_usd: l.cents / 100, status: held ? 'hold' : 'delivering', tradable_at: o.hold_until, return_reason: null,
        steam_trade_offer_id: held ? null : String(5_512_000_000 + l.createdSeq), steam_trade_offer_finished_at: null,
      })),
    };
  }

  #placeOrder(req: SandboxRequest, k: CsboardSandboxKey, customId: string | null, settledOnly = false): SandboxResponse {
    if (!k.trading) return { status: 403, body: { code: 'trading_not_enabled', detail: 'Trading is not enabled for this API key' } };
    if (!k.account.steamLinked) return { status: 400, body: { code: 'steam_account_required', detail: 'Link a Steam account with a valid trade URL' } };
    const body = (req.body ?? {}) as { item_ids?: unknown; max_price_usd?: unknown };
    const ids = body.item_ids;
    const max = settledOnly ? 100 : 10;
    if (!Array.isArray(ids) || ids.length < 1 || ids.length > max || new Set(ids).size !== ids.length || !ids.every((x) => typeof x === 'string')) {
      return { status: settledOnly ? 400 : 422, body: { code: 'invalid_request', detail: `item_ids: 1-${max} unique ids` } };
    }
    const items = (ids as string[]).map((id) => this.listings.find((l) => l.id === id));
    if (items.some((l) => !l || l.sold)) return { status: 409, body: { code: 'item_unavailable', detail: 'One or more items are no longer available' } };
    const listings = items as CsboardSandboxListing[];
    if (listings.some((l) => l.category === 'Container') && listings.some((l) => l.category !== 'Container')) {
      return { status: 409, body: { code: 'items_not_combinable', detail: 'These items cannot be combined in one order; split it' } };
    }
    const total = listings.reduce((sum, l) => sum + l.cents, 0);
    if (typeof body.max_price_usd === 'number' && total > Math.round(body.max_price_usd * 100)) {
      return { status: 409, body: { code: 'price_moved', detail: 'The live total is above max_price_usd; nothing was charged', current_total_usd: total / 100 } };
    }
    const funds = settledOnly ? k.account.settledCents : k.account.balanceCents;
    if (total > funds) {
      return settledOnly
        ? { status: 402, body: { code: 'insufficient_settled_balance', detail: 'Settled balance is too low', required_usd: total / 100, settled_usd: funds / 100 } }
        : { status: 402, body: { code: 'insufficient_balance', detail: 'Balance is too low' } };
    }
    k.account.balanceCents -= total;
    k.account.settledCents = Math.min(k.account.settledCents, k.account.balanceCents);
    for (const l of listings) l.sold = true;
    this.#priceVersion += 1;
    this.#orderSeq += 1;
    const hold = listings.some((l) => l.delivery === 'hold');
    const order: CsboardSandboxOrder = {
      order_id: `ord_${(1_000_000 + this.#orderSeq).toString(36).toUpperCase()}`, key: k.key, status: hold ? 'hold' : 'delivering', custom_id: customId, charged_cents: total,
      created_at: new Date().toISOString(), hold_until: hold ? new Date(Date.now() + this.#o.holdMs).toISOString() : null, items: listings, claimed: false,
    };
    this.orders.push(order);
    return {
      status: 201,
      body: {
        order_id: order.order_id, status: 'processing', items: listings.map((l) => ({ item_id: l.id, charged_usd: l.cents / 100, delivery: l.delivery })),
        total_charged_usd: total / 100, balance_after_usd: k.account.balanceCents / 100, created_at: order.created_at,
      },
    };
  }
}
