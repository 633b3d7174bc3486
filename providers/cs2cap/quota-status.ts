/**
 * What CS2Cap's `X-RateLimit-*` headers say, read defensively: the docs and the OpenAPI
 * disagree on what they describe (reference/cs2cap.md §3.4, §9 #2). The same three headers
 * carry the per-minute window, the monthly quota or, on the bulk streams, the 24 h
 * stream-start quota; `X-RateLimit-Reset` is a Unix time or seconds from now.
 */
import { QuotaExceededError } from '../../src/errors.js';
import { headerValue } from '../../src/http/headers.js';
import type { ObservedResponse } from '../../src/http/request-sender.js';

/** One limit as the server last reported it. */
export interface Cs2CapQuotaWindow {
  readonly limit: number;
  readonly remaining: number;
  /** When it resets (ISO time), if the server said. */
  readonly resetsAt: string | undefined;
  /** When the server said so (ISO time). */
  readonly reportedAt: string;
}

/** What the server last said of this key's quotas; nothing here costs a request. */
export interface Cs2CapQuotaStatus {
  /** `X-RateLimit-Tier`: `free`, `starter`, `pro`, `quant` (or a tier this version does not know). */
  readonly tier: string | undefined;
  /** The monthly quota, once an answer has carried it (the server sends it when it runs low). */
  readonly monthly: Cs2CapQuotaWindow | undefined;
  /** The rolling 24 h bulk-stream starts, per endpoint, once a stream start has carried them. */
  readonly streams: { readonly prices: Cs2CapQuotaWindow | undefined; readonly bids: Cs2CapQuotaWindow | undefined };
}

type Scope = 'minute' | 'month' | 'stream';
/** Enough of an answer to read its rate-limit headers. */
type AnswerHeaders = { method: string; path: string; headers: Record<string, unknown> };
interface Reading {
  scope: Scope;
  limit: number;
  remaining: number;
  resetAtMs: number | undefined;
}

/** No tier's per-minute limit is above this (Quant: 300); a larger limit is the monthly quota. */
const MAX_MINUTE_LIMIT = 300;
/** A per-minute window resets within a minute: a later reset means another limit. */
const MINUTE_MS = 61_000;

const STREAM_PATHS: Record<string, 'prices' | 'bids'> = { '/prices': 'prices', '/bids': 'bids' };

function streamOf(method: string, path: string): 'prices' | 'bids' | undefined {
  return method === 'POST' ? STREAM_PATHS[path] : undefined;
}

/** Reset as epoch ms: ≥ 1e12 is epoch ms, ≥ 1e9 epoch seconds, below that seconds from now. */
function parseReset(value: string | undefined, now: number): number | undefined {
  if (value === undefined || !/^\d+(\.\d+)?$/.test(value.trim())) return undefined;
  const n = Number(value);
  if (n >= 1e12) return n;
  if (n >= 1e9) return n * 1000;
  return now + n * 1000;
}

/** Which limit one answer's headers describe, or undefined when they are absent or unreadable. */
export function readRateHeaders(res: AnswerHeaders, now: number): Reading | undefined {
  const count = (name: string): number | undefined => {
    const v = headerValue(res.headers, name)?.trim();
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
  };
  const limit = count('x-ratelimit-limit');
  const remaining = count('x-ratelimit-remaining');
  if (limit === undefined || remaining === undefined) return undefined;
  const resetAtMs = parseReset(headerValue(res.headers, 'x-ratelimit-reset'), now);
  let scope: Scope;
  if (streamOf(res.method, res.path)) scope = 'stream';
  // A child key's monthly quota may be 300 or less: its reset, weeks away, tells it apart.
  else if (limit <= MAX_MINUTE_LIMIT && (resetAtMs === undefined || resetAtMs - now <= MINUTE_MS)) scope = 'minute';
  else scope = 'month';
  return { scope, limit, remaining: Math.min(remaining, limit), resetAtMs };
}

/** Ms until the per-minute window resets, when a 429's headers say (used when it has no Retry-After). */
export function minuteResetMs(res: AnswerHeaders, now = Date.now()): number | undefined {
  const reading = readRateHeaders(res, now);
  if (reading?.scope !== 'minute' || reading.resetAtMs === undefined) return undefined;
  return Math.max(0, reading.resetAtMs - now);
}

/** Tracks what the headers said and refuses, before sending, a call the server would refuse. */
export class Cs2CapQuotaTracker {
  #tier: string | undefined;
  #monthly: Cs2CapQuotaWindow | undefined;
  readonly #streams: { prices: Cs2CapQuotaWindow | undefined; bids: Cs2CapQuotaWindow | undefined } = { prices: undefined, bids: undefined };

  /**
   * Record one answer. Returns how long the key should wait when a successful answer says
   * the per-minute window is spent, so the next call waits instead of drawing a 429.
   */
  observe(res: ObservedResponse, now = Date.now()): number | undefined {
    const tier = headerValue(res.headers, 'x-ratelimit-tier')?.trim();
    if (tier && /^[a-z_]{1,20}$/.test(tier)) this.#tier = tier;
    const reading = readRateHeaders(res, now);
    if (!reading) return undefined;
    const window: Cs2CapQuotaWindow = Object.freeze({
      limit: reading.limit,
      remaining: reading.remaining,
      resetsAt: reading.resetAtMs === undefined ? undefined : new Date(reading.resetAtMs).toISOString(),
      reportedAt: new Date(now).toISOString(),
    });
    if (reading.scope === 'month') this.#monthly = window;
    const stream = streamOf(res.method, res.path);
    if (reading.scope === 'stream' && stream) this.#streams[stream] = window;
    const ok = res.status >= 200 && res.status < 300;
    if (reading.scope !== 'minute' || !ok || reading.remaining > 0) return undefined;
    // Without a reset, one second: the limiter's own window does the rest.
    return reading.resetAtMs === undefined ? 1_000 : Math.min(MINUTE_MS, Math.max(0, reading.resetAtMs - now));
  }

  /** Throws `QuotaExceededError` when the server has said this call's quota is spent until a later time. */
  check(method: string, path: string, now = Date.now()): void {
    const stream = streamOf(method, path);
    if (stream) refuseIfSpent(this.#streams[stream], `the 24 h quota of /v1/${stream} stream starts`, { method, path, now });
    // Account endpoints are exempt from the monthly quota (reference/cs2cap.md §3.3).
    if (!path.startsWith('/account/')) refuseIfSpent(this.#monthly, 'the monthly quota', { method, path, now });
  }

  /** The tier the server last named. */
  get tier(): string | undefined {
    return this.#tier;
  }

  status(): Cs2CapQuotaStatus {
    return Object.freeze({ tier: this.#tier, monthly: this.#monthly, streams: Object.freeze({ ...this.#streams }) });
  }
}

function refuseIfSpent(window: Cs2CapQuotaWindow | undefined, what: string, call: { method: string; path: string; now: number }): void {
  const { now } = call;
  if (!window || window.remaining > 0 || window.resetsAt === undefined) return;
  const resetAt = Date.parse(window.resetsAt);
  if (resetAt <= now) return;
  throw new QuotaExceededError({
    provider: 'cs2cap',
    code: 'quota_exceeded',
    message: `cs2cap ${call.method} ${call.path}: ${what} is spent (0 of ${window.limit} left) until ${window.resetsAt}; nothing was sent`,
    retryable: false,
    retryAfterMs: resetAt - now,
    method: call.method,
    path: call.path,
  });
}
