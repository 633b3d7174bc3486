/**
 * What the faster NDJSON reader must still do: a chunk is decoded in runs of whole lines
 * (~8 KiB, not all of it at once), so any chunking of any body must give exactly the rows of a
 * plain split, the long-line bound must hold wherever a run ends, and the one idle timer
 * (refreshed, never re-created) must still tell a stalled server from a busy consumer.
 */
import fc from 'fast-check';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ResponseShapeError, TimeoutError } from '../../src/errors.js';
import { ndjsonRows } from '../../src/http/ndjson.js';

const schema = z.object({ s: z.string(), n: z.number() });
type Row = z.infer<typeof schema>;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** `bytes` cut at the given offsets (sorted, deduplicated), as a stream of those pieces. */
function pieces(bytes: Buffer, cuts: number[]): Readable {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const c of [...at, bytes.length]) {
    if (c > from) out.push(bytes.subarray(from, c));
    from = Math.max(from, c);
  }
  return Readable.from(out);
}

async function read(body: Readable, maxLineBytes?: number): Promise<{ rows: Row[]; error: unknown }> {
  const rows: Row[] = [];
  try {
    for await (const row of ndjsonRows(body, { provider: 'test', path: '/rows', schema, idleTimeoutMs: 5_000, maxLineBytes })) rows.push(row);
    return { rows, error: undefined };
  } catch (error) {
    return { rows, error };
  }
}

// Strings with multi-byte characters (2, 3 and 4 bytes in UTF-8), some long enough that a
// line spans several 8 KiB runs and chunks.
const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom('a', 'é', '€', '𝄞', ' '), minLength: 3_000, maxLength: 12_000 }),
);
const line = fc.record({ s: text, n: fc.integer() });
const ending = fc.constantFrom('\n', '\r\n', '\n\n');

describe('ndjsonRows reads a chunk in runs of whole lines', () => {
  it('any chunking of any body, plain or gzipped, gives the rows of a plain split', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(line, ending), { minLength: 1, maxLength: 60 }), fc.array(fc.nat(), { maxLength: 12 }), fc.boolean(), fc.boolean(), async (lines, cuts, lastNewline, gzip) => {
        let textBody = lines.map(([row, end]) => JSON.stringify(row) + end).join('');
        if (!lastNewline) textBody = textBody.replace(/(\r?\n)+$/, '');
        const expected = textBody
          .split('\n')
          .filter((l) => l.trim() !== '')
          .map((l) => JSON.parse(l) as Row);
        const raw = Buffer.from(textBody, 'utf8');
        const { rows, error } = await read(pieces(gzip ? gzipSync(raw) : raw, cuts));
        expect(error).toBeUndefined();
        expect(rows).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('one 64 KiB chunk with a too-long line in the middle: the rows before it, then a ResponseShapeError naming it', async () => {
    const short = Array.from({ length: 100 }, (_, n) => JSON.stringify({ s: 'x'.repeat(50), n }));
    const long = JSON.stringify({ s: 'y'.repeat(20_000), n: 100 });
    const after = Array.from({ length: 200 }, (_, n) => JSON.stringify({ s: 'z', n: 101 + n }));
    const body = Buffer.from([...short, long, ...after].join('\n') + '\n');
    expect(body.length).toBeLessThan(64 * 1024); // one chunk: the runs inside it are what is tested
    const { rows, error } = await read(Readable.from([body]), 16 * 1024);
    expect(rows.map((r) => r.n)).toEqual(short.map((_, n) => n));
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect((error as ResponseShapeError).fieldPath).toMatch(/^row 101 \(longer than maxLineBytes 16384\)/);
  });

  it('a line of exactly maxLineBytes inside a chunk is read; one byte more is refused', async () => {
    const limit = 12 * 1024;
    const exact = JSON.stringify({ s: 'a'.repeat(limit - 14), n: 1 });
    expect(Buffer.byteLength(exact)).toBe(limit);
    const lines = (l: string): Buffer => Buffer.from([JSON.stringify({ s: 'b', n: 0 }), l, JSON.stringify({ s: 'c', n: 2 })].join('\n'));
    expect((await read(Readable.from([lines(exact)]), limit)).rows.map((r) => r.n)).toEqual([0, 1, 2]);
    const over = JSON.stringify({ s: 'a'.repeat(limit - 13), n: 1 });
    const refused = await read(Readable.from([lines(over)]), limit);
    expect(refused.rows.map((r) => r.n)).toEqual([0]);
    expect(refused.error).toBeInstanceOf(ResponseShapeError);
  });
});

describe('ndjsonRows idle timer (one timer, refreshed)', () => {
  const idleTimeoutMs = 150;

  it('bytes that arrive while the consumer is busy over earlier rows do not start the stall clock', async () => {
    // A gzipped body in small reads, sent while the consumer sits on its first row for three
    // times the timeout: the reader takes a few of them (until gunzip's input buffer is full)
    // and then waits for the consumer. Nothing has stalled, and every row must come.
    const rows = 30_000;
    const gz = gzipSync(Array.from({ length: rows }, (_, n) => JSON.stringify({ s: 'r', n })).join('\n'));
    const body = new PassThrough();
    const piece = 1024;
    body.write(gz.subarray(0, 8 * piece));
    const rest = (async () => {
      for (let at = 8 * piece; at < gz.length; at += piece) {
        await sleep(2);
        body.write(gz.subarray(at, at + piece));
      }
      body.end();
    })();
    let seen = 0;
    for await (const row of ndjsonRows(body, { provider: 'test', path: '/rows', schema, idleTimeoutMs })) {
      expect(row.n).toBe(seen);
      seen += 1;
      if (seen === 1) await sleep(3 * idleTimeoutMs);
    }
    await rest;
    expect(seen).toBe(rows);
  });

  it('a server that stops mid-body, after a consumer paused longer than the timeout, still fails it as stalled', async () => {
    const body = new PassThrough();
    body.write('{"s":"a","n":0}\n{"s":"b","n":1}\n');
    const seen: number[] = [];
    const started = Date.now();
    let error: unknown;
    try {
      for await (const row of ndjsonRows(body, { provider: 'test', path: '/rows', schema, idleTimeoutMs })) {
        seen.push(row.n);
        if (row.n === 0) await sleep(2 * idleTimeoutMs);
      }
    } catch (e) {
      error = e;
    }
    expect(seen).toEqual([0, 1]);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(body.destroyed).toBe(true);
    // The clock ran only while the reader waited for bytes: after the pause, a full timeout.
    expect(Date.now() - started).toBeGreaterThanOrEqual(3 * idleTimeoutMs - 20);
  });
});
