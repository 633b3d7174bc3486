import {
  AuthenticationError,
  InvalidRequestError,
  MarketError,
  OrderRejectedError,
  PermissionError,
  RateLimitError,
  ServerError,
} from '../../src/errors.js';
import { errorFromResponse, type ErrorResponse } from '../../src/http/map-error.js';
import type { Money } from '../../src/money.js';
import { errorBodySchema } from './schemas.js';
import type { CsboardErrorDetails } from './types.js';

/** The documented IP ban after too many bad keys (reference/csboard.md §3). */
export const CSBOARD_BAN_MS = 5 * 60_000;

const ORDER_REJECTIONS = new Set([
  'price_moved',
  'insufficient_balance',
  'insufficient_settled_balance',
  'steam_account_required',
  'unsupported_item',
  'invalid_trade_url',
  'items_not_combinable',
  'item_unavailable',
]);

/**
 * CSBoard by status first, then code (§4, §10): the 401 codes differ between pages, and
 * `invalid_request` comes as both 400 and 422.
 */
export function mapCsboardError(res: ErrorResponse): MarketError {
  const parsed = errorBodySchema.safeParse(res.body);
  const body = parsed.success ? parsed.data : {}; // fails only when the body is not an object
  const code = body.code;
  const f = { providerCode: code, detail: body.detail };

  if (res.status === 401) {
    if (code === 'too_many_failed_auth') {
      return errorFromResponse({ ...res, retryAfterMs: res.retryAfterMs ?? CSBOARD_BAN_MS }, { ...f, cls: AuthenticationError, code: 'auth_banned', retryable: false });
    }
    return errorFromResponse(res, { ...f, cls: AuthenticationError, code: 'authentication_failed', retryable: false });
  }
  if (res.status === 429 || code === 'rate_limit_exceeded' || code === 'snapshot_rate_limited') {
    return errorFromResponse(res, { ...f, cls: RateLimitError, code: 'rate_limited', retryable: true });
  }
  if (code && ORDER_REJECTIONS.has(code)) {
    const details: CsboardErrorDetails = {};
    if (body.current_total_usd !== undefined) details.current_total_usd = body.current_total_usd;
    if (body.required_usd !== undefined) details.required_usd = body.required_usd;
    if (body.settled_usd !== undefined) details.settled_usd = body.settled_usd;
    return errorFromResponse(res, { ...f, cls: OrderRejectedError, code: 'order_rejected', retryable: false, details: { ...details } });
  }
  if (code === 'trading_not_enabled' || code === 'external_buy_disabled') {
    return errorFromResponse(res, { ...f, cls: PermissionError, code: 'permission_denied', retryable: false });
  }
  if (code === 'invalid_request') return errorFromResponse(res, { ...f, cls: InvalidRequestError, code: 'invalid_request', retryable: false });
  if (code === 'hold_not_cleared') {
    const until = body.hold_until ? Date.parse(body.hold_until) : NaN;
    return errorFromResponse(
      { ...res, retryAfterMs: Number.isNaN(until) ? res.retryAfterMs : Math.max(0, until - Date.now()) },
      { ...f, cls: InvalidRequestError, code: 'conflict', retryable: false, details: body.hold_until === undefined ? undefined : { hold_until: body.hold_until } },
    );
  }
  if (code === 'delivery_failed') {
    // A definite answer from the marketplace, not a transient fault: never retried.
    return errorFromResponse(res, { ...f, cls: ServerError, code: 'server_error', retryable: false, details: { refunded: body.refunded === true } satisfies CsboardErrorDetails });
  }
  return errorFromResponse(res, f);
}

const isMoney = (v: unknown): v is Money =>
  typeof v === 'object' && v !== null && typeof (v as Money).amount === 'string' && typeof (v as Money).currency === 'string';

/**
 * The `details` of a CSBoard error, typed (`error.details` itself is the core's untyped record):
 * `csboardErrorDetails(e).current_total_usd` on a `price_moved`. Empty for any other error.
 */
export function csboardErrorDetails(error: unknown): CsboardErrorDetails {
  if (!(error instanceof MarketError) || error.provider !== 'csboard' || !error.details) return {};
  const d = error.details;
  const out: CsboardErrorDetails = {};
  if (isMoney(d.current_total_usd)) out.current_total_usd = d.current_total_usd;
  if (isMoney(d.required_usd)) out.required_usd = d.required_usd;
  if (isMoney(d.settled_usd)) out.settled_usd = d.settled_usd;
  if (typeof d.hold_until === 'string') out.hold_until = d.hold_until;
  if (typeof d.refunded === 'boolean') out.refunded = d.refunded;
  return out;
}
