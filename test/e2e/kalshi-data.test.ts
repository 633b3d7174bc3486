/**
 * The market-data calls (providers/kalshi/data-calls.ts) against the sandbox: live data,
 * game stats, event live data, the weather index, milestones, structured targets, sport
 * filters, incentive programs, forecast history and multivariate collections — every filter
 * and paging parameter, the documented error statuses, and the combo market created once per
 * combination (a repeat, also a retried lost answer, returns the same market).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapabilityError, InvalidRequestError, ValidationError } from '../../src/errors.js';
import { createKalshiClient, type KalshiClient } from '../../providers/kalshi/index.js';
import { KalshiSandbox } from '../../providers/kalshi/sandbox.js';
import { comboMarkets } from '../../providers/kalshi/sandbox-data.js';
import { caught } from '../helpers.js';

const CROSS = 'KXMVECROSS-26';
const FED_C25 = { marketTicker: 'KXFEDDECISION-26DEC-C25', eventTicker: 'KXFEDDECISION-26DEC', side: 'yes' } as const;
const BTC_150 = { marketTicker: 'KXBTCMAXY-26-T150000', eventTicker: 'KXBTCMAXY-26', side: 'yes' } as const;

describe('kalshi market-data calls against the sandbox', () => {
  let sandbox: KalshiSandbox;
  let anon: KalshiClient;
  let signed: KalshiClient;
  beforeAll(async () => {
    sandbox = new KalshiSandbox();
    const baseUrl = await sandbox.start();
    const user = await sandbox.createUser({ balanceUsd: 100 });
    anon = createKalshiClient({ baseUrl, retry: { minDelayMs: 10, maxDelayMs: 50 } });
    signed = createKalshiClient({ baseUrl, keyId: user.keyId, privateKeyPem: user.privateKeyPem, retry: { minDelayMs: 10, maxDelayMs: 50 } });
  });
  afterAll(async () => {
    await anon.close();
    await signed.close();
    await sandbox.close();
  });
  const last = () => sandbox.server.requests.at(-1)!;
  const sent = () => sandbox.server.requests.length;

  describe('milestones', () => {
    it('lists with every filter, sends the required limit, pages, and gets one', async () => {
      const all = await anon.milestones.list();
      expect(last().query).toContain('limit=100');
      expect(all.milestones.map((m) => m.id)).toEqual(['ms-cs2-major-26-final', 'ms-fomc-26dec', 'ms-btc-26', 'ms-nba-26nov30-bosnyk']);
      expect(all.milestones[0]).toMatchObject({ category: 'Esports', related_event_tickers: ['KXCS2MAJOR-26'], details: { best_of: 3 } });
      const ids = async (q: Parameters<KalshiClient['milestones']['list']>[0]) => (await anon.milestones.list(q)).milestones.map((m) => m.id);
      expect(await ids({ category: 'Crypto' })).toEqual(['ms-btc-26']);
      expect(await ids({ competition: 'Pro Basketball (M)' })).toEqual(['ms-nba-26nov30-bosnyk']);
      expect(await ids({ type: 'fomc_meeting' })).toEqual(['ms-fomc-26dec']);
      expect(await ids({ relatedEventTicker: 'KXCS2MAJOR-26' })).toEqual(['ms-cs2-major-26-final']);
      expect(await ids({ sourceId: 'cfb-brti' })).toEqual(['ms-btc-26']);
      expect(await ids({ minimumStartDate: new Date('2026-11-01T00:00:00Z') })).toEqual(['ms-fomc-26dec', 'ms-nba-26nov30-bosnyk']);
      expect(decodeURIComponent(last().query)).toContain('minimum_start_date=2026-11-01T00:00:00.000Z');
      expect(await ids({ minUpdatedTs: new Date('2026-11-15T00:00:00Z') })).toEqual(['ms-nba-26nov30-bosnyk']);
      expect(last().query).toContain(`min_updated_ts=${Date.parse('2026-11-15T00:00:00Z') / 1000}`);
      const paged: string[] = [];
      const before = sent();
      for await (const m of anon.milestones.all({ limit: 1 })) paged.push(m.id);
      expect(paged).toHaveLength(4);
      expect(sent() - before).toBe(4);
      expect((await anon.milestones.get('ms-fomc-26dec')).title).toBe('FOMC meeting, December 2026');
      expect(await caught(anon.milestones.get('ms-none'))).toMatchObject({ status: 404 });
      expect(await caught(anon.milestones.list({ limit: 501 }))).toBeInstanceOf(ValidationError);
    });
  });

  describe('live data', () => {
    it('per milestone and type, with player stats only when asked, in batches, and 404s', async () => {
      const cs2 = await anon.liveData.get('cs2_match', 'ms-cs2-major-26-final');
      expect(cs2).toMatchObject({ type: 'cs2_match', milestone_id: 'ms-cs2-major-26-final', details: { status: 'final', winner: 'Vitality' } });
      expect(await caught(anon.liveData.get('basketball_game', 'ms-cs2-major-26-final'))).toMatchObject({ status: 404 });
      const nba = await anon.liveData.byMilestone('ms-nba-26nov30-bosnyk');
      expect(nba.details).not.toHaveProperty('player_stats');
      const withPlayers = await anon.liveData.byMilestone('ms-nba-26nov30-bosnyk', { includePlayerStats: true });
      expect(withPlayers.details.player_stats).toHaveLength(2);
      // No effect for a sport without player mappings.
      expect((await anon.liveData.get('cs2_match', 'ms-cs2-major-26-final', { includePlayerStats: true })).details).not.toHaveProperty('player_stats');
      expect(await caught(anon.liveData.byMilestone('ms-none'))).toMatchObject({ status: 404 });
      const batch = await anon.liveData.batch(['ms-btc-26', 'ms-none', 'ms-fomc-26dec']);
      expect(last().query).toBe('?milestone_ids=ms-btc-26&milestone_ids=ms-none&milestone_ids=ms-fomc-26dec');
      expect(batch.map((l) => l.milestone_id)).toEqual(['ms-btc-26', 'ms-fomc-26dec']);
    });

    it('game stats: periods of a game; none for a meeting', async () => {
      const stats = await anon.liveData.gameStats('ms-cs2-major-26-final');
      expect(stats.periods).toHaveLength(3);
      expect(stats.periods?.[0]?.events?.[0]).toEqual({ round: 1, winner: 'Vitality', type: 'elimination' });
      expect((await anon.liveData.gameStats('ms-nba-26nov30-bosnyk')).periods).toHaveLength(4);
      expect(await caught(anon.liveData.gameStats('ms-fomc-26dec'))).toMatchObject({ status: 404 });
    });

    it('event live data: the range narrows the timeseries; an ended event is historical', async () => {
      const day = await anon.liveData.forEvent('KXBTCMAXY-26');
      expect(day).toMatchObject({ type: 'crypto_price', default_range: '1d', range_options: ['15min', '1h', '1d'], is_historical: false });
      const series = (d: typeof day) => d.details.timeseries as { ts: number; price_dollars: string }[];
      expect(series(day)).toHaveLength(25);
      const hour = await anon.liveData.forEvent('KXBTCMAXY-26', { range: '1h' });
      expect(series(hour)).toHaveLength(13);
      expect(series(hour)[1]!.ts - series(hour)[0]!.ts).toBe(300);
      expect(series(await anon.liveData.forEvent('KXBTCMAXY-26', { range: '15min' }))).toHaveLength(16);
      expect(await anon.liveData.forEvent('KXCS2MAJOR-26')).toMatchObject({ type: 'cs2_match', is_historical: true, details: { winner: 'Vitality' } });
      expect(await caught(anon.liveData.forEvent('KXNOPE-26'))).toMatchObject({ status: 404 });
      expect(await caught(anon.liveData.forEvent('KXBTCMAXY-26', { range: '1 h' }))).toBeInstanceOf(ValidationError);
    });

    it('weather index: a window in milliseconds (Dates or ms), trailing seconds, detail, calibrations', async () => {
      const from = new Date('2026-11-01T00:00:00Z');
      const to = new Date('2026-11-01T01:00:00Z');
      const hour = await anon.liveData.weather('miami', { from, to });
      expect(last().query).toBe(`?from=${from.getTime()}&to=${to.getTime()}`);
      expect(hour).toMatchObject({ city: 'miami', units: 'F', config_version: 'miami-v2' });
      expect(hour.timeseries).toHaveLength(13);
      expect(hour.timeseries[0]).toMatchObject({ t: from.getTime(), status: 'final', contributors: 3 });
      expect(hour.timeseries[0]).not.toHaveProperty('stations');
      const same = await anon.liveData.weather('miami', { from: from.getTime(), to: to.getTime(), detailed: true });
      expect(same.timeseries.map((p) => p.v)).toEqual(hour.timeseries.map((p) => p.v));
      expect(same.timeseries[0]!.stations?.map((s) => s.station_id)).toEqual(['KMIA', 'KTMB', 'KOPF']);
      const trailing = await anon.liveData.weather('chicago', { lastSeconds: 3600 });
      expect(last().query).toBe('?last_sec=3600');
      expect(trailing.timeseries.length).toBeGreaterThanOrEqual(12);
      expect(trailing.timeseries.length).toBeLessThanOrEqual(13);
      expect(trailing.timeseries.at(-1)!.status).toBe('preliminary');
      expect((await anon.liveData.weather('chicago')).timeseries.length).toBeGreaterThanOrEqual(288);
      const before = sent();
      // Seconds where milliseconds are due, a lone `from`, both kinds of window: refused before sending.
      for (const bad of [{ from: 1_790_000_000, to: 1_790_003_600 }, { from }, { lastSeconds: 60, to }, { from: to, to: from }]) {
        expect(await caught(anon.liveData.weather('miami', bad)), JSON.stringify(bad)).toBeInstanceOf(ValidationError);
      }
      expect(sent()).toBe(before);
      expect(await caught(anon.liveData.weather('atlantis'))).toMatchObject({ status: 400 });
      const cal = await anon.liveData.weatherCalibrations('chicago');
      expect(cal.calibrations.map((k) => [k.config_version, k.effective_at_ms])).toEqual([['chicago-v1', Date.parse('2026-01-01T00:00:00Z')], ['chicago-v2', Date.parse('2026-10-01T00:00:00Z')]]);
      expect(cal.calibrations[0]!.stations).toEqual([{ station_id: 'KORD', weight: 0.55, offset_c: 0 }, { station_id: 'KMDW', weight: 0.45, offset_c: 0.3 }]);
      expect(await caught(anon.liveData.weatherCalibrations('atlantis'))).toBeInstanceOf(InvalidRequestError);
    });
  });

  describe('structured targets and sport filters', () => {
    it('filters by ids, type and competition (league, conference or any league), pages by page_size, keeps details', async () => {
      const names = async (q: Parameters<KalshiClient['structuredTargets']['list']>[0]) => (await anon.structuredTargets.list(q)).structured_targets.map((t) => t.id);
      expect(await names({})).toHaveLength(7);
      expect(await names({ type: 'esports_team' })).toEqual(['st-cs2-vitality', 'st-cs2-navi', 'st-cs2-spirit']);
      expect(await names({ competition: 'ESL Pro League' })).toEqual(['st-cs2-vitality', 'st-cs2-navi']);
      expect(await names({ competition: 'Eastern', type: 'basketball_player' })).toEqual(['st-nba-bos-guard', 'st-nba-nyk-center']);
      expect(await names({ ids: ['st-nba-bos', 'st-cs2-spirit'] })).toEqual(['st-cs2-spirit', 'st-nba-bos']);
      expect(last().query).toBe('?ids=st-nba-bos&ids=st-cs2-spirit');
      const before = sent();
      const all: string[] = [];
      for await (const t of anon.structuredTargets.all({ pageSize: 2 })) all.push(t.id!);
      expect(all).toHaveLength(7);
      expect(sent() - before).toBe(4);
      expect(sandbox.server.requests.at(-4)!.query).toBe('?page_size=2');
      const vitality = await anon.structuredTargets.get('st-cs2-vitality');
      expect(vitality).toMatchObject({ name: 'Team Vitality', details: { region: 'Europe', leagues: ['CS2 Major', 'ESL Pro League'] } });
      expect(await caught(anon.structuredTargets.get('st-none'))).toMatchObject({ status: 404 });
      expect(await caught(anon.structuredTargets.list({ pageSize: 2001 }))).toBeInstanceOf(ValidationError);
    });

    it('sport filters', async () => {
      const f = await anon.getSportFilters();
      expect(f.sport_ordering).toEqual(['Basketball', 'Esports']);
      expect(f.filters_by_sports.Esports?.competitions['CS2 Major']?.scopes).toEqual(['Futures', 'Games']);
    });
  });

  describe('incentive programs', () => {
    it('filters by status, type and description; rewards in integer centi-cents as sent; pages by next_cursor', async () => {
      const all = (await anon.incentivePrograms.list()).incentive_programs;
      expect(all).toHaveLength(6);
      const btc = all.find((p) => p.market_ticker === 'KXBTCMAXY-26-T150000')!;
      // 2 500 050 centi-cents = $250.0050, exactly, as sent; no Money copy beside it.
      expect(btc.period_reward).toBe(2_500_050);
      expect(btc.max_reward_per_account ?? undefined).toBeUndefined();
      expect(btc).not.toHaveProperty('periodRewardMoney');
      const fed = all.find((p) => p.market_ticker === 'KXFEDDECISION-26DEC-C25')!;
      expect([fed.period_reward, fed.max_reward_per_account, fed.target_size_fp]).toEqual([5_000_000, 1_000_000, '100.00']);
      const tickers = async (q: Parameters<KalshiClient['incentivePrograms']['list']>[0]) => (await anon.incentivePrograms.list(q)).incentive_programs.map((p) => p.market_ticker);
      expect(await tickers({ status: 'active' })).toEqual(['KXFEDDECISION-26DEC-C25', 'KXBTCMAXY-26-T150000', 'KXCS2MAJOR-26-NAVI']);
      expect(await tickers({ status: 'upcoming' })).toEqual(['KXFEDDECISION-26DEC-H0']);
      expect(await tickers({ status: 'closed' })).toEqual(['KXBTCMAXY-26-T200000']);
      expect(await tickers({ status: 'paid_out' })).toEqual(['KXCS2MAJOR-26-VITALITY']);
      expect(await tickers({ type: 'volume' })).toEqual(['KXBTCMAXY-26-T150000', 'KXBTCMAXY-26-T200000']);
      expect(await tickers({ type: 'liquidity', status: 'active' })).toEqual(['KXFEDDECISION-26DEC-C25']);
      expect(await tickers({ incentiveDescription: 'CS2 Major maker volume' })).toEqual(['KXCS2MAJOR-26-NAVI']);
      const page = await anon.incentivePrograms.list({ limit: 4 });
      expect(page.next_cursor).toBeTruthy();
      expect((await anon.incentivePrograms.list({ limit: 4, cursor: page.next_cursor! })).next_cursor).toBeUndefined();
      const before = sent();
      let n = 0;
      for await (const _ of anon.incentivePrograms.all({ limit: 5 })) n++;
      expect([n, sent() - before]).toEqual([6, 2]);
      expect(await caught(anon.incentivePrograms.list({ status: 'ended' as never }))).toBeInstanceOf(ValidationError);
    });
  });

  describe('forecast history (signed)', () => {
    const query = { seriesTicker: 'KXFEDDECISION', eventTicker: 'KXFEDDECISION-26DEC', percentiles: [2500, 5000, 7500], start: new Date('2026-06-01T00:00:00Z'), end: new Date('2026-06-01T05:00:00Z'), periodMinutes: 60 } as const;
    it('periods in the range at the percentiles asked, ordered by percentile', async () => {
      expect(await caught(anon.getEventForecastHistory(query))).toBeInstanceOf(CapabilityError);
      const history = await signed.getEventForecastHistory(query);
      expect(last().query).toBe(`?percentiles=2500&percentiles=5000&percentiles=7500&start_ts=${Date.parse('2026-06-01T00:00:00Z') / 1000}&end_ts=${Date.parse('2026-06-01T05:00:00Z') / 1000}&period_interval=60`);
      expect(history.map((p) => p.end_period_ts)).toEqual([0, 1, 2, 3, 4, 5].map((h) => Date.parse('2026-06-01T00:00:00Z') / 1000 + h * 3600));
      for (const p of history) {
        expect(p).toMatchObject({ event_ticker: 'KXFEDDECISION-26DEC', period_interval: 60 });
        const values = p.percentile_points.map((x) => x.numerical_forecast);
        expect(values).toEqual([...values].sort((a, b) => a - b));
        expect(p.percentile_points[1]!.formatted_forecast).toMatch(/^\d\.\d\d%$/);
      }
      const fiveSeconds = await signed.getEventForecastHistory({ ...query, end: new Date('2026-06-01T00:01:00Z'), periodMinutes: 0 });
      expect(fiveSeconds).toHaveLength(13);
      expect(await signed.getEventForecastHistory({ ...query, seriesTicker: 'KXCS2MAJOR', eventTicker: 'KXCS2MAJOR-26' })).toEqual([]);
      expect(await caught(signed.getEventForecastHistory({ ...query, seriesTicker: 'KXBTCMAXY' }))).toMatchObject({ status: 400 });
      const before = sent();
      for (const bad of [{ percentiles: [10_000] }, { percentiles: [] }, { percentiles: Array.from({ length: 11 }, (_, i) => i) }, { periodMinutes: 5 }, { start: Date.parse('2026-06-01T00:00:00Z') }, { start: query.end, end: query.start }]) {
        expect(await caught(signed.getEventForecastHistory({ ...query, ...bad } as never)), JSON.stringify(bad)).toBeInstanceOf(ValidationError);
      }
      expect(sent()).toBe(before);
    });
  });

  it('the sample of docs/kalshi.md runs as written', async () => {
    const kalshi = signed;
    const made = await kalshi.multivariate.createMarket('KXMVECROSS-26', {
      selectedMarkets: [
        { marketTicker: 'KXFEDDECISION-26DEC-C25', eventTicker: 'KXFEDDECISION-26DEC', side: 'yes' },
        { marketTicker: 'KXBTCMAXY-26-T150000', eventTicker: 'KXBTCMAXY-26', side: 'yes' },
      ],
    });
    const prices: string[] = [];
    for await (const t of kalshi.historical.allTrades({ minTs: new Date('2025-12-01T00:00:00Z'), isBlockTrade: false })) prices.push(t.yes_price_dollars);
    expect(made.market_ticker).toBe(comboMarkets(sandbox)[0]!.marketTicker);
    expect(prices).toHaveLength(8);
  });

  describe('multivariate collections', () => {
    it('lists collections by status, event and series, pages, and gets one', async () => {
      const tickers = async (q: Parameters<KalshiClient['multivariate']['listCollections']>[0]) => (await anon.multivariate.listCollections(q)).multivariate_contracts.map((c) => c.collection_ticker);
      expect(await tickers({})).toEqual(['KXMVECROSS-26', 'KXMVECS2-25', 'KXMVECS2-27']);
      expect(await tickers({ status: 'open' })).toEqual(['KXMVECROSS-26']);
      expect(await tickers({ status: 'closed' })).toEqual(['KXMVECS2-25']);
      expect(await tickers({ status: 'unopened' })).toEqual(['KXMVECS2-27']);
      expect(await tickers({ associatedEventTicker: 'KXBTCMAXY-26' })).toEqual(['KXMVECROSS-26']);
      expect(await tickers({ seriesTicker: 'KXMVECS2' })).toEqual(['KXMVECS2-25', 'KXMVECS2-27']);
      const paged: string[] = [];
      for await (const c of anon.multivariate.collections({ limit: 2 })) paged.push(c.collection_ticker);
      expect(paged).toHaveLength(3);
      const cross = await anon.multivariate.getCollection(CROSS);
      expect(cross).toMatchObject({ size_min: 2, size_max: 3, is_ordered: false, exchange_index: 1, is_single_market_per_event: true, is_all_yes: false });
      expect(cross.associated_events.find((e) => e.ticker === 'KXBTCMAXY-26')).toMatchObject({ is_yes_only: true, size_max: 1 });
      expect(await caught(anon.multivariate.getCollection('KXMVENONE-26'))).toMatchObject({ status: 404 });
    });

    it('a combination has one market: a repeat (legs in any order) and a retried lost answer return it, nothing new is made', async () => {
      expect(await caught(anon.multivariate.createMarket(CROSS, { selectedMarkets: [FED_C25, BTC_150] }))).toBeInstanceOf(CapabilityError);
      const seeded = comboMarkets(sandbox)[0]!;
      const again = await signed.multivariate.createMarket(CROSS, { selectedMarkets: [BTC_150, FED_C25] });
      expect(again).toEqual({ event_ticker: seeded.eventTicker, market_ticker: seeded.marketTicker });
      const count = comboMarkets(sandbox).length;
      const pick = { selectedMarkets: [{ marketTicker: 'KXFEDDECISION-26DEC-H0', eventTicker: 'KXFEDDECISION-26DEC', side: 'no' as const }, { marketTicker: 'KXCS2MAJOR-26-NAVI', eventTicker: 'KXCS2MAJOR-26', side: 'yes' as const }], withMarketPayload: true };
      const made = await signed.multivariate.createMarket(CROSS, pick);
      expect(last()).toMatchObject({ method: 'POST', path: `/trade-api/v2/multivariate_event_collections/${CROSS}`, status: 200 });
      expect(made.market_ticker.startsWith(`${made.event_ticker}-`)).toBe(true);
      expect(made.market).toMatchObject({ ticker: made.market_ticker, status: 'active', mve_collection_ticker: CROSS, exchange_index: 1 });
      expect(made.market?.mve_selected_legs?.map((l) => l.market_ticker)).toEqual(['KXCS2MAJOR-26-NAVI', 'KXFEDDECISION-26DEC-H0']);
      expect(comboMarkets(sandbox)).toHaveLength(count + 1);
      // The answer is lost after the server made the market: the client repeats, and gets the same one.
      sandbox.server.inject({ kind: 'reset-after', method: 'POST', path: `/trade-api/v2/multivariate_event_collections/${CROSS}` });
      const before = sent();
      const retried = await signed.multivariate.createMarket(CROSS, { selectedMarkets: [...pick.selectedMarkets].reverse() });
      expect(sent() - before).toBe(2);
      expect(retried).toEqual({ event_ticker: made.event_ticker, market_ticker: made.market_ticker });
      expect(comboMarkets(sandbox)).toHaveLength(count + 1);
    });

    it('refuses combinations the collection does not allow (400) and malformed ones before sending', async () => {
      const refused = async (collection: string, legs: { marketTicker: string; eventTicker: string; side: 'yes' | 'no' }[]) => caught(signed.multivariate.createMarket(collection, { selectedMarkets: legs }));
      expect(await refused(CROSS, [FED_C25])).toMatchObject({ status: 400 });
      expect(await refused(CROSS, [FED_C25, { ...BTC_150, side: 'no' }])).toMatchObject({ status: 400 });
      expect(await refused(CROSS, [FED_C25, { marketTicker: 'KXFEDDECISION-26DEC-H0', eventTicker: 'KXFEDDECISION-26DEC', side: 'yes' }])).toMatchObject({ status: 400 });
      expect(await refused(CROSS, [FED_C25, { marketTicker: 'KXCS2MAJOR-26-NAVI', eventTicker: 'KXBTCMAXY-26', side: 'yes' }])).toMatchObject({ status: 400 });
      expect(await refused('KXMVECS2-25', [{ marketTicker: 'KXCS2MAJOR-26-NAVI', eventTicker: 'KXCS2MAJOR-26', side: 'yes' }, { marketTicker: 'KXCS2MAJOR-26-SPIRIT', eventTicker: 'KXCS2MAJOR-26', side: 'yes' }])).toMatchObject({ status: 400 });
      expect(await refused('KXMVENONE-26', [FED_C25, BTC_150])).toMatchObject({ status: 400 });
      const before = sent();
      expect(await refused(CROSS, [])).toBeInstanceOf(ValidationError);
      expect(await refused(CROSS, [{ ...FED_C25, side: 'maybe' as never }])).toBeInstanceOf(ValidationError);
      expect(await caught(signed.multivariate.createMarket('', { selectedMarkets: [FED_C25, BTC_150] }))).toBeInstanceOf(ValidationError);
      expect(sent()).toBe(before);
    });

    it('multivariate events are the combinations made: filters, nested markets, paging', async () => {
      const made = comboMarkets(sandbox);
      const events = (await anon.multivariate.listEvents()).events;
      expect(events.map((e) => e.event_ticker).sort()).toEqual([...new Set(made.map((m) => m.eventTicker))].sort());
      expect(events[0]).toMatchObject({ series_ticker: 'KXMVECROSS', mutually_exclusive: false });
      expect(events[0]).not.toHaveProperty('markets');
      const nested = (await anon.multivariate.listEvents({ collectionTicker: CROSS, withNestedMarkets: true })).events;
      expect(nested.flatMap((e) => e.markets ?? []).map((m) => m.ticker).sort()).toEqual(made.map((m) => m.marketTicker).sort());
      expect((await anon.multivariate.listEvents({ seriesTicker: 'KXMVECS2' })).events).toEqual([]);
      expect((await anon.multivariate.listEvents({ collectionTicker: 'KXMVECS2-25' })).events).toEqual([]);
      let n = 0;
      for await (const _ of anon.multivariate.events({ limit: 1 })) n++;
      expect(n).toBe(events.length);
      expect(await caught(anon.multivariate.listEvents({ seriesTicker: 'KXMVECROSS', collectionTicker: CROSS }))).toBeInstanceOf(ValidationError);
    });
  });
});
