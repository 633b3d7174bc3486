/**
 * Settings a factory reads from the environment when its options leave them out, like
 * openai-node's `OPENAI_API_KEY`. The rule, for every provider alike:
 * - a setting given in the options wins, and the environment is read only for a group of
 *   settings the options leave wholly unset (a key id without its private key is never
 *   completed from the environment);
 * - credentials from the environment go only to the endpoint from the environment or the
 *   provider's default: a client pointed at a `baseUrl` in code gets the credentials given in
 *   code, or none — a production key never follows a URL it was not set up for;
 * - `env: false` reads nothing; `env: {...}` reads that record instead of `process.env`.
 */
import { z } from 'zod';

/** Where a factory reads unset settings from (see the file comment). */
export type EnvSource = Readonly<Record<string, string | undefined>> | false;

/** The `env` option of every factory. */
export const envOptionSchema = z
  // `process.env` is not a plain object to zod's record check: accept any non-null object.
  .custom<EnvSource>((v) => v === false || (typeof v === 'object' && v !== null && !Array.isArray(v)), 'env must be false or a record of strings')
  .optional();

/** Settings read from the environment: the endpoint group and the credentials group. */
export interface EnvSettings<O> {
  /** e.g. `{ baseUrl }`: every key listed, `undefined` where the variable is unset. */
  readonly endpoint: Partial<O>;
  /** e.g. `{ apiKey }`: used only when the endpoint did not come from the options. */
  readonly credentials: Partial<O>;
}

/** The value of `name`, or undefined when it is unset or empty. */
export function envValue(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** `options` without `env`, with the environment's settings filled in by the rule of the file comment. */
export function withEnvironment<O extends object>(options: O & { readonly env?: EnvSource | undefined }, read: (env: Readonly<Record<string, string | undefined>>) => EnvSettings<O>): O {
  const { env, ...given } = options as O & { env?: EnvSource };
  const source = env === undefined ? process.env : env;
  if (source === false || typeof source !== 'object' || source === null) return given as O;
  const settings = read(source);
  const out = given as Record<string, unknown>;
  const unset = (group: Partial<O>): boolean => Object.keys(group).every((k) => out[k] === undefined);
  const fill = (group: Partial<O>): void => {
    for (const [k, v] of Object.entries(group)) if (v !== undefined) out[k] = v;
  };
  const endpointFromOptions = !unset(settings.endpoint);
  if (!endpointFromOptions) fill(settings.endpoint);
  if (!endpointFromOptions && unset(settings.credentials)) fill(settings.credentials);
  return out as O;
}

/** Checks only the `env` option of a factory's input (the rest is checked after the environment is read). */
export const envOnly = z.looseObject({ env: envOptionSchema });
