/**
 * Hostile: a write sent as harmless to repeat whose first attempt landed but whose answer was
 * lost. The repeat is then refused — `DeleteOrderGroup` of a group the first attempt deleted
 * answers 404 — and the caller is told "not found" (InvalidRequestError, status 404): for a bot, "that group id was wrong, my
 * real group is still live" or a crash, when in fact the delete happened. The outcome must be
 * the delete's success, or an OutcomeUnknownError — never the repeat's refusal on its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutcomeUnknownError } from '../../src/errors.js';
import { createKalshiClient, type KalshiClient } from '../../providers/kalshi/index.js';
import { KalshiSandbox } from '../../providers/kalshi/sandbox.js';
import { caught } from '../helpers.js';

describe('hostile: a repeat refused after the first attempt landed', () => {
  let sandbox: KalshiSandbox;
  let client: KalshiClient;
  beforeAll(async () => {
    sandbox = new KalshiSandbox();
    const baseUrl = await sandbox.start();
    const user = await sandbox.createUser({ balanceUsd: 10 });
    client = createKalshiClient({ baseUrl, keyId: user.keyId, privateKeyPem: user.privateKeyPem, retry: { retries: 2, minDelayMs: 5, maxDelayMs: 20 } });
  });
  afterAll(async () => {
    await client.close();
    await sandbox.close();
  });

  it('a deleted order group is not reported as not found', async () => {
    const { order_group_id: orderGroupId } = await client.orderGroups.create({ contractsLimit: 5 });
    // A wrong id is a NotFoundError: the refusal alone is a real answer.
    expect(await caught(client.orderGroups.delete('00000000-0000-4000-b000-0000000fffff'))).toMatchObject({ status: 404 });
    sandbox.server.inject({ kind: 'reset-after', method: 'DELETE', path: `/trade-api/v2/portfolio/order_groups/${orderGroupId}` });
    const outcome = await client.orderGroups.delete(orderGroupId).then(() => undefined, (e: unknown) => e);
    expect((await client.orderGroups.list()).map((g) => g.id)).not.toContain(orderGroupId);
    if (outcome !== undefined) expect(outcome).toBeInstanceOf(OutcomeUnknownError);
  });
});
