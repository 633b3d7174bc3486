import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { PauseGate } from './pause-gate.js';
import { QuotaLimiter, type SharedStore } from './quota-limiter.js';
import { connectRedis, type RedisQuotaOptions } from './redis-store.js';
import { isRollingWindow, type LimitSpec } from './specs.js';
import { ValidationError } from '../errors.js';
import type { EventHub } from '../events.js';

/** A short, one-way fingerprint of a key: limiters are keyed by it, never by the key. */
export function keyFingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 16);
}

interface Shared {
  gate: PauseGate;
  limiters: Map<string, QuotaLimiter>;
  users: number;
  store?: Omit<SharedStore, 'id'>;
  disconnect?: () => Promise<void>;
}

/**
 * Every client in this process that uses the same provider and key shares one set of
 * limiters and one pause gate, so two clients on one key cannot spend the quota twice.
 */
const registry = new Map<string, Shared>();

export interface QuotaHandle {
  readonly gate: PauseGate;
  /** This key's Redis connection when the quota is shared (for other shared state of the key). */
  readonly redis: Redis | undefined;
  readonly limiters: ReadonlyMap<string, QuotaLimiter>;
  release(): Promise<void>;
}

export function acquireQuota(options: {
  provider: string;
  fingerprint: string;
  specs: Record<string, LimitSpec>;
  maxQueued?: number | undefined;
  events: EventHub;
  /** Share the quota with every process on the key through Redis. */
  redis?: RedisQuotaOptions | undefined;
  /** The longest one attempt can take; leases of a dead process expire after it. */
  maxAttemptMs: number;
}): QuotaHandle {
  // One entry per provider and key, whatever the redis option: two clients on one key in one
  // process must never count apart (a local one beside a shared one would send twice the limit).
  const id = `${options.provider}:${options.fingerprint}`;
  let shared = registry.get(id);
  if (shared && !!shared.store !== !!options.redis) {
    throw new ValidationError({
      provider: options.provider,
      message: `${options.provider}: this key is already in use in this process ${shared.store ? 'with' : 'without'} a shared (Redis) quota; give every client on one key the same redis option`,
      issues: [{ path: 'redis', message: 'differs from another client on the same key' }],
    });
  }
  if (!shared) {
    shared = { gate: new PauseGate(), limiters: new Map(), users: 0 };
    if (options.redis) {
      const client = connectRedis(options.redis);
      client.on('error', () => undefined); // surfaced per call as a typed error
      // Our own connection (a duplicate of the caller's, if given): closing it never closes theirs.
      shared.disconnect = async () => client.disconnect();
      shared.store = { client, maxAttemptMs: options.maxAttemptMs, onDown: options.redis.onRedisDown ?? 'fail', processes: options.redis.processes ?? 4 };
      // A 429 pauses every process on the key, not only this one.
      shared.gate = new PauseGate({ client, key: `mm_pause:${options.provider}:${options.fingerprint}` });
    }
    registry.set(id, shared);
  }
  const store = shared.store;
  for (const [limitClass, spec] of Object.entries(options.specs)) {
    const existing = shared.limiters.get(limitClass);
    if (existing) {
      // Two clients on one key share one limiter at the stricter of their settings: a second
      // client's looser limit must not lift the first's.
      const stricter = stricterSpec(existing.spec, spec);
      if (stricter !== existing.spec) void existing.updateSpec(stricter);
      continue;
    }
    shared.limiters.set(
      limitClass,
      new QuotaLimiter({
        provider: options.provider,
        limitClass,
        spec,
        gate: shared.gate,
        maxQueued: options.maxQueued,
        shared: store ? { ...store, id: `mm:${options.provider}:${limitClass}:${options.fingerprint}` } : undefined,
        onQueued: (waitHintMs) =>
          options.events.emit('rateLimited', { provider: options.provider, limitClass, retryAfterMs: waitHintMs, source: 'local' }),
      }),
    );
  }
  shared.users += 1;
  const entry = shared;
  let released = false;
  return {
    gate: entry.gate,
    redis: entry.store?.client,
    limiters: entry.limiters,
    async release() {
      if (released) return;
      released = true;
      entry.users -= 1;
      if (entry.users > 0) return;
      registry.delete(id);
      // Limiters first: every waiting call is refused at once, nothing more is sent.
      await Promise.all([...entry.limiters.values()].map((l) => l.close()));
      await entry.disconnect?.();
    },
  };
}

/** The limit that allows less: the lower rate, then the smaller burst; the same kind only. */
export function stricterSpec(a: LimitSpec, b: LimitSpec): LimitSpec {
  if (isRollingWindow(a) && isRollingWindow(b)) {
    const rate = a.limit * b.windowMs - b.limit * a.windowMs; // sign of a.limit/a.windowMs − b.limit/b.windowMs
    if (rate !== 0) return rate < 0 ? a : b;
    return a.limit <= b.limit ? a : b;
  }
  if (!isRollingWindow(a) && !isRollingWindow(b)) {
    if (a.refillPerSecond !== b.refillPerSecond) return a.refillPerSecond < b.refillPerSecond ? a : b;
    return a.capacity <= b.capacity ? a : b;
  }
  // A window and a bucket cannot be compared: the one already counting stays.
  return a;
}
