/**
 * Keeps CSBoard's bad-key IP ban from ever tripping. More than 30 bad-key requests a minute
 * from one IP ban it for 5 minutes, valid keys included (reference/csboard.md §3), and the
 * ban counts requests from every key and every process on the machine. So the rules are per
 * host, not per key or client:
 * - a key is *proven* only by a 2xx answer to a request that carried it. Until then each of
 *   its attempts takes a slot of ONE budget per process, for every host name alike (`DEFAULT_UNPROVEN_BUDGET`, 10 per
 *   rolling minute, a third of the ban threshold) and an unproven key sends one request at
 *   a time; an attempt beyond the budget waits (honouring its signal) instead of being sent;
 * - a proven key never waits for that budget;
 * - after a 401 the key is dead: its calls fail fast, nothing is sent;
 * - after `401 too_many_failed_auth` nothing at all goes to the host until the ban ends.
 * With Redis the dead and proven keys, the ban, the one-at-a-time probe and the budget are
 * shared by every process (two Lua scripts; keys hold fingerprints, never a key).
 *
 * Redis slow is not Redis down. A loaded machine can starve a process for longer than a
 * command's timeout while the answer sits on its socket; if each such process then spent a
 * budget of its own, a fleet of them would trip the ban the budget exists to avoid. So a
 * failed look at Redis is tried again (the admission script is re-entrant for its token)
 * while the connection is up, for up to `REDIS_GIVE_UP_MS`. Only then is Redis down, and then
 * an unproven attempt is refused (nothing sent), whatever `redis.onRedisDown` says: the ban
 * counts every process on the IP, and without Redis none can know how many others are
 * spending — a per-process share of any size lets a big enough fleet trip it. Proven keys
 * are not held up. (Without `redis` at all, each process has its own budget: see csboard.md.)
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { AbortedError, AuthenticationError, ClientClosedError, MarketError, NetworkError } from '../../src/errors.js';
import { onAbort } from '../../src/limits/cancel.js';
import { patiently, redisReady, withRedisTimeout } from '../../src/limits/redis-patience.js';
import { keyFingerprint } from '../../src/limits/registry.js';

const PROVIDER = 'csboard';

/** The budget of authenticated attempts by unproven keys, one per process (and per Redis). */
export interface UnprovenBudget {
  /** Attempts per window, all unproven keys of the host together. */
  readonly limit: number;
  /** The rolling window, ms. */
  readonly windowMs: number;
  /** Longest sleep of a waiting call between two looks at the budget, the dead keys and the ban. */
  readonly pollMs: number;
}

/**
 * 10 a rolling minute: a third of the 30 that ban the IP, so even two processes that cannot
 * share state (no Redis) plus a human with curl stay under it; one slot proves a good key.
 */
export const DEFAULT_UNPROVEN_BUDGET: UnprovenBudget = Object.freeze({ limit: 10, windowMs: 60_000, pollMs: 250 });

let budget: UnprovenBudget = DEFAULT_UNPROVEN_BUDGET;

/**
 * Tests only (not exported by the package): a shorter window so a test does not wait a
 * minute; `undefined` restores the documented budget.
 * @internal
 */
export function setUnprovenBudgetForTests(override: Partial<UnprovenBudget> | undefined): void {
  budget = { ...DEFAULT_UNPROVEN_BUDGET, ...override };
}

/** How long a Redis mark lives: a dead or proven key is looked at again after an hour. */
const MARK_TTL_MS = 3_600_000;
/**
 * How often a proven key (or an unauthenticated call) looks in Redis for a death or a ban
 * another process saw: often enough to stop within a second, rarely enough to cost no speed.
 */
const SHARED_LOOK_MS = 1_000;
/** First wait for another process's probe of the same key (doubled on each look). */
const PROBE_POLL_MIN_MS = 10;
/** One look at Redis slower than this is tried again (see the file comment). */
const REDIS_TIMEOUT_MS = 1_000;
/** Failing looks at a connection that is up for this long mean Redis is down. */
const REDIS_GIVE_UP_MS = 5_000;

/** The attempts of one rolling window: when each started, and its token in Redis (if any). */
class RollingSlots {
  #starts: { at: number; token: string | undefined }[] = [];

  /** Take a slot: 0 when taken, else ms until one frees. */
  take(limit: number, windowMs: number, now: number): number {
    this.#starts = this.#starts.filter((s) => s.at > now - windowMs);
    if (this.#starts.length >= limit) return Math.max(1, this.#starts[0]!.at + windowMs - now);
    this.#starts.push({ at: now, token: undefined });
    return 0;
  }

  /** Nothing was sent on the slot taken at `at` (counted by Redis under `token`, if it was). */
  giveBack(at: number, token?: string): void {
    const i = this.#find(at, token);
    if (i >= 0) this.#starts.splice(i, 1);
  }

  /** Redis counted the slot taken at `at` under `token` (only such a slot is ever written back). */
  counted(at: number, token: string): void {
    const i = this.#find(at, undefined);
    if (i >= 0) this.#starts[i]!.token = token;
  }

  #find(at: number, token: string | undefined): number {
    for (let i = this.#starts.length - 1; i >= 0; i--) if (this.#starts[i]!.at === at && this.#starts[i]!.token === token) return i;
    return -1;
  }

  /** The slots of the last `windowMs` that Redis counted under a token, as [start, token] pairs. */
  shared(windowMs: number, now: number): [number, string][] {
    return this.#starts.filter((s) => s.at > now - windowMs && s.token !== undefined).map((s) => [s.at, s.token!]);
  }
}

/**
 * KEYS: budget. ARGV: window ms, then start and token of each slot. A restart of Redis
 * (without persistence) loses the budget's entries, not the requests sent on them: each
 * process writes its own slots of the last window back when its connection is made again,
 * under their tokens, so a connection that only dropped counts nothing twice.
 */
const RESEED = `
local n = 0
for i = 2, #ARGV - 1, 2 do
  n = n + redis.call('ZADD', KEYS[1], 'NX', ARGV[i], ARGV[i + 1])
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return n`;
/** Connections that write the process's budget back on each (re)connect. */
const reseeding = new WeakSet<Redis>();

/**
 * The unproven-key budget is one for the whole process, whatever host name a client uses:
 * CSBoard bans the client's IP, and one server reached as `127.0.0.1`, `localhost` and
 * `[::ffff:127.0.0.1]` (or a name and its address) is still one server counting one IP.
 */
const processBudget = { budget: new RollingSlots() };
/** The one budget of every process on the machine's IP, whatever host or key. */
const BUDGET_KEY = 'mm_csboard_auth:unproven';

/** Everything this process knows about one host; every client of the host shares it. */
class HostState {
  bannedUntil = 0;
  readonly budget = processBudget.budget;
  readonly dead = new Set<string>();
  readonly proven = new Set<string>();
  readonly readOnly = new Set<string>();
  /** Per key: the end of the chain of its unproven attempts (one at a time). */
  readonly probes = new Map<string, Promise<void>>();
}
const hosts = new Map<string, HostState>();

/**
 * Tests only: forget every host's bans, dead and proven keys and budget use.
 * @internal
 */
export function resetAuthGuardState(): void {
  hosts.clear();
  processBudget.budget = new RollingSlots();
}

/**
 * KEYS: ban, dead, proven, probe, budget. ARGV: mode ('peek' | 'proven' | 'unproven'),
 * token, limit, window ms, probe ttl ms. Returns {state, ms}: 'ban' (ms left), 'dead',
 * 'proven', 'probe' (another process is trying this key), 'wait' (ms until a budget slot
 * frees), 'go' (a slot and the probe taken, or already held by this token: a look whose
 * answer was lost can be made again) or 'ok' (peek).
 */
const ADMIT = `
local ban = redis.call('PTTL', KEYS[1])
if ban > 0 then return {'ban', ban} end
if ARGV[1] == 'peek' then return {'ok', 0} end
if redis.call('EXISTS', KEYS[2]) == 1 then return {'dead', 0} end
if ARGV[1] == 'proven' or redis.call('EXISTS', KEYS[3]) == 1 then return {'proven', 0} end
local holder = redis.call('GET', KEYS[4])
if holder == ARGV[2] then return {'go', 0} end
if holder then return {'probe', math.max(1, redis.call('PTTL', KEYS[4]))} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now - window)
if redis.call('ZCARD', KEYS[5]) >= tonumber(ARGV[3]) then
  local first = redis.call('ZRANGE', KEYS[5], 0, 0, 'WITHSCORES')
  return {'wait', math.max(1, tonumber(first[2]) + window - now)}
end
redis.call('ZADD', KEYS[5], now, ARGV[2])
redis.call('PEXPIRE', KEYS[5], window)
redis.call('SET', KEYS[4], ARGV[2], 'PX', ARGV[5])
return {'go', 0}`;

/**
 * KEYS: ban, dead, proven, probe, budget. ARGV: token ('' for none), outcome ('dead' |
 * 'proven' | ''), mark ttl ms, ban ms (0 for none), unsent ('1': nothing was sent under the
 * token, so its budget entry goes too). One step, so no process sees the probe released
 * before it sees the key dead.
 */
const SETTLE = `
if ARGV[2] == 'dead' then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  redis.call('DEL', KEYS[3])
elseif ARGV[2] == 'proven' and redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('SET', KEYS[3], '1', 'PX', ARGV[3])
end
local ban = tonumber(ARGV[4])
if ban > 0 and redis.call('PTTL', KEYS[1]) < ban then redis.call('SET', KEYS[1], '1', 'PX', ban) end
if ARGV[1] ~= '' and redis.call('GET', KEYS[4]) == ARGV[1] then redis.call('DEL', KEYS[4]) end
if ARGV[1] ~= '' and ARGV[5] == '1' then redis.call('ZREM', KEYS[5], ARGV[1]) end
return 1`;

interface AuthScripts {
  mmCsboardAuthAdmit(ban: string, dead: string, proven: string, probe: string, budget: string, mode: string, token: string, limit: number, windowMs: number, probeTtlMs: number): Promise<[string, number]>;
  mmCsboardAuthSettle(ban: string, dead: string, proven: string, probe: string, budget: string, token: string, outcome: string, markTtlMs: number, banMs: number, unsent: string): Promise<number>;
  mmCsboardAuthReseed(budget: string, windowMs: number, ...startsAndTokens: (number | string)[]): Promise<number>;
}

function scripted(client: Redis): AuthScripts {
  const c = client as Redis & Partial<AuthScripts>;
  if (typeof c.mmCsboardAuthAdmit !== 'function') {
    client.defineCommand('mmCsboardAuthAdmit', { numberOfKeys: 5, lua: ADMIT });
    client.defineCommand('mmCsboardAuthSettle', { numberOfKeys: 5, lua: SETTLE });
    client.defineCommand('mmCsboardAuthReseed', { numberOfKeys: 1, lua: RESEED });
  }
  return c as unknown as AuthScripts;
}

/** How long an unproven attempt waits for a Redis connection still being made (as the quota does). */
const REDIS_READY_MS = 2_000;
/** Ends a lost look's tries when the key was proven meanwhile in this process. */
const PROVEN_MEANWHILE = Symbol('proven meanwhile');
/** How long close() waits for its cancelled unproven calls to free what a lost look took. */
const CLOSE_UNWIND_MS = 1_000;

/** `promise`, or a rejection as soon as `signal` aborts (the work itself goes on). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('cancelled'));
  let stopListening = (): void => undefined;
  const aborted = new Promise<never>((_, reject) => (stopListening = onAbort(signal, () => reject(new Error('cancelled')))));
  return Promise.race([promise, aborted]).finally(() => stopListening());
}

/** An admitted unproven attempt; with Redis, `token` owns the key's probe and budget entry. */
interface Ticket {
  readonly token: string | undefined;
  /** When this process's budget slot was taken (given back if nothing is sent). */
  readonly takenAt: number;
}

/** One client's view of the guard: its host and key. State lives per host (see the file comment). */
export class CsboardAuthGuard {
  readonly #hostName: string;
  readonly #fp: string;
  readonly #probeTtlMs: number;
  readonly #closed = new AbortController();
  /** Unproven calls of this client waiting for admission (close() waits for them to unwind). */
  readonly #admitting = new Set<Promise<Ticket | undefined>>();
  #redis: Redis | undefined;
  #scripts: AuthScripts | undefined;
  #keys: { ban: string; dead: string; proven: string; probe: string; budget: string } | undefined;
  /** What this client learned and has not yet written to Redis. */
  #unshared: { dead: boolean; proven: boolean; banMs: number } = { dead: false, proven: false, banMs: 0 };
  /** When this client last looked in Redis for a ban or a dead key (`SHARED_LOOK_MS`). */
  #lookedAt = 0;

  /** `attemptTimeoutMs`: the longest one attempt can take, so a crashed process's probe expires. */
  constructor(baseUrl: string, apiKey: string, attemptTimeoutMs = 30_000) {
    this.#hostName = new URL(baseUrl).host;
    this.#fp = keyFingerprint(apiKey);
    this.#probeTtlMs = attemptTimeoutMs + 5_000;
  }

  get #host(): HostState {
    let h = hosts.get(this.#hostName);
    if (!h) hosts.set(this.#hostName, (h = new HostState()));
    return h;
  }

  /** Share the state through this Redis connection (the client's `core.redis`). */
  useRedis(client: Redis | undefined): void {
    if (!client) return;
    this.#redis = client;
    this.#scripts = scripted(client);
    const ns = `mm_csboard_auth:{${this.#hostName}}`;
    this.#keys = { ban: `${ns}:ban`, dead: `${ns}:dead:${this.#fp}`, proven: `${ns}:proven:${this.#fp}`, probe: `${ns}:probe:${this.#fp}`, budget: BUDGET_KEY };
    if (!reseeding.has(client)) {
      reseeding.add(client);
      client.on('ready', () => {
        const slots = processBudget.budget.shared(budget.windowMs, Date.now());
        if (slots.length > 0) void (client as Redis & AuthScripts).mmCsboardAuthReseed(BUDGET_KEY, budget.windowMs, ...slots.flat()).catch(() => undefined);
      });
    }
  }

  /** Throws if nothing may be sent now (a ban on the host; for `auth`, a dead key). */
  check(auth: boolean): void {
    const left = this.#host.bannedUntil - Date.now();
    if (left > 0) {
      throw new AuthenticationError({
        provider: PROVIDER,
        code: 'auth_banned',
        message: `csboard: this IP is banned for bad keys; nothing is sent for another ${Math.ceil(left / 1000)} s`,
        retryAfterMs: left,
        providerCode: 'too_many_failed_auth',
      });
    }
    if (auth && this.#host.dead.has(this.#fp)) {
      throw new AuthenticationError({
        provider: PROVIDER,
        code: 'authentication_failed',
        message: 'csboard: this key was refused (401) earlier; it is no longer used — check or replace it',
      });
    }
  }

  /** Wraps one attempt (quota included): see the file comment. */
  async enter<T>(auth: boolean, callSignal: AbortSignal, send: () => Promise<T>, sent: () => boolean = () => true): Promise<T> {
    if (!auth) {
      await this.#peekBan();
      this.check(false);
      return this.#sendAndShare(send, undefined, sent);
    }
    if (this.#host.proven.has(this.#fp)) return this.#sendProven(send, sent);
    const signal = AbortSignal.any([this.#closed.signal, callSignal]);
    const unlock = await this.#lockKey(signal);
    let locked = true;
    try {
      const ticket = await this.#admit(signal);
      if (!ticket) {
        unlock();
        locked = false;
        return await this.#sendProven(send, sent);
      }
      return await this.#sendAndShare(send, ticket, sent);
    } finally {
      if (locked) unlock();
    }
  }

  /** After `403 trading_not_enabled` the key is read-only for the rest of the process. */
  markReadOnly(): void {
    this.#host.readOnly.add(this.#fp);
  }

  isReadOnly(): boolean {
    return this.#host.readOnly.has(this.#fp);
  }

  /** An answer to a request that carried the key: only a 2xx proves it. */
  answered(status: number): void {
    if (status < 200 || status > 299 || this.#host.dead.has(this.#fp)) return;
    if (!this.#host.proven.has(this.#fp)) this.#unshared.proven = true;
    this.#host.proven.add(this.#fp);
  }

  /** A 401: with `bannedForMs` the host is banned, else (`authenticated`) the key is dead. */
  refused(authenticated: boolean, bannedForMs?: number): void {
    if (bannedForMs !== undefined) {
      const ms = Math.max(bannedForMs, 1000);
      this.#host.bannedUntil = Math.max(this.#host.bannedUntil, Date.now() + ms);
      this.#unshared.banMs = Math.max(this.#unshared.banMs, ms);
      return;
    }
    if (!authenticated) return;
    this.#host.dead.add(this.#fp);
    this.#host.proven.delete(this.#fp);
    this.#unshared.dead = true;
  }

  /**
   * The client closed: calls of this client waiting here are refused, and this waits (at most
   * `CLOSE_UNWIND_MS`) until each has freed in Redis what a lost look may have taken — the
   * connection is closed next, and a release asked after that would be refused.
   */
  async close(): Promise<void> {
    this.#closed.abort();
    if (this.#admitting.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.#admitting]), new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_UNWIND_MS)))]);
    clearTimeout(timer);
  }

  // ---- internals ----

  #signalError(signal: AbortSignal): Error {
    if (this.#closed.signal.aborted) {
      return new ClientClosedError({ provider: PROVIDER, code: 'client_closed', message: 'csboard: the client was closed while the call waited for the unproven-key budget; nothing was sent' });
    }
    return new AbortedError({ provider: PROVIDER, message: 'csboard: the call was cancelled while it waited for the unproven-key budget; nothing was sent', requestSent: false, reason: signal.reason });
  }

  async #pause(ms: number, signal: AbortSignal): Promise<void> {
    try {
      await sleep(ms, undefined, { signal });
    } catch {
      throw this.#signalError(signal);
    }
  }

  /** Wait for this key's previous unproven attempt in this process; returns the release. */
  async #lockKey(signal: AbortSignal): Promise<() => void> {
    const probes = this.#host.probes;
    const previous = probes.get(this.#fp) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    probes.set(this.#fp, tail);
    const unlock = (): void => {
      release();
      if (probes.get(this.#fp) === tail) probes.delete(this.#fp);
    };
    if (signal.aborted) {
      unlock();
      throw this.#signalError(signal);
    }
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<'aborted'>((resolve) => {
      onAbort = () => resolve('aborted');
      signal.addEventListener('abort', onAbort, { once: true });
    });
    const outcome = await Promise.race([previous.then(() => 'free' as const), aborted]);
    signal.removeEventListener('abort', onAbort!);
    if (outcome === 'aborted') {
      unlock();
      throw this.#signalError(signal);
    }
    return unlock;
  }

  /** Wait for a budget slot; `undefined` if the key turned out proven meanwhile. */
  #admit(signal: AbortSignal): Promise<Ticket | undefined> {
    const admitting = this.#admitOnce(signal);
    this.#admitting.add(admitting);
    const done = (): void => void this.#admitting.delete(admitting);
    admitting.then(done, done);
    return admitting;
  }

  async #admitOnce(signal: AbortSignal): Promise<Ticket | undefined> {
    // One token for every look: a look that took the probe but lost its answer is made again.
    const token = randomUUID();
    const lost = { look: false };
    let owned = false;
    try {
      const ticket = await this.#admitLoop(signal, token, lost);
      owned = ticket?.token === token;
      return ticket;
    } finally {
      // A lost look may still run in Redis and take the probe and a slot for this token: with
      // nothing sent under it, free both (queued on the same connection, after that look).
      if (lost.look && !owned) this.#release(token);
    }
  }

  async #admitLoop(signal: AbortSignal, token: string, lost: { look: boolean }): Promise<Ticket | undefined> {
    // Another process's probe is one request: look again soon, backing off to pollMs.
    let probePollMs = PROBE_POLL_MIN_MS;
    for (;;) {
      if (signal.aborted) throw this.#signalError(signal);
      this.check(true);
      if (this.#host.proven.has(this.#fp)) return undefined;
      const now = Date.now();
      const localWait = this.#host.budget.take(budget.limit, budget.windowMs, now);
      if (localWait > 0) {
        await this.#pause(Math.min(localWait, budget.pollMs), signal);
        continue;
      }
      if (!this.#scripts || !this.#keys) return { token: undefined, takenAt: now };
      const k = this.#keys;
      const scripts = this.#scripts;
      const redis = this.#redis!;
      // Between two tries, what this process learned meanwhile still decides: a cancel, a ban
      // or a dead key ends the call with its own error, a key proven meanwhile is sent as proven.
      const pauseBetweenTries = async (ms: number): Promise<void> => {
        await this.#pause(ms, signal);
        this.check(true);
        if (this.#host.proven.has(this.#fp)) throw PROVEN_MEANWHILE;
      };
      let answer: [string, number];
      try {
        // Re-entrant for its token: a look whose answer was lost is asked again, never counted twice.
        answer = await patiently(
          redis,
          async () => {
            // A connection still being made is not a Redis that is down.
            await redisReady(redis, REDIS_READY_MS, signal);
            // A cancel (or close) does not wait for a silent Redis: the look is lost, and released.
            return untilAborted(withRedisTimeout(scripts.mmCsboardAuthAdmit(k.ban, k.dead, k.proven, k.probe, k.budget, 'unproven', token, budget.limit, budget.windowMs, this.#probeTtlMs), REDIS_TIMEOUT_MS), signal);
          },
          { giveUpMs: REDIS_GIVE_UP_MS, maxPauseMs: budget.pollMs, pause: pauseBetweenTries, onFailure: () => (lost.look = true), signal },
        );
      } catch (error) {
        this.#host.budget.giveBack(now);
        if (error === PROVEN_MEANWHILE) return undefined;
        if (error instanceof MarketError) throw error;
        if (signal.aborted) throw this.#signalError(signal);
        throw this.#redisDown(error);
      }
      const [state, ms] = answer;
      if (state === 'go') {
        this.#host.budget.counted(now, token);
        return { token, takenAt: now };
      }
      this.#host.budget.giveBack(now);
      this.#learn(state, ms);
      if (state === 'proven') return undefined;
      if (state === 'wait') await this.#pause(Math.min(Math.max(1, ms), budget.pollMs), signal);
      if (state === 'probe') {
        await this.#pause(Math.min(probePollMs, budget.pollMs), signal);
        probePollMs *= 2;
      }
    }
  }

  /** Free this token's probe and budget entry in Redis, if a lost look took them (best effort). */
  #release(token: string): void {
    const k = this.#keys!;
    void this.#scripts!.mmCsboardAuthSettle(k.ban, k.dead, k.proven, k.probe, k.budget, token, '', MARK_TTL_MS, 0, '1').catch(() => undefined);
  }

  /** Redis is down: the refusal of an unproven attempt (see the file comment). */
  #redisDown(cause: unknown): NetworkError {
    const why = cause instanceof Error ? cause.message.split('\n')[0] : 'error';
    return new NetworkError({
      provider: PROVIDER,
      code: 'redis_unavailable',
      message: `csboard: the bad-key guard's state in Redis is unreachable (${why}); nothing was sent with this not yet proven key. Without Redis the processes on this IP cannot count their bad-key requests together, so unproven keys wait for it; proven keys are not held up`,
    });
  }

  /** Take in what Redis says of the key or host. */
  #learn(state: string, ms: number): void {
    if (state === 'ban') this.#host.bannedUntil = Math.max(this.#host.bannedUntil, Date.now() + ms);
    if (state === 'dead') {
      this.#host.dead.add(this.#fp);
      this.#host.proven.delete(this.#fp);
    }
    if (state === 'proven' && !this.#host.dead.has(this.#fp)) this.#host.proven.add(this.#fp);
  }

  /** An unauthenticated call still stops for a ban another process saw. */
  async #peekBan(): Promise<void> {
    if (!this.#scripts || !this.#keys || Date.now() - this.#lookedAt < SHARED_LOOK_MS) return;
    this.#lookedAt = Date.now();
    const k = this.#keys;
    try {
      // As long as the quota waits for a connection being made (no longer), or it would miss a ban.
      await redisReady(this.#redis!, REDIS_READY_MS);
      const [state, ms] = await withRedisTimeout(this.#scripts.mmCsboardAuthAdmit(k.ban, k.dead, k.proven, k.probe, k.budget, 'peek', '', 0, 0, 0), REDIS_TIMEOUT_MS);
      this.#learn(state, ms);
    } catch {
      // Redis down: this process's own knowledge of the ban still applies.
    }
  }

  /** A proven key: no budget, but a key another process saw die, or a ban, still stops it. */
  async #sendProven<T>(send: () => Promise<T>, sent: () => boolean): Promise<T> {
    if (this.#scripts && this.#keys && Date.now() - this.#lookedAt >= SHARED_LOOK_MS) {
      this.#lookedAt = Date.now();
      const k = this.#keys;
      try {
        await redisReady(this.#redis!, REDIS_READY_MS);
        const [state, ms] = await withRedisTimeout(this.#scripts.mmCsboardAuthAdmit(k.ban, k.dead, k.proven, k.probe, k.budget, 'proven', '', 0, 0, 0), REDIS_TIMEOUT_MS);
        this.#learn(state, ms);
      } catch {
        // Redis down: a proven key never waits; its own 401 still stops it.
      }
      this.check(true);
    }
    return this.#sendAndShare(send, undefined, sent);
  }

  /**
   * Send, then write what was learned (and free the probe) in one step, before anyone else
   * goes. An attempt that never reached the wire (cancelled or refused while it waited for the
   * quota) gives its budget slot back, here and in Redis.
   */
  async #sendAndShare<T>(send: () => Promise<T>, ticket: Ticket | undefined, sent: () => boolean): Promise<T> {
    try {
      return await send();
    } finally {
      const unsent = ticket !== undefined && !sent();
      if (unsent) this.#host.budget.giveBack(ticket.takenAt, ticket.token);
      await this.#share(ticket?.token, unsent);
    }
  }

  async #share(token: string | undefined, unsent = false): Promise<void> {
    const pending = this.#unshared;
    if (!this.#scripts || !this.#keys || (!token && !pending.dead && !pending.proven && pending.banMs === 0)) return;
    this.#unshared = { dead: false, proven: false, banMs: 0 };
    const outcome = pending.dead ? 'dead' : pending.proven ? 'proven' : '';
    const k = this.#keys;
    const scripts = this.#scripts;
    try {
      // Settling twice is settling once, so a lost answer is tried again while the connection is up.
      await patiently(
        this.#redis!,
        () => withRedisTimeout(scripts.mmCsboardAuthSettle(k.ban, k.dead, k.proven, k.probe, k.budget, token ?? '', outcome, MARK_TTL_MS, pending.banMs, unsent ? '1' : '0'), REDIS_TIMEOUT_MS),
        { giveUpMs: REDIS_GIVE_UP_MS, maxPauseMs: budget.pollMs },
      );
    } catch {
      // Not shared: this process still knows; the probe expires by itself.
    }
  }
}
