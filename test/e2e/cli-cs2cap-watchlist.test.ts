/**
 * `marketmux portfolio …` and `marketmux watchlist …` (the built CLI as a subprocess against a
 * CS2Cap sandbox), the other half (cli-cs2cap-portfolio.test.ts has the portfolio flow): help,
 * bad values as usage errors naming the flag with nothing sent, and the watchlist.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cs2CapSandbox } from '../../providers/cs2cap/sandbox.js';

const run = promisify(execFile);
const CLI = join(process.cwd(), 'dist/src/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'marketmux-watchlist-'));
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(CS2C|CSBOARD|KALSHI|REDIS)_/.test(k)));

describe('marketmux portfolio and watchlist: help, usage errors, the watchlist', () => {
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
  const portfolioRequests = (): number => sandbox.server.requests.filter((r) => r.path.startsWith('/v1/portfolio') || r.path.startsWith('/v1/account/watchlist')).length;

  beforeAll(async () => {
    sandbox = new Cs2CapSandbox();
    const baseUrl = await sandbox.start();
    env = { CS2C_API_BASE: baseUrl, CS2C_API_KEY: sandbox.createKey('pro') };
  });
  afterAll(() => sandbox.close());

  it('the groups print their commands; a subcommand\'s help has --json and --sandbox', async () => {
    const [portfolio, watchlist, add, imp] = await Promise.all([cli(['portfolio']), cli(['watchlist']), cli(['portfolio', 'add', '--help']), cli(['portfolio', 'import', '--help'])]);
    for (const sub of ['list', 'create', 'show', 'history', 'transactions', 'add', 'export', 'import']) expect(portfolio.stdout).toMatch(new RegExp(`^  ${sub}\\b`, 'm'));
    for (const sub of ['list', 'add', 'remove']) expect(watchlist.stdout).toMatch(new RegExp(`^  ${sub}\\b`, 'm'));
    for (const r of [portfolio, watchlist, add, imp]) expect(r.code).toBe(0);
    for (const r of [add, imp]) expect(r.stdout).toMatch(/--json[\s\S]*--sandbox/);
    expect(add.stdout).toMatch(/--quantity <n>[\s\S]*--price <usd>[\s\S]*--date/);
  });

  it('bad values are usage errors (exit 2) naming the flag or argument, and nothing is sent', async () => {
    const before = portfolioRequests();
    const id = '00000000-0000-4000-8000-000000000000';
    const badHeader = join(dir, 'bad-header.csv');
    writeFileSync(badHeader, 'date,type,item_id,quantitiy,price\n2026-01-01,buy,1000,1,1.00\n');
    const notUtf8 = join(dir, 'latin1.csv');
    writeFileSync(notUtf8, Buffer.from([0x69, 0x74, 0x65, 0x6d, 0x5f, 0x69, 0x64, 0x2c, 0x71, 0x75, 0x61, 0x6e, 0x74, 0x69, 0x74, 0x79, 0x0a, 0xe9, 0x2c, 0x31, 0x0a]));
    const cases: [string[], RegExp][] = [
      [['portfolio', 'add', id, '--item', 'x', '--quantity', 'abc', '--price', '1'], /--quantity/],
      [['portfolio', 'add', id, '--item', 'x', '--quantity', '1', '--price', '-1'], /--price/],
      [['portfolio', 'add', id, '--item', 'x', '--quantity', '1', '--price', '1.234'], /--price/],
      [['portfolio', 'add', id, '--item', 'x', '--quantity', '1', '--price', '1', '--date', '2026-02-30'], /--date/],
      [['portfolio', 'add', id, '--item', 'x'.repeat(301), '--quantity', '1', '--price', '1'], /--item/],
      [['portfolio', 'history', id, '--days', '0'], /--days/],
      [['portfolio', 'show', 'x'.repeat(101)], /ID/],
      [['portfolio', 'import', id, badHeader], /bad-header\.csv: header: unknown column "quantitiy"/],
      [['portfolio', 'import', id, notUtf8], /latin1\.csv: file: not UTF-8 text/],
      [['watchlist', 'remove', 'abc'], /abc/],
    ];
    const results = await Promise.all(cases.map(([args]) => cli(args)));
    results.forEach((r, i) => {
      const [args, named] = cases[i]!;
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(named);
    });
    expect(portfolioRequests()).toBe(before);
  });

  it('watchlist add by name or id, list, remove; an unknown name is a usage error, a duplicate a failure', async () => {
    const name = sandbox.catalogItem(1002)!.market_hash_name;
    const added = await cli(['watchlist', 'add', name]);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain(`watching ${name} (item 1002)`);
    expect((await json<{ item_id: number }>(['watchlist', 'add', '1003'])).item_id).toBe(1003);
    const list = await json<{ item_id: number }[]>(['watchlist', 'list']);
    expect(list.map((e) => e.item_id).sort()).toEqual([1002, 1003]);
    const dup = await cli(['watchlist', 'add', name]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/409/);
    const nobody = await cli(['watchlist', 'add', 'No Such Item (Factory New)']);
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toMatch(/MARKET_HASH_NAME: no catalog item/);
    expect(await json<{ ok: boolean }>(['watchlist', 'remove', '1002'])).toMatchObject({ itemId: 1002, ok: true });
    expect((await sandbox.server.requests.filter((r) => r.method === 'DELETE' && r.path === '/v1/account/watchlist/1002')).length).toBe(1);
  });
});
