/**
 * The CS2Cap sandbox's watchlist (reference/cs2cap.md §6.10): entries per account, by catalog
 * `item_id`; a batch add is all or nothing; a duplicate is a 409; a size cap per tier.
 */
import { randomUUID } from 'node:crypto';
import type { SandboxRequest, SandboxResponse, SandboxServer } from '../../src/testkit/server.js';
import { offsetPage } from './sandbox-pages.js';

/** Entries an account may watch, by tier. The docs say only that the cap depends on the tier: these numbers are the sandbox's. */
export const SANDBOX_WATCHLIST_CAP: Readonly<Record<string, number>> = { free: 20, starter: 200, pro: 1_000, quant: 5_000 };

/** What the watchlist needs of a key. */
interface AccountKey {
  rootId: string;
  tier: string;
}

/** What the sandbox lends the watchlist. */
export interface WatchlistHost {
  readonly server: SandboxServer;
  /** The catalog: one name per id. */
  item(itemId: number): { item_id: number; market_hash_name: string } | undefined;
  /** Wrap a handler with the sandbox's auth and limits (account routes: no monthly quota). */
  authed(handler: (req: SandboxRequest, key: AccountKey) => SandboxResponse, options: { countsQuota?: boolean }): (req: SandboxRequest) => SandboxResponse;
}

interface Entry {
  id: string;
  item_id: number;
  market_hash_name: string;
  phase: null;
  created_at: string;
}

const invalid = (loc: (string | number)[], msg: string, input?: unknown): SandboxResponse => ({ status: 422, body: { code: 'VALIDATION_ERROR', detail: [{ type: 'value_error', loc, msg, input }] } });

/** Serve the watchlist routes on the host's server. */
export function serveWatchlist(host: WatchlistHost): void {
  const lists = new Map<string, Entry[]>();
  const listOf = (k: AccountKey): Entry[] => {
    let list = lists.get(k.rootId);
    if (!list) lists.set(k.rootId, (list = []));
    return list;
  };

  host.server.route('GET', '/v1/account/watchlist', host.authed((req, k) => {
    const search = req.query.get('search')?.toLowerCase();
    const rows = listOf(k)
      .filter((e) => !search || (/^\d+$/.test(search) ? e.item_id === Number(search) : e.market_hash_name.toLowerCase().includes(search)))
      .slice()
      .reverse();
    const page = offsetPage(req, rows, { defaultLimit: 50, maxLimit: 200 });
    return { status: 200, body: { items: page.rows, pagination: { ...page.pagination, next_cursor: null } } };
  }, { countsQuota: false }));

  host.server.route('POST', '/v1/account/watchlist', host.authed((req, k) => {
    const body = (req.body ?? {}) as { item_id?: unknown; item_ids?: unknown };
    const batch = Array.isArray(body.item_ids);
    const ids = batch ? (body.item_ids as unknown[]) : [body.item_id];
    if (!ids.length) return invalid(['body', 'item_ids'], 'List should have at least 1 item after validation');
    const bad = ids.findIndex((id) => !Number.isInteger(id));
    if (bad >= 0) return invalid(batch ? ['body', 'item_ids', bad] : ['body', 'item_id'], 'Input should be a valid integer', ids[bad]);
    const list = listOf(k);
    // All or nothing: check every id before adding any.
    const unique = [...new Set(ids as number[])];
    const missing = unique.find((id) => !host.item(id));
    if (missing !== undefined) return { status: 404, body: { code: 'ITEM_NOT_FOUND', detail: `Item not found: ${missing}` } };
    const duplicate = unique.find((id) => list.some((e) => e.item_id === id));
    if (duplicate !== undefined) return { status: 409, body: { code: 'WATCHLIST_DUPLICATE', detail: `Item ${duplicate} is already on the watchlist` } };
    const cap = SANDBOX_WATCHLIST_CAP[k.tier] ?? 20;
    if (list.length + unique.length > cap) return { status: 409, body: { code: 'WATCHLIST_LIMIT_REACHED', detail: `Watchlist limit reached (${cap} items for the ${k.tier} tier)` } };
    const created = unique.map((id) => ({ id: randomUUID(), ...host.item(id)!, phase: null, created_at: new Date().toISOString() }));
    list.push(...created);
    return { status: 201, body: batch ? { items: created, created_count: created.length } : created[0] };
  }, { countsQuota: false }));

  host.server.route('DELETE', '/v1/account/watchlist/:itemId', host.authed((req, k) => {
    const itemId = Number(req.params.itemId);
    if (!Number.isInteger(itemId)) return invalid(['path', 'item_id'], 'Input should be a valid integer', req.params.itemId);
    const list = listOf(k);
    const i = list.findIndex((e) => e.item_id === itemId);
    if (i < 0) return { status: 404, body: { code: 'NOT_FOUND', detail: 'Watchlist entry not found' } };
    list.splice(i, 1);
    return { status: 200, body: { ok: true } };
  }, { countsQuota: false }));
}
