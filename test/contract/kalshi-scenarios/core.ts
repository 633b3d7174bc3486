/**
 * The core area's part of the Kalshi contract run: the 53 operations the client served before
 * issue 13 (market data, portfolio, V2 orders, order groups, API keys, limits, the spec-driven
 * reads) through the client, with their filters, and each error status the sandbox's routes can
 * give — 400, 401, 403, 404, 409, 429 — through the client where it sends the request and
 * through `raw` where it would refuse the input first.
 */
import { expect } from 'vitest';
import { generateRsaKeyPair } from '../../../src/crypto/rsa-keys.js';
import { createKalshiClient } from '../../../providers/kalshi/index.js';
import type { KalshiScenario, KalshiScenarioContext } from './types.js';

const FED = 'KXFEDDECISION-26DEC-C25';
const BTC = 'KXBTCMAXY-26-T150000';
/** A market of this scenario's own, settled at its end (so a settlement exists to list). */
const SETTLED = 'KXCS2MAJOR-26-CONTRACT';

/** The HTTP status of the error a call ends in. */
async function statusOf(promise: Promise<unknown>): Promise<number | undefined> {
  try {
    await promise;
  } catch (error) {
    return (error as { status?: number }).status;
  }
  throw new Error('expected the call to fail');
}

async function run(ctx: KalshiScenarioContext): Promise<void> {
  const { client: a, other: b, anon, raw, sandbox } = ctx;
  const now = Math.floor(Date.now() / 1000);

  // ---- exchange, series, events, markets (public) ----
  expect((await anon.getExchangeStatus()).exchange_active).toBe(true);
  await anon.getExchangeSchedule();
  await anon.getUserDataTimestamp();
  await anon.getHistoricalCutoff();
  await anon.getEndpointCosts();
  await anon.getTagsByCategory();
  await anon.getSeriesFeeChanges({ showHistorical: true });
  await anon.getSeriesFeeChanges({ seriesTicker: 'KXBTCMAXY' });
  await anon.listEventFeeChanges({ eventTicker: 'KXCS2MAJOR-26', limit: 1 });
  await anon.getSeries('KXFEDDECISION', { includeVolume: true });
  expect(await statusOf(anon.getSeries('NOSUCHSERIES'))).toBe(404);
  await anon.listSeries({ category: 'Sports', tags: ['CS2'], includeVolume: true, minUpdatedTs: 1 });
  expect(await raw('GET', '/series?min_updated_ts=soon', { as: 'none' })).toBe(400);

  const page = await anon.listMarkets({ limit: 2 });
  expect(page.markets).toHaveLength(2);
  await anon.listMarkets({ cursor: page.cursor!, eventTicker: 'KXFEDDECISION-26DEC', status: 'open' });
  await anon.listMarkets({ seriesTicker: 'KXBTCMAXY', tickers: [BTC], minCloseTs: now - 86_400, maxCloseTs: now + 10 * 365 * 86_400 });
  expect(await raw('GET', '/markets?min_close_ts=yesterday', { as: 'none' })).toBe(400);
  await anon.getMarket(FED);
  expect(await statusOf(anon.getMarket('KXNOPE-1'))).toBe(404);
  await anon.listEvents({ limit: 1, withNestedMarkets: true });
  await anon.listEvents({ seriesTicker: 'KXCS2MAJOR', status: 'open' });
  await anon.getEvent('KXFEDDECISION-26DEC');
  expect(await statusOf(anon.getEvent('KXNOPE-26'))).toBe(404);
  await anon.getEventMetadata('KXBTCMAXY-26');
  expect(await statusOf(anon.getEventMetadata('KXNOPE-26'))).toBe(404);
  await anon.listTrades({ ticker: FED, limit: 2, minTs: 1, maxTs: now + 60 });
  await anon.listTrades({ isBlockTrade: true });
  expect(await raw('GET', '/markets/trades?min_ts=-1', { as: 'none' })).toBe(400);

  // Candles (public): one market, a batch, an event; a bad period and an unknown market.
  const range = { start: now - 3_600, end: now + 60, periodMinutes: 1 as const };
  await anon.getCandlesticks({ ...range, seriesTicker: 'KXFEDDECISION', ticker: FED, includeLatestBeforeStart: true });
  await anon.getCandlesticksBatch({ ...range, tickers: [FED, BTC] });
  await anon.getEventCandlesticks({ ...range, seriesTicker: 'KXFEDDECISION', eventTicker: 'KXFEDDECISION-26DEC' });
  expect(await statusOf(anon.getCandlesticks({ ...range, seriesTicker: 'KXFEDDECISION', ticker: 'KXFEDDECISION-26DEC-NOPE' }))).toBe(404);
  expect(await statusOf(anon.getEventCandlesticks({ ...range, seriesTicker: 'KXFEDDECISION', eventTicker: 'KXFEDDECISION-NOPE' }))).toBe(404);
  expect(await raw('GET', `/series/KXFEDDECISION/markets/${FED}/candlesticks?start_ts=${range.start}&end_ts=${range.end}&period_interval=5`, { as: 'none' })).toBe(400);
  expect(await raw('GET', `/series/KXFEDDECISION/events/KXFEDDECISION-26DEC/candlesticks?start_ts=${range.start}&end_ts=${range.end}`, { as: 'none' })).toBe(400);
  expect(await raw('GET', `/markets/candlesticks?start_ts=${range.start}&end_ts=${range.end}&period_interval=1`, { as: 'none' })).toBe(400);

  // Books: unsigned and signed (§11 #1), one and many; an unknown market; the batch read needs a signature.
  const book = await anon.getOrderbook(FED, { depth: 2 });
  expect(book.orderbook_fp.yes_dollars).toHaveLength(2);
  await a.getOrderbook(BTC);
  expect(await statusOf(a.getOrderbook('KXNOPE-1'))).toBe(404);
  await a.getOrderbooks([FED, BTC]);
  expect(await raw('GET', '/markets/orderbooks')).toBe(400);
  expect(await raw('GET', `/markets/orderbooks?tickers=${FED}`, { as: 'none' })).toBe(401);

  // ---- account ----
  await a.syncLimits();
  await a.getBalance();
  await a.getVolumeProgress();
  await a.upgradeUsageLevel();
  await a.listDeposits({ limit: 1 });
  await a.listWithdrawals();
  expect(await raw('GET', '/portfolio/balance', { as: 'none' })).toBe(401);
  const stranger = await generateRsaKeyPair({ bits: 2048 });
  const unknownKey = createKalshiClient({ baseUrl: ctx.baseUrl, keyId: 'no-such-key', privateKeyPem: stranger.privateKeyPem, retry: { retries: 0 } });
  try {
    expect(await statusOf(unknownKey.getBalance())).toBe(401);
  } finally {
    await unknownKey.close();
  }

  // ---- orders ----
  // A rests at 0.30 (below the best YES bid), then B sells YES into it: a fill for both.
  const resting = await a.createOrder({ ticker: FED, side: 'bid', count: '5', price: '0.30', timeInForce: 'good_till_canceled' });
  expect(resting.remaining_count).toBe('5.00');
  const again = await a.createOrder({ ticker: FED, side: 'bid', count: '5', price: '0.30', timeInForce: 'good_till_canceled', clientOrderId: resting.client_order_id });
  expect(again.reconciled).toBe(true); // the 409 duplicate, read back
  await a.getOrder(resting.order_id);
  expect(await statusOf(a.getOrder('00000000-0000-4000-8000-ffffffffffff'))).toBe(404);
  await a.getQueuePosition(resting.order_id);
  await a.getQueuePositions({ marketTickers: [FED] });
  await a.getQueuePositions({ eventTicker: 'KXFEDDECISION-26DEC' });
  expect(await statusOf(a.getQueuePosition('00000000-0000-4000-8000-ffffffffffff'))).toBe(404);
  await a.getRestingOrderValue();
  await a.amendOrder(resting.order_id, { ticker: FED, side: 'bid', price: '0.31', count: '6' });
  expect(await statusOf(a.amendOrder(resting.order_id, { ticker: BTC, side: 'bid', price: '0.31', count: '6' }))).toBe(400);
  expect(await statusOf(a.amendOrder('00000000-0000-4000-8000-ffffffffffff', { ticker: FED, side: 'bid', price: '0.31', count: '6' }))).toBe(404);
  await a.decreaseOrder(resting.order_id, { reduceBy: '1', ticker: FED });
  await a.decreaseOrder(resting.order_id, { reduceTo: '4' });
  expect(await statusOf(a.decreaseOrder('00000000-0000-4000-8000-ffffffffffff', { reduceTo: '1' }))).toBe(404);
  expect(await raw('POST', `/portfolio/events/orders/${resting.order_id}/decrease`, { body: { reduce_by: '1.00', reduce_to: '1.00' } })).toBe(400);

  const taken = await b.createOrder({ ticker: FED, side: 'ask', count: '2', price: '0.31', timeInForce: 'immediate_or_cancel' });
  expect(taken.fill_count).toBe('2.00');
  // A taker that crosses the house book at once: the answer carries the averages.
  const crossing = await a.createOrder({ ticker: BTC, side: 'bid', count: '3', price: '0.21', timeInForce: 'fill_or_kill', selfTradePrevention: 'maker' });
  expect(crossing.fill_count).toBe('3.00');
  const expiring = await a.createOrder({ ticker: BTC, side: 'ask', count: '1', price: '0.90', timeInForce: 'good_till_canceled', expirationTime: now + 3_600, postOnly: true });
  await a.listOrders({ ticker: FED, status: 'resting', limit: 5, minTs: now - 60, maxTs: now + 3_600 });
  await a.listOrders({ eventTicker: 'KXBTCMAXY-26' });
  await a.getFills({ ticker: FED, limit: 5, minTs: now - 60, maxTs: now + 3_600 });
  await a.getFills({ orderId: crossing.order_id });
  await a.getPositions({ ticker: BTC, countFilter: 'position', limit: 10 });
  await a.getPositions({ eventTicker: 'KXFEDDECISION-26DEC' });
  await b.getPositions();
  expect(await raw('GET', '/portfolio/fills?min_ts=later')).toBe(400);
  expect(await raw('GET', '/portfolio/orders?max_ts=1e99')).toBe(400);

  // Refusals of the create, all 400 (CreateOrderV2 lists no 404): an unknown market, a malformed count, an off-grid price, too little cash.
  expect(await raw('POST', '/portfolio/events/orders', { body: { ticker: 'KXNOPE-1', side: 'bid', count: '1', price: '0.50', time_in_force: 'good_till_canceled', self_trade_prevention_type: 'maker' } })).toBe(400);
  expect(await raw('POST', '/portfolio/events/orders', { body: { ticker: FED, side: 'bid', count: '1.234', price: '0.50', time_in_force: 'good_till_canceled', self_trade_prevention_type: 'maker' } })).toBe(400);
  expect(await statusOf(a.createOrder({ ticker: FED, side: 'bid', count: '1', price: '0.305', timeInForce: 'good_till_canceled' }))).toBe(400);
  expect(await statusOf(a.createOrder({ ticker: FED, side: 'bid', count: '100000', price: '0.30', timeInForce: 'good_till_canceled' }))).toBe(400);
  expect(await raw('POST', '/portfolio/events/orders', { body: { ticker: FED, side: 'bid', count: '1', price: '0.30', time_in_force: 'good_till_canceled', self_trade_prevention_type: 'maker', client_order_id: resting.client_order_id } })).toBe(409);

  // Batches: one placed, one refused per item; cancel one that rests and one unknown.
  const batch = await a.batchCreateOrders([
    { ticker: BTC, side: 'bid', count: '2', price: '0.10', timeInForce: 'good_till_canceled' },
    { ticker: 'KXNOPE-1', side: 'bid', count: '2', price: '0.10', timeInForce: 'good_till_canceled' },
  ]);
  expect(batch[0]?.order_id).toBeTruthy();
  expect(batch[1]?.error).toBeTruthy();
  const cancelled = await a.batchCancelOrders([{ orderId: batch[0]!.order_id!, ticker: BTC }, { orderId: '00000000-0000-4000-8000-ffffffffffff' }]);
  expect(cancelled[0]?.reduced_by).toBe('2.00');
  expect(cancelled[1]?.error).toBeTruthy();
  expect(await raw('POST', '/portfolio/events/orders/batched', { body: { orders: [] } })).toBe(400);
  expect(await raw('DELETE', '/portfolio/events/orders/batched', { body: { orders: [] } })).toBe(400);
  // More than the write bucket holds (201 creates × 10 tokens > 2 000): the whole batch is refused (§4.1).
  const tooMany = Array.from({ length: 201 }, () => ({ ticker: BTC, side: 'bid', count: '1', price: '0.01', time_in_force: 'good_till_canceled', self_trade_prevention_type: 'maker' }));
  expect(await raw('POST', '/portfolio/events/orders/batched', { body: { orders: tooMany } })).toBe(429);

  await a.cancelOrder(expiring.order_id, { ticker: BTC });
  await a.cancelOrder(expiring.order_id); // twice: harmless
  expect(await statusOf(a.cancelOrder('00000000-0000-4000-8000-ffffffffffff'))).toBe(404);

  // ---- order groups ----
  const group = await a.orderGroups.create({ contractsLimit: '3' });
  await a.orderGroups.list();
  await a.orderGroups.updateLimit(group.order_group_id, { contractsLimit: 4 });
  await a.createOrder({ ticker: FED, side: 'bid', count: '1', price: '0.20', timeInForce: 'good_till_canceled', orderGroupId: group.order_group_id });
  await a.orderGroups.get(group.order_group_id);
  await a.orderGroups.trigger(group.order_group_id);
  await a.orderGroups.reset(group.order_group_id);
  await a.orderGroups.delete(group.order_group_id);
  const gone = '00000000-0000-4000-8000-ffffffffffff';
  expect(await statusOf(a.orderGroups.get(gone))).toBe(404);
  expect(await statusOf(a.orderGroups.trigger(gone))).toBe(404);
  expect(await statusOf(a.orderGroups.reset(gone))).toBe(404);
  expect(await statusOf(a.orderGroups.updateLimit(gone, { contractsLimit: 1 }))).toBe(404);
  expect(await statusOf(a.orderGroups.delete(gone))).toBe(404);
  expect(await raw('POST', '/portfolio/order_groups/create', { body: { contracts_limit_fp: 'lots' } })).toBe(400);
  // Orders in an unknown group, and in a triggered one, are refused (400: CreateOrderV2 lists no 404).
  expect(await raw('POST', '/portfolio/events/orders', { body: { ticker: FED, side: 'bid', count: '1', price: '0.20', time_in_force: 'good_till_canceled', self_trade_prevention_type: 'maker', order_group_id: gone } })).toBe(400);
  const hit = await a.orderGroups.create({ contractsLimit: '1' });
  await a.orderGroups.trigger(hit.order_group_id);
  expect(await statusOf(a.createOrder({ ticker: FED, side: 'bid', count: '1', price: '0.20', timeInForce: 'good_till_canceled', orderGroupId: hit.order_group_id }))).toBe(400);
  expect(await raw('PUT', `/portfolio/order_groups/${hit.order_group_id}/limit`, { body: { contracts_limit_fp: '-1' } })).toBe(400);
  await a.orderGroups.delete(hit.order_group_id);

  // ---- API keys ----
  await a.apiKeys.list();
  const generated = await a.apiKeys.generate({ name: 'contract', scopes: ['read'] });
  await a.apiKeys.delete(generated.api_key_id);
  expect(await statusOf(a.apiKeys.delete(generated.api_key_id))).toBe(404);
  expect(await raw('POST', '/api_keys/generate', { body: {} })).toBe(400);
  const pem = (await generateRsaKeyPair({ bits: 2048 })).publicKeyPem;
  expect(await statusOf(a.apiKeys.create({ name: 'own', publicKeyPem: pem }))).toBe(403);
  const premier = await sandbox.createUser({ tier: 'premier', balanceUsd: 10 });
  const p = createKalshiClient({ baseUrl: ctx.baseUrl, keyId: premier.keyId, privateKeyPem: premier.privateKeyPem, retry: { retries: 0 } });
  try {
    await p.apiKeys.create({ name: 'own', publicKeyPem: pem, scopes: ['read', 'write'] });
    expect(await raw('POST', '/api_keys', { body: { name: 'own', public_key: 'not a key' } })).toBe(403);
    expect(await statusOf(p.apiKeys.create({ name: 'bad', publicKeyPem: '-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----' }))).toBe(400);
  } finally {
    await p.close();
  }

  // ---- settlements: A holds YES of a market that then settles ----
  sandbox.markets.push({ ticker: SETTLED, event_ticker: 'KXCS2MAJOR-26', title: 'The contract run settles this market', close_time: '2026-06-21T20:00:00Z' });
  sandbox.engine.addMarket({ ticker: SETTLED }, Date.now());
  await b.createOrder({ ticker: SETTLED, side: 'ask', count: '2', price: '0.40', timeInForce: 'good_till_canceled' });
  await a.createOrder({ ticker: SETTLED, side: 'bid', count: '2', price: '0.40', timeInForce: 'immediate_or_cancel' });
  sandbox.settleMarket(SETTLED, 'yes');
  const settled = await a.listSettlements({ ticker: SETTLED, limit: 5, minTs: now - 60, maxTs: now + 3_600 });
  expect(settled.settlements).toHaveLength(1);
  await a.listSettlements({ eventTicker: 'KXCS2MAJOR-26' });
  expect(await raw('GET', '/portfolio/settlements?min_ts=x')).toBe(400);
  expect(await raw('POST', '/portfolio/events/orders', { body: { ticker: SETTLED, side: 'bid', count: '1', price: '0.50', time_in_force: 'good_till_canceled', self_trade_prevention_type: 'maker' } })).toBe(400);

  await a.cancelAllOrders();
  await a.getRestingOrderValue();
}

/** The core area (see the file comment). */
export const scenario: KalshiScenario = { name: 'core', run };
