import type { AxiosResponse } from 'axios';
import type { Readable } from 'node:stream';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import type { z } from 'zod';
import {
  AbortedError,
  ClientClosedError,
  MarketError,
  NetworkError,
  OutcomeUnknownError,
  QuotaExceededError,
  RateLimitError,
  ResponseShapeError,
  ServerError,
  TimeoutError,
  ValidationError,
} from '../errors.js';
import type { EventHub } from '../events.js';
import type { PauseGate } from '../limits/pause-gate.js';
import type { QuotaLimiter } from '../limits/quota-limiter.js';
import { headerValue, parseRetryAfter } from './headers.js';
import type { ErrorResponse } from './map-error.js';
import { encodeQuery, type QueryParams } from './query.js';
import { holdProcess, releaseProcess } from './keep-alive.js';
import { QueuedCall } from '../limits/quota-limiter.js';
import { redact, redactDeep, redactError } from './redact.js';
import { isGzip, isStreamEncoding } from './stream-encoding.js';
import { isAxiosError, type Transport } from './transport.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * How safe a request is to send twice:
 * - `read`: always;
 * - `idempotent`: a write carrying an idempotency key the server honours;
 * - `unsafe`: a write with no such key — never repeated once it may have reached the server.
 */
export type RepeatSafety = 'read' | 'idempotent' | 'unsafe';

/** Options every public call accepts. */
/**
 * Options of one call, its last argument. What is given here wins over the client's settings for
 * this call only; `signal` is this call's alone. An idempotency key is not here: where an API
 * takes one it is part of the operation's input (`clientOrderId`, `idempotencyKey`), because it
 * is sent in the request.
 */
export interface CallOptions {
  /** Abort the call: queued, it leaves the queue at once; on the wire, it is cut (an `AbortedError`). */
  signal?: AbortSignal | undefined;
  /** Per-attempt deadline for this call, overriding the client's `timeoutMs`. */
  timeoutMs?: number | undefined;
  /**
   * Retries for this call (0–20), overriding the client's `retry.retries`. Only calls that may
   * be repeated are retried at all (reads, harmless writes, writes under an idempotency key).
   */
  maxRetries?: number | undefined;
}

export interface RequestSpec<T> {
  method: HttpMethod;
  /** Path relative to the base URL, starting with `/`, without a query. */
  path: string;
  query?: QueryParams | undefined;
  body?: unknown;
  /**
   * A body that is not JSON (a CSV upload): sent as-is with that Content-Type, never
   * JSON-encoded. Mutually exclusive with `body`: a spec with both is a programming error.
   */
  rawBody?: { readonly contentType: string; readonly data: string | Uint8Array } | undefined;
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
  /** Whether the request carried credentials. */
  auth: boolean;
  status: number;
  headers: Record<string, unknown>;
}

export interface StreamResponse {
  status: number;
  headers: Record<string, unknown>;
  stream: Readable;
}

/** What `authenticate` is told of the attempt it signs. */
export interface AuthenticateRequest {
  method: HttpMethod;
  /** The URL path from the host root, without the query. */
  signedPath: string;
  /**
   * Attempts of this client being authenticated or on the wire right now, this one included:
   * at 1 the client is idle (sign at once); above it, work off the main thread pays.
   */
  inFlight: number;
}

/** Everything a provider plugs into the shared pipeline. */
export interface ProviderAdapter {
  readonly provider: string;
  /**
   * Headers that authenticate one attempt; called right before each send. May answer later (a
   * signature made off the main thread): nothing is sent until it does.
   */
  authenticate(request: AuthenticateRequest): Record<string, string> | Promise<Record<string, string>>;
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
  /**
   * Wraps one attempt, quota included (e.g. one request at a time for an unproven key). A
   * wait in it must end when `signal` fires (the caller's abort, the client's close).
   * `sent()` says, once `send` has settled, whether the request reached the wire (an attempt
   * cancelled or refused while it waited for the quota did not).
   */
  around?<T>(request: { auth: boolean; signal: AbortSignal; sent(): boolean }, send: () => Promise<T>): Promise<T>;
  /** The current secrets, scrubbed from anything a server echoes into an error. */
  secrets(): readonly string[];
}

/** How calls are retried (see docs/limits-and-retries.md). */
export interface RetryOptions {
  /** Retries after the first attempt (default 3). */
  retries?: number | undefined;
  /** First backoff delay, doubled per retry with jitter (default 250 ms). */
  minDelayMs?: number | undefined;
  /** Longest backoff delay between two attempts (default 20 s). */
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
/** The longest one attempt may be given (as the client's `timeoutMs` is). */
const MAX_TIMEOUT_MS = 600_000;
/** The most retries a call may ask for (the client option has the same bound). */
const MAX_RETRIES = 20;
/**
 * The longest a server's `Retry-After` pauses a key: a far-future value (an HTTP date in 2100)
 * would freeze the key for good and overflow a timer. After it, one request asks again.
 */
export const MAX_PAUSE_MS = 10 * 60_000;
/** The largest delay a Node timer takes; a larger one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Request ids longer than this are cut (a hostile header could be megabytes). */
const MAX_REQUEST_ID_LENGTH = 200;
const NOT_SENT = new WeakSet<MarketError>();
/** A 2xx whose body could not be read: for a write, the write happened but its result is unknown. */
const UNREADABLE_ANSWER = new WeakSet<MarketError>();
const REQUEST_ID_HEADERS = ['x-request-id', 'request-id', 'x-amzn-requestid', 'cf-ray'];

/** What a call's scope asks of its sender: one object per sender, not a closure per call. */
interface CallOwner {
  sendAdmitted(scope: CallScope): Promise<unknown>;
  attemptEnded(scope: CallScope, ok: boolean, outcome: unknown): void;
}

/**
 * One logical call, and the one object it is while it waits: its spec, its cancellation (a
 * `CancelScope`, not an AbortController), its place in the limiter's line (a `QueuedCall`),
 * the ends of the caller's promise, its deadline, and what its attempts did.
 */
class CallScope extends QueuedCall<unknown> {
  /** Some attempt handed the request to the transport (it may have reached the server). */
  sent = false;
  /** An attempt was on the wire when the call was aborted or the client closed. */
  inFlightAtAbort = false;
  /** Some attempt may have reached the server and lost its answer. */
  lost = false;
  /** Sending now (not queued): a pause does not cut it short. */
  sending = false;
  /** Attempts handed to the transport so far. */
  attempts = 0;
  /** Values of the authentication headers sent (a per-attempt signature is a secret too). */
  sentSecrets: string[] | undefined = undefined;
  /** The caller's signal (this scope listens to it as an event listener object). */
  userSignal: AbortSignal | undefined = undefined;
  /** The attempt being made, from 1. */
  attemptNumber = 1;
  /** Where a retry reports (p-retry waits on it); the first attempt reports to the call itself. */
  retry: { resolve(value: unknown): void; reject(error: unknown): void } | undefined = undefined;
  resolveCall: (value: unknown) => void = noop;
  rejectCall: (error: unknown) => void = noop;

  /** After `deadline` (epoch ms) the call no longer waits out a server pause or retries. */
  constructor(
    readonly owner: CallOwner,
    readonly spec: RequestSpec<unknown>,
    /** The 2xx body is handed over as a stream (else parsed as JSON by `spec.schema`). */
    readonly stream: boolean,
    readonly timeoutMs: number,
    readonly deadline: number,
  ) {
    super();
  }

  sendAdmitted(): Promise<unknown> {
    return this.owner.sendAdmitted(this);
  }

  ran(value: unknown): void {
    this.owner.attemptEnded(this, true, value);
  }

  failed(error: unknown): void {
    this.owner.attemptEnded(this, false, error);
  }

  /** The caller's signal fired. */
  handleEvent(): void {
    if (this.sending) this.inFlightAtAbort = true;
    this.abort(this.userSignal!.reason);
  }
}

const noop = (): void => undefined;

const pausesByGate = new WeakMap<PauseGate, Set<RequestSender>>();

/**
 * The one request sender: validation and capability checks happen before it; it owns
 * retries (outside the limiter), quota, authentication at send time, the transport,
 * error mapping, response parsing, redaction and events.
 */
export class RequestSender {
  readonly #o: RequestSenderOptions;
  readonly #retry: Required<RetryOptions>;
  readonly #calls = new Set<CallScope>();
  #retriesInFlight = 0;
  /** Attempts being authenticated or on the wire. */
  #inFlight = 0;
  readonly #owner: CallOwner = {
    sendAdmitted: (scope) => this.#sendAdmitted(scope),
    attemptEnded: (scope, ok, outcome) => this.#attemptEnded(scope, ok, outcome),
  };
  #consecutive429 = 0;
  #closed = false;
  /** What close() rejected every call with. */
  #closeReason: ClientClosedError | undefined;

  constructor(options: RequestSenderOptions) {
    this.#o = options;
    this.#retry = {
      retries: options.retry?.retries ?? 3,
      minDelayMs: options.retry?.minDelayMs ?? 250,
      maxDelayMs: options.retry?.maxDelayMs ?? 20_000,
      maxRetryTimeMs: options.retry?.maxRetryTimeMs ?? 60_000,
      maxRetriesInFlight: options.retry?.maxRetriesInFlight ?? 20,
    };
    let peers = pausesByGate.get(options.gate);
    if (!peers) pausesByGate.set(options.gate, (peers = new Set()));
    peers.add(this);
  }

  get provider(): string {
    return this.#o.adapter.provider;
  }

  /** Send a JSON request and parse its answer with `spec.schema`. */
  send<T>(spec: RequestSpec<T>): Promise<T> {
    return this.#call(spec as RequestSpec<unknown>, false) as Promise<T>;
  }

  /** Send a request whose 2xx body is a stream (the caller owns it). */
  sendStream(spec: RequestSpec<unknown>): Promise<StreamResponse> {
    return this.#call(spec, true) as Promise<StreamResponse>;
  }

  /**
   * Refuse every new call and reject every call of this client that is queued, waiting or on
   * the wire, at once. Other clients on the same key keep their calls.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    pausesByGate.get(this.#o.gate)?.delete(this);
    const reason = (this.#closeReason = this.#closedError());
    for (const scope of this.#calls) {
      if (scope.sending) scope.inFlightAtAbort = true;
      scope.abort(reason);
    }
  }

  /**
   * One object from here to the limiter's line: the call's scope is its job, queued in the line
   * itself, told its outcome by method. No async frame, closure or promise per level waits
   * with it — only the caller's promise.
   */
  #call(spec: RequestSpec<unknown>, stream: boolean): Promise<unknown> {
    let signal: AbortSignal | undefined;
    let timeoutMs: number;
    try {
      ({ signal, timeoutMs } = this.#callOptions(spec));
      if (this.#closed) throw this.#closedError();
      if (signal?.aborted) throw this.#aborted(spec, signal.reason, false);
    } catch (error) {
      return Promise.reject(error);
    }
    const scope = new CallScope(this.#owner, spec, stream, timeoutMs, Date.now() + this.#retry.maxRetryTimeMs);
    if (signal) {
      scope.userSignal = signal;
      signal.addEventListener('abort', scope, { once: true });
    }
    this.#calls.add(scope);
    holdProcess();
    return new Promise((resolve, reject) => {
      scope.resolveCall = resolve;
      scope.rejectCall = reject;
      // The first attempt runs directly: most calls succeed or fail for good on it, and p-retry
      // (its options, its loop, its frames) is only worth entering once a retry may follow.
      this.#attempt(scope);
    });
  }

  /** An attempt ended: a retry's goes to p-retry; the first settles the call or starts retries. */
  #attemptEnded(scope: CallScope, ok: boolean, outcome: unknown): void {
    const retry = scope.retry;
    if (retry) {
      scope.retry = undefined;
      if (ok) retry.resolve(outcome);
      else retry.reject(outcome);
      return;
    }
    if (!ok && outcome === this.#closeReason && !scope.sent) {
      // Closed before anything was sent (close() of many queued calls): the reason as it is.
      this.#end(scope);
      return scope.rejectCall(outcome);
    }
    if (ok) {
      if (scope.aborted) return this.#fail(scope, scope.reason);
      this.#end(scope);
      return scope.resolveCall(outcome);
    }
    if (outcome instanceof MarketError && mayHaveLostAnswer(outcome)) scope.lost = true;
    if (scope.aborted || !this.#shouldRetry(scope.spec, outcome)) return this.#fail(scope, outcome);
    this.#retries(scope, outcome).then(
      (value) => {
        this.#end(scope);
        scope.resolveCall(value);
      },
      (final: unknown) => this.#fail(scope, final),
    );
  }

  /** The call is over: it no longer holds the process, the client or the caller's signal. */
  #end(scope: CallScope): void {
    releaseProcess();
    this.#calls.delete(scope);
    scope.userSignal?.removeEventListener('abort', scope);
  }

  /** The call failed with `error`: the caller is told, scrubbed. */
  #fail(scope: CallScope, error: unknown): void {
    this.#end(scope);
    const found = this.#finalize(scope.spec, scope, scope.userSignal, error);
    // The close() reason is ours and names no secret: 10,000 queued calls need no scan each.
    const final = found === this.#closeReason ? found : redactError(found, this.#secrets(scope));
    if (this.#o.events.has('error')) {
      const { name, code, status, message, requestId } = final;
      this.#o.events.emit('error', { provider: this.provider, method: scope.spec.method, path: this.#eventPath(scope.spec, scope), attempts: scope.attempts, error: { name, code, status, message, requestId } });
    }
    scope.rejectCall(final);
  }

  /** Per-call options are checked like any input: nothing is sent on a bad one. */
  #callOptions(spec: RequestSpec<unknown>): { signal: AbortSignal | undefined; timeoutMs: number } {
    const call: unknown = spec.call;
    const issues: { path: string; message: string }[] = [];
    let signal: AbortSignal | undefined;
    let timeoutMs = this.#o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (call !== undefined && (call === null || typeof call !== 'object')) {
      issues.push({ path: '(options)', message: 'call options must be an object' });
    } else if (call) {
      const given = call as { signal?: unknown; timeoutMs?: unknown; maxRetries?: unknown };
      if (given.signal !== undefined) {
        if (given.signal instanceof AbortSignal) signal = given.signal;
        else issues.push({ path: 'signal', message: 'must be an AbortSignal' });
      }
      if (given.timeoutMs !== undefined) {
        const t = given.timeoutMs;
        if (typeof t === 'number' && Number.isInteger(t) && t >= 1 && t <= MAX_TIMEOUT_MS) timeoutMs = t;
        else issues.push({ path: 'timeoutMs', message: `must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}` });
      }
      const r = given.maxRetries;
      if (r !== undefined && !(typeof r === 'number' && Number.isInteger(r) && r >= 0 && r <= MAX_RETRIES)) issues.push({ path: 'maxRetries', message: `must be a whole number from 0 to ${MAX_RETRIES}` });
    }
    if (issues.length) {
      throw new ValidationError({
        provider: this.provider,
        message: `${this.provider} ${spec.method} ${spec.path}: invalid call options — ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        issues,
      });
    }
    return { signal, timeoutMs };
  }

  /** Attempts 2 and on, through p-retry, which sees the first failure as its own attempt 1. */
  async #retries(scope: CallScope, first: unknown): Promise<unknown> {
    const spec = scope.spec;
    // Retries this call holds in the client-wide budget; given back however the call ends.
    let held = 0;
    const attempt = async (attemptNumber: number): Promise<unknown> => {
      if (attemptNumber === 1) throw first;
      try {
        return await new Promise((resolve, reject) => {
          scope.attemptNumber = attemptNumber;
          scope.retry = { resolve, reject };
          this.#attempt(scope);
        });
      } catch (error) {
        if (error instanceof MarketError && mayHaveLostAnswer(error)) scope.lost = true;
        throw error;
      } finally {
        held -= 1;
        this.#retriesInFlight -= 1;
      }
    };
    const { default: pRetry } = await loadPRetry();
    try {
      return await pRetry(attempt, {
        // Checked by #callOptions before the call started.
        retries: spec.call?.maxRetries ?? this.#retry.retries,
        minTimeout: this.#retry.minDelayMs,
        maxTimeout: this.#retry.maxDelayMs,
        factor: 2,
        randomize: true,
        // The time left of maxRetryTimeMs: p-retry's clock starts after the first attempt.
        maxRetryTime: Math.max(0, scope.deadline - Date.now()),
        signal: scope.signal,
        shouldRetry: ({ error, attemptNumber }) => {
          if (!this.#shouldRetry(spec, error)) return false;
          // A server pause longer than the call has left: fail now, saying how long.
          if (this.#pausedMs(spec.limitClass) > scope.deadline - Date.now()) return false;
          if (this.#retriesInFlight >= this.#retry.maxRetriesInFlight) return false;
          this.#retriesInFlight += 1;
          held += 1;
          const e = error as MarketError;
          this.#o.events.emit('retry', {
            provider: this.provider,
            method: spec.method,
            path: this.#eventPath(spec, scope),
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

  /**
   * What the caller is told once no attempt is left. A write that may have been carried out
   * is never reported as a plain failure the caller could simply repeat.
   */
  #finalize(spec: RequestSpec<unknown>, scope: CallScope, signal: AbortSignal | undefined, error: unknown): MarketError {
    // A write whose repeat would be harmless without a key (a claim) may simply be called again;
    // one that is safe only under its key, or not at all, must never look like a plain failure.
    const write = spec.safety === 'unsafe' || spec.idempotencyKey !== undefined;
    if (signal?.aborted && error === signal.reason) return this.#aborted(spec, error, scope.sent);
    if (error instanceof ClientClosedError) {
      if (!(write && scope.sent && (scope.inFlightAtAbort || scope.lost))) return error;
      return this.#outcomeUnknown(spec, error, 'the client was closed while the request was on its way');
    }
    if (!(error instanceof MarketError)) {
      return new MarketError({ provider: this.provider, code: 'server_error', message: `${this.provider} ${spec.method} ${spec.path}: unexpected failure (${error instanceof Error ? error.name : typeof error})`, method: spec.method, path: spec.path });
    }
    // A harmless repeat refused (404: gone, 409: already there) after an attempt whose answer
    // was lost says nothing of that attempt, which may be what made it gone or there.
    if (spec.safety === 'idempotent' && spec.idempotencyKey === undefined && scope.lost && (error.status === 404 || error.status === 409)) {
      return this.#outcomeUnknown(spec, error, `an earlier attempt's answer was lost and the repeat was refused (${error.message})`);
    }
    if (!write || !scope.sent) return error;
    if (mayHaveLostAnswer(error) || (scope.lost && !isDefiniteAnswer(error))) {
      const retried = spec.safety === 'idempotent' ? 'its retries ran out' : 'it was not repeated';
      return this.#outcomeUnknown(spec, error, `its answer was lost (${error.message}); ${retried}`);
    }
    return error;
  }

  #outcomeUnknown(spec: RequestSpec<unknown>, cause: MarketError, what: string): OutcomeUnknownError {
    const key = spec.idempotencyKey;
    const next = key
      ? ` Look it up by its idempotency key ${key}, or repeat the call with the same idempotencyKey (the server will not carry it out twice).`
      : '';
    const hint = spec.outcomeHint ? ` ${spec.outcomeHint}` : '';
    return new OutcomeUnknownError({
      provider: this.provider,
      code: 'outcome_unknown',
      message: `${this.provider} ${spec.method} ${spec.path}: the request may have been carried out, but ${what}.${next}${hint}`,
      status: cause.status,
      providerCode: cause.providerCode,
      requestId: cause.requestId,
      method: spec.method,
      path: spec.path,
      idempotencyKey: key,
    });
  }

  #aborted(spec: RequestSpec<unknown>, reason: unknown, requestSent: boolean): AbortedError {
    const sentNote = requestSent
      ? spec.safety === 'read'
        ? 'after the request was sent'
        : `after the request was sent: the write may have been carried out${spec.idempotencyKey ? ` (idempotency key ${spec.idempotencyKey})` : ''}`
      : 'before anything was sent';
    return new AbortedError({
      provider: this.provider,
      message: `${this.provider} ${spec.method} ${spec.path}: cancelled by the caller's signal ${sentNote}`,
      method: spec.method,
      path: spec.path,
      idempotencyKey: spec.idempotencyKey,
      requestSent,
      reason,
    });
  }

  #closedError(): ClientClosedError {
    return new ClientClosedError({ provider: this.provider, code: 'client_closed', message: `${this.provider} client is closed; the call was not sent` });
  }

  /** The path as events (and log lines) show it: scrubbed, for an id in it may be a secret (a key deleting itself). */
  #eventPath(spec: RequestSpec<unknown>, scope: CallScope): string {
    return redact(spec.path, this.#secrets(scope));
  }

  #secrets(scope?: CallScope): string[] {
    const own = this.#o.adapter.secrets();
    return scope?.sentSecrets?.length ? [...own, ...scope.sentSecrets] : [...own];
  }

  /** A server pause has begun: calls of this key that cannot wait it out fail now. */
  #onPause(ms: number): void {
    const until = Date.now() + ms;
    for (const scope of this.#calls) {
      if (!scope.sending && until > scope.deadline) scope.abort(this.#pauseTooLong(ms, ms));
    }
  }

  #pause(limitClass: string, ms: number, classOnly: boolean): void {
    const pauseMs = Math.min(ms, MAX_PAUSE_MS);
    if (classOnly) this.#o.limiters.get(limitClass)?.classGate.pauseFor(pauseMs);
    else {
      this.#o.gate.pauseFor(pauseMs);
      for (const peer of pausesByGate.get(this.#o.gate) ?? []) peer.#onPause(pauseMs);
    }
    this.#o.events.emit('rateLimited', { provider: this.provider, limitClass, retryAfterMs: pauseMs, source: 'server' });
  }

  #pauseTooLong(leftMs: number, serverMs: number): RateLimitError {
    return new RateLimitError({
      provider: this.provider,
      code: 'rate_limited',
      message: `${this.provider}: the key is paused for another ${Math.ceil(leftMs / 1000)} s at the server's request, longer than this call may wait (retry.maxRetryTimeMs); not sent`,
      retryAfterMs: Math.min(serverMs, MAX_TIMER_MS),
      retryable: true,
    });
  }

  /** What is left of the pause this call's class waits out: the key's, or the class's own. */
  #pausedMs(limitClass: string): number {
    return Math.max(this.#o.gate.remainingMs(), this.#o.limiters.get(limitClass)?.classGate.remainingMs() ?? 0);
  }

  /** One attempt: checks, then the limiter's line; its end comes to `#attemptEnded`. */
  #attempt(scope: CallScope): void {
    const { adapter } = this.#o;
    const spec = scope.spec;
    let limiter: QuotaLimiter | undefined;
    try {
      adapter.guard?.({ method: spec.method, path: spec.path, auth: spec.auth !== false, sending: false });
      const paused = this.#pausedMs(spec.limitClass);
      if (paused > 0 && Date.now() + paused > scope.deadline) throw this.#pauseTooLong(paused, paused);
      limiter = this.#o.limiters.get(spec.limitClass);
      if (!limiter) throw new TypeError(`no limiter for class ${spec.limitClass}`);
    } catch (error) {
      return scope.failed(error);
    }
    if (!adapter.around) return limiter.submit(scope, spec.cost ?? 1);
    const quota = limiter;
    let wired = false;
    let attempt: Promise<unknown>;
    try {
      attempt = adapter.around({ auth: spec.auth !== false, signal: scope.signal, sent: () => wired }, () =>
        quota.run(spec.cost ?? 1, scope, () => this.#sendAdmitted(scope, () => (wired = true))),
      );
    } catch (error) {
      attempt = Promise.reject(error);
    }
    attempt.then(
      (value) => scope.ran(value),
      (error: unknown) => scope.failed(error),
    );
  }

  /** The quota was granted: send, unless the call was cancelled or refused meanwhile. */
  #sendAdmitted(scope: CallScope, onWire?: () => void): Promise<unknown> {
    // The call may have waited in the queue while the key died, a ban began or the client closed.
    scope.throwIfAborted();
    const spec = scope.spec;
    const auth = spec.auth !== false;
    this.#o.adapter.guard?.({ method: spec.method, path: spec.path, auth, sending: true });
    onWire?.();
    return this.#send(scope, auth);
  }

  async #send(scope: CallScope, auth: boolean): Promise<unknown> {
    const { spec, attemptNumber, timeoutMs } = scope;
    const responseType = scope.stream ? 'stream' : 'text';
    const { adapter, events } = this.#o;
    const callSignal = scope;
    const signedPath = this.#o.transport.basePath + spec.path;
    const headers: Record<string, string> = { ...spec.headers };
    if (spec.body !== undefined && spec.rawBody !== undefined) {
      // A programming error, refused unsent; a ValidationError keeps its message to the caller.
      throw new ValidationError({ provider: this.provider, message: `${this.provider} ${spec.method} ${spec.path}: a request takes a body or a rawBody, not both`, issues: [{ path: 'rawBody', message: 'not with body' }] });
    }
    if (spec.body !== undefined) headers['Content-Type'] = 'application/json';
    if (spec.rawBody !== undefined) headers['Content-Type'] = spec.rawBody.contentType;
    // Counted from its signature to its answer (given back where the transport's wait ends).
    this.#inFlight += 1;
    let url: string;
    try {
      const signing = auth ? this.#authenticate(scope, signedPath, headers) : undefined;
      if (signing) await signing;
      scope.attempts++;
      // An event nobody hears is not built: its path would be scrubbed for nothing.
      if (events.has('request')) events.emit('request', { provider: this.provider, method: spec.method, path: this.#eventPath(spec, scope), attempt: attemptNumber, limitClass: spec.limitClass });
      // A query that cannot be encoded (a lone surrogate) is a bad input: refused here, unsent.
      url = spec.query ? spec.path + encodeQuery(spec.query, this.provider) : spec.path;
    } catch (error) {
      this.#inFlight -= 1;
      throw error;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const stopListening = callSignal.onAbort(() => controller.abort());
    const started = performance.now();
    let res: AxiosResponse;
    scope.sent = true;
    scope.sending = true;
    try {
      res = await this.#o.transport.request({
        method: spec.method,
        url,
        data: spec.body === undefined ? spec.rawBody?.data : JSON.stringify(spec.body),
        headers,
        signal: controller.signal,
        responseType,
      });
      if (responseType === 'stream' && !isOk(spec, res.status)) {
        res = { ...res, data: await readText(res.data as Readable) };
      }
    } catch (error) {
      if (callSignal.aborted) throw callSignal.reason;
      throw this.#transportError(spec, scope, error, controller.signal.aborted);
    } finally {
      this.#inFlight -= 1;
      scope.sending = false;
      clearTimeout(timer);
      stopListening();
    }
    const rawHeaders = res.headers as Record<string, unknown>;
    const requestId = this.#requestId(rawHeaders, scope);
    if (events.has('response')) {
      events.emit('response', {
        provider: this.provider,
        method: spec.method,
        path: this.#eventPath(spec, scope),
        attempt: attemptNumber,
        status: res.status,
        durationMs: performance.now() - started,
        requestId,
      });
    }
    const pauseHintMs = adapter.observeResponse?.({ method: spec.method, path: spec.path, auth, status: res.status, headers: rawHeaders });
    if (isOk(spec, res.status)) {
      this.#consecutive429 = 0;
      // Throttle before the 429 rather than after it: the server said the window is spent.
      if (typeof pauseHintMs === 'number' && pauseHintMs > 0) this.#pause(spec.limitClass, pauseHintMs, false);
      if (!scope.stream) return this.#parseJson(spec, res as AxiosResponse<string>);
      this.#checkStreamEncoding(spec, res.status, rawHeaders, res.data as Readable);
      return { status: res.status, headers: rawHeaders, stream: res.data as Readable } satisfies StreamResponse;
    }

    const error = this.#mapError(spec, scope, res, requestId);
    // A burst 429 pauses the key; a quota (monthly, stream) will not clear in a pause: it fails fast.
    if (error instanceof RateLimitError && !(error instanceof QuotaExceededError) && error.status === 429) {
      this.#pause(spec.limitClass, error.retryAfterMs ?? this.#backoffFor429(), adapter.rateLimitScope?.(error) === 'class');
    }
    adapter.observeError?.(error);
    throw error;
  }

  /** The adapter's headers for this attempt, and their values remembered as secrets of the call. */
  #authenticate(scope: CallScope, signedPath: string, headers: Record<string, string>): Promise<void> | undefined {
    const authHeaders = this.#o.adapter.authenticate({ method: scope.spec.method, signedPath, inFlight: this.#inFlight });
    if (!(authHeaders instanceof Promise)) return void addAuth(scope, authHeaders, headers);
    return authHeaders.then((signed) => {
      // Closed, cancelled or paused past its deadline while it was signed: nothing was sent.
      scope.throwIfAborted();
      addAuth(scope, signed, headers);
    });
  }

  /** The server's request id, scrubbed and bounded: a proxy may echo anything into it. */
  #requestId(headers: Record<string, unknown>, scope: CallScope): string | undefined {
    for (const name of REQUEST_ID_HEADERS) {
      const value = headerValue(headers, name);
      if (!value) continue;
      // Scrubbed before it is cut: a cut through an echoed key would leave most of it behind.
      // eslint-disable-next-line no-control-regex
      const printable = value.slice(0, 8 * 1024).replace(/[\u0000-\u001f\u007f]/g, '');
      return redact(printable, this.#secrets(scope)).slice(0, MAX_REQUEST_ID_LENGTH) || undefined;
    }
    return undefined;
  }

  /** No Retry-After: exponential backoff with full jitter, shared by the whole key. */
  #backoffFor429(): number {
    this.#consecutive429 += 1;
    const ceiling = Math.min(this.#retry.maxDelayMs, this.#retry.minDelayMs * 2 ** (this.#consecutive429 - 1) * 2);
    return Math.max(this.#retry.minDelayMs, Math.round(ceiling * (0.5 + Math.random() / 2)));
  }

  /** The provider maps an answer it only ever sees scrubbed: an echoed secret never enters an error. */
  #mapError(spec: RequestSpec<unknown>, scope: CallScope, res: AxiosResponse, requestId: string | undefined): MarketError {
    const secrets = this.#secrets(scope);
    const text = typeof res.data === 'string' ? res.data : '';
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    const headers = redactDeep(res.headers as Record<string, unknown>, secrets);
    const retryAfterMs = parseRetryAfter(headerValue(headers, 'retry-after'));
    return this.#o.adapter.mapError({
      provider: this.provider,
      method: spec.method,
      path: spec.path,
      status: res.status,
      body: redactDeep(body, secrets),
      headers,
      retryAfterMs: retryAfterMs === undefined ? undefined : Math.min(retryAfterMs, MAX_TIMER_MS),
      requestId,
    });
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
        throw this.#unreadable(
          new ResponseShapeError({
            provider: this.provider,
            code: 'response_shape',
            message: `${this.provider} ${spec.method} ${spec.path}: the body is not valid JSON`,
            status: res.status,
            method: spec.method,
            path: spec.path,
            fieldPath: '(body)',
          }),
        );
      }
    }
    const parsed = spec.schema.safeParse(json);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const fieldPath = issue && issue.path.length ? issue.path.map(String).join('.') : '(body)';
    throw this.#unreadable(
      new ResponseShapeError({
        provider: this.provider,
        code: 'response_shape',
        message: `${this.provider} ${spec.method} ${spec.path}: unexpected response at ${fieldPath}: ${issue?.message ?? 'invalid'}`,
        status: res.status,
        method: spec.method,
        path: spec.path,
        fieldPath,
      }),
    );
  }

  /** A streamed body encoded otherwise anyway (br, deflate, zstd): refused by name (stream-encoding.ts). */
  #checkStreamEncoding(spec: RequestSpec<unknown>, status: number, headers: Record<string, unknown>, body: Readable): void {
    const encoding = headerValue(headers, 'content-encoding');
    if (isStreamEncoding(encoding)) return;
    body.destroy();
    throw new ResponseShapeError({
      provider: this.provider,
      code: 'response_shape',
      message: `${this.provider} ${spec.method} ${spec.path}: the body came ${JSON.stringify(encoding?.trim().slice(0, 40))}-encoded; a stream is read as gzip or plain bytes`,
      status,
      method: spec.method,
      path: spec.path,
      fieldPath: '(Content-Encoding)',
      retryable: false,
    });
  }

  #unreadable(error: ResponseShapeError): ResponseShapeError {
    UNREADABLE_ANSWER.add(error);
    return error;
  }

  #transportError(spec: RequestSpec<unknown>, scope: CallScope, error: unknown, timedOut: boolean): MarketError {
    const code = isAxiosError(error) ? error.code : undefined;
    const base = { provider: this.provider, method: spec.method, path: spec.path, retryable: true };
    if (timedOut || code === 'ETIMEDOUT' || code === 'ECONNABORTED') {
      return new TimeoutError({ ...base, code: 'timeout', message: `${this.provider} ${spec.method} ${spec.path}: no answer in time` });
    }
    // A body cut off mid-way is a lost answer (axios: ERR_BAD_RESPONSE "stream has been aborted").
    const aborted = code === 'ERR_BAD_RESPONSE' && error instanceof Error && /aborted/i.test(error.message);
    if (!aborted && (code === 'ERR_FR_MAX_BODY_LENGTH_EXCEEDED' || code === 'ERR_BAD_RESPONSE')) {
      return this.#unreadable(new ResponseShapeError({ ...base, retryable: false, code: 'response_shape', fieldPath: '(body)', message: `${this.provider} ${spec.method} ${spec.path}: the answer was too large or unreadable` }));
    }
    // Only the cause's code and message: an AxiosError also carries the request config (headers).
    const cause = error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.message) : 'unknown';
    const err = new NetworkError({ ...base, code: 'network_error', message: `${this.provider} ${spec.method} ${spec.path}: network error (${redact(String(cause), this.#secrets(scope)).slice(0, 200)})` });
    if (cause === 'ECONNREFUSED' || cause === 'ENOTFOUND' || cause === 'EAI_AGAIN') NOT_SENT.add(err);
    return err;
  }
}

function addAuth(scope: CallScope, authHeaders: Record<string, string>, headers: Record<string, string>): void {
  Object.assign(headers, authHeaders);
  const sentSecrets = (scope.sentSecrets ??= []);
  for (const name in authHeaders) {
    const value = authHeaders[name]!;
    if (!sentSecrets.includes(value)) sentSecrets.push(value);
  }
}

let pRetryModule: Promise<typeof import('p-retry')> | undefined;
/** p-retry is loaded with the first retry: a process whose calls never fail never loads it. */
function loadPRetry(): Promise<typeof import('p-retry')> {
  pRetryModule ??= import('p-retry');
  return pRetryModule;
}

/** The request may have been received and its answer lost (or unreadable). */
function mayHaveLostAnswer(error: MarketError): boolean {
  if (error instanceof NetworkError) return !NOT_SENT.has(error);
  if (error instanceof ServerError) return true;
  return error instanceof ResponseShapeError && UNREADABLE_ANSWER.has(error);
}

/** The server answered, and its answer settles what happened (a 4xx other than 429). */
function isDefiniteAnswer(error: MarketError): boolean {
  return error.status !== undefined && error.status >= 400 && error.status < 500 && error.status !== 429;
}

function isOk(spec: RequestSpec<unknown>, status: number): boolean {
  return (status >= 200 && status < 300) || (spec.okStatuses?.includes(status) ?? false);
}

/**
 * The body of a streamed request's error answer, as text (at most `limit` bytes read, and at
 * most `limit` decompressed). A stream asks for gzip and is read without axios's decompression,
 * and servers compress their error answers too: without gunzip, a 401's `too_many_failed_auth`
 * or a 429's quota code would be lost, and the error typed by its status alone. A body that
 * does not gunzip is read by its status alone.
 */
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
  const raw = Buffer.concat(chunks);
  if (!isGzip(raw)) return raw.toString('utf8');
  try {
    return gunzipSync(raw, { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: limit }).toString('utf8');
  } catch {
    return '';
  }
}

