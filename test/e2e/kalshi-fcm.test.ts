/**
 * The FCM calls against the sandbox (providers/kalshi/fcm-calls.ts, sandbox-fcm.ts): a normal
 * user is refused (403 → PermissionError); an FCM member (`makeFcmMember`) creates subtraders,
 * sets and removes their daily caps, blocks categories, and reads their fills, orders and
 * positions with every filter. Every answer is parsed by the spec's schema.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidRequestError, PermissionError, ValidationError } from '../../src/errors.js';
import { money } from '../../src/money.js';
import { createKalshiClient, type KalshiClient, type KalshiFcmFill } from '../../providers/kalshi/index.js';
import { KalshiSandbox } from '../../providers/kalshi/sandbox.js';
import { makeFcmMember } from '../../providers/kalshi/sandbox-fcm.js';
import { caught } from '../helpers.js';

describe('kalshi FCM calls against the sandbox', () => {
  let sandbox: KalshiSandbox;
  let fcm: KalshiClient;
  let plain: KalshiClient;
  let fcmUser: string;
  let alpha: string;
  let beta: string;
  const query = () => new URLSearchParams(sandbox.server.requests.at(-1)!.query);

  beforeAll(async () => {
    sandbox = new KalshiSandbox();
    const baseUrl = await sandbox.start();
    const a = await sandbox.createUser({ balanceUsd: 10 });
    const b = await sandbox.createUser({ balanceUsd: 10 });
    fcmUser = a.userId;
    makeFcmMember(sandbox, a.userId);
    fcm = createKalshiClient({ baseUrl, keyId: a.keyId, privateKeyPem: a.privateKeyPem, retry: { retries: 2, minDelayMs: 5, maxDelayMs: 20 } });
    plain = createKalshiClient({ baseUrl, keyId: b.keyId, privateKeyPem: b.privateKeyPem, retry: { retries: 2, minDelayMs: 5, maxDelayMs: 20 } });
  });
  afterAll(async () => {
    await fcm.close();
    await plain.close();
    await sandbox.close();
  });

  it('a user who is not an FCM member is refused by every FCM route (403)', async () => {
    const calls: (() => Promise<unknown>)[] = [
      () => plain.fcm.listFills(),
      () => plain.fcm.listOrders({ subtraderId: 'x_a' }),
      () => plain.fcm.listPositions({ subtraderId: 'x_a' }),
      () => plain.fcm.subtraders.list(),
      () => plain.fcm.subtraders.create('a'),
      () => plain.fcm.dailyCap.get('x_a'),
      () => plain.fcm.dailyCap.set('x_a', '1.00'),
      () => plain.fcm.dailyCap.delete('x_a'),
      () => plain.fcm.blockedCategories.get('x_a'),
      () => plain.fcm.blockedCategories.update({ subtraderId: 'x_a', category: 'Politics', blocked: true }),
    ];
    for (const call of calls) expect(await caught(call())).toMatchObject({ status: 403, code: 'permission_denied' });
    expect(await caught(plain.fcm.subtraders.list())).toBeInstanceOf(PermissionError);
  });

  it('subtraders: created once as {account}_{suffix}, a second create is 409, listed', async () => {
    alpha = (await fcm.fcm.subtraders.create('alpha')).subtrader_id;
    beta = (await fcm.fcm.subtraders.create('Beta2')).subtrader_id;
    expect(alpha).toBe(`${fcmUser}_alpha`);
    const again = await caught(fcm.fcm.subtraders.create('alpha'));
    expect(again).toBeInstanceOf(InvalidRequestError);
    expect(again).toMatchObject({ status: 409, code: 'conflict' });
    expect(await fcm.fcm.subtraders.list()).toEqual([alpha, beta].map((id) => ({ subtrader_id: id, exchange_indices: [0], trading_blocked: false, fcm_trading_blocked: false, propagation_pending: false })));
    const sent = sandbox.server.requests.length;
    for (const bad of ['', 'has space', 'a_b', 'x'.repeat(17), 'ünï']) expect(await caught(fcm.fcm.subtraders.create(bad)), bad).toBeInstanceOf(ValidationError);
    expect(sandbox.server.requests.length).toBe(sent);
  });

  it('daily cap: none is 404; set, read with its use today as Money; removed (twice harmlessly)', async () => {
    expect(await caught(fcm.fcm.dailyCap.get(alpha))).toMatchObject({ status: 404 });
    await fcm.fcm.dailyCap.set(alpha, money('250.5', 'USD'));
    expect(sandbox.server.requests.at(-1)!.method).toBe('PUT');
    const cap = await fcm.fcm.dailyCap.get(alpha);
    expect(cap).toMatchObject({ subtrader_id: alpha, limit: '250.5000', pending_order_utilization: '0.0000' });
    expect(cap).not.toHaveProperty('money');
    expect(cap.cap_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // The resting order: 3 contracts at 0.25 plus its worst-case taker fee (4 cents).
    expect(cap.resting_order_utilization).toBe('0.7900');
    await fcm.fcm.dailyCap.set(alpha, '0.0001');
    expect((await fcm.fcm.dailyCap.get(alpha)).limit).toBe('0.0001');
    await fcm.fcm.dailyCap.delete(alpha);
    await fcm.fcm.dailyCap.delete(alpha);
    expect(await caught(fcm.fcm.dailyCap.get(alpha))).toMatchObject({ status: 404 });
    expect(await caught(fcm.fcm.dailyCap.set(`${fcmUser}_nobody`, '1.00'))).toMatchObject({ status: 404 });
    for (const bad of ['-1.00', '1.00001', '1e3', 12 as never, money('1', 'EUR')]) expect(await caught(fcm.fcm.dailyCap.set(alpha, bad)), String(bad)).toBeInstanceOf(ValidationError);
    expect(await caught(fcm.fcm.dailyCap.get('no-underscore'))).toBeInstanceOf(ValidationError);
  });

  it('blocked categories: added and removed one at a time, the whole set sorted back', async () => {
    expect(await fcm.fcm.blockedCategories.get(alpha)).toEqual([]);
    expect(await fcm.fcm.blockedCategories.update({ subtraderId: alpha, category: 'Sports', blocked: true })).toEqual(['Sports']);
    expect(await fcm.fcm.blockedCategories.update({ subtraderId: alpha, category: 'Politics', blocked: true })).toEqual(['Politics', 'Sports']);
    expect(await fcm.fcm.blockedCategories.update({ subtraderId: alpha, category: 'Politics', blocked: true })).toEqual(['Politics', 'Sports']);
    expect(await fcm.fcm.blockedCategories.update({ subtraderId: alpha, category: 'Sports', blocked: false })).toEqual(['Politics']);
    expect(await fcm.fcm.blockedCategories.update({ subtraderId: alpha, category: 'Crypto', blocked: false })).toEqual(['Politics']);
    expect(await fcm.fcm.blockedCategories.get(alpha)).toEqual(['Politics']);
    expect(await fcm.fcm.blockedCategories.get(beta)).toEqual([]);
    expect(await caught(fcm.fcm.blockedCategories.get(`${fcmUser}_nobody`))).toMatchObject({ status: 403 });
    expect(await caught(fcm.fcm.blockedCategories.update({ subtraderId: `${fcmUser}_nobody`, category: 'Sports', blocked: true }))).toMatchObject({ status: 404 });
    expect(await caught(fcm.fcm.blockedCategories.update({ subtraderId: alpha, category: 'x'.repeat(101), blocked: true }))).toBeInstanceOf(ValidationError);
  });

  it('orders: by subtrader or by client order id, every filter, newest first, paged', async () => {
    const orders = (await fcm.fcm.listOrders({ subtraderId: alpha })).orders;
    expect(orders.map((o) => [o.status, o.book_side, o.initial_count_fp, o.fill_count_fp, o.remaining_count_fp])).toEqual([
      ['resting', 'bid', '3.00', '0.00', '3.00'],
      ['executed', 'bid', '2.00', '2.00', '0.00'],
      ['canceled', 'ask', '5.00', '2.00', '0.00'],
      ['executed', 'bid', '10.00', '10.00', '0.00'],
    ]);
    expect(orders.every((o, i) => i === 0 || Date.parse(o.created_time!) <= Date.parse(orders[i - 1]!.created_time!))).toBe(true);
    expect(orders[3]).toMatchObject({ yes_price_dollars: '0.4000', taker_fill_cost_dollars: '4.0000', taker_fees_dollars: '0.1800', user_id: alpha, client_order_id: 'alpha-1' });
    // Deterministic: the same subtrader's orders are the same on a second read.
    expect((await fcm.fcm.listOrders({ subtraderId: alpha })).orders).toEqual(orders);

    expect((await fcm.fcm.listOrders({ subtraderId: alpha, status: 'executed' })).orders.map((o) => o.client_order_id)).toEqual(['alpha-3', 'alpha-1']);
    expect(query().get('status')).toBe('executed');
    const ticker = orders[0]!.ticker;
    expect((await fcm.fcm.listOrders({ subtraderId: alpha, ticker })).orders.map((o) => o.client_order_id)).toEqual(['alpha-4']);
    const event = sandbox.markets.find((m) => m.ticker === orders[3]!.ticker)!.event_ticker;
    expect((await fcm.fcm.listOrders({ subtraderId: alpha, eventTicker: event })).orders.every((o) => sandbox.markets.find((m) => m.ticker === o.ticker)!.event_ticker === event)).toBe(true);
    const newest = new Date(orders[0]!.created_time!);
    expect((await fcm.fcm.listOrders({ subtraderId: alpha, minTs: newest })).orders.map((o) => o.client_order_id)).toEqual(['alpha-4']);
    expect((await fcm.fcm.listOrders({ subtraderId: alpha, maxTs: Math.floor(newest.getTime() / 1000) - 1 })).orders).toHaveLength(3);
    // By client order id across subtraders (both have a "-1").
    const byId = (await fcm.fcm.listOrders({ clientOrderIds: ['alpha-1', 'Beta2-1'] })).orders;
    expect(byId.map((o) => o.user_id).sort()).toEqual([alpha, beta].sort());
    expect(query().get('client_order_ids')).toBe('alpha-1,Beta2-1');
    expect((await fcm.fcm.listOrders({ subtraderId: beta, clientOrderIds: ['alpha-1', 'Beta2-1'] })).orders.map((o) => o.client_order_id)).toEqual(['Beta2-1']);
    const paged = [];
    for await (const o of fcm.fcm.orders({ subtraderId: alpha, limit: 3 })) paged.push(o.order_id);
    expect(paged).toEqual(orders.map((o) => o.order_id));
    expect(await caught(fcm.fcm.listOrders({ subtraderId: `${fcmUser}_nobody` }))).toMatchObject({ status: 404 });
    expect(await caught(fcm.fcm.listOrders({}))).toBeInstanceOf(ValidationError);
    expect(await caught(fcm.fcm.listOrders({ subtraderId: alpha, limit: 0 }))).toBeInstanceOf(ValidationError);
  });

  it('fills: across subtraders, newest first, min_ts/max_ts, paged', async () => {
    const all: KalshiFcmFill[] = [];
    for await (const f of fcm.fcm.fills()) all.push(f);
    // Four fills per subtrader.
    expect(all).toHaveLength(8);
    expect(all.every((f, i) => i === 0 || Date.parse(f.created_time!) <= Date.parse(all[i - 1]!.created_time!))).toBe(true);
    const alphaFills = all.filter((f) => f.taker_subtrader_id === alpha);
    expect(alphaFills.map((f) => [f.count_fp, f.taker_outcome_side, f.taker_fee_cost])).toEqual([['2.00', 'yes', '0.0400'], ['2.00', 'no', '0.0400'], ['4.00', 'yes', '0.0700'], ['6.00', 'yes', '0.1100']]);
    const cut = Date.parse(all[3]!.created_time!);
    const recent = await fcm.fcm.listFills({ minTs: new Date(cut) });
    expect(recent.fills.every((f) => Date.parse(f.created_time!) >= cut)).toBe(true);
    expect(recent.cursor).toBe('');
    expect(query().get('min_ts')).toBe(String(cut / 1000));
    expect((await fcm.fcm.listFills({ maxTs: cut / 1000 - 1 })).fills.every((f) => Date.parse(f.created_time!) < cut)).toBe(true);
    expect(await caught(fcm.fcm.listFills({ minTs: 10, maxTs: 5 }))).toBeInstanceOf(ValidationError);
    expect(await caught(fcm.fcm.listFills({ minTs: Date.now() }))).toBeInstanceOf(ValidationError);
  });

  it('positions: by subtrader, count_filter, ticker/event, settlement status, paged', async () => {
    const page = await fcm.fcm.listPositions({ subtraderId: alpha });
    expect(page.market_positions.map((p) => [p.position_fp, p.total_traded_dollars, p.market_exposure_dollars, p.realized_pnl_dollars, p.fees_paid_dollars])).toEqual([
      ['10.00', '4.0000', '4.0000', '0.0000', '0.1800'],
      ['0.00', '1.9600', '0.0000', '0.0400', '0.0800'],
    ]);
    expect(page.event_positions.length).toBeGreaterThan(0);
    const onlyOpen = await fcm.fcm.listPositions({ subtraderId: alpha, countFilter: ['position'] });
    expect(onlyOpen.market_positions.map((p) => p.position_fp)).toEqual(['10.00']);
    expect(query().get('count_filter')).toBe('position');
    expect((await fcm.fcm.listPositions({ subtraderId: alpha, countFilter: ['position', 'total_traded'] })).market_positions).toHaveLength(2);
    const ticker = page.market_positions[1]!.ticker;
    expect((await fcm.fcm.listPositions({ subtraderId: alpha, ticker })).market_positions.map((p) => p.ticker)).toEqual([ticker]);
    const event = sandbox.markets.find((m) => m.ticker === ticker)!.event_ticker;
    const byEvent = await fcm.fcm.listPositions({ subtraderId: alpha, eventTicker: event });
    expect(byEvent.market_positions.every((p) => sandbox.markets.find((m) => m.ticker === p.ticker)!.event_ticker === event)).toBe(true);
    expect(byEvent.event_positions.map((e) => e.event_ticker)).toEqual([event]);
    expect((await fcm.fcm.listPositions({ subtraderId: alpha, settlementStatus: 'settled' })).market_positions).toEqual([]);
    expect((await fcm.fcm.listPositions({ subtraderId: alpha, settlementStatus: 'all' })).market_positions).toHaveLength(2);
    const iterated = [];
    for await (const p of fcm.fcm.positions({ subtraderId: alpha, limit: 1 })) iterated.push(p.ticker);
    expect(iterated).toEqual(page.market_positions.map((p) => p.ticker));
    expect(await caught(fcm.fcm.listPositions({ subtraderId: alpha, countFilter: ['volume' as never] }))).toBeInstanceOf(ValidationError);
    // Without a subtrader (this key is not bound to one): Kalshi's 400.
    expect(await caught(fcm.fcm.listPositions())).toMatchObject({ status: 400 });
  });
});
