/**
 * Hostile: a lone surrogate in free text that goes into the query string (CS2Cap
 * marketHashName, CSBoard search). pathSegment() refuses one in ids, but query values are
 * encoded inside the sender's send try-block (request-sender.ts #send: `encodeQuery(...)`),
 * so encodeURIComponent's URIError becomes a retryable NetworkError and is retried.
 * README: "Bad input is refused before sending with a ValidationError".
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCs2CapClient, createCsboardClient } from '../../src/index.js';
import { caught } from '../helpers.js';

describe('hostile: a lone surrogate in a query text', () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('CS2Cap getPrices({ marketHashName: "AK\\uD800" }) is a retried NetworkError, not a ValidationError', async () => {
    let retries = 0;
    const client = createCs2CapClient({ apiKey: `sk_live_${'f6'.repeat(16)}`, baseUrl: base, retry: { minDelayMs: 1 }, on: { retry: () => (retries += 1) } });
    try {
      const err = (await caught(client.getPrices({ marketHashName: 'AK\uD800' }))) as Error;
      expect(`${err.name}: ${err.message} (retries ${retries})`).toMatch(/^ValidationError/);
    } finally {
      await client.close();
    }
  });

  it('CSBoard listPrices({ search: "AK\\uD800" }) is a retried NetworkError, not a ValidationError', async () => {
    let retries = 0;
    const client = createCsboardClient({ apiKey: `csb_pub_${'f6'.repeat(16)}`, baseUrl: base, retry: { minDelayMs: 1 }, on: { retry: () => (retries += 1) } });
    try {
      const err = (await caught(client.listPrices({ search: 'AK\uD800' }))) as Error;
      expect(`${err.name}: ${err.message} (retries ${retries})`).toMatch(/^ValidationError/);
    } finally {
      await client.close();
    }
  });
});
