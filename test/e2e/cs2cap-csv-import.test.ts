/**
 * CS2Cap CSV import (`portfolios.importCsv`, the mdx-only `POST /v1/portfolio/{id}/import/csv`)
 * against the sandbox over loopback: export → import round trips of both formats reproduce the
 * holdings, files are checked before they are sent, rows the server refuses name their line
 * and import nothing, and an import whose answer is lost is sent once and says how to check.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCs2CapClient, InvalidRequestError, OutcomeUnknownError, ValidationError, type Cs2CapClient } from '../../src/index.js';
import { Cs2CapSandbox } from '../../providers/cs2cap/sandbox.js';
import { MAX_CSV_IMPORT_BYTES } from '../../providers/cs2cap/portfolio.js';
import { caught } from '../helpers.js';

const LEDGER_HEADER = 'date,type,item_id,market_hash_name,phase,quantity,price,currency,fee_amount,fee_percentage,marketplace,note';

describe('cs2cap CSV import against the sandbox', () => {
  let sandbox: Cs2CapSandbox;
  let client: Cs2CapClient;
  const imports = (): number => sandbox.server.requests.filter((r) => r.path.endsWith('/import/csv')).length;
  const holdings = async (id: string): Promise<Record<number, number>> => {
    const out: Record<number, number> = {};
    for (const h of await client.portfolios.items(id)) out[h.item_id] = (out[h.item_id] ?? 0) + h.quantity;
    return out;
  };

  beforeEach(async () => {
    sandbox = new Cs2CapSandbox({ windowMs: 1000 });
    const baseUrl = await sandbox.start();
    client = createCs2CapClient({ apiKey: sandbox.createKey('pro'), baseUrl, retry: { minDelayMs: 10, maxDelayMs: 50 }, rateLimit: { default: { limit: 1000, windowMs: 1000 } } });
  });
  afterEach(async () => {
    await client.close();
    await sandbox.close();
  });

  it('a ledger export imported into another portfolio reproduces its holdings and its ledger', async () => {
    const a = await client.portfolios.create({ name: 'a' });
    const name1002 = sandbox.catalogItem(1002)!.market_hash_name;
    await client.portfolios.addTransaction(a.id, { itemId: 1000, type: 'buy', quantity: 5, price: '12.34', date: '2026-01-03', fee: '0.50', marketplace: 'steam', note: 'first, "quoted"\nsecond line' });
    await client.portfolios.addTransaction(a.id, { itemId: 1000, type: 'sell', quantity: 2, price: '15.00', date: '2026-01-05', feePercentage: 2.5 });
    await client.portfolios.addTransaction(a.id, { marketHashName: name1002, type: 'buy', quantity: 1, price: '100', date: '2026-01-04', currency: 'EUR' });
    const csv = await client.portfolios.exportCsv(a.id);

    const b = await client.portfolios.create({ name: 'b' });
    const res = await client.portfolios.importCsv(b.id, csv);
    expect(res).toMatchObject({ format: 'transactions', rows: 3, imported: 3 });
    expect(await holdings(b.id)).toEqual(await holdings(a.id));
    expect(await holdings(b.id)).toEqual({ 1000: 3, 1002: 1 });
    const strip = (txs: Awaited<ReturnType<Cs2CapClient['portfolios']['transactions']>>) =>
      txs.map(({ id: _i, created_at: _c, updated_at: _u, ...t }) => t).sort((x, y) => x.date.localeCompare(y.date));
    expect(strip(await client.portfolios.transactions(b.id))).toEqual(strip(await client.portfolios.transactions(a.id)));
    // …and exports back to the same file.
    expect(await client.portfolios.exportCsv(b.id)).toBe(csv);
  });

  it('a holdings export imported elsewhere reproduces the holdings; bytes with a BOM and CRLF, any column order and case', async () => {
    const a = await client.portfolios.create({ name: 'a' });
    await client.portfolios.addItem(a.id, { itemId: 1003, quantity: 2 });
    await client.portfolios.addItem(a.id, { itemId: 1001, quantity: 7 });
    const csv = await client.portfolios.exportCsv(a.id, { format: 'items' });
    const b = await client.portfolios.create({ name: 'b' });
    expect(await client.portfolios.importCsv(b.id, new TextEncoder().encode('\uFEFF' + csv), { format: 'items' })).toMatchObject({ format: 'items', rows: 2, imported: 2 });
    expect(await holdings(b.id)).toEqual({ 1003: 2, 1001: 7 });
    expect((await client.portfolios.items(b.id)).every((h) => h.source === 'csv')).toBe(true);
    const c = await client.portfolios.create({ name: 'c' });
    await client.portfolios.importCsv(c.id, 'Quantity,MARKET_HASH_NAME\n3,' + JSON.stringify(sandbox.catalogItem(1000)!.market_hash_name) + '\n\n');
    expect(await holdings(c.id)).toEqual({ 1000: 3 });
  });

  it('a file that cannot be right is a ValidationError naming what is wrong, and nothing is sent', async () => {
    const p = await client.portfolios.create({ name: 'p' });
    const row = '2026-01-01,buy,1000,,,1,1.00,USD,,,,';
    const cases: [string | Uint8Array, RegExp][] = [
      ['', /empty/],
      [LEDGER_HEADER + '\n', /no data rows/],
      [LEDGER_HEADER.replace('quantity', 'quantitiy') + '\n' + row, /unknown column "quantitiy"/],
      ['date,type,item_id,price\n2026-01-01,buy,1000,1.00', /needs the column quantity/],
      ['quantity,source\n1,manual', /item_id or a market_hash_name/],
      ['item_id,item_id,quantity\n1,1,1', /appears twice/],
      [LEDGER_HEADER + '\n' + row + '\n2026-01-02,buy,1000\n', /line 3.*3 fields where the header has 12/],
      [LEDGER_HEADER + '\n' + row.replace(',,,,', ',,,"open') + '\n', /line 2.*not closed/],
      ['item_id,quantity\n1000,1"\n', /quote inside an unquoted field/],
      [new Uint8Array([0x69, 0x74, 0x65, 0x6d, 0xff, 0x0a]), /not UTF-8/],
      ['item_id,quantity\n1000,\uD800\n', /lone surrogate/],
      ['item_id,quantity\n1000,1\u0000\n', /NUL/],
      ['item_id,quantity\n' + '1000,1\n'.repeat(Math.ceil(MAX_CSV_IMPORT_BYTES / 7) + 1), /larger than 16777216 bytes/],
    ];
    for (const [csv, message] of cases) {
      const err = await caught(client.portfolios.importCsv(p.id, csv));
      expect(err, String(message)).toBeInstanceOf(ValidationError);
      expect((err as Error).message, String(message)).toMatch(message);
    }
    // The format asked for must be the file's.
    const wrong = await caught(client.portfolios.importCsv(p.id, `${LEDGER_HEADER}\n${row}`, { format: 'items' }));
    expect((wrong as ValidationError).issues[0]).toEqual({ path: 'format', message: 'the header row is of the transactions format, not items' });
    await expect(client.portfolios.importCsv('', 'item_id,quantity\n1,1')).rejects.toBeInstanceOf(ValidationError);
    expect(imports()).toBe(0);
  });

  it('rows the server refuses: a 422 naming each line and column, and nothing of the file is imported', async () => {
    const p = await client.portfolios.create({ name: 'p' });
    const csv = [LEDGER_HEADER, '2026-01-01,buy,1000,,,2,1.00,USD,,,,', '2026-01-02,hold,1000,,,1,1.00,USD,,,,', '2026-01-03,buy,999999,,,1,1.00,USD,,,,', '2026-01-04,sell,1001,,,1,1.005,USD,,,,'].join('\n');
    const err = await caught(client.portfolios.importCsv(p.id, csv));
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect((err as InvalidRequestError).status).toBe(422);
    const message = (err as Error).message;
    expect(message).toMatch(/body\.csv\.3\.type: Input should be 'buy' or 'sell'/);
    expect(message).toMatch(/body\.csv\.4\.item_id: Item not found/);
    expect(message).toMatch(/body\.csv\.5\.price/);
    expect(message).not.toMatch(/body\.csv\.2\./);
    expect(await client.portfolios.transactions(p.id)).toEqual([]);
    // A sell past the holdings, judged in date order whatever the file's order: the buy dated first counts.
    const ordered = [LEDGER_HEADER, '2026-01-05,sell,1000,,,2,3.00,USD,,,,', '2026-01-01,buy,1000,,,2,1.00,USD,,,,'].join('\n');
    expect((await client.portfolios.importCsv(p.id, ordered)).imported).toBe(2);
    expect(await holdings(p.id)).toEqual({});
    const tooMany = await caught(client.portfolios.importCsv(p.id, [LEDGER_HEADER, '2026-01-06,sell,1000,,,1,3.00,USD,,,,'].join('\n')));
    expect((tooMany as Error).message).toMatch(/body\.csv\.2\.quantity: Sell quantity exceeds the holdings/);
    expect(await client.portfolios.transactions(p.id)).toHaveLength(2);
  });

  it('an import whose answer is lost is sent once, and says to list the transactions', async () => {
    const p = await client.portfolios.create({ name: 'p' });
    sandbox.server.inject({ kind: 'reset-after', method: 'POST', path: `/v1/portfolio/${p.id}/import/csv` });
    const err = await caught(client.portfolios.importCsv(p.id, `${LEDGER_HEADER}\n2026-01-01,buy,1000,,,1,1.00,USD,,,,\n`));
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect((err as Error).message).toContain(`portfolios.transactions('${p.id}')`);
    expect((err as Error).message).toMatch(/import it again only if/);
    expect(imports()).toBe(1);
    // It did happen: the ledger shows it.
    expect(await client.portfolios.transactions(p.id)).toHaveLength(1);
    // A 503 is not repeated either (no idempotency key exists), and the holdings import points at the items.
    sandbox.server.inject({ kind: 'status', status: 503, method: 'POST', path: `/v1/portfolio/${p.id}/import/csv`, body: { code: 'SERVICE_UNAVAILABLE', detail: 'busy' } });
    const busy = await caught(client.portfolios.importCsv(p.id, 'item_id,quantity\n1001,1\n'));
    expect(busy).toBeInstanceOf(OutcomeUnknownError);
    expect((busy as Error).message).toContain(`portfolios.items('${p.id}')`);
    expect(imports()).toBe(2);
  });
});
