/** `marketmux kalshi watch`: the live book over the WebSocket, redrawn in place; NDJSON with --json. */
import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = join(process.cwd(), 'dist/src/cli/main.js');
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(CS2C|CSBOARD|KALSHI|REDIS)_/.test(k)));
const TICKER = 'KXFEDDECISION-26DEC-C25';

describe('marketmux kalshi watch', () => {
  it('--json prints one live book view per update, then exits after --updates', async () => {
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(process.execPath, [CLI, 'kalshi', 'watch', TICKER, '--sandbox', '--json', '--updates', '4', '--depth', '3'], { env: cleanEnv, timeout: 30_000 }, (error, out) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? -1) : 0, stdout: out }),
      );
    });
    expect(code).toBe(0);
    const views = stdout.trim().split('\n').map((l) => JSON.parse(l) as { ticker: string; status: string; yesBids: { price: string }[]; bestYesBid?: { price: string }; bestYesAsk?: { price: string } });
    expect(views).toHaveLength(4);
    const live = views.filter((v) => v.status === 'live');
    expect(live.length).toBeGreaterThan(0);
    for (const v of live) {
      expect(v.ticker).toBe(TICKER);
      expect(v.yesBids.length).toBeLessThanOrEqual(3);
      // A consistent view: the book is never crossed.
      if (v.bestYesBid && v.bestYesAsk) expect(Number(v.bestYesBid.price)).toBeLessThan(Number(v.bestYesAsk.price));
    }
  });

  it('an unknown flag value is a usage error naming the flag', async () => {
    const code = await new Promise<number>((resolve) => {
      execFile(process.execPath, [CLI, 'kalshi', 'watch', TICKER, '--depth', 'abc'], { env: cleanEnv, timeout: 15_000 }, (error) => resolve(error ? Number((error as { code?: number }).code ?? -1) : 0));
    });
    expect(code).toBe(2);
  });

  it('in a real terminal (tmux) the book is redrawn in place and Ctrl-C ends it', () => {
    const session = `mmwatch${process.pid}`;
    const cmd = `${process.execPath} ${CLI} kalshi watch ${TICKER} --sandbox; echo "exit=$?"; sleep 5`;
    execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '120', '-y', '40', cmd], { env: { ...cleanEnv, TERM: 'xterm-256color' } });
    try {
      let screen = '';
      for (let i = 0; i < 150 && !/live/.test(screen); i++) {
        execFileSync('sleep', ['0.1']);
        screen = execFileSync('tmux', ['capture-pane', '-p', '-t', session]).toString();
      }
      expect(screen).toMatch(new RegExp(`${TICKER}\\s+live`));
      expect(screen).toMatch(/size\s+YES bid\s+YES ask\s+size/);
      execFileSync('sleep', ['1']);
      screen = execFileSync('tmux', ['capture-pane', '-p', '-t', session]).toString();
      // Redrawn, not scrolled: one header on the screen however many updates came.
      expect(screen.match(/best YES bid/g)).toHaveLength(1);
      execFileSync('tmux', ['send-keys', '-t', session, 'C-c']);
      for (let i = 0; i < 100 && !/exit=/.test(screen); i++) {
        execFileSync('sleep', ['0.1']);
        screen = execFileSync('tmux', ['capture-pane', '-p', '-t', session]).toString();
      }
      expect(screen).toMatch(/exit=0/);
    } finally {
      execFileSync('tmux', ['kill-session', '-t', session]);
    }
  });
});
