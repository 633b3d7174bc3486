/**
 * The transport loads axios on first use (src/http/transport.ts): what it sends and how it
 * fails must be what the eager transport did. Bodies go to axios's adapter untransformed, so
 * the transport itself must hand it bytes axios accepts.
 */
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { createTransport, type Transport } from '../../src/http/transport.js';
import { offlineWireTests } from '../offline.js';

describe('transport', () => {
  let transport: Transport | undefined;
  offlineWireTests(() => transport && { close: async () => transport!.close() });
  const signal = new AbortController().signal;

  it('sends a string, a Buffer and a plain Uint8Array body byte for byte', async () => {
    transport = createTransport({ baseUrl: 'http://api.test/v1' });
    const bytes = new TextEncoder().encode('name,price\nAK-47 | Redline,12.50\n');
    // A view into a larger buffer: only its own bytes may be sent.
    const framed = new Uint8Array(bytes.length + 8);
    framed.set(bytes, 4);
    const view = framed.subarray(4, 4 + bytes.length);
    const seen: string[] = [];
    nock('http://api.test')
      .post('/v1/upload')
      .times(3)
      .reply(200, (_uri, body) => {
        seen.push(typeof body === 'string' ? body : JSON.stringify(body));
        return '';
      });
    for (const data of [new TextDecoder().decode(bytes), Buffer.from(bytes), view]) {
      const res = await transport.request({ method: 'POST', url: '/upload', data, headers: { 'Content-Type': 'text/csv' }, signal, responseType: 'text' });
      expect(res.status).toBe(200);
    }
    expect(seen).toEqual(Array(3).fill('name,price\nAK-47 | Redline,12.50\n'));
  });

  it('instance() is the axios instance the requests go through, built once', async () => {
    transport = createTransport({ baseUrl: 'http://api.test/v1', userAgent: 'ua-lazy/1' });
    const first = await transport.instance();
    expect(await transport.instance()).toBe(first);
    expect(first.defaults.maxRedirects).toBe(0);
    expect(first.defaults.allowAbsoluteUrls).toBe(false);
    expect(first.defaults.baseURL).toBe('http://api.test/v1');
    nock('http://api.test', { reqheaders: { 'user-agent': 'ua-lazy/1' } }).get('/v1/fx').reply(200, '{}');
    const res = await first.get('/fx');
    expect(res.status).toBe(200);
  });

  it('concurrent first requests share one load and one merged config', async () => {
    transport = createTransport({ baseUrl: 'http://api.test/v1' });
    nock('http://api.test').get('/v1/n').times(20).reply(200, 'ok');
    const answers = await Promise.all(Array.from({ length: 20 }, () => transport!.request({ method: 'GET', url: '/n', headers: {}, signal, responseType: 'text' })));
    expect(answers.map((a) => a.data)).toEqual(Array(20).fill('ok'));
  });

  it('a streamed answer is not cut at maxContentLength (its reader bounds each line); a text answer is', async () => {
    transport = createTransport({ baseUrl: 'http://api.test/v1', maxContentLength: 1_000 });
    const body = '{"row":1}\n'.repeat(500); // 5,000 bytes
    nock('http://api.test').get('/v1/rows').times(2).reply(200, body);
    const streamed = await transport.request({ method: 'GET', url: '/rows', headers: {}, signal, responseType: 'stream' });
    let length = 0;
    for await (const chunk of streamed.data as AsyncIterable<Buffer>) length += chunk.length;
    expect(length).toBe(body.length);
    await expect(transport.request({ method: 'GET', url: '/rows', headers: {}, signal, responseType: 'text' })).rejects.toThrow(/maxContentLength/);
  });
});
