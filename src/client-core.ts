import type { Redis } from 'ioredis';
import { z } from 'zod';
import { EventHub, type MarketEventListeners } from './events.js';
import { attachLogger, LOG_LEVELS, type LoggingOptions } from './logging.js';
import { RequestSender, type ProviderAdapter, type RetryOptions } from './http/request-sender.js';
import { createTransport } from './http/transport.js';
import type { QuotaLimiter } from './limits/quota-limiter.js';
import { acquireQuota, keyFingerprint } from './limits/registry.js';
import type { RedisQuotaOptions } from './limits/redis-store.js';
import { limitSpecSchema, type LimitSpec } from './limits/specs.js';
import { ValidationError } from './errors.js';
import { lazySchema } from './validation.js';

/** Options every client factory takes, besides its credentials. */
export interface CommonClientOptions<LimitClass extends string> extends LoggingOptions {
  /** The API root as documented; point it at a sandbox or a proxy. */
  baseUrl?: string | undefined;
  /** Per-attempt deadline in ms (default 30 000). */
  timeoutMs?: number | undefined;
  /** Override the documented limits per endpoint class. */
  rateLimit?: Partial<Record<LimitClass, LimitSpec>> | undefined;
  /** How failed attempts are retried (only what is safe to repeat; see docs/limits-and-retries.md). */
  retry?: RetryOptions | undefined;
  /** Calls waiting for quota beyond this many are refused with a `RateLimitError` (default 10 000). */
  maxQueued?: number | undefined;
  /** Event listeners. */
  on?: MarketEventListeners | undefined;
  /** Share the quota with every process using the same key, through Redis (our Lua scripts over ioredis). */
  redis?: RedisQuotaOptions | undefined;
}

/**
 * The options every provider's options schema spreads in. Each field is built on first use
 * (an object of lazy schemas, so a spread reads nothing): importing a provider builds none.
 */
export const commonOptionsShape = {
  baseUrl: lazySchema(() => z.url({ protocol: /^https?$/ }).optional()),
  timeoutMs: lazySchema(() => z.number().int().positive().max(600_000).optional()),
  rateLimit: lazySchema(() => z.record(z.string(), limitSpecSchema).optional()),
  retry: lazySchema(() =>
    z
      .object({
        retries: z.number().int().min(0).max(20).optional(),
        minDelayMs: z.number().int().min(0).max(3_600_000).optional(),
        maxDelayMs: z.number().int().min(0).max(3_600_000).optional(),
        maxRetryTimeMs: z.number().int().positive().max(86_400_000).optional(),
        maxRetriesInFlight: z.number().int().min(0).optional(),
      })
      .strict()
      .optional(),
  ),
  maxQueued: lazySchema(() => z.number().int().positive().max(1_000_000).optional()),
  on: lazySchema(() => z.record(z.string(), z.function()).optional()),
  logger: lazySchema(() =>
    z
      .custom<NonNullable<LoggingOptions['logger']>>((v) => typeof v === 'object' && v !== null && ['debug', 'info', 'warn', 'error'].every((m) => typeof (v as Record<string, unknown>)[m] === 'function'), 'an object with debug, info, warn and error methods')
      .optional(),
  ),
  logLevel: lazySchema(() => z.enum(LOG_LEVELS as [string, ...string[]]).optional()),
  redis: lazySchema(() =>
    z
      .object({
        url: z.string().regex(/^rediss?:\/\//, 'a redis:// URL').optional(),
        client: z.custom<NonNullable<RedisQuotaOptions['client']>>((v) => typeof v === 'object' && v !== null, 'an ioredis client').optional(),
        onRedisDown: z.enum(['fail', 'local']).optional(),
        processes: z.number().int().positive().optional(),
      })
      .strict()
      .refine((r) => !!r.url !== !!r.client, 'give redis.url or redis.client')
      .optional(),
  ),
};

export interface ClientCore {
  readonly sender: RequestSender;
  readonly events: EventHub;
  /** The shared limiters of this provider and key, by endpoint class. */
  readonly limiters: ReadonlyMap<string, QuotaLimiter>;
  /** The key's Redis connection when `redis` is configured: for a provider's other shared state. */
  readonly redis: Redis | undefined;
  close(): Promise<void>;
}

/** Wire the shared pieces of one client: transport, quota, events, the request sender. */
export function createClientCore<LimitClass extends string>(options: {
  adapter: ProviderAdapter;
  defaultBaseUrl: string;
  defaultLimits: Record<LimitClass, LimitSpec>;
  /** The secret that identifies the quota owner (hashed, never stored in the registry). */
  quotaKey: string;
  client: CommonClientOptions<LimitClass>;
}): ClientCore {
  const { adapter, client } = options;
  const unknownClass = Object.keys(client.rateLimit ?? {}).find((k) => !(k in options.defaultLimits));
  if (unknownClass) {
    throw new ValidationError({
      provider: adapter.provider,
      message: `rateLimit.${unknownClass} is not an endpoint class of ${adapter.provider} (known: ${Object.keys(options.defaultLimits).join(', ')})`,
    });
  }
  const events = new EventHub(client.on);
  attachLogger(events, client);
  const transport = createTransport({ baseUrl: client.baseUrl ?? options.defaultBaseUrl });
  const specs = { ...options.defaultLimits, ...client.rateLimit } as Record<string, LimitSpec>;
  const quota = acquireQuota({
    provider: adapter.provider,
    fingerprint: keyFingerprint(options.quotaKey),
    specs,
    maxQueued: client.maxQueued ?? 10_000,
    events,
    redis: client.redis,
    maxAttemptMs: client.timeoutMs ?? 30_000,
  });
  const sender = new RequestSender({
    adapter,
    transport,
    limiters: quota.limiters,
    gate: quota.gate,
    events,
    timeoutMs: client.timeoutMs,
    retry: client.retry,
  });
  let closed = false;
  return {
    sender,
    events,
    limiters: quota.limiters,
    redis: quota.redis,
    async close() {
      if (closed) return;
      closed = true;
      // This client's calls end first (at once, nothing more sent); the shared quota outlives it
      // while other clients on the key still use it.
      sender.close();
      await quota.release();
      transport.close();
    },
  };
}
