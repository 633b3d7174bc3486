import nock from 'nock';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ResponseShapeError } from '../../src/errors.js';
import { mapRows, ndjsonRows } from '../../src/http/ndjson.js';
import { createTransport, type Transport } from '../../src/http/transport.js';
import { Admission } from '../../src/limits/admission.js';
import { CancelScope } from '../../src/limits/cancel.js';
import { caught } from '../helpers.js';
import { offlineWireTests } from '../offline.js';

describe('transport fast path: the adapter sees what axios would have built', () => {
  let transport: Transport | undefined;
  offlineWireTests(() => transport && { close: async () => transport!.close() });

  it('a GET carries the instance headers and the base path; a POST its JSON body and Content-Type', async () => {
    transport = createTransport({ baseUrl: 'http://api.test/v1', userAgent: 'ua-test/1' });
    nock('http://api.test', { reqheaders: { 'user-agent': 'ua-test/1', accept: 'application/json', 'x-extra': 'yes' } })
      .get('/v1/items?a=1')
      .reply(200, '{"ok":true}');
    const signal = new AbortController().signal;
    const got = await transport.request({ method: 'GET', url: '/items?a=1', headers: { 'X-Extra': 'yes' }, signal, responseType: 'text' });
    expect(got.status).toBe(200);
    expect(got.data).toBe('{"ok":true}'); // text, not parsed
    nock('http://api.test', { reqheaders: { 'content-type': 'application/json' } })
      .post('/v1/items', { n: 1 })
      .reply(201, '');
    const posted = await transport.request({ method: 'POST', url: '/items', data: JSON.stringify({ n: 1 }), headers: { 'Content-Type': 'application/json' }, signal, responseType: 'text' });
    expect(posted.status).toBe(201);
  });

  it('every status comes back as an answer, never a redirect followed', async () => {
    transport = createTransport({ baseUrl: 'http://api.test/v1' });
    nock('http://api.test').get('/v1/moved').reply(302, '', { Location: 'http://elsewhere.test/steal' });
    const signal = new AbortController().signal;
    const got = await transport.request({ method: 'GET', url: '/moved', headers: {}, signal, responseType: 'text' });
    expect(got.status).toBe(302);
  });
});

describe('CancelScope', () => {
  it('aborts once, tells listeners in order, and a signal made after the abort is already aborted', () => {
    const scope = new CancelScope();
    const heard: string[] = [];
    scope.onAbort(() => heard.push('a'));
    const stop = scope.onAbort(() => heard.push('b'));
    scope.listen({ handleAbort: () => heard.push('c') });
    stop();
    scope.abort('first');
    scope.abort('second');
    expect(heard).toEqual(['a', 'c']);
    expect(scope.reason).toBe('first');
    expect(scope.signal.aborted).toBe(true);
    expect(scope.signal.reason).toBe('first');
    expect(() => scope.throwIfAborted()).toThrow('first');
  });

  it('a signal made before the abort follows it', () => {
    const scope = new CancelScope();
    const signal = scope.signal;
    expect(signal.aborted).toBe(false);
    scope.abort(new Error('stop'));
    expect(signal.aborted).toBe(true);
  });
});

describe('Admission with a CancelScope', () => {
  it('a cancelled waiter leaves the line at once with its reason; the others keep their order', async () => {
    let room = 0;
    const line = new Admission<number>({ take: () => (room > 0 ? ((room -= 1), { grant: 1 }) : { waitMs: Infinity }), release: () => undefined }, { queueFull: () => new Error('full') });
    const scopes = [new CancelScope(), new CancelScope(), new CancelScope()];
    const order: number[] = [];
    const results = scopes.map((scope, i) => line.acquire(1, scope).then(() => void order.push(i), (e: unknown) => e));
    expect(line.size).toBe(3);
    scopes[1]!.abort('gone');
    expect(line.size).toBe(2);
    room = 2;
    line.wake();
    const settled = await Promise.all(results);
    expect(settled[1]).toBe('gone');
    expect(order).toEqual([0, 2]);
    // A granted waiter no longer listens: a later abort changes nothing.
    scopes[0]!.abort('late');
    expect(line.size).toBe(0);
  });
});

describe('ndjson rows handed out in batches', () => {
  const schema = z.object({ n: z.number() });
  const opts = { provider: 'test', path: '/rows', schema, idleTimeoutMs: 5_000 };
  const body = (count: number): Readable => Readable.from([Buffer.from(Array.from({ length: count }, (_, n) => JSON.stringify({ n })).join('\n') + '\n')]);

  it('mapRows over ndjsonRows maps each row once, in order, lazily', async () => {
    let mapped = 0;
    const rows = mapRows(ndjsonRows(body(1000), opts), (r) => {
      mapped += 1;
      return r.n * 2;
    });
    const first = await rows.next();
    expect(first).toEqual({ value: 0, done: false });
    expect(mapped).toBe(1);
    const rest: number[] = [];
    for await (const v of rows) rest.push(v);
    expect(rest).toEqual(Array.from({ length: 999 }, (_, i) => (i + 1) * 2));
  });

  it('a mapping that throws ends the stream with its own error and destroys the body', async () => {
    const source = body(100);
    const rows = mapRows(ndjsonRows(source, opts), (r) => {
      if (r.n === 5) throw new RangeError('bad price');
      return r.n;
    });
    const seen: number[] = [];
    const error = await caught((async () => {
      for await (const v of rows) seen.push(v);
    })());
    expect(error).toBeInstanceOf(RangeError);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(source.destroyed).toBe(true);
    expect(await rows.next()).toEqual({ value: undefined, done: true });
  });

  it('rows before a bad row in the same chunk come first, then the error naming the row', async () => {
    const source = Readable.from([Buffer.from('{"n":1}\n{"n":2}\n{"n":"x"}\n{"n":4}\n')]);
    const seen: number[] = [];
    const error = (await caught((async () => {
      for await (const r of ndjsonRows(source, opts)) seen.push(r.n);
    })())) as ResponseShapeError;
    expect(seen).toEqual([1, 2]);
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect(error.fieldPath).toBe('row 3.n');
  });

  it('breaking out early destroys the body', async () => {
    const source = body(10_000);
    for await (const r of ndjsonRows(source, opts)) if (r.n === 3) break;
    expect(source.destroyed).toBe(true);
  });
});
