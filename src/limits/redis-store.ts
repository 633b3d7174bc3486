/**
 * Shared quota through Redis: one Lua script per take, over ioredis, for both kinds of limit.
 *
 * - A rolling window is a sorted set of leases, one per request start, scored with the time
 *   the slot frees: "now + the longest an attempt can take + the window" when taken, "answer
 *   time + the window" once answered. A process that dies mid-call cannot keep a slot.
 * - A token bucket is a hash: tokens (a number) and the Redis time they were counted at, in
 *   whole microseconds. A take refills elapsed × rate (capped at the capacity) and takes the
 *   cost if it is there (leaving the reserve, see `BUCKET_RESERVE_MS`), else answers the wait
 *   in ms.
 *
 * Times come from Redis (`TIME`), so hosts share one clock. Each script is one atomic step,
 * so no process can take more than the limit.
 *
 * Lost state. Redis may restart without persistence (or from an older snapshot) and forget
 * what was spent. Every reply names the server's `run_id`, and each limiter passes back the
 * one it saw last; a limiter's state records the `run_id` that wrote it. When a process saw
 * another run before, or the state was written by another run, what was spent is lost: the
 * quota is rebuilt as spent at the moment the server started — a window closed until one
 * window after that start, a bucket refilled from empty since that start. (A server up for
 * longer than that cannot have a lost start in the current window.) A first use, by
 * processes that never saw another run, starts full: if Redis and every process restart
 * together, the spending before is as unknown as a single process's after its restart.
 *
 * Coming back from the local fallback (`rejoin`): the others may still be spending their
 * fallback share until they notice Redis is back (at most `REJOIN_SLACK_MS`), and nobody told
 * Redis what the fallbacks spent: a window is closed until one window after that slack, a
 * bucket is left at no more than minus the slack's refill.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Redis, RedisOptions as IORedisOptions } from 'ioredis';
import type { QuotaSource, Take } from './admission.js';
import { bucketReserve } from './local-quota.js';
import { patiently } from './redis-patience.js';
import type { RollingWindow, TokenBucket } from './specs.js';

/** How to share the quota through Redis (the client option `redis`). */
export interface RedisQuotaOptions {
  /** `redis://host:port/db`; or give a ready `client`. */
  url?: string | undefined;
  /** A connected ioredis client to share the quota through; marketmux duplicates it and never closes yours. */
  client?: Redis | undefined;
  /**
   * Redis unreachable: `fail` (default) refuses calls with a typed error; `local` falls back
   * to an in-process limiter that starts empty with `1/processes` of the limit, and returns
   * to Redis once it answers again.
   */
  onRedisDown?: 'fail' | 'local' | undefined;
  /** How many processes share the key, for the `local` fallback's share (default 4). */
  processes?: number | undefined;
}

/** Longest delay between two reconnection attempts. */
const RECONNECT_MAX_MS = 1_000;

/**
 * How long after Redis is back another process may still spend its fallback share: its
 * next reconnection attempt, plus its connect and one call already granted.
 */
export const REJOIN_SLACK_MS = RECONNECT_MAX_MS + 1_000;

/** Connection settings for the quota's own connection. */
export const REDIS_CLIENT_OPTIONS: IORedisOptions = {
  // Fail fast instead of queueing commands while Redis is away: a quota we cannot check is
  // a call we must not send.
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  connectTimeout: 2_000,
  // A Redis that accepts but does not answer (stopped, overloaded) must not hold calls forever.
  commandTimeout: 1_000,
  retryStrategy: (times) => Math.min(times * 100, RECONNECT_MAX_MS),
};

/**
 * Our own connection: from the URL, or a duplicate of the caller's client (same server and
 * credentials) so that closing the marketmux client never closes the caller's.
 */
export function connectRedis(options: RedisQuotaOptions): Redis {
  if (options.client) return options.client.duplicate(REDIS_CLIENT_OPTIONS);
  if (!options.url) throw new TypeError('redis needs { url } or { client }');
  const { Redis: RedisClient } = loadIoredis();
  return new RedisClient(options.url, REDIS_CLIENT_OPTIONS);
}

let ioredis: typeof import('ioredis') | undefined;

/**
 * ioredis is loaded the first time a client asks for a Redis URL, not when marketmux is
 * imported: most processes never share a quota, and it is 20 MB of RSS and ~60 ms of startup.
 * A factory is synchronous, so this is a synchronous `require` of the (CommonJS) package.
 */
function loadIoredis(): typeof import('ioredis') {
  ioredis ??= createRequire(import.meta.url)('ioredis') as typeof import('ioredis');
  return ioredis;
}

/** Shared by both scripts: Redis time (ms, and whole µs), its run id and start time. */
const PREAMBLE = `
local t = redis.call('TIME')
local nowUs = tonumber(t[1]) * 1000000 + tonumber(t[2])
local now = math.floor(nowUs / 1000)
local info = redis.call('INFO', 'server')
local run = string.match(info, 'run_id:(%x+)')
local startedAt = now - tonumber(string.match(info, 'uptime_in_seconds:(%d+)')) * 1000
`;

/** The state was lost if it was written by another run, or the caller last saw another run. */
const LOST = `(stateRun and stateRun ~= run) or (known ~= '' and known ~= run)`;

/**
 * KEYS: leases, the key's shared pause, the window's state (hash: run, until).
 * ARGV: member, limit, hold ms, leases ttl ms, window ms, rejoin (1/0), slack ms, the run
 * the caller saw last ('' if none).
 * Returns {0, 0, run} when taken, {1, ms, run} to wait for a slot (answers may free one
 * sooner), {2, ms, run} to wait whole (a pause, or a window closed by lost state or a rejoin).
 */
const WINDOW_TAKE = `
${PREAMBLE}
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return {2, paused, run} end
local windowMs = tonumber(ARGV[5])
local known = ARGV[8]
local state = redis.call('HMGET', KEYS[3], 'run', 'until')
local stateRun = state[1]
local closedUntil = tonumber(state[2]) or 0
if ${LOST} then closedUntil = math.max(closedUntil, startedAt + windowMs) end
if ARGV[6] == '1' then closedUntil = math.max(closedUntil, now + tonumber(ARGV[7]) + windowMs) end
redis.call('HSET', KEYS[3], 'run', run, 'until', closedUntil)
redis.call('PEXPIRE', KEYS[3], math.max(tonumber(ARGV[4]), closedUntil - now + 60000))
if closedUntil > now then return {2, closedUntil - now, run} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
-- The same take asked again (its answer was lost): the lease it holds is its grant.
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return {0, 0, run} end
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]))
  return {0, 0, run}
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {1, math.max(1, tonumber(first[2]) - now), run}`;

/** KEYS: leases. ARGV: member, window ms. The slot frees one window after the answer. */
const WINDOW_ANSWERED = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
return redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])`;

/**
 * KEYS: the bucket (hash: tokens, at µs, run), the key's shared pause.
 * ARGV: capacity, tokens per second, cost, ttl ms, rejoin (1/0), slack ms, the run the
 * caller saw last ('' if none), the reserve (tokens a take must leave).
 * Returns {0, 0, run} when taken, {1, ms, run} to wait for the tokens, {2, ms, run} for a pause.
 */
const BUCKET_TAKE = `
${PREAMBLE}
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return {2, paused, run} end
local capacity = tonumber(ARGV[1])
local perUs = tonumber(ARGV[2]) / 1000000
local cost = tonumber(ARGV[3])
local known = ARGV[7]
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at', 'run')
local stateRun = b[3]
local tokens = capacity
if stateRun == run and b[1] then
  tokens = math.min(capacity, tonumber(b[1]) + (nowUs - tonumber(b[2])) * perUs)
end
-- Lost: empty when the server started, refilled since.
if ${LOST} then tokens = math.min(tokens, (now - startedAt) * 1000 * perUs) end
if ARGV[5] == '1' then tokens = math.min(tokens, -tonumber(ARGV[6]) * 1000 * perUs) end
local needed = cost + tonumber(ARGV[8])
local taken = tokens >= needed
if taken then tokens = tokens - cost end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'at', string.format('%.17g', nowUs), 'run', run)
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]))
if taken then return {0, 0, run} end
return {1, math.max(1, math.ceil((needed - tokens) / perUs / 1000)), run}`;

type Reply = [kind: number, ms: number, run: string];

interface Scripted extends Redis {
  mmWindowTake(leases: string, pause: string, state: string, member: string, limit: number, holdMs: number, ttlMs: number, windowMs: number, rejoin: number, slackMs: number, knownRun: string): Promise<Reply>;
  mmWindowAnswered(leases: string, member: string, windowMs: number): Promise<number>;
  mmBucketTake(bucket: string, pause: string, capacity: number, perSecond: number, cost: number, ttlMs: number, rejoin: number, slackMs: number, knownRun: string, reserve: number): Promise<Reply>;
}

function scripted(client: Redis): Scripted {
  const c = client as Scripted;
  if (typeof c.mmWindowTake !== 'function') {
    client.defineCommand('mmWindowTake', { numberOfKeys: 3, lua: WINDOW_TAKE });
    client.defineCommand('mmWindowAnswered', { numberOfKeys: 1, lua: WINDOW_ANSWERED });
    client.defineCommand('mmBucketTake', { numberOfKeys: 2, lua: BUCKET_TAKE });
  }
  return c;
}

/** Longest pause between two tries while waiting for a slot: answers free slots sooner than leases say. */
const MAX_POLL_MS = 25;

/**
 * How long a take keeps trying while the connection is up but answers do not come. A starved
 * process sees its command time out with the answer on its socket; failing then would fail
 * every queued call of the line for a moment's stall. A retry only ever counts more than was
 * spent (a lost window take re-asks under the same lease; a lost bucket take's tokens stay
 * spent), never less. Past this, or with the connection down, Redis is down.
 */
export const SLOW_REDIS_GIVE_UP_MS = 3_000;
const TAKE_PATIENCE = { giveUpMs: SLOW_REDIS_GIVE_UP_MS, maxPauseMs: 250 };

/** A quota in Redis, as an `Admission` asks it. */
export interface RedisQuota<G> extends QuotaSource<G> {
  /** The next take also accounts for a return from the local fallback. */
  rejoin: boolean;
  /** The Redis run this limiter saw last: a reply from another run means the state was lost. */
  knownRun: string;
  /** The call on this grant ended (answered or failed). */
  answered(grant: G): Promise<void>;
}

/** Rebuild {0|1|2, ms} as what the line understands. */
function toTake<G>(reply: Reply, grant: G, pollMs: number): Take<G> {
  const [kind, ms] = reply;
  if (kind === 0) return { grant };
  return { waitMs: kind === 1 ? Math.min(ms, pollMs) : ms };
}

/** One rolling window shared through Redis. */
export class RedisWindow implements RedisQuota<string> {
  rejoin = false;
  knownRun = '';
  readonly #redis: Scripted;
  readonly #leases: string;
  readonly #state: string;
  readonly #pauseKey: string;
  #spec: RollingWindow;
  readonly #maxAttemptMs: number;

  constructor(client: Redis, options: { id: string; pauseKey: string; spec: RollingWindow; maxAttemptMs: number }) {
    this.#redis = scripted(client);
    this.#leases = `mm_${options.id}_leases`;
    this.#state = `mm_${options.id}_state`;
    this.#pauseKey = options.pauseKey;
    this.#spec = options.spec;
    this.#maxAttemptMs = options.maxAttemptMs;
  }

  /** The limits given in code apply; leases in Redis are shared, limits are not stored. */
  setSpec(spec: RollingWindow): void {
    this.#spec = spec;
  }

  async take(): Promise<Take<string>> {
    const member = randomUUID();
    const { limit, windowMs } = this.#spec;
    const hold = this.#maxAttemptMs + windowMs;
    const rejoin = this.rejoin;
    const reply = await patiently(this.#redis, () => this.#redis.mmWindowTake(this.#leases, this.#pauseKey, this.#state, member, limit, hold, Math.max(60_000, 2 * hold), windowMs, rejoin ? 1 : 0, REJOIN_SLACK_MS, this.knownRun), TAKE_PATIENCE);
    // The script ran: the rejoin and any lost state are accounted for.
    if (rejoin) this.rejoin = false;
    this.knownRun = reply[2];
    return toTake(reply, member, MAX_POLL_MS);
  }

  /** The answer arrived (or the attempt failed): the slot frees one window from now. */
  async answered(member: string): Promise<void> {
    await this.#redis.mmWindowAnswered(this.#leases, member, this.#spec.windowMs);
  }

  /** Nothing was sent on this lease: free it at once. */
  release(member: string): void {
    void this.#redis.zrem(this.#leases, member).catch(() => undefined);
  }
}

/** One token bucket shared through Redis. */
export class RedisBucket implements RedisQuota<number> {
  rejoin = false;
  knownRun = '';
  readonly #redis: Scripted;
  readonly #key: string;
  readonly #pauseKey: string;
  #spec: TokenBucket;

  constructor(client: Redis, options: { id: string; pauseKey: string; spec: TokenBucket }) {
    this.#redis = scripted(client);
    this.#key = `mm_${options.id}_bucket`;
    this.#pauseKey = options.pauseKey;
    this.#spec = options.spec;
  }

  /** The capacity and refill given in code apply; the tokens left are shared state and stay (capped). */
  setSpec(spec: TokenBucket): void {
    this.#spec = spec;
  }

  async take(cost: number): Promise<Take<number>> {
    const { capacity, refillPerSecond } = this.#spec;
    // Idle for one fill, a bucket is full: its state may expire then.
    const ttl = Math.max(60_000, Math.ceil((2_000 * capacity) / refillPerSecond));
    const rejoin = this.rejoin;
    const reply = await patiently(this.#redis, () => this.#redis.mmBucketTake(this.#key, this.#pauseKey, capacity, refillPerSecond, cost, ttl, rejoin ? 1 : 0, REJOIN_SLACK_MS, this.knownRun, bucketReserve(this.#spec, cost)), TAKE_PATIENCE);
    if (rejoin) this.rejoin = false;
    this.knownRun = reply[2];
    // The wait is exact: nothing but time refills a bucket.
    return toTake(reply, cost, Infinity);
  }

  async answered(): Promise<void> {}

  /** Tokens taken but not sent stay spent: giving them back would need another round trip, and keeping them is safe. */
  release(): void {}
}
