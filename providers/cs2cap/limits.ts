import type { RollingWindow } from '../../src/limits/specs.js';

/** Requests per minute by tier (reference/cs2cap.md §3.1). */
export const CS2CAP_TIER_RPM = {
  /** Free: 20 requests a minute (1 000 a month). */
  free: 20,
  /** Starter: 40 requests a minute (50 000 a month). */
  starter: 40,
  /** Pro: 100 requests a minute (500 000 a month). */
  pro: 100,
  /** Quant: 300 requests a minute (1 000 000 a month). */
  quant: 300,
} as const;
/** CS2Cap's tiers. */
export type Cs2CapTier = keyof typeof CS2CAP_TIER_RPM;
/** CS2Cap's one endpoint class. */
export type Cs2CapLimitClass = 'default';

/** Until `syncLimits()` reads the key's real rate, assume the lowest tier: never too fast. */
export function cs2capDefaultLimits(tier: Cs2CapTier = 'free'): Record<Cs2CapLimitClass, RollingWindow> {
  return { default: { limit: CS2CAP_TIER_RPM[tier], windowMs: 60_000 } };
}
