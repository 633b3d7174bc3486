/**
 * Kalshi request signing (reference/kalshi.md §2): RSA-PSS over
 * `timestamp_ms + METHOD + path`, where path is the URL path from the host root including
 * `/trade-api/v2`, without the query string; no body, no host.
 */
import type { KeyObject } from 'node:crypto';
import { ValidationError } from '../../src/errors.js';
import { loadPrivateKey } from '../../src/crypto/rsa-keys.js';
import { createPssSigner, type PssSigner, type SignerEngine } from '../../src/crypto/pss-signer.js';

/** The three signed headers. */
export interface KalshiAuthHeaders {
  /** Your API key id. */
  'KALSHI-ACCESS-KEY': string;
  /** The signing time, Unix milliseconds as text. */
  'KALSHI-ACCESS-TIMESTAMP': string;
  /** The RSA-PSS signature of timestamp + method + path, base64. */
  'KALSHI-ACCESS-SIGNATURE': string;
}

/** The exact text Kalshi verifies. */
export function kalshiSignatureMessage(timestampMs: number, method: string, path: string): string {
  const q = path.indexOf('?');
  const bare = q >= 0 ? path.slice(0, q) : path;
  if (!bare.startsWith('/')) throw new ValidationError({ provider: 'kalshi', message: `the signed path must start with "/" (got ${JSON.stringify(bare.slice(0, 60))})` });
  return `${timestampMs}${method.toUpperCase()}${bare}`;
}

/** Input of `signKalshiRequest`. */
export interface SignKalshiRequestInput {
  /** The HTTP method, e.g. `GET`. */
  method: string;
  /** Full URL path, e.g. `/trade-api/v2/portfolio/balance`; a query string is dropped. */
  path: string;
  /** A parsed key, or PKCS#1/PKCS#8 PEM (parsed on every call: prefer a KeyObject). */
  privateKey: KeyObject | string;
  /** Your API key id (the `KALSHI-ACCESS-KEY` header). */
  keyId?: string | undefined;
  /** The signing time, Unix milliseconds (default: now). */
  timestampMs?: number | undefined;
  /** `native` (default, node:crypto) or `forge` (pure JS, slow). */
  signer?: SignerEngine | undefined;
}

/** The three `KALSHI-ACCESS-*` headers for one request. */
export function signKalshiRequest(input: SignKalshiRequestInput): KalshiAuthHeaders {
  const key = typeof input.privateKey === 'string' ? loadPrivateKey({ pem: input.privateKey }) : input.privateKey;
  return signWith(createPssSigner(key, input.signer), input.keyId ?? '', input.method, input.path, input.timestampMs ?? Date.now());
}

export function signWith(signer: PssSigner, keyId: string, method: string, path: string, timestampMs: number): KalshiAuthHeaders {
  const message = kalshiSignatureMessage(timestampMs, method, path);
  return {
    'KALSHI-ACCESS-KEY': keyId,
    'KALSHI-ACCESS-TIMESTAMP': String(timestampMs),
    'KALSHI-ACCESS-SIGNATURE': signer.sign(message),
  };
}

/**
 * The headers for one attempt, signed where it costs least (`PssSigner.signFor`: at once when
 * the client is idle, on the threadpool when `inFlight` attempts are on their way).
 */
export function signForAttempt(signer: PssSigner, keyId: string, method: string, path: string, timestampMs: number, inFlight: number): Record<string, string> | Promise<Record<string, string>> {
  const signature = signer.signFor(kalshiSignatureMessage(timestampMs, method, path), inFlight);
  const headers = (value: string): Record<string, string> => ({ 'KALSHI-ACCESS-KEY': keyId, 'KALSHI-ACCESS-TIMESTAMP': String(timestampMs), 'KALSHI-ACCESS-SIGNATURE': value });
  return typeof signature === 'string' ? headers(signature) : signature.then(headers);
}
