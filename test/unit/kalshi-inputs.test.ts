import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createKalshiClient, generateRsaKeyPair, MarketError, ValidationError, type KalshiClient, type KalshiCreateOrder } from '../../src/index.js';
import { RequestSender, type RequestSpec } from '../../src/http/request-sender.js';
import { caught } from '../helpers.js';
import { offlineWireTests } from '../offline.js';

const BASE = 'https://external-api.kalshi.com';
const KEY_ID = '3f2a9c1e-7b4d-4e8a-9c21-5d6e7f809a1b';
const ORDER: KalshiCreateOrder = { ticker: 'KXA', side: 'bid', count: '1', price: '0.50', timeInForce: 'good_till_canceled' };

/** Every count input of the client, each called with `count` in the one place under test. */
const countCalls: [string, (c: KalshiClient, count: unknown) => Promise<unknown>][] = [
  ['createOrder', (c, count) => c.createOrder({ ...ORDER, count } as never)],
  ['amendOrder', (c, count) => c.amendOrder('o1', { ticker: 'KXA', side: 'bid', price: '0.50', count } as never)],
  ['decreaseOrder reduceTo', (c, count) => c.decreaseOrder('o1', { reduceTo: count } as never)],
  ['decreaseOrder reduceBy', (c, count) => c.decreaseOrder('o1', { reduceBy: count } as never)],
  ['batchCreateOrders', (c, count) => c.batchCreateOrders([ORDER, { ...ORDER, count } as never])],
];
/** Every price input of the client. */
const priceCalls: [string, (c: KalshiClient, price: unknown) => Promise<unknown>][] = [
  ['createOrder', (c, price) => c.createOrder({ ...ORDER, price } as never)],
  ['amendOrder', (c, price) => c.amendOrder('o1', { ticker: 'KXA', side: 'bid', count: '1', price } as never)],
  ['batchCreateOrders', (c, price) => c.batchCreateOrders([ORDER, { ...ORDER, price } as never])],
];

describe('kalshi inputs: counts, prices and timestamps reach the wire exactly or not at all', () => {
  let pair: { privateKeyPem: string; publicKeyPem: string };
  let client: KalshiClient;
  offlineWireTests(() => client);
  beforeAll(async () => {
    pair = await generateRsaKeyPair();
  });
  afterEach(() => vi.restoreAllMocks());
  const make = (): KalshiClient => (client = createKalshiClient({ keyId: KEY_ID, privateKeyPem: pair.privateKeyPem, retry: { retries: 1, minDelayMs: 1, maxDelayMs: 2 } }));
  /** Fails the test if anything at all reaches the sender. */
  const expectNothingSent = () => vi.spyOn(RequestSender.prototype, 'send').mockImplementation(() => Promise.reject(new Error('a request was sent')));

  describe('counts', () => {
    // Each of these used to be rounded into a valid count (2.999 → "3.00", 0.125 → "0.13").
    const refused: unknown[] = [2.999, 0.125, '2.999', '0.125', '1.000', 0.1 + 0.2, 1e-7, 0, -1, '0', '0.00', '-1', NaN, Infinity, 1e21, '1e2', ' 1', '1.', '.5', '', '0x10', true, null];
    for (const [name, run] of countCalls) {
      it(`${name} refuses a count with more than two decimals or that is not a positive count, before sending`, async () => {
        make();
        const send = expectNothingSent();
        for (const bad of refused) {
          const err = await caught(run(client, bad));
          expect(err, `count ${String(bad)}`).toBeInstanceOf(ValidationError);
          expect((err as ValidationError).issues.length).toBeGreaterThan(0);
        }
        expect(send).not.toHaveBeenCalled();
      });
    }

    it('numbers that are exact decimals go as two-decimal strings; strings go as written', async () => {
      make();
      const bodies: unknown[] = [];
      nock(BASE)
        .post('/trade-api/v2/portfolio/events/orders')
        .times(5)
        .reply(201, (_uri, body) => {
          const b = body as { client_order_id: string; count: string };
          bodies.push(b.count);
          return { order_id: 'o', client_order_id: b.client_order_id, fill_count: '0.00', remaining_count: '1.00', ts_ms: 1 };
        });
      for (const count of [3, 2.5, 0.01, '10', '10.5']) await client.createOrder({ ...ORDER, count });
      expect(bodies).toEqual(['3.00', '2.50', '0.01', '10', '10.5']);
    });

    it('decrease and amend counts are exact too', async () => {
      make();
      nock(BASE).post('/trade-api/v2/portfolio/events/orders/o1/decrease', { reduce_to: '2.50' }).reply(200, { order_id: 'o1', remaining_count: '2.50', ts_ms: 1 });
      nock(BASE).post('/trade-api/v2/portfolio/events/orders/o1/amend', { ticker: 'KXA', side: 'bid', price: '0.50', count: '7.25' }).reply(200, { order_id: 'o1', ts_ms: 1 });
      await client.decreaseOrder('o1', { reduceTo: 2.5 });
      await client.amendOrder('o1', { ticker: 'KXA', side: 'bid', price: '0.50', count: 7.25 });
    });
  });

  describe('prices', () => {
    const refused: unknown[] = ['0', '0.00', '1', '1.00', '1.5', '0.12345', '0.56000', '.00001', 'abc', '', '-0.5', '0.5.', ' 0.5', '0.5 ', '5e-1', '0x1', '0,5', 0.5, 0.56, null];
    for (const [name, run] of priceCalls) {
      it(`${name} refuses a price out of (0, 1), with more than four decimals, or not a decimal string, before sending`, async () => {
        make();
        const send = expectNothingSent();
        for (const bad of refused) expect(await caught(run(client, bad)), `price ${String(bad)}`).toBeInstanceOf(ValidationError);
        expect(send).not.toHaveBeenCalled();
      });
    }

    it('one decimal or no leading zero is normalised exactly to the 2–4 decimal wire form', async () => {
      make();
      const sent: string[] = [];
      nock(BASE)
        .post('/trade-api/v2/portfolio/events/orders')
        .times(6)
        .reply(201, (_uri, body) => {
          const b = body as { client_order_id: string; price: string };
          sent.push(b.price);
          return { order_id: 'o', client_order_id: b.client_order_id, fill_count: '0.00', remaining_count: '1.00', ts_ms: 1 };
        });
      for (const price of ['0.5', '.56', '.5', '0.5600', '0.0001', '0.999']) await client.createOrder({ ...ORDER, price });
      expect(sent).toEqual(['0.50', '0.56', '0.50', '0.5600', '0.0001', '0.999']);
    });

    it('amend and batch normalise prices the same way', async () => {
      make();
      nock(BASE).post('/trade-api/v2/portfolio/events/orders/o1/amend', { ticker: 'KXA', side: 'ask', price: '0.70', count: '1' }).reply(200, { order_id: 'o1', ts_ms: 1 });
      let batchPrices: string[] = [];
      nock(BASE)
        .post('/trade-api/v2/portfolio/events/orders/batched')
        .reply(201, (_uri, body) => {
          const orders = (body as { orders: { price: string; client_order_id: string }[] }).orders;
          batchPrices = orders.map((o) => o.price);
          return { orders: orders.map((o, i) => ({ order_id: `b${i}`, client_order_id: o.client_order_id, fill_count: '0.00', remaining_count: '1.00', ts_ms: 1 })) };
        });
      await client.amendOrder('o1', { ticker: 'KXA', side: 'ask', price: '.7', count: '1' });
      await client.batchCreateOrders([{ ...ORDER, price: '.3' }, { ...ORDER, price: '0.25' }]);
      expect(batchPrices).toEqual(['0.30', '0.25']);
    });
  });

  describe('timestamps', () => {
    const inAnHourMs = Date.now() + 3_600_000;
    const inAnHourS = Math.floor(inAnHourMs / 1000);

    it('expirationTime in milliseconds is refused with a message that says "seconds, or a Date"', async () => {
      make();
      const send = expectNothingSent();
      for (const run of [(t: unknown) => client.createOrder({ ...ORDER, expirationTime: t } as never), (t: unknown) => client.batchCreateOrders([{ ...ORDER, expirationTime: t } as never])]) {
        const err = (await caught(run(inAnHourMs))) as ValidationError;
        expect(err).toBeInstanceOf(ValidationError);
        expect(err.message).toMatch(/seconds, or a Date/);
        expect(err.issues[0]?.path).toMatch(/expirationTime/);
        // The value itself is never echoed.
        expect(err.message).not.toContain(String(inAnHourMs));
        for (const bad of [1.5, -1, NaN, Infinity, '1700000000', new Date(Number.NaN), null]) expect(await caught(run(bad)), `expirationTime ${String(bad)}`).toBeInstanceOf(ValidationError);
      }
      expect(send).not.toHaveBeenCalled();
    });

    it('expirationTime as a Date or as seconds is sent as whole Unix seconds', async () => {
      make();
      const sent: unknown[] = [];
      nock(BASE)
        .post('/trade-api/v2/portfolio/events/orders')
        .times(2)
        .reply(201, (_uri, body) => {
          const b = body as { client_order_id: string; expiration_time: unknown };
          sent.push(b.expiration_time);
          return { order_id: 'o', client_order_id: b.client_order_id, fill_count: '0.00', remaining_count: '1.00', ts_ms: 1 };
        });
      await client.createOrder({ ...ORDER, expirationTime: new Date(inAnHourMs) });
      await client.createOrder({ ...ORDER, expirationTime: inAnHourS });
      expect(sent).toEqual([inAnHourS, inAnHourS]);
    });

    it('every Unix-seconds query filter refuses milliseconds and takes a Date', async () => {
      make();
      const send = expectNothingSent();
      const filters: [string, (t: unknown) => Promise<unknown>][] = [
        ['listMarkets minCloseTs', (t) => client.listMarkets({ minCloseTs: t } as never)],
        ['listMarkets maxCloseTs', (t) => client.listMarkets({ maxCloseTs: t } as never)],
        ['markets maxCloseTs', (t) => client.markets({ maxCloseTs: t } as never).next()],
        ['listTrades minTs', (t) => client.listTrades({ minTs: t } as never)],
        ['trades maxTs', (t) => client.trades({ maxTs: t } as never).next()],
        ['getFills minTs', (t) => client.getFills({ minTs: t } as never)],
        ['getFills maxTs', (t) => client.getFills({ maxTs: t } as never)],
        ['listOrders minTs', (t) => client.listOrders({ minTs: t } as never)],
        ['orders maxTs', (t) => client.orders({ maxTs: t } as never).next()],
      ];
      for (const [name, run] of filters) {
        // The paging generators refuse at once (a synchronous throw), the rest reject.
        const err = (await caught(Promise.resolve().then(() => run(inAnHourMs)))) as ValidationError;
        expect(err, name).toBeInstanceOf(ValidationError);
        expect(err.message, name).toMatch(/seconds, or a Date/);
      }
      expect(send).not.toHaveBeenCalled();
      vi.restoreAllMocks();

      const minute = new Date(Date.UTC(2026, 10, 1, 12, 30, 15, 999));
      const s = Math.floor(minute.getTime() / 1000);
      nock(BASE).get('/trade-api/v2/markets').query({ min_close_ts: String(s), max_close_ts: String(s + 60) }).reply(200, { markets: [], cursor: '' });
      nock(BASE).get('/trade-api/v2/markets/trades').query({ min_ts: String(s), max_ts: String(s + 1) }).reply(200, { trades: [], cursor: '' });
      nock(BASE).get('/trade-api/v2/portfolio/fills').query({ min_ts: String(s) }).reply(200, { fills: [], cursor: '' });
      nock(BASE).get('/trade-api/v2/portfolio/orders').query({ max_ts: String(s) }).reply(200, { orders: [], cursor: '' });
      await client.listMarkets({ minCloseTs: minute, maxCloseTs: s + 60 });
      await client.listTrades({ minTs: minute, maxTs: s + 1 });
      await client.getFills({ minTs: minute });
      await client.listOrders({ maxTs: minute });
    });
  });

  describe('idempotency keys and secrets', () => {
    it('createOrder sends under idempotencyKey = client_order_id, generated or given', async () => {
      make();
      const specs: RequestSpec<unknown>[] = [];
      const real = RequestSender.prototype.send;
      vi.spyOn(RequestSender.prototype, 'send').mockImplementation(function (this: RequestSender, spec) {
        specs.push(spec as RequestSpec<unknown>);
        return real.call(this, spec);
      });
      nock(BASE).post('/trade-api/v2/portfolio/events/orders').reply(201, (_uri, body) => ({ order_id: 'o', client_order_id: (body as { client_order_id: string }).client_order_id, fill_count: '0.00', remaining_count: '1.00', ts_ms: 1 }));
      nock(BASE).post('/trade-api/v2/portfolio/events/orders').reply(201, (_uri, body) => ({ order_id: 'o', client_order_id: (body as { client_order_id: string }).client_order_id, fill_count: '0.00', remaining_count: '1.00', ts_ms: 1 }));
      const generated = await client.createOrder(ORDER);
      await client.createOrder({ ...ORDER, clientOrderId: 'bot-order-42' });
      expect(specs.map((s) => s.idempotencyKey)).toEqual([generated.client_order_id, 'bot-order-42']);
      expect(specs.map((s) => (s.body as { client_order_id: string }).client_order_id)).toEqual([generated.client_order_id, 'bot-order-42']);
    });

    it('a batch that fails carries every order\'s client_order_id in its error details', async () => {
      make();
      nock(BASE).post('/trade-api/v2/portfolio/events/orders/batched').times(2).replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
      const err = (await caught(client.batchCreateOrders([{ ...ORDER, clientOrderId: 'a-1' }, { ...ORDER, clientOrderId: 'b-2' }]))) as MarketError;
      expect(err).toBeInstanceOf(MarketError);
      expect(err.details?.clientOrderIds).toEqual(['a-1', 'b-2']);
    });

    it('a server that echoes the key id gets it scrubbed from the error', async () => {
      make();
      nock(BASE).get('/trade-api/v2/portfolio/balance').reply(403, { code: 'forbidden', message: `key ${KEY_ID} may not read the balance` });
      const err = (await caught(client.getBalance())) as MarketError;
      expect(err.status).toBe(403);
      expect(JSON.stringify(err.toJSON())).not.toContain(KEY_ID);
      expect(err.message).not.toContain(KEY_ID);
    });
  });
});
