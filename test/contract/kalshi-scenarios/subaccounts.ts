/**
 * The contract run's part for subaccounts, transfers and target allocation: every operation
 * succeeds once, and each 4xx the sandbox gives for them is drawn (through `raw` where the
 * client refuses the input first), so each answer is checked against the spec.
 */
import { expect } from 'vitest';
import type { KalshiScenario } from './types.js';

/** What a call that should fail rejected with (the scenario goes on either way). */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

export const scenario: KalshiScenario = {
  name: 'subaccounts',
  async run({ sandbox, client, raw }) {
    // CreateSubaccount: 400 on the Basic tier, 201 from Advanced.
    const [key] = (await client.apiKeys.list()).api_keys;
    const user = sandbox.users.get(sandbox.keys.get(key!.api_key_id)!.user.id)!;
    const tier = user.tier;
    user.tier = 'basic';
    expect(await failure(client.subaccounts.create())).toMatchObject({ status: 400 });
    await client.upgradeUsageLevel();
    // Back to where the run had the user, when that was above Advanced.
    if (tier !== 'basic') user.tier = tier;
    expect((await client.subaccounts.create()).subaccount_number).toBeGreaterThanOrEqual(1);
    expect(await raw('POST', '/portfolio/subaccounts', { body: { exchange_index: -1 } })).toBe(400);

    // GetSubaccountBalances.
    expect((await client.subaccounts.balances()).length).toBeGreaterThanOrEqual(2);

    // ApplySubaccountTransfer: 200, a repeat under its key (200, nothing moves), 400s.
    const { idempotencyKey } = await client.subaccounts.transfer({ from: 0, to: 1, amount: '10.00' });
    await client.subaccounts.transfer({ from: 0, to: 1, amount: '10.00', idempotencyKey });
    expect(await failure(client.subaccounts.transfer({ from: 1, to: 0, amount: '20.00' }))).toMatchObject({ status: 400 });
    expect(await raw('POST', '/portfolio/subaccounts/transfer', { body: { client_transfer_id: 'not-a-uuid', from_subaccount: 0, to_subaccount: 1, amount_cents: 1 } })).toBe(400);
    expect(await raw('POST', '/portfolio/subaccounts/transfer', { body: { client_transfer_id: '2c1f7a3e-9b8d-4c6e-a5f4-3e2d1c0b9a87', from_subaccount: 1, to_subaccount: 1, amount_cents: 1 } })).toBe(400);

    // GetSubaccountTransfers: a page and the pages after it.
    const page = await client.subaccounts.transfers({ limit: 1 });
    expect(page.transfers).toHaveLength(1);
    for await (const t of client.subaccounts.allTransfers({ limit: 1 })) expect(t.amount_cents).toBe(1_000);

    // GetSubaccountNetting / UpdateSubaccountNetting: 200, 400.
    expect((await client.subaccounts.netting()).length).toBeGreaterThanOrEqual(2);
    await client.subaccounts.setNetting({ subaccount: 1, enabled: false });
    expect(await failure(client.subaccounts.setNetting({ subaccount: 63, enabled: true }))).toMatchObject({ status: 400 });
    expect(await raw('PUT', '/portfolio/subaccounts/netting', { body: { subaccount_number: 1 } })).toBe(400);

    // IntraExchangeInstanceTransfer and its reads: 200, 400, 404.
    const { transfer_id: transferId } = await client.exchangeTransfers.create({ source: 'event_contract', destination: 'margined', amount: '1.0001' });
    await client.exchangeTransfers.create({ source: 'event_contract', destination: 'event_contract', destinationShard: 2, amountCents: 100 });
    expect(await raw('POST', '/portfolio/intra_exchange_instance_transfer', { body: { source: 'event_contract', destination: 'margined', amount: 0 } })).toBe(400);
    expect(await failure(client.exchangeTransfers.create({ source: 'margined', destination: 'event_contract', amount: '5000.00' }))).toMatchObject({ status: 400 });
    expect((await client.exchangeTransfers.list({ limit: 1 })).transfers).toHaveLength(1);
    for await (const t of client.exchangeTransfers.all({ limit: 1 })) expect(t.status).toBe('complete');
    expect(await raw('GET', '/portfolio/intra_exchange_instance_transfers?limit=0')).toBe(400);
    expect((await client.exchangeTransfers.get(transferId)).amount).toBe('1.0001');
    expect(await failure(client.exchangeTransfers.get('no-such-transfer'))).toMatchObject({ status: 404 });

    // GetTargetBalanceAllocation / SetTargetBalanceAllocation: 200, 400.
    await client.targetAllocation.set({ allocations: [{ exchangeIndex: 0, percent: 75 }, { exchangeIndex: 2, percent: 25 }], restingMarginReservation: 'max' });
    expect((await client.targetAllocation.get()).allocations).toHaveLength(2);
    expect(await raw('POST', '/portfolio/target_balance_allocation', { body: { allocations: [{ exchange_index: 0, percent: 90 }] } })).toBe(400);
    await client.targetAllocation.set({ allocations: [] });
  },
};
