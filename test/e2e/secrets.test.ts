import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCs2CapClient, createCsboardClient, createKalshiClient, createMarketClient } from '../../src/index.js';
import { startSandbox, type Sandbox } from '../../src/testkit/index.js';
import { caught, collectEvents, expectNoSecret } from '../helpers.js';

describe('no secret in any error, event, log line or snapshot of an object', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox();
  });
  afterAll(() => sb.close());

  it('all three clients, the market client, their errors and events', async () => {
    const pemBody = sb.kalshi.privateKeyPem.split('\n').slice(1, -2).join('');
    const secrets = [sb.cs2cap.apiKey, sb.csboard.apiKey, sb.csboard.tradingApiKey, pemBody.slice(0, 64), pemBody.slice(-64)];
    const { seen, on } = collectEvents();
    const retry = { retries: 1, minDelayMs: 1 };
    const cs2cap = createCs2CapClient({ apiKey: sb.cs2cap.apiKey, baseUrl: sb.cs2cap.baseUrl, on, retry });
    const csboard = createCsboardClient({ apiKey: sb.csboard.tradingApiKey, baseUrl: sb.csboard.baseUrl, trading: true, on, retry });
    const kalshi = createKalshiClient({ keyId: sb.kalshi.keyId, privateKeyPem: sb.kalshi.privateKeyPem, baseUrl: sb.kalshi.baseUrl, on, retry });
    const market = createMarketClient({ env: sb.env });

    const errors: unknown[] = [];
    // Servers that echo credentials back into their error text.
    sb.cs2cap.server.server.inject({ kind: 'status', status: 403, path: '/v1/fx', body: { code: 'FORBIDDEN', detail: `key ${sb.cs2cap.apiKey} not allowed` } });
    errors.push(await caught(cs2cap.getFxRates()));
    sb.csboard.server.server.inject({ kind: 'status', status: 400, path: '/v1/orders', body: { code: 'invalid_request', detail: `bad request from ${sb.csboard.tradingApiKey}` } });
    errors.push(await caught(csboard.placeOrder({ itemIds: ['itm_8840001'], maxPriceUsd: 1 })));
    sb.kalshi.server.server.inject({ kind: 'status', status: 503, times: 2, path: '/trade-api/v2/portfolio/balance', body: { msg: 'down' } });
    errors.push(await caught(kalshi.getBalance()));
    sb.kalshi.server.server.inject({ kind: 'hang', path: '/trade-api/v2/portfolio/fills', times: 2 });
    errors.push(await caught(kalshi.getFills({}, { timeoutMs: 100 })));
    await kalshi.getBalance();
    await market.compare('AK-47 | Redline (Field-Tested)');

    expect(errors).toHaveLength(4);
    for (const e of errors) expectNoSecret(e, ...secrets);
    expect(seen.length).toBeGreaterThan(5);
    expectNoSecret(seen, ...secrets);
    for (const object of [cs2cap, csboard, kalshi, market]) {
      expectNoSecret(object, ...secrets);
      expect(inspect(object, { showHidden: true, depth: 6 })).not.toMatch(/PRIVATE KEY/);
    }
    await Promise.all([cs2cap.close(), csboard.close(), kalshi.close(), market.close()]);
  });
});
