/**
 * The CLI where it meets a person: `listings --watch` (paced, only new rows, a status line on
 * a terminal) and Ctrl-C during `snapshot` (no partial file left), in tmux where a TTY matters.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import stringWidth from 'string-width';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsboardSandbox } from '../../src/testkit/index.js';

const run = promisify(execFile);
const CLI = join(process.cwd(), 'dist/src/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'marketmux-cli-tty-'));
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(CS2C|CSBOARD|KALSHI|REDIS)_/.test(k) && k !== 'NO_COLOR'));

/** Run a shell command line in a fresh tmux session (a real terminal) and hand back helpers. */
function tmux(cmdline: string, env: Record<string, string>) {
  const session = `mmtty${process.pid}${Math.floor(Math.random() * 1e6)}`;
  const script = join(dir, `${session}.sh`);
  // The environment goes in a script: tmux sessions take their environment from the server.
  writeFileSync(script, `${Object.entries(env).map(([k, v]) => `export ${k}='${v.replace(/'/g, `'\\''`)}'`).join('\n')}\n${cmdline}\necho "exit=$?"\nsleep 30\n`);
  execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '120', '-y', '50', `bash ${script}`], { env: { ...cleanEnv, TERM: 'xterm-256color' } });
  const screen = () => execFileSync('tmux', ['capture-pane', '-p', '-J', '-t', session, '-S', '-200']).toString();
  return {
    screen,
    async waitFor(pattern: RegExp, ms = 20_000): Promise<string> {
      const until = Date.now() + ms;
      let text = screen();
      while (!pattern.test(text) && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 100));
        text = screen();
      }
      if (!pattern.test(text)) throw new Error(`timed out waiting for ${pattern} in:\n${text}`);
      return text;
    },
    ctrlC: () => execFileSync('tmux', ['send-keys', '-t', session, 'C-c']),
    kill: () => execFileSync('tmux', ['kill-session', '-t', session]),
  };
}

describe('listings --watch', () => {
  let csboard: CsboardSandbox;
  let env: Record<string, string>;
  beforeAll(async () => {
    csboard = new CsboardSandbox();
    env = { CSBOARD_API_BASE: await csboard.start(), CSBOARD_API_KEY: csboard.createKey() };
  });
  afterAll(() => csboard.close());

  it('piped: NDJSON of only new listings, polls spaced within the read limit, no status line', async () => {
    const key = csboard.createKey();
    const started = Date.now();
    const child = run(process.execPath, [CLI, 'listings', '--watch', '--every', '2', '--polls', '2', '--limit', '5', '--json'], { env: { ...cleanEnv, ...env, CSBOARD_API_KEY: key }, timeout: 30_000 });
    // A new listing once the first page has been read: the next poll must show it, once.
    const listingsOfKey = () => csboard.server.requests.filter((r) => r.path === '/v1/listings' && r.at >= started);
    while (listingsOfKey().length < 1) await new Promise((r) => setTimeout(r, 50));
    const added = csboard.addListing('AK-47 | Redline (Field-Tested)', 7.77);
    const { stdout, stderr } = await child;
    expect(stderr).toBe('');
    const rows = stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: string });
    expect(rows.length).toBe(6); // the first page of 5, then only the new one
    expect(rows.filter((r) => r.id === added.id)).toHaveLength(1);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    const times = listingsOfKey().map((r) => r.at);
    expect(times).toHaveLength(3);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1_950);
  });

  it('columns line up by terminal width: wide (CJK) characters count two', async () => {
    csboard.addListing('AK-47 | 東京の夜 (Field-Tested)', 5.55);
    csboard.addListing('AK-47 | Tokyo Night (Field-Tested)', 6.66);
    const { stdout } = await run(process.execPath, [CLI, 'listings', '--search', 'AK-47', '--sort', 'newest', '--limit', '5'], { env: { ...cleanEnv, ...env, CSBOARD_API_KEY: csboard.createKey() }, timeout: 30_000 });
    const lines = stdout.trimEnd().split('\n');
    const header = lines[0]!;
    const wide = lines.find((l) => l.includes('東京の夜'))!;
    const narrow = lines.find((l) => l.includes('Tokyo Night'))!;
    // The price column is right-aligned: every row ends in the same terminal column as the header.
    expect(stringWidth(wide)).toBe(stringWidth(header));
    expect(stringWidth(narrow)).toBe(stringWidth(header));
    expect(wide.indexOf('5.55 USD') - narrow.indexOf('6.66 USD')).toBe(-4); // four wide characters: four fewer code units
  });

  it('in a terminal: says on stderr that it watches, prints the header once and then only new rows, runs until Ctrl-C (exit 0)', async () => {
    const t = tmux(`${process.execPath} ${CLI} listings --watch --every 2 --limit 3`, { ...env, CSBOARD_API_KEY: csboard.createKey() });
    try {
      await t.waitFor(/watching for new listings, a poll every 2 s — Ctrl-C to stop/);
      csboard.addListing('AWP | Asiimov (Field-Tested)', 3.21);
      await t.waitFor(/AWP \| Asiimov \(Field-Tested\)\s+\S+\s+3\.21 USD/);
      csboard.addListing('★ Karambit | Doppler (Factory New)', 4.56);
      const screen = await t.waitFor(/★ Karambit \| Doppler \(Factory New\)\s+\S+\s+4\.56 USD/);
      expect(screen.match(/^id\s+item\s+float\s+price$/gm)).toHaveLength(1);
      // Rows line up under the header: the price column ends where the header's does.
      const header = screen.split('\n').find((l) => /^id\s+item/.test(l))!;
      const star = screen.split('\n').find((l) => l.includes('★ Karambit'))!;
      expect(star.trimEnd().length).toBe(header.trimEnd().length);
      // Each listing once, even though every poll sees it again.
      expect(screen.match(/3\.21 USD/g)).toHaveLength(1);
      t.ctrlC();
      const after = await t.waitFor(/exit=\d+/);
      expect(after).toMatch(/stopped watching/);
      expect(after).toMatch(/exit=0/);
    } finally {
      t.kill();
    }
  });
});

describe('snapshot and Ctrl-C', () => {
  let csboard: CsboardSandbox;
  let stall: Server;
  let env: Record<string, string>;
  beforeAll(async () => {
    csboard = new CsboardSandbox({ snapshotRows: 200_000, snapshotLimit: 100 });
    const upstream = new URL(await csboard.start());
    // A proxy that passes the snapshot's head and its first bytes, then stalls: a slow download.
    stall = createServer((req, res) => {
      const up = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        let sent = 0;
        answer.on('data', (chunk: Buffer) => {
          if (sent > 64 * 1024) return void answer.pause();
          sent += chunk.length;
          res.write(chunk);
        });
        answer.on('end', () => res.end());
      });
      req.pipe(up);
      res.on('close', () => up.destroy());
    });
    await new Promise<void>((resolve) => stall.listen(0, '127.0.0.1', resolve));
    env = { CSBOARD_API_BASE: `http://127.0.0.1:${(stall.address() as AddressInfo).port}/v1`, CSBOARD_API_KEY: csboard.createKey() };
  });
  afterAll(async () => {
    stall.closeAllConnections();
    await new Promise((r) => stall.close(r));
    await csboard.close();
  });

  it('Ctrl-C mid-download removes the partial file, leaves no FILE, and exits 130', async () => {
    const sub = mkdtempSync(join(dir, 'snap-'));
    const out = join(sub, 'prices.ndjson');
    const t = tmux(`${process.execPath} ${CLI} snapshot --out ${out}`, env);
    try {
      // Wait until rows are being written to the partial file beside FILE.
      await t.waitFor(/snapshot: .* received, [\d,]+ rows/);
      const partial = readdirSync(sub).filter((f) => f.endsWith('.partial'));
      expect(partial).toHaveLength(1);
      t.ctrlC();
      const screen = await t.waitFor(/exit=\d+/);
      expect(screen).toMatch(/^marketmux: interrupted; .*prices\.ndjson is unchanged/m);
      expect(screen).toMatch(/exit=130/);
      expect(readdirSync(sub)).toEqual([]);
      expect(existsSync(out)).toBe(false);
    } finally {
      t.kill();
    }
  });
});
