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
  /** `X-RateLimit-Limit`: how many requests (or stream starts) the window allows. */
  readonly limit: number;
  /** `X-RateLimit-Remaining`: how many are left (never above `limit`). */
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
  readonly streams: Cs2CapStreamQuotas;
}

/** The 24 h stream-start quotas, one per bulk stream (each counted on its own). */
export interface Cs2CapStreamQuotas {
  /** Starts of `streamPrices` (`POST /v1/prices`), once a start has reported them. */
  readonly prices: Cs2CapQuotaWindow | undefined;
  /** Starts of `streamBids` (`POST /v1/bids`), once a start has reported them. */
  readonly bids: Cs2CapQuotaWindow | undefined;
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

/**
 * How long a spent quota is taken on the server's word. Then one call is let through to ask
 * again: the plan may have been upgraded, or the headers misread.
 */
export const QUOTA_RECHECK_MS = 15 * 60_000;

type QuotaName = 'monthly' | 'prices' | 'bids';
const QUOTA_WHAT: Record<QuotaName, string> = {
  monthly: 'the monthly quota',
  prices: 'the 24 h quota of /v1/prices stream starts',
  bids: 'the 24 h quota of /v1/bids stream starts',
};

/** The quotas a call spends: its stream's starts, and the monthly quota unless it is an account call. */
function quotasOf(method: string, path: string): QuotaName[] {
  const stream = streamOf(method, path);
  const names: QuotaName[] = stream ? [stream] : [];
  // Account endpoints are exempt from the monthly quota (reference/cs2cap.md §3.3).
  if (!path.startsWith('/account/')) names.push('monthly');
  return names;
}

/** Tracks what the headers said and refuses, before sending, a call the server would refuse. */
export class Cs2CapQuotaTracker {
  #tier: string | undefined;
  readonly #windows = new Map<QuotaName, Cs2CapQuotaWindow>();
  /** When a call was last let through to ask again about a spent quota. */
  readonly #askedAt = new Map<QuotaName, number>();

  /**
   * Record one answer. Returns how long the key should wait when a successful answer says
   * the per-minute window is spent, so the next call waits instead of drawing a 429.
   */
  observe(res: ObservedResponse, now = Date.now()): number | undefined {
    const tier = headerValue(res.headers, 'x-ratelimit-tier')?.trim();
    if (tier && /^[a-z_]{1,20}$/.test(tier)) this.#tier = tier;
    const ok = res.status >= 200 && res.status < 300;
    const reading = readRateHeaders(res, now);
    const named: QuotaName | undefined = reading?.scope === 'month' ? 'monthly' : reading?.scope === 'stream' ? streamOf(res.method, res.path) : undefined;
    // Served: whatever this call spends is not spent, even if no header says how much is left.
    if (ok) for (const name of quotasOf(res.method, res.path)) if (name !== named && this.#windows.get(name)?.remaining === 0) this.#windows.delete(name);
    if (!reading) return undefined;
    if (named) {
      this.#windows.set(named, Object.freeze({
        limit: reading.limit,
        remaining: reading.remaining,
        resetsAt: reading.resetAtMs === undefined ? undefined : new Date(reading.resetAtMs).toISOString(),
        reportedAt: new Date(now).toISOString(),
      }));
    }
    if (reading.scope !== 'minute' || !ok || reading.remaining > 0) return undefined;
    // Without a reset, one second: the limiter's own window does the rest.
    return reading.resetAtMs === undefined ? 1_000 : Math.min(MINUTE_MS, Math.max(0, reading.resetAtMs - now));
  }

  /**
   * Throws `QuotaExceededError` when the server has said this call's quota is spent until a
   * later time — except once every `QUOTA_RECHECK_MS`, when one call goes to ask again. That
   * call is chosen when it is about to be sent (`askAgain`); earlier checks let it queue.
   */
  check(method: string, path: string, options: { askAgain: boolean; now?: number }): void {
    const now = options.now ?? Date.now();
    for (const name of quotasOf(method, path)) {
      const window = this.#windows.get(name);
      if (!window || window.remaining > 0 || window.resetsAt === undefined) continue;
      const resetAt = Date.parse(window.resetsAt);
      if (resetAt <= now) continue;
      if (now - Math.max(Date.parse(window.reportedAt), this.#askedAt.get(name) ?? 0) >= QUOTA_RECHECK_MS) {
        if (options.askAgain) this.#askedAt.set(name, now);
        continue;
      }
      throw new QuotaExceededError({
        provider: 'cs2cap',
        code: 'quota_exceeded',
        message: `cs2cap ${method} ${path}: ${QUOTA_WHAT[name]} is spent (0 of ${window.limit} left) until ${window.resetsAt}; nothing was sent`,
        retryable: false,
        retryAfterMs: resetAt - now,
        method,
        path,
      });
    }
  }

  /** The tier the server last named. */
  get tier(): string | undefined {
    return this.#tier;
  }

  status(): Cs2CapQuotaStatus {
    const w = this.#windows;
    return Object.freeze({ tier: this.#tier, monthly: w.get('monthly'), streams: Object.freeze({ prices: w.get('prices'), bids: w.get('bids') }) });
  }
}
