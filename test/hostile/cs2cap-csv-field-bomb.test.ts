/**
 * Hostile: a CSV import within the 16 MiB bound made of commas — one header or one row of
 * millions of empty fields. The check must refuse it as a ValidationError naming the line, and
 * without first building every field: the old checker took ~0.3–0.45 GB for such a file before
 * it noticed (a service importing users' files is a memory bomb away from falling over).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createCs2CapClient, ValidationError } from '../../src/index.js';
import { caught } from '../helpers.js';

const SIZE = 16 * 1024 * 1024 - 1024;
// Nothing is ever sent (each file is refused first): a closed port proves it.
const client = createCs2CapClient({ apiKey: `sk_live_${'b'.repeat(32)}`, baseUrl: 'http://127.0.0.1:9', retry: { retries: 0 } });
const id = '00000000-0000-4000-8000-000000000001';

describe('hostile: a CSV of millions of fields', () => {
  afterAll(() => client.close());
  for (const [name, text, line] of [['a header', ','.repeat(SIZE), 1], ['a row', `item_id,quantity\n${','.repeat(SIZE)}`, 2]] as const) {
    it(`${name} of commas is refused at the line, in bounded memory`, async () => {
      globalThis.gc?.();
      const before = process.memoryUsage().heapUsed;
      let peak = before;
      const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 1);
      const error = await caught(client.portfolios.importCsv(id, text));
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage().heapUsed);
      expect(error).toBeInstanceOf(ValidationError);
      // The text itself is ~16 MB (held by the test); what the check adds must stay small.
      expect(peak - before).toBeLessThan(100 * 1024 * 1024);
      expect((error as ValidationError).issues[0]!.path).toBe(`csv.line ${line}`);
      expect((error as ValidationError).message).toMatch(/more than 12 fields/);
    }, 20_000);
  }
});
