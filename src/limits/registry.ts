import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { PauseGate } from './pause-gate.js';
import { QuotaLimiter, type SharedStore } from './quota-limiter.js';
import { connectRedis, type RedisQuotaOptions } from './redis-store.js';
import type { LimitSpec } from './specs.js';
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
  const id = `${options.provider}:${options.fingerprint}${options.redis ? ':redis' : ''}`;
  let shared = registry.get(id);
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
      // Settings given in code win: the newest client's spec applies to the shared limiter.
      if (JSON.stringify(existing.spec) !== JSON.stringify(spec)) void existing.updateSpec(spec);
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
