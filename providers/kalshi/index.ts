export * from './client.js';
export { signKalshiRequest, kalshiSignatureMessage, type KalshiAuthHeaders, type SignKalshiRequestInput } from './signing.js';
export { kalshiDefaultLimits, type KalshiLimitClass, type KalshiTier } from './limits.js';
