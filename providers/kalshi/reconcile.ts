/**
 * What a 409 "client_order_id already exists" means for an order we tried to place: our own
 * earlier attempt landed (find it, check it is the order asked for) or the id belongs to
 * another order. Kalshi's order list may lag behind a committed order, so it is read a few
 * times with short backoff, every read through the client's own sender (limits apply).
 */
import type { CallOptions } from '../../src/http/request-sender.js';
import type { z } from 'zod';
import { decimalUnits } from './fixed-point.js';
import type { orderSchema } from './schemas.js';

type Order = z.output<typeof orderSchema>;

/** The fields of an order that must match for a found order to be the one asked for. */
export interface AskedOrder {
  readonly ticker: string;
  readonly side: 'bid' | 'ask';
  /** Wire text of the YES price. */
  readonly price: string;
  /** Wire text of the count. */
  readonly count: string;
}

/** What became of one client_order_id. */
export type ReconcileOutcome =
  /** The order exists and is the one asked for. */
  | { readonly kind: 'same'; readonly order: Order }
  /** The id belongs to an order that differs in `mismatched`. */
  | { readonly kind: 'different'; readonly order: Order; readonly mismatched: readonly string[] }
  /** An order with the id exists, but these of its fields could not be read to compare. */
  | { readonly kind: 'unverifiable'; readonly order: Order; readonly unreadable: readonly string[] }
  /** Not in the list after every read. */
  | { readonly kind: 'not_found'; readonly reads: number; readonly elapsedMs: number }
  /** A read failed (or the call was aborted), so nothing is known. */
  | { readonly kind: 'read_failed'; readonly error: unknown };

/** One page of `GET /portfolio/orders`, through the client. */
export type ListOrdersPage = (query: { ticker?: string; limit: number; cursor?: string }, call?: CallOptions) => Promise<{ orders: Order[]; cursor?: string | null | undefined }>;

/** How long to keep looking: waits before each read, and a cap on the whole search. */
export interface ReconcileSchedule {
  readonly delaysMs: readonly number[];
  readonly deadlineMs: number;
}

/**
 * Four reads by ticker then one of every order (the id may belong to another market),
 * about 1.5 s of waiting, never more than 3 s in all.
 */
export const DEFAULT_RECONCILE_SCHEDULE: ReconcileSchedule = { delaysMs: [0, 100, 200, 400, 800], deadlineMs: 3_000 };
const PAGE_LIMIT = 200;
/** Pages read per search, so an account with a huge order history cannot stall the call. */
const MAX_PAGES = 10;
const PRICE_SCALE = 6;
const COUNT_SCALE = 2;

/** Find each client_order_id's order and say whether it is the order asked for. */
export async function reconcileOrders(
  pending: ReadonlyMap<string, AskedOrder>,
  listPage: ListOrdersPage,
  call?: CallOptions,
  schedule: ReconcileSchedule = DEFAULT_RECONCILE_SCHEDULE,
): Promise<Map<string, ReconcileOutcome>> {
  const outcomes = new Map<string, ReconcileOutcome>();
  const started = Date.now();
  let reads = 0;
  const left = (): string[] => [...pending.keys()].filter((id) => !outcomes.has(id));

  const search = async (ticker: string | undefined, ids: readonly string[]): Promise<void> => {
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const res = await listPage({ ticker, limit: PAGE_LIMIT, cursor }, call);
      for (const order of res.orders) {
        const id = order.client_order_id;
        if (id && ids.includes(id) && !outcomes.has(id)) outcomes.set(id, judge(pending.get(id)!, order));
      }
      if (ids.every((id) => outcomes.has(id)) || !res.cursor) return;
      cursor = res.cursor;
    }
  };

  try {
    for (const [i, delay] of schedule.delaysMs.entries()) {
      if (!left().length) break;
      if (i > 0 && Date.now() - started + delay > schedule.deadlineMs) break;
      await sleep(delay, call?.signal);
      reads += 1;
      const last = i === schedule.delaysMs.length - 1;
      if (last) {
        // The id may belong to an order on another market: look at every order once.
        await search(undefined, left());
      } else {
        const byTicker = new Map<string, string[]>();
        for (const id of left()) byTicker.set(pending.get(id)!.ticker, [...(byTicker.get(pending.get(id)!.ticker) ?? []), id]);
        for (const [ticker, ids] of byTicker) await search(ticker, ids);
      }
    }
  } catch (error) {
    for (const id of left()) outcomes.set(id, { kind: 'read_failed', error });
  }
  for (const id of left()) outcomes.set(id, { kind: 'not_found', reads, elapsedMs: Date.now() - started });
  return outcomes;
}

function judge(asked: AskedOrder, order: Order): ReconcileOutcome {
  const mismatched: string[] = [];
  const unreadable: string[] = [];
  const check = (field: string, found: unknown, wanted: unknown): void => {
    if (found === undefined) unreadable.push(field);
    else if (found !== wanted) mismatched.push(field);
  };
  check('ticker', order.ticker, asked.ticker);
  check('side', bookSide(order), asked.side);
  check('price', decimalUnits(order.yes_price_dollars, PRICE_SCALE), decimalUnits(asked.price, PRICE_SCALE));
  check('count', decimalUnits(order.initial_count_fp, COUNT_SCALE), decimalUnits(asked.count, COUNT_SCALE));
  if (mismatched.length) return { kind: 'different', order, mismatched: mismatched.sort() };
  if (unreadable.length) return { kind: 'unverifiable', order, unreadable };
  return { kind: 'same', order };
}

/** The YES-book side of an order: `book_side`, else `outcome_side`, else the legacy `side` + `action`. */
export function bookSide(order: Order): 'bid' | 'ask' | undefined {
  if (order.book_side === 'bid' || order.book_side === 'ask') return order.book_side;
  if (order.outcome_side === 'yes') return 'bid';
  if (order.outcome_side === 'no') return 'ask';
  const legacy = order as { side?: unknown; action?: unknown };
  if ((legacy.side === 'yes' || legacy.side === 'no') && (legacy.action === 'buy' || legacy.action === 'sell')) {
    // Buying YES and selling NO both bid on the YES book.
    return (legacy.side === 'yes') === (legacy.action === 'buy') ? 'bid' : 'ask';
  }
  return undefined;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
