/**
 * The spec-driven calls (providers/kalshi/spec-calls.ts) against the sandbox: exchange
 * schedule and data timestamp, series and their fee changes, event metadata, queue
 * positions, resting-order value, endpoint costs (and the client charging them after
 * syncLimits), the historical cutoff. Each answer is parsed by the spec's own schema.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapabilityError, OutcomeUnknownError, ValidationError } from '../../src/errors.js';
import { createKalshiClient, type KalshiClient } from '../../providers/kalshi/index.js';
import { KalshiSandbox } from '../../providers/kalshi/sandbox.js';
import { caught } from '../helpers.js';

describe('kalshi spec calls against the sandbox', () => {
  let sandbox: KalshiSandbox;
  let baseUrl: string;
  let anon: KalshiClient;
  let signed: KalshiClient;
  let user: { userId: string; keyId: string; privateKeyPem: string };
  beforeAll(async () => {
    sandbox = new KalshiSandbox();
    baseUrl = await sandbox.start();
    user = await sandbox.createUser({ balanceUsd: 100 });
    anon = createKalshiClient({ baseUrl, retry: { minDelayMs: 10, maxDelayMs: 50 } });
    signed = createKalshiClient({ baseUrl, keyId: user.keyId, privateKeyPem: user.privateKeyPem, retry: { minDelayMs: 10, maxDelayMs: 50 } });
  });
  afterAll(async () => {
    await anon.close();
    await signed.close();
    await sandbox.close();
  });
  const last = () => sandbox.server.requests.at(-1)!;

  it('exchange schedule and user-data timestamp (public)', async () => {
    const schedule = await anon.getExchangeSchedule();
    expect(schedule.standard_hours[0]?.monday[0]).toEqual({ open_time: '00:00', close_time: '23:59' });
    expect(schedule.maintenance_windows).toHaveLength(1);
    const before = Date.now();
    const asOf = await anon.getUserDataTimestamp();
    expect(asOf).toBeInstanceOf(Date);
    expect(Math.abs(asOf.getTime() - before)).toBeLessThan(5_000);
  });

  it('series: one, the list with its filters, the fee changes with theirs', async () => {
    const fed = await anon.getSeries('KXFEDDECISION');
    expect(fed).toMatchObject({ ticker: 'KXFEDDECISION', category: 'Economics', tags: ['Fed', 'Rates'] });
    expect(await caught(anon.getSeries('NOPE'))).toMatchObject({ status: 404 });
    expect((await anon.listSeries()).map((s) => s.ticker)).toEqual(['KXBTCMAXY', 'KXCS2MAJOR', 'KXFEDDECISION']);
    expect((await anon.listSeries({ category: 'Sports' })).map((s) => s.ticker)).toEqual(['KXCS2MAJOR']);
    expect((await anon.listSeries({ tags: ['BTC', 'Rates'] })).map((s) => s.ticker)).toEqual(['KXBTCMAXY', 'KXFEDDECISION']);
    expect(decodeURIComponent(last().query)).toContain('tags=BTC,Rates');
    expect(await anon.listSeries({ minUpdatedTs: new Date('2027-01-01T00:00:00Z') })).toEqual([]);
    expect(last().query).toContain(`min_updated_ts=${Date.parse('2027-01-01T00:00:00Z') / 1000}`);
    expect(await caught(anon.listSeries({ minUpdatedTs: Date.now() }))).toBeInstanceOf(ValidationError);
    const tags = await anon.getTagsByCategory();
    expect(tags).toEqual({ Crypto: ['BTC'], Economics: ['Fed', 'Rates'], Sports: ['CS2', 'Esports'] });
    expect((await anon.listSeries({ category: 'Sports', tags: tags.Sports })).map((s) => s.ticker)).toEqual(['KXCS2MAJOR']);
    expect((await anon.getSeriesFeeChanges()).map((f) => f.id)).toEqual(['fee-2099-01']);
    expect((await anon.getSeriesFeeChanges({ showHistorical: true })).map((f) => f.id)).toEqual(['fee-2026-01', 'fee-2099-01']);
    expect((await anon.getSeriesFeeChanges({ showHistorical: true, seriesTicker: 'KXFEDDECISION' })).map((f) => f.id)).toEqual(['fee-2026-01']);
  });

  it('event fee changes: public, filtered by event, paged', async () => {
    const ids = [];
    for await (const f of anon.eventFeeChanges({ limit: 1 })) ids.push(f.id);
    expect(ids).toEqual(['evfee-1', 'evfee-2', 'evfee-3']);
    const cs2 = await anon.listEventFeeChanges({ eventTicker: 'KXCS2MAJOR-26' });
    expect(cs2.event_fee_changes.map((f) => [f.id, f.fee_type_override, f.fee_multiplier_override])).toEqual([['evfee-2', null, 0.5], ['evfee-3', 'quadratic', null]]);
  });

  it('event metadata', async () => {
    const meta = await anon.getEventMetadata('KXCS2MAJOR-26');
    expect(meta.market_details.map((m) => m.market_ticker).sort()).toEqual(['KXCS2MAJOR-26-NAVI', 'KXCS2MAJOR-26-SPIRIT', 'KXCS2MAJOR-26-VITALITY']);
    expect(await caught(anon.getEventMetadata('NO-SUCH'))).toMatchObject({ status: 404 });
  });

  it('queue positions and resting-order value of a resting order (signed)', async () => {
    expect(await caught(anon.getQueuePositions({ eventTicker: 'KXCS2MAJOR-26' }))).toBeInstanceOf(CapabilityError);
    const sent = sandbox.server.requests.length;
    expect(await caught(signed.getQueuePositions({ marketTickers: [] }))).toBeInstanceOf(ValidationError);
    expect(sandbox.server.requests.length).toBe(sent);
    const placed = await signed.createOrder({ ticker: 'KXCS2MAJOR-26-NAVI', side: 'bid', count: '3', price: '0.15', timeInForce: 'good_till_canceled' });
    // The seeded house bid of 90 contracts at 0.15 came first.
    expect(await signed.getQueuePosition(placed.order_id)).toBe('90.00');
    const byEvent = await signed.getQueuePositions({ eventTicker: 'KXCS2MAJOR-26' });
    expect(byEvent).toEqual([{ order_id: placed.order_id, market_ticker: 'KXCS2MAJOR-26-NAVI', queue_position_fp: '90.00' }]);
    expect(await signed.getQueuePositions({ marketTickers: ['KXBTCMAXY-26-T150000'] })).toEqual([]);
    expect(await signed.getQueuePositions()).toEqual(byEvent);
    // 3 × $0.15 held back, plus the maker fee the engine reserves with it.
    const reserved = sandbox.engine.account(user.userId)!.reserved;
    expect(reserved).toBeGreaterThanOrEqual(450_000n);
    const value = await signed.getRestingOrderValue();
    // The wire's shape: integer cents in total, a dollar string per shard, and no copies beside them.
    expect(value).toEqual({
      total_resting_order_value: Number(reserved / 10_000n),
      resting_order_value_breakdown: [{ exchange_index: 0, balance: (Number(reserved / 10_000n) / 100).toFixed(4) }],
    });
    await signed.cancelOrder(placed.order_id);
    expect((await signed.getRestingOrderValue()).total_resting_order_value).toBe(0);
  });

  it('usage level: volume progress counts your traded contracts; the self-serve upgrade moves Basic to Advanced, sent once', async () => {
    const s2 = new KalshiSandbox();
    const url = await s2.start();
    try {
      const u = await s2.createUser({ balanceUsd: 10 });
      const c = createKalshiClient({ baseUrl: url, keyId: u.keyId, privateKeyPem: u.privateKeyPem, retry: { retries: 3, minDelayMs: 10, maxDelayMs: 50 } });
      try {
        await c.createOrder({ ticker: 'KXBTCMAXY-26-T200000', side: 'bid', count: '4', price: '0.06', timeInForce: 'immediate_or_cancel' });
        const [progress] = await c.getVolumeProgress();
        expect(progress!.trailing_30d_volume_fp).toBe('4.00');
        expect(progress!.goals.map((g) => g.level)).toEqual(['expert', 'premier', 'paragon', 'prime', 'prestige']);
        expect((await c.syncLimits()).usage_tier).toBe('basic');
        s2.server.inject({ kind: 'reset-after', method: 'POST', path: '/trade-api/v2/account/api_usage_level/upgrade' });
        const lost = await caught(c.upgradeUsageLevel());
        expect(lost).toBeInstanceOf(OutcomeUnknownError);
        expect((lost as Error).message).toContain('syncLimits()');
        expect(s2.server.requests.filter((r) => r.path.endsWith('/upgrade'))).toHaveLength(1);
        expect((await c.syncLimits()).usage_tier).toBe('advanced');
        await c.upgradeUsageLevel();
      } finally {
        await c.close();
      }
    } finally {
      await s2.close();
    }
  });

  it('historical cutoff (public, as the spec lists no security)', async () => {
    expect(await anon.getHistoricalCutoff()).toEqual({ market_settled_ts: '2026-01-01T00:00:00Z', trades_created_ts: '2026-01-01T00:00:00Z', orders_updated_ts: '2026-01-01T00:00:00Z' });
    expect(last().auth).toBeUndefined();
  });

  it('endpoint costs: after syncLimits the client charges what the server says an endpoint costs', async () => {
    const costs = await anon.getEndpointCosts();
    expect(costs.default_cost).toBe(10);
    expect(costs.endpoint_costs).toContainEqual({ method: 'DELETE', path: '/portfolio/events/orders/{order_id}', cost: 2 });

    const s = new KalshiSandbox({ read: { capacity: 100, refillPerSecond: 100 } });
    const url = await s.start();
    try {
      const u = await s.createUser({ balanceUsd: 10 });
      // The server now bills a balance read at 60 tokens of a 100-token bucket.
      s.endpointCosts.push({ method: 'GET', path: '/portfolio/balance', cost: 60 });
      // A limiter a little slower than the server, so a client that knows the cost never meets a 429.
      const c = createKalshiClient({ baseUrl: url, keyId: u.keyId, privateKeyPem: u.privateKeyPem, rateLimit: { read: { capacity: 90, refillPerSecond: 90 } }, retry: { minDelayMs: 10, maxDelayMs: 50 } });
      const limited: string[] = [];
      c.on('rateLimited', (e) => limited.push(e.source));
      try {
        const synced = await c.syncLimits();
        expect(synced.default_cost).toBe(10);
        expect(synced.endpoint_costs).toContainEqual({ method: 'GET', path: '/portfolio/balance', cost: 60 });
        await c.getBalance();
        await c.getBalance();
        expect(limited).toContain('local');
        expect(limited).not.toContain('server');
        expect(s.server.requests.filter((r) => r.status === 429)).toHaveLength(0);
      } finally {
        await c.close();
      }
    } finally {
      await s.close();
    }
  });
});

describe('kalshi candlesticks and transfers against the sandbox', () => {
  let sandbox: KalshiSandbox;
  let anon: KalshiClient;
  let signed: KalshiClient;
  beforeAll(async () => {
    sandbox = new KalshiSandbox();
    const baseUrl = await sandbox.start();
    const user = await sandbox.createUser({ balanceUsd: 250.5 });
    anon = createKalshiClient({ baseUrl, retry: { minDelayMs: 10, maxDelayMs: 50 } });
    signed = createKalshiClient({ baseUrl, keyId: user.keyId, privateKeyPem: user.privateKeyPem, retry: { minDelayMs: 10, maxDelayMs: 50 } });
  });
  afterAll(async () => {
    await anon.close();
    await signed.close();
    await sandbox.close();
  });
  const around = () => ({ start: new Date(Date.now() - 3_600_000), end: new Date(Date.now() + 60_000) });

  it('one market: the seeded trades in one candle, Unix seconds on the wire', async () => {
    const range = around();
    const candles = await anon.getCandlesticks({ seriesTicker: 'KXBTCMAXY', ticker: 'KXBTCMAXY-26-T150000', ...range, periodMinutes: 1440 });
    expect(candles).toHaveLength(1);
    // Five seeded trades of 1..5 contracts, all at the best YES bid 0.19.
    expect(candles[0]).toMatchObject({ volume_fp: '15.00', price: { open_dollars: '0.1900', close_dollars: '0.1900' }, yes_bid: { close_dollars: '0.1900' }, yes_ask: { close_dollars: '0.2000' } });
    expect(candles[0]!.end_period_ts % 86_400).toBe(0);
    const q = new URLSearchParams(sandbox.server.requests.at(-1)!.query);
    expect(q.get('start_ts')).toBe(String(Math.floor(range.start.getTime() / 1000)));
    expect(q.get('period_interval')).toBe('1440');
    expect(await anon.getCandlesticks({ seriesTicker: 'KXBTCMAXY', ticker: 'KXBTCMAXY-26-T150000', start: 0, end: 1_000, periodMinutes: 60 })).toEqual([]);
  });

  it('refuses before sending: a period Kalshi does not have, a range backwards, milliseconds', async () => {
    const sent = sandbox.server.requests.length;
    const base = { seriesTicker: 'KXBTCMAXY', ticker: 'KXBTCMAXY-26-T150000', start: 0, end: 1_000 };
    expect(await caught(anon.getCandlesticks({ ...base, periodMinutes: 5 as 1 }))).toBeInstanceOf(ValidationError);
    expect(await caught(anon.getCandlesticks({ ...base, start: 2_000, periodMinutes: 60 }))).toBeInstanceOf(ValidationError);
    expect(await caught(anon.getCandlesticks({ ...base, end: Date.now(), periodMinutes: 60 }))).toBeInstanceOf(ValidationError);
    expect(await caught(anon.getCandlesticksBatch({ tickers: [], start: 0, end: 1, periodMinutes: 1 }))).toBeInstanceOf(ValidationError);
    expect(sandbox.server.requests.length).toBe(sent);
  });

  it('batch and by event', async () => {
    const range = around();
    const batch = await anon.getCandlesticksBatch({ tickers: ['KXBTCMAXY-26-T150000', 'KXCS2MAJOR-26-NAVI', 'NO-SUCH'], ...range, periodMinutes: 60 });
    expect(batch.map((m) => m.market_ticker).sort()).toEqual(['KXBTCMAXY-26-T150000', 'KXCS2MAJOR-26-NAVI']);
    expect(batch.find((m) => m.market_ticker === 'KXCS2MAJOR-26-NAVI')!.candlesticks[0]!.price.close_dollars).toBe('0.1500');
    const byEvent = await anon.getEventCandlesticks({ seriesTicker: 'KXFEDDECISION', eventTicker: 'KXFEDDECISION-26DEC', ...range, periodMinutes: 60 });
    // The wire's parallel lists: the candles at i are the market's at i.
    expect([...byEvent.market_tickers].sort()).toEqual(['KXFEDDECISION-26DEC-C25', 'KXFEDDECISION-26DEC-H0']);
    expect(byEvent.market_candlesticks[byEvent.market_tickers.indexOf('KXFEDDECISION-26DEC-H0')]![0]!.volume_fp).toBe('15.00');
    expect(byEvent.adjusted_end_ts * 1000).toBeLessThanOrEqual(range.end.getTime() + 3_600_000);
    expect(Object.keys(byEvent).sort()).toEqual(['adjusted_end_ts', 'market_candlesticks', 'market_tickers']);
    expect(await caught(anon.getEventCandlesticks({ seriesTicker: 'KXBTCMAXY', eventTicker: 'KXFEDDECISION-26DEC', ...range, periodMinutes: 60 }))).toMatchObject({ status: 404 });
  });

  it('deposits and withdrawals: paged lists with amounts in integer cents, as sent', async () => {
    const page = await signed.listDeposits({ limit: 10 });
    expect(page.deposits).toHaveLength(1);
    expect(page.deposits[0]!.amount_cents).toBe(25_050);
    expect(page.deposits[0]!.fee_cents).toBe(0);
    expect(Object.keys(page.deposits[0]!)).not.toContain('amount');
    const all = [];
    for await (const d of signed.deposits({ limit: 1 })) all.push(d.id);
    expect(all).toEqual([page.deposits[0]!.id]);
    expect((await signed.listWithdrawals()).withdrawals).toEqual([]);
    expect(await caught(anon.listDeposits())).toBeInstanceOf(CapabilityError);
    expect(await caught(signed.listDeposits({ limit: 501 }))).toBeInstanceOf(ValidationError);
  });
});

describe('kalshi order groups against the sandbox', () => {
  let sandbox: KalshiSandbox;
  let signed: KalshiClient;
  beforeAll(async () => {
    sandbox = new KalshiSandbox();
    const baseUrl = await sandbox.start();
    const user = await sandbox.createUser({ balanceUsd: 10 });
    signed = createKalshiClient({ baseUrl, keyId: user.keyId, privateKeyPem: user.privateKeyPem, retry: { retries: 3, minDelayMs: 10, maxDelayMs: 50 } });
  });
  afterAll(async () => {
    await signed.close();
    await sandbox.close();
  });

  it('create, read, change the limit, trigger, reset, delete: each on the write bucket, the limit an exact decimal', async () => {
    const classes = new Set<string>();
    const off = signed.on('request', (e) => classes.add(`${e.method} ${e.limitClass}`));
    const created = await signed.orderGroups.create({ contractsLimit: '12.5' });
    const wire = sandbox.server.requests.at(-1)!;
    expect(wire.method).toBe('POST');
    expect(wire.path).toBe('/trade-api/v2/portfolio/order_groups/create');
    expect(await signed.orderGroups.list()).toEqual([{ id: created.order_group_id, contracts_limit_fp: '12.50', is_auto_cancel_enabled: true, exchange_index: 0 }]);
    await signed.orderGroups.updateLimit(created.order_group_id, { contractsLimit: 20 });
    expect((await signed.orderGroups.get(created.order_group_id)).contracts_limit_fp).toBe('20.00');
    await signed.orderGroups.trigger(created.order_group_id);
    expect((await signed.orderGroups.get(created.order_group_id)).is_auto_cancel_enabled).toBe(false);
    await signed.orderGroups.reset(created.order_group_id);
    expect((await signed.orderGroups.get(created.order_group_id)).is_auto_cancel_enabled).toBe(true);
    await signed.orderGroups.delete(created.order_group_id);
    expect(await signed.orderGroups.list()).toEqual([]);
    expect(await caught(signed.orderGroups.get(created.order_group_id))).toMatchObject({ status: 404 });
    off();
    expect([...classes].sort()).toEqual(['DELETE write', 'GET read', 'POST write', 'PUT write']);
  });

  it('bad limits are refused before sending', async () => {
    const sent = sandbox.server.requests.length;
    for (const contractsLimit of ['0', '-1', '1.234', 'ten', 0]) expect(await caught(signed.orderGroups.create({ contractsLimit })), String(contractsLimit)).toBeInstanceOf(ValidationError);
    expect(await caught(signed.orderGroups.updateLimit('', { contractsLimit: 1 }))).toBeInstanceOf(ValidationError);
    expect(sandbox.server.requests.length).toBe(sent);
  });

  it('create is never repeated after a lost answer; a trigger (repeat-safe) is', async () => {
    const creates = () => sandbox.server.requests.filter((r) => r.path.endsWith('/order_groups/create')).length;
    const before = creates();
    sandbox.server.inject({ kind: 'reset-after', method: 'POST', path: '/trade-api/v2/portfolio/order_groups/create' });
    const lost = await caught(signed.orderGroups.create({ contractsLimit: 5 }));
    expect(lost).toBeInstanceOf(OutcomeUnknownError);
    expect((lost as Error).message).toContain('orderGroups.list');
    expect(creates()).toBe(before + 1);
    // It was created: the answer was lost, not the request.
    const [g] = await signed.orderGroups.list();
    expect(g).toBeDefined();
    const triggers = () => sandbox.server.requests.filter((r) => r.path.endsWith('/trigger')).length;
    const triggersBefore = triggers();
    sandbox.server.inject({ kind: 'reset-after', method: 'PUT', path: `/trade-api/v2/portfolio/order_groups/${g!.id}/trigger` });
    await signed.orderGroups.trigger(g!.id);
    expect(triggers()).toBe(triggersBefore + 2);
    expect((await signed.orderGroups.get(g!.id)).is_auto_cancel_enabled).toBe(false);
  });
});

describe('kalshi settlements against the sandbox', () => {
  let sandbox: KalshiSandbox;
  let signed: KalshiClient;
  beforeAll(async () => {
    sandbox = new KalshiSandbox();
    const baseUrl = await sandbox.start();
    const user = await sandbox.createUser({ balanceUsd: 50 });
    signed = createKalshiClient({ baseUrl, keyId: user.keyId, privateKeyPem: user.privateKeyPem, retry: { minDelayMs: 10, maxDelayMs: 50 } });
  });
  afterAll(async () => {
    await signed.close();
    await sandbox.close();
  });

  it('a settled position appears with what it paid, in cents as sent; filters and paging are honoured', async () => {
    // Buy 2 YES of NAVI (best NO bid 0.84 → YES ask 0.16), 3 NO of SPIRIT (sell YES into the 0.11 bid).
    await signed.createOrder({ ticker: 'KXCS2MAJOR-26-NAVI', side: 'bid', count: '2', price: '0.16', timeInForce: 'immediate_or_cancel' });
    await signed.createOrder({ ticker: 'KXCS2MAJOR-26-SPIRIT', side: 'ask', count: '3', price: '0.11', timeInForce: 'immediate_or_cancel' });
    sandbox.settleMarket('KXCS2MAJOR-26-NAVI', 'yes');
    sandbox.settleMarket('KXCS2MAJOR-26-SPIRIT', 'yes');
    const all = await signed.listSettlements();
    expect(all.settlements.map((x) => [x.ticker, x.market_result, x.yes_count_fp, x.no_count_fp, x.revenue])).toEqual([
      ['KXCS2MAJOR-26-SPIRIT', 'yes', '0.00', '3.00', 0],
      ['KXCS2MAJOR-26-NAVI', 'yes', '2.00', '0.00', 200],
    ]);
    expect(Object.keys(all.settlements[0]!)).not.toContain('revenueMoney');
    expect((await signed.listSettlements({ ticker: 'KXCS2MAJOR-26-NAVI' })).settlements).toHaveLength(1);
    expect((await signed.listSettlements({ eventTicker: 'KXFEDDECISION-26DEC' })).settlements).toEqual([]);
    expect((await signed.listSettlements({ maxTs: new Date(Date.now() - 3_600_000) })).settlements).toEqual([]);
    const paged = [];
    for await (const x of signed.settlements({ limit: 1 })) paged.push(x.ticker);
    expect(paged).toEqual(['KXCS2MAJOR-26-SPIRIT', 'KXCS2MAJOR-26-NAVI']);
    expect(await caught(signed.listSettlements({ minTs: Date.now() }))).toBeInstanceOf(ValidationError);
  });
});
