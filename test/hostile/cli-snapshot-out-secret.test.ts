/**
 * Hostile (f730a91, `marketmux snapshot --out FILE`): the commit says the file's NDJSON is now
 * written "as --json does". `--json` stdout goes through createIo's `clean` (the environment's
 * keys redacted) and then `jsonLine`; the snapshot file gets `jsonLine` only. A snapshot row
 * that carries the key (an echoing proxy or CDN, a seller who got hold of it: the same threat
 * as cli-echo.test.ts and cli-export-out-secret.test.ts) lands in the file in clear, the file a
 * user shares or commits. `portfolio export --out` scrubs (scrubEnvironmentSecrets); this one
 * does not. The same row printed by `listings --json` is scrubbed (the control below).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/testkit/index.js';

const CLI = join(process.cwd(), 'dist/src/cli/main.js');
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(CS2C|CSBOARD|KALSHI|REDIS)_/.test(k)));

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...cleanEnv, ...env }, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('hostile: the CSBoard key inside a snapshot row', () => {
  let sandbox: Sandbox;
  let key: string;
  const dir = mkdtempSync(join(tmpdir(), 'mm-snap-secret-'));
  beforeAll(async () => {
    sandbox = await startSandbox();
    key = sandbox.env.CSBOARD_API_KEY!;
    sandbox.csboard.server.addListing(`AK-47 | echo ${key} here`, 4.21);
  });
  afterAll(async () => {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('listings --json scrubs it (control)', async () => {
    const r = await cli(['listings', '--search', 'echo', '--limit', '5', '--json'], sandbox.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('echo ');
    expect(r.stdout).not.toContain(key);
  });

  it('snapshot --out FILE scrubs it too', async () => {
    const out = join(dir, 'snapshot.ndjson');
    const r = await cli(['snapshot', '--out', out], sandbox.env);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('AK-47 | echo ');
    expect(text.includes(key), 'the key is in the --out file in clear').toBe(false);
  });
});
