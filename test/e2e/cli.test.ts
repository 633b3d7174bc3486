import { execFile, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pemLabel } from '../../src/index.js';
import { startSandbox, type Sandbox } from '../../src/testkit/index.js';

const run = promisify(execFile);
const CLI = join(process.cwd(), 'dist/src/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'marketmux-cli-'));
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(CS2C|CSBOARD|KALSHI|REDIS)_/.test(k)));

async function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: { ...cleanEnv, NO_COLOR: undefined, ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('the marketmux command', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.close());

  it('help, unknown commands and usage errors: exit codes 0 and 2', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Commands:/);
    expect(help.stdout).toMatch(/exit codes:[\s\S]*0 +ok[\s\S]*1 +a provider or network failure[\s\S]*2 +usage or configuration/);
    expect(help.stdout).toMatch(/--json: listings prints NDJSON/);
    for (const c of ['demo', 'compare', 'candles', 'listings', 'snapshot', 'keys generate', 'keys info', 'kalshi balance', 'kalshi markets', 'kalshi orderbook', 'health', 'sandbox']) {
      const r = await cli([...c.split(' '), '--help']);
      expect(r.code, c).toBe(0);
      expect(r.stdout, c).toMatch(/Options:/);
      expect(r.stdout, c).toMatch(/--json/);
    }
    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
    const noItem = await cli(['compare']);
    expect(noItem.code).toBe(2);
    expect(noItem.stderr).toMatch(/needs an item name/);
    expect((await cli(['compare', 'x', '--bogus'])).code).toBe(2);
  });

  it('--version prints the package version', async () => {
    const r = await cli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe((JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version);
  });

  it('a command group on its own prints its help: exit 0', async () => {
    for (const [group, subs] of [['keys', ['generate', 'info']], ['kalshi', ['balance', 'markets', 'orderbook']]] as const) {
      const r = await cli([group]);
      expect(r.code, group).toBe(0);
      expect(r.stdout, group).toMatch(new RegExp(`Usage: marketmux ${group}`));
      for (const sub of subs) expect(r.stdout, `${group} ${sub}`).toMatch(new RegExp(`^  ${sub}\\b`, 'm'));
    }
    const root = await cli([]);
    expect(root.code).toBe(0);
    expect(root.stdout).toMatch(/Commands:/);
  });

  it('a mistyped flag or command suggests the right one: exit 2', async () => {
    const flag = await cli(['compare', 'x', '--curency', 'EUR']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/unknown option '--curency'/);
    expect(flag.stderr).toMatch(/Did you mean --currency\?/);
    const cmd = await cli(['compre', 'x']);
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toMatch(/Did you mean compare\?/);
    const sub = await cli(['keys', 'genrate']);
    expect(sub.code).toBe(2);
    expect(sub.stderr).toMatch(/Did you mean generate\?/);
    const kalshiSub = await cli(['kalshi', 'balanse']);
    expect(kalshiSub.code).toBe(2);
    expect(kalshiSub.stderr).toMatch(/Did you mean balance\?/);
  });

  it('a bad option value is a usage error (exit 2) naming the flag, before anything is sent', async () => {
    const cases: [string[], RegExp][] = [
      [['candles', 'AWP | Asiimov (Field-Tested)', '--days', 'abc'], /--days/],
      [['candles', 'AWP | Asiimov (Field-Tested)', '--days', '0'], /--days/],
      [['candles', 'AWP | Asiimov (Field-Tested)', '--interval', '2h'], /--interval/],
      [['listings', '--watch', '--polls', 'abc'], /--polls/],
      [['listings', '--max-price', 'abc'], /--max-price/],
      [['listings', '--limit', '-3'], /--limit/],
      [['listings', '--limit', '201'], /--limit/],
      [['listings', '--watch', '--every', '0.5'], /--every/],
      [['listings', '--polls', '2'], /--polls needs --watch/],
      [['kalshi', 'markets', '--limit', 'x'], /--limit/],
      [['sandbox', '--port', '70000'], /--port/],
      [['keys', 'generate', '--out', join(dir, 'y.key'), '--bits', '1024'], /--bits/],
    ];
    for (const [args, flag] of cases) {
      const r = await cli(args, sandbox.env);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(flag);
    }
    // The library's own check of a window is reported with the flag, not the field.
    const window = await cli(['candles', 'AWP | Asiimov (Field-Tested)', '--interval', '5m', '--days', '30'], sandbox.env);
    expect(window.code).toBe(2);
    expect(window.stderr).toMatch(/--days: longer than the interval keeps/);
    expect(window.stderr).not.toMatch(/lookbackDays/);
    // Nothing reached the server for any of them.
    expect(sandbox.cs2cap.server.server.requests.filter((q) => q.path.includes('candles'))).toHaveLength(0);
  });

  it('a missing key is configuration (exit 2) for every provider alike', async () => {
    for (const args of [['keys', 'info'], ['candles', 'x'], ['listings'], ['snapshot', '--out', join(dir, 'none.ndjson')], ['kalshi', 'balance'], ['compare', 'x'], ['health']]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/not configured|set |needs a key/);
    }
    // Kalshi's public calls work without a key, but the balance needs one.
    const r = await cli(['kalshi', 'balance'], { KALSHI_API_BASE: sandbox.kalshi.baseUrl });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/KALSHI_API_KEY_ID/);
    // A malformed key or an unreadable key file is configuration too.
    const malformed = await cli(['keys', 'info'], { CS2C_API_KEY: 'not-a-key' });
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/CS2C_API_KEY/);
    expect(malformed.stderr).not.toContain('not-a-key');
    const noFile = await cli(['kalshi', 'balance'], { KALSHI_API_BASE: sandbox.kalshi.baseUrl, KALSHI_API_KEY_ID: sandbox.kalshi.keyId, KALSHI_PRIVATE_KEY_PATH: join(dir, 'missing.pem') });
    expect(noFile.code).toBe(2);
  });

  it('compare where a configured provider fails: the rest is printed, the failure named on stderr, exit 1', async () => {
    const r = await cli(['compare', 'AWP | Asiimov (Field-Tested)', '--json'], { ...sandbox.env, CSBOARD_API_BASE: 'http://127.0.0.1:9/v1' });
    expect(r.code).toBe(1);
    const c = JSON.parse(r.stdout) as { rows: { provider: string }[]; errors: Record<string, unknown> };
    expect(c.rows.some((x) => x.provider === 'cs2cap')).toBe(true);
    expect(Object.keys(c.errors)).toEqual(['csboard']);
    expect(r.stderr).toMatch(/marketmux compare: csboard failed: NetworkError/);
    const table = await cli(['compare', 'AWP | Asiimov (Field-Tested)'], { ...sandbox.env, CSBOARD_API_BASE: 'http://127.0.0.1:9/v1' });
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(/best ask/);
    expect(table.stdout).not.toMatch(/csboard failed/);
    expect(table.stderr).toMatch(/csboard failed/);
  });

  it('compare --json against the sandbox parses and has both CS2 providers', async () => {
    const r = await cli(['compare', 'AWP | Asiimov (Field-Tested)', '--json', '--sandbox']);
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout) as { rows: { provider: string; venue: string }[]; bestAsk: { ask: { amount: string } }; errors: object };
    expect(new Set(c.rows.map((x) => x.provider))).toEqual(new Set(['cs2cap', 'csboard']));
    expect(Number(c.bestAsk.ask.amount)).toBeGreaterThan(0);
    expect(c.errors).toEqual({});
  });

  it('candles: a table of the last buckets and a sparkline; --json for scripts', async () => {
    const r = await cli(['candles', 'AWP | Asiimov (Field-Tested)', '--interval', '1h', '--days', '2', '--currency', 'EUR'], sandbox.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/AWP \| Asiimov \(Field-Tested\) — \d+ 1h candles/);
    expect(r.stdout).toMatch(/^close [▁▂▃▄▅▆▇█]{20,}$/m);
    expect(r.stdout.split('\n').filter((l) => /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} /.test(l))).toHaveLength(20);
    const json = await cli(['candles', 'AWP | Asiimov (Field-Tested)', '--days', '3', '--json', '--sandbox']);
    const res = JSON.parse(json.stdout) as { meta: { interval: string }; data: { open: { amount: string } }[] };
    expect(res.meta.interval).toBe('1d');
    expect(res.data.length).toBeGreaterThan(0);
    expect(res.data.length).toBeLessThanOrEqual(3);
  });

  it('the sparkline fits the terminal width', async () => {
    // 1h over 30 days is 720 candles: more than any terminal is wide.
    const r = await cli(['candles', 'AWP | Asiimov (Field-Tested)', '--interval', '1h', '--days', '30'], sandbox.env);
    expect(r.code).toBe(0);
    const line = r.stdout.split('\n').find((l) => l.startsWith('close '))!;
    expect([...line].length).toBeLessThanOrEqual(80);
    expect([...line].length).toBeGreaterThan(60);
  });

  it('compare with env credentials and a currency', async () => {
    const r = await cli(['compare', 'AWP | Asiimov (Field-Tested)', '--currency', 'EUR', '--json'], sandbox.env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ currency: 'EUR', fx: { source: 'cs2cap' } });
  });

  it('a bad key gives one line on stderr, exit 1, and never the key', async () => {
    const bad = 'sk_live_thisKeyIsWrong0123456789';
    const r = await cli(['keys', 'info'], { ...sandbox.env, CS2C_API_KEY: bad });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/AuthenticationError/);
    expect(r.stderr + r.stdout).not.toContain(bad);
    const debug = await cli(['keys', 'info', '--debug'], { ...sandbox.env, CS2C_API_KEY: bad });
    expect(debug.stderr + debug.stdout).not.toContain(bad);
    const badCsboard = 'csb_pub_thisKeyIsWrong0123456789';
    const r2 = await cli(['listings'], { ...sandbox.env, CSBOARD_API_KEY: badCsboard });
    expect(r2.code).toBe(1);
    expect(r2.stderr + r2.stdout).not.toContain(badCsboard);
  });

  it('keys generate writes a 0600 file and refuses to overwrite', async () => {
    const out = join(dir, 'kalshi.key');
    const r = await cli(['keys', 'generate', '--out', out, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ privateKeyFile: out, bits: 2048 });
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(pemLabel(readFileSync(out, 'utf8'))).toBe('RSA PRIVATE KEY');
    expect(r.stdout).not.toMatch(/PRIVATE KEY/);
    // An existing --out is a usage error: nothing is overwritten.
    const again = await cli(['keys', 'generate', '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/--out: .*refusing to overwrite/);
    expect(pemLabel(readFileSync(out, 'utf8'))).toBe('RSA PRIVATE KEY');
  });

  it('kalshi markets, orderbook and balance', async () => {
    const book = await cli(['kalshi', 'orderbook', 'KXCS2MAJOR-26-NAVI', '--json'], sandbox.env);
    expect(book.code).toBe(0);
    expect(JSON.parse(book.stdout)).toMatchObject({ bestYesBid: { amount: '0.15' }, bestYesAsk: { amount: '0.16' } });
    const bal = await cli(['kalshi', 'balance', '--json'], sandbox.env);
    expect(JSON.parse(bal.stdout)).toMatchObject({ balance: 100_000, balance_dollars: '1000.0000', portfolio_value: expect.any(Number) });
    expect((await cli(['kalshi', 'balance'], sandbox.env)).stdout).toMatch(/^balance \S*1,?000\.00\b.* portfolio value /);
    const markets = await cli(['kalshi', 'markets', '--event', 'KXBTCMAXY-26'], sandbox.env);
    expect(markets.stdout).toMatch(/KXBTCMAXY-26-T200000/);
  });

  it('listings: a table with exact prices; --json prints each listing with price_usd as Money', async () => {
    const [table, json] = await Promise.all([cli(['listings', '--search', 'AK-47', '--limit', '3'], sandbox.env), cli(['listings', '--search', 'AK-47', '--limit', '3', '--json'], sandbox.env)]);
    expect(table.code).toBe(0);
    expect(json.code).toBe(0);
    const rows = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: string; price_usd: { currency: string; amount: string } });
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      const listing = sandbox.csboard.server.listings.find((l) => l.id === row.id)!;
      expect(row.price_usd).toEqual({ currency: 'USD', amount: (listing.cents / 100).toFixed(2) });
      expect(row).not.toHaveProperty('price');
      expect(table.stdout.split('\n').find((l) => l.startsWith(`${row.id} `))).toMatch(new RegExp(` ${row.price_usd.amount.replace('.', '\\.')} USD$`));
    }
  });

  it('snapshot writes rows and skips an unchanged download by ETag', async () => {
    const out = join(dir, 'snap.ndjson');
    const first = await cli(['snapshot', '--out', out, '--json'], sandbox.env);
    expect(first.code).toBe(0);
    const info = JSON.parse(first.stdout) as { rows: number };
    const written = readFileSync(out, 'utf8').trim().split('\n');
    expect(written).toHaveLength(info.rows);
    // Each row as the client hands it out: min_price_usd exact Money under its wire name.
    for (const line of written) {
      const row = JSON.parse(line) as Record<string, unknown>;
      expect(row['min_price_usd']).toEqual({ currency: 'USD', amount: expect.stringMatching(/^\d+\.\d{2}$/) });
      expect(row).not.toHaveProperty('minPrice');
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
    // The sandbox's snapshot limit is 1/min per key: a second key for the second download.
    const key2 = sandbox.csboard.server.createKey();
    const second = await cli(['snapshot', '--out', out, '--json'], { ...sandbox.env, CSBOARD_API_KEY: key2 });
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ status: 'unchanged' });
  });

  it('health of every configured provider', async () => {
    const r = await cli(['health', '--json'], sandbox.env);
    expect(r.code).toBe(0);
    expect(Object.keys(JSON.parse(r.stdout)).sort()).toEqual(['cs2cap', 'csboard', 'kalshi']);
  });

  it('no colour when not a terminal, and the demo runs', async () => {
    const r = await cli(['demo']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/best ask/);
    expect(r.stdout).toMatch(/Kalshi KXFEDDECISION-26DEC-C25/);
    expect(r.stdout).not.toMatch(/\u001b\[/);
  });

  it('in a real terminal (tmux) the table is drawn with the best prices highlighted', () => {
    const session = `mm${process.pid}`;
    const cmd = `${process.execPath} ${CLI} compare 'AK-47 | Redline (Field-Tested)' --sandbox; sleep 5`;
    execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '140', '-y', '40', cmd], { env: { ...cleanEnv, TERM: 'xterm-256color' } });
    try {
      let screen = '';
      for (let i = 0; i < 100 && !/spread/.test(screen); i++) {
        execFileSync('sleep', ['0.1']);
        screen = execFileSync('tmux', ['capture-pane', '-p', '-e', '-t', session]).toString();
      }
      expect(screen).toMatch(/venue\s+ask\s+qty\s+bid/);
      expect(screen).toMatch(/best ask .* · best bid .* · spread/);
      // The best prices carry a star and colour escapes on a TTY.
      expect(screen).toMatch(/\u001b\[32m.*★/);
    } finally {
      execFileSync('tmux', ['kill-session', '-t', session]);
    }
  });
});

describe('marketmux sandbox', () => {
  /** Start `marketmux sandbox` and hand back its first stdout chunk once it has printed everything. */
  async function startCli(args: string[], done: RegExp): Promise<{ out: string; stop(): Promise<number | null> }> {
    const child = spawn(process.execPath, [CLI, 'sandbox', ...args], { env: cleanEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const until = Date.now() + 20_000;
    while (!done.test(out) && Date.now() < until && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    return {
      out,
      async stop() {
        if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
        child.kill('SIGINT');
        const [code] = (await once(child, 'exit')) as [number | null];
        return code;
      },
    };
  }

  it('--port fixes the ports (cs2cap PORT, csboard PORT+1, kalshi PORT+2); --json has every key, the trading key too, and they work', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const s = await startCli(['--port', String(port), '--json'], /\n$/);
    try {
      const doc = JSON.parse(s.out) as { env: Record<string, string>; csboard: { tradingApiKey: string } };
      expect(doc.env.CS2C_API_BASE).toBe(`http://127.0.0.1:${port}/v1`);
      expect(doc.env.CSBOARD_API_BASE).toBe(`http://127.0.0.1:${port + 1}/v1`);
      expect(doc.env.KALSHI_API_BASE).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port + 2}/`));
      expect(Object.keys(doc.env).sort()).toEqual(['CS2C_API_BASE', 'CS2C_API_KEY', 'CSBOARD_API_BASE', 'CSBOARD_API_KEY', 'CSBOARD_TRADING_API_KEY', 'KALSHI_API_BASE', 'KALSHI_API_KEY_ID', 'KALSHI_PRIVATE_KEY'].sort());
      expect(doc.env.CSBOARD_TRADING_API_KEY).toBe(doc.csboard.tradingApiKey);
      // The printed environment is enough for every command, Kalshi's signed calls included.
      const health = await cli(['health', '--json'], doc.env);
      expect(health.code).toBe(0);
      const balance = await cli(['kalshi', 'balance', '--json'], doc.env);
      expect(balance.code).toBe(0);
      // A port in use is a usage error naming --port.
      const clash = await cli(['sandbox', '--port', String(port)]);
      expect(clash.code).toBe(2);
      expect(clash.stderr).toMatch(/--port/);
    } finally {
      expect(await s.stop()).toBe(0);
    }
  });

  it('prints a shell export line for every key, quoted so that a shell keeps it as it is', async () => {
    const s = await startCli([], /trading enabled\n/);
    try {
      const exports = s.out.split('\n').filter((l) => l.startsWith('export '));
      expect(exports.map((l) => l.split('=')[0]!.slice('export '.length)).sort()).toEqual(['CS2C_API_BASE', 'CS2C_API_KEY', 'CSBOARD_API_BASE', 'CSBOARD_API_KEY', 'CSBOARD_TRADING_API_KEY', 'KALSHI_API_BASE', 'KALSHI_API_KEY_ID', 'KALSHI_PRIVATE_KEY'].sort());
      const script = join(dir, 'env.sh');
      writeFileSync(script, exports.join('\n') + '\nexec "$@"\n');
      const { stdout } = await run('bash', [script, process.execPath, CLI, 'kalshi', 'balance', '--json'], { env: cleanEnv });
      expect(JSON.parse(stdout)).toMatchObject({ balance: 100_000, balance_dollars: '1000.0000' });
    } finally {
      expect(await s.stop()).toBe(0);
    }
  });
});
