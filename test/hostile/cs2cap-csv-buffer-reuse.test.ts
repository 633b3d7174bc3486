/**
 * Hostile: `portfolios.importCsv` checks a Uint8Array, then sends it later (after the quota
 * wait, on each attempt). A caller that reuses its buffer once the call has started — a pooled
 * read buffer, the next file read into the same bytes — must not get bytes imported that were
 * never checked: the import sends what it checked, or nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCs2CapClient, type Cs2CapClient } from '../../src/index.js';
import { Cs2CapSandbox } from '../../providers/cs2cap/sandbox.js';

describe('hostile: the CSV bytes imported are the bytes checked', () => {
  let sandbox: Cs2CapSandbox;
  let client: Cs2CapClient;
  beforeEach(async () => {
    sandbox = new Cs2CapSandbox({ windowMs: 1000 });
    const baseUrl = await sandbox.start();
    client = createCs2CapClient({ apiKey: sandbox.createKey('pro'), baseUrl, retry: { retries: 0 }, rateLimit: { default: { limit: 1000, windowMs: 1000 } } });
  });
  afterEach(async () => {
    await client.close();
    await sandbox.close();
  });

  it('overwriting the buffer after the call started does not change what is imported', async () => {
    const p = await client.portfolios.create({ name: 'reuse' });
    const checked = 'item_id,quantity\n1000,1\n';
    const other = 'item_id,quantity\n1001,9\n';
    expect(Buffer.byteLength(checked)).toBe(Buffer.byteLength(other));
    const buffer = Buffer.from(checked);
    const pending = client.portfolios.importCsv(p.id, buffer);
    // The caller reuses its buffer for the next file while the import is under way.
    buffer.write(other);
    const result = await pending;
    expect(result).toMatchObject({ format: 'items', rows: 1 });
    const held = (await client.portfolios.items(p.id)).map((h) => [h.item_id, h.quantity]);
    expect(held).toEqual([[1000, 1]]);
  });
});
