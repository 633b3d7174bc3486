/**
 * Hostile: a server (or a proxy) answers a dollar field of the new areas with text that is no
 * amount. The spec types these fields as plain strings, so the answer passes the generated
 * schema; the SDK then makes Money of them. That must fail as the server's bad answer — a
 * ResponseShapeError naming the field — never as a ValidationError, which says the caller's
 * own input was wrong (a bot that sees one stops sending what it thinks is its bad request).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponseShapeError } from '../../src/errors.js';
import { createKalshiClient, type KalshiClient } from '../../providers/kalshi/index.js';
import { KalshiSandbox } from '../../providers/kalshi/sandbox.js';
import { caught } from '../helpers.js';

const QUOTE = {
  id: 'q1', rfq_id: 'r1', creator_id: 'c1', rfq_creator_id: 'c2', market_ticker: 'KXCS2MAJOR-26-NAVI', contracts_fp: '10.00',
  yes_bid_dollars: '0.40', no_bid_dollars: 'n/a', created_ts: '2026-01-01T00:00:00Z', updated_ts: '2026-01-01T00:00:00Z', status: 'open',
};

describe('hostile: a dollar field that is no amount', () => {
  let sandbox: KalshiSandbox;
  let client: KalshiClient;
  beforeAll(async () => {
    sandbox = new KalshiSandbox();
    const baseUrl = await sandbox.start();
    const user = await sandbox.createUser({ balanceUsd: 10 });
    client = createKalshiClient({ baseUrl, keyId: user.keyId, privateKeyPem: user.privateKeyPem, retry: { retries: 0 } });
  });
  afterAll(async () => {
    await client.close();
    await sandbox.close();
  });

  const cases: [string, string | RegExp, unknown, () => Promise<unknown>, string][] = [
    ['communications.quotes.list', '/trade-api/v2/communications/quotes', { quotes: [QUOTE], cursor: '' }, () => client.communications.quotes.list(), 'no_bid_dollars'],
    ['communications.rfqs.get', '/trade-api/v2/communications/rfqs/', { rfq: { id: 'r1', creator_id: 'c', contracts_fp: '1.00', market_ticker: 'KXCS2MAJOR-26-NAVI', status: 'open', created_ts: '2026-01-01T00:00:00Z', target_cost_dollars: '' } }, () => client.communications.rfqs.get('r1'), 'target_cost_dollars'],
    ['subaccounts.balances', '/trade-api/v2/portfolio/subaccounts/balances', { subaccount_balances: [{ subaccount_number: 0, exchange_index: 0, balance: '1,000.00', updated_ts: 1 }] }, () => client.subaccounts.balances(), 'balance'],
    ['exchangeTransfers.list', '/trade-api/v2/portfolio/intra_exchange_instance_transfers', { transfers: [{ transfer_id: 't', source: 'event_contract', destination: 'margined', source_exchange_shard: 0, destination_exchange_shard: 0, amount: '1e3', status: 'complete', created_ts: 1 }] }, () => client.exchangeTransfers.list(), 'amount'],
  ];
  for (const [name, path, body, call, field] of cases) {
    it(`${name}: a ResponseShapeError naming ${field}`, async () => {
      sandbox.server.inject({ kind: 'status', method: 'GET', path, status: 200, body });
      const error = await caught(call());
      expect(error).toBeInstanceOf(ResponseShapeError);
      expect((error as ResponseShapeError).fieldPath).toContain(field);
    });
  }
});
