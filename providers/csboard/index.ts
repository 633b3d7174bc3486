export * from './client.js';
export type * from './types.js';
export { CSBOARD_DEFAULT_LIMITS, type CsboardDefaultLimits, type CsboardLimitClass } from './limits.js';
export { csboardErrorDetails } from './errors.js';
