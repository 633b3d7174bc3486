/**
 * Hostile: `fcm.subtraders.create` is sent as harmless to repeat ("a repeat cannot make a
 * second subtrader: Kalshi answers it 409"). When the first attempt's answer is lost after the
 * server created the subtrader, the repeat is that 409 — and the caller is told its create
 * failed with a conflict, for a subtrader that exists and that it created. The outcome must be
 * the subtrader (or an OutcomeUnknownError saying how to check), never a plain failure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutcomeUnknownError } from '../../src/errors.js';
import { createKalshiClient, type KalshiClient } from '../../providers/kalshi/index.js';
import { KalshiSandbox } from '../../providers/kalshi/sandbox.js';
import { makeFcmMember } from '../../providers/kalshi/sandbox-fcm.js';

describe('hostile: a subtrader create whose answer is lost', () => {
  let sandbox: KalshiSandbox;
  let client: KalshiClient;
  beforeAll(async () => {
    sandbox = new KalshiSandbox();
    const baseUrl = await sandbox.start();
    const user = await sandbox.createUser({ balanceUsd: 10 });
    makeFcmMember(sandbox, user.userId);
    client = createKalshiClient({ baseUrl, keyId: user.keyId, privateKeyPem: user.privateKeyPem, retry: { retries: 2, minDelayMs: 5, maxDelayMs: 20 } });
  });
  afterAll(async () => {
    await client.close();
    await sandbox.close();
  });

  it('is the created subtrader, or an outcome the caller is told to check — not a 409 failure', async () => {
    sandbox.server.inject({ kind: 'reset-after', method: 'POST', path: '/trade-api/v2/fcm/subtraders' });
    const outcome = await client.fcm.subtraders.create('desk1').then((v) => v, (e: unknown) => e);
    const listed = (await client.fcm.subtraders.list()).map((s) => s.subtrader_id);
    expect(listed.filter((id) => id.endsWith('_desk1'))).toHaveLength(1);
    if (outcome instanceof Error) expect(outcome).toBeInstanceOf(OutcomeUnknownError);
    else expect(outcome).toEqual({ subtraderId: listed.find((id) => id.endsWith('_desk1')) });
  });
});
