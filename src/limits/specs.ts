import { z } from 'zod';
import { lazySchema } from '../validation.js';

/** Never more than `limit` request starts in any `windowMs`, a slot freed `windowMs` after its response. */
export interface RollingWindow {
  /** Requests allowed to start within any one window. */
  limit: number;
  /** The window's length, ms. */
  windowMs: number;
}
/** Continuous refill up to `capacity`; each request takes its cost in tokens. */
export interface TokenBucket {
  /** Most tokens the bucket holds (the largest burst). */
  capacity: number;
  /** Tokens added per second, continuously (not in ticks). */
  refillPerSecond: number;
}
/** A limit: a rolling window or a token bucket. */
export type LimitSpec = RollingWindow | TokenBucket;

export const limitSpecSchema = lazySchema(() =>
  z.union([
    z.object({ limit: z.number().int().positive(), windowMs: z.number().int().positive() }).strict(),
    z.object({ capacity: z.number().positive(), refillPerSecond: z.number().positive() }).strict(),
  ]),
);

export function isRollingWindow(spec: LimitSpec): spec is RollingWindow {
  return 'limit' in spec;
}
