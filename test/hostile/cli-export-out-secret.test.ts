/**
 * Hostile: the CLI keeps the environment's keys out of what it prints even when a server puts
 * one in its data (cli-echo.test.ts) — `portfolio export` to stdout is scrubbed. The same
 * export written with `--out FILE` must be scrubbed the same way: the file is the CLI's output
 * too, and it is the one a user mails, commits or uploads.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCs2CapClient } from '../../src/index.js';
import { Cs2CapSandbox } from '../../providers/cs2cap/sandbox.js';

const run = promisify(execFile);
const CLI = join(process.cwd(), 'dist/src/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'marketmux-export-secret-'));
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(CS2C|CSBOARD|KALSHI|REDIS)_/.test(k)));

describe('hostile: a key in the exported CSV', () => {
  let sandbox: Cs2CapSandbox;
  let env: Record<string, string>;
  let portfolioId: string;
  beforeAll(async () => {
    sandbox = new Cs2CapSandbox();
    const baseUrl = await sandbox.start();
    const key = sandbox.createKey('pro');
    env = { CS2C_API_BASE: baseUrl, CS2C_API_KEY: key };
    const client = createCs2CapClient({ apiKey: key, baseUrl, retry: { retries: 0 } });
    try {
      const p = await client.portfolios.create({ name: 'echo' });
      portfolioId = p.id;
      // What the server sends back holds the key (here: in a note, as an echoing proxy would put it anywhere).
      await client.portfolios.addTransaction(p.id, { itemId: 1000, type: 'buy', quantity: 1, price: '1.00', date: '2026-01-03', note: `key ${key} here` });
    } finally {
      await client.close();
    }
  });
  afterAll(() => sandbox.close());

  it('is scrubbed on stdout and in the --out file alike', async () => {
    const key = env.CS2C_API_KEY!;
    const stdout = (await run(process.execPath, [CLI, 'portfolio', 'export', portfolioId], { env: { ...cleanEnv, NO_COLOR: '1', ...env }, timeout: 20_000 })).stdout;
    expect(stdout).toContain('here');
    expect(stdout).not.toContain(key);
    const file = join(dir, 'ledger.csv');
    await run(process.execPath, [CLI, 'portfolio', 'export', portfolioId, '--out', file], { env: { ...cleanEnv, NO_COLOR: '1', ...env }, timeout: 20_000 });
    const written = readFileSync(file, 'utf8');
    expect(written).toContain('here');
    expect(written).not.toContain(key);
  }, 45_000);
});
