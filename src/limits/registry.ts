import { createHash } from 'node:crypto';
import { PauseGate } from './pause-gate.js';
import { QuotaLimiter } from './quota-limiter.js';
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
}

/**
 * Every client in this process that uses the same provider and key shares one set of
 * limiters and one pause gate, so two clients on one key cannot spend the quota twice.
 */
const registry = new Map<string, Shared>();

export interface QuotaHandle {
  readonly gate: PauseGate;
  readonly limiters: ReadonlyMap<string, QuotaLimiter>;
  release(): Promise<void>;
}

export function acquireQuota(options: {
  provider: string;
  fingerprint: string;
  specs: Record<string, LimitSpec>;
  maxQueued?: number | undefined;
  events: EventHub;
}): QuotaHandle {
  const id = `${options.provider}:${options.fingerprint}`;
  let shared = registry.get(id);
  if (!shared) {
    shared = { gate: new PauseGate(), limiters: new Map(), users: 0 };
    registry.set(id, shared);
  }
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
    limiters: entry.limiters,
    async release() {
      if (released) return;
      released = true;
      entry.users -= 1;
      if (entry.users > 0) return;
      registry.delete(id);
      await Promise.all([...entry.limiters.values()].map((l) => l.close()));
    },
  };
}
