/**
 * Steam inventories (reference/cs2cap.md §6.6): the linked account's, or anyone's by Steam64
 * id or vanity name. Read live from Steam; nothing is stored (import into a portfolio for that).
 */
import { z } from 'zod';
import type { CallOptions } from '../../src/http/request-sender.js';
import { parseInput } from '../../src/validation.js';
import type { SteamInventoryResponse } from './generated/operations.js';
import type { createOperationSender } from './operation-kit.js';
import { charm, sticker, type Cs2CapSkinDetails } from './results.js';

const PROVIDER = 'cs2cap';
/** A Steam64 id (17 digits) or a vanity name (Steam allows 2..32 letters, digits, `_` and `-`). */
export const steamIdSchema = z.string().regex(/^(?:\d{17}|[A-Za-z0-9_-]{2,32})$/, 'a 17-digit Steam64 id or a vanity name');

/** One item of a Steam inventory (`SteamInventoryItem`). */
export interface Cs2CapSteamItem extends Cs2CapSkinDetails {
  /** The Steam asset id. */
  assetid: string;
  /** The Steam market name. */
  market_hash_name: string;
  /** The Doppler phase, or `null`. */
  phase?: string | null | undefined;
  /** The display name. */
  name: string;
  /** The icon URL. */
  icon_url?: string | null | undefined;
  /** Whether it can be traded now. */
  tradable: boolean;
  /** Whether it can be sold on the Steam market. */
  marketable: boolean;
  /** Units (stackable items). */
  quantity: number;
}
/** A Steam inventory: its items and how many. */
export interface Cs2CapSteamInventory {
  /** The items. */
  data: Cs2CapSteamItem[];
  /** Items in all. */
  total_count: number;
}

/** Steam inventories. A 503 means Steam is down (retried); a 403, no linked Steam account. */
export interface Cs2CapInventory {
  /** The inventory of the account's linked Steam account. */
  get(options?: CallOptions): Promise<Cs2CapSteamInventory>;
  /** Anyone's inventory by Steam64 id or vanity name (a 400 if it cannot be resolved). */
  lookup(steamId: string, options?: CallOptions): Promise<Cs2CapSteamInventory>;
}

function inventory(res: SteamInventoryResponse): Cs2CapSteamInventory {
  return {
    data: res.data.map((i) => ({
      assetid: i.assetid,
      market_hash_name: i.market_hash_name,
      phase: i.phase,
      name: i.name,
      icon_url: i.icon_url,
      tradable: i.tradable,
      marketable: i.marketable,
      quantity: i.quantity,
      float_value: i.float_value,
      paint_seed: i.paint_seed,
      inspect_link: i.inspect_link,
      name_tag: i.name_tag,
      stickers: i.stickers?.map(sticker) ?? i.stickers,
      charms: i.charms?.map(charm) ?? i.charms,
    })),
    total_count: res.total_count,
  };
}

/** The `inventory` calls of a CS2Cap client. */
export function createInventoryCalls(send: ReturnType<typeof createOperationSender>): Cs2CapInventory {
  return {
    get: async (call) => inventory(await send('getSteamInventory', { call })),
    async lookup(steamId, call) {
      const id = parseInput(PROVIDER, 'inventory.lookup', steamIdSchema, steamId);
      return inventory(await send('getSteamInventoryBySteamId', { query: { steam_id: id }, call }));
    },
  };
}
