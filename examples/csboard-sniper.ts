/**
 * A CSBoard sniping bot: poll the newest listings and buy any under a threshold, with a
 * price cap, never twice — not even across restarts, because the idempotency key is
 * derived from the listing id.
 */
import { CapabilityError, createCsboardClient, OrderRejectedError, type CsboardPlacedOrder } from 'marketmux';
import { startSandbox } from 'marketmux/testkit';

export interface SniperOptions {
  apiKey: string;
  baseUrl?: string | undefined;
  /** Buy listings of this item at or under this price (USD). */
  item: string;
  maxPriceUsd: number;
  polls: number;
  onPoll?: (poll: number) => void;
}

export async function snipe(o: SniperOptions): Promise<CsboardPlacedOrder[]> {
  const csboard = createCsboardClient({ apiKey: o.apiKey, baseUrl: o.baseUrl, trading: 'detect' });
  const bought: CsboardPlacedOrder[] = [];
  const seen = new Set<string>();
  try {
    for (let poll = 0; poll < o.polls; poll++) {
      o.onPoll?.(poll);
      // The limiter spaces these polls to the key's read limit: no 429, no ban.
      const page = await csboard.listListings({ search: o.item, sort: 'newest', maxPrice: o.maxPriceUsd, limit: 50 });
      for (const listing of page.items) {
        if (seen.has(listing.id) || listing.market_hash_name !== o.item) continue;
        seen.add(listing.id);
        try {
          const order = await csboard.placeOrder({
            itemIds: [listing.id],
            maxPriceUsd: o.maxPriceUsd, // the server refuses (price_moved) if the live price is higher
            idempotencyKey: `snipe-${listing.id}`, // a retry or a restart replays, never re-buys
          });
          bought.push(order);
        } catch (error) {
          if (error instanceof OrderRejectedError) continue; // price moved, sold, no balance: skip it
          if (error instanceof CapabilityError) throw error; // a read-only key: stop, nothing was sent
          throw error;
        }
      }
    }
    return bought;
  } finally {
    await csboard.close();
  }
}

async function main(): Promise<void> {
  const sandbox = process.env.CSBOARD_API_KEY ? undefined : await startSandbox();
  const item = 'AK-47 | Redline (Field-Tested)';
  const orders = await snipe({
    apiKey: sandbox ? sandbox.csboard.tradingApiKey : process.env.CSBOARD_API_KEY!,
    baseUrl: sandbox ? sandbox.csboard.baseUrl : process.env.CSBOARD_API_BASE,
    item,
    maxPriceUsd: 20,
    polls: 3,
    // In the sandbox, someone lists a cheap one between polls.
    onPoll: (n) => sandbox?.csboard.server.addListing(item, 12 + n),
  });
  for (const o of orders) console.log(`bought ${o.order_id} for ${o.total_charged_usd.amount} USD (key ${o.idempotencyKey})`);
  await sandbox?.close();
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
