/**
 * The `logger`/`logLevel` options, `MARKETMUX_LOG`, and the `error` event: lines at the chosen
 * level, made from events only (a key the server echoes never reaches a line), a throwing
 * logger harmless, defaults silent.
 */
import nock from 'nock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCs2CapClient, ValidationError, type Cs2CapClient, type MarketEvents } from '../../src/index.js';
import { caught, expectNoSecret, testKey } from '../helpers.js';
import { offlineWireTests } from '../offline.js';

const BASE = 'https://api.cs2c.app';
const KEY = testKey('sk_live_');

interface Line {
  level: string;
  message: string;
  fields: Record<string, unknown> | undefined;
}
const recorder = (): { lines: Line[]; logger: Record<'debug' | 'info' | 'warn' | 'error', (m: string, f?: Record<string, unknown>) => void> } => {
  const lines: Line[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push({ level, message, fields });
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
};

describe('logging and the error event', () => {
  let client: Cs2CapClient | undefined;
  offlineWireTests(() => client);
  afterEach(() => {
    delete process.env.MARKETMUX_LOG;
    vi.restoreAllMocks();
  });
  const make = (extra: Parameters<typeof createCs2CapClient>[0] = {}) =>
    (client = createCs2CapClient({ apiKey: KEY, env: false, retry: { retries: 1, minDelayMs: 1, maxDelayMs: 2 }, ...extra }));

  it('debug: every request and answer; warn: only the server limit and the failed call — and never the echoed key', async () => {
    const debug = recorder();
    const c = make({ logger: debug.logger, logLevel: 'debug' });
    nock(BASE).get('/v1/fx').reply(200, { base: 'USD', rates: { USD: 1 }, updated_at: '2026-01-01T00:00:00Z' });
    await c.getFxRates();
    expect(debug.lines.map((l) => l.level)).toEqual(['debug', 'debug']);
    expect(debug.lines[0]!.message).toBe('marketmux: cs2cap GET /fx: attempt 1');
    expect(debug.lines[1]!.message).toMatch(/^marketmux: cs2cap GET \/fx: 200 in \d+ ms$/);
    await c.close();

    const warn = recorder();
    const w = make({ logger: warn.logger, logLevel: 'warn' });
    nock(BASE).get('/v1/fx').times(2).reply(429, { code: 'RATE_LIMIT_EXCEEDED', detail: `slow down, ${KEY}` }, { 'Retry-After': '0' });
    const error = await caught(w.getFxRates());
    expect(error).toMatchObject({ name: 'RateLimitError' });
    expect(warn.lines.map((l) => l.level)).toEqual(['warn', 'warn', 'warn']);
    expect(warn.lines.at(-1)!.message).toBe('marketmux: cs2cap GET /fx: failed after 2 attempts: RateLimitError (rate_limited)');
    expectNoSecret(warn.lines, KEY);
  });

  it('the error event: once per failed call, scrubbed, with its attempts; never for a success', async () => {
    const seen: MarketEvents['error'][] = [];
    const c = make({ on: { error: (e) => seen.push(e) } });
    nock(BASE).get('/v1/fx').reply(401, { code: 'AUTH_API_KEY_INVALID', detail: `bad key ${KEY}` });
    await caught(c.getFxRates());
    nock(BASE).get('/v1/fx').reply(200, { base: 'USD', rates: { USD: 1 }, updated_at: '2026-01-01T00:00:00Z' });
    await c.getFxRates();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ provider: 'cs2cap', method: 'GET', path: '/fx', attempts: 1, error: { name: 'AuthenticationError', status: 401 } });
    expectNoSecret(seen, KEY);
    // Refused before sending: zero attempts.
    const controller = new AbortController();
    controller.abort(new Error('not now'));
    await caught(c.getFxRates({ signal: controller.signal }));
    expect(seen).toHaveLength(1); // refused before it became a call: nothing was attempted or queued
  });

  it('MARKETMUX_LOG turns console logging on; by default nothing is written; a throwing logger breaks nothing', async () => {
    const spy = vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    const quiet = make();
    nock(BASE).get('/v1/fx').reply(200, { base: 'USD', rates: { USD: 1 }, updated_at: '2026-01-01T00:00:00Z' });
    await quiet.getFxRates();
    expect(spy).not.toHaveBeenCalled();
    await quiet.close();

    process.env.MARKETMUX_LOG = 'debug';
    const loud = make();
    nock(BASE).get('/v1/fx').reply(200, { base: 'USD', rates: { USD: 1 }, updated_at: '2026-01-01T00:00:00Z' });
    await loud.getFxRates();
    expect(spy).toHaveBeenCalledTimes(2);
    await loud.close();

    const thrower = { debug: () => { throw new Error('disk full'); }, info: () => undefined, warn: () => undefined, error: () => undefined };
    const c = make({ logger: thrower, logLevel: 'debug' });
    nock(BASE).get('/v1/fx').reply(200, { base: 'USD', rates: { USD: 1 }, updated_at: '2026-01-01T00:00:00Z' });
    await expect(c.getFxRates()).resolves.toBeDefined();
  });

  it('a bad logger or level is a ValidationError before anything is built', async () => {
    const badLogger = await caught(Promise.resolve().then(() => make({ logger: { info: () => undefined } as never })));
    expect(badLogger).toBeInstanceOf(ValidationError);
    expect((badLogger as ValidationError).issues.map((i) => i.path)).toEqual(['logger']);
    const badLevel = await caught(Promise.resolve().then(() => make({ logLevel: 'loud' as never })));
    expect((badLevel as ValidationError).issues.map((i) => i.path)).toEqual(['logLevel']);
  });
});
