import type { RollingWindow } from '../../src/limits/specs.js';

/** CSBoard's endpoint classes: reads, orders, the snapshot. */
export type CsboardLimitClass = 'read' | 'order' | 'snapshot';

/** Per key, rolling 60 s (reference/csboard.md §3); unstated endpoints go in the 30/min classes. */
export const CSBOARD_DEFAULT_LIMITS: Record<CsboardLimitClass, RollingWindow> = {
  read: { limit: 30, windowMs: 60_000 },
  order: { limit: 30, windowMs: 60_000 },
  snapshot: { limit: 1, windowMs: 60_000 },
};
