import {
  AuthenticationError,
  InvalidRequestError,
  type MarketError,
  PermissionError,
  QuotaExceededError,
  RateLimitError,
  ServerError,
} from '../../src/errors.js';
import { errorFromResponse, type ErrorResponse } from '../../src/http/map-error.js';
import { minuteResetMs } from './quota-status.js';
import { errorBodySchema } from './schemas.js';

/**
 * CS2Cap errors by code first, then status (reference/cs2cap.md §4, §9 #3): the docs
 * disagree whether AUTH_ACCOUNT_DISABLED is a 401 or a 403, and some bodies have no code.
 */
export function mapCs2CapError(response: ErrorResponse): MarketError {
  // A 429 without Retry-After may still say when its window resets.
  const res = response.status === 429 && response.retryAfterMs === undefined ? { ...response, retryAfterMs: minuteResetMs(response) } : response;
  const parsed = errorBodySchema.safeParse(res.body);
  const body = parsed.success ? parsed.data : {};
  const code = body.code;
  const detail = Array.isArray(body.detail)
    ? body.detail.map((d) => `${(d.loc ?? []).join('.')}: ${d.msg ?? 'invalid'}`).join('; ')
    : body.detail;
  const f = { providerCode: code, detail };

  switch (code) {
    case 'AUTH_INVALID_API_KEY':
    case 'AUTH_API_KEY_REVOKED':
    case 'UNAUTHORIZED':
      return errorFromResponse(res, { ...f, cls: AuthenticationError, code: 'authentication_failed', retryable: false });
    case 'AUTH_ACCOUNT_DISABLED':
    case 'FORBIDDEN':
      return errorFromResponse(res, { ...f, cls: PermissionError, code: 'permission_denied', retryable: false });
    case 'RATE_LIMIT_EXCEEDED':
      return errorFromResponse(res, { ...f, cls: RateLimitError, code: 'rate_limited', retryable: true });
    case 'RATE_LIMIT_MONTHLY_QUOTA_EXCEEDED':
    case 'RATE_LIMIT_STREAM_QUOTA_EXCEEDED':
      return errorFromResponse(res, { ...f, cls: QuotaExceededError, code: 'quota_exceeded', retryable: false });
    case 'STREAM_ALREADY_ACTIVE':
      return errorFromResponse(res, { ...f, cls: InvalidRequestError, code: 'conflict', retryable: false });
    case 'PRICES_INDEX_UNAVAILABLE':
    case 'BIDS_INDEX_UNAVAILABLE':
      return errorFromResponse(res, { ...f, cls: ServerError, code: 'server_error', retryable: true });
    default:
      if (code?.endsWith('_INDEX_UNAVAILABLE')) return errorFromResponse(res, { ...f, cls: ServerError, code: 'server_error', retryable: true });
      return errorFromResponse(res, f);
  }
}
