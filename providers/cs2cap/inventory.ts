/**
 * Steam inventories (reference/cs2cap.md §6.6): the linked account's, or anyone's by Steam64
 * id or vanity name. Read live from Steam; nothing is stored (import into a portfolio for that).
 */
import { z } from 'zod';
import type { CallOptions } from '../../src/http/request-sender.js';
import { parseInput } from '../../src/validation.js';
import type { SteamInventoryResponse } from './generated/operations.js';
import type { createOperationSender } from './operation-kit.js';

const PROVIDER = 'cs2cap';
/** A Steam64 id (17 digits) or a vanity name (Steam allows 2..32 letters, digits, `_` and `-`). */
export const steamIdSchema = z.string().regex(/^(?:\d{17}|[A-Za-z0-9_-]{2,32})$/, 'a 17-digit Steam64 id or a vanity name');

/** A Steam inventory: its items and how many. */
export type Cs2CapSteamInventory = SteamInventoryResponse;

/** Steam inventories. A 503 means Steam is down (retried); a 403, no linked Steam account. */
export interface Cs2CapInventory {
  /** The inventory of the account's linked Steam account. */
  get(options?: CallOptions): Promise<Cs2CapSteamInventory>;
  /** Anyone's inventory by Steam64 id or vanity name (a 400 if it cannot be resolved). */
  lookup(steamId: string, options?: CallOptions): Promise<Cs2CapSteamInventory>;
}

/** The `inventory` calls of a CS2Cap client. */
export function createInventoryCalls(send: ReturnType<typeof createOperationSender>): Cs2CapInventory {
  return {
    get: (call) => send('getSteamInventory', { call }),
    async lookup(steamId, call) {
      const id = parseInput(PROVIDER, 'inventory.lookup', steamIdSchema, steamId);
      return send('getSteamInventoryBySteamId', { query: { steam_id: id }, call });
    },
  };
}
