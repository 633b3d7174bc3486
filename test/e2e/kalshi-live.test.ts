/**
 * Issue 12 "Kalshi live", done when: a bot subscribes to books, fills and orders against the
 * sandbox (background traders on), survives each injected stream fault with books equal to
 * the sandbox's true book (read back over REST), follows each order to its end — a lost
 * answer included — and closes cleanly.
 */
import { execFile } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { createKalshiClient, InvalidRequestError, OutcomeUnknownError, ClientClosedError, type KalshiClient, type KalshiClientOptions } from '../../src/index.js';
import { KalshiSandbox, type KalshiSandboxOptions } from '../../providers/kalshi/sandbox.js';
import type { KalshiStreamSandbox } from '../../providers/kalshi/sandbox-stream.js';
import type { KalshiTrackedOrder, LiveOrderBook } from '../../providers/kalshi/index.js';
import { caught, expectNoSecret } from '../helpers.js';
import { validateServerFrame } from '../kalshi-asyncapi.js';
import { streamBot } from '../../examples/kalshi-stream-bot.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 8_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await sleep(20);
  }
}

/** Markets the background traders work in; the orders the tests follow are in another one. */
const BUSY = ['KXFEDDECISION-26DEC-C25', 'KXBTCMAXY-26-T150000', 'KXCS2MAJOR-26-NAVI'];
/** YES bids 0.50 / 0.52, NO bids 0.45 / 0.46 (a YES ask of 0.54): a bid at 0.53 rests on top. */
const QUIET = 'KXFEDDECISION-26DEC-H0';

describe('kalshi live: stream, books and followed orders against the sandbox', () => {
  let sandbox: KalshiSandbox;
  let frames: { text: string; injected: boolean }[];
  const clients: KalshiClient[] = [];

  const start = async (options: KalshiSandboxOptions = {}): Promise<void> => {
    frames = [];
    sandbox = new KalshiSandbox({ ...options, stream: { pingIntervalMs: 100, onFrame: (f) => frames.push(f), ...options.stream } });
    await sandbox.start();
  };
  const user = async (extra: Partial<KalshiClientOptions> = {}): Promise<{ client: KalshiClient; userId: string; keyId: string; privateKeyPem: string }> => {
    const u = await sandbox.createUser({ balanceUsd: 1000 });
    const client = createKalshiClient({
      keyId: u.keyId, privateKeyPem: u.privateKeyPem, baseUrl: sandbox.baseUrl, retry: { minDelayMs: 10, maxDelayMs: 50 },
      stream: { silenceTimeoutMs: 600, staleAfterMs: 300, commandTimeoutMs: 2_000, reconnect: { minDelayMs: 20, maxDelayMs: 200 } },
      ...extra,
    });
    clients.push(client);
    return { client, ...u };
  };

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await sandbox?.close();
    // Every frame the sandbox sent (bar the deliberately broken ones) is a valid AsyncAPI payload.
    const problems = frames.filter((f) => !f.injected).flatMap((f) => validateServerFrame(JSON.parse(f.text)).map((p) => `${p} in ${f.text.slice(0, 160)}`));
    expect(problems).toEqual([]);
  });

  /** A live book's levels, best first; undefined while it is not live. */
  const streamLevels = (book: LiveOrderBook): string | undefined => {
    const v = book.view();
    return v.status === 'live' ? JSON.stringify({ yes: v.yesBids.map((l) => [l.price, l.count]), no: v.noBids.map((l) => [l.price, l.count]) }) : undefined;
  };
  /** The sandbox's true book as the REST API answers it (ascending there), best first. */
  const restLevels = async (client: KalshiClient, ticker: string): Promise<string> => {
    const b = await client.getOrderbook(ticker);
    return JSON.stringify({ yes: [...(b.orderbook_fp.yes_dollars ?? [])].reverse(), no: [...(b.orderbook_fp.no_dollars ?? [])].reverse() });
  };

  it('an order placed over REST streams as a delta (client_order_id to its own user only), a trade, a fill, an order update and a position', async () => {
    await start();
    const alice = await user();
    const bob = await user();
    const ticker = 'KXFEDDECISION-26DEC-C25';
    const subs = {
      delta: alice.client.stream.subscribe({ channel: 'orderbook_delta', marketTickers: [ticker] }),
      trade: alice.client.stream.subscribe({ channel: 'trade', marketTickers: [ticker] }),
      fill: alice.client.stream.subscribe({ channel: 'fill' }),
      order: alice.client.stream.subscribe({ channel: 'user_orders' }),
      position: alice.client.stream.subscribe({ channel: 'market_positions' }),
      bobDelta: bob.client.stream.subscribe({ channel: 'orderbook_delta', marketTickers: [ticker] }),
      bobFill: bob.client.stream.subscribe({ channel: 'fill' }),
    };
    const got: Record<string, Record<string, unknown>[]> = {};
    for (const [name, sub] of Object.entries(subs)) {
      got[name] = [];
      (sub as { on(e: 'message', l: (m: { type: string; msg: Record<string, unknown> }) => void): void }).on('message', (m) => m.type !== 'orderbook_snapshot' && got[name]!.push(m.msg));
    }
    await Promise.all(Object.values(subs).map((s) => s.ready));
    // Crosses the house's NO bid at 0.56 (240 deep): 10 fill at once at the YES price 0.44.
    await alice.client.createOrder({ ticker, side: 'bid', count: '10', price: '0.44', timeInForce: 'good_till_canceled', clientOrderId: 'alice-take' });
    await until('every channel delivered', () => got.delta!.length >= 1 && got.trade!.length >= 1 && got.fill!.length >= 1 && got.order!.length >= 1 && got.position!.length >= 1 && got.bobDelta!.length >= 1);
    expect(got.delta![0]).toMatchObject({ market_ticker: ticker, side: 'no', price_dollars: '0.5600', delta_fp: '-10.00', client_order_id: 'alice-take' });
    expect(got.bobDelta![0]).toMatchObject({ side: 'no', price_dollars: '0.5600', delta_fp: '-10.00' });
    expect(got.bobDelta![0]).not.toHaveProperty('client_order_id');
    expect(got.trade![0]).toMatchObject({ yes_price_dollars: '0.4400', no_price_dollars: '0.5600', count_fp: '10.00', taker_outcome_side: 'yes', taker_book_side: 'bid' });
    // Taker fee ⌈0.07 × 10 × 0.44 × 0.56 = 0.17248⌉ to the cent = 0.18.
    expect(got.fill![0]).toMatchObject({ client_order_id: 'alice-take', count_fp: '10.00', yes_price_dollars: '0.4400', is_taker: true, fee_cost: '0.1800', post_position_fp: '10.00', outcome_side: 'yes', book_side: 'bid' });
    expect(got.order!.at(-1)).toMatchObject({ client_order_id: 'alice-take', status: 'executed', fill_count_fp: '10.00', remaining_count_fp: '0.00', user_id: alice.userId });
    expect(got.position![0]).toMatchObject({ market_ticker: ticker, position_fp: '10.00', position_cost_dollars: '4.4000', fees_paid_dollars: '0.1800' });

    // A resting order: its delta names the client_order_id to alice, not to bob.
    await alice.client.createOrder({ ticker, side: 'bid', count: '5', price: '0.30', timeInForce: 'good_till_canceled', clientOrderId: 'alice-rest' });
    await until('the resting delta', () => got.delta!.length >= 2 && got.bobDelta!.length >= 2);
    expect(got.delta![1]).toMatchObject({ side: 'yes', price_dollars: '0.3000', delta_fp: '5.00', client_order_id: 'alice-rest' });
    expect(got.bobDelta![1]).not.toHaveProperty('client_order_id');
    expect(got.order!.at(-1)).toMatchObject({ client_order_id: 'alice-rest', status: 'resting', remaining_count_fp: '5.00' });
    await sleep(50);
    expect(got.bobFill).toEqual([]);
  });

  it('a handshake with a bad signature is refused by the sandbox on the REST port', async () => {
    await start();
    const alice = await user();
    const other = await sandbox.createUser();
    // alice's key id, another user's private key: the signature does not verify.
    const impostor = createKalshiClient({ keyId: alice.keyId, privateKeyPem: other.privateKeyPem, baseUrl: sandbox.baseUrl });
    clients.push(impostor);
    const error = await caught(impostor.stream.subscribe({ channel: 'fill' }).ready);
    expect(error).toMatchObject({ name: 'AuthenticationError', status: 401 });
    expectNoSecret(error, alice.keyId, other.privateKeyPem.split('\n')[1]!);
    expect(sandbox.stream.handshakeCount).toBe(0);
    expect(sandbox.streamUrl).toBe(sandbox.baseUrl.replace('http://', 'ws://').replace('/trade-api/v2', '/trade-api/ws/v2'));
  });

  it('each reconnect is signed afresh: with a 400 ms timestamp window, reconnects seconds later are accepted', async () => {
    await start({ timestampWindowMs: 400 });
    const bot = await user();
    const book = bot.client.orderBook(QUIET);
    await book.live({ timeoutMs: 5_000 });
    for (let i = 0; i < 2; i += 1) {
      await sleep(600); // past the window of the previous handshake's timestamp
      sandbox.stream.faults.drop();
      await until('reconnected and live', () => sandbox.stream.handshakeCount === i + 2 && book.status === 'live');
    }
    expect(sandbox.stream.connectionCount).toBe(1);
  });

  const faults: [string, (s: KalshiStreamSandbox) => void, 'reconnect' | 'gap' | 'resubscribed' | 'schemaError' | 'stale'][] = [
    ['a dropped connection', (s) => s.faults.drop(), 'reconnect'],
    ['lost seqs', (s) => s.faults.skipSeq(3), 'gap'],
    ['error 25 (buffer overflow)', (s) => s.faults.sendError(25), 'resubscribed'],
    ['a server that stops pinging', (s) => s.faults.stopPinging(), 'stale'],
    ['a frame that is not JSON', (s) => s.faults.malformed('not_json'), 'schemaError'],
    ['a delta with a bad field', (s) => s.faults.malformed('bad_field'), 'schemaError'],
  ];
  for (const [name, inject, signal] of faults) {
    it(`with background traders, books survive ${name} and equal the REST book afterwards`, async () => {
      await start({ simulate: { seed: 12, intervalMs: 15, actionsPerTick: 3, tickers: BUSY } });
      const bot = await user();
      const seen = { reconnect: 0, gap: 0, resubscribed: 0, schemaError: 0, stale: 0 };
      bot.client.stream.on('open', ({ reconnect }) => reconnect && (seen.reconnect += 1));
      bot.client.stream.on('gap', () => (seen.gap += 1));
      bot.client.stream.on('resubscribed', () => (seen.resubscribed += 1));
      bot.client.stream.on('schemaError', () => (seen.schemaError += 1));
      const books = BUSY.map((t) => bot.client.orderBook(t));
      for (const b of books) b.on('status', ({ status }) => status === 'stale' && (seen.stale += 1));
      await Promise.all([...books.map((b) => b.live({ timeoutMs: 5_000 })), bot.client.watchOrders()]);
      const before = sandbox.engine.trades().length;
      await sleep(150);
      inject(sandbox.stream);
      await sleep(name.includes('pinging') ? 900 : 300);
      sandbox.simulator!.stop();
      // The traders really traded through the fault.
      expect(sandbox.engine.trades().length).toBeGreaterThan(before);
      await until(`books equal the REST book after ${name}`, async () => {
        for (const b of books) if (streamLevels(b) !== (await restLevels(bot.client, b.ticker))) return false;
        return true;
      });
      expect(seen[signal]).toBeGreaterThan(0);
      // The book tracks new changes too, not only the resync snapshot.
      const order = await bot.client.createOrder({ ticker: BUSY[0]!, side: 'bid', count: '3', price: '0.02', timeInForce: 'good_till_canceled' });
      await until('the bot sees its own order in the book', async () => streamLevels(books[0]!) === (await restLevels(bot.client, BUSY[0]!)) && books[0]!.view().yesBids.some((l) => l.price === '0.0200'));
      await bot.client.cancelOrder(order.order_id);
    });
  }

  it('follows an order resting → partially filled → executed, each state and fill once', async () => {
    await start({ simulate: { seed: 3, intervalMs: 20, tickers: BUSY } });
    const alice = await user();
    const bob = await user();
    await alice.client.watchOrders();
    // REST reads every 50 ms race the stream messages: each state must still be reported once.
    const tracker = alice.client.trackOrder('alice-life', { ticker: QUIET, reconcileIntervalMs: 50, pollIntervalMs: 50 });
    const updates: KalshiTrackedOrder[] = [];
    tracker.on('update', (u) => updates.push(u));
    await alice.client.createOrder({ ticker: QUIET, side: 'bid', count: '10', price: '0.53', timeInForce: 'good_till_canceled', clientOrderId: 'alice-life' });
    await until('resting', () => tracker.order?.status === 'resting');
    await sleep(200);
    await bob.client.createOrder({ ticker: QUIET, side: 'ask', count: '4', price: '0.53', timeInForce: 'immediate_or_cancel' });
    await until('partially filled', () => tracker.order?.fill_count_fp === '4.00');
    await sleep(200);
    await bob.client.createOrder({ ticker: QUIET, side: 'ask', count: '6', price: '0.53', timeInForce: 'immediate_or_cancel' });
    const final = await tracker.done;
    expect(final).toMatchObject({ status: 'executed', fill_count_fp: '10.00', remaining_count_fp: '0.00', client_order_id: 'alice-life' });
    expect(updates.map((u) => [u.status, u.fill_count_fp])).toEqual([['resting', '0.00'], ['resting', '4.00'], ['executed', '10.00']]);
    expect(tracker.fills.map((f) => [f.count_fp, f.yes_price_dollars, f.source])).toEqual([['4.00', '0.5300', 'stream'], ['6.00', '0.5300', 'stream']]);
    expect(final.order_id).toBe(sandbox.engine.orderByClientId(alice.userId, 'alice-life')!.order_id);
    // Tracking the same id again while it runs returns the same tracker; a finished one starts anew and ends at once.
    const again = alice.client.trackOrder('alice-life', { ticker: QUIET });
    expect(again).not.toBe(tracker);
    expect((await again.done).status).toBe('executed');
  });

  it('a lost createOrder answer: OutcomeUnknownError, then trackOrder(err.idempotencyKey) finds the true order on the stream', async () => {
    await start({ simulate: { seed: 5, intervalMs: 20, tickers: BUSY } });
    const alice = await user({ retry: { retries: 0 } });
    const bob = await user();
    await alice.client.watchOrders();
    sandbox.server.inject({ kind: 'reset-after', method: 'POST', path: '/trade-api/v2/portfolio/events/orders' });
    const error = await caught(alice.client.createOrder({ ticker: QUIET, side: 'bid', count: '5', price: '0.53', timeInForce: 'good_till_canceled' }));
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    const key = (error as OutcomeUnknownError).idempotencyKey!;
    expect(key).toMatch(/^[0-9a-f-]{36}$/);
    const tracker = alice.client.trackOrder(key, { ticker: QUIET });
    await until('seen', () => tracker.order !== undefined);
    // Known from the stream's message that arrived while the answer was being lost.
    expect(tracker.order).toMatchObject({ status: 'resting', client_order_id: key, source: 'stream' });
    await bob.client.createOrder({ ticker: QUIET, side: 'ask', count: '5', price: '0.53', timeInForce: 'immediate_or_cancel' });
    const final = await tracker.done;
    expect(final).toMatchObject({ status: 'executed', fill_count_fp: '5.00' });
    // Exactly one order exists under that client_order_id, and it is the one followed.
    const mine = sandbox.orders.filter((o) => o.client_order_id === key);
    expect(mine).toHaveLength(1);
    expect(final.order_id).toBe(mine[0]!.order_id);
  });

  it('with the stream down, a lost answer and the order after it are settled over REST; the stream takes over when it is back', async () => {
    await start({ simulate: { seed: 9, intervalMs: 20, tickers: BUSY } });
    const alice = await user({ retry: { retries: 0 } });
    const bob = await user();
    await alice.client.watchOrders();
    sandbox.stream.faults.down(true);
    await until('the stream is down', () => alice.client.stream.status !== 'open');
    sandbox.server.inject({ kind: 'reset-after', method: 'POST', path: '/trade-api/v2/portfolio/events/orders' });
    const error = await caught(alice.client.createOrder({ ticker: QUIET, side: 'bid', count: '10', price: '0.53', timeInForce: 'good_till_canceled' }));
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    const key = (error as OutcomeUnknownError).idempotencyKey!;
    const tracker = alice.client.trackOrder(key, { ticker: QUIET, pollIntervalMs: 50 });
    const updates: KalshiTrackedOrder[] = [];
    tracker.on('update', (u) => updates.push(u));
    await until('resting, read over REST', () => tracker.order?.status === 'resting');
    expect(tracker.order?.source).toBe('rest');
    await bob.client.createOrder({ ticker: QUIET, side: 'ask', count: '3', price: '0.53', timeInForce: 'immediate_or_cancel' });
    await until('partially filled, read over REST', () => tracker.order?.fill_count_fp === '3.00');
    expect(tracker.fills.map((f) => [f.count_fp, f.source])).toEqual([['3.00', 'rest']]);
    // The stream comes back: the rest of the order is followed there (or settled after the resubscribe).
    sandbox.stream.faults.down(false);
    await until('the stream is back', () => alice.client.stream.status === 'open');
    await alice.client.watchOrders();
    await bob.client.createOrder({ ticker: QUIET, side: 'ask', count: '7', price: '0.53', timeInForce: 'immediate_or_cancel' });
    const final = await tracker.done;
    expect(final).toMatchObject({ status: 'executed', fill_count_fp: '10.00' });
    expect(updates.map((u) => [u.status, u.fill_count_fp])).toEqual([['resting', '0.00'], ['resting', '3.00'], ['executed', '10.00']]);
    expect(tracker.fills.map((f) => f.count_fp)).toEqual(['3.00', '7.00']);
    expect(sandbox.orders.filter((o) => o.client_order_id === key)).toHaveLength(1);
  });

  it('an order that expires ends canceled on the stream with no request coming in', async () => {
    await start();
    const alice = await user();
    await alice.client.watchOrders();
    const book = alice.client.orderBook(QUIET);
    await book.live({ timeoutMs: 5_000 });
    const tracker = alice.client.trackOrder('alice-expiring', { ticker: QUIET, reconcileIntervalMs: 60_000 });
    const expiresAtS = Math.floor(Date.now() / 1000) + 1;
    await alice.client.createOrder({ ticker: QUIET, side: 'bid', count: '2', price: '0.51', timeInForce: 'good_till_canceled', expirationTime: new Date(expiresAtS * 1000), clientOrderId: 'alice-expiring' });
    await until('on the book', () => book.view().yesBids.some((l) => l.price === '0.5100'));
    const requests = sandbox.server.requests.length;
    const final = await tracker.done;
    expect(final).toMatchObject({ status: 'canceled', fill_count_fp: '0.00', source: 'stream' });
    expect(final.updatedTsMs).toBeGreaterThanOrEqual(expiresAtS * 1000);
    expect(book.view().yesBids.some((l) => l.price === '0.5100')).toBe(false);
    expect(sandbox.server.requests.length).toBe(requests);
  });

  it('an order that never appears ends with not_found; a cancelled one ends canceled; close() rejects what is still followed', async () => {
    await start();
    const alice = await user();
    await alice.client.watchOrders();
    const ghost = await caught(alice.client.trackOrder('never-placed', { notFoundAfterMs: 200, pollIntervalMs: 50 }).done);
    expect(ghost).toBeInstanceOf(InvalidRequestError);
    expect(ghost).toMatchObject({ code: 'not_found', idempotencyKey: 'never-placed' });

    const tracker = alice.client.trackOrder('alice-cancel');
    const placed = await alice.client.createOrder({ ticker: QUIET, side: 'bid', count: '2', price: '0.10', timeInForce: 'good_till_canceled', clientOrderId: 'alice-cancel' });
    await until('resting', () => tracker.order?.status === 'resting');
    await alice.client.cancelOrder(placed.order_id);
    expect(await tracker.done).toMatchObject({ status: 'canceled', fill_count_fp: '0.00', remaining_count_fp: '0.00' });

    const pending = alice.client.trackOrder('still-open');
    const book = alice.client.orderBook(QUIET);
    await book.live({ timeoutMs: 5_000 });
    await alice.client.close();
    expect(await caught(pending.done)).toBeInstanceOf(ClientClosedError);
    expect(book.status).toBe('closed');
    expect(() => alice.client.stream).toThrow(ClientClosedError);
  });

  it('the stream bot example quotes from the live book and follows each order to its end, a lost answer included', async () => {
    await start({ simulate: { seed: 4, intervalMs: 20, tickers: BUSY } });
    const u = await sandbox.createUser({ balanceUsd: 1000 });
    sandbox.server.inject({ kind: 'reset-after', method: 'POST', path: '/trade-api/v2/portfolio/events/orders' });
    const report = await streamBot({ keyId: u.keyId, privateKeyPem: u.privateKeyPem, baseUrl: sandbox.baseUrl, retry: { retries: 0 } }, BUSY[1]!, 3, 200);
    // The first answer was lost: not counted as placed, but followed to its end all the same.
    expect(report.placed).toBe(2);
    expect(report.notPlaced).toBe(0);
    expect(report.executed + report.canceled).toBe(3);
    const mine = sandbox.engine.orders(u.userId);
    expect(mine).toHaveLength(3);
    expect(mine.filter((o) => o.status === 'resting')).toEqual([]);
  });

  it('the built stream bot example runs on the sandbox env and exits by itself', async () => {
    await start();
    const u = await sandbox.createUser({ balanceUsd: 1000 });
    const env = { ...process.env, KALSHI_API_BASE: sandbox.baseUrl, KALSHI_WS_BASE: sandbox.streamUrl, KALSHI_API_KEY_ID: u.keyId, KALSHI_PRIVATE_KEY: u.privateKeyPem.replace(/\n/g, '\\n') };
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['dist/examples/kalshi-stream-bot.js'], { cwd: process.cwd(), env, timeout: 20_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
      });
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/placed: 3/);
    expect(sandbox.engine.orders(u.userId, { status: 'resting' })).toEqual([]);
  });

  it('a bot process that streams, follows an order and closes exits by itself', async () => {
    await start(); // for afterEach; the child runs its own sandbox
    const script = `
      import { startSandbox } from './dist/src/testkit/index.js';
      import { createKalshiClient } from './dist/src/index.js';
      const sb = await startSandbox({ kalshi: { simulate: { seed: 1, intervalMs: 20, tickers: ['KXBTCMAXY-26-T150000'] } } });
      const kalshi = createKalshiClient({ keyId: sb.kalshi.keyId, privateKeyPem: sb.kalshi.privateKeyPem, baseUrl: sb.kalshi.baseUrl });
      const view = await kalshi.orderBook('KXBTCMAXY-26-T150000').live({ timeoutMs: 5000 });
      await kalshi.watchOrders();
      const tracker = kalshi.trackOrder('child-1');
      const order = await kalshi.createOrder({ ticker: 'KXCS2MAJOR-26-NAVI', side: 'bid', count: '1', price: '0.05', timeInForce: 'good_till_canceled', clientOrderId: 'child-1' });
      await kalshi.cancelOrder(order.order_id);
      const final = await tracker.done;
      await kalshi.close();
      await sb.close();
      console.log('done ' + final.status + ' ' + (view.bestYesBid !== undefined));
    `;
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--input-type=module', '-e', script], { cwd: process.cwd(), timeout: 20_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
      });
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe('done canceled true');
  });
});
