import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { createCs2CapClient, OutcomeUnknownError, SecretString, ValidationError, verifyCs2CapWebhook, WebhookVerificationError, type Cs2CapClient, type MarketError } from '../../src/index.js';
import { caught, expectNoSecret, renderings } from '../helpers.js';
import { offlineWireTests } from '../offline.js';

const SECRET = 'whsec_live_unitTestSecret0123456789';
const body = JSON.stringify({ alert_id: 'al_1', item_id: 7, market_hash_name: 'AK-47 | Redline (Field-Tested)', price_usd: '25.50' });
const now = Date.UTC(2026, 10, 24, 12, 0, 0);
const ts = String(now / 1000);
const mac = (secret = SECRET, stamp = ts, text = body): Buffer => createHmac('sha256', secret).update(`${stamp}.${text}`).digest();
const headers = (signature: string, extra: Record<string, string> = {}): Record<string, string> => ({
  'x-cs2c-event-type': 'alert.triggered',
  'x-cs2c-delivery-id': 'dlv_1',
  'x-cs2c-timestamp': ts,
  'x-cs2c-signature': signature,
  ...extra,
});
const unverified = (input: Parameters<typeof verifyCs2CapWebhook>[0]): WebhookVerificationError => {
  try {
    verifyCs2CapWebhook(input);
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookVerificationError);
    return error as WebhookVerificationError;
  }
  throw new Error('expected the delivery to be refused');
};

describe('verifyCs2CapWebhook', () => {
  it('accepts the signature as hex, base64 or base64url, with or without a scheme prefix, under either header name', () => {
    const sig = mac();
    const forms = [sig.toString('hex'), sig.toString('hex').toUpperCase(), sig.toString('base64'), sig.toString('base64url'), `sha256=${sig.toString('hex')}`, `v1=${sig.toString('base64')}`];
    for (const form of forms) {
      const d = verifyCs2CapWebhook({ headers: headers(form), body, secret: SECRET, now });
      expect(d).toMatchObject({ eventType: 'alert.triggered', deliveryId: 'dlv_1', signedAt: new Date(now).toISOString(), payload: { alert_id: 'al_1', item_id: 7 } });
      // Fields the docs do not show are dropped (docs/results.md).
      expect(d.payload).not.toHaveProperty('price_usd');
    }
    const { 'x-cs2c-signature': _, ...rest } = headers('');
    expect(verifyCs2CapWebhook({ headers: { ...rest, 'X-CS2Cap-Signature': sig.toString('hex') }, body: Buffer.from(body), secret: new SecretString(SECRET), now }).deliveryId).toBe('dlv_1');
    // fetch's Headers, and a header carrying the old and the new signature during a rotation.
    const both = `${mac('whsec_live_old').toString('hex')}, ${sig.toString('hex')}`;
    expect(verifyCs2CapWebhook({ headers: new Headers(headers(both)), body, secret: SECRET, now }).eventType).toBe('alert.triggered');
  });

  it('refuses a wrong secret, a changed body, a stale or future timestamp, missing headers — and never shows the secret or the expected signature', () => {
    const good = mac().toString('hex');
    const refusals = [
      unverified({ headers: headers(good), body, secret: 'whsec_live_wrong', now }),
      unverified({ headers: headers(good), body: body.replace('25.50', '2.50'), secret: SECRET, now }),
      unverified({ headers: headers(good), body, secret: SECRET, now: now + 301_000 }),
      unverified({ headers: headers(good), body, secret: SECRET, now: now - 301_000 }),
      unverified({ headers: headers(good, { 'x-cs2c-timestamp': String(now / 1000 + 1) }), body, secret: SECRET, now }),
      unverified({ headers: headers(''), body, secret: SECRET, now }),
      unverified({ headers: headers('not-a-signature'), body, secret: SECRET, now }),
      unverified({ headers: { 'x-cs2c-signature': good }, body, secret: SECRET, now }),
    ];
    expect(refusals.map((e) => e.code)).toEqual(Array(8).fill('webhook_unverified'));
    expect(refusals[2]!.message).toMatch(/outside the tolerance/);
    for (const e of refusals) expectNoSecret(e, SECRET, mac().toString('hex'), mac().toString('base64'));
    // A longer tolerance is the caller's choice.
    expect(verifyCs2CapWebhook({ headers: headers(good), body, secret: SECRET, now: now + 301_000, toleranceSeconds: 600 }).deliveryId).toBe('dlv_1');
  });

  it('a parsed body or no secret is a ValidationError: the caller has a bug, not the sender', () => {
    const good = mac().toString('hex');
    expect(() => verifyCs2CapWebhook({ headers: headers(good), body: JSON.parse(body) as never, secret: SECRET, now })).toThrow(ValidationError);
    expect(() => verifyCs2CapWebhook({ headers: headers(good), body, secret: '', now })).toThrow(ValidationError);
    const notJson = 'ok';
    const e = unverified({ headers: headers(mac(SECRET, ts, notJson).toString('hex')), body: notJson, secret: SECRET, now });
    expect(e.message).toMatch(/not JSON/);
  });
});

describe('verifyCs2CapWebhook, for any input', () => {
  it('fails only with WebhookVerificationError, whatever the headers and body hold', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('x-cs2c-timestamp', 'x-cs2c-signature', 'x-cs2cap-signature', 'x-cs2c-delivery-id', 'other'), fc.string()), fc.string(), (h, text) => {
        try {
          verifyCs2CapWebhook({ headers: h, body: text, secret: SECRET, now });
        } catch (error) {
          expect(error).toBeInstanceOf(WebhookVerificationError);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a signature made for one body (or timestamp) never verifies another', () => {
    fc.assert(
      fc.property(fc.json(), fc.json(), fc.string({ minLength: 1 }), (a, b, secret) => {
        fc.pre(a !== b);
        const sig = createHmac('sha256', secret).update(`${ts}.${a}`).digest('hex');
        expect(() => verifyCs2CapWebhook({ headers: headers(sig), body: b, secret, now })).toThrow(WebhookVerificationError);
        expect(() => verifyCs2CapWebhook({ headers: headers(sig, { 'x-cs2c-timestamp': String(Number(ts) - 1) }), body: a, secret, now })).toThrow(WebhookVerificationError);
      }),
      { numRuns: 300 },
    );
  });
});

describe('cs2cap webhook endpoints on the wire', () => {
  const BASE = 'https://api.cs2c.app';
  const KEY = 'sk_live_webhookUnitKey0123456';
  const webhook = { id: 'wh_1', label: 'bot', url: 'https://bot.example/hook', platform: 'custom', secret_last4: '6789', is_active: true, created_at: '2026-11-24T12:00:00Z', updated_at: '2026-11-24T12:00:00Z' };
  let client: Cs2CapClient;
  offlineWireTests(() => client);
  const make = () => (client = createCs2CapClient({ apiKey: KEY, retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 } }));

  it('create sends the documented body and hands the secret back once, as a SecretString', async () => {
    make();
    nock(BASE, { reqheaders: { authorization: `Bearer ${KEY}` } })
      .post('/v1/account/webhooks', { label: 'bot', url: 'https://bot.example/hook', platform: 'custom', is_active: true })
      .reply(201, { webhook, secret: SECRET });
    const created = await client.webhooks.create({ label: 'bot', url: 'https://bot.example/hook' });
    expect(created.secret.reveal()).toBe(SECRET);
    expect(created.webhook.secret_last4).toBe('6789');
    expectNoSecret(created, SECRET);
    expectNoSecret(client, SECRET, KEY);
  });

  it('bad inputs are refused before sending', async () => {
    make();
    for (const input of [{ label: 'x', url: 'ftp://bot.example' }, { label: '', url: 'https://bot.example' }, { label: 'x', url: 'https://t.me/bot', platform: 'telegram' as const }]) {
      expect(await caught(client.webhooks.create(input))).toBeInstanceOf(ValidationError);
    }
    expect(await caught(client.webhooks.update('wh_1', {}))).toBeInstanceOf(ValidationError);
  });

  it('update and delete may be repeated; a rotation whose answer is lost is never sent twice', async () => {
    make();
    nock(BASE).patch('/v1/account/webhooks/wh_1', { is_active: false }).reply(503, { detail: 'busy' });
    nock(BASE).patch('/v1/account/webhooks/wh_1', { is_active: false }).reply(200, { ...webhook, is_active: false });
    expect((await client.webhooks.update('wh_1', { isActive: false })).is_active).toBe(false);
    nock(BASE).delete('/v1/account/webhooks/wh_1').reply(200, { ok: true });
    await client.webhooks.delete('wh_1');
    nock(BASE).post('/v1/account/webhooks').reply(201, { webhook, secret: SECRET });
    await client.webhooks.create({ label: 'bot', url: 'https://bot.example/hook' });
    nock(BASE).post('/v1/account/webhooks/wh_1/rotate-secret').reply(503, { detail: `upstream said ${SECRET}` });
    const lost = (await caught(client.webhooks.rotateSecret('wh_1'))) as MarketError;
    expect(lost).toBeInstanceOf(OutcomeUnknownError);
    expect(lost.message).toMatch(/may have been rotated/);
    // The client has seen that secret: it is scrubbed even when a server echoes it.
    expect(renderings(lost)).not.toContain(SECRET);
  });

  it('alerts: documented bodies, exact thresholds; creates never retried, a spread alert with a currency refused', async () => {
    make();
    const alert = { id: 'al_1', kind: 'price_below', threshold_value: '25.5', threshold_currency: 'EUR', is_enabled: true, created_at: 't', updated_at: 't', item: { item_id: 7, market_hash_name: 'x' } };
    nock(BASE).post('/v1/account/alerts', { item_id: 7, kind: 'price_below', threshold_value: '25.5', threshold_currency: 'EUR', is_enabled: true }).reply(201, alert);
    expect((await client.alerts.create({ itemId: 7, kind: 'price_below', threshold: '25.5', currency: 'eur' }))).toMatchObject({ threshold_value: '25.5', threshold_currency: 'EUR' });
    nock(BASE).post('/v1/account/alerts').reply(502, { detail: 'bad gateway' });
    expect(await caught(client.alerts.create({ itemId: 7, kind: 'price_above', threshold: '30' }))).toBeInstanceOf(OutcomeUnknownError);
    expect(await caught(client.alerts.create({ itemId: 7, kind: 'spread_exceeds', threshold: '5', currency: 'USD' }))).toBeInstanceOf(ValidationError);
    expect(await caught(client.alerts.create({ itemId: 7, kind: 'price_below', threshold: '-1' }))).toBeInstanceOf(ValidationError);
    nock(BASE)
      .post('/v1/account/alerts/batch', { alerts: [{ item_id: 7, kind: 'spread_exceeds', threshold_value: '5', is_enabled: false }] })
      .reply(200, { created: 1, failed: 0, results: [{ index: 0, status: 'created', alert_id: 'al_2' }] });
    expect((await client.alerts.createBatch([{ itemId: 7, kind: 'spread_exceeds', threshold: '5', isEnabled: false }])).results[0]?.alert_id).toBe('al_2');
    nock(BASE).patch('/v1/account/alerts/al_2', { is_enabled: true }).reply(200, { ...alert, id: 'al_2', kind: 'spread_exceeds', threshold_currency: null, threshold_value: '5' });
    expect(await client.alerts.update('al_2', { isEnabled: true })).toMatchObject({ kind: 'spread_exceeds', threshold_value: '5', threshold_currency: null });
    nock(BASE).get('/v1/account/alerts').query({ search: 'Redline', limit: '10' }).reply(200, { alerts: [alert], pagination: { limit: 10, offset: 0, total: 1, has_next: false, has_prev: false } });
    expect((await client.alerts.list({ search: 'Redline', limit: 10 })).alerts[0]?.threshold_value).toBe('25.5');
  });

  it('deliveries: a page, and one delivery with its attempts', async () => {
    make();
    const summary = { id: 'dlv_1', endpoint_id: 'wh_1', event_type: 'alert.triggered', status: 'failed', attempt_count: 2, last_http_status: 500, created_at: '2026-11-24T12:00:00Z' };
    nock(BASE).get('/v1/account/webhooks/deliveries').query({ limit: '10', offset: '20' }).reply(200, { deliveries: [summary], pagination: { limit: 10, offset: 20, total: 21, has_next: false, has_prev: true } });
    nock(BASE).get('/v1/account/webhooks/deliveries/dlv_1').reply(200, { ...summary, payload: { alert_id: 'al_1' }, attempts: [{ attempt_number: 1, status: 'failed', http_status: 500, created_at: '2026-11-24T12:00:00Z' }] });
    expect((await client.webhooks.deliveries({ limit: 10, offset: 20 })).deliveries[0]?.status).toBe('failed');
    expect((await client.webhooks.getDelivery('dlv_1')).attempts[0]?.http_status).toBe(500);
  });
});
