/**
 * Hostile (Accept-Encoding on streamed requests, src/http/transport.ts): every streamed
 * request now asks for `Accept-Encoding: gzip` (CSBoard's snapshot already did; CS2Cap's bulk
 * streams offered gzip among others), and a streamed request is sent with `decompress: false`.
 * The 2xx body goes to ndjson.ts, which gunzips by magic bytes. A non-2xx body of the same
 * request does not: request-sender.ts reads it with `readText` (raw bytes → utf8) and hands it
 * to the provider's error mapper, so a server that compresses its error answers too (Starlette's
 * GZipMiddleware, Express `compression`, a CDN: they compress by Accept-Encoding, whatever the
 * status) produces an error with no code:
 * - CSBoard `401 too_many_failed_auth` on the snapshot becomes `authentication_failed`: a VALID
 *   key is marked dead (and, with Redis, dead for an hour for every process), the host ban is
 *   not recorded;
 * - CSBoard `429 snapshot_rate_limited` loses its code, so the pause it causes is key-wide
 *   (`rateLimitScope` keys on the code): every read and order of the key waits the snapshot's
 *   60 s Retry-After;
 * - CS2Cap `429 RATE_LIMIT_STREAM_QUOTA_EXCEEDED` on POST /v1/prices becomes a retryable
 *   `rate_limited` instead of `quota_exceeded`, so a bot retries a 24 h quota every minute.
 * Broken promise: errors are typed "by status first, then code" (providers/csboard/errors.ts).
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCs2CapClient, createCsboardClient } from '../../src/index.js';
import { resetAuthGuardState } from '../../providers/csboard/auth-guard.js';

/** A server behind a compressing middleware: it gzips every answer the client accepts gzip for. */
function compressing(route: (req: http.IncomingMessage) => { status: number; headers?: Record<string, string>; body: unknown }): http.Server {
  return http.createServer((req, res) => {
    req.resume();
    const { status, headers = {}, body } = route(req);
    const json = Buffer.from(JSON.stringify(body));
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const out = gzip ? gzipSync(json) : json;
    res.writeHead(status, { 'Content-Type': 'application/json', ...(gzip ? { 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' } : {}), 'Content-Length': String(out.length), ...headers });
    res.end(out);
  });
}

const listen = async (server: http.Server): Promise<string> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
};

const BALANCE = { currency: 'USD', balance_usd: 10, trading_enabled: false, settled_balance_usd: 10, held_usd: 0, held_until: null };

describe('hostile: a compressed error answer to a streamed request', () => {
  const servers: http.Server[] = [];
  beforeAll(() => resetAuthGuardState());
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    resetAuthGuardState();
  });

  it('CSBoard snapshot: 401 too_many_failed_auth is a ban (auth_banned), not a dead key', { timeout: 15_000 }, async () => {
    const server = compressing((req) =>
      req.url?.startsWith('/v1/prices/snapshot')
        ? { status: 401, headers: { 'Retry-After': '300' }, body: { code: 'too_many_failed_auth', detail: 'Too many failed authentication attempts; try again in 5 minutes.' } }
        : { status: 200, body: BALANCE },
    );
    servers.push(server);
    const baseUrl = await listen(server);
    const client = createCsboardClient({ apiKey: `csb_pub_${randomBytes(18).toString('base64url')}`, baseUrl, retry: { retries: 0 } });
    try {
      await client.getBalance(); // the key is good (proven)
      const err = (await client.downloadSnapshot().catch((e: unknown) => e)) as { code?: string; providerCode?: string };
      expect({ code: err.code, providerCode: err.providerCode }).toEqual({ code: 'auth_banned', providerCode: 'too_many_failed_auth' });
    } finally {
      await client.close();
    }
  });

  it('CSBoard snapshot: 429 snapshot_rate_limited pauses the snapshot, not the key’s reads', { timeout: 15_000 }, async () => {
    resetAuthGuardState();
    const server = compressing((req) =>
      req.url?.startsWith('/v1/prices/snapshot')
        ? { status: 429, headers: { 'Retry-After': '60' }, body: { code: 'snapshot_rate_limited', detail: 'Snapshot rate limit exceeded. Retry after 60 seconds.' } }
        : { status: 200, body: BALANCE },
    );
    servers.push(server);
    const baseUrl = await listen(server);
    const client = createCsboardClient({ apiKey: `csb_pub_${randomBytes(18).toString('base64url')}`, baseUrl, retry: { retries: 0 } });
    try {
      await client.getBalance();
      const err = (await client.downloadSnapshot().catch((e: unknown) => e)) as { code?: string; providerCode?: string };
      expect(err.providerCode).toBe('snapshot_rate_limited');
      // The balance is a read class of its own: it must not wait the snapshot's minute.
      const balance = await client.getBalance({ signal: AbortSignal.timeout(2_000) }).then(
        () => 'ok',
        (e: { code?: string }) => e.code,
      );
      expect(balance).toBe('ok');
    } finally {
      await client.close();
    }
  });

  it('CS2Cap POST /v1/prices: 429 RATE_LIMIT_STREAM_QUOTA_EXCEEDED is quota_exceeded, not a retryable rate_limited', { timeout: 15_000 }, async () => {
    const server = compressing(() => ({ status: 429, headers: { 'Retry-After': '60' }, body: { code: 'RATE_LIMIT_STREAM_QUOTA_EXCEEDED', detail: 'Stream quota exceeded for the last 24 h' } }));
    servers.push(server);
    const baseUrl = await listen(server);
    const client = createCs2CapClient({ apiKey: `sk_live_${randomBytes(18).toString('hex')}`, baseUrl, tier: 'pro', retry: { retries: 0 } });
    try {
      const err = (await client.streamPrices().catch((e: unknown) => e)) as { code?: string; providerCode?: string; retryable?: boolean };
      expect({ code: err.code, providerCode: err.providerCode, retryable: err.retryable }).toEqual({ code: 'quota_exceeded', providerCode: 'RATE_LIMIT_STREAM_QUOTA_EXCEEDED', retryable: false });
    } finally {
      await client.close();
    }
  });

  it('an error answer that inflates to 64 MB (a gzip bomb) is not inflated: typed by its status, heap flat', { timeout: 15_000 }, async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20), { level: 9 });
    expect(bomb.length).toBeLessThan(64 * 1024);
    const server = http.createServer((req, res) => {
      req.resume();
      res.writeHead(503, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Content-Length': String(bomb.length) });
      res.end(bomb);
    });
    servers.push(server);
    const baseUrl = await listen(server);
    const client = createCs2CapClient({ apiKey: `sk_live_${randomBytes(18).toString('hex')}`, baseUrl, tier: 'pro', retry: { retries: 0 } });
    try {
      const before = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
      const err = (await client.streamPrices().catch((e: unknown) => e)) as { status?: number; code?: string };
      const grew = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers - before;
      expect(err.status).toBe(503);
      expect(grew).toBeLessThan(16 * 1024 * 1024);
    } finally {
      await client.close();
    }
  });
});
