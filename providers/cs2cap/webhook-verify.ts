/**
 * Verifying CS2Cap webhook deliveries (reference/cs2cap.md §8): HMAC-SHA256 keyed with the
 * webhook secret over `${X-CS2C-Timestamp}.${raw body}`. The docs leave the signature's
 * encoding, any prefix and the header's exact name open, so this accepts hex or base64, a
 * `sha256=`/`v1=` prefix, several signatures in one header, and `X-CS2C-Signature` or
 * `X-CS2Cap-Signature` — always comparing in constant time, never saying what was expected.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ValidationError, WebhookVerificationError } from '../../src/errors.js';
import { SecretString } from '../../src/secret.js';

/** Headers as Node (`req.headers`) or fetch (`Headers`) give them. */
export type WebhookHeaders =
  | Record<string, string | string[] | undefined>
  | {
      /** One header's value, or null when absent (as fetch's `Headers` answers). */
      get(name: string): string | null;
    };

/** What `verifyCs2CapWebhook` needs: the request's headers and its body exactly as received. */
export interface Cs2CapWebhookInput {
  /** The request's headers (`req.headers` in Node, or fetch's `Headers`): the timestamp, signature and delivery id are read from them. */
  headers: WebhookHeaders;
  /** The raw body (bytes or the undecoded text): a re-serialized object would not verify. */
  body: string | Uint8Array;
  /** The endpoint's secret (`whsec_…`), as `webhooks.create` or `rotateSecret` returned it. */
  secret: string | SecretString;
  /** How old (or how far ahead) a delivery's timestamp may be (default 300 s): limits replays. */
  toleranceSeconds?: number | undefined;
  /** The time to check against (ms; default now). */
  now?: number | undefined;
}

/** A verified delivery. Act on each `deliveryId` once: a retried delivery repeats it. */
export interface Cs2CapWebhookDelivery {
  /** `X-CS2C-Event-Type`: `alert.triggered` is the only documented type. */
  readonly eventType: string | undefined;
  /** `X-CS2C-Delivery-Id`: the idempotency handle. */
  readonly deliveryId: string | undefined;
  /** When CS2Cap signed it (ISO time). */
  readonly signedAt: string;
  /** The JSON body; its schema is not published (the example has `alert_id`, `item_id`, `market_hash_name`). */
  readonly payload: Cs2CapWebhookPayload;
}

const payloadSchema = z.object({ alert_id: z.union([z.string(), z.number()]).optional(), item_id: z.number().optional(), market_hash_name: z.string().optional() });
/** An alert event as delivered: the fields the docs show (other fields are dropped, docs/results.md). */
export interface Cs2CapWebhookPayload {
  /** The alert that fired. */
  alert_id?: string | number | undefined;
  /** The item's catalog id. */
  item_id?: number | undefined;
  /** The item's Steam market name. */
  market_hash_name?: string | undefined;
}

const SIGNATURE_HEADERS = ['x-cs2c-signature', 'x-cs2cap-signature'];

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(n: string): string | null }).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value.join(',') : value;
}

/** The signatures a header may carry, as bytes: hex or base64, with or without a scheme prefix. */
function candidates(value: string): Buffer[] {
  const out: Buffer[] = [];
  for (const part of value.split(/[\s,]+/)) {
    const sig = part.replace(/^(sha256|v1)=/i, '');
    if (/^[0-9a-f]{64}$/i.test(sig)) out.push(Buffer.from(sig, 'hex'));
    else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(sig)) out.push(Buffer.from(sig, sig.includes('-') || sig.includes('_') ? 'base64url' : 'base64'));
  }
  return out.filter((b) => b.length === 32);
}

function refuse(message: string): never {
  throw new WebhookVerificationError({ provider: 'cs2cap', code: 'webhook_unverified', message: `cs2cap webhook: ${message}; do not act on this delivery` });
}

/**
 * Verify one delivery and return it parsed; throws `WebhookVerificationError` when its
 * signature or timestamp does not hold. Discord and Telegram deliveries are not signed and
 * cannot be verified.
 */
export function verifyCs2CapWebhook(input: Cs2CapWebhookInput): Cs2CapWebhookDelivery {
  if (typeof input.body !== 'string' && !(input.body instanceof Uint8Array)) {
    throw new ValidationError({ provider: 'cs2cap', message: 'verifyCs2CapWebhook: pass the raw body (string or bytes) as received, not a parsed object', issues: [{ path: 'body', message: 'must be a string or bytes' }] });
  }
  const secret = input.secret instanceof SecretString ? input.secret.reveal() : input.secret;
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new ValidationError({ provider: 'cs2cap', message: 'verifyCs2CapWebhook: the webhook secret is required', issues: [{ path: 'secret', message: 'required' }] });
  }
  const stamp = header(input.headers, 'x-cs2c-timestamp')?.trim();
  if (!stamp || !/^\d{9,13}$/.test(stamp)) refuse('no valid X-CS2C-Timestamp header');
  const signedAtMs = stamp.length >= 12 ? Number(stamp) : Number(stamp) * 1000;
  const tolerance = (input.toleranceSeconds ?? 300) * 1000;
  if (Math.abs((input.now ?? Date.now()) - signedAtMs) > tolerance) refuse('the timestamp is outside the tolerance (a replay, or a clock far off)');

  const given = SIGNATURE_HEADERS.map((h) => header(input.headers, h)).filter((v): v is string => v !== undefined);
  if (!given.length) refuse('no X-CS2C-Signature header');
  const raw = typeof input.body === 'string' ? Buffer.from(input.body, 'utf8') : Buffer.from(input.body.buffer, input.body.byteOffset, input.body.byteLength);
  const expected = createHmac('sha256', secret).update(`${stamp}.`).update(raw).digest();
  const valid = given.flatMap(candidates).some((sig) => timingSafeEqual(sig, expected));
  if (!valid) refuse('the signature does not match (wrong secret, a rotated secret, or a changed body)');

  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    refuse('the signed body is not JSON');
  }
  const payload = payloadSchema.safeParse(json);
  if (!payload.success) refuse('the signed body is not a JSON object');
  return Object.freeze({
    eventType: header(input.headers, 'x-cs2c-event-type'),
    deliveryId: header(input.headers, 'x-cs2c-delivery-id'),
    signedAt: new Date(signedAtMs).toISOString(),
    payload: payload.data,
  });
}
