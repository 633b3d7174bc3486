import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { expect } from 'vitest';
import type { MarketEventListeners, MarketEvents } from '../src/index.js';

/** Every way an object can be shown: message, stack, JSON, util.inspect. */
export function renderings(value: unknown): string {
  const parts: string[] = [];
  if (value instanceof Error) parts.push(value.message, value.stack ?? '');
  try {
    parts.push(JSON.stringify(value) ?? '');
  } catch {
    parts.push('(unserializable)');
  }
  parts.push(inspect(value, { depth: 10, showHidden: true, getters: true }));
  return parts.join('\n');
}

export function expectNoSecret(value: unknown, ...secrets: string[]): void {
  const text = renderings(value);
  for (const secret of secrets) expect(text.includes(secret), `secret leaked into ${text.slice(0, 300)}`).toBe(false);
}

export async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}


/** Listeners for every event a client emits, and the list they fill. */
export function collectEvents(): { seen: unknown[]; on: MarketEventListeners } {
  const seen: unknown[] = [];
  const push = (e: MarketEvents[keyof MarketEvents]): void => {
    seen.push(e);
  };
  return { seen, on: { request: push, response: push, retry: push, rateLimited: push } };
}

/** A key of the provider's shape, made at run time (tests never commit one): `testKey('sk_live_')`. */
export function testKey(prefix: 'sk_live_' | 'csb_pub_'): string {
  return `${prefix}${randomBytes(15).toString('base64url')}`;
}
