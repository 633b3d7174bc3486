import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AbortedError, createCs2CapClient, ValidationError, type Cs2CapClient } from '../../src/index.js';
import { cursorList, itemsWhenIterated, offsetList, PagePromise } from '../../src/http/paginate.js';
import { caught, testKey } from '../helpers.js';
import { offlineWireTests } from '../offline.js';

interface FakePage {
  items: string[];
  cursor?: string | undefined;
}

/** A list of pages keyed by cursor ('' is the first), recording every cursor asked for. */
function fakeList(pages: Record<string, FakePage>, options: { signal?: AbortSignal; startCursor?: string } = {}) {
  const asked: (string | undefined)[] = [];
  const fetchPage = async (cursor: string | undefined): Promise<FakePage> => {
    asked.push(cursor);
    // A walk that never ends fails here instead of hanging the suite.
    if (asked.length > 20) throw new Error('walked more than 20 pages');
    const page = pages[cursor ?? options.startCursor ?? ''];
    if (!page) throw new Error(`no page at ${cursor}`);
    return page;
  };
  const make = () =>
    new PagePromise<FakePage, string>({
      provider: 'test',
      fetchPage,
      itemsOf: (p) => p.items,
      nextCursorOf: (p) => p.cursor,
      startCursor: options.startCursor,
      signal: options.signal,
    });
  return { asked, make };
}

const threePages = { '': { items: ['a', 'b'], cursor: 'c2' }, c2: { items: ['c', 'd'], cursor: 'c3' }, c3: { items: ['e'] } };

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of iterable) out.push(x);
  return out;
}

/** Rejections nobody handled, as the process sees them, while `run` and a few ticks after it go by. */
async function unhandledDuring(run: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const listener = (reason: unknown): void => {
    seen.push(reason);
  };
  process.on('unhandledRejection', listener);
  try {
    await run();
    // Unhandled rejections are reported after the microtask queue drains: give it a few macrotasks.
    for (let i = 0; i < 3; i += 1) await new Promise((r) => setTimeout(r, 5));
  } finally {
    process.off('unhandledRejection', listener);
  }
  return seen;
}

describe('PagePromise', () => {
  it('is a real Promise of the first page; then/catch/finally derive plain Promises', async () => {
    const { asked, make } = fakeList(threePages);
    const list = make();
    expect(list).toBeInstanceOf(Promise);
    const asPromise: Promise<FakePage> = list;
    const derived = list.then((p) => p.items.length);
    expect(derived).not.toBeInstanceOf(PagePromise);
    expect(list.finally(() => {})).not.toBeInstanceOf(PagePromise);
    expect(await derived).toBe(2);
    expect(await asPromise).toEqual(threePages['']);
    expect(await Promise.all([list])).toEqual([threePages['']]);
    expect(asked).toEqual([undefined]);
  });

  it('iterates every item of every page, following the cursor', async () => {
    const { asked, make } = fakeList(threePages);
    expect(await collect(make())).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(asked).toEqual([undefined, 'c2', 'c3']);
  });

  it('pages() yields each page in order', async () => {
    const { make } = fakeList(threePages);
    expect((await collect(make().pages())).map((p) => p.items)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('requests the first page once whether awaited, iterated, or both; iterating after awaiting reuses it', async () => {
    const { asked, make } = fakeList(threePages);
    const list = make();
    expect(asked).toEqual([undefined]); // the call is made at once, like any call
    expect((await list).items).toEqual(['a', 'b']);
    expect(await collect(list)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(asked).toEqual([undefined, 'c2', 'c3']);
  });

  it('iterating twice walks twice: the first page is reused, the later ones requested again', async () => {
    const { asked, make } = fakeList(threePages);
    const list = make();
    expect(await collect(list)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(await collect(list)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(asked).toEqual([undefined, 'c2', 'c3', 'c2', 'c3']);
  });

  it('a cursor handed back a second time ends the walk', async () => {
    const { asked, make } = fakeList({ '': { items: ['a'], cursor: 'x' }, x: { items: ['b'], cursor: 'y' }, y: { items: ['c'], cursor: 'x' } });
    expect(await collect(make())).toEqual(['a', 'b', 'c']);
    expect(asked).toEqual([undefined, 'x', 'y']);
  });

  it("a next cursor equal to the query's own ends the walk after that page", async () => {
    const { asked, make } = fakeList({ q: { items: ['a'], cursor: 'q' } }, { startCursor: 'q' });
    expect(await collect(make())).toEqual(['a']);
    expect(asked).toEqual([undefined]);
  });

  it('an empty or missing cursor ends the walk', async () => {
    const { asked, make } = fakeList({ '': { items: ['a'], cursor: '' } });
    expect(await collect(make())).toEqual(['a']);
    expect(asked).toEqual([undefined]);
  });

  it('a rejected first page rejects the await and the iteration with the same error', async () => {
    const boom = new Error('first page failed');
    const list = new PagePromise<FakePage, string>({ provider: 'test', fetchPage: () => Promise.reject(boom), itemsOf: (p) => p.items, nextCursorOf: (p) => p.cursor });
    expect(await caught(list)).toBe(boom);
    expect(await caught(collect(list))).toBe(boom);
    expect(await caught(list.pages().next())).toBe(boom);
  });

  it('a fetchPage that throws synchronously rejects instead of throwing', async () => {
    const boom = new Error('bad input');
    let list: PagePromise<FakePage, string> | undefined;
    expect(() => {
      list = new PagePromise<FakePage, string>({
        provider: 'test',
        fetchPage: () => {
          throw boom;
        },
        itemsOf: (p) => p.items,
        nextCursorOf: (p) => p.cursor,
      });
    }).not.toThrow();
    expect(await caught(list!)).toBe(boom);
    expect(await caught(collect(list!))).toBe(boom);
  });

  describe('no unhandled rejection', () => {
    const failing = () => new PagePromise<FakePage, string>({ provider: 'test', fetchPage: async () => Promise.reject(new Error('down')), itemsOf: (p) => p.items, nextCursorOf: (p) => p.cursor });

    const tick = () => new Promise((r) => setTimeout(r, 5));

    // The list is made first and used a little later, as `const list = call(); await other(); for await (… of list)`:
    // by then the first page has failed, with nothing attached to the promise yet.
    it('when the caller only iterates, after the first page has failed', async () => {
      const seen = await unhandledDuring(async () => {
        const list = failing();
        await tick();
        await expect(collect(list)).rejects.toThrow('down');
      });
      expect(seen).toEqual([]);
    });

    it('when the caller only awaits, after the first page has failed', async () => {
      const seen = await unhandledDuring(async () => {
        const list = failing();
        await tick();
        await expect(list).rejects.toThrow('down');
      });
      expect(seen).toEqual([]);
    });

    it('when the caller iterates at once', async () => {
      const seen = await unhandledDuring(async () => {
        await expect(collect(failing())).rejects.toThrow('down');
      });
      expect(seen).toEqual([]);
    });

    it('when a later page fails under a caller who iterates', async () => {
      const seen = await unhandledDuring(async () => {
        const { make } = fakeList({ '': { items: ['a'], cursor: 'gone' } });
        await expect(collect(make())).rejects.toThrow('no page at gone');
      });
      expect(seen).toEqual([]);
    });
  });

  describe('abort', () => {
    it("the call's signal ends the iteration with AbortedError, requesting nothing more", async () => {
      const controller = new AbortController();
      const { asked, make } = fakeList(threePages, { signal: controller.signal });
      const it = make()[Symbol.asyncIterator]();
      expect((await it.next()).value).toBe('a');
      controller.abort(new Error('user stop'));
      const err = await caught(it.next());
      expect(err).toBeInstanceOf(AbortedError);
      expect((err as AbortedError).reason).toEqual(new Error('user stop'));
      expect((err as AbortedError).requestSent).toBe(false);
      expect((err as AbortedError).provider).toBe('test');
      expect(asked).toEqual([undefined]);
      expect(await it.next()).toEqual({ done: true, value: undefined });
    });

    it('a signal fired at a page boundary stops before the next page is requested', async () => {
      const controller = new AbortController();
      const { asked, make } = fakeList(threePages, { signal: controller.signal });
      const it = make()[Symbol.asyncIterator]();
      await it.next();
      await it.next(); // 'b', the last item of the first page
      controller.abort();
      expect(await caught(it.next())).toBeInstanceOf(AbortedError);
      expect(asked).toEqual([undefined]);
    });
  });

  it('break out of for await sends nothing more, even at the end of a page', async () => {
    const { asked, make } = fakeList(threePages);
    const seen: string[] = [];
    for await (const item of make()) {
      seen.push(item);
      if (item === 'b') break;
    }
    expect(seen).toEqual(['a', 'b']);
    await new Promise((r) => setTimeout(r, 5));
    expect(asked).toEqual([undefined]);
  });
});

describe('cursorList and offsetList', () => {
  it('cursorList sends the query as given first, then with the cursor replaced', async () => {
    const queries: unknown[] = [];
    const list = cursorList<{ cursor?: string; limit?: number }, FakePage, string>('test', (p) => p.items, (p) => p.cursor, async (query) => {
      queries.push(query);
      return query?.cursor === 'c2' ? { items: ['b'] } : { items: ['a'], cursor: 'c2' };
    });
    expect(await collect(list({ limit: 5 }))).toEqual(['a', 'b']);
    expect(queries).toEqual([{ limit: 5 }, { limit: 5, cursor: 'c2' }]);
  });

  it("offsetList walks from the query's offset by each page's item count, until has-next is false or a page is empty", async () => {
    const offsets: (number | undefined)[] = [];
    type OffsetPage = { items: number[]; hasNext: boolean };
    const rows = [0, 1, 2, 3, 4, 5, 6];
    const list = offsetList<{ offset?: number }, OffsetPage, number>('test', (p) => p.items, (p) => p.hasNext, async (query) => {
      const at = query?.offset ?? 0;
      offsets.push(query?.offset);
      return { items: rows.slice(at, at + 2), hasNext: at + 2 < rows.length };
    });
    expect(await collect(list({ offset: 3 }))).toEqual([3, 4, 5, 6]);
    expect(offsets).toEqual([3, 5]);
    offsets.length = 0;
    expect(await collect(list())).toEqual(rows);
    expect(offsets).toEqual([undefined, 2, 4, 6]);

    // A server that says there is more but sends nothing would be asked forever.
    let calls = 0;
    const empty = offsetList<{ offset?: number }, OffsetPage, number>('test', (p) => p.items, () => true, async () => {
      calls += 1;
      return { items: [], hasNext: true };
    });
    expect(await collect(empty())).toEqual([]);
    expect(calls).toBe(1);
  });

  it('itemsWhenIterated requests nothing until the first next()', async () => {
    const { asked, make } = fakeList(threePages);
    const items = itemsWhenIterated(make);
    await new Promise((r) => setTimeout(r, 5));
    expect(asked).toEqual([]);
    expect(await collect(items)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(asked).toEqual([undefined, 'c2', 'c3']);
  });
});

describe('a provider list call over the wire', () => {
  const BASE = 'https://api.cs2c.app';
  const KEY = testKey('sk_live_');
  let client: Cs2CapClient | undefined;
  offlineWireTests(() => client);
  let sent = 0;
  beforeEach(() => {
    sent = 0;
    client = createCs2CapClient({ apiKey: KEY, retry: { retries: 0 } });
    client.on('request', () => (sent += 1));
  });
  afterEach(() => {
    client = undefined;
  });
  const sale = (day: string) => ({ date: day, provider: 'steam', price: 100, currency: 'USD', item_id: 1, market_hash_name: 'x' });
  const salesPage = (items: unknown[], next: string | null) => ({ meta: { currency: 'USD' }, items, pagination: { limit: 2, has_next: next !== null, has_prev: false, next_cursor: next } });

  it('await gets one page and for await walks on from it, the first page requested once', async () => {
    nock(BASE).get('/v1/sales').query({ limit: '2' }).once().reply(200, salesPage([sale('s1'), sale('s2')], 'n2'));
    nock(BASE).get('/v1/sales').query({ limit: '2', cursor: 'n2' }).once().reply(200, salesPage([sale('s3')], null));
    const list = client!.getSales({ limit: 2 });
    expect((await list).items).toHaveLength(2);
    const all: unknown[] = [];
    for await (const s of list) all.push(s);
    expect(all).toHaveLength(3);
    expect(sent).toBe(2);
  });

  it('a bad query rejects the await and the iteration with ValidationError, never throws, sends nothing', async () => {
    let list: ReturnType<Cs2CapClient['getSales']> | undefined;
    expect(() => (list = client!.getSales({ stickers: Array.from({ length: 11 }, (_, i) => `s${i}`) }))).not.toThrow();
    expect(await caught(list!)).toBeInstanceOf(ValidationError);
    expect(await caught(collect(list!))).toBeInstanceOf(ValidationError);
    expect(sent).toBe(0);
  });
});
