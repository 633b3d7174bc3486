/**
 * A request body that is not JSON, end to end over loopback: the sender sends `rawBody` as-is
 * with its Content-Type (a string, or bytes that are not UTF-8), refuses a spec that has both
 * `body` and `rawBody` before sending; the testkit server hands such a body to handlers as
 * `rawBody` only, still parses JSON bodies as before, and caps a body's size (413, unhandled).
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createClientCore, type ClientCore } from '../../src/client-core.js';
import { MarketError, ValidationError } from '../../src/errors.js';
import { errorFromResponse } from '../../src/http/map-error.js';
import { SandboxServer, type SandboxRequest } from '../../src/testkit/server.js';
import { caught } from '../helpers.js';

describe('raw request bodies', () => {
  const server = new SandboxServer('raw-body');
  const seen: SandboxRequest[] = [];
  let core: ClientCore;
  let origin: string;
  const echo = z.object({ ok: z.literal(true) });

  beforeAll(async () => {
    server.route('POST', '/echo', (req) => {
      seen.push(req);
      return { status: 200, body: { ok: true } };
    });
    origin = await server.listen();
    core = createClientCore({
      adapter: { provider: 'rawtest', authenticate: () => ({}), mapError: (r) => errorFromResponse(r, {}), secrets: () => [] },
      defaultBaseUrl: origin,
      defaultLimits: { default: { limit: 1000, windowMs: 1000 } },
      quotaKey: 'raw-body-test',
      client: { retry: { retries: 0 } },
    });
  });
  afterAll(async () => {
    await core.close();
    await server.close();
  });

  const post = (spec: { body?: unknown; rawBody?: { contentType: string; data: string | Uint8Array } }) =>
    core.sender.send({ method: 'POST', path: '/echo', limitClass: 'default', safety: 'unsafe', schema: echo, ...spec });

  it('a string rawBody arrives as its bytes with its Content-Type; the handler gets no parsed body', async () => {
    seen.length = 0;
    const csv = 'a,b\r\n"x, ""y""",é\r\n';
    await post({ rawBody: { contentType: 'text/csv; charset=utf-8', data: csv } });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(seen[0]!.rawBody.toString('utf8')).toBe(csv);
    expect(seen[0]!.body).toBeUndefined();
  });

  it('bytes that are not UTF-8, given as a view into a larger buffer, arrive exactly (never JSON-encoded)', async () => {
    seen.length = 0;
    const backing = new Uint8Array([9, 9, 0xff, 0x00, 0xfe, 0x80, 0x22, 9]);
    const view = backing.subarray(2, 7);
    await post({ rawBody: { contentType: 'application/octet-stream', data: view } });
    expect([...seen[0]!.rawBody]).toEqual([0xff, 0x00, 0xfe, 0x80, 0x22]);
    expect(seen[0]!.body).toBeUndefined();
  });

  it('JSON bodies are parsed as before: the sender\'s, one with a charset, a +json type, and one with no Content-Type', async () => {
    seen.length = 0;
    await post({ body: { n: 1 } });
    expect(seen[0]!.headers['content-type']).toBe('application/json');
    expect(seen[0]!.body).toEqual({ n: 1 });
    for (const contentType of ['application/json; charset=utf-8', 'application/problem+json', undefined]) {
      const res = await fetch(`${origin}/echo`, { method: 'POST', headers: contentType ? { 'Content-Type': contentType } : {}, body: Buffer.from('{"n":2}') });
      expect(res.status, String(contentType)).toBe(200);
      expect(seen.at(-1)!.body, String(contentType)).toEqual({ n: 2 });
    }
    // A JSON body that does not parse is still refused; a CSV that is not JSON is not.
    expect((await fetch(`${origin}/echo`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: 'a,b' })).status).toBe(400);
    expect((await fetch(`${origin}/echo`, { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: 'a,b' })).status).toBe(200);
  });

  it('a spec with both body and rawBody is refused before anything is sent', async () => {
    const before = server.requests.length;
    const err = await caught(post({ body: { n: 1 }, rawBody: { contentType: 'text/csv', data: 'a' } }));
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(/body or a rawBody, not both/);
    expect(server.requests.length).toBe(before);
  });

  it('a body over the cap is answered 413 and never handled, whether its length is declared or chunked', async () => {
    seen.length = 0;
    server.maxBodyBytes = 1024;
    try {
      const err = await caught(post({ rawBody: { contentType: 'text/csv', data: 'x'.repeat(2048) } }));
      expect((err as MarketError).status).toBe(413);
      // Chunked (no Content-Length): read past the cap without keeping it, then refused.
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(`${origin}/echo`, { method: 'POST', headers: { 'Content-Type': 'text/csv', 'Transfer-Encoding': 'chunked' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        for (let i = 0; i < 4; i++) req.write('y'.repeat(512));
        req.end();
      });
      expect(status).toBe(413);
      expect(seen).toHaveLength(0);
      // At the cap it is handled.
      await post({ rawBody: { contentType: 'text/csv', data: 'z'.repeat(1024) } });
      expect(seen).toHaveLength(1);
    } finally {
      server.maxBodyBytes = 32 * 1024 * 1024;
    }
  });
});
