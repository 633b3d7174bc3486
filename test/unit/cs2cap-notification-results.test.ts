/**
 * CS2Cap alert and webhook results and the inputs of every call are named types without index
 * signatures (docs/results.md): a typo does not compile (the `@ts-expect-error` lines fail
 * typecheck if it ever does), and fields a server adds are dropped, not passed through.
 */
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import '../offline.js';
import { createCs2CapClient, type Cs2CapAlert, type Cs2CapAlertCreate, type Cs2CapPricesQuery, type Cs2CapWebhookDeliveryRecord } from '../../providers/cs2cap/index.js';
import { testKey } from '../helpers.js';

const BASE = 'https://api.cs2c.app';
const page = { limit: 50, offset: 0, total: 1, has_next: false, has_prev: false };
const alert = {
  id: 'a1', kind: 'price_below', threshold_value: '20.00', threshold_currency: 'USD', is_enabled: true, last_triggered_at: null,
  created_at: '2026-07-01T00:00:00Z', updated_at: '2026-07-01T00:00:00Z', item: { item_id: 7, market_hash_name: 'x', phase: null, rank: 3 }, owner_email: 'a@b.c',
};

describe('cs2cap alert and webhook types', () => {
  afterEach(() => nock.cleanAll());

  it('a typo of a result or input field does not compile', () => {
    const a = {} as Cs2CapAlert;
    // @ts-expect-error -- the wire's name is threshold_value; there is no index signature
    void a.threshold;
    // @ts-expect-error -- no camelCase copy of is_enabled
    void a.isEnabled;
    const d = { payload: {} } as Cs2CapWebhookDeliveryRecord;
    // @ts-expect-error -- the payload keeps only its documented fields
    void d.payload?.price;
    // @ts-expect-error -- the input is `threshold`, and a misspelt field is refused
    const create: Cs2CapAlertCreate = { itemId: 1, kind: 'price_below', treshold: '1' };
    // @ts-expect-error -- `limit` is a number
    const query: Cs2CapPricesQuery = { itemId: 1, limit: '10' };
    void create;
    void query;
    expect(true).toBe(true);
  });

  it('alerts, events and delivery records drop fields the client does not know', async () => {
    const client = createCs2CapClient({ apiKey: testKey('sk_live_'), env: false, retry: { retries: 0 } });
    nock(BASE).get('/v1/account/alerts').query(true).reply(200, { alerts: [alert], pagination: { ...page, cursor_hint: 'x' }, extra: 1 });
    const list = await client.alerts.list();
    const { owner_email: _unknown, ...known } = alert;
    expect(list).toEqual({ alerts: [{ ...known, item: { item_id: 7, market_hash_name: 'x', phase: null } }], pagination: page });
    expect(list.alerts[0]).not.toHaveProperty('owner_email');
    expect(list.alerts[0]!.item).not.toHaveProperty('rank');

    nock(BASE).get('/v1/account/webhooks/deliveries/d1').reply(200, {
      id: 'd1', endpoint_id: 'w1', event_type: 'alert.triggered', status: 'succeeded', attempt_count: 1, created_at: '2026-07-01T00:00:00Z',
      payload: { alert_id: 'a1', item_id: 7, market_hash_name: 'x', secret_note: 's' },
      attempts: [{ attempt_number: 1, status: 'succeeded', http_status: 204, created_at: '2026-07-01T00:00:00Z', headers: { a: 'b' } }],
      request_headers: { authorization: 'x' },
    });
    const record = await client.webhooks.getDelivery('d1');
    expect(record.payload).toEqual({ alert_id: 'a1', item_id: 7, market_hash_name: 'x' });
    expect(record.attempts[0]).not.toHaveProperty('headers');
    expect(record).not.toHaveProperty('request_headers');
    await client.close();
  });
});
