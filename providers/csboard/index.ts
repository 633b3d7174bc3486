export * from './client.js';
export { CSBOARD_DEFAULT_LIMITS, type CsboardLimitClass } from './limits.js';
