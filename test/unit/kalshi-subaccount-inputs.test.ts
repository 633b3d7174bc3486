/**
 * Inputs of the subaccount, transfer, allocation and FCM calls: bad input is a ValidationError
 * before anything is sent (every operation with input), good input reaches the wire exactly —
 * cents and centicents as integers, caps as fixed-point strings — and a transfer goes out under
 * one client_transfer_id on every attempt, which a lost answer's OutcomeUnknownError carries.
 */
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createKalshiClient, generateRsaKeyPair, OutcomeUnknownError, ValidationError, type KalshiClient } from '../../src/index.js';
import { RequestSender } from '../../src/http/request-sender.js';
import { money } from '../../src/money.js';
import { caught } from '../helpers.js';
import { offlineWireTests } from '../offline.js';

const BASE = 'https://external-api.kalshi.com';
const ROOT = '/trade-api/v2';
const KEY_ID = '3f2a9c1e-7b4d-4e8a-9c21-5d6e7f809a1b';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const SUB = 'acct-1_alpha';

/** Calls each refused input must never send, by operation. */
const refused: [string, (c: KalshiClient) => Promise<unknown>][] = [
  ['CreateSubaccount: a shard out of range', (c) => c.subaccounts.create({ exchangeIndex: 101 })],
  ['CreateSubaccount: an unknown field', (c) => c.subaccounts.create({ subaccount: 3 } as never)],
  ['ApplySubaccountTransfer: the same subaccount', (c) => c.subaccounts.transfer({ from: 2, to: 2, amountCents: 1 })],
  ['ApplySubaccountTransfer: zero cents', (c) => c.subaccounts.transfer({ from: 0, to: 1, amountCents: 0 })],
  ['ApplySubaccountTransfer: negative dollars', (c) => c.subaccounts.transfer({ from: 0, to: 1, amount: '-1.00' })],
  ['ApplySubaccountTransfer: a fraction of a cent', (c) => c.subaccounts.transfer({ from: 0, to: 1, amount: '0.001' })],
  ['ApplySubaccountTransfer: fractional cents', (c) => c.subaccounts.transfer({ from: 0, to: 1, amountCents: 0.5 })],
  ['ApplySubaccountTransfer: a float of dollars', (c) => c.subaccounts.transfer({ from: 0, to: 1, amount: 0.1 as never })],
  ['ApplySubaccountTransfer: Money in EUR', (c) => c.subaccounts.transfer({ from: 0, to: 1, amount: money('1', 'EUR') })],
  ['ApplySubaccountTransfer: no amount', (c) => c.subaccounts.transfer({ from: 0, to: 1 } as never)],
  ['ApplySubaccountTransfer: more cents than a safe integer', (c) => c.subaccounts.transfer({ from: 0, to: 1, amount: '90071992547409.92' })],
  ['ApplySubaccountTransfer: subaccount 64', (c) => c.subaccounts.transfer({ from: 64, to: 1, amountCents: 1 })],
  ['ApplySubaccountTransfer: a key that is not a UUID', (c) => c.subaccounts.transfer({ from: 0, to: 1, amountCents: 1, idempotencyKey: 'retry-1' })],
  ['GetSubaccountTransfers: limit 0', (c) => c.subaccounts.transfers({ limit: 0 })],
  ['GetSubaccountTransfers (iterator): limit 1001', (c) => c.subaccounts.allTransfers({ limit: 1001 }).next()],
  ['UpdateSubaccountNetting: subaccount -1', (c) => c.subaccounts.setNetting({ subaccount: -1, enabled: true })],
  ['UpdateSubaccountNetting: enabled not a boolean', (c) => c.subaccounts.setNetting({ subaccount: 1, enabled: 1 as never })],
  ['IntraExchangeInstanceTransfer: to where the cash is', (c) => c.exchangeTransfers.create({ source: 'margined', destination: 'margined', amountCents: 1 })],
  ['IntraExchangeInstanceTransfer: an unknown instance', (c) => c.exchangeTransfers.create({ source: 'perps' as never, destination: 'margined', amountCents: 1 })],
  ['IntraExchangeInstanceTransfer: 5 decimals', (c) => c.exchangeTransfers.create({ source: 'event_contract', destination: 'margined', amount: '0.00001' })],
  ['IntraExchangeInstanceTransfer: a subaccount on the margined side', (c) => c.exchangeTransfers.create({ source: 'event_contract', destination: 'margined', sourceSubaccount: 1, amountCents: 1 })],
  ['GetIntraExchangeInstanceTransfers: limit 501', (c) => c.exchangeTransfers.list({ limit: 501 })],
  ['GetIntraExchangeInstanceTransfers (iterator): limit 0', (c) => c.exchangeTransfers.all({ limit: 0 }).next()],
  ['GetIntraExchangeInstanceTransfer: an empty id', (c) => c.exchangeTransfers.get('')],
  ['SetTargetBalanceAllocation: 90 percent in all', (c) => c.targetAllocation.set({ allocations: [{ exchangeIndex: 0, percent: 90 }] })],
  ['SetTargetBalanceAllocation: a shard twice', (c) => c.targetAllocation.set({ allocations: [{ exchangeIndex: 1, percent: 50 }, { exchangeIndex: 1, percent: 50 }] })],
  ['SetTargetBalanceAllocation: more than 101', (c) => c.targetAllocation.set({ allocations: Array.from({ length: 102 }, (_, i) => ({ exchangeIndex: i, percent: i === 0 ? 100 : 0 })) })],
  ['GetFCMFills: milliseconds', (c) => c.fcm.listFills({ minTs: Date.now() })],
  ['GetFCMFills (iterator): min after max', (c) => c.fcm.fills({ minTs: 20, maxTs: 10 }).next()],
  ['GetFCMOrders: neither subtrader nor client ids', (c) => c.fcm.listOrders({ status: 'resting' })],
  ['GetFCMOrders: 101 client ids', (c) => c.fcm.listOrders({ clientOrderIds: Array.from({ length: 101 }, (_, i) => `c${i}`) })],
  ['GetFCMOrders: a comma in a client id', (c) => c.fcm.listOrders({ clientOrderIds: ['a,b'] })],
  ['GetFCMOrders: an unknown status', (c) => c.fcm.listOrders({ subtraderId: SUB, status: 'open' as never })],
  ['GetFCMPositions: an unknown count filter', (c) => c.fcm.listPositions({ subtraderId: SUB, countFilter: ['volume' as never] })],
  ['GetFCMPositions: an unknown settlement status', (c) => c.fcm.listPositions({ subtraderId: SUB, settlementStatus: 'open' as never })],
  ['CreateFCMSubtrader: a 17-character suffix', (c) => c.fcm.subtraders.create('a'.repeat(17))],
  ['GetFCMEventContractDailyCap: not a subtrader id', (c) => c.fcm.dailyCap.get('alpha')],
  ['UpdateFCMEventContractDailyCap: a negative cap', (c) => c.fcm.dailyCap.set(SUB, '-5.00')],
  ['UpdateFCMEventContractDailyCap: 5 decimals', (c) => c.fcm.dailyCap.set(SUB, '5.00001')],
  ['DeleteFCMEventContractDailyCap: an empty id', (c) => c.fcm.dailyCap.delete('')],
  ['GetFCMSubtraderBlockedCategories: a space in the id', (c) => c.fcm.blockedCategories.get('acct 1_alpha')],
  ['UpdateFCMSubtraderBlockedCategories: an empty category', (c) => c.fcm.blockedCategories.update({ subtraderId: SUB, category: '', blocked: true })],
];

describe('kalshi subaccount, transfer and FCM inputs', () => {
  let pair: { privateKeyPem: string; publicKeyPem: string };
  let client: KalshiClient;
  offlineWireTests(() => client);
  beforeAll(async () => {
    pair = await generateRsaKeyPair();
  });
  afterEach(() => vi.restoreAllMocks());
  const make = (retries = 1): KalshiClient => (client = createKalshiClient({ keyId: KEY_ID, privateKeyPem: pair.privateKeyPem, retry: { retries, minDelayMs: 1, maxDelayMs: 2 } }));

  for (const [name, run] of refused) {
    it(`refuses before sending — ${name}`, async () => {
      make();
      const send = vi.spyOn(RequestSender.prototype, 'send').mockImplementation(() => Promise.reject(new Error('a request was sent')));
      // An iterator refuses when it is made, before its first page: both count as before sending.
      const err = await caught(Promise.resolve().then(() => run(client)));
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).issues.length).toBeGreaterThan(0);
      expect(send).not.toHaveBeenCalled();
    });
  }

  it('a transfer sends integer cents under a fresh UUID client_transfer_id, or the one given', async () => {
    make();
    const bodies: Record<string, unknown>[] = [];
    nock(BASE).post(`${ROOT}/portfolio/subaccounts/transfer`).times(4).reply(200, (_u, b) => (bodies.push(b as Record<string, unknown>), {}));
    const first = await client.subaccounts.transfer({ from: 0, to: 3, amount: '25.5' });
    await client.subaccounts.transfer({ from: 3, to: 0, amount: money('0.07', 'USD'), exchangeIndex: 2 });
    await client.subaccounts.transfer({ from: 1, to: 63, amountCents: 1_234 });
    const given = '0b6f2c1e-3d4a-4b5c-8d9e-0f1a2b3c4d5e';
    expect(await client.subaccounts.transfer({ from: 63, to: 0, amount: '1.10', idempotencyKey: given })).toEqual({ idempotencyKey: given });
    expect(bodies.map(({ client_transfer_id: _id, ...rest }) => rest)).toEqual([
      { from_subaccount: 0, to_subaccount: 3, amount_cents: 2_550 },
      { from_subaccount: 3, to_subaccount: 0, amount_cents: 7, exchange_index: 2 },
      { from_subaccount: 1, to_subaccount: 63, amount_cents: 1_234 },
      { from_subaccount: 63, to_subaccount: 0, amount_cents: 110 },
    ]);
    expect(bodies[0]!.client_transfer_id).toBe(first.idempotencyKey);
    expect(first.idempotencyKey).toMatch(UUID);
    expect(new Set(bodies.map((b) => b.client_transfer_id)).size).toBe(4);
    expect(bodies[3]!.client_transfer_id).toBe(given);
  });

  it('every attempt of a transfer carries the same client_transfer_id; a lost answer is an OutcomeUnknownError with it', async () => {
    make(1);
    const ids: unknown[] = [];
    nock(BASE)
      .post(`${ROOT}/portfolio/subaccounts/transfer`)
      .times(2)
      .reply((_u, b) => {
        ids.push((b as Record<string, unknown>).client_transfer_id);
        return [502, { code: 'bad_gateway', message: 'upstream', details: '' }];
      });
    const err = await caught(client.subaccounts.transfer({ from: 0, to: 1, amountCents: 500 }));
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBe(ids[0]);
    expect((err as OutcomeUnknownError).idempotencyKey).toBe(ids[0]);
    expect((err as Error).message).toContain(`idempotency key ${String(ids[0])}`);

    make(0);
    nock(BASE).post(`${ROOT}/portfolio/subaccounts/transfer`).reply(500, { code: 'internal', message: 'oops', details: '' });
    const given = '7a1b2c3d-4e5f-4a6b-9c8d-7e6f5a4b3c2d';
    const failed = await caught(client.subaccounts.transfer({ from: 0, to: 1, amountCents: 500, idempotencyKey: given }));
    expect(failed).toBeInstanceOf(OutcomeUnknownError);
    expect((failed as OutcomeUnknownError).idempotencyKey).toBe(given);
  });

  it('a definite refusal (400) stays what it is: nothing happened', async () => {
    make();
    nock(BASE).post(`${ROOT}/portfolio/subaccounts/transfer`).reply(400, { code: 'insufficient_funds', message: 'too little cash', details: '' });
    const err = await caught(client.subaccounts.transfer({ from: 0, to: 1, amountCents: 500 }));
    expect(err).not.toBeInstanceOf(OutcomeUnknownError);
    expect(err).toMatchObject({ status: 400, providerCode: 'insufficient_funds' });
  });

  it('an exchange transfer sends centicents; it is never repeated once sent', async () => {
    make(2);
    const bodies: unknown[] = [];
    nock(BASE).post(`${ROOT}/portfolio/intra_exchange_instance_transfer`).times(2).reply(200, (_u, b) => (bodies.push(b), { transfer_id: 't1' }));
    expect(await client.exchangeTransfers.create({ source: 'event_contract', destination: 'margined', amount: '10.0001' })).toEqual({ transfer_id: 't1' });
    await client.exchangeTransfers.create({ source: 'event_contract', destination: 'event_contract', sourceShard: 0, destinationShard: 2, sourceSubaccount: 1, destinationSubaccount: 1, amountCents: 5 });
    expect(bodies).toEqual([
      { source: 'event_contract', destination: 'margined', amount: 100_001 },
      { source: 'event_contract', destination: 'event_contract', amount: 500, source_exchange_shard: 0, destination_exchange_shard: 2, source_subaccount: 1, destination_subaccount: 1 },
    ]);
    nock(BASE).post(`${ROOT}/portfolio/intra_exchange_instance_transfer`).reply(503, {});
    const lost = await caught(client.exchangeTransfers.create({ source: 'margined', destination: 'event_contract', amountCents: 1 }));
    expect(lost).toBeInstanceOf(OutcomeUnknownError);
    expect((lost as Error).message).toContain('exchangeTransfers.list()');
  });

  it('allocation, netting, subaccount creation and FCM writes reach the wire as Kalshi spells them', async () => {
    make();
    const seen: [string, unknown][] = [];
    const log = (name: string) => (_u: string, b: unknown) => (seen.push([name, b]), {});
    nock(BASE)
      .post(`${ROOT}/portfolio/target_balance_allocation`).reply(200, log('allocation'))
      .put(`${ROOT}/portfolio/subaccounts/netting`).reply(200, log('netting'))
      .post(`${ROOT}/portfolio/subaccounts`).reply(201, (_u, b) => (seen.push(['create', b]), { subaccount_number: 4 }))
      .put(`${ROOT}/fcm/subtraders/event_contract_daily_cap`).reply(200, log('cap'))
      .put(`${ROOT}/fcm/subtraders/blocked_categories`).reply(200, (_u, b) => (seen.push(['blocked', b]), { categories: ['Politics'] }))
      .post(`${ROOT}/fcm/subtraders`).reply(201, (_u, b) => (seen.push(['subtrader', b]), { subtrader_id: SUB }));
    await client.targetAllocation.set({ allocations: [{ exchangeIndex: 0, percent: 70 }, { exchangeIndex: 2, percent: 30 }], restingMarginReservation: 'none' });
    await client.subaccounts.setNetting({ subaccount: 4, enabled: false });
    expect(await client.subaccounts.create({ exchangeIndex: 0 })).toEqual({ subaccount_number: 4 });
    await client.fcm.dailyCap.set(SUB, money('250.5', 'USD'));
    expect(await client.fcm.blockedCategories.update({ subtraderId: SUB, category: 'Politics', blocked: true })).toEqual(['Politics']);
    expect(await client.fcm.subtraders.create('alpha')).toEqual({ subtrader_id: SUB });
    expect(seen).toEqual([
      ['allocation', { allocations: [{ exchange_index: 0, percent: 70 }, { exchange_index: 2, percent: 30 }], resting_margin_reservation: 'none' }],
      ['netting', { subaccount_number: 4, enabled: false }],
      ['create', { exchange_index: 0 }],
      ['cap', { subtrader_id: SUB, limit: '250.50' }],
      ['blocked', { subtrader_id: SUB, category: 'Politics', blocked: true }],
      ['subtrader', { subtrader_suffix: 'alpha' }],
    ]);
  });

  it('FCM reads send their filters: comma lists, Unix seconds, the subtrader', async () => {
    make();
    const queries: Record<string, string>[] = [];
    const keep = (body: unknown) => (uri: string) => (queries.push(Object.fromEntries(new URL(uri, BASE).searchParams)), body);
    nock(BASE)
      .get(`${ROOT}/fcm/orders`).query(true).reply(200, keep({ orders: [], cursor: '' }))
      .get(`${ROOT}/fcm/positions`).query(true).reply(200, keep({ market_positions: [], event_positions: [] }))
      .get(`${ROOT}/fcm/fills`).query(true).reply(200, keep({ fills: [], cursor: '' }))
      .delete(`${ROOT}/fcm/subtraders/event_contract_daily_cap`).query(true).reply(200, keep({}));
    await client.fcm.listOrders({ clientOrderIds: ['a', 'b'], status: 'resting', minTs: new Date('2026-05-01T00:00:00Z'), limit: 5 });
    await client.fcm.listPositions({ subtraderId: SUB, countFilter: ['position', 'total_traded'], settlementStatus: 'all', eventTicker: 'KXA-26' });
    await client.fcm.listFills({ maxTs: 1_780_000_000 });
    await client.fcm.dailyCap.delete(SUB);
    expect(queries).toEqual([
      { client_order_ids: 'a,b', status: 'resting', min_ts: String(Date.parse('2026-05-01T00:00:00Z') / 1000), limit: '5' },
      { subtrader_id: SUB, count_filter: 'position,total_traded', settlement_status: 'all', event_ticker: 'KXA-26' },
      { max_ts: '1780000000' },
      { subtrader_id: SUB },
    ]);
  });
});
