/**
 * Hostile: `portfolio export --out FILE` writes `FILE.partial` first, then renames it. In a
 * shared directory (/tmp) anyone can plant `FILE.partial` as a symlink to a file of the user's
 * (their shell profile, a key file): writing through it replaces that file with the CSV. The
 * temporary file must be new and the CLI's own — never an existing path followed.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCs2CapClient } from '../../src/index.js';
import { Cs2CapSandbox } from '../../providers/cs2cap/sandbox.js';

const run = promisify(execFile);
const CLI = join(process.cwd(), 'dist/src/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'marketmux-partial-'));
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(CS2C|CSBOARD|KALSHI|REDIS)_/.test(k)));

describe('hostile: a planted FILE.partial symlink', () => {
  let sandbox: Cs2CapSandbox;
  let env: Record<string, string>;
  let portfolioId: string;
  beforeAll(async () => {
    sandbox = new Cs2CapSandbox();
    const baseUrl = await sandbox.start();
    env = { CS2C_API_BASE: baseUrl, CS2C_API_KEY: sandbox.createKey('pro') };
    const client = createCs2CapClient({ apiKey: env.CS2C_API_KEY!, baseUrl, retry: { retries: 0 } });
    try {
      portfolioId = (await client.portfolios.create({ name: 'p' })).id;
      await client.portfolios.addTransaction(portfolioId, { itemId: 1000, type: 'buy', quantity: 1, price: '1.00', date: '2026-01-03' });
    } finally {
      await client.close();
    }
  });
  afterAll(() => sandbox.close());

  it('is not written through: the victim file stays, the export lands in FILE', async () => {
    const victim = join(dir, 'profile');
    writeFileSync(victim, 'export PATH=/usr/bin\n');
    const out = join(dir, 'ledger.csv');
    symlinkSync(victim, `${out}.partial`);
    await run(process.execPath, [CLI, 'portfolio', 'export', portfolioId, '--out', out], { env: { ...cleanEnv, NO_COLOR: '1', ...env }, timeout: 20_000 }).catch(() => undefined);
    expect(readFileSync(victim, 'utf8')).toBe('export PATH=/usr/bin\n');
    expect(readFileSync(out, 'utf8')).toMatch(/^date,type,/);
  }, 30_000);
});
