/** What `createCsboardClient` reads from the environment (the rule: src/env.ts). */
import { envValue, type EnvSettings } from '../../src/env.js';
import { ValidationError } from '../../src/errors.js';
import type { CsboardClientOptions } from './client.js';

/**
 * `CSBOARD_API_BASE` → `baseUrl`. Credentials: `CSBOARD_TRADING_API_KEY`, when set, is the
 * key with `trading: true` (the sandbox prints one); otherwise `CSBOARD_API_KEY` with
 * `trading` from `CSBOARD_TRADING` (`true`/`1`, `false`/`0`, `detect`; default false).
 */
export function csboardEnvSettings(env: Readonly<Record<string, string | undefined>>): EnvSettings<CsboardClientOptions> {
  const endpoint = { baseUrl: envValue(env, 'CSBOARD_API_BASE') };
  const tradingKey = envValue(env, 'CSBOARD_TRADING_API_KEY');
  if (tradingKey) return { endpoint, credentials: { apiKey: tradingKey, trading: true } };
  const apiKey = envValue(env, 'CSBOARD_API_KEY');
  return { endpoint, credentials: { apiKey, trading: apiKey ? tradingFlag(envValue(env, 'CSBOARD_TRADING')) : undefined } };
}

function tradingFlag(value: string | undefined): boolean | 'detect' | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  if (v === 'detect') return 'detect';
  throw new ValidationError({ provider: 'csboard', message: 'csboard.createCsboardClient: invalid input — CSBOARD_TRADING: must be true, false, 1, 0 or detect', issues: [{ path: 'CSBOARD_TRADING', message: 'must be true, false, 1, 0 or detect' }] });
}
