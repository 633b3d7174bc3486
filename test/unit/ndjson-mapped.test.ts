/**
 * `ndjsonRows` with `map` and `accepts`: rows built as they are parsed, an exact check that
 * stands in for the schema, and what happens when either refuses a row or the caller aborts.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AbortedError, ResponseShapeError } from '../../src/errors.js';
import { ndjsonRows } from '../../src/http/ndjson.js';

const body = (count: number, bad?: number): Readable =>
  Readable.from([Buffer.from(Array.from({ length: count }, (_, n) => JSON.stringify({ n: n === bad ? 'x' : n })).join('\n') + '\n')]);

async function drain<T>(rows: AsyncIterable<T>): Promise<{ seen: T[]; error: unknown }> {
  const seen: T[] = [];
  try {
    for await (const row of rows) seen.push(row);
  } catch (error) {
    return { seen, error };
  }
  return { seen, error: undefined };
}

describe('ndjsonRows with map and accepts', () => {
  it('a row accepts passes skips the schema; a row it refuses is parsed by the schema, which names the field', async () => {
    let schemaRuns = 0;
    const schema = z.object({ n: z.number().int() }).refine(() => (schemaRuns += 1) > 0);
    const accepts = (json: unknown): boolean => typeof (json as { n?: unknown }).n === 'number' && (json as { n: number }).n % 2 === 0;
    const rows = ndjsonRows(body(10, 7), { provider: 'test', path: '/rows', schema, accepts, map: (r: { n: number }) => ({ doubled: r.n * 2 }), idleTimeoutMs: 5_000 });
    const { seen, error } = await drain(rows);
    expect(seen).toEqual([0, 2, 4, 6, 8, 10, 12].map((doubled) => ({ doubled })));
    // Odd rows 1, 3, 5 went through the schema; row 8 (n: "x") is refused by it.
    expect(schemaRuns).toBe(3);
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect((error as ResponseShapeError).fieldPath).toBe('row 8.n');
  });

  it('a map that throws fails the stream with a ResponseShapeError naming the row, after the rows before it; the body is destroyed', async () => {
    const source = body(50);
    const schema = z.object({ n: z.number() });
    const rows = ndjsonRows(source, {
      provider: 'test',
      path: '/rows',
      schema,
      map: (r: { n: number }) => {
        if (r.n === 20) throw new RangeError('not a price');
        return r.n;
      },
      idleTimeoutMs: 5_000,
    });
    const { seen, error } = await drain(rows);
    expect(seen).toEqual(Array.from({ length: 20 }, (_, n) => n));
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect((error as ResponseShapeError).fieldPath).toBe('row 21');
    expect((error as Error).message).toMatch(/row 21 could not be read: not a price/);
    expect(source.destroyed).toBe(true);
  });

  it('an abort ends the iteration at the next row with AbortedError, not after the rest of the chunk', async () => {
    const source = body(5_000);
    const ac = new AbortController();
    const rows = ndjsonRows(source, { provider: 'test', path: '/rows', schema: z.object({ n: z.number() }), idleTimeoutMs: 5_000, signal: ac.signal });
    let seen = 0;
    let error: unknown;
    try {
      for await (const _ of rows) {
        seen += 1;
        if (seen === 10) ac.abort();
      }
    } catch (e) {
      error = e;
    }
    expect(seen).toBe(10);
    expect(error).toBeInstanceOf(AbortedError);
    expect(source.destroyed).toBe(true);
    expect(await rows.next()).toEqual({ value: undefined, done: true });
  });
});
