/**
 * The CS2Cap watchlist (reference/cs2cap.md §6.10): items an account follows, by catalog
 * `item_id`. Adds are never repeated (no idempotency key exists; a duplicate is a 409).
 */
import { z } from 'zod';
import type { CallOptions } from '../../src/http/request-sender.js';
import { itemsWhenIterated, offsetList, type PagePromise } from '../../src/http/paginate.js';
import { parseInput } from '../../src/validation.js';
import type { WatchlistItem } from './generated/operations.js';
import { pagination, type Cs2CapPagination } from './results.js';
import type { createOperationSender } from './operation-kit.js';
import type * as i from './inputs.js';
import { inputIs } from './type-match.js';

export type { Cs2CapWatchlistQuery } from './inputs.js';
import { MAX_INT_INPUT, MAX_NAME_CHARS } from './schemas.js';

const PROVIDER = 'cs2cap';
const itemId = z.number().int().min(1).max(MAX_INT_INPUT);

/** Query of `watchlist.list`: `limit` 1..200 (the server clamps to it), `offset`, `search` (an item id or a name substring). */
export const watchlistQuerySchema = inputIs<i.Cs2CapWatchlistQuery>()(
  z
  .object({ limit: z.number().int().min(1).max(200).optional(), offset: z.number().int().min(0).max(MAX_INT_INPUT).optional(), search: z.string().min(1).max(MAX_NAME_CHARS).optional() })
  .strict(),
);
/** Input of `watchlist.add`: one catalog id or up to 200 (a batch is all-or-nothing). */
export const watchlistAddSchema = z.union([itemId, z.array(itemId).min(1).max(200)]);

/** One watched item (`WatchlistItem`). */
export interface Cs2CapWatchlistEntry {
  /** The entry's id. */
  id: string;
  /** The CS2Cap catalog id (remove the entry by this). */
  item_id: number;
  /** The Steam market name. */
  market_hash_name: string;
  /** The Doppler phase, or `null`. */
  phase?: string | null | undefined;
  /** When it was added (ISO time). */
  created_at: string;
}
/** A page of the watchlist. */
export interface Cs2CapWatchlistPage {
  /** The watched items. */
  items: Cs2CapWatchlistEntry[];
  /** Offset paging. */
  pagination: Cs2CapPagination;
}
/** What `watchlist.remove` returns. */
export interface Cs2CapWatchlistRemoved {
  /** `true` once the item is no longer watched. */
  ok: boolean;
}

/** The account's watchlist (API key or session JWT; its size cap depends on the tier). */
export interface Cs2CapWatchlist {
  /** One page of watched items. */
  list(query?: i.Cs2CapWatchlistQuery, options?: CallOptions): PagePromise<Cs2CapWatchlistPage, Cs2CapWatchlistEntry>;
  /**
   * Every watched item, following the offset pages.
   * @deprecated Iterate the page call instead: `for await (const entry of cs2cap.watchlist.list(query))`.
   */
  entries(query?: Omit<i.Cs2CapWatchlistQuery, 'offset'>, options?: CallOptions): AsyncGenerator<Cs2CapWatchlistEntry, void, undefined>;
  /**
   * Watch one item or several (all or nothing); returns the new entries. Never repeated: a
   * lost answer is an `OutcomeUnknownError` saying how to check. An item already watched is a 409.
   */
  add(itemIds: number | number[], options?: CallOptions): Promise<Cs2CapWatchlistEntry[]>;
  /** Stop watching an item, by its catalog `item_id` (not the entry id); safe to repeat. */
  remove(itemId: number, options?: CallOptions): Promise<Cs2CapWatchlistRemoved>;
}

/** The `watchlist` calls of a CS2Cap client. */
export function createWatchlistCalls(send: ReturnType<typeof createOperationSender>): Cs2CapWatchlist {
  const entry = (w: WatchlistItem): Cs2CapWatchlistEntry => ({ id: w.id, item_id: w.item_id, market_hash_name: w.market_hash_name, phase: w.phase, created_at: w.created_at });
  const watchlist: Cs2CapWatchlist = {
    list: offsetList(PROVIDER, (p) => p.items, (p) => p.pagination.has_next, async (query = {}, call) => {
      const q = parseInput(PROVIDER, 'watchlist.list', watchlistQuerySchema, query);
      // The docs' default page size is not pinned down: always send one.
      const page = await send('listWatchlist', { query: { limit: q.limit ?? 50, offset: q.offset, search: q.search }, call });
      return { items: page.items.map(entry), pagination: pagination(page.pagination) };
    }),
    entries(query = {}, call) {
      parseInput(PROVIDER, 'watchlist.entries', watchlistQuerySchema, query);
      return itemsWhenIterated(() => watchlist.list({ ...query, offset: 0 }, call));
    },
    async add(itemIds, call) {
      const ids = parseInput(PROVIDER, 'watchlist.add', watchlistAddSchema, itemIds);
      const list = Array.isArray(ids) ? ids : [ids];
      const res = await send('createWatchlistEntries', {
        body: Array.isArray(ids) ? { item_ids: ids } : { item_id: ids },
        outcomeHint: `The item${list.length > 1 ? 's' : ''} may have been added. To check: call watchlist.list({ search: '${list[0]}' }); adding an item already watched fails with a 409, so it is safe to add again once you have looked`,
        call,
      });
      return ('items' in res ? res.items : [res]).map(entry);
    },
    async remove(itemId_, call) {
      const id = parseInput(PROVIDER, 'watchlist.remove', itemId, itemId_);
      const res = await send('deleteWatchlistEntry', { pathParams: { item_id: id }, call });
      return { ok: res.ok };
    },
  };
  return watchlist;
}
