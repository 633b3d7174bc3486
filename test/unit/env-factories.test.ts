/**
 * Factories read their own environment (src/env.ts): credentials and endpoints from the
 * variables when the options leave them out, never a key completed half from code and half
 * from the environment, and never environment credentials sent to an endpoint set in code.
 */
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCs2CapClient, createCsboardClient, createKalshiClient, createMarketClient, generateRsaKeyPair, ValidationError, type MarketProvider } from '../../src/index.js';
import { caught, testKey } from '../helpers.js';
import { offlineWireTests } from '../offline.js';

const KALSHI = 'https://external-api.kalshi.com';
const CS2C_KEY = testKey('sk_live_');
const CSB_READ = testKey('csb_pub_');
const CSB_TRADE = testKey('csb_pub_');

describe('factories read their environment', () => {
  let pem: string;
  let client: MarketProvider | undefined;
  offlineWireTests(() => client);
  beforeAll(async () => {
    pem = (await generateRsaKeyPair()).privateKeyPem;
  });
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });

  /** The headers of one GET the client sends to `origin` + `path`. */
  const headersOf = async (origin: string, path: string, send: () => Promise<unknown>): Promise<Record<string, string>> => {
    let seen: Record<string, string> = {};
    nock(origin)
      .get(path)
      .reply(function () {
        seen = this.req.headers as Record<string, string>;
        return [200, { balance: 100, balance_dollars: '1.0000', portfolio_value: 0, updated_ts: 1 }];
      });
    await send();
    return seen;
  };

  it('createKalshiClient() with no arguments signs with KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY from process.env', async () => {
    process.env.KALSHI_API_KEY_ID = 'env-key-1';
    process.env.KALSHI_PRIVATE_KEY = pem;
    const kalshi = (client = createKalshiClient({ retry: { retries: 0 } }));
    const seen = await headersOf(KALSHI, '/trade-api/v2/portfolio/balance', () => kalshi.getBalance());
    expect(seen['kalshi-access-key']).toBe('env-key-1');
    expect(seen['kalshi-access-signature']).toBeTruthy();
  });

  it('KALSHI_API_BASE points it elsewhere, with the environment credentials', async () => {
    const kalshi = (client = createKalshiClient({ env: { KALSHI_API_BASE: 'https://kalshi.proxy.test/trade-api/v2', KALSHI_API_KEY_ID: 'env-key-2', KALSHI_PRIVATE_KEY: pem }, retry: { retries: 0 } }));
    const seen = await headersOf('https://kalshi.proxy.test', '/trade-api/v2/portfolio/balance', () => kalshi.getBalance());
    expect(seen['kalshi-access-key']).toBe('env-key-2');
  });

  it('a baseUrl set in code never gets the environment credentials (the call is unsigned, refused locally)', async () => {
    process.env.KALSHI_API_KEY_ID = 'env-key-3';
    process.env.KALSHI_PRIVATE_KEY = pem;
    const kalshi = (client = createKalshiClient({ baseUrl: 'https://elsewhere.test/trade-api/v2', retry: { retries: 0 } }));
    const error = await caught(kalshi.getBalance());
    expect(error).toMatchObject({ code: 'capability_missing' });
    expect(JSON.stringify(error)).not.toContain('env-key-3');
  });

  it('a key id given in code is not completed with a private key from the environment', async () => {
    process.env.KALSHI_PRIVATE_KEY = pem;
    const error = await caught(Promise.resolve().then(() => createKalshiClient({ keyId: 'code-key' })));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toContain('keyId');
  });

  it('env: false reads nothing; a missing CS2Cap key names its variable', async () => {
    process.env.CS2C_API_KEY = CS2C_KEY;
    const error = await caught(Promise.resolve().then(() => createCs2CapClient({ env: false })));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toMatch(/apiKey: required: give apiKey or set CS2C_API_KEY/);
    const cs2cap = (client = createCs2CapClient({ retry: { retries: 0 } }));
    let auth = '';
    nock('https://api.cs2c.app')
      .get('/v1/account/key')
      .reply(function () {
        auth = String(this.req.headers.authorization);
        return [500, {}];
      });
    await caught(cs2cap.getKeyInfo());
    expect(auth).toBe(`Bearer ${CS2C_KEY}`);
  });

  it('env must be false or a record', async () => {
    const error = await caught(Promise.resolve().then(() => createCs2CapClient({ env: 'CS2C_API_KEY' as never })));
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['env']);
  });

  it('CSBoard: CSBOARD_TRADING_API_KEY is a trading key; CSBOARD_API_KEY is read-only unless CSBOARD_TRADING says so', async () => {
    const trading = (client = createCsboardClient({ env: { CSBOARD_TRADING_API_KEY: CSB_TRADE, CSBOARD_API_KEY: CSB_READ } }));
    expect(trading.has.trading).toBe(true);
    await trading.close();
    const read = (client = createCsboardClient({ env: { CSBOARD_API_KEY: CSB_READ } }));
    expect(read.has.trading).toBe(false);
    await read.close();
    const marked = (client = createCsboardClient({ env: { CSBOARD_API_KEY: CSB_READ, CSBOARD_TRADING: 'true' } }));
    expect(marked.has.trading).toBe(true);
    await marked.close();
    const bad = await caught(Promise.resolve().then(() => createCsboardClient({ env: { CSBOARD_API_KEY: CSB_READ, CSBOARD_TRADING: 'yes please' } })));
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).issues).toEqual([{ path: 'CSBOARD_TRADING', message: 'must be true, false, 1, 0 or detect' }]);
    // A key given in code does not take the environment's trading flag.
    const coded = (client = createCsboardClient({ apiKey: CSB_READ, env: { CSBOARD_TRADING: 'true' } }));
    expect(coded.has.trading).toBe(false);
  });

  it('createMarketClient() from the environment can buy on CSBoard with the trading key', async () => {
    const market = createMarketClient({ env: { CSBOARD_TRADING_API_KEY: CSB_TRADE } });
    client = market as unknown as MarketProvider;
    expect(market.csboard?.has.trading).toBe(true);
    expect(market.cs2cap).toBeUndefined();
  });
});
