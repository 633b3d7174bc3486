/**
 * CS2Cap portfolios (reference/cs2cap.md §6.6): one-off valuations, saved portfolios with their
 * holdings, a transaction ledger, valuations and value history, Steam imports and CSV export.
 * Prices are integer minor units on the wire; here each is one exact Money under its wire name. Creates and
 * imports are never repeated (no idempotency key exists): a lost answer says how to check.
 * The CSV import is checked here before it is sent (size, UTF-8, the header of one of the two
 * formats, the shape of every record); its rows are the server's to judge.
 */
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { ResponseShapeError, ValidationError } from '../../src/errors.js';
import type { CallOptions } from '../../src/http/request-sender.js';
import { cursorPages, itemsWhenIterated, type PagePromise } from '../../src/http/paginate.js';
import { fromMinorUnits, money, toMinorUnits, type Money } from '../../src/money.js';
import { parseInput } from '../../src/validation.js';
import { cs2capOperations, type PortfolioItemOut, type PortfolioOut, type PortfolioResponse, type TransactionOut } from './generated/operations.js';
import { operationPath, type createOperationSender } from './operation-kit.js';
import { batchPriceQuote, charm, pagination, sticker, type Cs2CapBatchPriceQuote, type Cs2CapPagination, type Cs2CapSkinDetails } from './results.js';
import { MAX_CURSOR_CHARS, MAX_INT_INPUT, MAX_NAME_CHARS, PHASES, providerListSchema, resourceIdSchema } from './schemas.js';
import type { RequestSender } from '../../src/http/request-sender.js';
import type * as i from './inputs.js';
import { inputIs } from './type-match.js';

export type { Cs2CapPortfolioHistoryQuery, Cs2CapPortfolioItemInput, Cs2CapTransactionInput, Cs2CapTransactionUpdate, Cs2CapValuationInput } from './inputs.js';

const PROVIDER = 'cs2cap';
/** The largest CSV export read, in bytes (a 10,000-item portfolio is well under 2 MB). */
export const MAX_CSV_BYTES = 16 * 1024 * 1024;
/** The largest CSV import sent, in bytes (the docs give none: the export's read bound). */
export const MAX_CSV_IMPORT_BYTES = MAX_CSV_BYTES;
/** Data rows of one CSV import at most (the docs give none; a Quant portfolio holds 10,000 items). */
export const MAX_CSV_IMPORT_ROWS = 100_000;
/**
 * The columns of the ledger CSV (`format=transactions`), as the export writes them. An import
 * needs `date`, `type`, `quantity`, `price` and an item (`item_id` or `market_hash_name`).
 */
export const CSV_TRANSACTION_COLUMNS = ['date', 'type', 'item_id', 'market_hash_name', 'phase', 'quantity', 'price', 'currency', 'fee_amount', 'fee_percentage', 'marketplace', 'note'] as const;
/** The columns of the holdings CSV (`format=items`): an import needs `quantity` and an item. */
export const CSV_ITEM_COLUMNS = ['item_id', 'market_hash_name', 'phase', 'quantity', 'source'] as const;
/** Distinct items of a one-off valuation (`POST /v1/portfolio/value`). */
export const MAX_VALUATION_ITEMS = 100;

const positiveInt = z.number().int().min(1).max(MAX_INT_INPUT);
const currency = z.string().regex(/^[A-Za-z]{3,5}$/, 'a currency code such as "USD"');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD').refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'not a calendar date');
/** A price in major units with at most two decimals ("25.50"): the wire carries it as minor units. */
const price = z.string().max(20).regex(/^\d{1,15}(\.\d{1,2})?$/, 'a price such as "25.50": at most 15 digits before the point and 2 after');
const itemRef = {
  itemId: positiveInt.optional(),
  marketHashName: z.string().min(1).max(MAX_NAME_CHARS).optional(),
  phase: z.enum(PHASES).optional(),
};
const needsItem = (v: { itemId?: number | undefined; marketHashName?: string | undefined }): boolean => v.itemId !== undefined || v.marketHashName !== undefined;

/** Input of `portfolios.value`: up to 100 distinct items with quantities. */
export const valuationSchema = inputIs<i.Cs2CapValuationInput>()(
  z
  .object({
    items: z.array(z.object({ itemId: positiveInt, quantity: positiveInt }).strict()).min(1).max(1_000),
    currency: currency.optional(),
    providers: providerListSchema.optional(),
  })
  .strict()
  .refine((v) => new Set(v.items.map((i) => i.itemId)).size <= MAX_VALUATION_ITEMS, { message: `at most ${MAX_VALUATION_ITEMS} distinct items`, path: ['items'] }),
);
/** Input of `portfolios.create`. */
export const portfolioCreateSchema = inputIs<i.Cs2CapPortfolioCreate>()(
  z.object({ name: z.string().min(1).max(100) }).strict(),
);
/** Input of `portfolios.addItem`: an item by id or name (+ phase), a quantity. */
export const portfolioItemSchema = inputIs<i.Cs2CapPortfolioItemInput>()(
  z.object({ ...itemRef, quantity: positiveInt }).strict().refine(needsItem, { message: 'give itemId or marketHashName', path: ['itemId'] }),
);
/** Query of `portfolios.getValue`. */
export const portfolioValueQuerySchema = inputIs<i.Cs2CapPortfolioValueQuery>()(
  z.object({ currency: currency.optional(), providers: providerListSchema.optional() }).strict(),
);
/** Query of `portfolios.getHistory`: a window by dates or `lookbackDays`, a basis, paging. */
export const portfolioHistoryQuerySchema = inputIs<i.Cs2CapPortfolioHistoryQuery>()(
  z
  .object({
    startDate: isoDate.optional(),
    endDate: isoDate.optional(),
    lookbackDays: z.number().int().min(1).max(3_650).optional(),
    currency: currency.optional(),
    providers: providerListSchema.optional(),
    basis: z.enum(['ledger', 'holdings']).optional(),
    limit: z.number().int().min(1).max(1000).optional(),
    cursor: z.string().min(1).max(MAX_CURSOR_CHARS).optional(),
  })
  .strict()
  // The server silently prefers lookback over start_date: refuse the mix instead.
  .refine((q) => q.lookbackDays === undefined || q.startDate === undefined, { message: 'give lookbackDays or startDate, not both', path: ['lookbackDays'] })
  .refine((q) => q.startDate === undefined || q.endDate === undefined || q.startDate <= q.endDate, { message: 'endDate must not be before startDate', path: ['endDate'] }),
);
const transactionFields = {
  type: z.enum(['buy', 'sell']),
  quantity: positiveInt,
  /** Price per unit, major units of `currency`. */
  price,
  date: isoDate,
  /** A fee as an amount, major units of `currency`. */
  fee: price.optional(),
  /** A fee as a percentage, 0..100 (the spec's reading; reference/cs2cap.md §9 #11). */
  feePercentage: z.number().min(0).max(100).optional(),
  marketplace: z.string().min(1).max(64).optional(),
  note: z.string().max(1000).optional(),
  currency: currency.max(8).optional(),
};
/** Input of `portfolios.addTransaction`. */
export const transactionCreateSchema = inputIs<i.Cs2CapTransactionInput>()(
  z.object({ ...itemRef, ...transactionFields }).strict().refine(needsItem, { message: 'give itemId or marketHashName', path: ['itemId'] }),
);
/** Input of `portfolios.updateTransaction`: any of the fields, at least one. */
export const transactionUpdateSchema = inputIs<i.Cs2CapTransactionUpdate>()(
  z
  .object({
    type: transactionFields.type.optional(),
    quantity: positiveInt.optional(),
    price: price.optional(),
    date: isoDate.optional(),
    fee: price.nullable().optional(),
    feePercentage: z.number().min(0).max(100).nullable().optional(),
    marketplace: z.string().min(1).max(64).nullable().optional(),
    note: z.string().max(1000).nullable().optional(),
    currency: currency.max(8).optional(),
  })
  .strict()
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'change at least one field', path: ['type'] })
  // A price without its currency would be read in the transaction's currency, whatever that is.
  .refine((v) => (v.price === undefined && v.fee == null) || v.currency !== undefined, { message: 'give the currency of price and fee', path: ['currency'] }),
);
/** Query of `portfolios.exportCsv`. */
const csvExportQuerySchema = inputIs<i.Cs2CapCsvExportQuery>()(z.object({ format: z.enum(['transactions', 'items']).optional() }).strict());
/** Input of `portfolios.importSteam`: some asset ids, or none for the whole linked inventory. */
export const steamImportSchema = inputIs<i.Cs2CapSteamImportInput>()(
  z.object({ assetIds: z.array(z.string().regex(/^\d{1,20}$/, 'a Steam asset id')).min(1).max(10_000).optional() }).strict(),
);

/** One valued holding (`PortfolioLineItem`); amounts exact in the valuation's currency, absent without a price. */
export interface Cs2CapValuedItem {
  /** The CS2Cap catalog id. */
  item_id: number;
  /** The Steam market name. */
  market_hash_name: string;
  /** The Doppler phase, or `null`. */
  phase?: string | null | undefined;
  /** Units held. */
  quantity: number;
  /** The best ask across the marketplaces asked. */
  best_ask?: Money | undefined;
  /** The best bid across the marketplaces asked. */
  best_bid?: Money | undefined;
  /** `quantity` × the unit value. */
  item_value?: Money | undefined;
  /** The image URL. */
  image_url?: string | null | undefined;
  /** The rarity name. */
  rarity_name?: string | null | undefined;
  /** The rarity colour. */
  rarity_color?: string | null | undefined;
  /** The ask on each marketplace. */
  providers?: Cs2CapBatchPriceQuote[] | undefined;
}
/** The `meta` of a valuation. */
export interface Cs2CapValuationMeta {
  /** The currency of every amount. */
  currency: string;
  /** When it was valued (ISO time). */
  generated_at: string;
  /** The marketplaces that were asked. */
  providers_queried: string[];
}
/** The `data` of a valuation. */
export interface Cs2CapValuationData {
  /** One line per item. */
  line_items: Cs2CapValuedItem[];
  /** The sum of the lines' values, exact. */
  total_value: Money;
  /** Lines with a price. */
  items_valued: number;
  /** Ids not in the catalog. */
  items_not_found: number[];
}
/** A valuation (`POST /v1/portfolio/value`, `GET /v1/portfolio/{id}/value`). */
export interface Cs2CapValuation {
  /** Currency, time, marketplaces. */
  meta: Cs2CapValuationMeta;
  /** The lines and the total. */
  data: Cs2CapValuationData;
}
/** A saved portfolio (`PortfolioOut`). */
export interface Cs2CapPortfolio {
  /** Its id (a UUID). */
  id: string;
  /** Its name. */
  name: string;
  /** Holdings in it. */
  item_count: number;
  /** When it was created (ISO time). */
  created_at: string;
  /** When it last changed (ISO time). */
  updated_at: string;
}
/** One holding of a saved portfolio (`PortfolioItemOut`). */
export interface Cs2CapPortfolioItem extends Cs2CapSkinDetails {
  /** The entry's id (remove it by this, not by `item_id`). */
  id: string;
  /** The CS2Cap catalog id. */
  item_id: number;
  /** The Steam market name. */
  market_hash_name: string;
  /** The Doppler phase, or `null`. */
  phase?: string | null | undefined;
  /** Units held. */
  quantity: number;
  /** `steam`, `manual` or `csv`. */
  source: string;
  /** The Steam asset id (imported holdings). */
  steam_assetid?: string | null | undefined;
  /** When it was added (ISO time). */
  created_at: string;
}
/** One ledger entry (`TransactionOut`); amounts exact in `currency`. */
export interface Cs2CapTransaction {
  /** Its id (a UUID). */
  id: string;
  /** The CS2Cap catalog id. */
  item_id: number;
  /** The Steam market name. */
  market_hash_name: string;
  /** The Doppler phase, or `null`. */
  phase?: string | null | undefined;
  /** `buy` or `sell`. */
  type: string;
  /** Units. */
  quantity: number;
  /** The unit price. */
  price: Money;
  /** The fee as an amount, when given as one. */
  fee_amount?: Money | undefined;
  /** The fee as a percentage 0..100, when given as one (not money). */
  fee_percentage?: number | null | undefined;
  /** Where it was traded. */
  marketplace?: string | null | undefined;
  /** The trade date (`YYYY-MM-DD`). */
  date: string;
  /** A note. */
  note?: string | null | undefined;
  /** The currency of `price` and `fee_amount`. */
  currency: string;
  /** When it was recorded (ISO time). */
  created_at: string;
  /** When it last changed (ISO time). */
  updated_at: string;
}
/** One day of a portfolio's value (`PortfolioHistoryPoint`). */
export interface Cs2CapPortfolioDay {
  /** The day (`YYYY-MM-DD`). */
  date: string;
  /** The value at the day's close, exact. */
  total_value: Money;
  /** Positions held. */
  positions: number;
  /** Positions with a price. */
  items_valued: number;
  /** Positions without a price. */
  items_missing_price: number;
}
/** The `meta` of a value history. */
export interface Cs2CapPortfolioHistoryMeta {
  /** The portfolio's id. */
  portfolio_id: string;
  /** The currency of every value. */
  currency: string;
  /** The marketplaces that were asked. */
  providers_queried: string[];
  /** The window's first day. */
  start_date: string;
  /** The window's last day. */
  end_date: string;
  /** Always `1d`. */
  interval?: string | undefined;
  /** `ledger_close` or `current_holdings`. */
  holdings_basis?: string | undefined;
  /** Always `best_provider_close`. */
  valuation_basis?: string | undefined;
}
/** A page of a portfolio's value history (cursor-paginated). */
export interface Cs2CapPortfolioHistory {
  /** The window and its bases. */
  meta: Cs2CapPortfolioHistoryMeta;
  /** One point a day. */
  data: Cs2CapPortfolioDay[];
  /** Cursor paging. */
  pagination: Cs2CapPagination;
}
/** What a Steam import did (`PortfolioImportResult`). */
export interface Cs2CapImportResult {
  /** Assets imported. */
  imported: number;
  /** Assets already there. */
  skipped: number;
  /** Asset ids that could not be resolved. */
  unresolved: string[];
}
/** The two CSV layouts: a ledger (one transaction a row) or a holdings snapshot (one holding a row). */
export type Cs2CapCsvFormat = 'transactions' | 'items';
/** Options of `portfolios.importCsv`: the call's, and the format the file must be in. */
export interface Cs2CapCsvImportOptions extends CallOptions {
  /** Refuse a file whose header row is not of this format (default: either, read from the header). */
  format?: Cs2CapCsvFormat | undefined;
}
/** What a CSV import did. The server's answer is not documented: only its `imported` count is read. */
export interface Cs2CapCsvImportResult {
  /** The format the header row shows. */
  readonly format: Cs2CapCsvFormat;
  /** Data rows sent (blank lines not counted). */
  readonly rows: number;
  /** Rows the server says it imported, when its answer has an `imported` count. */
  readonly imported: number | undefined;
}

/** Portfolios: valuations, saved portfolios, holdings, a ledger, history, imports and export. */
export interface Cs2CapPortfolios {
  /** Value up to 100 distinct items now (all tiers); a lookup, safe to repeat. */
  value(input: i.Cs2CapValuationInput, options?: CallOptions): Promise<Cs2CapValuation>;
  /** The account's saved portfolios. */
  list(options?: CallOptions): Promise<Cs2CapPortfolio[]>;
  /** Create a portfolio. Never repeated; past the tier's count it is refused (400 or 409 `PORTFOLIO_LIMIT_REACHED`). */
  create(input: i.Cs2CapPortfolioCreate, options?: CallOptions): Promise<Cs2CapPortfolio>;
  /** Delete a portfolio with its holdings and ledger; safe to repeat. */
  delete(portfolioId: string, options?: CallOptions): Promise<void>;
  /** The holdings. */
  items(portfolioId: string, options?: CallOptions): Promise<Cs2CapPortfolioItem[]>;
  /** Add a holding by hand. Never repeated. */
  addItem(portfolioId: string, input: i.Cs2CapPortfolioItemInput, options?: CallOptions): Promise<Cs2CapPortfolioItem>;
  /** Remove a holding by its entry id (not the item id); safe to repeat. */
  removeItem(portfolioId: string, entryId: string, options?: CallOptions): Promise<void>;
  /** Value the holdings now. */
  getValue(portfolioId: string, query?: i.Cs2CapPortfolioValueQuery, options?: CallOptions): Promise<Cs2CapValuation>;
  /** One page of daily values (`ledger` basis by default: it needs transactions). */
  getHistory(portfolioId: string, query?: i.Cs2CapPortfolioHistoryQuery, options?: CallOptions): PagePromise<Cs2CapPortfolioHistory, Cs2CapPortfolioDay>;
  /**
   * Every day of the window, following `next_cursor`.
   * @deprecated Iterate the page call instead: `for await (const day of cs2cap.portfolios.getHistory(portfolioId, query))`.
   */
  history(portfolioId: string, query?: Omit<i.Cs2CapPortfolioHistoryQuery, 'cursor'>, options?: CallOptions): AsyncGenerator<Cs2CapPortfolioDay, void, undefined>;
  /** Record a buy or sell (a buy of an item not held adds the holding). Never repeated. */
  addTransaction(portfolioId: string, input: i.Cs2CapTransactionInput, options?: CallOptions): Promise<Cs2CapTransaction>;
  /** The ledger, newest first. */
  transactions(portfolioId: string, options?: CallOptions): Promise<Cs2CapTransaction[]>;
  /** Change a ledger entry; safe to repeat. */
  updateTransaction(portfolioId: string, transactionId: string, input: i.Cs2CapTransactionUpdate, options?: CallOptions): Promise<Cs2CapTransaction>;
  /** Delete a ledger entry; safe to repeat. */
  deleteTransaction(portfolioId: string, transactionId: string, options?: CallOptions): Promise<void>;
  /** Import the linked Steam inventory (or some of its assets). Never repeated (a second import skips what is there). */
  importSteam(portfolioId: string, input?: i.Cs2CapSteamImportInput, options?: CallOptions): Promise<Cs2CapImportResult>;
  /**
   * Import a CSV file (a ledger or a holdings snapshot, told apart by its header row; the
   * columns are those `exportCsv` writes), UTF-8, at most 16 MiB and 100,000 rows. Checked
   * before it is sent; a row the server refuses is an `InvalidRequestError` (422) naming the
   * line. Never repeated: a lost answer is an `OutcomeUnknownError` saying how to check,
   * since a second import would add the rows again.
   */
  importCsv(portfolioId: string, csv: string | Uint8Array, options?: Cs2CapCsvImportOptions): Promise<Cs2CapCsvImportResult>;
  /** The ledger (`transactions`, default) or the holdings (`items`) as CSV text. */
  exportCsv(portfolioId: string, query?: i.Cs2CapCsvExportQuery, options?: CallOptions): Promise<string>;
}

/** The `portfolios` calls of a CS2Cap client. */
export function createPortfolioCalls(send: ReturnType<typeof createOperationSender>, sender: Pick<RequestSender, 'send' | 'sendStream'>): Cs2CapPortfolios {
  const id = (operation: string, value: string): string => parseInput(PROVIDER, operation, resourceIdSchema, value);
  const minor = (amount: string, cur: string): number => Number(toMinorUnits(money(amount, cur)));
  const valued = (res: PortfolioResponse): Cs2CapValuation => {
    const cur = res.meta.currency;
    const of = (n: number | null | undefined): Money | undefined => (n == null ? undefined : fromMinorUnits(n, cur));
    return {
      meta: { currency: cur, generated_at: res.meta.generated_at, providers_queried: res.meta.providers_queried },
      data: {
        line_items: res.data.line_items.map((i) => ({
          item_id: i.item_id,
          market_hash_name: i.market_hash_name,
          phase: i.phase,
          quantity: i.quantity,
          best_ask: of(i.best_ask),
          best_bid: of(i.best_bid),
          item_value: of(i.item_value),
          image_url: i.image_url,
          rarity_name: i.rarity_name,
          rarity_color: i.rarity_color,
          providers: i.providers?.map((q) => batchPriceQuote(q, cur)),
        })),
        total_value: fromMinorUnits(res.data.total_value, cur),
        items_valued: res.data.items_valued,
        items_not_found: res.data.items_not_found,
      },
    };
  };
  const withMoney = (t: TransactionOut): Cs2CapTransaction => ({
    id: t.id,
    item_id: t.item_id,
    market_hash_name: t.market_hash_name,
    phase: t.phase,
    type: t.type,
    quantity: t.quantity,
    price: fromMinorUnits(t.price, t.currency),
    fee_amount: t.fee_amount == null ? undefined : fromMinorUnits(t.fee_amount, t.currency),
    fee_percentage: t.fee_percentage,
    marketplace: t.marketplace,
    date: t.date,
    note: t.note,
    currency: t.currency,
    created_at: t.created_at,
    updated_at: t.updated_at,
  });
  const portfolio = (p: PortfolioOut): Cs2CapPortfolio => ({ id: p.id, name: p.name, item_count: p.item_count, created_at: p.created_at, updated_at: p.updated_at });
  const holding = (h: PortfolioItemOut): Cs2CapPortfolioItem => ({
    id: h.id,
    item_id: h.item_id,
    market_hash_name: h.market_hash_name,
    phase: h.phase,
    quantity: h.quantity,
    source: h.source,
    steam_assetid: h.steam_assetid,
    float_value: h.float_value,
    paint_seed: h.paint_seed,
    inspect_link: h.inspect_link,
    name_tag: h.name_tag,
    stickers: h.stickers?.map(sticker) ?? h.stickers,
    charms: h.charms?.map(charm) ?? h.charms,
    created_at: h.created_at,
  });
  const itemBody = (q: { itemId?: number | undefined; marketHashName?: string | undefined; phase?: string | undefined }) => ({ item_id: q.itemId, market_hash_name: q.marketHashName, phase: q.phase });

  const portfolios: Cs2CapPortfolios = {
    async value(input, call) {
      const q = parseInput(PROVIDER, 'portfolios.value', valuationSchema, input);
      const res = await send('valuePortfolio', { body: { items: q.items.map((i) => ({ item_id: i.itemId, quantity: i.quantity })), currency: q.currency?.toUpperCase() ?? 'USD', providers: q.providers }, call });
      return valued(res);
    },
    async list(call) {
      return (await send('listPortfolios', { call })).data.map(portfolio);
    },
    async create(input, call) {
      const q = parseInput(PROVIDER, 'portfolios.create', portfolioCreateSchema, input);
      return portfolio(await send('createPortfolio', {
        body: { name: q.name },
        outcomeHint: `The portfolio may have been created. To check: call portfolios.list() and look for one named ${JSON.stringify(q.name)}; create it again only if it is not there`,
        call,
      }));
    },
    async delete(portfolioId, call) {
      await send('deletePortfolio', { pathParams: { portfolio_id: id('portfolios.delete', portfolioId) }, call });
    },
    async items(portfolioId, call) {
      return (await send('listPortfolioItems', { pathParams: { portfolio_id: id('portfolios.items', portfolioId) }, call })).map(holding);
    },
    async addItem(portfolioId, input, call) {
      const pid = id('portfolios.addItem', portfolioId);
      const q = parseInput(PROVIDER, 'portfolios.addItem', portfolioItemSchema, input);
      return holding(await send('addItemToPortfolio', {
        pathParams: { portfolio_id: pid },
        body: { ...itemBody(q), quantity: q.quantity },
        outcomeHint: `The holding may have been added. To check: call portfolios.items('${pid}') and look for ${q.itemId ?? JSON.stringify(q.marketHashName)} with quantity ${q.quantity}; add it again only if it is not there`,
        call,
      }));
    },
    async removeItem(portfolioId, entryId, call) {
      await send('removeItemFromPortfolio', { pathParams: { portfolio_id: id('portfolios.removeItem', portfolioId), entry_id: id('portfolios.removeItem', entryId) }, call });
    },
    async getValue(portfolioId, query = {}, call) {
      const pid = id('portfolios.getValue', portfolioId);
      const q = parseInput(PROVIDER, 'portfolios.getValue', portfolioValueQuerySchema, query);
      return valued(await send('getPortfolioValue', { pathParams: { portfolio_id: pid }, query: { currency: q.currency?.toUpperCase(), providers: q.providers }, call }));
    },
    getHistory(portfolioId, query = {}, call) {
      return cursorPages(PROVIDER, query, call, (p) => p.data, (p) => (p.pagination.has_next ? p.pagination.next_cursor : null), async (query = {}, call) => {
        const pid = id('portfolios.getHistory', portfolioId);
        const q = parseInput(PROVIDER, 'portfolios.getHistory', portfolioHistoryQuerySchema, query);
        const page = await send('getPortfolioValueHistory', {
          pathParams: { portfolio_id: pid },
          query: {
            start_date: q.startDate,
            end_date: q.endDate,
            lookback: q.lookbackDays === undefined ? undefined : `${q.lookbackDays}d`,
            currency: q.currency?.toUpperCase(),
            providers: q.providers,
            basis: q.basis,
            limit: q.limit,
            cursor: q.cursor,
          },
          call,
        });
        const m = page.meta;
        const cur = m.currency;
        return {
          meta: {
            portfolio_id: m.portfolio_id,
            currency: cur,
            providers_queried: m.providers_queried,
            start_date: m.start_date,
            end_date: m.end_date,
            interval: m.interval,
            holdings_basis: m.holdings_basis,
            valuation_basis: m.valuation_basis,
          },
          data: page.data.map((d) => ({ date: d.date, total_value: fromMinorUnits(d.total_value, cur), positions: d.positions, items_valued: d.items_valued, items_missing_price: d.items_missing_price })),
          pagination: pagination(page.pagination),
        };
      });
    },
    history(portfolioId, query = {}, call) {
      parseInput(PROVIDER, 'portfolios.history', portfolioHistoryQuerySchema, query);
      return itemsWhenIterated(() => portfolios.getHistory(portfolioId, query, call));
    },
    async addTransaction(portfolioId, input, call) {
      const pid = id('portfolios.addTransaction', portfolioId);
      const q = parseInput(PROVIDER, 'portfolios.addTransaction', transactionCreateSchema, input);
      const cur = (q.currency ?? 'USD').toUpperCase();
      const res = await send('addTransaction', {
        pathParams: { portfolio_id: pid },
        body: {
          ...itemBody(q),
          type: q.type,
          quantity: q.quantity,
          price: minor(q.price, cur),
          date: q.date,
          fee_amount: q.fee === undefined ? undefined : minor(q.fee, cur),
          fee_percentage: q.feePercentage,
          marketplace: q.marketplace,
          note: q.note,
          currency: cur,
        },
        outcomeHint: `The transaction may have been recorded. To check: call portfolios.transactions('${pid}') and look for a ${q.type} of ${q.quantity} on ${q.date} at ${q.price} ${cur}; record it again only if it is not there`,
        call,
      });
      return withMoney(res);
    },
    async transactions(portfolioId, call) {
      return (await send('listTransactions', { pathParams: { portfolio_id: id('portfolios.transactions', portfolioId) }, call })).map(withMoney);
    },
    async updateTransaction(portfolioId, transactionId, input, call) {
      const pathParams = { portfolio_id: id('portfolios.updateTransaction', portfolioId), transaction_id: id('portfolios.updateTransaction', transactionId) };
      const q = parseInput(PROVIDER, 'portfolios.updateTransaction', transactionUpdateSchema, input);
      const cur = q.currency?.toUpperCase();
      const res = await send('updateTransaction', {
        pathParams,
        body: {
          type: q.type,
          quantity: q.quantity,
          price: q.price === undefined ? undefined : minor(q.price, cur!),
          date: q.date,
          fee_amount: q.fee === undefined ? undefined : q.fee === null ? null : minor(q.fee, cur!),
          fee_percentage: q.feePercentage,
          marketplace: q.marketplace,
          note: q.note,
          currency: cur,
        },
        call,
      });
      return withMoney(res);
    },
    async deleteTransaction(portfolioId, transactionId, call) {
      await send('deleteTransaction', { pathParams: { portfolio_id: id('portfolios.deleteTransaction', portfolioId), transaction_id: id('portfolios.deleteTransaction', transactionId) }, call });
    },
    async importSteam(portfolioId, input = {}, call) {
      const pid = id('portfolios.importSteam', portfolioId);
      const q = parseInput(PROVIDER, 'portfolios.importSteam', steamImportSchema, input);
      const res = await send('importSteamInventory', {
        pathParams: { portfolio_id: pid },
        body: { asset_ids: q.assetIds },
        outcomeHint: `The import may have happened. To check: call portfolios.items('${pid}') and look for holdings with source 'steam'; importing again skips assets already there`,
        call,
      });
      return { imported: res.imported, skipped: res.skipped, unresolved: res.unresolved };
    },
    async importCsv(portfolioId, csv, options) {
      const pid = id('portfolios.importCsv', portfolioId);
      // The call options go on to the sender, which checks them; `format` is this call's own.
      const { format: wanted, ...call } = (options ?? {}) as Cs2CapCsvImportOptions;
      parseInput(PROVIDER, 'portfolios.importCsv', z.enum(['transactions', 'items']).optional(), wanted);
      const file = checkCsv(csv, wanted);
      const check = file.format === 'transactions' ? `portfolios.transactions('${pid}')` : `portfolios.items('${pid}')`;
      const answer = await sender.send({
        method: 'POST',
        path: operationPath('importPortfolioCsv', { portfolio_id: pid }),
        rawBody: { contentType: 'text/csv; charset=utf-8', data: file.data },
        limitClass: 'default',
        safety: cs2capOperations.importPortfolioCsv.safety,
        outcomeHint: `The CSV may have been imported, wholly or in part. To check: call ${check} and look for its ${file.rows} row${file.rows === 1 ? '' : 's'}; import it again only if they are not there (a second import adds them again)`,
        schema: csvImportAnswerSchema,
        call,
      });
      return { format: file.format, rows: file.rows, imported: answer.imported };
    },
    async exportCsv(portfolioId, query = {}, call) {
      const pid = id('portfolios.exportCsv', portfolioId);
      const q = parseInput(PROVIDER, 'portfolios.exportCsv', csvExportQuerySchema, query);
      const path = operationPath('exportPortfolioCsv', { portfolio_id: pid });
      // CSV, not JSON: read as a stream, bounded.
      const res = await sender.sendStream({ method: 'GET', path, query: { format: q.format ?? 'transactions' }, limitClass: 'default', safety: 'read', schema: z.unknown(), call });
      return readBounded(res.stream, path);
    },
  };
  return portfolios;
}

async function readBounded(stream: Readable, path: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > MAX_CSV_BYTES) {
      stream.destroy();
      throw new ResponseShapeError({ provider: PROVIDER, code: 'response_shape', message: `cs2cap GET ${path}: the CSV is larger than ${MAX_CSV_BYTES} bytes`, method: 'GET', path, fieldPath: '(body)' });
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The import's answer: undocumented, so any object; a count, when there is one, must be one. */
const csvImportAnswerSchema = z.object({ imported: z.number().int().min(0).optional() });

/** One problem of a CSV file, as a `ValidationError` naming where (never echoing a cell). */
function csvError(path: string, message: string): ValidationError {
  return new ValidationError({ provider: PROVIDER, message: `${PROVIDER}.portfolios.importCsv: invalid input — ${path}: ${message}`, issues: [{ path, message }] });
}

// A lone surrogate cannot be sent as UTF-8.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Check a CSV import before it is sent: at most `MAX_CSV_IMPORT_BYTES`, UTF-8 without NUL, a
 * header row of one of the two formats (columns as the export writes them, any order and
 * case), every record as many fields as the header, quotes closed, at least one data row.
 * A leading byte-order mark is dropped (spreadsheets write one; it carries no data).
 */
function checkCsv(csv: string | Uint8Array, wanted: Cs2CapCsvFormat | undefined): { format: Cs2CapCsvFormat; rows: number; data: string | Uint8Array } {
  let text: string;
  let data: string | Uint8Array;
  if (typeof csv === 'string') {
    if (Buffer.byteLength(csv, 'utf8') > MAX_CSV_IMPORT_BYTES) throw csvError('csv', `larger than ${MAX_CSV_IMPORT_BYTES} bytes`);
    if (LONE_SURROGATE.test(csv)) throw csvError('csv', 'not valid Unicode text (a lone surrogate)');
    text = csv.startsWith('\uFEFF') ? csv.slice(1) : csv;
    data = text;
  } else if (csv instanceof Uint8Array) {
    if (csv.byteLength > MAX_CSV_IMPORT_BYTES) throw csvError('csv', `larger than ${MAX_CSV_IMPORT_BYTES} bytes`);
    const bom = csv[0] === 0xef && csv[1] === 0xbb && csv[2] === 0xbf ? 3 : 0;
    // A copy: the caller may reuse its buffer while the call waits or retries, and what is
    // sent must be what was checked (Buffer#slice would share the bytes, as subarray does).
    data = new Uint8Array(csv.subarray(bom));
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(data);
    } catch {
      throw csvError('csv', 'not UTF-8 text');
    }
  } else {
    throw csvError('csv', 'must be a string or a Uint8Array');
  }
  if (text.includes('\u0000')) throw csvError('csv', 'holds a NUL character (not a text file?)');
  const records = csvRecords(text);
  const header = records.next();
  if (header.done) throw csvError('csv', 'empty: no header row');
  const columns = header.value.fields.map((c) => c.trim().toLowerCase());
  const format = csvFormat(columns);
  if (wanted !== undefined && format !== wanted) throw csvError('format', `the header row is of the ${format} format, not ${wanted}`);
  let rows = 0;
  for (const record of records) {
    if (record.fields.length === 1 && record.fields[0] === '') continue;
    if (record.fields.length !== columns.length) throw csvError(`csv.line ${record.line}`, `${record.fields.length} fields where the header has ${columns.length}`);
    rows += 1;
    if (rows > MAX_CSV_IMPORT_ROWS) throw csvError('csv', `more than ${MAX_CSV_IMPORT_ROWS} rows`);
  }
  if (rows === 0) throw csvError('csv', 'no data rows under the header');
  return { format, rows, data };
}

/** The format a header row shows, or a `ValidationError` saying what is wrong with it. */
function csvFormat(columns: string[]): Cs2CapCsvFormat {
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c)) throw csvError('csv.header', `column ${JSON.stringify(c)} appears twice`);
    seen.add(c);
  }
  const ledger = ['date', 'type', 'price'].some((c) => seen.has(c));
  const format: Cs2CapCsvFormat = ledger ? 'transactions' : 'items';
  const known: readonly string[] = ledger ? CSV_TRANSACTION_COLUMNS : CSV_ITEM_COLUMNS;
  const unknown = columns.filter((c) => !known.includes(c));
  if (unknown.length) throw csvError('csv.header', `unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((c) => JSON.stringify(c.slice(0, 40))).join(', ')} for the ${format} format (columns: ${known.join(', ')})`);
  const missing = (ledger ? ['date', 'type', 'quantity', 'price'] : ['quantity']).filter((c) => !seen.has(c));
  if (missing.length) throw csvError('csv.header', `the ${format} format needs the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  if (!seen.has('item_id') && !seen.has('market_hash_name')) throw csvError('csv.header', 'needs an item_id or a market_hash_name column');
  return format;
}

/** No record of a valid file has more fields than the widest format has columns. */
const MAX_CSV_FIELDS = Math.max(CSV_TRANSACTION_COLUMNS.length, CSV_ITEM_COLUMNS.length);

/**
 * RFC 4180 records (CRLF or LF; quoted fields may hold commas, quotes as "" and line breaks).
 * A record with more than `MAX_CSV_FIELDS` fields is refused as soon as it has them: a file of
 * commas must not become millions of fields in memory before it is found wrong.
 */
function* csvRecords(text: string): Generator<{ line: number; fields: string[] }, void, undefined> {
  let i = 0;
  let line = 1;
  while (i < text.length) {
    const start = line;
    const fields: string[] = [];
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        i += 1;
        for (;;) {
          if (i >= text.length) throw csvError(`csv.line ${start}`, 'a quoted field is not closed');
          const ch = text[i]!;
          if (ch === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i += 1;
            break;
          }
          if (ch === '\n') line += 1;
          field += ch;
          i += 1;
        }
        if (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') throw csvError(`csv.line ${start}`, 'text after a closing quote');
      } else {
        while (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          if (text[i] === '"') throw csvError(`csv.line ${start}`, 'a quote inside an unquoted field');
          field += text[i];
          i += 1;
        }
      }
      fields.push(field);
      if (fields.length > MAX_CSV_FIELDS) throw csvError(`csv.line ${start}`, `more than ${MAX_CSV_FIELDS} fields (no format has more columns)`);
      if (text[i] === ',') {
        i += 1;
        continue;
      }
      break;
    }
    if (text[i] === '\r') i += 1;
    if (text[i] === '\n') i += 1;
    line += 1;
    yield { line: start, fields };
  }
}
