import { AxiosError, type AxiosResponse } from 'axios';
import pRetry from 'p-retry';
import type { Readable } from 'node:stream';
import type { z } from 'zod';
import {
  MarketError,
  NetworkError,
  OutcomeUnknownError,
  QuotaExceededError,
  RateLimitError,
  ResponseShapeError,
  ServerError,
  TimeoutError,
} from '../errors.js';
import type { EventHub } from '../events.js';
import type { PauseGate } from '../limits/pause-gate.js';
import type { QuotaLimiter } from '../limits/quota-limiter.js';
import { headerValue, parseRetryAfter } from './headers.js';
import type { ErrorResponse } from './map-error.js';
import { encodeQuery, type QueryParams } from './query.js';
import { redact } from './redact.js';
import type { Transport } from './transport.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * How safe a request is to send twice:
 * - `read`: always;
 * - `idempotent`: a write carrying an idempotency key the server honours;
 * - `unsafe`: a write with no such key — never repeated once it may have reached the server.
 */
export type RepeatSafety = 'read' | 'idempotent' | 'unsafe';

/** Options every public call accepts. */
export interface CallOptions {
  signal?: AbortSignal | undefined;
  /** Per-attempt deadline for this call, overriding the client's `timeoutMs`. */
  timeoutMs?: number | undefined;
}

export interface RequestSpec<T> {
  method: HttpMethod;
  /** Path relative to the base URL, starting with `/`, without a query. */
  path: string;
  query?: QueryParams | undefined;
  body?: unknown;
  /** Non-secret extra headers (Idempotency-Key, If-None-Match). */
  headers?: Record<string, string> | undefined;
  limitClass: string;
  cost?: number | undefined;
  /** Send credentials (default true). */
  auth?: boolean | undefined;
  safety: RepeatSafety;
  schema: z.ZodType<T>;
  /**
   * The idempotency key this write is sent under (the same on every attempt); carried by an
   * `OutcomeUnknownError` or `AbortedError` so the caller can look the write up or repeat it.
   */
  idempotencyKey?: string | undefined;
  /**
   * For an unsafe write: how the caller can find out whether it happened (e.g. "call
   * getKeyInfo() with the old key: a 401 means it was reissued"), added to an
   * `OutcomeUnknownError`'s message.
   */
  outcomeHint?: string | undefined;
  /** Non-2xx statuses that are an answer, not an error (e.g. 304). */
  okStatuses?: readonly number[] | undefined;
  call?: CallOptions | undefined;
}

/** What an adapter may learn from an answer: never a body. */
export interface ObservedResponse {
  method: HttpMethod;
  path: string;
  status: number;
  headers: Record<string, unknown>;
}

export interface StreamResponse {
  status: number;
  headers: Record<string, unknown>;
  stream: Readable;
}

/** Everything a provider plugs into the shared pipeline. */
export interface ProviderAdapter {
  readonly provider: string;
  /** Headers that authenticate one attempt; called right before each send. */
  authenticate(request: { method: HttpMethod; signedPath: string }): Record<string, string>;
  /** A non-2xx answer → the right `MarketError`. */
  mapError(response: ErrorResponse): MarketError;
  /**
   * Throws to refuse a call before sending (a dead key, an IP ban, a spent quota). Runs before
   * each attempt queues for quota, and again right before it is sent (`sending`).
   */
  guard?(spec: { method: HttpMethod; path: string; auth: boolean; sending: boolean }): void;
  /** Sees every mapped error (to mark a key dead, start a ban, …). */
  observeError?(error: MarketError): void;
  /** Whether a 429 pauses every class of the key (default) or only the class that got it. */
  rateLimitScope?(error: RateLimitError): 'key' | 'class';
  /**
   * Sees every answer (to learn that a key is good, or what the server says of its quota).
   * Returns how long the whole key should wait before its next request although this
   * answer succeeded (the server said the window is spent), or nothing.
   */
  observeResponse?(response: ObservedResponse): number | undefined | void;
  /** Wraps one attempt, quota included (e.g. one request at a time for an unproven key). */
  around?<T>(request: { auth: boolean }, send: () => Promise<T>): Promise<T>;
  /** The current secrets, scrubbed from anything a server echoes into an error. */
  secrets(): readonly string[];
}

/** How calls are retried (see docs/limits-and-retries.md). */
export interface RetryOptions {
  /** Retries after the first attempt (default 3). */
  retries?: number | undefined;
  /** First backoff delay, doubled per retry with jitter (default 250 ms). */
  minDelayMs?: number | undefined;
  maxDelayMs?: number | undefined;
  /** Cap on the whole call, retries included (default 60 s). */
  maxRetryTimeMs?: number | undefined;
  /** Client-wide cap on retries in flight, so a failing server sees no retry storm (default 20). */
  maxRetriesInFlight?: number | undefined;
}

export interface RequestSenderOptions {
  adapter: ProviderAdapter;
  transport: Transport;
  limiters: ReadonlyMap<string, QuotaLimiter>;
  gate: PauseGate;
  events: EventHub;
  timeoutMs?: number | undefined;
  retry?: RetryOptions | undefined;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const NOT_SENT = new WeakSet<MarketError>();
const REQUEST_ID_HEADERS = ['x-request-id', 'request-id', 'x-amzn-requestid', 'cf-ray'];

/**
 * The one request sender: validation and capability checks happen before it; it owns
 * retries (outside the limiter), quota, authentication at send time, the transport,
 * error mapping, response parsing and events.
 */
export class RequestSender {
  readonly #o: RequestSenderOptions;
  readonly #retry: Required<RetryOptions>;
  #retriesInFlight = 0;

  constructor(options: RequestSenderOptions) {
    this.#o = options;
    this.#retry = {
      retries: options.retry?.retries ?? 3,
      minDelayMs: options.retry?.minDelayMs ?? 250,
      maxDelayMs: options.retry?.maxDelayMs ?? 20_000,
      maxRetryTimeMs: options.retry?.maxRetryTimeMs ?? 60_000,
      maxRetriesInFlight: options.retry?.maxRetriesInFlight ?? 20,
    };
  }

  get provider(): string {
    return this.#o.adapter.provider;
  }

  /** Send a JSON request and parse its answer with `spec.schema`. */
  async send<T>(spec: RequestSpec<T>): Promise<T> {
    return this.#withRetries(spec as RequestSpec<unknown>, (res) => this.#parseJson(spec, res as AxiosResponse<string>) as T, 'text');
  }

  /** Send a request whose 2xx body is a stream (the caller owns it). */
  async sendStream(spec: RequestSpec<unknown>): Promise<StreamResponse> {
    return this.#withRetries(
      spec,
      (res) => ({ status: res.status, headers: res.headers as Record<string, unknown>, stream: res.data as Readable }),
      'stream',
    );
  }

  async #withRetries<R>(spec: RequestSpec<unknown>, onOk: (res: AxiosResponse) => R, responseType: 'text' | 'stream'): Promise<R> {
    const signal = spec.call?.signal;
    signal?.throwIfAborted();
    // Retries this call holds in the client-wide budget; given back however the call ends.
    let held = 0;
    const attempt = async (attemptNumber: number): Promise<R> => {
      try {
        return await this.#attempt(spec, attemptNumber, onOk, responseType);
      } catch (error) {
        throw this.#finalize(spec, error);
      } finally {
        if (attemptNumber > 1) {
          held -= 1;
          this.#retriesInFlight -= 1;
        }
      }
    };
    try {
      return await pRetry(attempt, {
        retries: this.#retry.retries,
        minTimeout: this.#retry.minDelayMs,
        maxTimeout: this.#retry.maxDelayMs,
        factor: 2,
        randomize: true,
        maxRetryTime: this.#retry.maxRetryTimeMs,
        signal,
        shouldRetry: ({ error, attemptNumber }) => {
          if (!this.#shouldRetry(spec, error)) return false;
          if (this.#retriesInFlight >= this.#retry.maxRetriesInFlight) return false;
          this.#retriesInFlight += 1;
          held += 1;
          const e = error as MarketError;
          this.#o.events.emit('retry', {
            provider: this.provider,
            method: spec.method,
            path: spec.path,
            attempt: attemptNumber,
            error: { name: e.name, code: e.code, status: e.status },
          });
          return true;
        },
      });
    } finally {
      // A retry granted but never run (the call was cancelled during its backoff).
      this.#retriesInFlight -= held;
    }
  }

  #shouldRetry(spec: RequestSpec<unknown>, error: unknown): boolean {
    if (!(error instanceof MarketError) || !error.retryable) return false;
    if (error instanceof QuotaExceededError) return false;
    // A 429 means the server did not act on the request, so even an unsafe write may go again.
    if (error instanceof RateLimitError) return error.status === 429;
    if (spec.safety !== 'unsafe') return error instanceof ServerError || error instanceof NetworkError;
    return error instanceof NetworkError && NOT_SENT.has(error);
  }

  /** A lost answer to an unsafe write is not a network error: the write may have happened. */
  #finalize(spec: RequestSpec<unknown>, error: unknown): unknown {
    if (spec.safety !== 'unsafe' || !(error instanceof MarketError)) return error;
    const lost = (error instanceof NetworkError && !NOT_SENT.has(error)) || error instanceof ServerError;
    if (!lost) return error;
    return new OutcomeUnknownError({
      provider: error.provider,
      code: 'outcome_unknown',
      message: `${error.provider} ${spec.method} ${spec.path}: the request may have been carried out, but its answer was lost (${error.message}); it was not repeated`,
      status: error.status,
      providerCode: error.providerCode,
      requestId: error.requestId,
      method: spec.method,
      path: spec.path,
    });
  }

  async #attempt<R>(spec: RequestSpec<unknown>, attemptNumber: number, onOk: (res: AxiosResponse) => R, responseType: 'text' | 'stream'): Promise<R> {
    const { adapter } = this.#o;
    const auth = spec.auth !== false;
    adapter.guard?.({ method: spec.method, path: spec.path, auth, sending: false });
    const limiter = this.#o.limiters.get(spec.limitClass);
    if (!limiter) throw new TypeError(`no limiter for class ${spec.limitClass}`);
    const send = (): Promise<R> => {
      // The call may have waited in the queue while the key died or a ban began.
      adapter.guard?.({ method: spec.method, path: spec.path, auth, sending: true });
      return this.#send(spec, attemptNumber, auth, onOk, responseType);
    };
    const run = (): Promise<R> => limiter.run(spec.cost ?? 1, spec.call?.signal, send);
    return adapter.around ? adapter.around({ auth }, run) : run();
  }

  async #send<R>(spec: RequestSpec<unknown>, attemptNumber: number, auth: boolean, onOk: (res: AxiosResponse) => R, responseType: 'text' | 'stream'): Promise<R> {
    const { adapter, events, gate } = this.#o;
    const signal = spec.call?.signal;
    const signedPath = this.#o.transport.basePath + spec.path;
    const headers: Record<string, string> = { ...spec.headers };
    if (spec.body !== undefined) headers['Content-Type'] = 'application/json';
    if (auth) Object.assign(headers, adapter.authenticate({ method: spec.method, signedPath }));
    events.emit('request', { provider: this.provider, method: spec.method, path: spec.path, attempt: attemptNumber, limitClass: spec.limitClass });

    const timeoutMs = spec.call?.timeoutMs ?? this.#o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const onUserAbort = (): void => controller.abort();
    signal?.addEventListener('abort', onUserAbort, { once: true });
    const started = performance.now();
    let res: AxiosResponse;
    try {
      res = await this.#o.transport.axios.request({
        method: spec.method,
        url: spec.path + encodeQuery(spec.query),
        data: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        headers,
        signal: controller.signal,
        responseType,
        transformResponse: (data: unknown) => data,
        decompress: responseType !== 'stream',
      });
      if (responseType === 'stream' && !isOk(spec, res.status)) {
        res = { ...res, data: await readText(res.data as Readable) };
      }
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw this.#transportError(spec, error, controller.signal.aborted);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onUserAbort);
    }
    const requestId = REQUEST_ID_HEADERS.map((h) => headerValue(res.headers as Record<string, unknown>, h)).find(Boolean);
    events.emit('response', {
      provider: this.provider,
      method: spec.method,
      path: spec.path,
      attempt: attemptNumber,
      status: res.status,
      durationMs: performance.now() - started,
      requestId,
    });
    const pauseHintMs = adapter.observeResponse?.({ method: spec.method, path: spec.path, status: res.status, headers: res.headers as Record<string, unknown> });
    if (isOk(spec, res.status)) {
      this.#consecutive429 = 0;
      // Throttle before the 429 rather than after it: the server said the window is spent.
      if (typeof pauseHintMs === 'number' && pauseHintMs > 0) {
        gate.pauseFor(pauseHintMs);
        events.emit('rateLimited', { provider: this.provider, limitClass: spec.limitClass, retryAfterMs: pauseHintMs, source: 'server' });
      }
      return onOk(res);
    }

    const error = this.#mapError(spec, res, requestId);
    // A burst 429 pauses the key; a quota (monthly, stream) will not clear in a pause: it fails fast.
    if (error instanceof RateLimitError && !(error instanceof QuotaExceededError) && error.status === 429) {
      const pauseMs = error.retryAfterMs ?? this.#backoffFor429();
      if (adapter.rateLimitScope?.(error) === 'class') this.#o.limiters.get(spec.limitClass)?.classGate.pauseFor(pauseMs);
      else gate.pauseFor(pauseMs);
      events.emit('rateLimited', { provider: this.provider, limitClass: spec.limitClass, retryAfterMs: pauseMs, source: 'server' });
    }
    adapter.observeError?.(error);
    throw error;
  }

  #consecutive429 = 0;

  /** No Retry-After: exponential backoff with full jitter, shared by the whole key. */
  #backoffFor429(): number {
    this.#consecutive429 += 1;
    const ceiling = Math.min(this.#retry.maxDelayMs, this.#retry.minDelayMs * 2 ** (this.#consecutive429 - 1) * 2);
    return Math.max(this.#retry.minDelayMs, Math.round(ceiling * (0.5 + Math.random() / 2)));
  }

  #mapError(spec: RequestSpec<unknown>, res: AxiosResponse, requestId: string | undefined): MarketError {
    const text = typeof res.data === 'string' ? res.data : '';
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    const headers = res.headers as Record<string, unknown>;
    const mapped = this.#o.adapter.mapError({
      provider: this.provider,
      method: spec.method,
      path: spec.path,
      status: res.status,
      body,
      headers,
      retryAfterMs: parseRetryAfter(headerValue(headers, 'retry-after')),
      requestId,
    });
    return this.#scrub(mapped);
  }

  /** Scrub secrets a server might echo back into a message. */
  #scrub(error: MarketError): MarketError {
    const clean = redact(error.message, this.#o.adapter.secrets());
    if (clean === error.message) return error;
    const Cls = error.constructor as new (init: ConstructorParameters<typeof MarketError>[0]) => MarketError;
    return new Cls({ ...error.toJSON(), message: clean } as ConstructorParameters<typeof MarketError>[0]);
  }

  #parseJson(spec: RequestSpec<unknown>, res: AxiosResponse<string>): unknown {
    const text = res.data;
    let json: unknown;
    if (text === '' || text === undefined) {
      json = undefined;
    } else {
      try {
        json = JSON.parse(text);
      } catch {
        throw new ResponseShapeError({
          provider: this.provider,
          code: 'response_shape',
          message: `${this.provider} ${spec.method} ${spec.path}: the body is not valid JSON`,
          status: res.status,
          method: spec.method,
          path: spec.path,
          fieldPath: '(body)',
        });
      }
    }
    const parsed = spec.schema.safeParse(json);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const fieldPath = issue && issue.path.length ? issue.path.map(String).join('.') : '(body)';
    throw new ResponseShapeError({
      provider: this.provider,
      code: 'response_shape',
      message: `${this.provider} ${spec.method} ${spec.path}: unexpected response at ${fieldPath}: ${issue?.message ?? 'invalid'}`,
      status: res.status,
      method: spec.method,
      path: spec.path,
      fieldPath,
    });
  }

  #transportError(spec: RequestSpec<unknown>, error: unknown, timedOut: boolean): MarketError {
    const code = error instanceof AxiosError ? error.code : undefined;
    const base = { provider: this.provider, method: spec.method, path: spec.path, retryable: true };
    if (timedOut || code === 'ETIMEDOUT' || code === 'ECONNABORTED') {
      return new TimeoutError({ ...base, code: 'timeout', message: `${this.provider} ${spec.method} ${spec.path}: no answer in time` });
    }
    // A body cut off mid-way is a lost answer (axios: ERR_BAD_RESPONSE "stream has been aborted").
    const aborted = code === 'ERR_BAD_RESPONSE' && error instanceof Error && /aborted/i.test(error.message);
    if (!aborted && (code === 'ERR_FR_MAX_BODY_LENGTH_EXCEEDED' || code === 'ERR_BAD_RESPONSE')) {
      return new ResponseShapeError({ ...base, retryable: false, code: 'response_shape', fieldPath: '(body)', message: `${this.provider} ${spec.method} ${spec.path}: the answer was too large or unreadable` });
    }
    // Only the cause's code and message: an AxiosError also carries the request config (headers).
    const cause = error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.message) : 'unknown';
    const err = new NetworkError({ ...base, code: 'network_error', message: `${this.provider} ${spec.method} ${spec.path}: network error (${redact(String(cause), this.#o.adapter.secrets())})` });
    if (cause === 'ECONNREFUSED' || cause === 'ENOTFOUND' || cause === 'EAI_AGAIN') NOT_SENT.add(err);
    return err;
  }
}

function isOk(spec: RequestSpec<unknown>, status: number): boolean {
  return (status >= 200 && status < 300) || (spec.okStatuses?.includes(status) ?? false);
}

async function readText(stream: Readable, limit = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buf.length;
    if (size > limit) break;
    chunks.push(buf);
  }
  stream.destroy();
  return Buffer.concat(chunks).toString('utf8');
}

