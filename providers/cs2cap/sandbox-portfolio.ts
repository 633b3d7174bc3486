/**
 * The CS2Cap sandbox's portfolios and Steam inventories (reference/cs2cap.md §6.6): saved
 * portfolios per account, holdings, a ledger whose buys and sells move the holdings,
 * valuations from the sandbox's own prices and FX, daily value history, Steam imports from a
 * seeded inventory, and CSV export.
 *
 * How a figure is made, so a test can check it by hand: a holding's unit price is the lowest
 * ask over the chosen marketplaces, converted to the currency and rounded to minor units
 * (`best_ask`); its value is that times the quantity (`item_value`); a portfolio's value is
 * the sum. History values every day at today's prices (the sandbox keeps no past prices):
 * the `ledger` basis holds what the transactions dated up to that day add up to, the
 * `holdings` basis the current holdings.
 *
 * CSV import (`POST /v1/portfolio/{id}/import/csv`, a `text/csv` body): the docs say only that
 * a ledger and a snapshot format are told apart; the sandbox reads the columns its own export
 * writes (see `readCsvImport`). It is all or nothing: a row it cannot take is a 422 in the
 * spec's `ValidationErrorResponse` shape, `loc` = `['body', 'csv', line, column]`, and
 * nothing is imported. Ledger rows are applied oldest first, so a file's order does not matter.
 */
import { randomUUID } from 'node:crypto';
import type { SandboxRequest, SandboxResponse, SandboxServer } from '../../src/testkit/server.js';

/** The Steam64 id whose inventory the sandbox seeds. */
export const CS2CAP_SANDBOX_STEAM_ID = '76561198000000001';
/** Its vanity name (`/inventory/steam/lookup` resolves both). */
export const CS2CAP_SANDBOX_STEAM_VANITY = 'sandbox-trader';
/** Saved portfolios per account, by tier (reference/cs2cap.md §3.1; Free's count is not documented: one here). */
export const SANDBOX_PORTFOLIO_CAP: Readonly<Record<string, number>> = { free: 1, starter: 20, pro: 50, quant: 1_000 };
/** Holdings per portfolio, by tier (§3.1). */
export const SANDBOX_PORTFOLIO_ITEM_CAP: Readonly<Record<string, number>> = { free: 1_000, starter: 1_000, pro: 5_000, quant: 10_000 };

interface AccountKey {
  rootId: string;
  tier: string;
}

interface PriceRow {
  item_id: number;
  market_hash_name: string;
  provider: string;
  ask: number;
  quantity: number;
  bid: number | null;
  timestamp: string;
}

/** What the sandbox lends the portfolio desk. */
export interface PortfolioHost {
  readonly server: SandboxServer;
  /** Asks and bids per marketplace, in USD cents. */
  readonly prices: readonly PriceRow[];
  /** USD cents → the currency's minor units and decimal text; `undefined` for a currency it does not know. */
  money(cents: number, currency: string): { int: number; decimal: string } | undefined;
  authed(handler: (req: SandboxRequest, key: AccountKey) => SandboxResponse, options: { countsQuota?: boolean }): (req: SandboxRequest) => SandboxResponse;
}

interface Holding {
  id: string;
  item_id: number;
  market_hash_name: string;
  phase: null;
  quantity: number;
  /** `csv` for a holding a snapshot import made (the field reference lists it; the spec does not). */
  source: 'manual' | 'steam' | 'csv';
  steam_assetid: string | null;
  float_value: number | null;
  paint_seed: number | null;
  inspect_link: string | null;
  name_tag: string | null;
  stickers: { name: string; slot: number; wear: number | null }[] | null;
  charms: { name: string; pattern_id: number | null }[] | null;
  created_at: string;
}

interface Transaction {
  id: string;
  item_id: number;
  market_hash_name: string;
  phase: null;
  type: 'buy' | 'sell';
  quantity: number;
  price: number;
  fee_amount: number | null;
  fee_percentage: number | null;
  marketplace: string | null;
  date: string;
  note: string | null;
  currency: string;
  created_at: string;
  updated_at: string;
}

interface Portfolio {
  id: string;
  rootId: string;
  name: string;
  created_at: string;
  updated_at: string;
  items: Holding[];
  transactions: Transaction[];
}

type SteamAsset = Omit<Holding, 'id' | 'source' | 'steam_assetid' | 'created_at' | 'quantity'> & { assetid: string; name: string; icon_url: string | null; tradable: boolean; marketable: boolean; quantity: number };

const bad = (detail: string, code = 'BAD_REQUEST'): SandboxResponse => ({ status: 400, body: { code, detail } });
const notFound = (detail = 'Portfolio not found', code = 'PORTFOLIO_NOT_FOUND'): SandboxResponse => ({ status: 404, body: { code, detail } });
const invalid = (loc: (string | number)[], msg: string, input?: unknown): SandboxResponse => ({ status: 422, body: { code: 'VALIDATION_ERROR', detail: [{ type: 'value_error', loc, msg, input }] } });
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isDate = (v: unknown): v is string => typeof v === 'string' && DATE.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`));
const today = (): string => new Date().toISOString().slice(0, 10);
const addDays = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** Portfolios and Steam inventories of every account in one sandbox. */
export class Cs2CapPortfolioDesk {
  readonly #host: PortfolioHost;
  readonly #portfolios = new Map<string, Portfolio>();
  /** Account (root id) → linked Steam64 id. */
  readonly #linked = new Map<string, string>();
  /** Steam64 id → its inventory. */
  readonly inventories = new Map<string, SteamAsset[]>();

  constructor(host: PortfolioHost) {
    this.#host = host;
    this.#seedInventory();
    this.#routes();
  }

  /** Link a Steam account to the account of `rootId` (the seeded one by default). */
  linkSteam(rootId: string, steamId = CS2CAP_SANDBOX_STEAM_ID): void {
    this.#linked.set(rootId, steamId);
  }

  #seedInventory(): void {
    const ids = [...new Set(this.#host.prices.map((p) => p.item_id))].slice(0, 6);
    this.inventories.set(
      CS2CAP_SANDBOX_STEAM_ID,
      ids.map((itemId, i) => {
        const name = this.#host.prices.find((p) => p.item_id === itemId)!.market_hash_name;
        return {
          assetid: String(30_000_000_001 + i), item_id: itemId, market_hash_name: name, phase: null, name, icon_url: null, tradable: i % 3 !== 2, marketable: true, quantity: 1,
          float_value: Number((0.15 + i * 0.05).toFixed(6)), paint_seed: 100 + i, inspect_link: null, name_tag: i === 0 ? 'sandbox' : null,
          stickers: i === 1 ? [{ name: 'Sticker | Crown (Foil)', slot: 0, wear: null }] : null, charms: null,
        };
      }),
    );
  }

  #portfolio(req: SandboxRequest, k: AccountKey): Portfolio | SandboxResponse {
    const p = this.#portfolios.get(req.params.id ?? '');
    return p && p.rootId === k.rootId ? p : notFound();
  }

  /** The catalog row of an item by id or name. */
  #item(body: { item_id?: unknown; market_hash_name?: unknown }): { item_id: number; market_hash_name: string } | SandboxResponse {
    if (body.item_id == null && body.market_hash_name == null) return bad('Provide item_id or market_hash_name');
    const row = this.#host.prices.find((p) => (body.item_id != null ? p.item_id === body.item_id : p.market_hash_name === body.market_hash_name));
    return row ? { item_id: row.item_id, market_hash_name: row.market_hash_name } : notFound(`Item not found: ${String(body.item_id ?? body.market_hash_name)}`, 'ITEM_NOT_FOUND');
  }

  /** Value holdings (item id → quantity) at today's prices (see the file comment). */
  valuation(holdings: Map<number, number>, currency: string, providers: string[]): { meta: Record<string, unknown>; data: Record<string, unknown> } {
    const lineItems = [];
    const notFoundIds: number[] = [];
    let total = 0;
    let valued = 0;
    for (const [itemId, quantity] of holdings) {
      const rows = this.#host.prices.filter((p) => p.item_id === itemId && (!providers.length || providers.includes(p.provider)));
      const any = this.#host.prices.find((p) => p.item_id === itemId);
      if (!any) {
        notFoundIds.push(itemId);
        continue;
      }
      const ask = rows.length ? Math.min(...rows.map((r) => r.ask)) : undefined;
      const bids = rows.filter((r) => r.bid !== null).map((r) => r.bid!);
      const unit = ask === undefined ? undefined : this.#host.money(ask, currency)!.int;
      const value = unit === undefined ? null : unit * quantity;
      if (value !== null) {
        total += value;
        valued += 1;
      }
      lineItems.push({
        item_id: itemId, market_hash_name: any.market_hash_name, phase: null, quantity,
        best_ask: unit ?? null, best_bid: bids.length ? this.#host.money(Math.max(...bids), currency)!.int : null, item_value: value,
        image_url: null, rarity_name: null, rarity_color: null,
        providers: rows.map((r) => {
          const m = this.#host.money(r.ask, currency)!;
          return { provider: r.provider, lowest_ask: m.int, lowest_ask_decimal: m.decimal, quantity: r.quantity, timestamp: r.timestamp, last_updated: r.timestamp };
        }),
      });
    }
    return {
      meta: { currency, generated_at: new Date().toISOString(), providers_queried: providers.length ? providers : [...new Set(this.#host.prices.map((p) => p.provider))] },
      data: { line_items: lineItems, total_value: total, items_valued: valued, items_not_found: notFoundIds },
    };
  }

  /** Apply a transaction to the holdings (`sign` -1 undoes it); false if a sell would exceed them. */
  #apply(p: Portfolio, t: Transaction, sign: 1 | -1): boolean {
    const delta = (t.type === 'buy' ? 1 : -1) * sign * t.quantity;
    const held = p.items.filter((h) => h.item_id === t.item_id);
    const total = held.reduce((n, h) => n + h.quantity, 0);
    if (total + delta < 0) return false;
    if (delta > 0) {
      const manual = held.find((h) => h.source === 'manual');
      if (manual) manual.quantity += delta;
      else p.items.push(this.#holding(t.item_id, t.market_hash_name, delta));
    } else {
      let left = -delta;
      for (const h of held.sort((a, b) => (a.source === 'manual' ? -1 : 1) - (b.source === 'manual' ? -1 : 1))) {
        const take = Math.min(left, h.quantity);
        h.quantity -= take;
        left -= take;
      }
      p.items = p.items.filter((h) => h.quantity > 0);
    }
    return true;
  }

  #holding(itemId: number, name: string, quantity: number): Holding {
    return {
      id: randomUUID(), item_id: itemId, market_hash_name: name, phase: null, quantity, source: 'manual', steam_assetid: null, float_value: null, paint_seed: null,
      inspect_link: null, name_tag: null, stickers: null, charms: null, created_at: new Date().toISOString(),
    };
  }

  /** Checks a transaction body (all fields, or only those given for an update). */
  #transactionFields(body: Record<string, unknown>, partial: boolean): SandboxResponse | undefined {
    const present = (f: string): boolean => body[f] !== undefined;
    if (!partial || present('type')) if (body.type !== 'buy' && body.type !== 'sell') return invalid(['body', 'type'], "Input should be 'buy' or 'sell'", body.type);
    if (!partial || present('quantity')) if (!Number.isInteger(body.quantity) || (body.quantity as number) < 1) return invalid(['body', 'quantity'], 'Input should be greater than or equal to 1', body.quantity);
    if (!partial || present('price')) if (!Number.isInteger(body.price) || (body.price as number) < 0) return invalid(['body', 'price'], 'Input should be greater than or equal to 0', body.price);
    if (!partial || present('date')) if (!isDate(body.date)) return invalid(['body', 'date'], 'Input should be a valid date (YYYY-MM-DD)', body.date);
    if (body.fee_amount != null && (!Number.isInteger(body.fee_amount) || (body.fee_amount as number) < 0)) return invalid(['body', 'fee_amount'], 'Input should be greater than or equal to 0', body.fee_amount);
    if (body.fee_percentage != null && (typeof body.fee_percentage !== 'number' || body.fee_percentage < 0 || body.fee_percentage > 100)) return invalid(['body', 'fee_percentage'], 'Input should be between 0 and 100', body.fee_percentage);
    if (body.currency != null && (typeof body.currency !== 'string' || body.currency.length > 8 || this.#host.money(100, body.currency) === undefined)) return invalid(['body', 'currency'], 'Unsupported currency', body.currency);
    return undefined;
  }

  #routes(): void {
    const r = this.#host.server;
    const authed = (h: (req: SandboxRequest, k: AccountKey) => SandboxResponse): ((req: SandboxRequest) => SandboxResponse) => this.#host.authed(h, {});
    const currencyOf = (raw: string | null | undefined): string | SandboxResponse => {
      const cur = (raw ?? 'USD').toUpperCase();
      return this.#host.money(100, cur) === undefined ? invalid(['query', 'currency'], 'Unsupported currency', raw) : cur;
    };

    r.route('POST', '/v1/portfolio/value', authed((req) => {
      const body = (req.body ?? {}) as { items?: { item_id?: unknown; quantity?: unknown }[]; currency?: string; providers?: string[] | null };
      if (!Array.isArray(body.items) || !body.items.length) return invalid(['body', 'items'], 'List should have at least 1 item after validation');
      const holdings = new Map<number, number>();
      for (const [i, it] of body.items.entries()) {
        if (!Number.isInteger(it.item_id)) return invalid(['body', 'items', i, 'item_id'], 'Input should be a valid integer', it.item_id);
        if (!Number.isInteger(it.quantity) || (it.quantity as number) < 1) return invalid(['body', 'items', i, 'quantity'], 'Input should be greater than or equal to 1', it.quantity);
        holdings.set(it.item_id as number, (holdings.get(it.item_id as number) ?? 0) + (it.quantity as number));
      }
      if (holdings.size > 100) return bad('Batch size exceeded');
      const cur = currencyOf(body.currency);
      if (typeof cur !== 'string') return cur;
      return { status: 200, body: this.valuation(holdings, cur, body.providers ?? []) };
    }));

    r.route('GET', '/v1/portfolio', authed((_req, k) => ({ status: 200, body: { data: [...this.#portfolios.values()].filter((p) => p.rootId === k.rootId).map((p) => this.#out(p)) } })));

    r.route('POST', '/v1/portfolio', authed((req, k) => {
      const name = (req.body as { name?: unknown } | undefined)?.name;
      if (typeof name !== 'string' || name.length < 1 || name.length > 100) return invalid(['body', 'name'], 'String should have 1 to 100 characters', name);
      const cap = SANDBOX_PORTFOLIO_CAP[k.tier] ?? 1;
      // The spec says 400 and the error docs 409 PORTFOLIO_LIMIT_REACHED (§9 #16): the sandbox serves the spec's status with the docs' code.
      if ([...this.#portfolios.values()].filter((p) => p.rootId === k.rootId).length >= cap) return bad(`Portfolio limit reached (${cap} for the ${k.tier} tier)`, 'PORTFOLIO_LIMIT_REACHED');
      const now = new Date().toISOString();
      const p: Portfolio = { id: randomUUID(), rootId: k.rootId, name, created_at: now, updated_at: now, items: [], transactions: [] };
      this.#portfolios.set(p.id, p);
      return { status: 201, body: this.#out(p) };
    }));

    r.route('DELETE', '/v1/portfolio/:id', authed((req, k) => {
      const p = this.#portfolio(req, k);
      if (!('rootId' in p)) return p;
      this.#portfolios.delete(p.id);
      return { status: 204 };
    }));

    r.route('GET', '/v1/portfolio/:id/items', authed((req, k) => {
      const p = this.#portfolio(req, k);
      return 'rootId' in p ? { status: 200, body: p.items } : p;
    }));

    r.route('POST', '/v1/portfolio/:id/items', authed((req, k) => {
      const p = this.#portfolio(req, k);
      if (!('rootId' in p)) return p;
      const body = (req.body ?? {}) as { item_id?: unknown; market_hash_name?: unknown; quantity?: unknown };
      if (!Number.isInteger(body.quantity) || (body.quantity as number) < 1) return invalid(['body', 'quantity'], 'Input should be greater than or equal to 1', body.quantity);
      const item = this.#item(body);
      if (!('item_id' in item)) return item;
      const cap = SANDBOX_PORTFOLIO_ITEM_CAP[k.tier] ?? 1_000;
      if (p.items.length >= cap) return bad(`Portfolio item limit reached (${cap})`, 'PORTFOLIO_ITEM_LIMIT_REACHED');
      const h = this.#holding(item.item_id, item.market_hash_name, body.quantity as number);
      p.items.push(h);
      p.updated_at = new Date().toISOString();
      return { status: 201, body: h };
    }));

    r.route('DELETE', '/v1/portfolio/:id/items/:entry', authed((req, k) => {
      const p = this.#portfolio(req, k);
      if (!('rootId' in p)) return p;
      const i = p.items.findIndex((h) => h.id === req.params.entry);
      if (i < 0) return notFound('Portfolio item not found', 'NOT_FOUND');
      p.items.splice(i, 1);
      return { status: 204 };
    }));

    r.route('GET', '/v1/portfolio/:id/value', authed((req, k) => {
      const p = this.#portfolio(req, k);
      if (!('rootId' in p)) return p;
      const cur = currencyOf(req.query.get('currency'));
      if (typeof cur !== 'string') return cur;
      return { status: 200, body: this.valuation(this.#holdings(p.items), cur, req.query.getAll('providers')) };
    }));

    r.route('GET', '/v1/portfolio/:id/history', authed((req, k) => this.#history(req, k)));

    r.route('POST', '/v1/portfolio/:id/transactions', authed((req, k) => {
      const p = this.#portfolio(req, k);
      if (!('rootId' in p)) return p;
      const body = (req.body ?? {}) as Record<string, unknown>;
      const problem = this.#transactionFields(body, false);
      if (problem) return problem;
      const item = this.#item(body);
      if (!('item_id' in item)) return item;
      const now = new Date().toISOString();
      const t: Transaction = {
        id: randomUUID(), ...item, phase: null, type: body.type as 'buy' | 'sell', quantity: body.quantity as number, price: body.price as number,
        fee_amount: (body.fee_amount as number | null | undefined) ?? null, fee_percentage: (body.fee_percentage as number | null | undefined) ?? null,
        marketplace: (body.marketplace as string | null | undefined) ?? null, date: body.date as string, note: (body.note as string | null | undefined) ?? null,
        currency: ((body.currency as string | undefined) ?? 'USD').toUpperCase(), created_at: now, updated_at: now,
      };
      if (!this.#apply(p, t, 1)) return bad('Sell quantity exceeds the holdings');
      p.transactions.push(t);
      return { status: 201, body: t };
    }));

    r.route('GET', '/v1/portfolio/:id/transactions', authed((req, k) => {
      const p = this.#portfolio(req, k);
      if (!('rootId' in p)) return p;
      const newestFirst = [...p.transactions].sort((a, b) => b.date.localeCompare(a.date) || b.created_at.localeCompare(a.created_at));
      return { status: 200, body: newestFirst };
    }));

    r.route('PATCH', '/v1/portfolio/:id/transactions/:tx', authed((req, k) => {
      const p = this.#portfolio(req, k);
      if (!('rootId' in p)) return p;
      const t = p.transactions.find((x) => x.id === req.params.tx);
      if (!t) return notFound('Transaction not found', 'NOT_FOUND');
      const body = (req.body ?? {}) as Record<string, unknown>;
      const problem = this.#transactionFields(body, true);
      if (problem) return problem;
      const next: Transaction = { ...t, updated_at: new Date().toISOString() };
      for (const f of ['type', 'quantity', 'price', 'date', 'currency'] as const) if (body[f] != null) (next as unknown as Record<string, unknown>)[f] = f === 'currency' ? String(body[f]).toUpperCase() : body[f];
      for (const f of ['fee_amount', 'fee_percentage', 'marketplace', 'note'] as const) if (f in body) (next as unknown as Record<string, unknown>)[f] = body[f] ?? null;
      // Undo the old entry, apply the new one; put the old one back if the new one cannot stand.
      this.#apply(p, t, -1);
      if (!this.#apply(p, next, 1)) {
        this.#apply(p, t, 1);
        return bad('Sell quantity exceeds the holdings');
      }
      Object.assign(t, next);
      return { status: 200, body: t };
    }));

    r.route('DELETE', '/v1/portfolio/:id/transactions/:tx', authed((req, k) => {
      const p = this.#portfolio(req, k);
      if (!('rootId' in p)) return p;
      const i = p.transactions.findIndex((x) => x.id === req.params.tx);
      if (i < 0) return notFound('Transaction not found', 'NOT_FOUND');
      if (!this.#apply(p, p.transactions[i]!, -1)) return bad('Deleting this buy would leave a sale without holdings');
      p.transactions.splice(i, 1);
      return { status: 204 };
    }));

    r.route('POST', '/v1/portfolio/:id/import', authed((req, k) => {
      const p = this.#portfolio(req, k);
      if (!('rootId' in p)) return p;
      const steamId = this.#linked.get(k.rootId);
      if (!steamId) return { status: 403, body: { code: 'FORBIDDEN', detail: 'No linked Steam account' } };
      const inventory = this.inventories.get(steamId) ?? [];
      const wanted = (req.body as { asset_ids?: string[] | null } | undefined)?.asset_ids ?? inventory.map((a) => a.assetid);
      let imported = 0;
      let skipped = 0;
      const unresolved: string[] = [];
      for (const assetId of wanted) {
        const asset = inventory.find((a) => a.assetid === assetId);
        if (!asset) {
          unresolved.push(assetId);
          continue;
        }
        if (p.items.some((h) => h.steam_assetid === assetId)) {
          skipped += 1;
          continue;
        }
        const { assetid, name: _name, icon_url: _icon, tradable: _t, marketable: _m, ...rest } = asset;
        p.items.push({ ...rest, id: randomUUID(), source: 'steam', steam_assetid: assetid, created_at: new Date().toISOString() });
        imported += 1;
      }
      return { status: 200, body: { imported, skipped, unresolved } };
    }));

    r.route('GET', '/v1/portfolio/:id/export', authed((req, k) => {
      const p = this.#portfolio(req, k);
      if (!('rootId' in p)) return p;
      const format = req.query.get('format') ?? 'transactions';
      if (format !== 'transactions' && format !== 'items') return invalid(['query', 'format'], "Input should be 'transactions' or 'items'", format);
      const major = (minor: number | null): string => (minor === null ? '' : `${Math.trunc(minor / 100)}.${String(minor % 100).padStart(2, '0')}`);
      const rows =
        format === 'items'
          ? [['item_id', 'market_hash_name', 'phase', 'quantity', 'source'], ...p.items.map((h) => [h.item_id, h.market_hash_name, h.phase ?? '', h.quantity, h.source])]
          : [
              ['date', 'type', 'item_id', 'market_hash_name', 'phase', 'quantity', 'price', 'currency', 'fee_amount', 'fee_percentage', 'marketplace', 'note'],
              ...[...p.transactions]
                .sort((a, b) => a.date.localeCompare(b.date) || a.created_at.localeCompare(b.created_at))
                .map((t) => [t.date, t.type, t.item_id, t.market_hash_name, t.phase ?? '', t.quantity, major(t.price), t.currency, major(t.fee_amount), t.fee_percentage ?? '', t.marketplace ?? '', t.note ?? '']),
            ];
      const csv = rows.map((row) => row.map((cell) => csvCell(String(cell))).join(',')).join('\r\n') + '\r\n';
      return { status: 200, headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="portfolio-${format}.csv"` }, raw: Buffer.from(csv, 'utf8') };
    }));

    r.route('POST', '/v1/portfolio/:id/import/csv', authed((req, k) => {
      const p = this.#portfolio(req, k);
      if (!('rootId' in p)) return p;
      const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'text/csv') return bad('Expected a text/csv body');
      if (!req.rawBody.length) return { status: 422, body: { code: 'VALIDATION_ERROR', detail: [{ type: 'missing', loc: ['body'], msg: 'Field required' }] } };
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(req.rawBody);
      } catch {
        return bad('The CSV is not UTF-8 text');
      }
      const file = readCsvImport(text);
      if ('error' in file) return bad(file.error);
      return file.format === 'transactions' ? this.#importLedger(p, file.rows) : this.#importHoldings(p, file.rows, k);
    }));

    const inventory = (steamId: string): SandboxResponse => {
      const data = this.inventories.get(steamId) ?? [];
      return {
        status: 200,
        body: { data: data.map(({ item_id: _id, ...asset }) => asset), total_count: data.length },
      };
    };
    r.route('GET', '/v1/inventory/steam', authed((_req, k) => {
      const steamId = this.#linked.get(k.rootId);
      return steamId ? inventory(steamId) : { status: 403, body: { code: 'FORBIDDEN', detail: 'No linked Steam account' } };
    }));
    r.route('GET', '/v1/inventory/steam/lookup', authed((req) => {
      const raw = req.query.get('steam_id');
      if (!raw) return { status: 422, body: { code: 'VALIDATION_ERROR', detail: [{ type: 'missing', loc: ['query', 'steam_id'], msg: 'Field required' }] } };
      if (raw === CS2CAP_SANDBOX_STEAM_VANITY) return inventory(CS2CAP_SANDBOX_STEAM_ID);
      if (/^7656\d{13}$/.test(raw)) return inventory(raw);
      return bad(`Could not resolve Steam id: ${raw}`);
    }));
  }

  /** Ledger rows → transactions, oldest first, all or none. */
  #importLedger(p: Portfolio, rows: CsvRow[]): SandboxResponse {
    const problems: RowProblem[] = [];
    const made: { line: number; t: Transaction }[] = [];
    for (const row of rows) {
      const t = this.#ledgerRow(row, problems);
      if (t) made.push({ line: row.line, t });
    }
    if (!problems.length) {
      // Try on a copy of the holdings: nothing changes unless every row stands.
      const trial: Portfolio = { ...p, items: structuredClone(p.items) };
      for (const { line, t } of made.sort((a, b) => a.t.date.localeCompare(b.t.date) || a.line - b.line)) {
        if (!this.#apply(trial, t, 1)) problems.push({ line, column: 'quantity', msg: 'Sell quantity exceeds the holdings', input: String(t.quantity) });
      }
      if (!problems.length) {
        p.items = trial.items;
        p.transactions.push(...made.map((m) => m.t));
        p.updated_at = new Date().toISOString();
        return { status: 200, body: { format: 'transactions', imported: made.length } };
      }
    }
    return rowErrors(problems);
  }

  #ledgerRow(row: CsvRow, problems: RowProblem[]): Transaction | undefined {
    const before = problems.length;
    const cell = (c: string): string => row.cells[c] ?? '';
    const fail = (column: string, msg: string): void => void problems.push({ line: row.line, column, msg, input: cell(column) });
    const type = cell('type').toLowerCase();
    if (type !== 'buy' && type !== 'sell') fail('type', "Input should be 'buy' or 'sell'");
    const quantity = Number(cell('quantity'));
    if (!/^\d{1,9}$/.test(cell('quantity')) || quantity < 1) fail('quantity', 'Input should be a whole number, 1 or more');
    if (!isDate(cell('date'))) fail('date', 'Input should be a valid date (YYYY-MM-DD)');
    const currency = (cell('currency') || 'USD').toUpperCase();
    if (currency.length > 8 || this.#host.money(100, currency) === undefined) fail('currency', 'Unsupported currency');
    const price = minorUnits(cell('price'));
    if (price === undefined) fail('price', 'Input should be an amount such as 25.50, 0 or more');
    const fee = cell('fee_amount') === '' ? null : minorUnits(cell('fee_amount'));
    if (fee === undefined) fail('fee_amount', 'Input should be an amount such as 0.50, 0 or more');
    const pct = cell('fee_percentage') === '' ? null : Number(cell('fee_percentage'));
    if (pct !== null && (!/^\d{1,3}(\.\d+)?$/.test(cell('fee_percentage')) || pct > 100)) fail('fee_percentage', 'Input should be between 0 and 100');
    if (cell('marketplace').length > 64) fail('marketplace', 'String should have at most 64 characters');
    if (cell('note').length > 1000) fail('note', 'String should have at most 1000 characters');
    const item = this.#csvItem(row, problems);
    if (problems.length > before || !item) return undefined;
    const now = new Date().toISOString();
    return {
      id: randomUUID(), ...item, phase: null, type: type as 'buy' | 'sell', quantity, price: price!, fee_amount: fee ?? null, fee_percentage: pct, marketplace: cell('marketplace') || null,
      date: cell('date'), note: cell('note') || null, currency, created_at: now, updated_at: now,
    };
  }

  /** Snapshot rows → holdings (source `csv`), all or none. */
  #importHoldings(p: Portfolio, rows: CsvRow[], k: AccountKey): SandboxResponse {
    const problems: RowProblem[] = [];
    const made: Holding[] = [];
    for (const row of rows) {
      const before = problems.length;
      const q = row.cells.quantity ?? '';
      if (!/^\d{1,9}$/.test(q) || Number(q) < 1) problems.push({ line: row.line, column: 'quantity', msg: 'Input should be a whole number, 1 or more', input: q });
      const item = this.#csvItem(row, problems);
      if (problems.length === before && item) made.push({ ...this.#holding(item.item_id, item.market_hash_name, Number(q)), source: 'csv' });
    }
    if (problems.length) return rowErrors(problems);
    const cap = SANDBOX_PORTFOLIO_ITEM_CAP[k.tier] ?? 1_000;
    if (p.items.length + made.length > cap) return { status: 409, body: { code: 'PORTFOLIO_ITEM_LIMIT_REACHED', detail: `Portfolio item limit reached (${cap})` } };
    p.items.push(...made);
    p.updated_at = new Date().toISOString();
    return { status: 200, body: { format: 'items', imported: made.length } };
  }

  /** The catalog item a CSV row names (by id, else by name), or a row problem. */
  #csvItem(row: CsvRow, problems: RowProblem[]): { item_id: number; market_hash_name: string } | undefined {
    const id = row.cells.item_id ?? '';
    const name = row.cells.market_hash_name ?? '';
    if (id === '' && name === '') {
      problems.push({ line: row.line, column: 'item_id', msg: 'Provide item_id or market_hash_name', input: '' });
      return undefined;
    }
    if (id !== '' && !/^\d{1,10}$/.test(id)) {
      problems.push({ line: row.line, column: 'item_id', msg: 'Input should be a valid integer', input: id });
      return undefined;
    }
    const found = this.#host.prices.find((x) => (id !== '' ? x.item_id === Number(id) : x.market_hash_name === name));
    if (!found) {
      problems.push({ line: row.line, column: id !== '' ? 'item_id' : 'market_hash_name', msg: 'Item not found', input: id || name });
      return undefined;
    }
    return { item_id: found.item_id, market_hash_name: found.market_hash_name };
  }

  #holdings(items: readonly Holding[]): Map<number, number> {
    const out = new Map<number, number>();
    for (const h of items) out.set(h.item_id, (out.get(h.item_id) ?? 0) + h.quantity);
    return out;
  }

  #out(p: Portfolio): Record<string, unknown> {
    return { id: p.id, name: p.name, item_count: p.items.length, created_at: p.created_at, updated_at: p.updated_at };
  }

  #history(req: SandboxRequest, k: AccountKey): SandboxResponse {
    const p = this.#portfolio(req, k);
    if (!('rootId' in p)) return p;
    const q = (n: string): string | null => req.query.get(n);
    const basis = q('basis') ?? 'ledger';
    if (basis !== 'ledger' && basis !== 'holdings') return invalid(['query', 'basis'], "Input should be 'ledger' or 'holdings'", basis);
    const currency = (q('currency') ?? 'USD').toUpperCase();
    if (this.#host.money(100, currency) === undefined) return invalid(['query', 'currency'], 'Unsupported currency', currency);
    const end = q('end_date') ?? today();
    if (!isDate(end)) return bad('end_date must be a date (YYYY-MM-DD)');
    let start: string;
    const lookback = q('lookback');
    if (lookback !== null) {
      const m = /^(\d{1,4})d?$/.exec(lookback);
      if (!m || Number(m[1]) < 1) return bad("lookback must be a number of days such as '30d'");
      start = addDays(end, 1 - Number(m[1]));
    } else {
      start = q('start_date') ?? addDays(end, -29);
      if (!isDate(start)) return bad('start_date must be a date (YYYY-MM-DD)');
    }
    if (start > end) return bad('start_date must not be after end_date');
    if (basis === 'ledger' && !p.transactions.length) return bad('This portfolio has no ledger history; add transactions or use basis=holdings');
    const providers = req.query.getAll('providers');
    const days: string[] = [];
    for (let d = start; d <= end && days.length < 3_660; d = addDays(d, 1)) days.push(d);
    const limit = Math.max(1, Math.min(1000, Number(q('limit') ?? 100)));
    let offset = 0;
    const cursor = q('cursor');
    if (cursor) {
      const m = /^phist\|(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
      if (!m) return bad('invalid cursor format');
      offset = Number(m[1]);
    }
    const current = this.#holdings(p.items);
    const data = days.slice(offset, offset + limit).map((date) => {
      const held = basis === 'holdings' ? current : this.#ledgerOn(p, date);
      const v = this.valuation(held, currency, providers).data as { total_value: number; items_valued: number; line_items: { item_value: number | null }[] };
      return { date, total_value: v.total_value, positions: held.size, items_valued: v.items_valued, items_missing_price: held.size - v.items_valued };
    });
    const next = offset + limit < days.length ? Buffer.from(`phist|${offset + limit}`).toString('base64') : null;
    return {
      status: 200,
      body: {
        meta: {
          portfolio_id: p.id, currency, providers_queried: providers.length ? providers : [...new Set(this.#host.prices.map((r) => r.provider))], start_date: start, end_date: end,
          interval: '1d', holdings_basis: basis === 'ledger' ? 'ledger_close' : 'current_holdings', valuation_basis: 'best_provider_close',
        },
        data,
        pagination: { limit, has_next: next !== null, has_prev: offset > 0, next_cursor: next },
      },
    };
  }

  /** What the ledger holds at the end of a day. */
  #ledgerOn(p: Portfolio, date: string): Map<number, number> {
    const out = new Map<number, number>();
    for (const t of p.transactions) {
      if (t.date > date) continue;
      out.set(t.item_id, (out.get(t.item_id) ?? 0) + (t.type === 'buy' ? t.quantity : -t.quantity));
    }
    for (const [id, n] of out) if (n <= 0) out.delete(id);
    return out;
  }
}

/** One CSV field, quoted when it holds a comma, a quote or a line break. */
function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One data row of a CSV import: its line in the file (the header is line 1), cells by column. */
interface CsvRow {
  line: number;
  cells: Record<string, string>;
}

interface RowProblem {
  line: number;
  column: string;
  msg: string;
  input: string;
}

/** Row errors reported at most, then one entry saying how many more there were. */
const MAX_ROW_ERRORS = 20;

function rowErrors(problems: RowProblem[]): SandboxResponse {
  const detail: Record<string, unknown>[] = problems.slice(0, MAX_ROW_ERRORS).map((p) => ({ type: 'value_error', loc: ['body', 'csv', p.line, p.column], msg: p.msg, input: p.input.slice(0, 100) }));
  if (problems.length > MAX_ROW_ERRORS) detail.push({ type: 'too_many_errors', loc: ['body', 'csv'], msg: `${problems.length - MAX_ROW_ERRORS} more row errors not listed` });
  return { status: 422, body: { code: 'VALIDATION_ERROR', detail } };
}

/** A major-unit amount ("25.50", "3", "0.5") → minor units (×100), or undefined. */
function minorUnits(text: string): number | undefined {
  const m = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(text);
  return m ? Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')) : undefined;
}

/**
 * The sandbox's reading of an import: RFC 4180 records; the header row names the columns
 * (trimmed, any case). `date`, `type` and `price` make it a ledger (`transactions`), else it
 * is a snapshot (`items`) if it has `quantity`. Blank lines are skipped; cells are trimmed.
 */
export function readCsvImport(text: string): { format: 'transactions' | 'items'; rows: CsvRow[] } | { error: string } {
  const records: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const endRecord = (): void => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: start, fields });
    fields = [];
    field = '';
    start = line;
  };
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (quoted) {
      if (ch === '"' && body[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line += 1;
        field += ch;
      }
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && body[i + 1] === '\n') i += 1;
      line += 1;
      endRecord();
    } else field += ch;
  }
  if (quoted) return { error: `Unclosed quote in the record starting on line ${start}` };
  if (field !== '' || fields.length) endRecord();
  const [header, ...data] = records;
  if (!header) return { error: 'The CSV is empty' };
  const columns = header.fields.map((c) => c.trim().toLowerCase());
  const has = (c: string): boolean => columns.includes(c);
  const format = has('date') && has('type') && has('price') ? 'transactions' : has('quantity') && !has('type') ? 'items' : undefined;
  if (!format) return { error: 'Unrecognised CSV header: expected the columns of the transactions or the items export' };
  if (!has('item_id') && !has('market_hash_name')) return { error: 'The CSV header needs an item_id or a market_hash_name column' };
  if (!data.length) return { error: 'The CSV has no rows' };
  const rows: CsvRow[] = [];
  for (const r of data) {
    if (r.fields.length !== columns.length) return { error: `Line ${r.line} has ${r.fields.length} fields; the header has ${columns.length}` };
    rows.push({ line: r.line, cells: Object.fromEntries(columns.map((c, i) => [c, r.fields[i]!.trim()])) });
  }
  return { format, rows };
}
