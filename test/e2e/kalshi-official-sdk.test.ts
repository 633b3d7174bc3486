/**
 * Kalshi's official SDK (`kalshi-typescript`, the version bench/peers pins) against the sandbox:
 * a scripted run — balance, markets, an order book, create / amend / cancel an order, a fill,
 * API keys — with the SDK's own request building and RSA-PSS signing (its `auth.ts`), proof
 * that the sandbox speaks the API the SDK was generated for. Every answer is also checked
 * against the spec (test/contract/kalshi-spec.ts).
 *
 * The SDK signs in an interceptor it adds to the axios instance it is given (the global one by
 * default, reference/kalshi.md §8): each API object here gets a private `axios.create()`, so
 * nothing else in the process is signed with these keys.
 */
import axios from 'axios';
import { ApiKeysApi, Configuration, MarketApi, OrdersApi, PortfolioApi } from 'kalshi-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pemLabel } from '../../src/crypto/rsa-keys.js';
import { KalshiSandbox } from '../../providers/kalshi/sandbox.js';
import { answerProblems } from '../contract/kalshi-spec.js';

const PKCS1_LABEL = ['RSA', 'PRIVATE', 'KEY'].join(' ');

const FED = 'KXFEDDECISION-26DEC-C25';
/** The axios instance type the SDK's constructors take. */
type SdkAxios = NonNullable<ConstructorParameters<typeof MarketApi>[2]>;

interface Sdk {
  market: MarketApi;
  portfolio: PortfolioApi;
  orders: OrdersApi;
  keys: ApiKeysApi;
}

describe('the official kalshi-typescript SDK against the sandbox', () => {
  let sandbox: KalshiSandbox;
  let basePath: string;
  let user: { userId: string; keyId: string; privateKeyPem: string };
  const problems: string[] = [];

  const sdk = (apiKey: string, privateKeyPem: string): Sdk => {
    const configuration = new Configuration({ apiKey, privateKeyPem, basePath });
    // The SDK's typings see axios's CommonJS declarations, this file its ESM ones: the same axios, two type identities.
    const own = (): SdkAxios => axios.create() as unknown as SdkAxios;
    return { market: new MarketApi(configuration, basePath, own()), portfolio: new PortfolioApi(configuration, basePath, own()), orders: new OrdersApi(configuration, basePath, own()), keys: new ApiKeysApi(configuration, basePath, own()) };
  };
  const statusOf = async (p: Promise<unknown>): Promise<number | undefined> => {
    try {
      await p;
    } catch (error) {
      return (error as { response?: { status?: number } }).response?.status;
    }
    throw new Error('expected the call to fail');
  };

  beforeAll(async () => {
    sandbox = new KalshiSandbox();
    basePath = await sandbox.start();
    user = await sandbox.createUser({ balanceUsd: 1000 });
    sandbox.observe((req, res) => {
      const body = res.body === undefined || res.status === 204 ? undefined : (JSON.parse(JSON.stringify(res.body)) as unknown);
      problems.push(...answerProblems({ method: req.method, path: req.path, status: res.status, body }));
    });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('balance, markets, a book, create / amend / cancel, a fill, API keys: all through the SDK', async () => {
    const { market, portfolio, orders, keys } = sdk(user.keyId, user.privateKeyPem);

    // Balance: still integer cents (and the dollar string).
    const balance = (await portfolio.getBalance()).data;
    expect(balance).toMatchObject({ balance: 100_000, balance_dollars: '1000.0000', portfolio_value: 100_000 });

    // Markets and one market; the book, ascending with the best bid last.
    const markets = (await market.getMarkets(3)).data;
    expect(markets.markets).toHaveLength(3);
    expect(markets.cursor).toBeTruthy();
    expect((await market.getMarket(FED)).data.market).toMatchObject({ ticker: FED, status: 'active', yes_bid_dollars: '0.4300', yes_ask_dollars: '0.4400' });
    const book = (await market.getMarketOrderbook(FED, 2)).data.orderbook_fp;
    expect(book.yes_dollars).toEqual([['0.4200', '800.00'], ['0.4300', '350.00']]);
    expect(book.no_dollars.at(-1)).toEqual(['0.5600', '240.00']);

    // An order: create, amend, read, cancel (V2, fixed-point strings).
    const created = (await orders.createOrderV2({ ticker: FED, side: 'bid', count: '2', price: '0.30', time_in_force: 'good_till_canceled', self_trade_prevention_type: 'taker_at_cross', client_order_id: 'sdk-run-1' })).data;
    expect(created).toMatchObject({ client_order_id: 'sdk-run-1', fill_count: '0.00', remaining_count: '2.00' });
    const amended = (await orders.amendOrderV2(created.order_id, { ticker: FED, side: 'bid', price: '0.31', count: '3' })).data;
    expect(amended).toMatchObject({ order_id: created.order_id, remaining_count: '3.00' });
    expect((await orders.getOrder(created.order_id)).data.order).toMatchObject({ status: 'resting', yes_price_dollars: '0.3100', remaining_count_fp: '3.00' });
    expect(await statusOf(orders.createOrderV2({ ticker: FED, side: 'bid', count: '2', price: '0.30', time_in_force: 'good_till_canceled', self_trade_prevention_type: 'taker_at_cross', client_order_id: 'sdk-run-1' }))).toBe(409);
    const cancelled = (await orders.cancelOrderV2(created.order_id)).data;
    expect(cancelled).toMatchObject({ order_id: created.order_id, reduced_by: '3.00' });

    // A fill: buy one YES at the best ask.
    const taken = (await orders.createOrderV2({ ticker: FED, side: 'bid', count: '1', price: '0.44', time_in_force: 'immediate_or_cancel', self_trade_prevention_type: 'taker_at_cross' })).data;
    expect(taken).toMatchObject({ fill_count: '1.00', remaining_count: '0.00', average_fill_price: '0.4400' });
    const fills = (await portfolio.getFills(undefined, taken.order_id)).data.fills;
    expect(fills).toHaveLength(1);
    expect(fills[0]).toMatchObject({ ticker: FED, outcome_side: 'yes', book_side: 'bid', count_fp: '1.00', yes_price_dollars: '0.4400', is_taker: true, exchange_index: 0 });
    expect((await portfolio.getPositions()).data.market_positions).toEqual([expect.objectContaining({ ticker: FED, position_fp: '1.00' })]);

    // API keys: list, generate a pair, sign with it, delete it; the deleted key no longer signs.
    expect((await keys.getApiKeys()).data.api_keys.map((k) => k.api_key_id)).toEqual([user.keyId]);
    const generated = (await keys.generateApiKey({ name: 'sdk-generated' })).data;
    // A PKCS#1 pair made by the sandbox at run time, as Kalshi hands it out.
    expect(pemLabel(generated.private_key)).toBe(PKCS1_LABEL);
    const second = sdk(generated.api_key_id, generated.private_key);
    expect((await second.portfolio.getBalance()).status).toBe(200);
    expect((await keys.deleteApiKey(generated.api_key_id)).status).toBe(204);
    expect(await statusOf(second.portfolio.getBalance())).toBe(401);

    expect(problems).toEqual([]);
    // Each of the 17 SDK calls reached the sandbox, signed (none was refused for its signature but the deleted key's).
    expect(sandbox.server.requests.length).toBe(17);
  });
});
