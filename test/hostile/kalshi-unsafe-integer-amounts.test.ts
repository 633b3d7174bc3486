/**
 * Hostile: amounts the SDK turns into integers on the wire must arrive exactly as asked. A
 * number past 2^53 is no longer exact in JavaScript, so an input that would need one must be a
 * ValidationError before anything is sent — never a neighbouring amount the caller did not ask
 * for (an exchange transfer's cents × 100 = centicents; a block trade's count × 100 = centicount).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { createKalshiClient, type KalshiClient } from '../../providers/kalshi/index.js';
import { KalshiSandbox } from '../../providers/kalshi/sandbox.js';
import { caught } from '../helpers.js';

describe('hostile: an integer amount past 2^53 is refused, not rounded', () => {
  let sandbox: KalshiSandbox;
  let client: KalshiClient;
  beforeAll(async () => {
    sandbox = new KalshiSandbox();
    const baseUrl = await sandbox.start();
    const user = await sandbox.createUser({ balanceUsd: 100 });
    client = createKalshiClient({ baseUrl, keyId: user.keyId, privateKeyPem: user.privateKeyPem, retry: { retries: 0 } });
  });
  afterAll(async () => {
    await client.close();
    await sandbox.close();
  });
  const sent = () => sandbox.server.requests.length;

  it('exchangeTransfers.create: amountCents whose centicents are not a safe integer', async () => {
    const before = sent();
    // 90 071 992 547 410 cents × 100 = 9 007 199 254 741 000 centicents > 2^53 − 1.
    const error = await caught(client.exchangeTransfers.create({ source: 'event_contract', destination: 'margined', amountCents: 90_071_992_547_410 }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toContain('amountCents');
    expect(sent()).toBe(before);
  });

  it('blockTrades.propose: a count whose centicount is not a safe integer', async () => {
    const before = sent();
    const error = await caught(client.communications.blockTrades.propose({
      buyerUserId: 'a', sellerUserId: 'b', ticker: 'KXCS2MAJOR-26-NAVI', price: '0.50', count: '90071992547409.93', makerSide: 'yes', expiresAt: Math.floor(Date.now() / 1000) + 600,
    }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toContain('count');
    expect(sent()).toBe(before);
  });
});
