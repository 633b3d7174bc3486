import { execFile } from 'node:child_process';
import { randomUUID, type KeyObject } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KalshiStreamSandbox, kalshiHandshakeVerifier, type KalshiStreamSandboxOptions, type StreamFeedEvent, type StreamFeedOrderView, type StreamMarketFeed } from '../../providers/kalshi/sandbox-stream.js';
import { signKalshiRequest } from '../../providers/kalshi/signing.js';
import { createKalshiStream, StreamError, type KalshiStream, type KalshiStreamOptions, type LiveOrderBook } from '../../providers/kalshi/stream/index.js';
import { generateRsaKeyPair, loadPrivateKey } from '../../src/crypto/rsa-keys.js';
import { AuthenticationError, QuotaExceededError } from '../../src/errors.js';
import { expectNoSecret } from '../helpers.js';
import { validateServerFrame } from '../kalshi-asyncapi.js';

/** A market feed with exact integer books (price in ten-thousandths, count in hundredths): the truth the stream must match. */
class FakeFeed implements StreamMarketFeed {
  readonly #books = new Map<string, { yes: Map<number, number>; no: Map<number, number> }>();
  readonly #listeners = new Set<(event: StreamFeedEvent) => void>();
  #rng = 42;

  constructor(tickers: string[]) {
    for (const t of tickers) {
      this.#books.set(t, { yes: new Map(), no: new Map() });
      for (let i = 0; i < 5; i += 1) {
        this.change(t, 'yes', 1000 + i * 500, 1000 + i * 100);
        this.change(t, 'no', 2000 + i * 400, 500 + i * 250);
      }
    }
  }

  static price = (p: number): string => (p / 10_000).toFixed(4);
  static count = (c: number): string => `${c < 0 ? '-' : ''}${Math.floor(Math.abs(c) / 100)}.${String(Math.abs(c) % 100).padStart(2, '0')}`;

  book(ticker: string): { yes: [string, string][]; no: [string, string][] } | undefined {
    const b = this.#books.get(ticker);
    if (!b) return undefined;
    const side = (m: Map<number, number>): [string, string][] => [...m].sort((x, y) => y[0] - x[0]).map(([p, c]) => [FakeFeed.price(p), FakeFeed.count(c)]);
    return { yes: side(b.yes), no: side(b.no) };
  }

  tickers(): string[] {
    return [...this.#books.keys()];
  }

  onEvent(listener: (event: StreamFeedEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: StreamFeedEvent): void {
    for (const l of this.#listeners) l(event);
  }

  change(ticker: string, side: 'yes' | 'no', price: number, delta: number, userId?: string, clientOrderId?: string): void {
    const levels = this.#books.get(ticker)![side];
    const next = (levels.get(price) ?? 0) + delta;
    if (next < 0) throw new Error('the fake feed never goes negative');
    if (next === 0) levels.delete(price);
    else levels.set(price, next);
    this.emit({ type: 'book', ticker, side, price: FakeFeed.price(price), delta: FakeFeed.count(delta), orderId: 'fake-order', ownerUserId: 'fake-owner', ...(userId !== undefined ? { userId } : {}), ...(clientOrderId !== undefined ? { clientOrderId } : {}), ts: Date.now() });
  }

  #random(n: number): number {
    this.#rng = (this.#rng * 1103515245 + 12345) % 2 ** 31;
    return this.#rng % n;
  }

  /** `n` random level changes (adds, partial and full removals) across every market. */
  activity(n: number): void {
    const tickers = this.tickers();
    for (let i = 0; i < n; i += 1) {
      const t = tickers[this.#random(tickers.length)]!;
      const side = this.#random(2) === 0 ? 'yes' : 'no';
      const price = (1 + this.#random(99)) * 100;
      const have = this.#books.get(t)![side].get(price) ?? 0;
      const roll = this.#random(3);
      const delta = have > 0 && roll === 0 ? -have : have > 1 && roll === 1 ? -Math.ceil(have / 2) : 1 + this.#random(5000);
      this.change(t, side, price, delta);
    }
  }
}

const TICKERS = ['KXSTREAM-26-A', 'KXSTREAM-26-B', 'KXSTREAM-26-C'];
/** A fill event as the matching engine emits it: a YES buy of one contract at 0.50 unless overridden. */
const fillEvent = (userId: string, extra: Partial<Extract<StreamFeedEvent, { type: 'fill' }>> = {}): StreamFeedEvent => ({
  type: 'fill', userId, tradeId: randomUUID(), fillId: randomUUID(), orderId: randomUUID(), ticker: TICKERS[0]!, side: 'yes', action: 'buy', outcomeSide: 'yes', bookSide: 'bid',
  price: '0.5000', yesPrice: '0.5000', noPrice: '0.5000', count: '1.00', isTaker: true, fee: '0.0100', postPosition: '1.00', ts: Date.now(), ...extra,
});
/** A resting order as the matching engine reports it. */
const orderView = (o: Pick<StreamFeedOrderView, 'order_id' | 'client_order_id' | 'user_id' | 'ticker' | 'yes_price_dollars' | 'created_time'> & Partial<StreamFeedOrderView>): StreamFeedOrderView => ({
  outcome_side: 'yes', book_side: 'bid', side: 'yes', action: 'buy', type: 'limit', status: 'resting', no_price_dollars: '0.5800',
  fill_count_fp: '0.00', remaining_count_fp: '10.00', initial_count_fp: '10.00', taker_fill_cost_dollars: '0.0000', maker_fill_cost_dollars: '0.0000', taker_fees_dollars: '0.0000', maker_fees_dollars: '0.0000',
  time_in_force: 'good_till_canceled', self_trade_prevention_type: 'taker_at_cross', post_only: false, reduce_only: false, expiration_time: null, expiration_ts_ms: null,
  created_ts_ms: Date.parse(o.created_time), last_update_time: o.created_time, last_updated_ts_ms: Date.parse(o.created_time), ...o,
});
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
async function until(what: string, cond: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await sleep(10);
  }
}

const matchesFeed = (book: LiveOrderBook, feed: FakeFeed): boolean => {
  const v = book.view();
  const truth = feed.book(book.ticker)!;
  return v.status === 'live' && JSON.stringify(v.yesBids.map((l) => [l.price, l.count])) === JSON.stringify(truth.yes) && JSON.stringify(v.noBids.map((l) => [l.price, l.count])) === JSON.stringify(truth.no);
};

describe('kalshi stream against the sandbox WebSocket server', () => {
  let keyA: { keyId: string; privateKeyPem: string; key: KeyObject; publicKeyPem: string; userId: string };
  let keyB: typeof keyA;
  let feed: FakeFeed;
  let sandbox: KalshiStreamSandbox;
  let url: string;
  let frames: { text: string; injected: boolean }[];
  const streams: KalshiStream[] = [];
  const signedPaths: string[] = [];
  const signedTimestamps: string[] = [];

  beforeAll(async () => {
    const make = async (): Promise<typeof keyA> => {
      const pair = await generateRsaKeyPair({ bits: 2048 });
      return { ...pair, keyId: randomUUID(), key: loadPrivateKey({ pem: pair.privateKeyPem }), userId: randomUUID() };
    };
    [keyA, keyB] = await Promise.all([make(), make()]);
  });

  const start = async (options: Partial<KalshiStreamSandboxOptions> = {}): Promise<void> => {
    feed = new FakeFeed(TICKERS);
    frames = [];
    signedPaths.length = 0;
    signedTimestamps.length = 0;
    const keys = new Map([keyA, keyB].map((k) => [k.keyId, { publicKey: k.publicKeyPem, userId: k.userId }]));
    sandbox = new KalshiStreamSandbox({ feed, verify: kalshiHandshakeVerifier((id) => keys.get(id)), pingIntervalMs: 50, onFrame: (f) => frames.push(f), ...options });
    url = await sandbox.listen();
  };
  const connect = (who = keyA, options: Partial<KalshiStreamOptions> = {}): KalshiStream => {
    const stream = createKalshiStream({
      url,
      sign: (path) => {
        const headers = signKalshiRequest({ method: 'GET', path, privateKey: who.key, keyId: who.keyId });
        signedPaths.push(path);
        signedTimestamps.push(headers['KALSHI-ACCESS-TIMESTAMP']);
        return headers;
      },
      silenceTimeoutMs: 400,
      staleAfterMs: 200,
      commandTimeoutMs: 2_000,
      reconnect: { minDelayMs: 20, maxDelayMs: 200 },
      ...options,
    });
    streams.push(stream);
    return stream;
  };

  afterEach(async () => {
    await Promise.all(streams.splice(0).map((s) => s.close()));
    await sandbox?.close();
    // Every frame the sandbox sent (bar the deliberately broken ones) is a valid AsyncAPI payload.
    const problems = frames.filter((f) => !f.injected).flatMap((f) => validateServerFrame(JSON.parse(f.text)).map((p) => `${p} in ${f.text.slice(0, 160)}`));
    expect(problems).toEqual([]);
  });
  afterAll(() => undefined);

  it('books built from snapshot + deltas equal the true book; the handshake is signed over the ws path', async () => {
    await start();
    const stream = connect();
    expect(stream.status).toBe('idle');
    const [a, b] = [stream.orderBook(TICKERS[0]!), stream.orderBook(TICKERS[1]!)];
    expect(stream.orderBook(TICKERS[0]!)).toBe(a);
    await Promise.all([a.live({ timeoutMs: 3000 }), b.live({ timeoutMs: 3000 })]);
    expect(signedPaths).toEqual(['/trade-api/ws/v2']);
    expect(sandbox.connectionCount).toBe(1);
    // Both books share one subscription, extended with add_markets.
    expect(sandbox.subscriptions()[0]).toEqual([{ channel: 'orderbook_delta', sid: 1, markets: [TICKERS[0], TICKERS[1]] }]);
    feed.activity(300);
    await until('books equal the feed', () => matchesFeed(a, feed) && matchesFeed(b, feed));
    const v = a.view({ depth: 2 });
    expect(v.yesBids.length).toBeLessThanOrEqual(2);
    expect(v.bestYesAsk?.price).toBe(FakeFeed.price(10_000 - Number(feed.book(TICKERS[0]!)!.no[0]![0]) * 10_000));
    expect(a.ageMs).toBeLessThan(1_000);
    // The client answers the server's heartbeat pings (ws does it by itself).
    await until('pongs', () => sandbox.pongCount >= 2);
  });

  it('fills, orders, positions and trades arrive typed; a delta names the client_order_id only to its own user', async () => {
    await start();
    const alice = connect(keyA);
    const bob = connect(keyB);
    const fills = alice.subscribe({ channel: 'fill' });
    const orders = alice.subscribe({ channel: 'user_orders', marketTickers: [TICKERS[0]!] });
    const positions = alice.subscribe({ channel: 'market_positions' });
    const trades = alice.subscribe({ channel: 'trade' });
    const aliceBook = alice.subscribe({ channel: 'orderbook_delta', marketTickers: [TICKERS[0]!] });
    const bobBook = bob.subscribe({ channel: 'orderbook_delta', marketTickers: [TICKERS[0]!] });
    const bobFills = bob.subscribe({ channel: 'fill' });
    const ticker = alice.subscribe({ channel: 'ticker', marketTickers: [TICKERS[0]!], sendInitialSnapshot: true });
    const lifecycle = alice.subscribe({ channel: 'market_lifecycle_v2' });
    const tickers: { msg: Record<string, unknown> }[] = [];
    const lifecycles: { msg: Record<string, unknown> }[] = [];
    ticker.on('message', (m) => tickers.push(m));
    lifecycle.on('message', (m) => lifecycles.push(m));
    await Promise.all([fills.ready, orders.ready, positions.ready, trades.ready, aliceBook.ready, bobBook.ready, bobFills.ready, ticker.ready, lifecycle.ready]);
    await until('the initial ticker', () => tickers.length === 1);
    const truth = feed.book(TICKERS[0]!)!;
    expect(tickers[0]!.msg).toMatchObject({ market_ticker: TICKERS[0], yes_bid_dollars: truth.yes[0]![0], yes_ask_dollars: FakeFeed.price(10_000 - Math.round(Number(truth.no[0]![0]) * 10_000)) });
    const got = { fills: [] as unknown[], orders: [] as unknown[], positions: [] as unknown[], trades: [] as unknown[], bobFills: [] as unknown[], aliceDeltas: [] as Record<string, unknown>[], bobDeltas: [] as Record<string, unknown>[] };
    fills.on('message', (m) => got.fills.push(m));
    orders.on('message', (m) => got.orders.push(m));
    positions.on('message', (m) => got.positions.push(m));
    trades.on('message', (m) => got.trades.push(m));
    bobFills.on('message', (m) => got.bobFills.push(m));
    aliceBook.on('message', (m) => m.type === 'orderbook_delta' && got.aliceDeltas.push(m.msg));
    bobBook.on('message', (m) => m.type === 'orderbook_delta' && got.bobDeltas.push(m.msg));

    const orderId = randomUUID();
    const now = Date.now();
    feed.change(TICKERS[0]!, 'yes', 4200, 1000, keyA.userId, 'alice-order-1');
    feed.emit({ type: 'order', userId: keyA.userId, ts: now, order: orderView({ order_id: orderId, client_order_id: 'alice-order-1', user_id: keyA.userId, ticker: TICKERS[0]!, yes_price_dollars: '0.4200', created_time: new Date(now).toISOString() }) });
    feed.emit({ type: 'trade', tradeId: randomUUID(), ticker: TICKERS[0]!, yesPrice: '0.4200', noPrice: '0.5800', count: '4.00', takerSide: 'no', takerBookSide: 'ask', ts: now });
    feed.emit(fillEvent(keyA.userId, { orderId, clientOrderId: 'alice-order-1', side: 'no', action: 'buy', outcomeSide: 'no', bookSide: 'ask', price: '0.5800', yesPrice: '0.4200', noPrice: '0.5800', count: '4.00', isTaker: false, fee: '0.0200', postPosition: '-4.00', ts: now }));
    feed.emit({ type: 'position', userId: keyA.userId, ticker: TICKERS[0]!, position: '-4.00', marketExposure: '2.3200', realizedPnl: '0.0000', feesPaid: '0.0200', totalTraded: '2.3200', volume: '4.00', ts: now });
    feed.emit({ type: 'lifecycle', ticker: TICKERS[1]!, event: 'deactivated', ts: now });
    await until('lifecycle and ticker updates', () => lifecycles.length === 1 && tickers.length >= 3);
    expect(lifecycles[0]!.msg).toMatchObject({ market_ticker: TICKERS[1], event_type: 'deactivated', is_deactivated: true });
    expect(tickers.at(-1)!.msg).toMatchObject({ price_dollars: '0.4200', volume_fp: '4.00' });
    await until('every channel delivered', () => got.fills.length === 1 && got.orders.length === 1 && got.positions.length === 1 && got.trades.length === 1 && got.bobDeltas.length === 1 && got.aliceDeltas.length === 1);
    expect(got.fills[0]).toMatchObject({ type: 'fill', msg: { order_id: orderId, client_order_id: 'alice-order-1', yes_price_dollars: '0.4200', count_fp: '4.00', outcome_side: 'no', book_side: 'ask', post_position_fp: '-4.00' } });
    expect(got.orders[0]).toMatchObject({ type: 'user_order', msg: { order_id: orderId, status: 'resting', remaining_count_fp: '10.00', outcome_side: 'yes' } });
    expect(got.positions[0]).toMatchObject({ msg: { position_fp: '-4.00', volume_fp: '4.00' } });
    expect(got.trades[0]).toMatchObject({ msg: { yes_price_dollars: '0.4200', taker_outcome_side: 'no', taker_book_side: 'ask' } });
    expect(got.aliceDeltas[0]).toMatchObject({ client_order_id: 'alice-order-1', price_dollars: '0.4200', delta_fp: '10.00' });
    expect(got.bobDeltas[0]).not.toHaveProperty('client_order_id');
    await sleep(50);
    expect(got.bobFills).toEqual([]);
  });

  it('update_subscription adds and deletes markets; list_subscriptions shows the server side', async () => {
    await start();
    const stream = connect();
    const sub = stream.subscribe({ channel: 'orderbook_delta', marketTickers: [TICKERS[0]!] });
    const seen = new Set<string>();
    sub.on('message', (m) => seen.add(`${m.type} ${m.msg.market_ticker}`));
    await sub.ready;
    await sub.addMarkets([TICKERS[1]!, TICKERS[2]!]);
    expect(sandbox.subscriptions()[0]![0]!.markets).toEqual(TICKERS);
    await until('snapshots of the added markets', () => seen.has(`orderbook_snapshot ${TICKERS[2]}`));
    await sub.deleteMarkets([TICKERS[0]!]);
    expect(sub.markets).toEqual([TICKERS[1], TICKERS[2]]);
    expect(sandbox.subscriptions()[0]![0]!.markets).toEqual([TICKERS[1], TICKERS[2]]);
    const listed = await stream.listSubscriptions();
    expect(listed).toEqual([{ channel: 'orderbook_delta', sid: 1 }]);
    await sub.unsubscribe();
    await until('server unsubscribed', () => sandbox.subscriptions()[0]!.length === 0);
    expect(sub.status).toBe('closed');
  });

  const faults: [string, (s: KalshiStreamSandbox) => void, string][] = [
    ['a dropped connection', (s) => s.faults.drop(), 'open'],
    ['a lost seq', (s) => s.faults.skipSeq(3), 'gap'],
    ['error 25 (buffer overflow)', (s) => s.faults.sendError(25), 'resubscribed'],
    ['error 10 (channel error)', (s) => s.faults.sendError(10), 'resubscribed'],
    ['a server that stops pinging', (s) => s.faults.stopPinging(), 'open'],
    ['delayed frames', (s) => s.faults.delayFrames(80), 'none'],
    ['a frame that is not JSON', (s) => s.faults.malformed('not_json'), 'schemaError'],
    ['a delta with a bad field', (s) => s.faults.malformed('bad_field'), 'schemaError'],
  ];
  for (const [name, inject, signal] of faults) {
    it(`survives ${name}: the books equal the true book afterwards`, async () => {
      await start();
      const stream = connect();
      const seen = { open: 0, gap: 0, resubscribed: 0, schemaError: [] as string[], none: 0 };
      stream.on('open', ({ reconnect }) => reconnect && (seen.open += 1));
      stream.on('gap', () => (seen.gap += 1));
      stream.on('resubscribed', () => (seen.resubscribed += 1));
      stream.on('schemaError', (e) => seen.schemaError.push(e.fieldPath));
      const fills = stream.subscribe({ channel: 'fill' });
      const books = TICKERS.map((t) => stream.orderBook(t));
      const statuses = new Set<string>();
      for (const b of books) b.on('status', ({ status }) => statuses.add(status));
      await Promise.all(books.map((b) => b.live({ timeoutMs: 3000 })));
      await fills.ready;
      feed.activity(50);
      inject(sandbox);
      feed.activity(200);
      await until(`books equal the feed after ${name}`, () => books.every((b) => matchesFeed(b, feed)), 8_000);
      if (signal === 'schemaError') expect(seen.schemaError.length).toBeGreaterThan(0);
      else if (signal !== 'none') expect(seen[signal as 'open' | 'gap' | 'resubscribed']).toBeGreaterThan(0);
      if (name.includes('bad field')) expect(seen.schemaError).toContain('msg.price_dollars');
      if (name.includes('pinging')) expect(statuses).toContain('stale');
      // A garbled extra frame loses no seq: the books rightly stay live (a garbled delta would show as a gap).
      if (name.includes('not JSON')) expect(statuses).not.toContain('resyncing');
      else if (signal !== 'none') expect(statuses).toContain(name.includes('pinging') ? 'stale' : 'resyncing');
      // The fill subscription is still (or again) there, under the same handle.
      expect(stream.subscriptions).toEqual([fills]);
      await until('fill subscription active', () => fills.status === 'active');
      const got: unknown[] = [];
      fills.on('message', (m) => got.push(m));
      feed.emit(fillEvent(keyA.userId));
      await until('a fill after the fault', () => got.length === 1);
    });
  }

  it('a reconnect signs again and restores every subscription under the same handles', async () => {
    await start();
    const stream = connect();
    const fills = stream.subscribe({ channel: 'fill' });
    const orders = stream.subscribe({ channel: 'user_orders' });
    const book = stream.orderBook(TICKERS[0]!);
    await Promise.all([fills.ready, orders.ready, book.live({ timeoutMs: 3000 })]);
    const before = sandbox.subscriptions()[0]!.map((s) => s.channel).sort();
    const statuses: string[] = [];
    book.on('status', ({ status }) => statuses.push(status));
    await sleep(5); // a later millisecond for the second signature
    sandbox.faults.drop();
    await until('reconnected and resubscribed', () => sandbox.handshakeCount === 2 && sandbox.subscriptions()[0]?.length === 3 && book.status === 'live' && fills.status === 'active' && orders.status === 'active');
    expect(sandbox.subscriptions()[0]!.map((s) => s.channel).sort()).toEqual(before);
    expect(stream.subscriptions).toEqual([fills, orders]);
    expect(statuses).toContain('resyncing');
    expect(signedPaths).toEqual(['/trade-api/ws/v2', '/trade-api/ws/v2']);
    expect(new Set(signedTimestamps).size).toBe(2);
    feed.activity(50);
    await until('book equals the feed', () => matchesFeed(book, feed));
  });

  it('a consumer that falls behind a bounded subscription buffer is told, not silently skipped', async () => {
    await start();
    const stream = connect();
    const fills = stream.subscribe({ channel: 'fill', bufferSize: 3 });
    const iterator = fills.messages();
    await fills.ready;
    for (let i = 0; i < 5; i += 1) feed.emit(fillEvent(keyA.userId, { postPosition: `${i + 1}.00` }));
    await sleep(100);
    const error = await iterator.next().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(StreamError);
    expect((error as StreamError).code).toBe('queue_full');
    // The subscription itself carries on for listeners and new iterators.
    expect(fills.status).toBe('active');
  });

  it('serves upgrades on an existing http.Server', async () => {
    await start();
    const http = await import('node:http');
    const server = http.createServer((_req, res) => res.end('rest'));
    sandbox.attach(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      url = `ws://127.0.0.1:${port}/trade-api/ws/v2`;
      const stream = connect();
      await stream.orderBook(TICKERS[0]!).live({ timeoutMs: 3000 });
      await stream.close();
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('a command without a reply times out; the connection is replaced and the command redone', async () => {
    await start();
    const stream = connect(keyA, { commandTimeoutMs: 200, silenceTimeoutMs: 10_000, staleAfterMs: 10_000 });
    const errors: string[] = [];
    stream.on('error', (e) => errors.push(e.name));
    await stream.subscribe({ channel: 'fill' }).ready;
    sandbox.faults.stopPinging(); // the open connection ignores commands from now on
    const orders = stream.subscribe({ channel: 'user_orders' });
    await orders.ready;
    expect(errors).toContain('TimeoutError');
    expect(sandbox.handshakeCount).toBe(2);
    expect(sandbox.subscriptions()[0]!.map((s) => s.channel).sort()).toEqual(['fill', 'user_orders']);
  });

  it('while the server is down, reconnects back off exponentially with jitter; when it is back the book is live again', async () => {
    await start();
    const stream = connect(keyA, { reconnect: { minDelayMs: 20, maxDelayMs: 160 } });
    const delays: { attempt: number; delayMs: number }[] = [];
    stream.on('reconnecting', (e) => delays.push(e));
    const book = stream.orderBook(TICKERS[0]!);
    await book.live({ timeoutMs: 3000 });
    const port = Number(new URL(url).port);
    await sandbox.close();
    await until('five reconnect attempts', () => delays.length >= 5, 5_000);
    expect(book.status).toBe('resyncing');
    expect(book.view().yesBids).toEqual([]);
    delays.slice(0, 5).forEach(({ attempt, delayMs }, i) => {
      expect(attempt).toBe(i + 1);
      const base = Math.min(160, 20 * 2 ** i);
      expect(delayMs).toBeGreaterThanOrEqual(base / 2);
      expect(delayMs).toBeLessThanOrEqual(base);
    });
    const keys = new Map([[keyA.keyId, { publicKey: keyA.publicKeyPem, userId: keyA.userId }]]);
    sandbox = new KalshiStreamSandbox({ feed, verify: kalshiHandshakeVerifier((id) => keys.get(id)), pingIntervalMs: 50, onFrame: (f) => frames.push(f) });
    await sandbox.listen(port);
    feed.activity(40);
    await until('live again on the restarted server', () => matchesFeed(book, feed), 5_000);
  });

  it('a handshake with an unknown key is refused with a typed error that holds no secret', async () => {
    await start();
    const stranger = { ...keyA, keyId: randomUUID() };
    const stream = connect(stranger);
    const sub = stream.subscribe({ channel: 'fill' });
    const error = await sub.ready.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).status).toBe(401);
    expectNoSecret(error, stranger.keyId, stranger.privateKeyPem.slice(40, 100));
    expect(stream.status).toBe('idle');
  });

  it('a market the server refuses fails its book with the StreamError; the connection carries on', async () => {
    await start();
    const stream = connect();
    const good = stream.orderBook(TICKERS[0]!);
    await good.live({ timeoutMs: 3000 });
    const bad = stream.orderBook('KXNO-SUCH-MARKET');
    const error = await bad.live({ timeoutMs: 3000 }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(StreamError);
    expect((error as StreamError).streamCode).toBe(11);
    expect(bad.status).toBe('closed');
    feed.activity(30);
    await until('the good book still follows', () => matchesFeed(good, feed));
  });

  it('server command-rate errors (27) are retried; the client counts its connections per key', async () => {
    await start({ commandRate: { capacity: 2, refillPerSecond: 20 } });
    const stream = connect(keyA, { commandRate: { capacity: 50, refillPerSecond: 50 } });
    const errors: number[] = [];
    const subs = (['fill', 'user_orders', 'market_positions', 'trade', 'ticker', 'market_lifecycle_v2'] as const).map((channel) => stream.subscribe({ channel }));
    for (const s of subs) s.on('error', (e) => errors.push(e instanceof StreamError ? (e.streamCode ?? 0) : -1));
    await Promise.all(subs.map((s) => s.ready));
    expect(frames.some((f) => f.text.includes('"code":27'))).toBe(true);

    const first = connect(keyB, { maxConnections: 1, connectionKey: 'user-b' });
    await first.subscribe({ channel: 'fill' }).ready;
    const second = connect(keyB, { maxConnections: 1, connectionKey: 'user-b' });
    await expect(second.subscribe({ channel: 'fill' }).ready).rejects.toBeInstanceOf(QuotaExceededError);
    await first.close();
    await second.subscribe({ channel: 'fill' }).ready;
  });

  it('close() ends everything and leaves no handle behind', async () => {
    await start();
    const resources = (): string[] => process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'PipeWrap');
    const baseline = resources();
    const stream = connect();
    const book = stream.orderBook(TICKERS[0]!);
    const fills = stream.subscribe({ channel: 'fill' });
    const iterator = fills.messages();
    await book.live({ timeoutMs: 3000 });
    expect(resources().length).toBeGreaterThan(baseline.length);
    await stream.close();
    expect(stream.status).toBe('closed');
    expect(book.status).toBe('closed');
    expect(fills.status).toBe('closed');
    expect((await iterator.next()).done).toBe(true);
    expect(() => stream.subscribe({ channel: 'fill' })).toThrow(/closed/);
    await sandbox.close();
    await until('no extra handles', () => resources().filter((r) => r !== 'Timeout').length <= baseline.filter((r) => r !== 'Timeout').length, 2_000);
    expect(resources().filter((r) => r === 'Timeout').length).toBeLessThanOrEqual(baseline.filter((r) => r === 'Timeout').length);
  });

  it('a process that streams and then closes exits by itself', async () => {
    await start(); // for afterEach; the child runs its own sandbox
    const script = `
      import { KalshiStreamSandbox, kalshiHandshakeVerifier } from './dist/providers/kalshi/sandbox-stream.js';
      import { createKalshiStream } from './dist/providers/kalshi/stream/index.js';
      import { signKalshiRequest } from './dist/providers/kalshi/signing.js';
      import { generateRsaKeyPair } from './dist/src/crypto/rsa-keys.js';
      const pair = await generateRsaKeyPair({ bits: 2048 });
      const feed = { book: () => ({ yes: [['0.4000', '1.00']], no: [] }), tickers: () => ['KXT-1'], onEvent: () => () => {} };
      const sandbox = new KalshiStreamSandbox({ feed, verify: kalshiHandshakeVerifier(() => ({ publicKey: pair.publicKeyPem, userId: 'u' })), pingIntervalMs: 1000 });
      const url = await sandbox.listen();
      const stream = createKalshiStream({ url, sign: (path) => signKalshiRequest({ method: 'GET', path, privateKey: pair.privateKeyPem, keyId: 'k' }) });
      const view = await stream.orderBook('KXT-1').live({ timeoutMs: 5000 });
      stream.subscribe({ channel: 'fill' });
      await stream.close();
      await sandbox.close();
      console.log('done ' + view.bestYesBid.price);
    `;
    const result = await new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--input-type=module', '-e', script], { cwd: process.cwd(), timeout: 20_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, signal: error ? ((error as { signal?: string }).signal ?? null) : null, stdout, stderr });
      });
    });
    expect(result.stderr).toBe('');
    expect(result.signal).toBeNull();
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe('done 0.4000');
  });
});
