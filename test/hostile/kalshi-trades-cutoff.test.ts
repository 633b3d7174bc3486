/**
 * Hostile: Kalshi partitions public trades at the historical cut-off ("the partitioning happens
 * for markets, market_candlesticks, trades, and orders … any record older than the relevant
 * cutoff must be queried through the corresponding historical endpoint"). A bot that reads
 * the live tape and the archive to rebuild a market's volume must see each trade once: once the
 * cut-off passes a trade, it is under /historical/trades and no longer in /markets/trades.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKalshiClient, type KalshiClient } from '../../providers/kalshi/index.js';
import { KalshiSandbox } from '../../providers/kalshi/sandbox.js';
import { setHistoricalCutoff } from '../../providers/kalshi/sandbox-historical.js';

describe('hostile: a public trade is on the live tape or in the archive, never both', () => {
  let sandbox: KalshiSandbox;
  let client: KalshiClient;
  beforeAll(async () => {
    sandbox = new KalshiSandbox();
    const baseUrl = await sandbox.start();
    const user = await sandbox.createUser({ balanceUsd: 100 });
    client = createKalshiClient({ baseUrl, keyId: user.keyId, privateKeyPem: user.privateKeyPem, retry: { minDelayMs: 10, maxDelayMs: 50 } });
  });
  afterAll(async () => {
    await client.close();
    await sandbox.close();
  });

  it('trades before the cut-off leave /markets/trades; later ones stay; together each once', async () => {
    const ticker = 'KXCS2MAJOR-26-NAVI';
    await client.createOrder({ ticker, side: 'bid', count: '2', price: '0.16', timeInForce: 'immediate_or_cancel' });
    const ids = sandbox.engine.trades(ticker).map((t) => t.tradeId);
    expect(ids.length).toBeGreaterThan(0);
    setHistoricalCutoff(sandbox, { tradesCreated: new Date(Date.now() + 1000) });
    await new Promise((r) => setTimeout(r, 1100));
    await client.createOrder({ ticker, side: 'bid', count: '1', price: '0.16', timeInForce: 'immediate_or_cancel' });
    const all = sandbox.engine.trades(ticker).map((t) => t.tradeId);
    const later = all.filter((id) => !ids.includes(id));
    expect(later.length).toBeGreaterThan(0);

    const live = (await client.listTrades({ ticker })).trades.map((t) => t.trade_id);
    const archived = (await client.historical.trades({ ticker })).trades.map((t) => t.trade_id);
    expect(live.filter((id) => archived.includes(id))).toEqual([]);
    expect(live.sort()).toEqual([...later].sort());
    expect([...live, ...archived].filter((id) => all.includes(id)).sort()).toEqual([...all].sort());
  }, 15_000);
});
