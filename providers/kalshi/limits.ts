import type { TokenBucket } from '../../src/limits/specs.js';

/** Kalshi's token buckets. */
export type KalshiLimitClass = 'read' | 'write';
/** Kalshi API usage tiers. */
export type KalshiTier = 'basic' | 'advanced' | 'expert' | 'premier' | 'paragon' | 'prime' | 'prestige';

/** Tokens per second by tier and the bucket's burst, in seconds of budget (reference/kalshi.md §4.1). */
const TIERS: Record<KalshiTier, { read: number; write: number; readBurstS: number; writeBurstS: number }> = {
  basic: { read: 200, write: 100, readBurstS: 2, writeBurstS: 1 },
  advanced: { read: 300, write: 300, readBurstS: 2, writeBurstS: 2 },
  expert: { read: 600, write: 600, readBurstS: 1, writeBurstS: 2 },
  premier: { read: 1_000, write: 1_000, readBurstS: 1, writeBurstS: 2 },
  paragon: { read: 2_000, write: 2_000, readBurstS: 1, writeBurstS: 2 },
  prime: { read: 4_000, write: 4_000, readBurstS: 1, writeBurstS: 2 },
  prestige: { read: 10_000, write: 8_000, readBurstS: 1, writeBurstS: 2 },
};

/** Default tokens per request; the V2 cancel costs 2 (§4.1). */
export const KALSHI_DEFAULT_COST = 10;
export const KALSHI_CANCEL_COST = 2;

/** The token buckets of a tier. */
export function kalshiDefaultLimits(tier: KalshiTier = 'basic'): Record<KalshiLimitClass, TokenBucket> {
  const t = TIERS[tier];
  return {
    read: { capacity: t.read * t.readBurstS, refillPerSecond: t.read },
    write: { capacity: t.write * t.writeBurstS, refillPerSecond: t.write },
  };
}
