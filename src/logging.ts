/**
 * The `logger` and `logLevel` options: the client's events written as log lines. A line is
 * made only from an event, and events carry no header, body, key or signature (errors in them
 * are scrubbed before they leave the sender), so a line is as redacted as the events are.
 */
import type { EventHub, MarketEventName, MarketEvents } from './events.js';

/** Anything with these four methods: `console`, pino, winston, bunyan… */
export interface MarketLogger {
  /** Every request and answer (`logLevel: 'debug'`). */
  debug(message: string, fields?: Record<string, unknown>): void;
  /** Retries and calls the client queued for quota. */
  info(message: string, fields?: Record<string, unknown>): void;
  /** The server limiting the key; calls that failed for good. */
  warn(message: string, fields?: Record<string, unknown>): void;
  /** Nothing is written at this level today (a failed call rejects; reporting it is the caller's). */
  error(message: string, fields?: Record<string, unknown>): void;
}

/** The lowest level written; `off` writes nothing. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'off';

/** The logging options of every factory. */
export interface LoggingOptions {
  /**
   * Where lines go (default `console` when a level is set). Each line is a message and the
   * event's fields; a logger that throws never breaks a call.
   */
  logger?: MarketLogger | undefined;
  /**
   * Default: `MARKETMUX_LOG` from the environment, else `info` when a `logger` is given, else
   * `off`. `debug`: every request and answer; `info`: retries, the client's own queueing;
   * `warn`: server rate limits and calls that failed; `error`: nothing is logged at error
   * today — a failed call is the caller's to report, it rejects with the error.
   */
  logLevel?: LogLevel | undefined;
}

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'off'];
const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, off: 4 };

/** What each event becomes: its level and its message. */
const LINES: { [K in MarketEventName]: (e: MarketEvents[K]) => [Exclude<LogLevel, 'off'>, string] } = {
  request: (e) => ['debug', `${e.provider} ${e.method} ${e.path}: attempt ${e.attempt}`],
  response: (e) => ['debug', `${e.provider} ${e.method} ${e.path}: ${e.status} in ${Math.round(e.durationMs)} ms`],
  retry: (e) => ['info', `${e.provider} ${e.method} ${e.path}: attempt ${e.attempt} failed (${e.error.name}${e.error.status === undefined ? '' : ` ${e.error.status}`}); retrying`],
  rateLimited: (e) =>
    e.source === 'server'
      ? ['warn', `${e.provider} ${e.limitClass}: the server limits this key; pausing ${e.retryAfterMs} ms`]
      : ['info', `${e.provider} ${e.limitClass}: queued for quota, ${e.retryAfterMs} ms`],
  error: (e) => ['warn', `${e.provider} ${e.method} ${e.path}: failed after ${e.attempts} attempt${e.attempts === 1 ? '' : 's'}: ${e.error.name} (${e.error.code})`],
};

/** The level in effect for these options (see `LoggingOptions.logLevel`). */
export function effectiveLogLevel(options: LoggingOptions, env: Readonly<Record<string, string | undefined>> = process.env): LogLevel {
  if (options.logLevel) return options.logLevel;
  const fromEnv = env.MARKETMUX_LOG?.trim().toLowerCase();
  if (fromEnv && (LOG_LEVELS as readonly string[]).includes(fromEnv)) return fromEnv as LogLevel;
  return options.logger ? 'info' : 'off';
}

/** Write the hub's events to the logger from `options`, at or above its level. */
export function attachLogger(events: EventHub, options: LoggingOptions): void {
  const level = effectiveLogLevel(options);
  if (level === 'off') return;
  const logger = options.logger ?? console;
  for (const name of Object.keys(LINES) as MarketEventName[]) {
    events.on(name, (event) => {
      const [at, message] = (LINES[name] as (e: typeof event) => [Exclude<LogLevel, 'off'>, string])(event);
      if (RANK[at] >= RANK[level]) logger[at](`marketmux: ${message}`, { event: name, ...event });
    });
  }
}
