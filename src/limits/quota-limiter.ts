import Bottleneck from 'bottleneck';
import type { Redis } from 'ioredis';
import { MarketError, NetworkError, RateLimitError } from '../errors.js';
import { PauseGate } from './pause-gate.js';
import { RedisRollingWindow } from './redis-store.js';
import { isRollingWindow, type LimitSpec } from './specs.js';

/** The shared-store side of a limiter (Redis through Bottleneck's cluster mode). */
export interface SharedStore {
  client: Redis;
  connection: Bottleneck.IORedisConnection;
  /** Bottleneck id; Redis keys derive from it. */
  id: string;
  /** The longest one attempt can take (its timeout): how long a lease outlives a dead process. */
  maxAttemptMs: number;
  onDown: 'fail' | 'local';
  processes: number;
}

export interface QuotaLimiterOptions {
  provider: string;
  limitClass: string;
  spec: LimitSpec;
  gate: PauseGate;
  /** Jobs waiting beyond this many are refused with `RateLimitError` (`queue_full`). */
  maxQueued?: number | undefined;
  /** Called when a job has to wait for quota. */
  onQueued?: ((waitHintMs: number) => void) | undefined;
  shared?: SharedStore | undefined;
}

/** How long a call waits for an unreachable Redis before it is refused (or falls back). */
const REDIS_READY_MS = 2_000;

/** How often a token bucket is topped up; small enough to look continuous. */
const BUCKET_TICK_MS = 50;

/**
 * One endpoint class of one provider and key. Bottleneck's reservoir is the quota:
 * - rolling window: the reservoir holds the free slots; a job takes one when it starts
 *   and gives it back `windowMs` after its response arrived, so no window of `windowMs`
 *   ever sees more than `limit` starts, however the server counts;
 * - token bucket: Bottleneck's own reservoir refill, each job weighing its cost.
 * Retries happen outside, in the request sender: every attempt takes quota again.
 */
export class QuotaLimiter {
  readonly provider: string;
  readonly limitClass: string;
  /** A pause for this endpoint class alone (a 429 whose limit is the class's own). */
  readonly classGate = new PauseGate();
  #spec: LimitSpec;
  readonly #options: QuotaLimiterOptions;
  readonly #bottleneck: Bottleneck;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #shared: SharedStore | undefined;
  /** A rolling window shared through Redis (token buckets use Bottleneck's cluster mode). */
  readonly #window: RedisRollingWindow | undefined;
  readonly #ready: Promise<void>;
  /** In-process stand-in after Redis failed, with `onRedisDown: 'local'`. */
  #fallback: QuotaLimiter | undefined;
  #closed = false;

  constructor(options: QuotaLimiterOptions) {
    this.provider = options.provider;
    this.limitClass = options.limitClass;
    this.#spec = options.spec;
    this.#options = options;
    this.#shared = options.shared;
    const overflow = options.maxQueued !== undefined ? { highWater: options.maxQueued, strategy: Bottleneck.strategy.OVERFLOW } : {};
    const shared = this.#shared;
    const sharedBucket = shared !== undefined && !isRollingWindow(options.spec);
    const store = sharedBucket
      ? { id: shared.id, datastore: 'ioredis' as const, clearDatastore: false, connection: shared.connection, heartbeatInterval: BUCKET_TICK_MS, timeout: 24 * 3_600_000 }
      : {};
    this.#bottleneck = new Bottleneck({ ...overflow, ...store, ...bottleneckSettings(options.spec) });
    this.#bottleneck.on('error', () => undefined);
    this.#window = shared && isRollingWindow(options.spec) ? new RedisRollingWindow(shared.client, shared.id, options.spec.limit, options.spec.windowMs, shared.maxAttemptMs) : undefined;
    if (sharedBucket) {
      // Settings given in code win over those an older process left in Redis.
      this.#ready = withTimeout(this.#bottleneck.ready(), REDIS_READY_MS).then(async () => {
        // The refill settings in code win; the tokens left are shared state and stay (a
        // process starting must not refill everyone's bucket), only capped by the capacity.
        const { reservoir: capacity, ...refill } = bottleneckSettings(options.spec);
        const current = await this.#bottleneck.currentReservoir();
        const cap = current !== null && capacity != null && current > capacity ? { reservoir: capacity } : {};
        await this.#bottleneck.updateSettings({ ...refill, ...cap });
      });
    } else {
      this.#ready = Promise.resolve();
    }
    this.#ready.catch(() => undefined);
  }

  get spec(): LimitSpec {
    return this.#spec;
  }

  /** Change the limit in place (e.g. after reading the key's real rate); slots in use stay counted. */
  async updateSpec(spec: LimitSpec): Promise<void> {
    const old = this.#spec;
    this.#spec = spec;
    if (isRollingWindow(old) && isRollingWindow(spec)) {
      if (this.#window) return this.#window.setLimit(spec.limit);
      const delta = spec.limit - old.limit;
      if (delta !== 0) await this.#bottleneck.incrementReservoir(delta);
      return;
    }
    // Bottleneck 2.19.5's in-process store stops its refill timer on updateSettings (its
    // _startHeartbeat clears the running interval without forgetting it, so it never starts
    // again). Forget it first, so the store starts a fresh one.
    const store = (this.#bottleneck as unknown as { _store?: { heartbeat?: NodeJS.Timeout | null } })._store;
    if (!this.#shared && store?.heartbeat) {
      clearInterval(store.heartbeat);
      store.heartbeat = null;
    }
    // Keep what was spent and not yet refilled counted against the new bucket too.
    const current = (await this.#bottleneck.currentReservoir()) ?? 0;
    const deficit = isRollingWindow(old) ? 0 : Math.max(0, old.capacity - current);
    const reservoir = isRollingWindow(spec) ? spec.limit : Math.max(0, Math.min(current, spec.capacity) - deficit);
    await this.#bottleneck.updateSettings({ ...bottleneckSettings(spec), reservoir });
  }

  /**
   * Run `send` once quota is free and the provider is not paused. `send` is called at
   * most once; if the signal fires first nothing is sent and the quota is returned.
   */
  async run<T>(cost: number, signal: AbortSignal | undefined, send: () => Promise<T>): Promise<T> {
    signal?.throwIfAborted();
    if (this.#closed) throw new RateLimitError({ provider: this.provider, code: 'queue_full', message: `${this.provider} client is closed` });
    if (this.#fallback) return this.#fallback.run(cost, signal, send);
    const weight = isRollingWindow(this.#spec) ? 1 : cost;
    if (!isRollingWindow(this.#spec) && weight > this.#spec.capacity) {
      throw new RateLimitError({
        provider: this.provider,
        code: 'rate_limited',
        message: `a request costing ${weight} tokens can never fit the ${this.limitClass} bucket of ${this.#spec.capacity}`,
      });
    }
    if (this.#window) return this.#runShared(this.#window, cost, signal, send);
    if (this.#takeNow(weight)) return this.#attempt(signal, send);

    try {
      await this.#ready;
      signal?.throwIfAborted();
      this.#options.onQueued?.(0);
      const job = this.#bottleneck.schedule({ weight }, async () => {
        if (signal?.aborted) {
          this.#giveBack(weight, 0);
          throw signal.reason;
        }
        return this.#attempt(signal, send);
      });
      job.catch(() => undefined);
      return await (signal ? raceAbort(job, signal) : job);
    } catch (error) {
      if (error instanceof Bottleneck.BottleneckError) {
        throw new RateLimitError({
          provider: this.provider,
          code: 'queue_full',
          message: `${this.provider} ${this.limitClass} queue is full; call refused without sending`,
        });
      }
      if (this.#shared && !(error instanceof MarketError) && !(signal?.aborted && error === signal.reason)) return this.#redisDown(cost, signal, send, error);
      throw error;
    }
  }

  async #attempt<T>(signal: AbortSignal | undefined, send: () => Promise<T>): Promise<T> {
    try {
      await this.#options.gate.wait(signal);
      await this.classGate.wait(signal);
      return await send();
    } finally {
      // The slot comes back a full window after the answer (or failure), never sooner.
      if (isRollingWindow(this.#spec)) this.#giveBack(1, this.#spec.windowMs);
    }
  }

  async #runShared<T>(window: RedisRollingWindow, cost: number, signal: AbortSignal | undefined, send: () => Promise<T>): Promise<T> {
    let lease: string;
    try {
      // Checked per call: Redis may come back after an outage.
      await redisReady(this.#shared!.client, REDIS_READY_MS);
      // Pauses are waited out before a slot is taken, so a paused call holds none; the shared
      // pause is checked by the same script that takes the slot.
      await this.#options.gate.waitHere(signal);
      await this.classGate.wait(signal);
      lease = await window.acquire(this.#options.gate.sharedKey ?? `${this.#shared!.id}_pause`, signal);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      return this.#redisDown(cost, signal, send, error);
    }
    try {
      return await send();
    } finally {
      await window.answered(lease).catch(() => undefined);
    }
  }

  #redisDown<T>(cost: number, signal: AbortSignal | undefined, send: () => Promise<T>, cause: unknown): Promise<T> {
    const shared = this.#shared!;
    if (shared.onDown !== 'local') {
      throw new NetworkError({
        provider: this.provider,
        code: 'redis_unavailable',
        message: `${this.provider}: the shared quota in Redis is unreachable (${cause instanceof Error ? cause.message.split('\n')[0] : 'error'}); nothing was sent. Pass redis.onRedisDown: 'local' to fall back to a per-process share`,
      });
    }
    const share = (n: number): number => Math.max(1, Math.floor(n / shared.processes));
    const spec = isRollingWindow(this.#spec)
      ? { limit: share(this.#spec.limit), windowMs: this.#spec.windowMs }
      : { capacity: Math.max(this.#spec.capacity / shared.processes, 1), refillPerSecond: this.#spec.refillPerSecond / shared.processes };
    this.#fallback ??= new QuotaLimiter({ ...this.#options, spec, shared: undefined });
    return this.#fallback.run(cost, signal, send);
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
    if (this.#options.gate.remainingMs() > 0 || this.classGate.remainingMs() > 0) return false;
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
    await this.#fallback?.close();
    await Promise.resolve(this.#bottleneck.stop({ dropWaitingJobs: true })).catch(() => undefined);
    await Promise.resolve(this.#bottleneck.disconnect(false)).catch(() => undefined);
  }
}

function bottleneckSettings(spec: LimitSpec): Bottleneck.ConstructorOptions {
  if (isRollingWindow(spec)) return { reservoir: spec.limit };
  const perTick = (spec.refillPerSecond * BUCKET_TICK_MS) / 1000;
  return {
    // Bottleneck adds one increment per heartbeat, however long the interval: beat at the tick.
    heartbeatInterval: BUCKET_TICK_MS,
    reservoir: spec.capacity,
    reservoirIncreaseInterval: BUCKET_TICK_MS,
    reservoirIncreaseAmount: perTick,
    reservoirIncreaseMaximum: spec.capacity,
  };
}

/** Resolve when the ioredis client is connected, or reject after `ms`. */
function redisReady(client: Redis, ms: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return withTimeout(
    new Promise<void>((resolve) => client.once('ready', () => resolve())),
    ms,
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer from Redis in ${ms} ms`)), ms);
    timer.unref();
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  // An already-aborted signal fires no event: check it first.
  if (signal.aborted) return Promise.reject(signal.reason as Error);
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
