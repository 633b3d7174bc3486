/** What `createKalshiClient` reads from the environment (the rule: src/env.ts). */
import { envValue, type EnvSettings } from '../../src/env.js';
import type { KalshiClientOptions } from './client.js';

/**
 * `KALSHI_API_BASE` → `baseUrl`, `KALSHI_WS_BASE` → `streamUrl`; credentials:
 * `KALSHI_API_KEY_ID` with `KALSHI_PRIVATE_KEY` (PEM) or `KALSHI_PRIVATE_KEY_PATH` — only
 * together: a key id without a private key reads as no credentials (public data only).
 */
export function kalshiEnvSettings(env: Readonly<Record<string, string | undefined>>): EnvSettings<KalshiClientOptions> {
  const endpoint = { baseUrl: envValue(env, 'KALSHI_API_BASE'), streamUrl: envValue(env, 'KALSHI_WS_BASE'), environment: undefined };
  const keyId = envValue(env, 'KALSHI_API_KEY_ID');
  const pem = envValue(env, 'KALSHI_PRIVATE_KEY');
  const path = envValue(env, 'KALSHI_PRIVATE_KEY_PATH');
  const keyed = keyId !== undefined && (pem !== undefined || path !== undefined);
  return {
    endpoint,
    credentials: keyed ? { keyId, ...(pem ? { privateKeyPem: pem, privateKeyPath: undefined } : { privateKeyPem: undefined, privateKeyPath: path }) } : { keyId: undefined, privateKeyPem: undefined, privateKeyPath: undefined },
  };
}
