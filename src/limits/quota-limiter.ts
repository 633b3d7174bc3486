import Bottleneck from 'bottleneck';
import { RateLimitError } from '../errors.js';
import { PauseGate } from './pause-gate.js';
import { isRollingWindow, type LimitSpec } from './specs.js';

export interface QuotaLimiterOptions {
  provider: string;
  limitClass: string;
  spec: LimitSpec;
  gate: PauseGate;
  /** Jobs waiting beyond this many are refused with `RateLimitError` (`queue_full`). */
  maxQueued?: number | undefined;
  /** Called when a job has to wait for quota. */
  onQueued?: ((waitHintMs: number) => void) | undefined;
}

/** How often a token bucket is topped up; small enough to look continuous. */
const BUCKET_TICK_MS = 50;

/**
 * One endpoint class of one provider and key. Bottleneck's reservoir is the quota:
 * - rolling window: the reservoir holds the free slots; a job takes one when it starts
 *   and gives it back `windowMs` after its response arrived, so no window of `windowMs`
 *   ever sees more than `limit` starts, however the server counts;
 * - token bucket: Bottleneck's own reservoir refill, each job weighing its cost.
 */
export class QuotaLimiter {
  readonly provider: string;
  readonly limitClass: string;
  #spec: LimitSpec;
  readonly #gate: PauseGate;
  /** A pause for this endpoint class alone (a 429 whose limit is the class's own). */
  readonly classGate = new PauseGate();
  readonly #bottleneck: Bottleneck;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #onQueued: ((waitHintMs: number) => void) | undefined;
  /** True when the reservoir lives in a shared store (Redis). */
  readonly #shared: boolean;
  #closed = false;

  constructor(options: QuotaLimiterOptions) {
    this.provider = options.provider;
    this.limitClass = options.limitClass;
    this.#spec = options.spec;
    this.#gate = options.gate;
    this.#onQueued = options.onQueued;
    this.#shared = false;
    const overflow = options.maxQueued !== undefined ? { highWater: options.maxQueued, strategy: Bottleneck.strategy.OVERFLOW } : {};
    this.#bottleneck = new Bottleneck({ ...overflow, ...bottleneckSettings(options.spec) });
  }

  get spec(): LimitSpec {
    return this.#spec;
  }

  /** Change the limit in place (e.g. after reading the key's real rate); slots in use stay counted. */
  async updateSpec(spec: LimitSpec): Promise<void> {
    const old = this.#spec;
    this.#spec = spec;
    if (isRollingWindow(old) && isRollingWindow(spec)) {
      const delta = spec.limit - old.limit;
      if (delta !== 0) await this.#bottleneck.incrementReservoir(delta);
      return;
    }
    await this.#bottleneck.updateSettings(bottleneckSettings(spec));
  }

  /**
   * Run `send` once quota is free and the provider is not paused. `send` is called at
   * most once; if the signal fires first nothing is sent and the quota is returned.
   */
  async run<T>(cost: number, signal: AbortSignal | undefined, send: () => Promise<T>): Promise<T> {
    signal?.throwIfAborted();
    if (this.#closed) throw new RateLimitError({ provider: this.provider, code: 'queue_full', message: `${this.provider} client is closed` });
    const weight = isRollingWindow(this.#spec) ? 1 : cost;
    if (!isRollingWindow(this.#spec) && weight > this.#spec.capacity) {
      throw new RateLimitError({
        provider: this.provider,
        code: 'rate_limited',
        message: `a request costing ${weight} tokens can never fit the ${this.limitClass} bucket of ${this.#spec.capacity}`,
      });
    }
    const attempt = async (): Promise<T> => {
      try {
        await this.#gate.wait(signal);
        await this.classGate.wait(signal);
        return await send();
      } finally {
        // The slot comes back a full window after the answer (or failure), never sooner.
        if (isRollingWindow(this.#spec)) this.#giveBack(1, this.#spec.windowMs);
      }
    };
    if (this.#takeNow(weight)) return attempt();

    this.#onQueued?.(0);
    const job = this.#bottleneck.schedule({ weight }, async () => {
      if (signal?.aborted) {
        this.#giveBack(weight, 0);
        throw signal.reason;
      }
      return attempt();
    });
    job.catch(() => undefined);
    try {
      return await (signal ? raceAbort(job, signal) : job);
    } catch (error) {
      if (error instanceof Bottleneck.BottleneckError) {
        throw new RateLimitError({
          provider: this.provider,
          code: 'queue_full',
          message: `${this.provider} ${this.limitClass} queue is full; call refused without sending`,
        });
      }
      throw error;
    }
  }

  /**
   * The fast path. Bottleneck's in-process store yields to the timer queue several times
   * per job (about 5 ms of idle latency per call). When nothing waits, no pause is on and
   * the reservoir has room, take the quota synchronously from the same reservoir Bottleneck
   * reads, so both paths count against one number; otherwise queue in Bottleneck as usual.
   * Never used with a shared (Redis) store, whose reservoir lives in Redis.
   */
  #takeNow(weight: number): boolean {
    if (this.#shared) return false;
    if (this.#gate.remainingMs() > 0 || this.classGate.remainingMs() > 0) return false;
    const counts = this.#bottleneck.counts();
    if (counts.RECEIVED + counts.QUEUED > 0) return false;
    const store = (this.#bottleneck as unknown as { _store?: { storeOptions?: { reservoir?: number | null } } })._store?.storeOptions;
    if (!store || typeof store.reservoir !== 'number' || store.reservoir < weight) return false;
    store.reservoir -= weight;
    return true;
  }

  #giveBack(amount: number, afterMs: number): void {
    if (this.#closed) return;
    if (afterMs <= 0) {
      void this.#bottleneck.incrementReservoir(amount).catch(() => undefined);
      return;
    }
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (!this.#closed) void this.#bottleneck.incrementReservoir(amount).catch(() => undefined);
    }, afterMs);
    timer.unref();
    this.#timers.add(timer);
  }

  queued(): number {
    return this.#bottleneck.counts().QUEUED;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    await this.#bottleneck.stop({ dropWaitingJobs: true }).catch(() => undefined);
    await this.#bottleneck.disconnect().catch(() => undefined);
  }
}

function bottleneckSettings(spec: LimitSpec): Bottleneck.ConstructorOptions {
  if (isRollingWindow(spec)) return { reservoir: spec.limit };
  const perTick = (spec.refillPerSecond * BUCKET_TICK_MS) / 1000;
  return {
    reservoir: spec.capacity,
    reservoirIncreaseInterval: BUCKET_TICK_MS,
    reservoirIncreaseAmount: perTick,
    reservoirIncreaseMaximum: spec.capacity,
  };
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

