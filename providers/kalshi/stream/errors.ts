/**
 * Errors of the Kalshi WebSocket: every documented error frame code (AsyncAPI, codes 1–28)
 * as a typed `StreamError`. No error holds a key, a signature or a handshake header.
 */
import { MarketError, type MarketErrorCode, type MarketErrorInit } from '../../../src/errors.js';

/** What one documented error code means and how the client treats it. */
export interface StreamErrorCodeInfo {
  /** The documented name (`Subscription buffer overflow`). */
  readonly name: string;
  /** Our provider-independent code. */
  readonly code: MarketErrorCode;
  /** The server dropped the subscription: it must be subscribed again (codes 10 and 25). */
  readonly terminal: boolean;
  /** Sending the same command again later may succeed (18 command timeout, 27 rate limit). */
  readonly retryable: boolean;
}

const info = (name: string, code: MarketErrorCode, terminal = false, retryable = false): StreamErrorCodeInfo => Object.freeze({ name, code, terminal, retryable });

/** Every error code of the AsyncAPI's table, including the retired 6, 16 and 17. */
export const STREAM_ERROR_CODES: Readonly<Record<number, StreamErrorCodeInfo>> = Object.freeze({
  1: info('Unable to process message', 'server_error'),
  2: info('Params required', 'invalid_request'),
  3: info('Channels required', 'invalid_request'),
  4: info('Subscription IDs required', 'invalid_request'),
  5: info('Unknown command', 'invalid_request'),
  6: info('Retired', 'server_error'),
  7: info('Unknown subscription ID', 'not_found'),
  8: info('Unknown channel name', 'invalid_request'),
  9: info('Authentication required', 'authentication_failed'),
  10: info('Channel error', 'server_error', true),
  11: info('Invalid parameter', 'invalid_request'),
  12: info('Exactly one subscription ID is required', 'invalid_request'),
  13: info('Unsupported action', 'invalid_request'),
  14: info('Market Ticker required', 'invalid_request'),
  15: info('Action required', 'invalid_request'),
  16: info('Retired', 'server_error'),
  17: info('Retired', 'server_error'),
  18: info('Command timeout', 'timeout', false, true),
  19: info('shard_factor must be > 0', 'invalid_request'),
  20: info('shard_factor is required when shard_key is set', 'invalid_request'),
  21: info('shard_key must be >= 0 and < shard_factor', 'invalid_request'),
  22: info('shard_factor must be <= 100', 'invalid_request'),
  23: info('Match IDs required', 'invalid_request'),
  24: info('Index IDs required', 'invalid_request'),
  25: info('Subscription buffer overflow', 'server_error', true),
  26: info('Subscription market limit exceeded', 'quota_exceeded'),
  27: info('Too many requests', 'rate_limited', false, true),
  28: info('Underlying tickers required', 'invalid_request'),
});

/** The fields a `StreamError` is built from. */
export interface StreamErrorInit extends Omit<MarketErrorInit, 'provider'> {
  /** The error frame's numeric code; undefined for a failure on our side (overflow, lost connection). */
  streamCode?: number | undefined;
  /** The server dropped the subscription (10, 25): it has to be subscribed again. */
  terminal?: boolean | undefined;
  /** The channel the failure concerns, when known. */
  channel?: string | undefined;
  /** The command that failed (`subscribe`, `update_subscription` …), when one did. */
  command?: string | undefined;
}

/** A failure reported by the Kalshi WebSocket (an error frame) or of a subscription. */
export class StreamError extends MarketError {
  /** The error frame's numeric code (1–28); undefined for a local failure. */
  readonly streamCode: number | undefined;
  /** Whether the server dropped the subscription (codes 10 and 25). */
  readonly terminal: boolean;
  /** The channel concerned, when known. */
  readonly channel: string | undefined;
  /** The command that failed, when one did. */
  readonly command: string | undefined;

  constructor(init: StreamErrorInit) {
    super({ ...init, provider: 'kalshi' });
    this.streamCode = init.streamCode;
    this.terminal = init.terminal ?? false;
    this.channel = init.channel;
    this.command = init.command;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), streamCode: this.streamCode, terminal: this.terminal, channel: this.channel, command: this.command };
  }
}
Object.defineProperty(StreamError.prototype, 'name', { value: 'StreamError', enumerable: false });
Object.freeze(StreamError.prototype);
Object.freeze(StreamError);

/** The typed error for one error frame (`{"type":"error","msg":{"code":27,"msg":"…"}}`). */
export function streamErrorFromFrame(frame: { code: number; msg?: string | undefined; command?: string | undefined; channel?: string | undefined; marketTickers?: readonly string[] | undefined }): StreamError {
  const known = STREAM_ERROR_CODES[frame.code];
  const meaning = known ?? info('Unknown error code', 'server_error');
  // The server's text is echoed (bounded): it never sees our key, so it cannot hold one.
  const said = frame.msg ? `: ${frame.msg.slice(0, 200)}` : '';
  const on = frame.command ? ` (${frame.command}${frame.channel ? ` ${frame.channel}` : ''})` : frame.channel ? ` (${frame.channel})` : '';
  return new StreamError({
    code: meaning.code,
    message: `kalshi stream error ${frame.code} ${meaning.name}${on}${said}`,
    providerCode: String(frame.code),
    streamCode: frame.code,
    terminal: meaning.terminal,
    retryable: meaning.retryable,
    channel: frame.channel,
    command: frame.command,
    details: frame.marketTickers?.length ? { marketTickers: [...frame.marketTickers] } : undefined,
  });
}
