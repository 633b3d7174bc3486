/**
 * Slow is not down: how everything shared through Redis (the quota, a provider's guard) tells
 * a Redis that answers late from one that is gone. A process starved of CPU sees its command
 * time out while the answer sits on its socket; taking that for an outage would fail queued
 * calls, or let each process fall back to a budget of its own. So a failed command is tried
 * again while the connection is up, for a bounded time; only a connection that is down, or
 * that long of failures, is Redis down. A command tried again must be safe to repeat (a take
 * under the same lease or token, an idempotent settle): that is the caller's part.
 */
import type { Redis } from 'ioredis';

/**
 * Calls waiting for each connection to be ready. One 'ready' listener per connection, however
 * many wait: it also ends a give-up (a connection made anew is trusted again).
 */
const readyWaiters = new WeakMap<Redis, Set<() => void>>();

function waitersOf(client: Redis): Set<() => void> {
  const known = readyWaiters.get(client);
  if (known) return known;
  const waiting = new Set<() => void>();
  client.on('ready', () => {
    givenUp.delete(client);
    const now = [...waiting];
    waiting.clear();
    for (const f of now) f();
  });
  readyWaiters.set(client, waiting);
  return waiting;
}

function onNextReady(client: Redis, fn: () => void): () => void {
  const set = waitersOf(client);
  set.add(fn);
  return () => set.delete(fn);
}

/** Resolve when the ioredis client is connected; reject after `ms`, or when a signal fires. */
export function redisReady(client: Redis, ms: number, ...signals: (AbortSignal | undefined)[]): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const done = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stopWaiting();
      for (const s of signals) s?.removeEventListener('abort', onAbort);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onAbort = (): void => done(new Error('stopped while waiting for Redis'));
    const timer = setTimeout(() => done(new Error(`no answer from Redis in ${ms} ms`)), ms);
    timer.unref();
    const stopWaiting = onNextReady(client, () => done());
    for (const s of signals) {
      if (s?.aborted) return done(new Error('stopped while waiting for Redis'));
      s?.addEventListener('abort', onAbort, { once: true });
    }
  });
}

/** `command`, or a rejection once it has taken `ms` (the command itself may still run in Redis). */
export function withRedisTimeout<T>(command: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    // A busy event loop runs due timers before the I/O that arrived meanwhile: give an answer
    // already on the socket one turn (setImmediate runs after I/O) before calling Redis slow.
    timer = setTimeout(() => setImmediate(() => reject(new Error('redis timeout'))), ms).unref();
  });
  return Promise.race([command, timeout]).finally(() => clearTimeout(timer));
}

/** How long and how often `patiently` tries. */
export interface RedisPatience {
  /** Failures for this long (the next pause included) mean Redis is down. */
  giveUpMs: number;
  /** The longest pause between two tries (the first is 25 ms, doubled each time). */
  maxPauseMs: number;
  /** How to pause (default: a timer that holds nothing); a caller's own pause may stop on its signal. */
  pause?: ((ms: number) => Promise<void>) | undefined;
  /** Told of every failed try (before the pause or the give-up). */
  onFailure?: ((error: unknown) => void) | undefined;
  /** The call's signal: once it fires, a failure ends the tries and says nothing of Redis. */
  signal?: AbortSignal | undefined;
}

const FIRST_PAUSE_MS = 25;
/** How often a connection given up on is asked (PING) whether it answers again. */
const PING_EVERY_MS = 100;
const PING_TIMEOUT_MS = 1_000;
const unrefSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * Connections given up on, until they answer a PING or are made anew. Calls that queued
 * behind the one that gave up (one unproven key's calls go one at a time) would otherwise
 * each wait their own `giveUpMs` for the same silent Redis.
 */
const givenUp = new WeakSet<Redis>();

function giveUp(client: Redis): void {
  waitersOf(client); // its 'ready' listener ends the give-up
  if (givenUp.has(client)) return;
  givenUp.add(client);
  void pingUntilAnswered(client);
}

/** One PING at a time until one is answered, the connection is made anew, or it is closed. */
async function pingUntilAnswered(client: Redis): Promise<void> {
  while (givenUp.has(client) && client.status !== 'end') {
    await unrefSleep(PING_EVERY_MS);
    // Down: its next 'ready' ends the give-up.
    if (client.status !== 'ready') return;
    try {
      await withRedisTimeout(client.ping(), PING_TIMEOUT_MS);
      givenUp.delete(client);
    } catch {
      // Still silent.
    }
  }
}

/**
 * Run `attempt`; while the connection is up, a failure is tried again until `giveUpMs`. The
 * last failure is thrown once the connection is down or the time is up, and the connection is
 * given up on: until it answers a PING (asked every 100 ms) or is made anew, every call fails
 * at once, without asking.
 */
export async function patiently<T>(client: Redis, attempt: () => Promise<T>, patience: RedisPatience): Promise<T> {
  if (givenUp.has(client)) throw new Error('Redis gave no answer a moment ago and has not answered since');
  const startedAt = Date.now();
  const pause = patience.pause ?? unrefSleep;
  for (let pauseMs = Math.min(FIRST_PAUSE_MS, patience.maxPauseMs); ; pauseMs = Math.min(pauseMs * 2, patience.maxPauseMs)) {
    try {
      return await attempt();
    } catch (error) {
      patience.onFailure?.(error);
      if (patience.signal?.aborted) throw error;
      if (client.status !== 'ready' || Date.now() - startedAt + pauseMs >= patience.giveUpMs) {
        giveUp(client);
        throw error;
      }
      await pause(pauseMs);
    }
  }
}
