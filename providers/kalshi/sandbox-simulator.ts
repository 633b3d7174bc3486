/**
 * Background market activity for the Kalshi sandbox: a few simulated traders who quote
 * around the mid, take liquidity now and then, cancel and amend, through the same matching
 * engine (and so the same events) as real users. Seeded: the same seed, engine state and
 * clock give the same actions. The timer is unref()'d, so a forgotten simulator never keeps a
 * process alive, and stop() clears it.
 */
import { dollarsToMicros, parseCount, PRICE_SCALE, type KalshiMatchingEngine } from './sandbox-matching.js';

/** Simulator options. */
export interface KalshiMarketSimulatorOptions {
  engine: KalshiMatchingEngine;
  /** PRNG seed (default 1). */
  seed?: number;
  /** Time between ticks while started (default 200 ms). */
  intervalMs?: number;
  /** Actions per tick (default 2). */
  actionsPerTick?: number;
  /** Markets to trade (default: every active market of the engine, looked up each tick). */
  tickers?: string[];
  /** Number of simulated traders (default 3). */
  traders?: number;
  /** Cash each trader starts with, whole dollars (default 100 000). */
  traderDepositUsd?: number;
  /** Largest order, whole contracts (default 10). */
  maxContracts?: number;
  /** The clock handed to the engine (default Date.now). */
  now?: () => number;
}

/** mulberry32: a small, fast, well-mixed 32-bit PRNG. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Seeded background orders, cancels, amends and trades over a {@link KalshiMatchingEngine}. */
export class KalshiMarketSimulator {
  /** The simulated traders' user ids. */
  readonly traderIds: string[];
  readonly #engine: KalshiMatchingEngine;
  readonly #random: () => number;
  readonly #options: Required<Omit<KalshiMarketSimulatorOptions, 'engine' | 'tickers' | 'seed'>> & { tickers: string[] | undefined };
  #timer: ReturnType<typeof setInterval> | undefined;
  #sequence = 0;

  constructor(options: KalshiMarketSimulatorOptions) {
    const seed = options.seed ?? 1;
    this.#engine = options.engine;
    this.#random = mulberry32(seed);
    this.#options = {
      intervalMs: options.intervalMs ?? 200,
      actionsPerTick: options.actionsPerTick ?? 2,
      traders: options.traders ?? 3,
      traderDepositUsd: options.traderDepositUsd ?? 100_000,
      maxContracts: options.maxContracts ?? 10,
      now: options.now ?? Date.now,
      tickers: options.tickers,
    };
    if (!(this.#options.intervalMs > 0) || !Number.isSafeInteger(this.#options.actionsPerTick) || this.#options.actionsPerTick < 0) {
      throw new RangeError('intervalMs must be positive and actionsPerTick a whole number');
    }
    if (!Number.isSafeInteger(this.#options.traders) || this.#options.traders < 1) throw new RangeError('traders must be at least 1');
    this.traderIds = Array.from({ length: this.#options.traders }, (_, i) => `sim-${seed}-${i + 1}`);
    for (const id of this.traderIds) this.#engine.deposit(id, dollarsToMicros(this.#options.traderDepositUsd));
  }

  /** Whether the timer runs. */
  get running(): boolean {
    return this.#timer !== undefined;
  }

  /** Act every `intervalMs` until stop(); calling it again while running does nothing. */
  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.step(), this.#options.intervalMs);
    this.#timer.unref();
  }

  /** Stop acting (resting simulated orders stay on the book). */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Perform `actions` actions now, synchronously (what one tick does). */
  step(actions = this.#options.actionsPerTick): void {
    for (let i = 0; i < actions; i++) this.#act();
  }

  #act(): void {
    const engine = this.#engine;
    const tickers = (this.#options.tickers ?? engine.tickers()).filter((t) => engine.market(t)?.status === 'active');
    if (tickers.length === 0) return;
    const ticker = this.#pick(tickers);
    const tick = engine.market(ticker)!.tick;
    const trader = this.#pick(this.traderIds);
    const now = this.#options.now();
    const roll = this.#random();
    if (roll < 0.7) {
      const depth = engine.depth(ticker)!;
      const bestBid = depth.yes[0]?.[0];
      const bestAsk = depth.no[0] === undefined ? undefined : PRICE_SCALE - depth.no[0][0];
      const mid = bestBid !== undefined && bestAsk !== undefined ? (bestBid + bestAsk) / 2 : bestBid ?? bestAsk ?? PRICE_SCALE / 2;
      const side = this.#random() < 0.5 ? 'bid' : 'ask';
      const take = roll >= 0.5;
      let price: number;
      if (take) price = side === 'bid' ? bestAsk ?? mid + tick : bestBid ?? mid - tick;
      else price = side === 'bid' ? mid - tick * (1 + this.#int(4)) : mid + tick * (1 + this.#int(4));
      price = Math.min(PRICE_SCALE - tick, Math.max(tick, Math.round(price / tick) * tick));
      this.#sequence += 1;
      engine.placeOrder({
        userId: trader, ticker, side, price, count: (1 + this.#int(this.#options.maxContracts)) * 100,
        timeInForce: take ? 'immediate_or_cancel' : 'good_till_canceled', selfTradePrevention: 'taker_at_cross',
        clientOrderId: `${trader}-${this.#sequence}`,
      }, now);
      return;
    }
    const resting = engine.orders(trader, { ticker, status: 'resting' });
    if (resting.length === 0) return;
    const order = this.#pick(resting);
    if (roll < 0.9) {
      engine.cancelOrder(trader, order.order_id, now);
    } else {
      const remaining = parseCount(order.remaining_count_fp)!;
      engine.decreaseOrder(trader, order.order_id, { reduceTo: Math.floor(remaining / 200) * 100 }, now);
    }
  }

  #int(n: number): number {
    return Math.floor(this.#random() * n);
  }

  #pick<T>(items: T[]): T {
    return items[this.#int(items.length)]!;
  }
}
