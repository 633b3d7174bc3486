/**
 * Subaccounts, transfers and target allocation against the sandbox (providers/kalshi/
 * subaccount-calls.ts, sandbox-subaccounts.ts): cash is conserved across a user's
 * subaccounts and the primary balance shows each move; a transfer whose answer is lost is
 * an OutcomeUnknownError carrying its client_transfer_id, and repeating it under that key
 * moves nothing; lists are newest first and paged. Every answer is parsed by the spec's schema.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidRequestError, OutcomeUnknownError, ValidationError } from '../../src/errors.js';
import { money } from '../../src/money.js';
import { createKalshiClient, type KalshiClient, type KalshiSubaccountTransfer } from '../../providers/kalshi/index.js';
import { KalshiSandbox } from '../../providers/kalshi/sandbox.js';
import { exchangeAccountId, subaccountAccountId } from '../../providers/kalshi/sandbox-subaccounts.js';
import { caught } from '../helpers.js';

const TRANSFER_PATH = '/trade-api/v2/portfolio/subaccounts/transfer';

describe('kalshi subaccounts against the sandbox', () => {
  let sandbox: KalshiSandbox;
  let baseUrl: string;
  let user: { userId: string; keyId: string; privateKeyPem: string };
  let client: KalshiClient;
  /** The same user, never retrying: a lost answer stays lost. */
  let once: KalshiClient;
  let basic: KalshiClient;
  const clients: KalshiClient[] = [];
  const make = (u: { keyId: string; privateKeyPem: string }, retries = 2): KalshiClient => {
    const c = createKalshiClient({ baseUrl, keyId: u.keyId, privateKeyPem: u.privateKeyPem, retry: { retries, minDelayMs: 5, maxDelayMs: 20 } });
    clients.push(c);
    return c;
  };
  const micros = (n: number): bigint => sandbox.engine.account(subaccountAccountId(user.userId, n))?.available ?? 0n;
  const total = (): bigint => micros(0) + micros(1) + micros(2);
  const transferPosts = (): number => sandbox.server.requests.filter((r) => r.method === 'POST' && r.path === TRANSFER_PATH).length;

  beforeAll(async () => {
    sandbox = new KalshiSandbox();
    baseUrl = await sandbox.start();
    user = await sandbox.createUser({ balanceUsd: 100, tier: 'advanced' });
    client = make(user);
    once = make(user, 0);
    basic = make(await sandbox.createUser({ balanceUsd: 10 }));
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await sandbox.close();
  });

  it('creates numbered subaccounts (Advanced tier and above), each its own cash', async () => {
    const refused = await caught(basic.subaccounts.create());
    expect(refused).toBeInstanceOf(InvalidRequestError);
    expect(refused).toMatchObject({ status: 400, providerCode: 'insufficient_api_usage_level' });
    expect(await client.subaccounts.create()).toEqual({ subaccount_number: 1 });
    expect(await client.subaccounts.create({ exchangeIndex: 0 })).toEqual({ subaccount_number: 2 });
    const balances = await client.subaccounts.balances();
    // The wire's dollar string, exact, and no Money copy beside it.
    expect(balances.map((b) => [b.subaccount_number, b.exchange_index, b.balance])).toEqual([
      [0, 0, '100.0000'],
      [1, 0, '0.0000'],
      [2, 0, '0.0000'],
    ]);
    expect(Object.keys(balances[0]!).sort()).toEqual(['balance', 'exchange_index', 'subaccount_number', 'updated_ts']);
  });

  it('moves cash between subaccounts exactly: the sum stays, the primary balance shows each move', async () => {
    const before = total();
    await client.subaccounts.transfer({ from: 0, to: 1, amount: '25.50' });
    await client.subaccounts.transfer({ from: 1, to: 2, amountCents: 1_001 });
    await client.subaccounts.transfer({ from: 2, to: 0, amount: money('5.00', 'USD') });
    expect([micros(0), micros(1), micros(2)]).toEqual([79_500_000n, 15_490_000n, 5_010_000n]);
    expect(total()).toBe(before);
    const balance = await client.getBalance();
    expect(balance.balance).toBe(7_950);
    expect(balance.balance_dollars).toBe('79.5000');
    expect((await client.subaccounts.balances()).map((b) => b.balance)).toEqual(['79.5000', '15.4900', '5.0100']);
  });

  it('refuses a transfer over the available cash (400), moving nothing', async () => {
    const before = [micros(0), micros(1), micros(2)];
    const err = await caught(client.subaccounts.transfer({ from: 1, to: 0, amount: '15.50' }));
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect(err).toMatchObject({ status: 400, providerCode: 'insufficient_funds' });
    // A subaccount that does not exist yet.
    expect(await caught(client.subaccounts.transfer({ from: 0, to: 9, amountCents: 1 }))).toMatchObject({ status: 400, providerCode: 'subaccount_not_found' });
    expect([micros(0), micros(1), micros(2)]).toEqual(before);
  });

  it('refuses before sending: the same subaccount, nothing or less, a fraction of a cent, a float of dollars', async () => {
    const sent = sandbox.server.requests.length;
    const bad: unknown[] = [
      { from: 1, to: 1, amountCents: 100 },
      { from: 0, to: 1, amountCents: 0 },
      { from: 0, to: 1, amountCents: -5 },
      { from: 0, to: 1, amountCents: 12.5 },
      { from: 0, to: 1, amount: '0.00' },
      { from: 0, to: 1, amount: '1.005' },
      { from: 0, to: 1, amount: 1.5 },
      { from: 0, to: 1, amount: money('1.00', 'EUR') },
      { from: 0, to: 1, amount: '1.00', amountCents: 100 },
      { from: 0, to: 64, amountCents: 100 },
      { from: 0, to: 1, amountCents: 100, idempotencyKey: 'not-a-uuid' },
    ];
    for (const input of bad) expect(await caught(client.subaccounts.transfer(input as never)), JSON.stringify(input)).toBeInstanceOf(ValidationError);
    expect(sandbox.server.requests.length).toBe(sent);
  });

  it('a lost answer is an OutcomeUnknownError carrying the client_transfer_id; repeating under it moves the cash once', async () => {
    const before = micros(0);
    const posts = transferPosts();
    sandbox.server.inject({ kind: 'reset-after', method: 'POST', path: TRANSFER_PATH });
    const lost = await caught(once.subaccounts.transfer({ from: 0, to: 1, amountCents: 200 }));
    expect(lost).toBeInstanceOf(OutcomeUnknownError);
    const key = (lost as OutcomeUnknownError).idempotencyKey!;
    expect(key).toMatch(/^[0-9a-f-]{36}$/);
    expect((lost as Error).message).toContain(key);
    expect(transferPosts()).toBe(posts + 1);
    // The server carried it out before the connection was cut.
    expect(micros(0)).toBe(before - 2_000_000n);
    expect(await once.subaccounts.transfer({ from: 0, to: 1, amountCents: 200, idempotencyKey: key })).toEqual({ idempotencyKey: key });
    expect(micros(0)).toBe(before - 2_000_000n);
    const [newest, second] = (await client.subaccounts.transfers({ limit: 2 })).transfers;
    expect([newest!.amount_cents, second!.amount_cents]).toEqual([200, 500]);
    // The key belongs to that transfer: another amount under it is refused.
    expect(await caught(once.subaccounts.transfer({ from: 0, to: 1, amountCents: 300, idempotencyKey: key }))).toMatchObject({ status: 400 });
    expect(micros(0)).toBe(before - 2_000_000n);
  });

  it('retries a lost answer itself under the same key, and the cash moves once', async () => {
    const before = micros(0);
    const posts = transferPosts();
    sandbox.server.inject({ kind: 'reset-after', method: 'POST', path: TRANSFER_PATH });
    const { idempotencyKey } = await client.subaccounts.transfer({ from: 0, to: 2, amountCents: 300 });
    expect(transferPosts()).toBe(posts + 2);
    expect(micros(0)).toBe(before - 3_000_000n);
    const listed = (await client.subaccounts.transfers()).transfers.filter((t) => t.amount_cents === 300 && t.to_subaccount === 2);
    expect(listed).toHaveLength(1);
    expect(idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('lists transfers newest first, paged by cursor, amounts in integer cents as sent', async () => {
    const all: KalshiSubaccountTransfer[] = [];
    for await (const t of client.subaccounts.allTransfers({ limit: 2 })) all.push(t);
    expect(all.map((t) => [t.from_subaccount, t.to_subaccount, t.amount_cents])).toEqual([[0, 2, 300], [0, 1, 200], [2, 0, 500], [1, 2, 1_001], [0, 1, 2_550]]);
    expect(all.every((t, i) => i === 0 || t.created_ts <= all[i - 1]!.created_ts)).toBe(true);
    expect(Object.keys(all[0]!).sort()).toEqual(['amount_cents', 'created_ts', 'exchange_index', 'from_subaccount', 'to_subaccount', 'transfer_id']);
    const first = await client.subaccounts.transfers({ limit: 3 });
    expect(first.transfers).toHaveLength(3);
    expect(first.cursor).toBeTruthy();
    const rest = await client.subaccounts.transfers({ limit: 3, cursor: first.cursor! });
    expect(rest.transfers.map((t) => t.transfer_id)).toEqual(all.slice(3).map((t) => t.transfer_id));
    expect(rest.cursor).toBeUndefined();
    expect(new URLSearchParams(sandbox.server.requests.at(-1)!.query).get('limit')).toBe('3');
    expect(await caught(client.subaccounts.transfers({ limit: 1001 }))).toBeInstanceOf(ValidationError);
  });

  it('netting settings are stored per subaccount', async () => {
    expect(await client.subaccounts.netting()).toEqual([0, 1, 2].map((n) => ({ subaccount_number: n, enabled: true, exchange_index: 0 })));
    await client.subaccounts.setNetting({ subaccount: 1, enabled: false });
    await client.subaccounts.setNetting({ subaccount: 1, enabled: false });
    expect((await client.subaccounts.netting()).map((c) => c.enabled)).toEqual([true, false, true]);
    expect(await caught(client.subaccounts.setNetting({ subaccount: 7, enabled: true }))).toMatchObject({ status: 400, providerCode: 'subaccount_not_found' });
    expect(await caught(client.subaccounts.setNetting({ subaccount: 1, enabled: 'no' as never }))).toBeInstanceOf(ValidationError);
  });

  it('exchange transfers: between instances and shards, in centicents, listed newest first, one by id', async () => {
    const primary = micros(0);
    const { transfer_id: toMargined } = await client.exchangeTransfers.create({ source: 'event_contract', destination: 'margined', amount: '10.0001' });
    expect(micros(0)).toBe(primary - 10_000_100n);
    expect(sandbox.engine.account(exchangeAccountId(user.userId, 'margined', 0))!.available).toBe(10_000_100n);
    expect((await client.getBalance()).balance).toBe(Number((primary - 10_000_100n) / 10_000n));
    const { transfer_id: toShard } = await client.exchangeTransfers.create({ source: 'event_contract', destination: 'event_contract', destinationShard: 2, amountCents: 500 });
    expect((await client.subaccounts.balances()).filter((b) => b.subaccount_number === 0).map((b) => [b.exchange_index, b.balance])).toEqual([[0, '59.4999'], [2, '5.0000']]);
    // Same instance and shard: a subaccount transfer, in that history under the same id.
    const { transfer_id: between } = await client.exchangeTransfers.create({ source: 'event_contract', destination: 'event_contract', sourceSubaccount: 2, destinationSubaccount: 1, amountCents: 100 });
    expect((await client.subaccounts.transfers({ limit: 1 })).transfers[0]).toMatchObject({ transfer_id: between, from_subaccount: 2, to_subaccount: 1, amount_cents: 100 });

    const listed = [];
    for await (const t of client.exchangeTransfers.all({ limit: 1 })) listed.push(t.transfer_id);
    expect(listed).toEqual([between, toShard, toMargined]);
    const one = await client.exchangeTransfers.get(toMargined);
    expect(one).toMatchObject({ source: 'event_contract', destination: 'margined', source_exchange_shard: 0, destination_exchange_shard: 0, amount: '10.0001', status: 'complete' });
    expect(one).not.toHaveProperty('amountMoney');
    expect(await caught(client.exchangeTransfers.get('no-such-transfer'))).toMatchObject({ status: 404, code: 'not_found' });
    // Over the margined cash: refused, nothing moves.
    expect(await caught(client.exchangeTransfers.create({ source: 'margined', destination: 'event_contract', amountCents: 1_001 }))).toMatchObject({ status: 400, providerCode: 'insufficient_funds' });
    expect(sandbox.engine.account(exchangeAccountId(user.userId, 'margined', 0))!.available).toBe(10_000_100n);

    const sent = sandbox.server.requests.length;
    for (const input of [
      { source: 'event_contract', destination: 'event_contract', amountCents: 100 },
      { source: 'margined', destination: 'event_contract', sourceSubaccount: 1, amountCents: 100 },
      { source: 'event_contract', destination: 'margined', amount: '1.00001' },
      { source: 'event_contract', destination: 'margined', amountCents: 0 },
      { source: 'event_contract', destination: 'margined', destinationShard: 101, amountCents: 1 },
    ]) expect(await caught(client.exchangeTransfers.create(input as never)), JSON.stringify(input)).toBeInstanceOf(ValidationError);
    expect(sandbox.server.requests.length).toBe(sent);
  });

  it('an exchange transfer whose answer is lost is not repeated (Kalshi takes no client id there)', async () => {
    const posts = () => sandbox.server.requests.filter((r) => r.path.endsWith('/intra_exchange_instance_transfer')).length;
    const before = posts();
    sandbox.server.inject({ kind: 'reset-after', method: 'POST', path: '/trade-api/v2/portfolio/intra_exchange_instance_transfer' });
    const lost = await caught(client.exchangeTransfers.create({ source: 'event_contract', destination: 'margined', amountCents: 1 }));
    expect(lost).toBeInstanceOf(OutcomeUnknownError);
    expect((lost as Error).message).toContain('exchangeTransfers.list()');
    expect(posts()).toBe(before + 1);
  });

  it('target allocation: stored, replaced, turned off; refused before sending unless it totals 100', async () => {
    expect(await client.targetAllocation.get()).toEqual({ allocations: [], resting_margin_reservation: 'sum' });
    await client.targetAllocation.set({ allocations: [{ exchangeIndex: 2, percent: 40 }, { exchangeIndex: 0, percent: 60 }], restingMarginReservation: 'max' });
    expect(await client.targetAllocation.get()).toEqual({ allocations: [{ exchange_index: 0, percent: 60 }, { exchange_index: 2, percent: 40 }], resting_margin_reservation: 'max' });
    await client.targetAllocation.set({ allocations: [] });
    expect(await client.targetAllocation.get()).toEqual({ allocations: [], resting_margin_reservation: 'sum' });
    const sent = sandbox.server.requests.length;
    for (const input of [
      { allocations: [{ exchangeIndex: 0, percent: 60 }] },
      { allocations: [{ exchangeIndex: 0, percent: 50 }, { exchangeIndex: 0, percent: 50 }] },
      { allocations: [{ exchangeIndex: 0, percent: 100.5 }] },
      { allocations: [{ exchangeIndex: -1, percent: 100 }] },
      { allocations: [], restingMarginReservation: 'all' },
    ]) expect(await caught(client.targetAllocation.set(input as never)), JSON.stringify(input)).toBeInstanceOf(ValidationError);
    expect(sandbox.server.requests.length).toBe(sent);
  });
});
