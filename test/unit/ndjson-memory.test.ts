/**
 * What a stream keeps alive while it is read: the chunks already parsed must be garbage. (A
 * Promise.race against one never-settling promise per read kept every chunk of a snapshot
 * until its end: 27 MB of RSS for a 27 MB body.)
 */
import { Readable } from 'node:stream';
import v8 from 'node:v8';
import vm from 'node:vm';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ndjsonRows } from '../../src/http/ndjson.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const schema = z.object({ chunk: z.number().int(), pad: z.string() });
const CHUNKS = 300;
const ROWS_PER_CHUNK = 40;

/** A body of CHUNKS chunks (each its own ArrayBuffer, watched), made as they are read. */
function watchedBody(watch: WeakRef<ArrayBuffer>[]): Readable {
  return Readable.from(
    (function* () {
      for (let c = 0; c < CHUNKS; c++) {
        const lines = Array.from({ length: ROWS_PER_CHUNK }, () => `${JSON.stringify({ chunk: c, pad: 'x'.repeat(300) })}\n`).join('');
        const chunk = Buffer.alloc(Buffer.byteLength(lines));
        chunk.write(lines);
        watch.push(new WeakRef(chunk.buffer));
        yield chunk;
      }
    })(),
  );
}

async function collectGarbage(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
}

describe('ndjsonRows memory', () => {
  it('chunks already read are collectable while the stream goes on', async () => {
    const watch: WeakRef<ArrayBuffer>[] = [];
    const rows = ndjsonRows(watchedBody(watch), { provider: 'test', path: '/rows', schema, idleTimeoutMs: 5_000 });
    let seen = 0;
    for await (const row of rows) {
      seen += 1;
      if (row.chunk === 250) break;
    }
    expect(seen).toBe(250 * ROWS_PER_CHUNK + 1);
    // `break` ended the stream: check instead mid-stream, with a second stream held open.
    const watch2: WeakRef<ArrayBuffer>[] = [];
    const rows2 = ndjsonRows(watchedBody(watch2), { provider: 'test', path: '/rows', schema, idleTimeoutMs: 5_000 });
    for (let r = await rows2.next(); !r.done; r = await rows2.next()) if (r.value.chunk === 250) break;
    await collectGarbage();
    const alive = watch2.slice(0, 200).filter((ref) => ref.deref() !== undefined).length;
    expect(alive, `${alive} of the first 200 chunks are still alive`).toBeLessThan(5);
    await rows2.return();
  });

  it('a gzipped body: what waits decompressed stays a few 64 KiB pieces', async () => {
    const lines = Array.from({ length: CHUNKS * ROWS_PER_CHUNK }, (_, i) => JSON.stringify({ chunk: Math.floor(i / ROWS_PER_CHUNK), pad: 'x'.repeat(300) })).join('\n');
    const gz = gzipSync(lines);
    const rows = ndjsonRows(Readable.from([gz]), { provider: 'test', path: '/rows', schema, idleTimeoutMs: 5_000 });
    const before = process.memoryUsage();
    let peak = 0;
    let checked = -1;
    for (let r = await rows.next(); !r.done; r = await rows.next()) {
      if (r.value.chunk % 50 === 49 && r.value.chunk !== checked) {
        checked = r.value.chunk;
        await collectGarbage();
        const now = process.memoryUsage();
        peak = Math.max(peak, now.external + now.arrayBuffers - before.external - before.arrayBuffers);
      }
    }
    // About 3.7 MB of text goes through; what stays buffered is a few 64 KiB pieces.
    expect(peak).toBeLessThan(1024 * 1024);
  });
});
