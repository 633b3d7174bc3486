/**
 * The CS2Cap sandbox's alerts and webhooks (reference/cs2cap.md §6.9, §6.11, §8): endpoints,
 * alert evaluation against the sandbox's prices, and signed deliveries to real URLs.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { SandboxRequest, SandboxResponse, SandboxServer } from '../../src/testkit/server.js';
import { offsetPage } from './sandbox-pages.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A record of this account, by id. */
function owned<T extends { rootId: string }>(records: ReadonlyMap<string, T>, key: AccountKey, id: string | undefined): T | undefined {
  const record = id === undefined ? undefined : records.get(id);
  return record && record.rootId === key.rootId ? record : undefined;
}

/** What the desk needs of a key: whose account it is. */
interface AccountKey {
  key: string;
  rootId: string;
}

/** What the sandbox lends the desk. */
export interface AlertDeskHost {
  readonly server: SandboxServer;
  /** Asks and bids per marketplace, in USD cents. */
  readonly prices: readonly { item_id: number; market_hash_name: string; ask: number; bid: number | null }[];
  readonly keys: ReadonlyMap<string, AccountKey>;
  /** Wrap a handler with the sandbox's auth, limits and tier gate. */
  authed(handler: (req: SandboxRequest, key: AccountKey) => SandboxResponse, options: { tier?: 'quant'; countsQuota?: boolean }): (req: SandboxRequest) => SandboxResponse;
  /** 1 USD = fx(code). */
  fx(currency: string): number | undefined;
}

interface WebhookRecord {
  id: string;
  rootId: string;
  label: string;
  url: string;
  platform: string;
  secret: string;
  is_active: boolean;
  created_at: string;
  updated_at: string;
  last_success_at: string | null;
  last_failure_at: string | null;
  last_failure_message: string | null;
}

interface AlertRecord {
  id: string;
  rootId: string;
  apiKey: string;
  kind: 'price_below' | 'price_above' | 'spread_exceeds';
  threshold_value: string;
  threshold_currency: string | null;
  is_enabled: boolean;
  last_triggered_at: string | null;
  created_at: string;
  updated_at: string;
  item: { item_id: number; market_hash_name: string; phase: null };
}

/** One delivery attempt's outcome, as `GET /account/webhooks/deliveries` shows it. */
export interface Cs2CapSandboxDelivery {
  /** The delivery's id (also sent as `X-CS2C-Delivery-Id`). */
  id: string;
  /** The endpoint it went to. */
  endpoint_id: string;
  /** How it went. */
  status: 'succeeded' | 'failed';
  /** The receiver's HTTP status, or null when none came. */
  last_http_status: number | null;
  /** Why it failed, or null. */
  error: string | null;
}

/** Alerts and webhooks of every account in one sandbox. */
export class Cs2CapAlertDesk {
  readonly #host: AlertDeskHost;
  readonly #webhooks = new Map<string, WebhookRecord>();
  readonly #alerts = new Map<string, AlertRecord>();
  readonly #alertEvents: (Record<string, unknown> & { rootId: string })[] = [];
  readonly #deliveries: (Record<string, unknown> & { id: string; rootId: string })[] = [];

  constructor(host: AlertDeskHost) {
    this.#host = host;
    this.#webhookRoutes();
    this.#alertRoutes();
  }

  /**
   * Fire an `alert.triggered` event to every active webhook of the key's account, once each
   * (no retry schedule; loopback URLs only): `custom` and `google_sheets` get the JSON signed with HMAC-SHA256 over
   * `${X-CS2C-Timestamp}.${body}`, hex-encoded in `X-CS2C-Signature` (the docs leave the
   * encoding open); Discord and Telegram get an unsigned message.
   */
  async deliverAlert(apiKey: string, payload: Record<string, unknown>): Promise<Cs2CapSandboxDelivery[]> {
    const rootId = this.#host.keys.get(apiKey)?.rootId;
    const hooks = [...this.#webhooks.values()].filter((w) => w.rootId === rootId && w.is_active);
    return Promise.all(hooks.map(async (w) => {
      const id = randomUUID();
      const signed = w.platform === 'custom' || w.platform === 'google_sheets';
      const body = JSON.stringify(signed ? payload : { content: `CS2Cap alert: ${String(payload.market_hash_name ?? '')}` });
      const timestamp = String(Math.floor(Date.now() / 1000));
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (signed) {
        Object.assign(headers, {
          'X-CS2C-Event-Type': 'alert.triggered',
          'X-CS2C-Delivery-Id': id,
          'X-CS2C-Timestamp': timestamp,
          'X-CS2C-Signature': createHmac('sha256', w.secret).update(`${timestamp}.${body}`).digest('hex'),
        });
      }
      let status: number | null = null;
      let error: string | null = null;
      // A sandbox stays off the network: it delivers to this machine only.
      if (!LOOPBACK.has(new URL(w.url).hostname)) error = 'the sandbox delivers to loopback addresses only';
      else {
        try {
          status = (await fetch(w.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(5_000) })).status;
        } catch (e) {
          error = e instanceof Error ? e.message : 'delivery failed';
        }
      }
      const ok = status !== null && status >= 200 && status < 300;
      const now = new Date().toISOString();
      if (ok) w.last_success_at = now;
      else [w.last_failure_at, w.last_failure_message] = [now, error ?? `HTTP ${status}`];
      const delivery = {
        id, rootId: w.rootId, event_id: randomUUID(), endpoint_id: w.id, endpoint_label: w.label, endpoint_url: w.url, platform: w.platform, event_type: 'alert.triggered',
        status: ok ? 'succeeded' : 'failed', attempt_count: 1, last_http_status: status, error, next_attempt_at: null, created_at: now, completed_at: now,
        payload, attempts: [{ attempt_number: 1, status: ok ? 'succeeded' : 'failed', http_status: status, error, created_at: now }],
      };
      this.#deliveries.push(delivery);
      return { id, endpoint_id: w.id, status: delivery.status as 'succeeded' | 'failed', last_http_status: status, error };
    }));
  }

  /**
   * Evaluate every enabled alert against the current prices, as the service does on its
   * refresh: price alerts against the best ask (in the alert's currency), spread alerts
   * against (best ask − best bid) / best ask × 100. A firing alert disables itself, is
   * recorded as an event and is delivered to the account's webhooks. Returns the alert ids
   * that fired.
   */
  async checkAlerts(): Promise<string[]> {
    const fired: string[] = [];
    for (const a of this.#alerts.values()) {
      if (!a.is_enabled) continue;
      const rows = this.#host.prices.filter((p) => p.item_id === a.item.item_id);
      const ask = Math.min(...rows.map((p) => p.ask));
      const bid = Math.max(...rows.map((p) => p.bid ?? 0));
      const currency = a.threshold_currency ?? 'USD';
      const value = a.kind === 'spread_exceeds' ? ((ask - bid) / ask) * 100 : (ask / 100) * (this.#host.fx(currency) ?? 1);
      const threshold = Number(a.threshold_value);
      const hit = a.kind === 'price_above' ? value > threshold : a.kind === 'price_below' ? value < threshold : value > threshold;
      if (!hit) continue;
      const now = new Date().toISOString();
      Object.assign(a, { is_enabled: false, last_triggered_at: now, updated_at: now });
      const triggered = value.toFixed(2);
      const payload = { alert_id: a.id, item_id: a.item.item_id, market_hash_name: a.item.market_hash_name, kind: a.kind, triggered_value: triggered, triggered_currency: a.kind === 'spread_exceeds' ? null : currency };
      const deliveries = await this.deliverAlert(a.apiKey, payload);
      this.#alertEvents.push({
        rootId: a.rootId, id: randomUUID(), alert_id: a.id, kind: a.kind, item: a.item, triggered_value: triggered, triggered_currency: payload.triggered_currency, reason: null, created_at: now,
        deliveries: deliveries.map((d) => ({ channel: 'webhook', status: d.status, delivery_id: d.id, endpoint_id: d.endpoint_id, created_at: now })),
      });
      fired.push(a.id);
    }
    return fired;
  }

  #alertRoutes(): void {
    const r = this.#host.server;
    const exempt = { countsQuota: false };
    type AlertInput = { item_id?: number; kind?: string; threshold_value?: string; threshold_currency?: string; is_enabled?: boolean };
    const json = (a: AlertRecord): Record<string, unknown> => {
      const { rootId: _r, apiKey: _k, ...rest } = a;
      return rest;
    };
    /** An alert, or why not (the batch reports it per item). */
    const build = (k: AccountKey, b: AlertInput): AlertRecord | { code: string; message: string } => {
      if (!['price_below', 'price_above', 'spread_exceeds'].includes(String(b.kind))) return { code: 'VALIDATION_ERROR', message: 'kind must be price_below, price_above or spread_exceeds' };
      if (typeof b.threshold_value !== 'string' || !/^\d+(\.\d+)?$/.test(b.threshold_value)) return { code: 'VALIDATION_ERROR', message: 'threshold_value must be a decimal string' };
      const row = this.#host.prices.find((p) => p.item_id === b.item_id);
      if (!row) return { code: 'ITEM_NOT_FOUND', message: `Item not found: ${String(b.item_id)}` };
      const now = new Date().toISOString();
      return {
        id: randomUUID(), rootId: k.rootId, apiKey: k.key, kind: b.kind as AlertRecord['kind'], threshold_value: b.threshold_value,
        threshold_currency: b.kind === 'spread_exceeds' ? null : (b.threshold_currency ?? 'USD').toUpperCase(), is_enabled: b.is_enabled ?? true,
        last_triggered_at: null, created_at: now, updated_at: now, item: { item_id: row.item_id, market_hash_name: row.market_hash_name, phase: null },
      };
    };
    const mine = (k: AccountKey, id: string | undefined): AlertRecord | undefined => owned(this.#alerts, k, id);
    const notFound: SandboxResponse = { status: 404, body: { code: 'NOT_FOUND', detail: 'Alert not found' } };

    r.route('GET', '/v1/account/alerts', this.#host.authed((req, k) => {
      const search = req.query.get('search');
      const all = [...this.#alerts.values()].filter((a) => a.rootId === k.rootId && (!search || String(a.item.item_id) === search || a.item.market_hash_name.includes(search)));
      const page = offsetPage(req, all, { defaultLimit: 50, maxLimit: 200 });
      return { status: 200, body: { alerts: page.rows.map(json), pagination: page.pagination } };
    }, exempt));
    r.route('POST', '/v1/account/alerts', this.#host.authed((req, k) => {
      const a = build(k, (req.body ?? {}) as AlertInput);
      if (!('id' in a)) return a.code === 'ITEM_NOT_FOUND' ? { status: 404, body: { code: a.code, detail: a.message } } : { status: 422, body: { code: a.code, detail: a.message } };
      this.#alerts.set(a.id, a);
      return { status: 201, body: json(a) };
    }, exempt));
    r.route('POST', '/v1/account/alerts/batch', this.#host.authed((req, k) => {
      const list = ((req.body ?? {}) as { alerts?: AlertInput[] }).alerts ?? [];
      if (list.length < 1 || list.length > 100) return { status: 400, body: { code: 'BAD_REQUEST', detail: 'alerts must hold 1 to 100 items' } };
      const results = list.map((b, index) => {
        const a = build(k, b);
        if (!('id' in a)) return { index, status: 'error', alert_id: null, code: a.code, message: a.message };
        this.#alerts.set(a.id, a);
        return { index, status: 'created', alert_id: a.id, code: null, message: null };
      });
      const created = results.filter((x) => x.status === 'created').length;
      return { status: 200, body: { created, failed: results.length - created, results } };
    }, exempt));
    r.route('GET', '/v1/account/alerts/events', this.#host.authed((req, k) => {
      const page = offsetPage(req, this.#alertEvents.filter((e) => e.rootId === k.rootId).reverse(), { defaultLimit: 50, maxLimit: 100 });
      return { status: 200, body: { events: page.rows.map(({ rootId: _r, ...e }) => e), pagination: page.pagination } };
    }, exempt));
    r.route('PATCH', '/v1/account/alerts/:id', this.#host.authed((req, k) => {
      const a = mine(k, req.params.id);
      if (!a) return notFound;
      const b = (req.body ?? {}) as AlertInput;
      if (b.threshold_value !== undefined && !/^\d+(\.\d+)?$/.test(String(b.threshold_value))) return { status: 422, body: { code: 'VALIDATION_ERROR', detail: [{ type: 'string_pattern_mismatch', loc: ['body', 'threshold_value'], msg: 'threshold_value must be a decimal string' }] } };
      Object.assign(a, {
        threshold_value: b.threshold_value ?? a.threshold_value,
        threshold_currency: a.kind === 'spread_exceeds' ? null : (b.threshold_currency ?? a.threshold_currency),
        is_enabled: b.is_enabled ?? a.is_enabled,
        updated_at: new Date().toISOString(),
      });
      return { status: 200, body: json(a) };
    }, exempt));
    r.route('DELETE', '/v1/account/alerts/:id', this.#host.authed((req, k) => {
      const a = mine(k, req.params.id);
      if (!a) return notFound;
      this.#alerts.delete(a.id);
      return { status: 200, body: { ok: true } };
    }, exempt));
  }

  #webhookJson(w: WebhookRecord): Record<string, unknown> {
    const { secret, rootId: _root, ...rest } = w;
    return { ...rest, secret_last4: secret.slice(-4) };
  }

  #webhookRoutes(): void {
    const r = this.#host.server;
    const quant = { tier: 'quant' as const, countsQuota: false };
    const mine = (k: AccountKey, id: string | undefined): WebhookRecord | undefined => owned(this.#webhooks, k, id);
    const notFound: SandboxResponse = { status: 404, body: { code: 'NOT_FOUND', detail: 'Webhook not found' } };
    const invalid = (field: string, msg: string): SandboxResponse => ({ status: 422, body: { code: 'VALIDATION_ERROR', detail: [{ type: 'value_error', loc: ['body', field], msg }] } });
    const check = (b: { url?: unknown; platform?: unknown }): SandboxResponse | undefined => {
      if (b.url !== undefined && (typeof b.url !== 'string' || !/^https?:\/\//.test(b.url))) return invalid('url', 'URL scheme should be http or https');
      if (b.platform !== undefined && !['custom', 'discord', 'telegram', 'google_sheets'].includes(String(b.platform))) return invalid('platform', 'Input should be custom, discord, telegram or google_sheets');
      return undefined;
    };
    const newSecret = (): string => `whsec_live_${randomBytes(16).toString('hex')}`;

    r.route('GET', '/v1/account/webhooks', this.#host.authed((_req, k) => ({ status: 200, body: { webhooks: [...this.#webhooks.values()].filter((w) => w.rootId === k.rootId).map((w) => this.#webhookJson(w)) } }), quant));
    r.route('POST', '/v1/account/webhooks', this.#host.authed((req, k) => {
      const b = (req.body ?? {}) as { label?: string; url?: string; platform?: string; is_active?: boolean };
      if (!b.label) return invalid('label', 'Field required');
      if (!b.url) return invalid('url', 'Field required');
      const bad = check(b);
      if (bad) return bad;
      const now = new Date().toISOString();
      const w: WebhookRecord = {
        id: randomUUID(), rootId: k.rootId, label: b.label, url: b.url, platform: b.platform ?? 'custom', secret: newSecret(), is_active: b.is_active ?? true,
        created_at: now, updated_at: now, last_success_at: null, last_failure_at: null, last_failure_message: null,
      };
      this.#webhooks.set(w.id, w);
      return { status: 201, body: { webhook: this.#webhookJson(w), secret: w.secret } };
    }, quant));
    r.route('GET', '/v1/account/webhooks/deliveries', this.#host.authed((req, k) => {
      const page = offsetPage(req, this.#deliveries.filter((d) => d.rootId === k.rootId).reverse(), { defaultLimit: 50, maxLimit: 100 });
      return { status: 200, body: { deliveries: page.rows.map(({ payload: _p, attempts: _a, rootId: _r, ...d }) => d), pagination: page.pagination } };
    }, quant));
    r.route('GET', '/v1/account/webhooks/deliveries/:id', this.#host.authed((req, k) => {
      const d = this.#deliveries.find((x) => x.id === req.params.id && x.rootId === k.rootId);
      if (!d) return { status: 404, body: { code: 'NOT_FOUND', detail: 'Delivery not found' } };
      const { rootId: _r, ...rest } = d;
      return { status: 200, body: rest };
    }, quant));
    r.route('PATCH', '/v1/account/webhooks/:id', this.#host.authed((req, k) => {
      const w = mine(k, req.params.id);
      if (!w) return notFound;
      const b = (req.body ?? {}) as { label?: string; url?: string; platform?: string; is_active?: boolean };
      const bad = check(b);
      if (bad) return bad;
      Object.assign(w, { label: b.label ?? w.label, url: b.url ?? w.url, platform: b.platform ?? w.platform, is_active: b.is_active ?? w.is_active, updated_at: new Date().toISOString() });
      return { status: 200, body: this.#webhookJson(w) };
    }, quant));
    r.route('DELETE', '/v1/account/webhooks/:id', this.#host.authed((req, k) => {
      const w = mine(k, req.params.id);
      if (!w) return notFound;
      this.#webhooks.delete(w.id);
      return { status: 200, body: { ok: true } };
    }, quant));
    r.route('POST', '/v1/account/webhooks/:id/rotate-secret', this.#host.authed((req, k) => {
      const w = mine(k, req.params.id);
      if (!w) return notFound;
      w.secret = newSecret();
      w.updated_at = new Date().toISOString();
      return { status: 200, body: { webhook: this.#webhookJson(w), secret: w.secret } };
    }, quant));
  }

}
