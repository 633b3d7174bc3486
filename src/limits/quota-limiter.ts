import type { Redis } from 'ioredis';
import { ClientClosedError, MarketError, NetworkError, RateLimitError } from '../errors.js';
import { Admission, type LineEntry } from './admission.js';
import { abortSignalOf, CancelScope, type AbortListener, type CallSignal } from './cancel.js';
import { LocalBucket, LocalWindow, type LocalQuota } from './local-quota.js';
import { PauseGate } from './pause-gate.js';
import { redisReady } from './redis-patience.js';
import { RedisBucket, RedisWindow, type RedisQuota } from './redis-store.js';
import { isRollingWindow, type LimitSpec } from './specs.js';

/** The shared-store side of a limiter: our own Lua scripts over the key's ioredis connection. */
export interface SharedStore {
  client: Redis;
  /** Redis keys derive from it. */
  id: string;
  /** The longest one attempt can take (its timeout): how long a lease outlives a dead process. */
  maxAttemptMs: number;
  onDown: 'fail' | 'local';
  processes: number;
}

/** How a limiter is built (see `acquireQuota`). */
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

/**
 * Where a limiter counts right now: `process` (no Redis configured), `redis` (shared), or
 * `fallback` (Redis unreachable with `onRedisDown: 'local'`: an in-process share).
 */
export type QuotaMode = 'process' | 'redis' | 'fallback';

/** How long a call waits for an unreachable Redis before it is refused (or falls back). */
const REDIS_READY_MS = 2_000;

/** A line was retired (back to Redis, or a new kind of limit): its calls queue again. */
class Retired extends Error {}
const RETIRED = new Retired('retired');

interface Lane {
  quota: LocalQuota<unknown> | RedisQuota<unknown>;
  admission: Admission<unknown>;
}

/** The limiter's side of a `QueuedCall` (its private steps, reached from the call). */
let admitCall: <T>(limiter: QuotaLimiter, lane: Lane, call: QueuedCall<T>, grant: unknown) => void;

/**
 * A call that waits in a limiter's line itself: the request sender's per-call object extends
 * it, so from the client to its grant a queued call is this one object — no promise, closure
 * or suspended frame per level. The limiter tells it its outcome by method (`ran`, `failed`).
 */
export abstract class QueuedCall<T> extends CancelScope implements LineEntry<unknown>, AbortListener {
  cost = 1;
  prev: LineEntry<unknown> | undefined = undefined;
  next: LineEntry<unknown> | undefined = undefined;
  gone = false;
  waited = false;
  /** While queued: whose line it waits in. */
  limiter: QuotaLimiter | undefined = undefined;
  lane: Lane | undefined = undefined;

  /** Send the attempt the quota was granted for (called at most once per `submit`). */
  abstract sendAdmitted(): Promise<T>;
  /** The attempt's answer. */
  abstract ran(value: T): void;
  /** Why the attempt failed or was never sent. */
  abstract failed(error: unknown): void;

  /** Granted by the line (internal to the limiter). */
  admit(grant: unknown): void {
    const limiter = this.limiter!;
    const lane = this.lane!;
    this.leaveLine();
    admitCall(limiter, lane, this, grant);
  }

  /** Refused by the line (internal to the limiter): a retired line sends it to the current one. */
  refuse(error: unknown): void {
    const limiter = this.limiter;
    this.leaveLine();
    if (error === RETIRED && limiter) limiter.submit(this, this.cost);
    else this.failed(error);
  }

  /** This call was cancelled while queued: out of the line at once. */
  handleAbort(): void {
    this.lane?.admission.cancelWaiter(this, this.reason);
  }

  /** No longer queued: stops listening to its own abort. */
  leaveLine(): void {
    this.unlisten(this);
    this.limiter = undefined;
    this.lane = undefined;
  }
}

/**
 * One endpoint class of one provider and key: a FIFO line (`Admission`) in front of a quota
 * counted in this process (`LocalWindow`, `LocalBucket`) or in Redis (`RedisWindow`,
 * `RedisBucket`). Retries happen outside, in the request sender: every attempt takes quota
 * again.
 */
export class QuotaLimiter {
  readonly provider: string;
  readonly limitClass: string;
  /** A pause for this endpoint class alone (a 429 whose limit is the class's own). */
  readonly classGate: PauseGate;
  #spec: LimitSpec;
  readonly #options: QuotaLimiterOptions;
  readonly #shared: SharedStore | undefined;
  #lane: Lane;
  /** In-process stand-in while Redis is unreachable, with `onRedisDown: 'local'`. */
  #fallback: Lane | undefined;
  readonly #onRedisBack = (): void => this.#leaveFallback();
  readonly #closing = new AbortController();
  #closed = false;

  constructor(options: QuotaLimiterOptions) {
    this.provider = options.provider;
    this.limitClass = options.limitClass;
    this.#spec = options.spec;
    this.#options = options;
    this.#shared = options.shared;
    this.classGate = new PauseGate();
    this.#lane = this.#makeLane(options.spec);
  }

  get spec(): LimitSpec {
    return this.#spec;
  }

  /** Where this limiter counts right now. */
  get mode(): QuotaMode {
    if (!this.#shared) return 'process';
    return this.#fallback ? 'fallback' : 'redis';
  }

  /** Change the limit in place (e.g. after reading the key's real rate); what is in use stays counted. */
  async updateSpec(spec: LimitSpec): Promise<void> {
    const old = this.#spec;
    this.#spec = spec;
    if (isRollingWindow(old) !== isRollingWindow(spec)) {
      // Another kind of limit: a new line; the calls waiting in the old one queue again.
      const retired = this.#lane;
      this.#leaveFallback();
      this.#lane = this.#makeLane(spec);
      // What a fallback spent is still unknown to Redis.
      if (this.#shared) (this.#lane.quota as RedisQuota<unknown>).rejoin = (retired.quota as RedisQuota<unknown>).rejoin;
      retired.admission.close(() => RETIRED);
      return;
    }
    const quota = this.#lane.quota;
    if (quota instanceof RedisWindow && isRollingWindow(spec)) quota.setSpec(spec);
    else if (quota instanceof RedisBucket && !isRollingWindow(spec)) quota.setSpec(spec);
    else (quota as LocalQuota<unknown>).update(spec);
    this.#lane.admission.wake();
    const share = this.#shared && fallbackShare(spec, this.#shared.processes);
    if (this.#fallback && share) (this.#fallback.quota as LocalQuota<unknown>).update(share);
  }

  /**
   * Run `send` once quota is free and the provider is not paused. `send` is called at
   * most once, and never after `close()`; if the signal fires first nothing is sent and the
   * call leaves the queue at once.
   */
  run<T>(cost: number, signal: CallSignal | undefined, send: () => Promise<T>): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    if (this.#closed) return Promise.reject(this.#closedError());
    const weight = this.#weight(cost);
    const tooBig = this.#tooBig(weight);
    if (tooBig) return Promise.reject(tooBig);
    return this.#dispatch(weight, signal, send);
  }

  /**
   * `run` for a call that waits in the line itself: its `sendAdmitted` is called at most once,
   * and it hears how the attempt ended by `ran` or `failed` (possibly before this returns).
   * A local line, unpaused, holds nothing for it but the call object.
   */
  submit<T>(call: QueuedCall<T>, cost: number): void {
    if (call.aborted) return call.failed(call.reason);
    if (this.#closed) return call.failed(this.#closedError());
    const weight = this.#weight(cost);
    const tooBig = this.#tooBig(weight);
    if (tooBig) return call.failed(tooBig);
    if (this.#shared || this.#paused()) {
      // Redis, a fallback or a pause: the general path (its promises are few next to a wait).
      this.#dispatch(weight, call, () => call.sendAdmitted()).then(
        (value) => call.ran(value),
        (error: unknown) => call.failed(error),
      );
      return;
    }
    const lane = this.#lane;
    call.cost = weight;
    call.limiter = this;
    call.lane = lane;
    call.listen(call);
    const refused = lane.admission.enqueue(call);
    if (refused) {
      call.leaveLine();
      call.failed(refused);
    }
  }

  static {
    admitCall = (limiter, lane, call, grant) => limiter.#admitted(lane, call, grant);
  }

  /** A queued call got its grant: send it, and give the grant back as its answer comes. */
  #admitted<T>(lane: Lane, call: QueuedCall<T>, grant: unknown): void {
    if (this.#paused() || this.#closed) {
      this.#granted(lane, grant, call, () => call.sendAdmitted()).then(
        (value) => call.ran(value),
        (error: unknown) => call.failed(error),
      );
      return;
    }
    let sending: Promise<T>;
    try {
      sending = call.sendAdmitted();
    } catch (error) {
      sending = Promise.reject(error);
    }
    sending.then(
      (value) => {
        const done = this.#answered(lane, grant);
        if (done) void done.then(() => call.ran(value));
        else call.ran(value);
      },
      (error: unknown) => {
        const done = this.#answered(lane, grant);
        if (done) void done.then(() => call.failed(error));
        else call.failed(error);
      },
    );
  }

  /** A rolling window's slot comes back a full window after the answer (or failure). */
  #answered(lane: Lane, grant: unknown): Promise<void> | undefined {
    const done = lane.quota.answered(grant);
    return done instanceof Promise ? done.catch(() => undefined) : undefined;
  }

  /** A bucket counts a call's cost; a window counts starts. */
  #weight(cost: number): number {
    return isRollingWindow(this.#spec) ? 1 : cost;
  }

  #tooBig(weight: number): RateLimitError | undefined {
    const spec = this.#spec;
    if (isRollingWindow(spec) || weight <= spec.capacity) return undefined;
    return new RateLimitError({
      provider: this.provider,
      code: 'rate_limited',
      message: `a request costing ${weight} tokens can never fit the ${this.limitClass} bucket of ${spec.capacity}`,
    });
  }

  /**
   * Plain promise chains rather than async functions on the way to the line: a queued call
   * holds one promise and its handlers here, not a suspended frame per step.
   */
  #dispatch<T>(weight: number, signal: CallSignal | undefined, send: () => Promise<T>): Promise<T> {
    const shared = this.#shared;
    if (!shared) return this.#runLane(this.#lane, weight, signal, send);
    if (this.#fallback && shared.client.status === 'ready') this.#leaveFallback();
    if (this.#fallback) return this.#runLane(this.#fallback, weight, signal, send);
    // Checked per call: Redis may come back after an outage.
    return redisReady(shared.client, REDIS_READY_MS, abortSignalOf(signal), this.#closing.signal).then(
      () => this.#runLane(this.#lane, weight, signal, send, (error) => this.#redisDown(weight, signal, send, error)),
      (error: unknown) => {
        this.#throwIfStopped(signal);
        return this.#redisDown(weight, signal, send, error);
      },
    );
  }

  #paused(): boolean {
    return this.#options.gate.remainingMs() > 0 || this.classGate.remainingMs() > 0;
  }

  /**
   * Wait out pauses, take the quota, wait out any pause that began meanwhile, send. A
   * failure of the quota itself (Redis) goes to `onQuotaFailure`; the caller's errors and
   * the call's own pass through. A retired line sends its calls to the current one.
   */
  #runLane<T>(lane: Lane, weight: number, signal: CallSignal | undefined, send: () => Promise<T>, onQuotaFailure?: (error: unknown) => Promise<T>): Promise<T> {
    const queued = this.#paused() ? this.#waitPauses(signal).then(() => lane.admission.acquire(weight, signal)) : lane.admission.acquire(weight, signal);
    return queued.then(
      (grant) => this.#granted(lane, grant, signal, send),
      (error: unknown) => {
        if (error === RETIRED) return this.#dispatch(weight, signal, send);
        if (onQuotaFailure && !(error instanceof MarketError) && !(signal?.aborted && error === signal.reason)) return onQuotaFailure(error);
        throw error;
      },
    );
  }

  #granted<T>(lane: Lane, grant: unknown, signal: CallSignal | undefined, send: () => Promise<T>): Promise<T> {
    if (this.#paused()) {
      return this.#waitPauses(signal).then(
        () => this.#granted(lane, grant, signal, send),
        (error: unknown) => {
          lane.quota.release(grant);
          throw error;
        },
      );
    }
    if (this.#closed) {
      lane.quota.release(grant);
      return Promise.reject(this.#closedError());
    }
    const answered = (): Promise<void> | undefined => this.#answered(lane, grant);
    let sending: Promise<T>;
    try {
      sending = send();
    } catch (error) {
      sending = Promise.reject(error);
    }
    return sending.then(
      (value) => {
        const done = answered();
        return done ? done.then(() => value) : value;
      },
      (error: unknown) => {
        const done = answered();
        if (done) return done.then(() => Promise.reject(error));
        throw error;
      },
    );
  }

  async #waitPauses(callSignal: CallSignal | undefined): Promise<void> {
    const gate = this.#options.gate;
    if (gate.remainingMs() <= 0 && this.classGate.remainingMs() <= 0) return;
    const closing = this.#closing.signal;
    const signal = abortSignalOf(callSignal);
    const both = signal ? AbortSignal.any([signal, closing]) : closing;
    try {
      // The key's shared pause is checked by the Redis scripts, in the same step as the take.
      await gate.waitHere(both);
      await this.classGate.waitHere(both);
    } catch (error) {
      this.#throwIfStopped(signal);
      throw error;
    }
  }

  #throwIfStopped(signal: CallSignal | undefined): void {
    if (signal?.aborted) throw signal.reason;
    if (this.#closed) throw this.#closedError();
  }

  async #redisDown<T>(weight: number, signal: CallSignal | undefined, send: () => Promise<T>, cause: unknown): Promise<T> {
    this.#throwIfStopped(signal);
    const shared = this.#shared!;
    const why = cause instanceof Error ? cause.message.split('\n')[0] : 'error';
    const unavailable = (extra: string): NetworkError =>
      new NetworkError({ provider: this.provider, code: 'redis_unavailable', message: `${this.provider}: the shared quota in Redis is unreachable (${why}); nothing was sent. ${extra}` });
    if (shared.onDown !== 'local') throw unavailable("Pass redis.onRedisDown: 'local' to fall back to a per-process share");
    const share = fallbackShare(this.#spec, shared.processes);
    if (!share) throw unavailable(`A ${this.limitClass} limit of ${(this.#spec as { limit: number }).limit} cannot be shared by ${shared.processes} processes without Redis`);
    if (!isRollingWindow(share) && weight > share.capacity) throw unavailable(`A request costing ${weight} tokens does not fit this process's share (${share.capacity}) of the ${this.limitClass} bucket`);
    if (!this.#fallback) {
      this.#fallback = this.#makeLocalLane(share, true);
      // Back to Redis as soon as it answers, even if no new call comes.
      shared.client.once('ready', this.#onRedisBack);
    }
    return this.#runLane(this.#fallback, weight, signal, send);
  }

  #leaveFallback(): void {
    const fallback = this.#fallback;
    if (!fallback) return;
    this.#fallback = undefined;
    this.#shared!.client.off('ready', this.#onRedisBack);
    // Redis does not know what the fallbacks spent: the next take accounts for it.
    (this.#lane.quota as RedisQuota<unknown>).rejoin = true;
    fallback.admission.close(() => RETIRED);
  }

  #makeLane(spec: LimitSpec): Lane {
    const shared = this.#shared;
    if (!shared) return this.#makeLocalLane(spec, false);
    const pauseKey = this.#options.gate.sharedKey ?? `${shared.id}_pause`;
    const quota: RedisQuota<unknown> = isRollingWindow(spec)
      ? new RedisWindow(shared.client, { id: shared.id, pauseKey, spec, maxAttemptMs: shared.maxAttemptMs })
      : new RedisBucket(shared.client, { id: shared.id, pauseKey, spec });
    return { quota, admission: this.#makeAdmission(quota) };
  }

  /** An in-process quota; a fallback starts empty: it does not know what the others spent. */
  #makeLocalLane(spec: LimitSpec, startEmpty: boolean): Lane {
    const lane = {} as Lane;
    const onFree = (): void => lane.admission.wake();
    lane.quota = isRollingWindow(spec) ? new LocalWindow(spec, { startEmpty, onFree }) : new LocalBucket(spec, { startEmpty, onFree });
    lane.admission = this.#makeAdmission(lane.quota);
    return lane;
  }

  #makeAdmission(quota: Lane['quota']): Admission<unknown> {
    return new Admission<unknown>(quota, {
      maxQueued: this.#options.maxQueued,
      onWait: this.#options.onQueued,
      queueFull: () =>
        new RateLimitError({
          provider: this.provider,
          code: 'queue_full',
          message: `${this.provider} ${this.limitClass} queue is full; call refused without sending`,
        }),
    });
  }

  #closedError(): ClientClosedError {
    return new ClientClosedError({ provider: this.provider, code: 'client_closed', message: `${this.provider} client is closed; the call was not sent` });
  }

  /** Calls waiting for quota (not those waiting for Redis to answer, or in flight). */
  queued(): number {
    return this.#lane.admission.size + (this.#fallback?.admission.size ?? 0);
  }

  /** Refuse every waiting call with `ClientClosedError` at once; nothing is sent after this. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#closing.abort();
    this.#shared?.client.off('ready', this.#onRedisBack);
    const closed = (): ClientClosedError => this.#closedError();
    this.#lane.admission.close(closed);
    this.#fallback?.admission.close(closed);
  }
}

/**
 * A process's share of the limit while Redis is away: `limit ÷ processes` (rounded down) per
 * window, or a bucket of `capacity ÷ processes` refilled at `rate ÷ processes`. A window
 * smaller than one start per process cannot be shared: undefined.
 */
export function fallbackShare(spec: LimitSpec, processes: number): LimitSpec | undefined {
  const n = Math.max(1, Math.floor(processes));
  if (isRollingWindow(spec)) {
    const limit = Math.floor(spec.limit / n);
    return limit >= 1 ? { limit, windowMs: spec.windowMs } : undefined;
  }
  return { capacity: spec.capacity / n, refillPerSecond: spec.refillPerSecond / n };
}

