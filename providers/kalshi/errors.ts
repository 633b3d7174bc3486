import { AuthenticationError, InvalidRequestError, type MarketError, OrderRejectedError, PermissionError, RateLimitError } from '../../src/errors.js';
import { errorFromResponse, type ErrorResponse } from '../../src/http/map-error.js';

interface Normalized {
  code?: string | undefined;
  message?: string | undefined;
  details?: string | undefined;
}

/** Kalshi sends three error shapes (reference/kalshi.md §5): nested, flat, and `{msg}`; 429 has `{error: "…"}`. */
export function normalizeKalshiError(body: unknown): Normalized {
  if (!body || typeof body !== 'object') return {};
  const b = body as Record<string, unknown>;
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  if (b.error && typeof b.error === 'object') {
    const e = b.error as Record<string, unknown>;
    return { code: str(e.code), message: str(e.message), details: str(e.details) };
  }
  if (typeof b.error === 'string') return { message: b.error };
  return { code: str(b.code), message: str(b.message) ?? str(b.msg), details: str(b.details) };
}

const ORDER_CODES = ['invalid_order', 'available_balance_too_low', 'insufficient_balance', 'order_id_and_client_order_id_mismatch', 'order_side_mismatch', 'order_ticker_mismatch', 'market_closed', 'trading_paused'];

const ORDER_PATH = /^\/(portfolio\/(events\/)?orders|communications)(\/|$)/;

export function mapKalshiError(res: ErrorResponse): MarketError {
  const e = normalizeKalshiError(res.body);
  const code = e.code;
  const detail = [e.message, e.details].filter(Boolean).join(' — ') || undefined;
  const f = { providerCode: code, detail };
  // Codes may embed ids (`user_not_found:_<uuid>`): match prefixes.
  const has = (prefix: string): boolean => code?.toLowerCase().startsWith(prefix.toLowerCase()) ?? false;

  if (res.status === 401) {
    if (has('header_timestamp_expired')) return errorFromResponse(res, { ...f, cls: AuthenticationError, code: 'clock_skew', detail: `${detail ?? ''} (the request timestamp was outside the accepted window: check this machine's clock)`.trim() });
    if (e.details?.includes('INCORRECT_API_KEY_SIGNATURE') || has('incorrect_api_key_signature')) return errorFromResponse(res, { ...f, cls: AuthenticationError, code: 'bad_signature' });
    if (has('not_found') || has('api_key_not_found')) return errorFromResponse(res, { ...f, cls: AuthenticationError, code: 'unknown_key', detail: `${detail ?? ''} (no such API key in this environment: demo keys only work on demo, production keys on production)`.trim() });
    return errorFromResponse(res, { ...f, cls: AuthenticationError, code: 'authentication_failed' });
  }
  if (res.status === 403) return errorFromResponse(res, { ...f, cls: PermissionError, code: 'permission_denied' });
  if (res.status === 429) return errorFromResponse(res, { ...f, cls: RateLimitError, code: 'rate_limited', retryable: true });
  // An order (or a quote, or a block trade: orders placed for you) refused; a transfer refused
  // for the balance is not an order and stays an InvalidRequestError.
  if (res.status === 400 && ORDER_PATH.test(res.path) && ORDER_CODES.some((c) => has(c))) return errorFromResponse(res, { ...f, cls: OrderRejectedError, code: 'order_rejected' });
  if (res.status === 409) return errorFromResponse(res, { ...f, cls: InvalidRequestError, code: 'conflict' });
  return errorFromResponse(res, f);
}
