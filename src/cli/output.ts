/** Terminal output: tables, colour only on a TTY without NO_COLOR, progress on stderr. */
import stringWidth from 'string-width';
import type { Comparison } from '../compare.js';
import { MarketError } from '../errors.js';
import { redact } from '../http/redact.js';
import type { Money } from '../money.js';
import { displayText, inline, jsonLine, styled, terminalLine } from './terminal-text.js';

/**
 * A usage or configuration error: a bad flag or value, a missing key, an unusable key file.
 * Exit code 2; the message names the flag or the environment variable, never a value's secret.
 */
export class UsageError extends Error {}

/** Ctrl-C ended a command that had not finished (its partial output is removed). */
export class InterruptedError extends Error {}

/** A failure already reported in full on stderr or in the JSON output: exit 1, nothing more to print. */
export class ReportedFailure extends Error {}

export interface Io {
  out(line: string): void;
  err(line: string): void;
  readonly color: boolean;
  readonly json: boolean;
  readonly debug: boolean;
  readonly stderrIsTty: boolean;
  /** Columns of the terminal stdout goes to (80 when it is not a terminal). */
  readonly columns: number;
}

/** The credentials the environment holds: never printed, even when a server echoes one into its data. */
const SECRET_ENV = ['CS2C_API_KEY', 'CSBOARD_API_KEY', 'CSBOARD_TRADING_API_KEY', 'KALSHI_API_KEY_ID'];

function environmentSecrets(env: NodeJS.ProcessEnv): string[] {
  const secrets = SECRET_ENV.map((name) => env[name]).filter((v): v is string => !!v);
  // A private key's base64 lines, as given (real or `\n`-escaped newlines).
  const pem = env.KALSHI_PRIVATE_KEY?.replace(/\\n/g, '\n');
  if (pem) secrets.push(...pem.split(/\r?\n/).filter((l) => l.length >= 16 && !l.startsWith('-----')));
  return secrets;
}

/**
 * What replaces the environment's credentials in a text, as in every printed line: for what
 * the CLI writes elsewhere than stdout and stderr (an `--out` file). The environment is read
 * once, for a command that writes many lines.
 */
export function environmentScrubber(): (text: string) => string {
  const secrets = environmentSecrets(process.env);
  return (text) => (secrets.length ? redact(text, secrets) : text);
}

/** `text` with the environment's credentials replaced (see `environmentScrubber`). */
export function scrubEnvironmentSecrets(text: string): string {
  return environmentScrubber()(text);
}

/**
 * The streams and flags a command prints with. Every line passes here: answer data is the
 * server's and may echo a key or carry terminal escapes. With `--json` stdout is JSON, kept
 * exact; all other output (stderr always) is text with no control character left raw.
 */
export function createIo(flags: { json?: boolean; debug?: boolean }): Io {
  const color = !flags.json && process.stdout.isTTY === true && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';
  const clean = environmentScrubber();
  const text = (line: string): string => terminalLine(clean(line), color);
  return {
    out: (line) => process.stdout.write((flags.json ? jsonLine(clean(line)) : text(line)) + '\n'),
    err: (line) => process.stderr.write(text(line) + '\n'),
    color,
    json: flags.json === true,
    debug: flags.debug === true,
    stderrIsTty: process.stderr.isTTY === true,
    columns: process.stdout.isTTY && process.stdout.columns > 0 ? process.stdout.columns : 80,
  };
}

// Styles are markers until the line is written: see terminal-text.ts for why.
const paint = (code: number) => (io: Io, text: string) => (io.color ? styled(code, text) : text);
export const green = paint(32);
export const red = paint(31);
export const bold = paint(1);
export const dim = paint(2);

/**
 * Terminal columns a text takes as it is shown: control characters as their visible escapes,
 * wide (CJK) characters two, styles none.
 */
export function width(text: string): number {
  return stringWidth(displayText(text));
}

/** Pad (or cut, with …) a cell to exactly `columns` terminal columns; its controls shown escaped. */
export function fit(text: string, columns: number, align: 'l' | 'r' = 'l'): string {
  let cut = inline(text);
  if (width(cut) > columns) {
    const chars = [...displayText(cut)];
    cut = '';
    for (const ch of chars) {
      if (width(cut + ch) > columns - 1) break;
      cut += ch;
    }
    cut += '…';
  }
  const pad = ' '.repeat(Math.max(0, columns - width(cut)));
  return align === 'r' ? pad + cut : cut + pad;
}

/** Columns padded to their widest cell; each cell's controls (and line breaks) shown escaped. */
export function table(headers: string[], cells: string[][], align: ('l' | 'r')[] = []): string {
  const rows = cells.map((row) => row.map(inline));
  const widths = headers.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const cell = (text: string, i: number) => {
    const pad = ' '.repeat(widths[i]! - width(text));
    return align[i] === 'r' ? pad + text : text + pad;
  };
  const line = (cells: string[]) => cells.map(cell).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const BARS = '▁▂▃▄▅▆▇█';
/**
 * One bar per value, scaled between the lowest and the highest; with `maxWidth`, at most that
 * many bars (neighbouring values are averaged), so the line fits the terminal.
 */
export function sparkline(input: number[], maxWidth = Infinity): string {
  const bars = Math.max(1, Math.floor(maxWidth));
  const values = input.length <= bars ? input : Array.from({ length: bars }, (_, i) => {
    const from = Math.floor((i * input.length) / bars);
    const to = Math.floor(((i + 1) * input.length) / bars);
    const group = input.slice(from, Math.max(to, from + 1));
    return group.reduce((a, b) => a + b, 0) / group.length;
  });
  const low = Math.min(...values);
  const span = Math.max(...values) - low;
  return values.map((v) => BARS[span === 0 ? 0 : Math.round(((v - low) / span) * (BARS.length - 1))]).join('');
}

export const amount = (m: Money | undefined): string => (m ? `${m.amount} ${m.currency}` : '—');

export function comparisonTable(io: Io, c: Comparison): string {
  const rows = c.rows.map((r) => {
    const isBestAsk = c.bestAsk === r;
    const isBestBid = c.bestBid === r;
    const edge = r.edge?.instantSell;
    return [
      r.venue,
      isBestAsk ? green(io, bold(io, amount(r.ask) + ' ★')) : amount(r.ask),
      r.askQuantity ?? '',
      isBestBid ? green(io, bold(io, amount(r.bid) + ' ★')) : amount(r.bid),
      r.bidQuantity ?? '',
      r.sellFee !== undefined ? `${(Number(r.sellFee) * 100).toFixed(1)}%` : '—',
      edge ? (edge.amount.startsWith('-') ? red(io, amount(edge)) : green(io, amount(edge))) : '—',
    ];
  });
  const lines = [inline(bold(io, c.item)), table(['venue', 'ask', 'qty', 'bid', 'bids', 'fee', 'edge'], rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r'])];
  lines.push(inline(`best ask ${amount(c.bestAsk?.ask)} (${c.bestAsk?.venue ?? '—'}) · best bid ${amount(c.bestBid?.bid)} (${c.bestBid?.venue ?? '—'}) · spread ${amount(c.spread)}`));
  if (c.rows.some((r) => r.edge?.instantSell)) lines.push(dim(io, 'edge: buy at the best ask, sell into that venue\'s best bid, after its fee'));
  if (c.fx) lines.push(inline(dim(io, `converted with ${c.fx.source} FX rates${c.fx.asOf ? ` as of ${c.fx.asOf}` : ''}`)));
  return lines.join('\n');
}

/** One line on stderr; `--debug` adds the error's fields (never a secret: errors hold none). */
export function reportError(io: Io, error: unknown): void {
  if (error instanceof MarketError) {
    io.err(`marketmux: ${error.name}: ${inline(error.message)}`);
    // JSON on stderr: exact, its escapes JSON's own, so it still parses.
    if (io.debug) io.err(jsonLine(JSON.stringify(error.toJSON())));
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.err(`marketmux: ${inline(message.split('\n')[0]!)}`);
  if (io.debug && error instanceof Error && error.stack) io.err(error.stack);
}

/** A progress line on stderr, redrawn in place on a TTY. */
export function progress(io: Io): { update(text: string): void; done(text: string): void; clear(): void } {
  let last = 0;
  return {
    update(text) {
      if (!io.stderrIsTty) return;
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      process.stderr.write(`\r\u001b[2K${terminalLine(inline(text), io.color)}`);
    },
    done(text) {
      this.clear();
      io.err(text);
    },
    clear() {
      if (io.stderrIsTty) process.stderr.write('\r\u001b[2K');
    },
  };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
