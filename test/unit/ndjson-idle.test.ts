/**
 * The idle timeout of an NDJSON stream measures a stalled server, not a slow reader: a whole
 * gzipped body can arrive in one read and take far longer than the timeout to be read.
 */
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TimeoutError } from '../../src/errors.js';
import { ndjsonRows } from '../../src/http/ndjson.js';

const schema = z.object({ n: z.number().int() });
const options = { provider: 'test', path: '/rows', schema, idleTimeoutMs: 150 };
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('ndjsonRows idle timeout', () => {
  it('a reader slower than the timeout, over a body that arrived in one read, gets every row', async () => {
    const rows = 40_000; // several 64 KiB pieces of text
    const gz = gzipSync(Array.from({ length: rows }, (_, n) => JSON.stringify({ n })).join('\n'));
    const started = Date.now();
    let seen = 0;
    for await (const row of ndjsonRows(Readable.from([gz]), options)) {
      expect(row.n).toBe(seen);
      seen += 1;
      // 400 ms of pauses in all, more than twice the timeout, with no byte arriving meanwhile.
      if (seen % 5_000 === 0) await sleep(50);
    }
    expect(seen).toBe(rows);
    expect(Date.now() - started).toBeGreaterThan(2 * options.idleTimeoutMs);
  });

  it('a server that stops sending still fails the stream after the timeout', async () => {
    const body = new PassThrough();
    body.write('{"n":0}\n{"n":1}\n');
    const seen: number[] = [];
    let error: unknown;
    try {
      for await (const row of ndjsonRows(body, options)) seen.push(row.n);
    } catch (e) {
      error = e;
    }
    expect(seen).toEqual([0, 1]);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(body.destroyed).toBe(true);
  });
});
