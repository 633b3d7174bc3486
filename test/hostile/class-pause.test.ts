/**
 * Hostile: CSBoard answers a snapshot download with 429 `snapshot_rate_limited` and a long
 * Retry-After. That pause is class-scoped (providers/csboard/client.ts rateLimitScope), and the
 * sender's "can this call wait it out" checks look only at the key's gate
 * (`this.#o.gate.remainingMs()` in request-sender.ts #attempt and shouldRetry), never at the
 * class gate. README: "A server pause is capped (10 minutes) and never hangs a call past its
 * retry.maxRetryTimeMs: such a call fails at once with a RateLimitError saying how long."
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCsboardClient } from '../../src/index.js';

const KEY = `csb_pub_${'a9'.repeat(16)}`;

describe('hostile: a class-scoped server pause (CSBoard snapshot)', () => {
  let server: http.Server;
  let base: string;
  let requests = 0;
  let code = 'snapshot_rate_limited';
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      requests += 1;
      req.resume();
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '600' });
      res.end(JSON.stringify({ code, detail: 'Snapshot rate limit exceeded. Retry after 600 seconds.' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** The call's outcome, or 'HANG' if it has not settled after `ms`. */
  async function within(ms: number, p: Promise<unknown>): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise((resolve) => (timer = setTimeout(() => resolve('HANG'), ms)));
    try {
      return await Promise.race([p.then((v) => ({ ok: v }), (e: unknown) => e), hang]);
    } finally {
      clearTimeout(timer);
    }
  }

  it('control (holds): the same 600 s pause scoped to the key fails the call at once', async () => {
    code = 'rate_limit_exceeded';
    requests = 0;
    const client = createCsboardClient({ apiKey: `csb_pub_${'b7'.repeat(16)}`, baseUrl: base, retry: { maxRetryTimeMs: 2_000, minDelayMs: 10 } });
    try {
      const first = await within(5_000, client.downloadSnapshot());
      expect(first).toBeInstanceOf(Error);
      expect((first as Error).name).toBe('RateLimitError');
      expect(requests).toBe(1);
    } finally {
      await client.close();
      code = 'snapshot_rate_limited';
      requests = 0;
    }
  });

  it('a 600 s snapshot pause hangs calls with maxRetryTimeMs 2000 instead of failing them at once', async () => {
    const client = createCsboardClient({ apiKey: KEY, baseUrl: base, retry: { maxRetryTimeMs: 2_000, minDelayMs: 10 } });
    const ac = new AbortController();
    try {
      // The call that gets the 429: it may not wait 600 s (maxRetryTimeMs 2 s).
      const first = await within(5_000, client.downloadSnapshot({ signal: ac.signal }));
      // A call arriving during the pause: it must fail at once, nothing sent.
      const second = await within(5_000, client.downloadSnapshot({ signal: ac.signal }));
      ac.abort();
      const describe = (o: unknown) => (o === 'HANG' ? 'still pending after 5 s' : o instanceof Error ? `${o.name}: ${o.message}` : JSON.stringify(o));
      expect(describe(first)).toMatch(/^RateLimitError/);
      expect(describe(second)).toMatch(/^RateLimitError/);
      expect(requests).toBe(1);
    } finally {
      ac.abort();
      await client.close();
    }
  });
});
