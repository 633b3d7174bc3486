import {
  AuthenticationError,
  InvalidRequestError,
  MarketError,
  type MarketErrorCode,
  type MarketErrorInit,
  PermissionError,
  RateLimitError,
  ServerError,
} from '../errors.js';

/** What a provider's error mapper gets to look at. */
export interface ErrorResponse {
  provider: string;
  method: string;
  path: string;
  status: number;
  /** The parsed JSON body, or undefined if it was not JSON. */
  body: unknown;
  headers: Record<string, unknown>;
  retryAfterMs: number | undefined;
  requestId: string | undefined;
}

export type ErrorClass = new (init: MarketErrorInit) => MarketError;

/** The default status → class mapping; providers refine it with their codes. */
export function classForStatus(status: number): { cls: ErrorClass; code: MarketErrorCode; retryable: boolean } {
  if (status === 401) return { cls: AuthenticationError, code: 'authentication_failed', retryable: false };
  if (status === 403) return { cls: PermissionError, code: 'permission_denied', retryable: false };
  if (status === 404) return { cls: InvalidRequestError, code: 'not_found', retryable: false };
  if (status === 409) return { cls: InvalidRequestError, code: 'conflict', retryable: false };
  if (status === 429) return { cls: RateLimitError, code: 'rate_limited', retryable: true };
  if (status >= 400 && status < 500) return { cls: InvalidRequestError, code: 'invalid_request', retryable: false };
  if (status >= 500) return { cls: ServerError, code: 'server_error', retryable: status === 502 || status === 503 || status === 504 };
  return { cls: MarketError, code: 'server_error', retryable: false };
}

/** Build a mapped error with the usual fields filled in from the response. */
export function errorFromResponse(
  res: ErrorResponse,
  fields: { cls?: ErrorClass; code?: MarketErrorCode; providerCode?: string | undefined; detail?: string | undefined; retryable?: boolean; details?: Record<string, unknown> },
): MarketError {
  const base = classForStatus(res.status);
  const cls = fields.cls ?? base.cls;
  const detail = fields.detail ? `: ${fields.detail}` : '';
  const codePart = fields.providerCode ? ` ${fields.providerCode}` : '';
  return new cls({
    provider: res.provider,
    code: fields.code ?? base.code,
    message: `${res.provider} ${res.method} ${res.path} → ${res.status}${codePart}${detail}`,
    status: res.status,
    providerCode: fields.providerCode,
    requestId: res.requestId,
    retryable: fields.retryable ?? base.retryable,
    retryAfterMs: res.retryAfterMs,
    method: res.method,
    path: res.path,
    details: fields.details,
  });
}

/** Read a string field from an unknown body. */
export function stringField(body: unknown, key: string): string | undefined {
  if (body && typeof body === 'object' && key in body) {
    const v = (body as Record<string, unknown>)[key];
    if (typeof v === 'string') return v;
  }
  return undefined;
}

export function field(body: unknown, key: string): unknown {
  return body && typeof body === 'object' ? (body as Record<string, unknown>)[key] : undefined;
}
