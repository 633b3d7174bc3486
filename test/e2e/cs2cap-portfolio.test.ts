/**
 * CS2Cap portfolios against the sandbox over loopback: holdings, a ledger that moves them,
 * valuations and history checked by hand from the sandbox's prices and FX, Steam imports,
 * CSV export, and writes whose answers are lost.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCs2CapClient, InvalidRequestError, OutcomeUnknownError, PermissionError, ValidationError, type Cs2CapClient } from '../../src/index.js';
import { CS2CAP_SANDBOX_FX, CS2CAP_SANDBOX_STEAM_ID, CS2CAP_SANDBOX_STEAM_VANITY, Cs2CapSandbox } from '../../providers/cs2cap/sandbox.js';
import { caught } from '../helpers.js';

const fast = { retry: { minDelayMs: 10, maxDelayMs: 50 } };

describe('cs2cap portfolios against the sandbox', () => {
  let sandbox: Cs2CapSandbox;
  let baseUrl: string;
  let client: Cs2CapClient;
  let key: string;
  /** The sandbox's rule, by hand: lowest ask (USD cents) → the currency's minor units. */
  const unit = (itemId: number, currency = 'USD', providers: string[] = []): number => {
    const cents = Math.min(...sandbox.prices.filter((p) => p.item_id === itemId && (!providers.length || providers.includes(p.provider))).map((p) => p.ask));
    return Math.round((cents / 100) * CS2CAP_SANDBOX_FX[currency]! * 100);
  };

  beforeEach(async () => {
    sandbox = new Cs2CapSandbox({ windowMs: 1000 });
    baseUrl = await sandbox.start();
    key = sandbox.createKey('pro');
    client = createCs2CapClient({ apiKey: key, baseUrl, ...fast, rateLimit: { default: { limit: 1000, windowMs: 1000 } } });
  });
  afterEach(async () => {
    await client.close();
    await sandbox.close();
  });

  it('values items without a portfolio: per-unit best ask in the currency, times the quantity, summed', async () => {
    const res = await client.portfolios.value({ items: [{ itemId: 1000, quantity: 3 }, { itemId: 1001, quantity: 1 }, { itemId: 999_999, quantity: 1 }], currency: 'EUR', providers: ['steam', 'buff163'] });
    const a = unit(1000, 'EUR', ['steam', 'buff163']);
    const b = unit(1001, 'EUR', ['steam', 'buff163']);
    expect(res.data.items_not_found).toEqual([999_999]);
    const line = res.data.line_items.find((l) => l.item_id === 1000)!;
    expect(line.best_ask).toEqual({ currency: 'EUR', amount: (a / 100).toFixed(2) });
    expect(line.item_value).toEqual({ currency: 'EUR', amount: ((3 * a) / 100).toFixed(2) });
    expect(line.providers!.map((q) => q.provider).sort()).toEqual(['buff163', 'steam']);
    expect(res.data.total_value).toEqual({ currency: 'EUR', amount: ((3 * a + b) / 100).toFixed(2) });
    await expect(client.portfolios.value({ items: Array.from({ length: 101 }, (_, i) => ({ itemId: i + 1, quantity: 1 })) })).rejects.toBeInstanceOf(ValidationError);
  });

  it('a ledger moves the holdings; value, history by ledger and by holdings, and CSV export follow it', async () => {
    const p = await client.portfolios.create({ name: 'main' });
    expect((await client.portfolios.list()).map((x) => x.name)).toEqual(['main']);
    const day = (offset: number): string => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const buy = await client.portfolios.addTransaction(p.id, { itemId: 1000, type: 'buy', quantity: 5, price: '12.34', date: day(-3), fee: '0.50', marketplace: 'steam', note: 'first, "quoted"' });
    expect(buy).toMatchObject({ currency: 'USD', price: { currency: 'USD', amount: '12.34' }, fee_amount: { currency: 'USD', amount: '0.50' } });
    await client.portfolios.addTransaction(p.id, { itemId: 1000, type: 'sell', quantity: 2, price: '15.00', date: day(-1) });
    await client.portfolios.addTransaction(p.id, { marketHashName: sandbox.catalogItem(1002)!.market_hash_name, type: 'buy', quantity: 1, price: '100', date: day(-1), currency: 'EUR' });
    const sellTooMany = await caught(client.portfolios.addTransaction(p.id, { itemId: 1002, type: 'sell', quantity: 9, price: '1', date: day(0) }));
    expect((sellTooMany as InvalidRequestError).status).toBe(400);

    const items = await client.portfolios.items(p.id);
    expect(Object.fromEntries(items.map((h) => [h.item_id, h.quantity]))).toEqual({ 1000: 3, 1002: 1 });
    const ledger = await client.portfolios.transactions(p.id);
    expect(ledger.map((t) => t.date)).toEqual([day(-1), day(-1), day(-3)]);

    const value = await client.portfolios.getValue(p.id);
    expect(value.data.total_value).toEqual({ currency: 'USD', amount: ((3 * unit(1000) + unit(1002)) / 100).toFixed(2) });

    const history = [];
    for await (const d of client.portfolios.history(p.id, { lookbackDays: 5, limit: 2 })) history.push(d);
    expect(history.map((d) => d.date)).toEqual([day(-4), day(-3), day(-2), day(-1), day(0)]);
    const usd = (minor: number) => ({ currency: 'USD', amount: (minor / 100).toFixed(2) });
    expect(history.map((d) => d.total_value)).toEqual([usd(0), usd(5 * unit(1000)), usd(5 * unit(1000)), usd(3 * unit(1000) + unit(1002)), usd(3 * unit(1000) + unit(1002))]);
    const byHoldings = await client.portfolios.getHistory(p.id, { lookbackDays: 2, basis: 'holdings', currency: 'GBP' });
    expect(byHoldings.meta).toMatchObject({ holdings_basis: 'current_holdings', currency: 'GBP' });
    expect(byHoldings.data.every((d) => d.total_value.amount === ((3 * unit(1000, 'GBP') + unit(1002, 'GBP')) / 100).toFixed(2))).toBe(true);

    // Editing and deleting a ledger entry move the holdings back.
    const sell = ledger.find((t) => t.type === 'sell')!;
    const edited = await client.portfolios.updateTransaction(p.id, sell.id, { quantity: 1 });
    expect(edited.quantity).toBe(1);
    expect((await client.portfolios.items(p.id)).find((h) => h.item_id === 1000)!.quantity).toBe(4);
    await client.portfolios.deleteTransaction(p.id, sell.id);
    expect((await client.portfolios.items(p.id)).find((h) => h.item_id === 1000)!.quantity).toBe(5);

    const csv = await client.portfolios.exportCsv(p.id);
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('date,type,item_id,market_hash_name,phase,quantity,price,currency,fee_amount,fee_percentage,marketplace,note');
    expect(lines[1]).toBe(`${day(-3)},buy,1000,${sandbox.catalogItem(1000)!.market_hash_name},,5,12.34,USD,0.50,,steam,"first, ""quoted"""`);
    expect(lines).toHaveLength(3);
    const itemsCsv = await client.portfolios.exportCsv(p.id, { format: 'items' });
    expect(itemsCsv.trim().split('\r\n').slice(1).sort()).toEqual([`1000,${sandbox.catalogItem(1000)!.market_hash_name},,5,manual`, `1002,${sandbox.catalogItem(1002)!.market_hash_name},,1,manual`].sort());
  });

  it('holdings by hand, removal by entry id, history refused without a ledger, portfolio count capped by tier', async () => {
    const p = await client.portfolios.create({ name: 'by hand' });
    const entry = await client.portfolios.addItem(p.id, { itemId: 1003, quantity: 2 });
    expect(entry).toMatchObject({ item_id: 1003, quantity: 2, source: 'manual' });
    const noLedger = await caught(client.portfolios.getHistory(p.id));
    expect((noLedger as InvalidRequestError).status).toBe(400);
    await client.portfolios.removeItem(p.id, entry.id);
    expect(await client.portfolios.items(p.id)).toEqual([]);
    await client.portfolios.delete(p.id);
    expect((await caught(client.portfolios.items(p.id)) as InvalidRequestError).status).toBe(404);
    await expect(client.portfolios.addItem(p.id, { quantity: 1 })).rejects.toBeInstanceOf(ValidationError);
    await expect(client.portfolios.addTransaction(p.id, { itemId: 1, type: 'buy', quantity: 1, price: '1.234', date: '2026-01-01' })).rejects.toBeInstanceOf(ValidationError);

    const free = createCs2CapClient({ apiKey: sandbox.createKey('free'), baseUrl, ...fast });
    try {
      await free.portfolios.create({ name: 'one' });
      const second = await caught(free.portfolios.create({ name: 'two' }));
      expect(second).toBeInstanceOf(InvalidRequestError);
      expect((second as InvalidRequestError).providerCode).toBe('PORTFOLIO_LIMIT_REACHED');
    } finally {
      await free.close();
    }
  });

  it('Steam: no linked account is a 403; once linked, the inventory, a lookup by id or vanity name, and an import that skips what is there', async () => {
    expect(await caught(client.inventory.get())).toBeInstanceOf(PermissionError);
    sandbox.linkSteam(key);
    const inv = await client.inventory.get();
    expect(inv.total_count).toBe(6);
    expect((await client.inventory.lookup(CS2CAP_SANDBOX_STEAM_VANITY)).data).toEqual(inv.data);
    expect((await client.inventory.lookup(CS2CAP_SANDBOX_STEAM_ID)).total_count).toBe(6);
    expect((await caught(client.inventory.lookup('no-such-vanity')) as InvalidRequestError).status).toBe(400);
    await expect(client.inventory.lookup('')).rejects.toBeInstanceOf(ValidationError);

    const p = await client.portfolios.create({ name: 'steam' });
    const first = await client.portfolios.importSteam(p.id, { assetIds: [inv.data[0]!.assetid, '123'] });
    expect(first).toEqual({ imported: 1, skipped: 0, unresolved: ['123'] });
    const all = await client.portfolios.importSteam(p.id);
    expect(all).toEqual({ imported: 5, skipped: 1, unresolved: [] });
    const held = await client.portfolios.items(p.id);
    expect(held.every((h) => h.source === 'steam' && h.steam_assetid)).toBe(true);
    expect(held.find((h) => h.steam_assetid === inv.data[0]!.assetid)?.float_value).toBe(inv.data[0]!.float_value);
  });

  it('a create or transaction whose answer is lost is sent once and says how to check', async () => {
    sandbox.server.inject({ kind: 'reset-after', method: 'POST', path: '/v1/portfolio' });
    const err = await caught(client.portfolios.create({ name: 'lost' }));
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect((err as Error).message).toContain('portfolios.list()');
    const [p] = await client.portfolios.list();
    expect(p!.name).toBe('lost');
    sandbox.server.inject({ kind: 'reset-after', method: 'POST', path: `/v1/portfolio/${p!.id}/transactions` });
    const tx = await caught(client.portfolios.addTransaction(p!.id, { itemId: 1000, type: 'buy', quantity: 1, price: '1.00', date: '2026-01-02' }));
    expect(tx).toBeInstanceOf(OutcomeUnknownError);
    expect((err as Error).message).not.toBe((tx as Error).message);
    expect(sandbox.server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/transactions'))).toHaveLength(1);
    expect(await client.portfolios.transactions(p!.id)).toHaveLength(1);
  });
});
