/**
 * Hostile: a position archived at the historical cut-off must leave the live list. The spec
 * (GetHistoricalCutoff): settled positions "archived from the live data set" before
 * `market_positions_last_updated_ts` are served by `GET /historical/positions` — so a bot that
 * reads both lists (live + archive) to add up its realized P&L sees each position once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKalshiClient, type KalshiClient } from '../../providers/kalshi/index.js';
import { KalshiSandbox } from '../../providers/kalshi/sandbox.js';
import { setHistoricalCutoff } from '../../providers/kalshi/sandbox-historical.js';

describe('hostile: a settled position is in the live list or the archive, never both', () => {
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

  it('after the cut-off passes a whole settled event, its positions are only in /historical/positions', async () => {
    await client.createOrder({ ticker: 'KXCS2MAJOR-26-NAVI', side: 'bid', count: '3', price: '0.16', timeInForce: 'immediate_or_cancel' });
    await client.createOrder({ ticker: 'KXFEDDECISION-26DEC-C25', side: 'bid', count: '1', price: '0.44', timeInForce: 'immediate_or_cancel' });
    for (const [t, r] of [['KXCS2MAJOR-26-NAVI', 'yes'], ['KXCS2MAJOR-26-VITALITY', 'no'], ['KXCS2MAJOR-26-SPIRIT', 'no']] as const) sandbox.settleMarket(t, r);
    const before = (await client.getPositions()).market_positions.map((p) => p.ticker).sort();
    expect(before).toEqual(['KXCS2MAJOR-26-NAVI', 'KXFEDDECISION-26DEC-C25']);

    setHistoricalCutoff(sandbox, new Date(Date.now() + 1000));
    const archived = (await client.historical.positions()).market_positions.map((p) => p.ticker);
    const live = (await client.getPositions()).market_positions.map((p) => p.ticker);
    expect(archived).toEqual(['KXCS2MAJOR-26-NAVI']);
    // Each position once across the two lists; the unsettled event's position stays live.
    expect(live.filter((t) => archived.includes(t))).toEqual([]);
    expect([...live, ...archived].sort()).toEqual(before);
  });
});
