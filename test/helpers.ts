import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
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

/** A loopback server that answers every request with `body` as NDJSON (set it before each call). */
export interface NdjsonServer {
  /** `http://127.0.0.1:<port>`. */
  readonly base: string;
  /** What the next requests are answered with. */
  body: string;
  close(): Promise<void>;
}

/** Start an `NdjsonServer` on a free loopback port. */
export async function startNdjsonServer(): Promise<NdjsonServer> {
  const state = { body: '' };
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    res.end(state.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get body() {
      return state.body;
    },
    set body(text: string) {
      state.body = text;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
