/**
 * Quotas kept in this process, counted from exact elapsed time (`performance.now()`).
 * Both can start empty: a stand-in for a shared quota does not know what others spent.
 */
import type { QuotaSource, Take } from './admission.js';
import { isRollingWindow, type LimitSpec, type RollingWindow, type TokenBucket } from './specs.js';

/**
 * A bucket keeps this much refill in reserve: the server counts a call when it arrives, a
 * little after we sent it and not always equally late (signing, the network, its own clock).
 * The reserve is never spent, so the sustained rate is the full rate; only the burst is
 * smaller. A call costing the whole capacity still fits a full bucket.
 */
export const BUCKET_RESERVE_MS = 50;

/** The tokens a call of `cost` must leave in a bucket: the reserve, but never more than fits. */
export function bucketReserve(spec: TokenBucket, cost: number): number {
  return Math.max(0, Math.min((spec.refillPerSecond * BUCKET_RESERVE_MS) / 1000, spec.capacity - cost));
}

/** A quota in this process: taken by an `Admission`, given back as calls end. */
export interface LocalQuota<G> extends QuotaSource<G> {
  /** The call on this grant ended (answered or failed): a window frees the slot a window later. */
  answered(grant: G): void;
  /** The limits changed; what was spent stays counted. */
  update(spec: LimitSpec): void;
}

/**
 * Never more than `limit` starts in any `windowMs`: a start takes a slot, which comes back
 * `windowMs` after that call's answer.
 */
export class LocalWindow implements LocalQuota<true> {
  #limit: number;
  #windowMs: number;
  /** Slots in use or cooling down. */
  #taken = 0;
  /** When cooling slots come back, in the order they were answered. */
  #frees: number[] = [];
  #freesHead = 0;
  /** Nothing starts before this (an empty start: the window counts as spent). */
  #blockedUntil = 0;
  readonly #onFree: () => void;

  constructor(spec: RollingWindow, options: { startEmpty: boolean; onFree: () => void }) {
    this.#limit = spec.limit;
    this.#windowMs = spec.windowMs;
    this.#onFree = options.onFree;
    if (options.startEmpty) this.#blockedUntil = performance.now() + spec.windowMs;
  }

  take(): Take<true> {
    const now = performance.now();
    while (this.#freesHead < this.#frees.length && this.#frees[this.#freesHead]! <= now) {
      this.#freesHead += 1;
      this.#taken -= 1;
    }
    if (this.#freesHead > 1024 && this.#freesHead * 2 > this.#frees.length) {
      this.#frees = this.#frees.slice(this.#freesHead);
      this.#freesHead = 0;
    }
    if (now < this.#blockedUntil) return { waitMs: this.#blockedUntil - now };
    if (this.#taken < this.#limit) {
      this.#taken += 1;
      return { grant: true };
    }
    // Every slot is in flight: an answer wakes the line.
    if (this.#freesHead === this.#frees.length) return { waitMs: Infinity };
    return { waitMs: this.#frees[this.#freesHead]! - now };
  }

  answered(): void {
    this.#frees.push(performance.now() + this.#windowMs);
    this.#onFree();
  }

  release(): void {
    this.#taken -= 1;
    this.#onFree();
  }

  update(spec: LimitSpec): void {
    if (!isRollingWindow(spec)) throw new TypeError('a rolling window cannot become a token bucket in place');
    this.#limit = spec.limit;
    this.#windowMs = spec.windowMs;
    this.#onFree();
  }
}

/**
 * A token bucket refilled continuously: tokens = elapsed × rate, capped at the capacity, a
 * call taking its cost only when that many (plus the reserve) are there. Unlike a refill every
 * heartbeat, it never hands out a token before its time.
 */
export class LocalBucket implements LocalQuota<number> {
  #capacity: number;
  /** Tokens per millisecond. */
  #rate: number;
  #tokens: number;
  #at: number;
  readonly #onFree: () => void;

  constructor(spec: TokenBucket, options: { startEmpty: boolean; onFree: () => void }) {
    this.#capacity = spec.capacity;
    this.#rate = spec.refillPerSecond / 1000;
    this.#tokens = options.startEmpty ? 0 : spec.capacity;
    this.#at = performance.now();
    this.#onFree = options.onFree;
  }

  #refill(): void {
    const now = performance.now();
    this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#at) * this.#rate);
    this.#at = now;
  }

  take(cost: number): Take<number> {
    this.#refill();
    const needed = cost + bucketReserve({ capacity: this.#capacity, refillPerSecond: this.#rate * 1000 }, cost);
    if (this.#tokens >= needed) {
      this.#tokens -= cost;
      return { grant: cost };
    }
    return { waitMs: (needed - this.#tokens) / this.#rate };
  }

  answered(): void {}

  /** Nothing was sent on these tokens: they go back (never above the capacity). */
  release(cost: number): void {
    this.#refill();
    this.#tokens = Math.min(this.#capacity, this.#tokens + cost);
    this.#onFree();
  }

  update(spec: LimitSpec): void {
    if (isRollingWindow(spec)) throw new TypeError('a token bucket cannot become a rolling window in place');
    this.#refill();
    // What was spent and not yet refilled stays counted against the new bucket too.
    const deficit = Math.max(0, this.#capacity - this.#tokens);
    this.#tokens = Math.max(0, Math.min(this.#tokens, spec.capacity) - deficit);
    this.#capacity = spec.capacity;
    this.#rate = spec.refillPerSecond / 1000;
    this.#onFree();
  }
}
