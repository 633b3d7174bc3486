export * from './client.js';
export { CS2CAP_TIER_RPM, type Cs2CapTier, type Cs2CapLimitClass } from './limits.js';
