// Hostile review: ndjsonRows' idle timer (src/http/ndjson.ts, `stalled`). Since 54d8cc7 the timer
// is no longer cleared while the reader holds a run of rows: when it fires and the stream is not
// waiting for bytes it refresh()es itself — forever. A reader that takes a row (or a few) and
// stops asking without calling return() (a `rows.next()` peek, an iterator dropped after an
// error in the caller's own code) leaves a ref'd timer that re-arms every idleTimeoutMs, so a
// script whose work is done never exits. Before the change the timer was cleared before each
// yield: nothing of the stream kept the process alive once the body had ended (checked: the
// same script against 936429d's ndjson.ts exits 0; against main's it is still running at 4 s).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('ndjsonRows: a reader that stops asking leaves no timer behind', () => {
  it('a script that peeks at the first row exits by itself', { timeout: 20_000 }, () => {
    // The built package (the suite's global setup builds dist/).
    const script = `
      import { Readable } from 'node:stream';
      import { z } from 'zod';
      import { ndjsonRows } from './dist/src/http/ndjson.js';
      const body = Readable.from([Buffer.from('{"a":1}\\n{"a":2}\\n')]);
      const rows = ndjsonRows(body, { provider: 'test', path: '/x', schema: z.object({ a: z.number() }), idleTimeoutMs: 100 });
      const first = await rows.next();
      console.log(JSON.stringify(first.value));
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: process.cwd(), timeout: 4_000, encoding: 'utf8' });
    expect(run.stdout.trim()).toBe('{"a":1}');
    // Killed by the 4 s timeout (signal SIGTERM) instead of exiting with 0.
    expect({ signal: run.signal, status: run.status }).toEqual({ signal: null, status: 0 });
  });
});
