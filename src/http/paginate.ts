import { AbortedError } from '../errors.js';
import type { CallOptions } from './request-sender.js';

/** Walk a cursor-paginated list page by page until the cursor runs out. */
export async function* paginate<Page, Item>(
  fetchPage: (cursor: string | undefined) => Promise<Page>,
  itemsOf: (page: Page) => readonly Item[],
  nextCursorOf: (page: Page) => string | null | undefined,
): AsyncGenerator<Item, void, undefined> {
  let cursor: string | undefined;
  const seen = new Set<string>();
  for (;;) {
    const page = await fetchPage(cursor);
    yield* itemsOf(page);
    const next = nextCursorOf(page);
    // A server that hands back a cursor it gave before would loop forever.
    if (!next || seen.has(next)) return;
    seen.add(next);
    cursor = next;
  }
}

/**
 * How a `PagePromise` fetches and reads the pages of one list. Method signatures, not
 * function properties, so a `PagePromise` of a page type stays assignable to one of a wider
 * page type, as a `Promise` is.
 */
export interface PageWalk<Page, Item> {
  /** Provider named in the `AbortedError` of a walk stopped by the call's signal between requests. */
  readonly provider: string;
  /** The page at `cursor`; `undefined` asks for the first one, the page the query itself names. */
  fetchPage(cursor: string | undefined): Promise<Page>;
  /** A page's items, in order. */
  itemsOf(page: Page): readonly Item[];
  /** The cursor of the page after `page` (fetched at `cursor`); null, undefined or '' when `page` is the last. */
  nextCursorOf(page: Page, cursor: string | undefined): string | null | undefined;
  /** The query's own cursor: a server that points back to it ends the walk. */
  readonly startCursor?: string | undefined;
  /** The call's signal: once it fires, the walk fetches nothing more and ends with an `AbortedError`. */
  readonly signal?: AbortSignal | undefined;
}

const ignore = (): void => {};

/**
 * A list call: a Promise of the page the query asked for, and an async iterable of every
 * item from that page on, following the cursor.
 *
 * ```ts
 * const page = await kalshi.listMarkets({ status: 'open', limit: 100 }); // one page
 * for await (const market of kalshi.listMarkets({ status: 'open' })) {}  // every market
 * ```
 *
 * - The first page is requested once, when the call is made (as any call is): awaiting,
 *   iterating, or both, share that one request. Iterating after awaiting starts from the
 *   page already fetched.
 * - Each iteration is a walk of its own: iterating twice reuses the first page but requests
 *   the second and later pages again (their content may have moved meanwhile).
 * - A server that hands back a cursor already walked (or the query's own) ends the walk, as
 *   a list would otherwise never end.
 * - A rejected first page rejects the await and the iteration alike. The promise is marked
 *   handled, so a caller that only iterates gets no unhandled rejection from it; the other
 *   side of that is that a list call nobody awaits or iterates fails silently.
 * - Once the call's `signal` fires, the iteration fetches nothing more and throws
 *   `AbortedError` (the request sender's own when a request was under way).
 * - Leaving a `for await` early (`break`, `return`, a throw) sends nothing more.
 *
 * `then`, `catch` and `finally` return plain Promises.
 */
export class PagePromise<Page, Item> extends Promise<Page> implements AsyncIterable<Item> {
  /** Derived promises (`then`, `catch`, `finally`) are plain ones: they must not run this constructor. */
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  readonly #walk: PageWalk<Page, Item>;

  /** Requests the first page at once; see the class comment for the rules of the walk. */
  constructor(walk: PageWalk<Page, Item>) {
    let settle: ((page: Promise<Page>) => void) | undefined;
    super((resolve) => {
      settle = resolve;
    });
    this.#walk = walk;
    let first: Promise<Page>;
    try {
      first = walk.fetchPage(undefined);
    } catch (error) {
      // A call that validates before it is async must still reject, never throw, here.
      first = Promise.reject(error);
    }
    settle?.(first);
    // A caller that only iterates never attaches to this promise: its failure reaches them
    // through the iterator, and must not also surface as an unhandled rejection.
    super.then(undefined, ignore);
  }

  /** Every page from the first on, each requested when the previous one has been consumed. */
  async *pages(): AsyncGenerator<Page, void, undefined> {
    const walk = this.#walk;
    const seen = new Set<string>();
    if (walk.startCursor) seen.add(walk.startCursor);
    let cursor: string | undefined;
    let page: Page = await this;
    for (;;) {
      this.#stopIfAborted();
      yield page;
      const next = walk.nextCursorOf(page, cursor);
      if (!next || seen.has(next)) return;
      seen.add(next);
      cursor = next;
      this.#stopIfAborted();
      page = await walk.fetchPage(next);
    }
  }

  /** Every item from the first page on (the same as iterating the list itself). */
  async *items(): AsyncGenerator<Item, void, undefined> {
    for await (const page of this.pages()) {
      for (const item of this.#walk.itemsOf(page)) {
        this.#stopIfAborted();
        yield item;
      }
    }
  }

  /** `for await (const item of list)`: see `items()`. */
  [Symbol.asyncIterator](): AsyncGenerator<Item, void, undefined> {
    return this.items();
  }

  #stopIfAborted(): void {
    const signal = this.#walk.signal;
    if (!signal?.aborted) return;
    throw new AbortedError({
      provider: this.#walk.provider,
      message: `${this.#walk.provider} list: cancelled by the caller's signal; no further page was requested`,
      requestSent: false,
      reason: signal.reason,
    });
  }
}

function signalOf(call: CallOptions | undefined): AbortSignal | undefined {
  // A signal that is not an AbortSignal is refused by the request sender; it stops nothing here.
  return call?.signal instanceof AbortSignal ? call.signal : undefined;
}

/**
 * The list of `query`, walked by cursor: `fetchPage` gets the query as given for the first
 * page and the query with `cursor` replaced for each later one.
 */
export function cursorPages<Query extends { cursor?: string | null | undefined }, Page, Item>(
  provider: string,
  query: Query | undefined,
  call: CallOptions | undefined,
  itemsOf: (page: Page) => readonly Item[],
  nextCursorOf: (page: Page) => string | null | undefined,
  fetchPage: (query: Query | undefined, call: CallOptions | undefined) => Promise<Page>,
): PagePromise<Page, Item> {
  return new PagePromise<Page, Item>({
    provider,
    fetchPage: (cursor) => fetchPage(cursor === undefined ? query : ({ ...query, cursor } as Query), call),
    itemsOf,
    nextCursorOf: (page) => nextCursorOf(page),
    startCursor: query?.cursor ?? undefined,
    signal: signalOf(call),
  });
}

/** A page method `(query?, options?)` whose pages follow a cursor: see `cursorPages`. */
export function cursorList<Query extends { cursor?: string | null | undefined }, Page, Item>(
  provider: string,
  itemsOf: (page: Page) => readonly Item[],
  nextCursorOf: (page: Page) => string | null | undefined,
  fetchPage: (query: Query | undefined, call: CallOptions | undefined) => Promise<Page>,
): (query?: Query, call?: CallOptions) => PagePromise<Page, Item> {
  return (query, call) => cursorPages(provider, query, call, itemsOf, nextCursorOf, fetchPage);
}

/**
 * A page method `(query?, options?)` whose pages follow an offset: the page after one asked
 * at offset `n` is at `n` plus its item count, while `hasNext` says there is one and the page
 * was not empty.
 */
export function offsetList<Query extends { offset?: number | undefined }, Page, Item>(
  provider: string,
  itemsOf: (page: Page) => readonly Item[],
  hasNext: (page: Page) => boolean,
  fetchPage: (query: Query | undefined, call: CallOptions | undefined) => Promise<Page>,
): (query?: Query, call?: CallOptions) => PagePromise<Page, Item> {
  return (query, call) =>
    new PagePromise<Page, Item>({
      provider,
      fetchPage: (cursor) => fetchPage(cursor === undefined ? query : ({ ...query, offset: Number(cursor) } as Query), call),
      itemsOf,
      nextCursorOf: (page, cursor) => {
        const count = itemsOf(page).length;
        if (!hasNext(page) || count === 0) return null;
        const at = cursor === undefined ? (query?.offset ?? 0) : Number(cursor);
        return String(at + count);
      },
      signal: signalOf(call),
    });
}

/**
 * The items of a list started on the first `next()`, not before: the timing of the
 * iterator methods that `PagePromise` lists replace.
 */
export async function* itemsWhenIterated<Item>(list: () => AsyncIterable<Item>): AsyncGenerator<Item, void, undefined> {
  yield* list();
}
