/**
 * Shared quota through Redis. Token buckets use Bottleneck's cluster mode (ioredis) as is.
 * A rolling window needs what Bottleneck's reservoir cannot give across processes: a slot
 * that returns a window after its answer, and that still returns if the process holding it
 * dies. So a rolling window in Redis is a sorted set of leases, one per request start,
 * scored with the time the slot frees: "now + the longest an attempt can take + the
 * window" when taken, "answer time + the window" once answered. Taking a slot is one Lua
 * script (drop due leases, count, add), so no process can take more than the limit and no
 * crash can leak a slot. Times come from Redis (`TIME`), so hosts share one clock.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis, type RedisOptions as IORedisOptions } from 'ioredis';

export interface RedisQuotaOptions {
  /** `redis://host:port/db`; or give a ready `client`. */
  url?: string | undefined;
  client?: Redis | undefined;
  /**
   * Redis unreachable: `fail` (default) refuses calls with a typed error; `local` falls
   * back to an in-process limiter with a per-process share of the limit.
   */
  onRedisDown?: 'fail' | 'local' | undefined;
  /** How many processes share the key, for the `local` fallback's share (default 4). */
  processes?: number | undefined;
}

/**
 * KEYS: leases, the key's shared pause. ARGV: member, limit, hold ms, key ttl ms. Returns 0
 * when taken, ms to wait for a slot, or minus the ms left of a pause (checked in the same
 * step, so no slot is taken while the key is paused).
 */
const ACQUIRE = `
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return -paused end
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]))
  return 0
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(first[2]) - now)`;

/** KEYS: leases. ARGV: member, window ms. The slot frees one window after the answer. */
const ANSWERED = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
return redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])`;

export const REDIS_CLIENT_OPTIONS: IORedisOptions = {
  // Fail fast instead of queueing commands while Redis is away: a quota we cannot check is
  // a call we must not send.
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  connectTimeout: 2_000,
  retryStrategy: (times) => Math.min(times * 200, 2_000),
};

/**
 * Our own connection: from the URL, or a duplicate of the caller's client (same server and
 * credentials) so that closing the marketmux client never closes the caller's.
 */
export function connectRedis(options: RedisQuotaOptions): Redis {
  if (options.client) return options.client.duplicate(REDIS_CLIENT_OPTIONS);
  if (!options.url) throw new TypeError('redis needs { url } or { client }');
  return new Redis(options.url, REDIS_CLIENT_OPTIONS);
}

interface Scripted extends Redis {
  mmAcquire(leases: string, pause: string, member: string, limit: number, holdMs: number, ttlMs: number): Promise<number>;
  mmAnswered(leases: string, member: string, windowMs: number): Promise<number>;
}

function scripted(client: Redis): Scripted {
  const c = client as Scripted;
  if (typeof c.mmAcquire !== 'function') {
    client.defineCommand('mmAcquire', { numberOfKeys: 2, lua: ACQUIRE });
    client.defineCommand('mmAnswered', { numberOfKeys: 1, lua: ANSWERED });
  }
  return c;
}

/** Longest pause between two tries while waiting: answers free slots sooner than leases say. */
const MAX_POLL_MS = 25;

/** One rolling window shared through Redis; waiting calls of this process queue in order. */
export class RedisRollingWindow {
  readonly #redis: Scripted;
  readonly #key: string;
  #limit: number;
  readonly #windowMs: number;
  readonly #maxAttemptMs: number;
  #tail: Promise<void> = Promise.resolve();

  constructor(client: Redis, id: string, limit: number, windowMs: number, maxAttemptMs: number) {
    this.#redis = scripted(client);
    this.#key = `mm_${id}_leases`;
    this.#limit = limit;
    this.#windowMs = windowMs;
    this.#maxAttemptMs = maxAttemptMs;
  }

  /** The limit given in code applies; leases in Redis are shared, limits are not stored. */
  setLimit(limit: number): void {
    this.#limit = limit;
  }

  /**
   * Wait until the key is not paused (`pauseKey`) and a slot is free, in arrival order within
   * this process; returns the slot's lease. One round trip when nothing waits.
   */
  acquire(pauseKey: string, signal?: AbortSignal): Promise<string> {
    const member = randomUUID();
    const hold = this.#maxAttemptMs + this.#windowMs;
    const run = this.#tail.then(async () => {
      for (;;) {
        signal?.throwIfAborted();
        const wait = await this.#redis.mmAcquire(this.#key, pauseKey, member, this.#limit, hold, Math.max(60_000, 2 * hold));
        if (wait === 0) return member;
        // A pause is waited out whole; a full window is polled, since answers free slots early.
        await sleep(wait < 0 ? -wait : Math.min(wait, MAX_POLL_MS), undefined, { signal });
      }
    });
    this.#tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** The answer arrived (or the attempt failed): the slot frees one window from now. */
  async answered(member: string): Promise<void> {
    await this.#redis.mmAnswered(this.#key, member, this.#windowMs);
  }

  /** Nothing was sent on this lease: free it at once. */
  async release(member: string): Promise<void> {
    await this.#redis.zrem(this.#key, member);
  }
}
