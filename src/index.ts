/** marketmux: one typed, safe, rate-limit-aware client for CS2Cap, CSBoard and Kalshi. */
export * from './errors.js';
export type { MarketEvents, MarketEventName, MarketEventListeners } from './events.js';
export type { CallOptions, RetryOptions } from './http/request-sender.js';
export type { LimitSpec, RollingWindow, TokenBucket } from './limits/specs.js';
export type { Capabilities, MarketProvider, Quote, QuoteOptions } from './provider.js';
export * from './money.js';
export { SecretString } from './secret.js';
export { createCs2CapClient, CS2CAP_BASE_URL, verifyCs2CapWebhook } from '../providers/cs2cap/index.js';
export type * from '../providers/cs2cap/index.js';
export { createCsboardClient, CSBOARD_BASE_URL } from '../providers/csboard/index.js';
export type * from '../providers/csboard/index.js';
export { createKalshiClient, KALSHI_BASE_URLS, signKalshiRequest, kalshiSignatureMessage } from '../providers/kalshi/index.js';
export type * from '../providers/kalshi/index.js';
export { generateRsaKeyPair, loadPrivateKey, pemLabel, publicKeyPemOf, type RsaKeyPair, type RsaKeyBits, type PrivateKeyFormat } from './crypto/rsa-keys.js';
export { createPssSigner, verifyPss, type PssSigner, type SignerEngine } from './crypto/pss-signer.js';
export { writeSecretFile } from './crypto/key-file.js';
export { createMarketClient, type MarketClient, type MarketClientOptions, type CompareOptions } from './market.js';
export type { Comparison, VenueRow } from './compare.js';
