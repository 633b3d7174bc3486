/**
 * CS2Cap alerts and webhooks (reference/cs2cap.md §6.9, §6.11): account calls, exempt from the
 * monthly quota. Creates and secret rotations are never retried: no idempotency key exists.
 */
import { z } from 'zod';
import { pathSegment } from '../../src/http/query.js';
import type { CallOptions } from '../../src/http/request-sender.js';
import { SecretString } from '../../src/secret.js';
import { parseInput } from '../../src/validation.js';
import type { RequestSender } from '../../src/http/request-sender.js';
import type { Cs2CapAccountPageQuery } from './client.js';
import { pagination, type Cs2CapPagination } from './results.js';
import type { Cs2CapAlertCreate, Cs2CapAlertUpdate, Cs2CapWebhookCreate, Cs2CapWebhookUpdate } from './inputs.js';
import * as s from './schemas.js';

export type { Cs2CapAlertCreate, Cs2CapAlertUpdate, Cs2CapWebhookCreate, Cs2CapWebhookUpdate } from './inputs.js';

const PROVIDER = 'cs2cap';
type Raw<T extends z.ZodType> = z.output<T>;

/**
 * A price or spread alert. `threshold_value` stays the exact decimal text the wire sends: a
 * price in `threshold_currency` for a price alert, a percentage for a spread alert.
 */
export type Cs2CapAlert = Raw<typeof s.alertSchema>;
/** A page of alerts. */
export interface Cs2CapAlertList {
  /** The alerts. */
  alerts: Cs2CapAlert[];
  /** Offset paging. */
  pagination: Cs2CapPagination;
}
/** Query of `alerts.list`. */
export interface Cs2CapAlertListQuery {
  /** Page size, 1..200. */
  limit?: number | undefined;
  /** Where the page starts. */
  offset?: number | undefined;
  /** An item id or a name substring. */
  search?: string | undefined;
}
/** Per-item outcomes of `alerts.createBatch`, in request order. */
export type Cs2CapAlertBatchResult = Raw<typeof s.alertBatchSchema>;
/** A page of alert triggers, each with its deliveries. */
export type Cs2CapAlertEvents = Raw<typeof s.alertEventsSchema>;
/** A webhook endpoint (its secret is never listed again, only `secret_last4`). */
export type Cs2CapWebhook = Raw<typeof s.webhookSummarySchema>;
/** What `webhooks.create` and `webhooks.rotateSecret` return: the secret, shown once. */
export interface Cs2CapWebhookWithSecret {
  readonly webhook: Cs2CapWebhook;
  /** `whsec_…`: verify deliveries with it (`verifyCs2CapWebhook`); store it now. */
  readonly secret: SecretString;
}
/** A page of webhook deliveries. */
export type Cs2CapWebhookDeliveries = Raw<typeof s.webhookDeliveriesSchema>;
/** One delivery with its payload and attempts. */
export type Cs2CapWebhookDeliveryRecord = Raw<typeof s.webhookDeliverySchema>;

/**
 * Price and spread alerts (exempt from the monthly quota). An alert disables itself when it
 * fires; re-enable it with `update(id, { isEnabled: true })`. Triggers reach your webhooks.
 */
export interface Cs2CapAlerts {
  /** Alerts of the account; `search` is an item id or a name substring. */
  list(query?: Cs2CapAlertListQuery, options?: CallOptions): Promise<Cs2CapAlertList>;
  /** Create one alert. Never retried: duplicates are allowed, so a repeat would add a second alert. */
  create(input: Cs2CapAlertCreate, options?: CallOptions): Promise<Cs2CapAlert>;
  /** Up to 100 alerts in one request (counted as one); outcomes per item. Never retried. */
  createBatch(inputs: Cs2CapAlertCreate[], options?: CallOptions): Promise<Cs2CapAlertBatchResult>;
  /** Change the threshold, its currency or `isEnabled`; safe to repeat. */
  update(alertId: string, input: Cs2CapAlertUpdate, options?: CallOptions): Promise<Cs2CapAlert>;
  /** Delete an alert; safe to repeat. */
  delete(alertId: string, options?: CallOptions): Promise<void>;
  /** Recent triggers, newest first, with their deliveries. */
  events(query?: Cs2CapAccountPageQuery, options?: CallOptions): Promise<Cs2CapAlertEvents>;
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
  /** Recent deliveries, newest first, with their status and last HTTP status. */
  deliveries(query?: Cs2CapAccountPageQuery, options?: CallOptions): Promise<Cs2CapWebhookDeliveries>;
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
    async list(query = {}, call) {
      const q = parseInput(PROVIDER, 'alerts.list', s.alertListQuerySchema, query);
      const page = await get('/account/alerts', s.alertListSchema, { limit: q.limit, offset: q.offset, search: q.search }, call);
      return { alerts: page.alerts, pagination: pagination(page.pagination) };
    },
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
    async events(query = {}, call) {
      const q = parseInput(PROVIDER, 'alerts.events', s.accountPageQuerySchema, query);
      return get('/account/alerts/events', s.alertEventsSchema, { limit: q.limit, offset: q.offset }, call);
    },
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
    async deliveries(query = {}, call) {
      const q = parseInput(PROVIDER, 'webhooks.deliveries', s.accountPageQuerySchema, query);
      return get('/account/webhooks/deliveries', s.webhookDeliveriesSchema, { limit: q.limit ?? 50, offset: q.offset }, call);
    },
    async getDelivery(deliveryId, call) {
      const id = parseInput(PROVIDER, 'webhooks.getDelivery', s.resourceIdSchema, deliveryId);
      return get(`/account/webhooks/deliveries/${pathSegment(id)}`, s.webhookDeliverySchema, undefined, call);
    },
  };

  return { alerts, webhooks };
}
