/** What `createCs2CapClient` reads from the environment (the rule: src/env.ts). */
import { envValue, type EnvSettings } from '../../src/env.js';
import type { Cs2CapClientOptions } from './client.js';

/** `CS2C_API_BASE` → `baseUrl`; `CS2C_API_KEY` → `apiKey`. */
export function cs2capEnvSettings(env: Readonly<Record<string, string | undefined>>): EnvSettings<Cs2CapClientOptions> {
  return { endpoint: { baseUrl: envValue(env, 'CS2C_API_BASE') }, credentials: { apiKey: envValue(env, 'CS2C_API_KEY') } };
}
