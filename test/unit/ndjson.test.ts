import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ResponseShapeError } from '../../src/errors.js';
import { DEFAULT_NDJSON_MAX_LINE_BYTES, ndjsonRows, type NdjsonOptions } from '../../src/http/ndjson.js';
import { caught } from '../helpers.js';

const rowSchema = z.object({ name: z.string(), n: z.number().int() });
type Row = z.output<typeof rowSchema>;
const options = (extra: Partial<NdjsonOptions<Row>> = {}): NdjsonOptions<Row> => ({ provider: 'test', path: '/rows', schema: rowSchema, idleTimeoutMs: 5_000, ...extra });

/** A body that yields exactly these chunks, in order. */
const bodyOf = (chunks: readonly Buffer[]): Readable => Readable.from(chunks);
const line = (name: string, n: number): string => `${JSON.stringify({ name, n })}\n`;

async function collect(body: Readable, extra: Partial<NdjsonOptions<Row>> = {}): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const row of ndjsonRows(body, options(extra))) rows.push(row);
  return rows;
}

/** A line of exactly `bytes` bytes (newline excluded) that is one valid row. */
function rowOfBytes(bytes: number, n = 1): string {
  const overhead = JSON.stringify({ name: '', n }).length;
  return JSON.stringify({ name: 'a'.repeat(bytes - overhead), n });
}

/** The same bytes cut into pieces of `size`. */
function pieces(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

describe('ndjsonRows', () => {
  it('a multi-byte character split across chunks decodes whole (3- and 4-byte sequences, cut at every byte)', async () => {
    const text = line('★ Karambit | Doppler', 1) + line('Sticker | 🐉 Dragon', 2);
    const bytes = Buffer.from(text, 'utf8');
    for (let cut = 1; cut < bytes.length; cut++) {
      const rows = await collect(bodyOf([bytes.subarray(0, cut), bytes.subarray(cut)]));
      expect(rows.map((r) => r.name), `cut at byte ${cut}`).toEqual(['★ Karambit | Doppler', 'Sticker | 🐉 Dragon']);
    }
    // One byte per chunk: every sequence is split.
    expect((await collect(bodyOf(pieces(bytes, 1)))).map((r) => r.n)).toEqual([1, 2]);
  });

  it('reads CRLF endings, skips blank lines, and reads a last line without a newline', async () => {
    const body = bodyOf([Buffer.from('{"name":"a","n":1}\r\n\r\n{"name":"b",'), Buffer.from('"n":2}\r\n\n{"name":"c","n":3}')]);
    expect(await collect(body)).toEqual([
      { name: 'a', n: 1 },
      { name: 'b', n: 2 },
      { name: 'c', n: 3 },
    ]);
  });

  it('a leading byte-order mark is dropped', async () => {
    expect(await collect(bodyOf([Buffer.from([0xef, 0xbb]), Buffer.from([0xbf]), Buffer.from(line('a', 1))]))).toEqual([{ name: 'a', n: 1 }]);
  });

  it('a bad row names the row and the field', async () => {
    const err = (await caught(collect(bodyOf([Buffer.from(line('a', 1) + '\n{"name":"b","n":"two"}\n')])))) as ResponseShapeError;
    expect(err).toBeInstanceOf(ResponseShapeError);
    expect(err.fieldPath).toBe('row 3.n');
    const notJson = (await caught(collect(bodyOf([Buffer.from('{"name":')])))) as ResponseShapeError;
    expect(notJson.fieldPath).toBe('row 1');
    expect(notJson.message).toMatch(/row 1 is not JSON/);
  });

  describe('the line limit', () => {
    const limit = 1_000;
    for (const [how, size] of [['in one chunk', 1 << 20], ['in 7-byte chunks', 7]] as const) {
      it(`a line of exactly maxLineBytes is read, one byte more fails naming the row and the limit (${how})`, async () => {
        const atLimit = rowOfBytes(limit);
        expect(Buffer.byteLength(atLimit)).toBe(limit);
        const ok = await collect(bodyOf(pieces(Buffer.from(`${line('first', 0)}${atLimit}\r\n`), size)), { maxLineBytes: limit + 1 });
        expect(ok).toHaveLength(2);
        expect(await collect(bodyOf(pieces(Buffer.from(`${line('first', 0)}${atLimit}\n`), size)), { maxLineBytes: limit })).toHaveLength(2);
        // Also as the last line, without a newline.
        expect(await collect(bodyOf(pieces(Buffer.from(`${line('first', 0)}${atLimit}`), size)), { maxLineBytes: limit })).toHaveLength(2);

        const over = rowOfBytes(limit + 1);
        for (const text of [`${line('first', 0)}${over}\n${line('after', 2)}`, `${line('first', 0)}${over}`]) {
          const seen: Row[] = [];
          const body = bodyOf(pieces(Buffer.from(text), size));
          const err = (await caught(
            (async () => {
              for await (const row of ndjsonRows(body, options({ maxLineBytes: limit }))) seen.push(row);
            })(),
          )) as ResponseShapeError;
          expect(err).toBeInstanceOf(ResponseShapeError);
          expect(err.message).toMatch(/row 2 is longer than the 1000-byte line limit \(maxLineBytes\)/);
          expect(err.fieldPath).toBe('row 2 (longer than maxLineBytes 1000)');
          expect(seen.map((r) => r.name)).toEqual(['first']);
          expect(body.destroyed).toBe(true);
        }
      });
    }

    it('counts bytes, not characters: a line of multi-byte characters over the limit is refused', async () => {
      const name = '★'.repeat(400); // 400 characters, 1 200 bytes
      expect(await collect(bodyOf([Buffer.from(line(name, 1))]), { maxLineBytes: 1_300 })).toHaveLength(1);
      expect(await caught(collect(bodyOf([Buffer.from(line(name, 1))]), { maxLineBytes: 1_000 }))).toBeInstanceOf(ResponseShapeError);
    });

    it('defaults to 1 MiB', async () => {
      expect(DEFAULT_NDJSON_MAX_LINE_BYTES).toBe(1024 * 1024);
      expect(await collect(bodyOf(pieces(Buffer.from(rowOfBytes(DEFAULT_NDJSON_MAX_LINE_BYTES)), 64 * 1024)))).toHaveLength(1);
      const err = (await caught(collect(bodyOf(pieces(Buffer.from(rowOfBytes(DEFAULT_NDJSON_MAX_LINE_BYTES + 1)), 64 * 1024))))) as ResponseShapeError;
      expect(err.fieldPath).toBe(`row 1 (longer than maxLineBytes ${DEFAULT_NDJSON_MAX_LINE_BYTES})`);
    });

    it('a 64 MiB line is refused once the limit is passed: the body is not read to its end, and it is destroyed', async () => {
      const chunkBytes = 64 * 1024;
      const chunks = 1024; // 64 MiB, no newline
      let produced = 0;
      let finished = false;
      async function* endlessLine(): AsyncGenerator<Buffer> {
        try {
          for (let i = 0; i < chunks; i++) {
            produced += 1;
            yield Buffer.alloc(chunkBytes, i === 0 ? '{"name":"' : 'a');
          }
        } finally {
          finished = true;
        }
      }
      const body = Readable.from(endlessLine());
      const err = (await caught(collect(body))) as ResponseShapeError;
      expect(err).toBeInstanceOf(ResponseShapeError);
      expect(err.fieldPath).toBe('row 1 (longer than maxLineBytes 1048576)');
      // What was read (an upper bound of what was buffered) is the limit plus the stream's
      // read-ahead (16 chunks), nowhere near the 64 MiB on offer.
      expect(produced * chunkBytes).toBeLessThan(DEFAULT_NDJSON_MAX_LINE_BYTES + 20 * chunkBytes);
      expect(produced).toBeLessThan(chunks);
      expect(body.destroyed).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
      expect(finished).toBe(true); // the generator was closed, not left pending
    });

    it('the limit applies to the decompressed bytes of a gzipped body', async () => {
      const gz = gzipSync(Buffer.from(`${line('first', 0)}{"name":"${'a'.repeat(8 * 1024 * 1024)}","n":1}\n`));
      expect(gz.length).toBeLessThan(64 * 1024);
      const err = (await caught(collect(bodyOf(pieces(gz, 4096))))) as ResponseShapeError;
      expect(err.fieldPath).toBe('row 2 (longer than maxLineBytes 1048576)');
    });

    it('refuses a limit that is not a positive integer', async () => {
      for (const maxLineBytes of [0, -1, 1.5, Number.NaN]) {
        expect(await caught(collect(bodyOf([Buffer.from(line('a', 1))]), { maxLineBytes }))).toBeInstanceOf(RangeError);
      }
    });
  });

  describe('large streams complete', () => {
    it('16 MiB of small rows in 16 KiB chunks: every row, in order', async () => {
      const rows: string[] = [];
      let bytes = 0;
      for (let n = 0; bytes < 16 * 1024 * 1024; n++) {
        const text = line(`AK-47 | Redline (Field-Tested) #${n}`, n);
        rows.push(text);
        bytes += text.length;
      }
      let seen = 0;
      let outOfOrder = 0;
      for await (const row of ndjsonRows(bodyOf(pieces(Buffer.from(rows.join('')), 16 * 1024)), options())) {
        if (row.n !== seen) outOfOrder += 1;
        seen += 1;
      }
      expect(seen).toBe(rows.length);
      expect(outOfOrder).toBe(0);
    });

    it('one 16 MiB row in 16 KiB chunks, under a raised limit', async () => {
      const text = rowOfBytes(16 * 1024 * 1024, 7);
      const got = await collect(bodyOf(pieces(Buffer.from(`${text}\n`), 16 * 1024)), { maxLineBytes: 32 * 1024 * 1024 });
      expect(got).toHaveLength(1);
      expect(got[0]?.n).toBe(7);
      expect(got[0]?.name.length).toBe(text.length - JSON.stringify({ name: '', n: 7 }).length);
    });
  });
});
