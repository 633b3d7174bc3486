/**
 * Per-call options win over the client's settings for that call: `maxRetries` (0–20) bounds
 * this call's retries, is checked before anything is sent, and never makes an unsafe write
 * repeatable.
 */
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { createCs2CapClient, ValidationError, type Cs2CapClient } from '../../src/index.js';
import { caught, testKey } from '../helpers.js';
import { offlineWireTests } from '../offline.js';

const BASE = 'https://api.cs2c.app';
const KEY = testKey('sk_live_');

describe('per-call options', () => {
  let client: Cs2CapClient | undefined;
  offlineWireTests(() => client);
  const make = () => (client = createCs2CapClient({ apiKey: KEY, env: false, retry: { retries: 3, minDelayMs: 1, maxDelayMs: 2 } }));
  const failing = (times: number) => {
    let seen = 0;
    nock(BASE)
      .get('/v1/fx')
      .times(times)
      .reply(() => {
        seen += 1;
        return [503, { code: 'SERVICE_UNAVAILABLE' }];
      });
    return () => seen;
  };

  it('maxRetries bounds this call only: 0 sends once, 1 twice, the client default four times', async () => {
    const c = make();
    let seen = failing(1);
    await caught(c.getFxRates({ maxRetries: 0 }));
    expect(seen()).toBe(1);
    seen = failing(2);
    await caught(c.getFxRates({ maxRetries: 1 }));
    expect(seen()).toBe(2);
    seen = failing(4);
    await caught(c.getFxRates());
    expect(seen()).toBe(4);
  });

  it('a bad maxRetries is a ValidationError naming it, before anything is sent', async () => {
    const c = make();
    for (const bad of [-1, 1.5, 21, '2']) {
      const error = await caught(c.getFxRates({ maxRetries: bad as number }));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['maxRetries']);
    }
  });

  it('maxRetries never repeats a write that is not repeat-safe', async () => {
    const c = make();
    let seen = 0;
    nock(BASE)
      .post('/v1/portfolio')
      .reply(() => {
        seen += 1;
        return [503, { code: 'SERVICE_UNAVAILABLE' }];
      });
    await caught(c.portfolios.create({ name: 'once' }, { maxRetries: 5 }));
    expect(seen).toBe(1);
  });
});
