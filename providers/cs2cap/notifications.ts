/**
 * CS2Cap alerts and webhooks (reference/cs2cap.md §6.9, §6.11): account calls, exempt from the
 * monthly quota. Creates and secret rotations are never retried: no idempotency key exists.
 */
import { z } from 'zod';
import { offsetList, type PagePromise } from '../../src/http/paginate.js';
import { pathSegment } from '../../src/http/query.js';
import type { CallOptions } from '../../src/http/request-sender.js';
import { SecretString } from '../../src/secret.js';
import { parseInput } from '../../src/validation.js';
import type { RequestSender } from '../../src/http/request-sender.js';
import type { Cs2CapAccountPageQuery } from './client.js';
import { pagination, type Cs2CapPagination } from './results.js';
import type { Cs2CapWebhookPayload } from './webhook-verify.js';
import type { Cs2CapAlertCreate, Cs2CapAlertUpdate, Cs2CapWebhookCreate, Cs2CapWebhookUpdate } from './inputs.js';
import * as s from './schemas.js';

export type { Cs2CapAlertCreate, Cs2CapAlertUpdate, Cs2CapWebhookCreate, Cs2CapWebhookUpdate } from './inputs.js';

const PROVIDER = 'cs2cap';

/** The item an alert watches. */
export interface Cs2CapAlertItem {
  /** The CS2Cap catalog id. */
  item_id: number;
  /** The Steam market name. */
  market_hash_name: string;
  /** The Doppler phase, or null for an item without one. */
  phase?: string | null | undefined;
}

/** A price or spread alert (`AlertDefinition`). */
export interface Cs2CapAlert {
  /** The alert's id (a UUID): what `update` and `delete` take. */
  id: string;
  /** `price_below`, `price_above`, `spread_exceeds`, or a kind added later. */
  kind: string;
  /**
   * The threshold as the wire sends it, exact decimal text, not Money: a price in major units of
   * `threshold_currency` for a price alert (`money(a.threshold_value, a.threshold_currency)`), a
   * percentage for a spread alert.
   */
  threshold_value: string;
  /** The threshold's currency for a price alert; null on a spread alert. */
  threshold_currency?: string | null | undefined;
  /** Whether it is armed; it turns false by itself when the alert fires. */
  is_enabled: boolean;
  /** When it last fired (ISO 8601), or null if it never has. */
  last_triggered_at?: string | null | undefined;
  /** When it was created (ISO 8601). */
  created_at: string;
  /** When it last changed (ISO 8601). */
  updated_at: string;
  /** The item it watches. */
  item: Cs2CapAlertItem;
}
/** A page of alerts. */
export interface Cs2CapAlertList {
  /** The alerts. */
  alerts: Cs2CapAlert[];
  /** Offset paging (`total` is a real count). */
  pagination: Cs2CapPagination;
}
/** Query of `alerts.list`. */
export interface Cs2CapAlertListQuery {
  /** Alerts per page, 1–200 (the server's default is 50). */
  limit?: number | undefined;
  /** Alerts to skip (0 or more). */
  offset?: number | undefined;
  /** An exact catalog id (as text) or a substring of the market name, 1–300 characters. */
  search?: string | undefined;
}
/** What happened to one entry of `alerts.createBatch`. */
export interface Cs2CapAlertBatchOutcome {
  /** The entry's position in the request (0-based). */
  index: number;
  /** `created` or `error` (or a status added later). */
  status: string;
  /** The new alert's id, when it was created. */
  alert_id?: string | null | undefined;
  /** Why it was not, e.g. `ITEM_NOT_FOUND`. */
  code?: string | null | undefined;
  /** The server's explanation of the error. */
  message?: string | null | undefined;
}
/** Per-entry outcomes of `alerts.createBatch`, in request order. */
export interface Cs2CapAlertBatchResult {
  /** How many alerts were created. */
  created: number;
  /** How many entries failed. */
  failed: number;
  /** One outcome per entry, in request order. */
  results: Cs2CapAlertBatchOutcome[];
}
/** Where a trigger was sent. */
export interface Cs2CapAlertEventDelivery {
  /** The channel: `email`, `webhook`, or one added later. */
  channel: string;
  /** The delivery's state (`pending`, `succeeded`, `failed`, …). */
  status: string;
  /** The webhook delivery's id (`webhooks.getDelivery` takes it), for a webhook channel. */
  delivery_id?: string | null | undefined;
  /** The webhook endpoint's id, for a webhook channel. */
  endpoint_id?: string | null | undefined;
}
/** One time an alert fired. */
export interface Cs2CapAlertEvent {
  /** The event's id. */
  id: string;
  /** The alert that fired. */
  alert_id: string;
  /** The alert's kind. */
  kind: string;
  /** The item. */
  item: Cs2CapAlertItem;
  /** The value that crossed the threshold, exact decimal text: a price in `triggered_currency`, or a spread in percent. */
  triggered_value: string;
  /** The currency of `triggered_value` for a price alert; null for a spread. */
  triggered_currency?: string | null | undefined;
  /** The server's words on why it fired. */
  reason?: string | null | undefined;
  /** When it fired (ISO 8601). */
  created_at: string;
  /** Where the trigger was sent. */
  deliveries: Cs2CapAlertEventDelivery[];
}
/** A page of alert triggers, newest first. */
export interface Cs2CapAlertEvents {
  /** The triggers. */
  events: Cs2CapAlertEvent[];
  /** Offset paging. */
  pagination: Cs2CapPagination;
}
/** A webhook endpoint (`WebhookEndpointSummary`); its secret is never listed again. */
export interface Cs2CapWebhook {
  /** The endpoint's id (a UUID). */
  id: string;
  /** Its label. */
  label: string;
  /** Where deliveries go. A Discord or Telegram URL holds a token: keep it out of logs. */
  url: string;
  /** `custom`, `discord`, `telegram`, `google_sheets`, or one added later. */
  platform: string;
  /** The secret's last 4 characters: compare with the secret you hold to see whether it was rotated. */
  secret_last4?: string | null | undefined;
  /** Whether it receives deliveries. */
  is_active: boolean;
  /** When a delivery last succeeded (ISO 8601), or null. */
  last_success_at?: string | null | undefined;
  /** When a delivery last failed (ISO 8601), or null. */
  last_failure_at?: string | null | undefined;
  /** What the last failure said, or null. */
  last_failure_message?: string | null | undefined;
  /** When it was created (ISO 8601). */
  created_at: string;
  /** When it last changed (ISO 8601), or null. */
  updated_at?: string | null | undefined;
}
/** What `webhooks.create` and `webhooks.rotateSecret` return: the secret, shown once. */
export interface Cs2CapWebhookWithSecret {
  /** The endpoint as it now is. */
  readonly webhook: Cs2CapWebhook;
  /** `whsec_…`: verify deliveries with it (`verifyCs2CapWebhook`); store it now. */
  readonly secret: SecretString;
}
/** One delivery of an event to an endpoint, as listed. */
export interface Cs2CapWebhookDeliverySummary {
  /** The delivery's id: what `getDelivery` takes, and the `X-CS2C-Delivery-Id` the receiver sees. */
  id: string;
  /** The event delivered, or null. */
  event_id?: string | null | undefined;
  /** The endpoint's id. */
  endpoint_id: string;
  /** The endpoint's label, or null. */
  endpoint_label?: string | null | undefined;
  /** The endpoint's URL, or null (it may hold a token: keep it out of logs). */
  endpoint_url?: string | null | undefined;
  /** The endpoint's platform, or null. */
  platform?: string | null | undefined;
  /** `alert.triggered`, the one documented type, or one added later. */
  event_type: string;
  /** `pending`, `succeeded`, `failed`, or a state added later. */
  status: string;
  /** How many attempts were made. */
  attempt_count: number;
  /** The HTTP status of the last attempt, or null. */
  last_http_status?: number | null | undefined;
  /** What the last attempt's failure said, or null. */
  error?: string | null | undefined;
  /** When the next attempt is due (ISO 8601), or null. */
  next_attempt_at?: string | null | undefined;
  /** When the delivery was queued (ISO 8601). */
  created_at: string;
  /** When it finished, succeeded or finally failed (ISO 8601), or null. */
  completed_at?: string | null | undefined;
}
/** A page of webhook deliveries, newest first. */
export interface Cs2CapWebhookDeliveries {
  /** The deliveries. */
  deliveries: Cs2CapWebhookDeliverySummary[];
  /** Offset paging. */
  pagination: Cs2CapPagination;
}
/** One attempt of a delivery. */
export interface Cs2CapWebhookDeliveryAttempt {
  /** Its number, from 1. */
  attempt_number: number;
  /** How it went (`succeeded`, `failed`, …). */
  status: string;
  /** The receiver's HTTP status, or null when none came. */
  http_status?: number | null | undefined;
  /** What went wrong, or null. */
  error?: string | null | undefined;
  /** The start of the receiver's answer, or null. */
  response_body_excerpt?: string | null | undefined;
  /** When it was made (ISO 8601). */
  created_at: string;
}
/** One delivery with its payload and every attempt. */
export interface Cs2CapWebhookDeliveryRecord extends Cs2CapWebhookDeliverySummary {
  /** What was sent: the documented fields of the alert event (others are dropped), or null. */
  payload?: Cs2CapWebhookPayload | null | undefined;
  /** Every attempt, oldest first (empty when the server sends none). */
  attempts: Cs2CapWebhookDeliveryAttempt[];
}

/**
 * Price and spread alerts (exempt from the monthly quota). An alert disables itself when it
 * fires; re-enable it with `update(id, { isEnabled: true })`. Triggers reach your webhooks.
 */
export interface Cs2CapAlerts {
  /** Alerts of the account (`search`: an item id or a name substring): a page when awaited, every alert from it on with `for await`. */
  list(query?: Cs2CapAlertListQuery, options?: CallOptions): PagePromise<Cs2CapAlertList, Cs2CapAlert>;
  /** Create one alert. Never retried: duplicates are allowed, so a repeat would add a second alert. */
  create(input: Cs2CapAlertCreate, options?: CallOptions): Promise<Cs2CapAlert>;
  /** Up to 100 alerts in one request (counted as one); outcomes per item. Never retried. */
  createBatch(inputs: Cs2CapAlertCreate[], options?: CallOptions): Promise<Cs2CapAlertBatchResult>;
  /** Change the threshold, its currency or `isEnabled`; safe to repeat. */
  update(alertId: string, input: Cs2CapAlertUpdate, options?: CallOptions): Promise<Cs2CapAlert>;
  /** Delete an alert; safe to repeat. */
  delete(alertId: string, options?: CallOptions): Promise<void>;
  /** Recent triggers, newest first, with their deliveries: a page when awaited, every trigger from it on with `for await`. */
  events(query?: Cs2CapAccountPageQuery, options?: CallOptions): PagePromise<Cs2CapAlertEvents, Cs2CapAlertEvent>;
}

/** Webhook endpoints (Quant; exempt from the monthly quota). Verify deliveries with `verifyCs2CapWebhook`. */
export interface Cs2CapWebhooks {
  /** Every endpoint of the account (secrets are never listed, only `secret_last4`). */
  list(options?: CallOptions): Promise<Cs2CapWebhook[]>;
  /** Create an endpoint; its secret is returned once. Never retried (no idempotency key exists). */
  create(input: Cs2CapWebhookCreate, options?: CallOptions): Promise<Cs2CapWebhookWithSecret>;
  /** Change an endpoint's label, URL, platform or `isActive`; safe to repeat. */
  update(webhookId: string, input: Cs2CapWebhookUpdate, options?: CallOptions): Promise<Cs2CapWebhook>;
  /** Delete an endpoint; its pending deliveries are cancelled. */
  delete(webhookId: string, options?: CallOptions): Promise<void>;
  /**
   * A new secret, returned once; deliveries signed with the old one stop verifying at once.
   * Never retried: a lost or unreadable answer is an `OutcomeUnknownError` (compare
   * `secret_last4` in `list()` with the secret you hold to tell whether it happened).
   */
  rotateSecret(webhookId: string, options?: CallOptions): Promise<Cs2CapWebhookWithSecret>;
  /** Recent deliveries, newest first, with their status and last HTTP status: a page when awaited, every delivery from it on with `for await`. */
  deliveries(query?: Cs2CapAccountPageQuery, options?: CallOptions): PagePromise<Cs2CapWebhookDeliveries, Cs2CapWebhookDeliverySummary>;
  /** One delivery with its payload and every attempt. */
  getDelivery(deliveryId: string, options?: CallOptions): Promise<Cs2CapWebhookDeliveryRecord>;
}

/** The `alerts` and `webhooks` calls of a CS2Cap client; `rememberSecret` learns each webhook secret it sees, to scrub it. */
export function createNotificationCalls(sender: Pick<RequestSender, 'send' | 'sendStream'>, rememberSecret: (secret: string) => void): { alerts: Cs2CapAlerts; webhooks: Cs2CapWebhooks } {
  const get = <T>(path: string, schema: z.ZodType<T>, query: Record<string, unknown> | undefined, call?: CallOptions): Promise<T> =>
    sender.send({ method: 'GET', path, query: query as never, limitClass: 'default', safety: 'read', schema, call });

  const alertBody = (a: z.output<typeof s.alertCreateSchema>) => ({
    item_id: a.itemId,
    kind: a.kind,
    threshold_value: a.threshold,
    threshold_currency: a.currency?.toUpperCase(),
    is_enabled: a.isEnabled ?? true,
  });
  const withSecret = (res: z.output<typeof s.webhookWithSecretSchema>): Cs2CapWebhookWithSecret => {
    rememberSecret(res.secret);
    return Object.freeze({ webhook: res.webhook, secret: new SecretString(res.secret) });
  };

  const alerts: Cs2CapAlerts = {
    list: offsetList(PROVIDER, (p) => p.alerts, (p) => p.pagination.has_next, async (query = {}, call) => {
      const q = parseInput(PROVIDER, 'alerts.list', s.alertListQuerySchema, query);
      const page = await get('/account/alerts', s.alertListSchema, { limit: q.limit, offset: q.offset, search: q.search }, call);
      return { alerts: page.alerts, pagination: pagination(page.pagination) };
    }),
    async create(input, call) {
      const q = parseInput(PROVIDER, 'alerts.create', s.alertCreateSchema, input);
      const res = await sender.send({
        method: 'POST',
        path: '/account/alerts',
        body: alertBody(q),
        limitClass: 'default',
        safety: 'unsafe',
        outcomeHint: `The alert may have been created. To check: call alerts.list({ search: '${q.itemId}' }) and look for a ${q.kind} alert at ${q.threshold}; create it again only if it is not there (duplicates are allowed)`,
        schema: s.alertSchema,
        call,
      });
      return res;
    },
    async createBatch(inputs, call) {
      const list = parseInput(PROVIDER, 'alerts.createBatch', z.array(s.alertCreateSchema).min(1).max(100), inputs);
      return sender.send({
        method: 'POST',
        path: '/account/alerts/batch',
        body: { alerts: list.map(alertBody) },
        limitClass: 'default',
        safety: 'unsafe',
        outcomeHint: 'Some or all of the alerts may have been created. To check: call alerts.list() and look for the alerts of this batch; create again only the ones that are missing (duplicates are allowed)',
        schema: s.alertBatchSchema,
        call,
      });
    },
    async update(alertId, input, call) {
      const id = parseInput(PROVIDER, 'alerts.update', s.resourceIdSchema, alertId);
      const q = parseInput(PROVIDER, 'alerts.update', s.alertUpdateSchema, input);
      const res = await sender.send({
        method: 'PATCH',
        path: `/account/alerts/${pathSegment(id)}`,
        body: { threshold_value: q.threshold, threshold_currency: q.currency?.toUpperCase(), is_enabled: q.isEnabled },
        limitClass: 'default',
        safety: 'idempotent',
        schema: s.alertSchema,
        call,
      });
      return res;
    },
    async delete(alertId, call) {
      const id = parseInput(PROVIDER, 'alerts.delete', s.resourceIdSchema, alertId);
      await sender.send({ method: 'DELETE', path: `/account/alerts/${pathSegment(id)}`, limitClass: 'default', safety: 'idempotent', schema: s.alertDeletedSchema, call });
    },
    events: offsetList(PROVIDER, (p) => p.events, (p) => p.pagination.has_next, async (query = {}, call) => {
      const q = parseInput(PROVIDER, 'alerts.events', s.accountPageQuerySchema, query);
      const page = await get('/account/alerts/events', s.alertEventsSchema, { limit: q.limit, offset: q.offset }, call);
      return { events: page.events, pagination: pagination(page.pagination) };
    }),
  };

  const webhooks: Cs2CapWebhooks = {
    async list(call) {
      return (await get('/account/webhooks', s.webhookListSchema, undefined, call)).webhooks;
    },
    async create(input, call) {
      const q = parseInput(PROVIDER, 'webhooks.create', s.webhookCreateSchema, input);
      const res = await sender.send({
        method: 'POST',
        path: '/account/webhooks',
        body: { label: q.label, url: q.url, platform: q.platform ?? 'custom', is_active: q.isActive ?? true },
        limitClass: 'default',
        safety: 'unsafe',
        // The label, not the URL: a Discord or Telegram URL holds a token.
        outcomeHint: `The endpoint may have been created. To check: call webhooks.list() and look for an endpoint labelled ${JSON.stringify(q.label)}. If it is there it was created, but its secret is shown only once and is lost: call webhooks.rotateSecret(id) for a new one, or delete it`,
        schema: s.webhookWithSecretSchema,
        call,
      });
      return withSecret(res);
    },
    async update(webhookId, input, call) {
      const id = parseInput(PROVIDER, 'webhooks.update', s.resourceIdSchema, webhookId);
      const q = parseInput(PROVIDER, 'webhooks.update', s.webhookUpdateSchema, input);
      // The same patch twice leaves the same endpoint: safe to repeat.
      return sender.send({
        method: 'PATCH',
        path: `/account/webhooks/${pathSegment(id)}`,
        body: { label: q.label, url: q.url, platform: q.platform, is_active: q.isActive },
        limitClass: 'default',
        safety: 'idempotent',
        schema: s.webhookSummarySchema,
        call,
      });
    },
    async delete(webhookId, call) {
      const id = parseInput(PROVIDER, 'webhooks.delete', s.resourceIdSchema, webhookId);
      await sender.send({ method: 'DELETE', path: `/account/webhooks/${pathSegment(id)}`, limitClass: 'default', safety: 'idempotent', schema: s.webhookDeletedSchema, call });
    },
    async rotateSecret(webhookId, call) {
      const id = parseInput(PROVIDER, 'webhooks.rotateSecret', s.resourceIdSchema, webhookId);
      const res = await sender.send({
        method: 'POST',
        path: `/account/webhooks/${pathSegment(id)}/rotate-secret`,
        limitClass: 'default',
        safety: 'unsafe',
        outcomeHint:
          "The secret may have been rotated. To check: webhooks.list() shows this endpoint's secret_last4. If it no longer matches the last 4 characters of the secret you hold, the secret was rotated and the new one, shown only once, is lost (deliveries no longer verify with yours): call rotateSecret() again and store the secret it returns",
        schema: s.webhookWithSecretSchema,
        call,
      });
      return withSecret(res);
    },
    deliveries: offsetList(PROVIDER, (p) => p.deliveries, (p) => p.pagination.has_next, async (query = {}, call) => {
      const q = parseInput(PROVIDER, 'webhooks.deliveries', s.accountPageQuerySchema, query);
      const page = await get('/account/webhooks/deliveries', s.webhookDeliveriesSchema, { limit: q.limit ?? 50, offset: q.offset }, call);
      return { deliveries: page.deliveries, pagination: pagination(page.pagination) };
    }),
    async getDelivery(deliveryId, call) {
      const id = parseInput(PROVIDER, 'webhooks.getDelivery', s.resourceIdSchema, deliveryId);
      return get(`/account/webhooks/deliveries/${pathSegment(id)}`, s.webhookDeliverySchema, undefined, call);
    },
  };

  return { alerts, webhooks };
}
