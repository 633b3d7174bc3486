/**
 * `marketmux portfolio …` and `marketmux watchlist …`, the built CLI run as a subprocess
 * against a CS2Cap sandbox over loopback: the whole flow (create, add, show, history,
 * transactions, export → import round trip), money printed exactly, server refusals as
 * exit 1, tables by terminal width, no key printed (help, usage errors and the watchlist:
 * cli-cs2cap-watchlist.test.ts).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import stringWidth from 'string-width';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cs2CapSandbox } from '../../providers/cs2cap/sandbox.js';

const run = promisify(execFile);
const CLI = join(process.cwd(), 'dist/src/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'marketmux-portfolio-'));
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(CS2C|CSBOARD|KALSHI|REDIS)_/.test(k)));

describe('marketmux portfolio and watchlist', () => {
  let sandbox: Cs2CapSandbox;
  let env: Record<string, string>;
  const cli = async (args: string[], extra: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> => {
    try {
      const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: { ...cleanEnv, NO_COLOR: '1', ...env, ...extra }, timeout: 30_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  const json = async <T>(args: string[]): Promise<T> => {
    const r = await cli([...args, '--json']);
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    return JSON.parse(r.stdout) as T;
  };

  beforeAll(async () => {
    sandbox = new Cs2CapSandbox();
    const baseUrl = await sandbox.start();
    env = { CS2C_API_BASE: baseUrl, CS2C_API_KEY: sandbox.createKey('pro') };
  });
  afterAll(() => sandbox.close());

  it('create, add, show, history, transactions: money exact; export → import reproduces the holdings', async () => {
    const created = await json<{ id: string; name: string }>(['portfolio', 'create', 'main']);

    const ak = sandbox.catalogItem(1000)!.market_hash_name;
    const awp = sandbox.catalogItem(1001)!.market_hash_name;
    const day = (offset: number): string => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const buy = await cli(['portfolio', 'add', created.id, '--item', ak, '--quantity', '3', '--price', '12.34', '--date', day(-2)]);
    expect(buy.code, buy.stderr).toBe(0);
    expect(buy.stdout).toMatch(new RegExp(`recorded a buy of 3 × .* at 12\\.34 USD on ${day(-2)}`));
    // 0.1 + 0.2 is not 0.3 in floating point: the amount stays the exact text it was given.
    const tx = await json<{ price: { amount: string } }>(['portfolio', 'add', created.id, '--item', awp, '--quantity', '1', '--price', '0.30', '--date', day(-1)]);
    expect(tx).toMatchObject({ price: { amount: '0.30', currency: 'USD' } });
    expect((await cli(['portfolio', 'add', created.id, '--item', ak, '--quantity', '1', '--price', '20', '--type', 'sell'])).code).toBe(0);

    const txs = await cli(['portfolio', 'transactions', created.id]);
    expect(txs.stdout).toMatch(/sell .* 1 +20\.00 USD/);
    expect(txs.stdout).toMatch(/buy .* 3 +12\.34 USD/);

    const shown = await json<{ valuation: { data: { line_items: { item_id: number; quantity: number; item_value: { amount: string } }[]; total_value: { amount: string; currency: string } } } }>(['portfolio', 'show', created.id]);
    const lines = shown.valuation.data.line_items;
    expect(Object.fromEntries(lines.map((l) => [l.item_id, l.quantity]))).toEqual({ 1000: 2, 1001: 1 });
    // The total is the exact sum of the lines, in cents.
    const cents = (a: string): bigint => BigInt(a.replace('.', ''));
    expect(cents(shown.valuation.data.total_value.amount)).toBe(lines.reduce((n, l) => n + cents(l.item_value.amount), 0n));
    const table = await cli(['portfolio', 'show', created.id]);
    expect(table.stdout).toContain(`total ${shown.valuation.data.total_value.amount} USD`);

    const history = await json<{ date: string; total_value: { amount: string } }[]>(['portfolio', 'history', created.id, '--days', '3']);
    expect(history.map((d) => d.date)).toEqual([day(-2), day(-1), day(0)]);
    expect(history.at(-1)!.total_value.amount).toBe(shown.valuation.data.total_value.amount);

    // Export → import into a new portfolio: the same holdings, and the same CSV back.
    const file = join(dir, 'main.csv');
    const exported = await cli(['portfolio', 'export', created.id, '--out', file]);
    expect(exported.code, exported.stderr).toBe(0);
    const csv = readFileSync(file, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('date,type,item_id,market_hash_name,phase,quantity,price,currency,fee_amount,fee_percentage,marketplace,note');
    expect((await cli(['portfolio', 'export', created.id])).stdout).toBe(csv.replace(/\r\n$/, '\n'));
    const copy = await json<{ id: string }>(['portfolio', 'create', 'copy']);
    const imported = await cli(['portfolio', 'import', copy.id, file]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/imported 3 of 3 rows \(transactions\) from main\.csv/);
    const copyShown = await json<typeof shown>(['portfolio', 'show', copy.id]);
    expect(Object.fromEntries(copyShown.valuation.data.line_items.map((l) => [l.item_id, l.quantity]))).toEqual({ 1000: 2, 1001: 1 });
    expect(copyShown.valuation.data.total_value).toEqual(shown.valuation.data.total_value);
    const again = join(dir, 'copy.csv');
    expect((await cli(['portfolio', 'export', copy.id, '--out', again, '--json'])).code).toBe(0);
    expect(readFileSync(again, 'utf8')).toBe(csv);
  });

  it('the server\'s refusals are exit 1: rows named by line, an unknown portfolio, a duplicate watch', async () => {
    const p = await json<{ id: string }>(['portfolio', 'create', 'refusals']);
    const file = join(dir, 'rows.csv');
    writeFileSync(file, 'date,type,item_id,quantity,price\n2026-01-01,buy,1000,1,1.00\n2026-01-02,sell,1000,5,1.00\n');
    const rows = await cli(['portfolio', 'import', p.id, file]);
    expect(rows.code).toBe(1);
    expect(rows.stderr).toMatch(/422 VALIDATION_ERROR: body\.csv\.3\.quantity: Sell quantity exceeds the holdings/);
    expect(await json<unknown[]>(['portfolio', 'transactions', p.id])).toEqual([]);
    const unknown = await cli(['portfolio', 'show', '00000000-0000-4000-8000-000000000000']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/404 PORTFOLIO_NOT_FOUND/);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('tables line up by terminal width (wide characters), no key is ever printed, and --sandbox runs without one', async () => {
    const wide = await json<{ id: string }>(['portfolio', 'create', '日本語のポートフォリオ']);
    const list = await cli(['portfolio', 'list']);
    const lines = list.stdout.split('\n');
    const header = lines[0]!;
    const row = lines.find((l) => l.startsWith(wide.id))!;
    // The item count ends where the header's "items" ends, measured in terminal columns.
    const end = (line: string, text: string, from: number): number => stringWidth(line.slice(0, line.indexOf(text, from) + text.length));
    expect(end(row, ' 0 ', wide.id.length) - 1).toBe(end(header, 'items', 0));
    for (const out of [list.stdout + list.stderr]) expect(out).not.toContain(env.CS2C_API_KEY);
    const offline = await cli(['portfolio', 'list', '--sandbox', '--json'], { CS2C_API_KEY: '', CS2C_API_BASE: '' });
    expect(offline.code, offline.stderr).toBe(0);
    expect(JSON.parse(offline.stdout)).toEqual([]);
  });
});
