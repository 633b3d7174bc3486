/**
 * Hostile: a server (or a seller naming a listing) puts terminal control sequences in the
 * strings the CLI prints — a listing's name, a market's title, an error message and its
 * provider code. On a terminal they would clear the screen, move the cursor, write the
 * clipboard (OSC 52), plant a hyperlink (OSC 8), overwrite earlier output (CR, backspace) or
 * reverse what the user reads (U+202E). The CLI's text output must carry none of them, raw,
 * but still show what the server sent as visible escapes; its JSON output stays exact.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import stringWidth from 'string-width';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/testkit/index.js';

const CLI = join(process.cwd(), 'dist/src/cli/main.js');
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(CS2C|CSBOARD|KALSHI|REDIS)_/.test(k) && k !== 'NO_COLOR'));

/** Every kind of control a terminal acts on, between words that must stay readable. */
const HOSTILE = [
  'Evil',
  '\u001b[2J\u001b[H', // CSI: clear the screen, cursor home
  '\u001b]8;;http://127.0.0.1:1/phish\u0007click\u001b]8;;\u0007', // OSC 8 hyperlink, BEL-terminated
  '\u001b]52;c;cm0gLXJmIH4=\u001b\\', // OSC 52: write the clipboard, ST-terminated
  '\u009b31m\u009d0;title\u009c', // C1 CSI, OSC and ST (8-bit forms)
  '\u0008\u0008\u0008', // backspaces over the text before
  '\rFAKE', // carriage return: overwrite the line from its start
  '\u202Ereversed\u202C', // bidi override
  '\u2066isolate\u2069\u200F',
  'zero\u200bwidth\u2060\ufeff', // invisible: a look-alike name
  '\u0000\u007f\u0005',
  '\u001bP+q544e\u001b\\', // DCS: ask the terminal to answer (an input injection)
  '\nnext line\ttab',
  'name',
].join('');
const VISIBLE_WORDS = ['Evil', 'click', 'title', 'FAKE', 'reversed', 'isolate', 'zero', 'width', 'next line', 'tab', 'name'];

interface Run {
  code: number;
  stdout: Buffer;
  stderr: Buffer;
}

function cli(args: string[], env: Record<string, string | undefined>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...cleanEnv, ...env }, timeout: 30_000, encoding: 'buffer' }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/**
 * The controls a terminal would act on, found in raw bytes: C0 but LF, DEL, C1 (as UTF-8
 * and as single bytes), the line/paragraph separators and the format characters (bidi, invisible).
 */
function terminalControls(bytes: Buffer): string[] {
  const found: string[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if ((b < 0x20 && b !== 0x0a) || b === 0x7f) found.push(`byte 0x${b.toString(16)} at ${i}`);
  }
  const text = bytes.toString('utf8');
  for (const m of text.matchAll(/[\u0080-\u009f\u2028\u2029\p{Cf}]/gu)) found.push(`U+${m[0].codePointAt(0)!.toString(16).padStart(4, '0')} at ${m.index}`);
  return found;
}

function expectSafeAndReadable(bytes: Buffer, label: string): string {
  expect(terminalControls(bytes), `${label}:\n${JSON.stringify(bytes.toString('utf8'))}`).toEqual([]);
  const text = bytes.toString('utf8');
  for (const word of VISIBLE_WORDS) expect(text, `${label}: ${word}`).toContain(word);
  // What was an ESC is shown, not dropped: the reader can tell something was there.
  expect(text, label).toContain('\\x1b');
  return text;
}

describe('hostile: terminal control sequences in server strings', () => {
  let sandbox: Sandbox;
  let env: Record<string, string>;
  beforeAll(async () => {
    sandbox = await startSandbox();
    env = { ...sandbox.env, NO_COLOR: '1' };
    sandbox.csboard.server.addListing(`AK-47 | ${HOSTILE}`, 4.21);
    const market = sandbox.kalshi.server.markets[0]!;
    market.title = `Fed ${HOSTILE}`;
  });
  afterAll(() => sandbox.close());

  it('a listing name: listings prints it escaped, on one row, cut to its column like any long name', async () => {
    const r = await cli(['listings', '--search', 'evil', '--limit', '5'], env);
    expect(r.code, r.stderr.toString()).toBe(0);
    const text = r.stdout.toString('utf8');
    expect(terminalControls(r.stdout), JSON.stringify(text)).toEqual([]);
    const lines = text.trimEnd().split('\n');
    // Header, rule, one row: the name's newline did not start a line of its own.
    expect(lines, text).toHaveLength(3);
    expect(lines[2]).toMatch(/^itm_\S+ +AK-47 \| Evil\\x1b\[2J\\x1b\[H\\x1b\]8;;http:\S*… +— +4\.21 USD$/);
    // What is measured is what is shown: the row ends in the header's last column.
    expect(stringWidth(lines[2]!)).toBe(stringWidth(lines[0]!));
  });

  it('a market title: kalshi markets prints it escaped, the table still aligned', async () => {
    const r = await cli(['kalshi', 'markets', '--limit', '200'], env);
    expect(r.code, r.stderr.toString()).toBe(0);
    const text = r.stdout.toString('utf8');
    expect(terminalControls(r.stdout), JSON.stringify(text)).toEqual([]);
    const row = text.split('\n').find((l) => l.includes('Fed Evil'));
    expect(row, text).toBeDefined();
    for (const word of VISIBLE_WORDS.slice(0, -3)) expect(row).toContain(word);
    expect(row).toContain('\\x0anext line\\x09tabname');
    // Each column starts where its header does: the status column lines up on every row.
    const header = text.split('\n')[0]!;
    const statusAt = header.indexOf('status');
    for (const line of text.trimEnd().split('\n').slice(2)) expect(line.slice(statusAt - 2, statusAt), line).toBe('  ');
  });

  it('a server error message and provider code: stderr carries them escaped, on one line', async () => {
    sandbox.csboard.server.server.inject({ kind: 'status', path: '/v1/listings', status: 400, body: { code: `bad\u001b[31m\u009b2J`, detail: HOSTILE } });
    const r = await cli(['listings', '--limit', '5'], env);
    expect(r.code).toBe(1);
    const text = expectSafeAndReadable(r.stderr, 'listings error');
    expect(text.trimEnd().split('\n'), text).toHaveLength(1);
    expect(text).toMatch(/^marketmux: \S+: csboard GET \/listings → 400 bad\\x1b\[31m/);
    expect(terminalControls(r.stdout)).toEqual([]);

    // --debug adds the error as JSON: exact (it parses back to the server's text), yet escaped.
    sandbox.csboard.server.server.inject({ kind: 'status', path: '/v1/listings', status: 400, body: { code: 'bad', detail: HOSTILE } });
    const debug = await cli(['listings', '--limit', '5', '--debug'], env);
    expect(debug.code).toBe(1);
    expect(terminalControls(debug.stderr)).toEqual([]);
    const fields = JSON.parse(debug.stderr.toString('utf8').trimEnd().split('\n')[1]!) as { message: string };
    expect(fields.message).toContain(HOSTILE);
  });

  it('commander\'s own messages quote what was typed through the same sanitiser', async () => {
    const r = await cli(['listings', '--bogus\u001b]52;c;eA==\u0007'], env);
    expect(r.code).toBe(2);
    expect(terminalControls(r.stderr), r.stderr.toString()).toEqual([]);
    expect(r.stderr.toString()).toContain("unknown option '--bogus\\x1b]52;c;eA==\\x07'");
  });

  it('a Kalshi error and a failed health check: stderr and the health table are escaped', async () => {
    sandbox.kalshi.server.server.inject({ kind: 'status', path: /orderbook/, status: 404, body: { error: { code: 'not_found', message: HOSTILE } } });
    const book = await cli(['kalshi', 'orderbook', 'KXFEDDECISION-26DEC-C25'], env);
    expect(book.code).toBe(1);
    expectSafeAndReadable(book.stderr, 'orderbook error');

    sandbox.csboard.server.server.inject({ kind: 'status', path: '/v1/health', status: 503, times: 10, body: { code: 'down', detail: HOSTILE } });
    const health = await cli(['health'], { ...env, CS2C_API_KEY: undefined, KALSHI_API_KEY_ID: undefined });
    sandbox.csboard.server.server.clearFaults();
    expect(health.code).toBe(1);
    expectSafeAndReadable(health.stdout, 'health table');
    expectSafeAndReadable(health.stderr, 'health stderr');
  });

  it('on a colour terminal: the CLI\'s own colour codes are written, none of the server\'s', async () => {
    // The real answer, with a hostile item name, served in its place.
    const item = 'AK-47 | Redline (Field-Tested)';
    const answer = await fetch(`${sandbox.cs2cap.baseUrl}/prices/candles?market_hash_name=${encodeURIComponent(item)}&interval=1d`, { headers: { authorization: `Bearer ${sandbox.cs2cap.apiKey}` } });
    const body = (await answer.json()) as { meta: { market_hash_name: string } };
    body.meta.market_hash_name = HOSTILE;
    sandbox.cs2cap.server.server.inject({ kind: 'status', path: '/v1/prices/candles', status: 200, body });
    // `script` gives the CLI a pseudo-terminal: stdout is a TTY, so colour is on.
    const line = `${process.execPath} ${CLI} candles '${item}'`;
    const r = await new Promise<Run>((resolve) => {
      execFile('script', ['-q', '-e', '-c', line, '/dev/null'], { env: { ...cleanEnv, ...sandbox.env, TERM: 'xterm-256color', COLUMNS: '100' }, timeout: 30_000, encoding: 'buffer' }, (error, stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });
    expect(r.code, r.stdout.toString()).toBe(0);
    const raw = r.stdout.toString('utf8');
    // The header line: the name in bold (the CLI's ESC[1m … ESC[0m), its own escapes shown.
    expect(raw).toMatch(/\u001b\[1mEvil\\x1b\[2J\\x1b\[H\\x1b\]8;;/);
    const sgr = raw.match(/\u001b\[\d+m/g) ?? [];
    expect(sgr.length).toBeGreaterThan(0);
    // Nothing else: without the CLI's styles (and the terminal's CRLF), no control is left.
    const withoutOwn = raw.replace(/\u001b\[(0|1|2|31|32)m/g, '').replace(/\r\n/g, '\n');
    expect(terminalControls(Buffer.from(withoutOwn)), JSON.stringify(raw)).toEqual([]);
    for (const word of VISIBLE_WORDS) expect(withoutOwn).toContain(word);
  });

  it('--json and NDJSON stay exact: the same strings parse back, but no raw ESC, C1 or bidi control', async () => {
    const listings = await cli(['listings', '--search', 'evil', '--limit', '5', '--json'], env);
    expect(listings.code).toBe(0);
    expect(terminalControls(listings.stdout)).toEqual([]);
    const rows = listings.stdout.toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as { market_hash_name: string });
    expect(rows.map((r) => r.market_hash_name)).toContain(`AK-47 | ${HOSTILE}`);

    const markets = await cli(['kalshi', 'markets', '--limit', '200', '--json'], env);
    expect(markets.code).toBe(0);
    expect(terminalControls(markets.stdout)).toEqual([]);
    const parsed = JSON.parse(markets.stdout.toString('utf8')) as { title: string }[];
    expect(parsed.map((m) => m.title)).toContain(`Fed ${HOSTILE}`);
  });

  it('snapshot --out FILE is exact NDJSON with no raw control either (a file gets `cat`ed)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm-snap-'));
    try {
      const out = join(dir, 'snapshot.ndjson');
      const r = await cli(['snapshot', '--out', out], env);
      expect(r.code, r.stderr.toString()).toBe(0);
      const bytes = readFileSync(out);
      expect(terminalControls(bytes)).toEqual([]);
      const names = bytes.toString('utf8').trim().split('\n').map((l) => (JSON.parse(l) as { market_hash_name: string }).market_hash_name);
      expect(names).toContain(`AK-47 | ${HOSTILE}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
