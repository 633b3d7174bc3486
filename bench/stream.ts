/**
 * The Kalshi live side: deltas applied per second (one book, 100 books), memory per live book,
 * and the latency from a sandbox book event to the user's callback — ours (validated, exact,
 * a book kept) beside a bare `ws` client that only parses JSON, on the same frames.
 */
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { createKalshiClient, signKalshiRequest } from '../src/index.js';
import { BookState } from '../providers/kalshi/stream/book-state.js';
import { orderbookDeltaSchema } from '../providers/kalshi/stream/schemas.js';
import { startSandbox } from '../src/testkit/index.js';
import { deadline, ms, pct, rows } from './lib.js';

const TICKER = 'KXBTCMAXY-26-T200000';

function deltasPerSecond(books: number): number {
  const states = Array.from({ length: books }, () => new BookState());
  for (const s of states) s.replace([['0.0300', '100.00']], [['0.9000', '100.00']]);
  let applied = 0;
  const more = deadline(1.5);
  const started = performance.now();
  // Alternating add and remove keeps every level positive and the books bounded.
  while (more() && applied < 5_000_000) {
    for (let i = 0; i < 1000; i += 1) {
      const s = states[applied % books]!;
      const price = `0.0${1 + (i % 9)}00`;
      s.apply('yes', price, i % 2 === 0 ? '1.50' : '-1.50');
      applied += 1;
    }
  }
  return applied / ((performance.now() - started) / 1000);
}

function heapPerBook(): number {
  const count = 2_000;
  globalThis.gc?.();
  const before = process.memoryUsage().heapUsed;
  const states: BookState[] = [];
  for (let b = 0; b < count; b += 1) {
    const s = new BookState();
    const levels = Array.from({ length: 20 }, (_, i) => [`0.${String(10 + i).padStart(2, '0')}00`, '100.00'] as const);
    s.replace(levels, levels.map(([p, c]) => [`0.${String(60 + Number(p.slice(2, 4)) - 10).padStart(2, '0')}00`, c] as const));
    states.push(s);
  }
  globalThis.gc?.();
  const after = process.memoryUsage().heapUsed;
  if (states.length !== count) throw new Error('unreachable');
  return (after - before) / count;
}

/** Book events → callbacks: ours (a live book's `change`) and a bare ws client (JSON.parse only). */
async function latency(): Promise<{ ours: number[]; bare: number[] }> {
  const sb = await startSandbox();
  const kalshi = createKalshiClient({ keyId: sb.kalshi.keyId, privateKeyPem: sb.kalshi.privateKeyPem, baseUrl: sb.kalshi.baseUrl });
  const emitted: number[] = [];
  const off = sb.kalshi.server.engine.onEvent((e) => {
    if (e.type === 'book' && e.ticker === TICKER) emitted.push(performance.now());
  });
  const ours: number[] = [];
  const bare: number[] = [];
  try {
    const book = kalshi.orderBook(TICKER);
    await book.live({ timeoutMs: 10_000 });
    book.on('change', () => {
      const at = emitted[ours.length];
      if (at !== undefined) ours.push(performance.now() - at);
    });
    const wsUrl = sb.kalshi.streamUrl;
    const path = new URL(wsUrl).pathname;
    const socket = new WebSocket(wsUrl, { headers: { ...signKalshiRequest({ method: 'GET', path, privateKey: sb.kalshi.privateKeyPem, keyId: sb.kalshi.keyId }) } });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    let bareReady = false;
    socket.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString()) as { type?: string };
      if (msg.type === 'orderbook_snapshot') bareReady = true;
      if (msg.type === 'orderbook_delta') {
        const at = emitted[bare.length];
        if (at !== undefined) bare.push(performance.now() - at);
      }
    });
    socket.send(JSON.stringify({ id: 1, cmd: 'subscribe', params: { channels: ['orderbook_delta'], market_tickers: [TICKER] } }));
    for (let i = 0; i < 100 && !bareReady; i += 1) await new Promise((r) => setTimeout(r, 20));
    emitted.length = 0;
    ours.length = 0;
    bare.length = 0;
    const more = deadline(6);
    // One resting order, then its cancel: two book events each round, never crossing.
    for (let i = 0; i < 150 && more(); i += 1) {
      const o = await kalshi.createOrder({ ticker: TICKER, side: 'bid', count: '1', price: '0.03', timeInForce: 'good_till_canceled', clientOrderId: randomUUID() });
      await kalshi.cancelOrder(o.order_id, { ticker: TICKER });
    }
    await new Promise((r) => setTimeout(r, 200));
    socket.close();
  } finally {
    off();
    await kalshi.close();
    await sb.close();
  }
  return { ours, bare };
}

/**
 * CPU per delta frame: what the client does with each one (parse, validate with its schema,
 * apply exactly to the book) against a bare client's JSON.parse, over the same frames.
 */
function cpuPerFrame(): { ours: number; bare: number } {
  const frames = Array.from({ length: 20_000 }, (_, i) =>
    JSON.stringify({ type: 'orderbook_delta', sid: 1, seq: i + 1, msg: { market_ticker: TICKER, price_dollars: `0.0${1 + (i % 9)}00`, delta_fp: i % 2 === 0 ? '1.50' : '-1.50', side: 'yes', ts_ms: 1_700_000_000_000 + i } }),
  );
  const book = new BookState();
  book.replace([['0.0300', '100.00']], []);
  const time = (fn: (frame: string) => void): number => {
    const runs: number[] = [];
    for (let r = 0; r < 5; r += 1) {
      const t0 = process.cpuUsage();
      for (const f of frames) fn(f);
      const t = process.cpuUsage(t0);
      runs.push(((t.user + t.system) / frames.length));
    }
    return pct(runs, 50);
  };
  let sink = 0;
  const bare = time((f) => {
    sink += (JSON.parse(f) as { seq: number }).seq;
  });
  const ours = time((f) => {
    const m = orderbookDeltaSchema.parse(JSON.parse(f));
    book.apply(m.msg.side, m.msg.price_dollars, m.msg.delta_fp);
  });
  if (sink < 0) throw new Error('unreachable');
  return { ours, bare };
}

/** Kalshi live side rows. */
export async function streaming(): Promise<void> {
  const one = deltasPerSecond(1);
  const hundred = deltasPerSecond(100);
  rows.push({ name: 'live book: deltas applied per second (exact BigInt levels), 1 book / 100 books', ours: `${Math.round(one / 1000)}k / ${Math.round(hundred / 1000)}k per s`, anchor: '—', ratio: '—', goal: 'far above a market\'s delta rate', met: one > 100_000 && hundred > 100_000 });
  const cpu = cpuPerFrame();
  rows.push({ name: 'live book: CPU per delta frame (parse, validate, apply exactly) vs a bare client\'s JSON.parse', ours: `${cpu.ours.toFixed(2)} µs`, anchor: `${cpu.bare.toFixed(2)} µs`, ratio: `${(cpu.ours / cpu.bare).toFixed(2)}×`, goal: '< 10 µs a frame', met: cpu.ours < 10 });
  const perBook = heapPerBook();
  rows.push({ name: 'live book: heap per book (20 levels a side)', ours: `${(perBook / 1024).toFixed(1)} KiB`, anchor: '—', ratio: '—', goal: 'bounded: levels only', met: perBook < 64 * 1024 });
  const { ours, bare } = await latency();
  if (ours.length && bare.length) {
    rows.push({
      name: `live book: sandbox book event → callback, p50 / p99 (${ours.length} events), vs a bare ws client that only parses JSON`,
      ours: `${ms(pct(ours, 50))} / ${ms(pct(ours, 99))}`,
      anchor: `${ms(pct(bare, 50))} / ${ms(pct(bare, 99))}`,
      ratio: `+${(pct(ours, 50) - pct(bare, 50)).toFixed(3)} ms p50`,
      goal: 'p50 < 1 ms added',
      met: pct(ours, 50) - pct(bare, 50) < 1,
    });
  }
}
