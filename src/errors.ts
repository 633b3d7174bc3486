/**
 * The marketmux error tree. Every failure a client reports is one of these; no transport
 * error (AxiosError, socket error) ever escapes. No error holds a key, a signature, a
 * request header or a request body.
 */

/** Our own, provider-independent error codes. */
export type MarketErrorCode =
  | 'authentication_failed'
  | 'auth_banned'
  | 'clock_skew'
  | 'bad_signature'
  | 'unknown_key'
  | 'permission_denied'
  | 'capability_missing'
  | 'rate_limited'
  | 'quota_exceeded'
  | 'queue_full'
  | 'invalid_request'
  | 'not_found'
  | 'conflict'
  | 'order_rejected'
  | 'server_error'
  | 'network_error'
  | 'timeout'
  | 'response_shape'
  | 'outcome_unknown'
  | 'validation_failed'
  | 'redis_unavailable'
  | 'webhook_unverified'
  | 'aborted'
  | 'client_closed';

/** The fields an error is built from (see `MarketError`). */
export interface MarketErrorInit {
  provider: string;
  code: MarketErrorCode;
  message: string;
  status?: number;
  providerCode?: string;
  requestId?: string;
  retryable?: boolean;
  retryAfterMs?: number;
  method?: string;
  /** Request path without its query string. */
  path?: string;
  /** Extra, non-secret fields the provider returned (e.g. `current_total_usd`). */
  details?: Readonly<Record<string, unknown>>;
  /** The idempotency key (CSBoard `Idempotency-Key`, Kalshi `client_order_id`) the write was sent under. */
  idempotencyKey?: string;
}

/** The root of every error marketmux throws. It never holds a key, a signature, a header or a body. */
export class MarketError extends Error {
  /** `cs2cap`, `csboard`, `kalshi`, or `marketmux` for local failures. */
  readonly provider: string;
  /** Our code, the same for every provider. */
  readonly code: MarketErrorCode;
  /** The HTTP status, when the server answered. */
  readonly status: number | undefined;
  /** The provider's own error code (`price_moved`, `AUTH_API_KEY_REVOKED`, …). */
  readonly providerCode: string | undefined;
  /** The server's request id, for support tickets. */
  readonly requestId: string | undefined;
  /** Whether repeating the same request could succeed (the client already did where safe). */
  readonly retryable: boolean;
  /** How long to wait before trying again, when known. */
  readonly retryAfterMs: number | undefined;
  /** HTTP method of the failed call. */
  readonly method: string | undefined;
  /** Request path relative to the API root, without its query. */
  readonly path: string | undefined;
  /** Extra fields the provider returned, under the wire's names (CSBoard's `current_total_usd`, `hold_until`, …). */
  readonly details: Readonly<Record<string, unknown>> | undefined;
  /**
   * The idempotency key a write was sent under (CSBoard `Idempotency-Key`, Kalshi
   * `client_order_id`): look the order up by it, or repeat the call with the same key.
   */
  readonly idempotencyKey: string | undefined;

  constructor(init: MarketErrorInit) {
    super(init.message);
    this.provider = init.provider;
    this.code = init.code;
    this.status = init.status;
    this.providerCode = init.providerCode;
    this.requestId = init.requestId;
    this.retryable = init.retryable ?? false;
    this.retryAfterMs = init.retryAfterMs;
    this.method = init.method;
    this.path = init.path;
    this.details = init.details ? Object.freeze({ ...init.details }) : undefined;
    this.idempotencyKey = init.idempotencyKey;
  }


  /** A plain, secret-free object for logs and APIs. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      provider: this.provider,
      code: this.code,
      status: this.status,
      providerCode: this.providerCode,
      requestId: this.requestId,
      retryable: this.retryable,
      retryAfterMs: this.retryAfterMs,
      method: this.method,
      path: this.path,
      details: this.details,
      idempotencyKey: this.idempotencyKey,
    };
  }
}

/** 401: a missing, invalid or revoked key, a bad signature, a banned IP. */
export class AuthenticationError extends MarketError {}
/** 403: account disabled, tier too low, trading not enabled. */
export class PermissionError extends MarketError {}
/** Refused locally, before anything was sent: the key cannot do this. */
export class CapabilityError extends PermissionError {}
/** 429 (or a local queue that is full); `retryAfterMs` when known. */
export class RateLimitError extends MarketError {}
/** A monthly or stream quota: it will not clear within a retry window, so never retried (and, once the server has said it is spent until a later time, not sent). */
export class QuotaExceededError extends RateLimitError {}
/** 400, 404, 409, 422 and their kin. */
export class InvalidRequestError extends MarketError {}
/** An order the venue refused: price moved, insufficient balance, duplicate … */
export class OrderRejectedError extends InvalidRequestError {}
/** 5xx. */
export class ServerError extends MarketError {}
/** No response: connection refused, reset, DNS. */
export class NetworkError extends MarketError {}
/** No answer within `timeoutMs` (or a stream that stalled). */
export class TimeoutError extends NetworkError {}
/** The server answered 2xx but its body failed the schema; `path` names the request, `fieldPath` the bad field. */
export class ResponseShapeError extends MarketError {
  /** Dotted path of the first bad field (`items.0.lowest_ask`, `row 2.min_price_usd`, `(body)`). */
  readonly fieldPath: string;
  constructor(init: MarketErrorInit & { fieldPath: string }) {
    super(init);
    this.fieldPath = init.fieldPath;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), fieldPath: this.fieldPath };
  }
}
/** A write that cannot be safely repeated lost its answer: it may or may not have happened. */
export class OutcomeUnknownError extends MarketError {}
/**
 * The caller's `signal` fired. `requestSent` says whether the request may have reached the
 * server (then a write may have happened: look it up by its `idempotencyKey`); `reason` is
 * the signal's reason.
 */
export class AbortedError extends MarketError {
  /** Whether the request may have reached the server before the abort. */
  readonly requestSent: boolean;
  /** The signal's reason (`AbortSignal.reason`). */
  readonly reason: unknown;
  constructor(init: Omit<MarketErrorInit, 'code'> & { requestSent: boolean; reason: unknown }) {
    super({ ...init, code: 'aborted' });
    this.requestSent = init.requestSent;
    this.reason = init.reason;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), requestSent: this.requestSent };
  }
}
/** The client was closed: the call was refused, or dropped from the queue, without being sent. */
export class ClientClosedError extends MarketError {}
/** A bad input, refused before anything was sent. */
export class ValidationError extends MarketError {
  /** Each bad input field with what is wrong (never the value itself). */
  readonly issues: readonly { path: string; message: string }[];
  constructor(init: Omit<MarketErrorInit, 'code'> & { issues?: { path: string; message: string }[] }) {
    super({ ...init, code: 'validation_failed' });
    this.issues = Object.freeze([...(init.issues ?? [])]);
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), issues: this.issues };
  }
}

/**
 * A webhook delivery that failed verification (bad or missing signature, stale timestamp):
 * do not act on it. Never holds the secret or the expected signature.
 */
export class WebhookVerificationError extends MarketError {}

// Names are spelled out (a minifier may rename classes), then the tree is frozen: it is part
// of the public contract and nobody may patch it at run time.
const TREE: [typeof MarketError, string][] = [
  [MarketError, 'MarketError'],
  [AuthenticationError, 'AuthenticationError'],
  [PermissionError, 'PermissionError'],
  [CapabilityError, 'CapabilityError'],
  [RateLimitError, 'RateLimitError'],
  [QuotaExceededError, 'QuotaExceededError'],
  [InvalidRequestError, 'InvalidRequestError'],
  [OrderRejectedError, 'OrderRejectedError'],
  [ServerError, 'ServerError'],
  [NetworkError, 'NetworkError'],
  [TimeoutError, 'TimeoutError'],
  [ResponseShapeError as unknown as typeof MarketError, 'ResponseShapeError'],
  [OutcomeUnknownError, 'OutcomeUnknownError'],
  [ValidationError as unknown as typeof MarketError, 'ValidationError'],
  [WebhookVerificationError, 'WebhookVerificationError'],
  [AbortedError as unknown as typeof MarketError, 'AbortedError'],
  [ClientClosedError, 'ClientClosedError'],
];
for (const [cls, name] of TREE) {
  Object.defineProperty(cls.prototype, 'name', { value: name, enumerable: false });
  Object.freeze(cls.prototype);
  Object.freeze(cls);
}
