import type { RollingWindow } from '../../src/limits/specs.js';

/** CSBoard's endpoint classes: reads, orders, the snapshot. */
export type CsboardLimitClass = 'read' | 'order' | 'snapshot';

/** CSBoard's documented limit of each endpoint class, per key. */
export interface CsboardDefaultLimits extends Record<CsboardLimitClass, RollingWindow> {
  /** Every authenticated GET (listings, prices, FX, balance, orders): 30 a minute. */
  read: RollingWindow;
  /** The buys and claims (`placeOrder`, `marketBuy`, `claimOrder`): 30 a minute. */
  order: RollingWindow;
  /** The gzipped price snapshot: 1 a minute, counted apart from the rest. */
  snapshot: RollingWindow;
}

/** Per key, rolling 60 s (reference/csboard.md §3); unstated endpoints go in the 30/min classes. */
export const CSBOARD_DEFAULT_LIMITS: CsboardDefaultLimits = {
  read: { limit: 30, windowMs: 60_000 },
  order: { limit: 30, windowMs: 60_000 },
  snapshot: { limit: 1, windowMs: 60_000 },
};
