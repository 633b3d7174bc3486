/**
 * Every documented filter of the catalog, recent sales and price history is honoured by the
 * sandbox: each test states, from the sandbox's own data, which rows a filter must return.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCs2CapClient, InvalidRequestError, type Cs2CapClient, type Cs2CapSale } from '../../src/index.js';
import { Cs2CapSandbox, SANDBOX_CHARMS, SANDBOX_STICKERS } from '../../providers/cs2cap/sandbox.js';
import { caught } from '../helpers.js';

describe('cs2cap sandbox filters', () => {
  let sandbox: Cs2CapSandbox;
  let client: Cs2CapClient;
  const ids = (items: { item_id?: number | null }[]): number[] => items.map((i) => i.item_id!).sort((a, b) => a - b);

  beforeAll(async () => {
    sandbox = new Cs2CapSandbox({ windowMs: 1000 });
    const baseUrl = await sandbox.start();
    client = createCs2CapClient({ apiKey: sandbox.createKey('quant'), baseUrl, rateLimit: { default: { limit: 1000, windowMs: 1000 } } });
  });
  afterAll(async () => {
    await client.close();
    await sandbox.close();
  });

  it('GET /v1/items honours wear_name, weapon_type, item_type, rarity_name, phase and is_stattrak', async () => {
    const catalog = sandbox.catalog();
    const want = (pick: (i: (typeof catalog)[number]) => boolean): number[] => ids(catalog.filter(pick));
    const fieldTested = await client.listItems({ wearName: 'Field-Tested' });
    expect(ids(fieldTested.items)).toEqual(want((i) => i.wear_name === 'Field-Tested'));
    expect(fieldTested.items.length).toBeGreaterThan(0);
    expect(fieldTested.items.length).toBeLessThan(catalog.length);
    expect(ids((await client.listItems({ weaponType: 'Sniper Rifle' })).items)).toEqual(want((i) => i.weapon_type === 'Sniper Rifle'));
    expect(ids((await client.listItems({ itemType: 'Crate' })).items)).toEqual(want((i) => i.item_type === 'Crate'));
    expect(ids((await client.listItems({ rarityName: 'Covert' })).items)).toEqual(want((i) => i.rarity_name === 'Covert'));
    expect((await client.listItems({ phase: 'Ruby' })).items).toEqual([]);
    const stattrak = await client.listItems({ isStattrak: true });
    expect(ids(stattrak.items)).toEqual(want((i) => i.is_stattrak));
    expect(stattrak.items.every((i) => i.market_hash_name.includes('StatTrak™'))).toBe(true);
    // Filters combine: field-tested AWPs that are not StatTrak.
    const combined = await client.listItems({ wearName: 'field-tested', baseName: 'AWP', isStattrak: false });
    expect(ids(combined.items)).toEqual(want((i) => i.wear_name === 'Field-Tested' && i.base_name === 'AWP' && !i.is_stattrak));
  });

  it('GET /v1/sales honours providers, min_float, max_float, paint_seed, stickers and charms', async () => {
    const item = 1000;
    const all: Cs2CapSale[] = [];
    for await (const s of client.sales({ itemId: item, limit: 50 })) all.push(s);
    expect(all.length).toBe(4 * 5);
    const floats = all.map((s) => s.float!).sort((a, b) => a - b);
    const mid = floats[Math.floor(floats.length / 2)]!;
    const below = (await client.getSales({ itemId: item, maxFloat: mid, limit: 100 })).items;
    expect(below.length).toBe(all.filter((s) => s.float! <= mid).length);
    expect(below.length).toBeLessThan(all.length);
    const above = (await client.getSales({ itemId: item, minFloat: mid, limit: 100 })).items;
    expect(above.every((s) => s.float! >= mid)).toBe(true);
    const seed = all[3]!.paint_seed!;
    expect((await client.getSales({ itemId: item, paintSeed: seed, limit: 100 })).items).toEqual(all.filter((s) => s.paint_seed === seed));
    const sticker = SANDBOX_STICKERS.find((n) => all.some((s) => s.stickers?.some((x) => x.name === n)))!;
    const withSticker = (await client.getSales({ itemId: item, stickers: [sticker], limit: 100 })).items;
    expect(withSticker.length).toBe(all.filter((s) => s.stickers?.some((x) => x.name === sticker)).length);
    expect(withSticker.length).toBeLessThan(all.length);
    // Every sticker named must be on the sale: no sandbox sale has two.
    expect((await client.getSales({ itemId: item, stickers: [...SANDBOX_STICKERS], limit: 100 })).items).toEqual([]);
    const charm = SANDBOX_CHARMS.find((n) => all.some((s) => s.charms?.some((c) => c.name === n)))!;
    const withCharm = (await client.getSales({ itemId: item, charms: charm, limit: 100 })).items;
    expect(withCharm.length).toBe(all.filter((s) => s.charms?.some((c) => c.name === charm)).length);
    expect((await client.getSales({ itemId: item, providers: ['csfloat'], limit: 100 })).items.every((s) => s.provider === 'csfloat')).toBe(true);
    const unsupported = await caught(client.getSales({ itemId: item, providers: ['steam'] }));
    expect((unsupported as InvalidRequestError).status).toBe(400);
    expect((unsupported as InvalidRequestError).message).toContain('Providers do not support Recent Sales: steam');
  });

  it('GET /v1/prices/history honours provider (a key; records name the display name)', async () => {
    const page = await client.getPriceHistory({ itemId: 1000, provider: 'csfloat', limit: 100 });
    expect(page.items).toHaveLength(12);
    expect(new Set(page.items.map((i) => i.provider))).toEqual(new Set(['CSFloat']));
    expect((await client.getPriceHistory({ itemId: 1000, limit: 1000 })).items).toHaveLength(8 * 12);
  });
});
