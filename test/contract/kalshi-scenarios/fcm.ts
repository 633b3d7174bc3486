/**
 * The contract run's part for the FCM calls: every operation refused (403) for a user who is
 * not an FCM member, then served for one made a member with `makeFcmMember` — success, and
 * each 400/404/409 the sandbox gives (through `raw` where the client refuses first).
 */
import { expect } from 'vitest';
import { makeFcmMember } from '../../../providers/kalshi/sandbox-fcm.js';
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
  name: 'fcm',
  async run({ sandbox, client, other, raw }) {
    // User B is no FCM member: 403 from every operation.
    const refused: (() => Promise<unknown>)[] = [
      () => other.fcm.listFills(),
      () => other.fcm.listOrders({ subtraderId: 'someone_a' }),
      () => other.fcm.listPositions({ subtraderId: 'someone_a' }),
      () => other.fcm.subtraders.list(),
      () => other.fcm.subtraders.create('a'),
      () => other.fcm.dailyCap.get('someone_a'),
      () => other.fcm.dailyCap.set('someone_a', '1.00'),
      () => other.fcm.dailyCap.delete('someone_a'),
      () => other.fcm.blockedCategories.get('someone_a'),
      () => other.fcm.blockedCategories.update({ subtraderId: 'someone_a', category: 'Sports', blocked: true }),
    ];
    for (const call of refused) expect(await failure(call())).toMatchObject({ status: 403 });

    // User A becomes one.
    const [key] = (await client.apiKeys.list()).api_keys;
    const userId = sandbox.keys.get(key!.api_key_id)!.user.id;
    makeFcmMember(sandbox, userId);
    const nobody = `${userId}_nobody`;

    // CreateFCMSubtrader: 201, 409, 400; ListFCMSubtraders.
    const { subtrader_id: subtraderId } = await client.fcm.subtraders.create('contract');
    expect(await failure(client.fcm.subtraders.create('contract'))).toMatchObject({ status: 409 });
    expect(await raw('POST', '/fcm/subtraders', { body: { subtrader_suffix: 'not valid!' } })).toBe(400);
    expect(await client.fcm.subtraders.list()).toHaveLength(1);

    // Daily cap: 404 (none), 400, 200, 404 (not this FCM's).
    expect(await failure(client.fcm.dailyCap.get(subtraderId))).toMatchObject({ status: 404 });
    expect(await raw('GET', '/fcm/subtraders/event_contract_daily_cap')).toBe(400);
    await client.fcm.dailyCap.set(subtraderId, '500.00');
    expect(await raw('PUT', '/fcm/subtraders/event_contract_daily_cap', { body: { subtrader_id: subtraderId, limit: '-1' } })).toBe(400);
    expect(await failure(client.fcm.dailyCap.set(nobody, '1.00'))).toMatchObject({ status: 404 });
    expect((await client.fcm.dailyCap.get(subtraderId)).limit).toBe('500.0000');
    await client.fcm.dailyCap.delete(subtraderId);
    expect(await failure(client.fcm.dailyCap.delete(nobody))).toMatchObject({ status: 404 });
    expect(await raw('DELETE', '/fcm/subtraders/event_contract_daily_cap')).toBe(400);

    // Blocked categories: 200, 400, 403 (get of another's), 404 (update of another's).
    expect(await client.fcm.blockedCategories.update({ subtraderId, category: 'Politics', blocked: true })).toEqual(['Politics']);
    expect(await client.fcm.blockedCategories.get(subtraderId)).toEqual(['Politics']);
    expect(await raw('GET', '/fcm/subtraders/blocked_categories')).toBe(400);
    expect(await failure(client.fcm.blockedCategories.get(nobody))).toMatchObject({ status: 403 });
    expect(await raw('PUT', '/fcm/subtraders/blocked_categories', { body: { subtrader_id: subtraderId, category: '', blocked: true } })).toBe(400);
    expect(await failure(client.fcm.blockedCategories.update({ subtraderId: nobody, category: 'Sports', blocked: true }))).toMatchObject({ status: 404 });

    // Fills: 200, 400.
    const fills = [];
    for await (const f of client.fcm.fills()) fills.push(f);
    expect(fills.length).toBeGreaterThan(0);
    expect(await raw('GET', '/fcm/fills?min_ts=yesterday')).toBe(400);

    // Orders: 200 (by subtrader, by client order id), 400, 404.
    const orders = (await client.fcm.listOrders({ subtraderId })).orders;
    expect(orders.length).toBeGreaterThan(0);
    expect((await client.fcm.listOrders({ clientOrderIds: [orders[0]!.client_order_id] })).orders).toHaveLength(1);
    expect(await raw('GET', '/fcm/orders')).toBe(400);
    expect(await failure(client.fcm.listOrders({ subtraderId: nobody }))).toMatchObject({ status: 404 });

    // Positions: 200, 400, 404.
    expect((await client.fcm.listPositions({ subtraderId, settlementStatus: 'all' })).market_positions.length).toBeGreaterThan(0);
    expect(await raw('GET', '/fcm/positions')).toBe(400);
    expect(await failure(client.fcm.listPositions({ subtraderId: nobody }))).toMatchObject({ status: 404 });
  },
};
