import type { CallOptions } from './http/request-sender.js';
import type { Money } from './money.js';

/** What a provider can do; lets a bot ask before it calls. */
export interface Capabilities {
  /** Asks (lowest sell prices) for CS2 items. */
  readonly asks: boolean;
  /** Bids (highest buy orders). */
  readonly bids: boolean;
  /** Individual buyable listings. */
  readonly listings: boolean;
  /** Placing orders with this client's credentials (as configured). */
  readonly trading: boolean;
  /** A provider FX table. */
  readonly fx: boolean;
  /** Event-contract order books. */
  readonly eventMarkets: boolean;
}

/** One venue's price for one instrument, normalized across providers. */
export interface Quote {
  /** Which client produced it (`cs2cap`, `csboard`, `kalshi`). */
  readonly provider: string;
  /** The marketplace or exchange the price is on (a CS2Cap provider key, `csboard`, `kalshi`). */
  readonly venue: string;
  /** The instrument as the venue names it (market hash name, market ticker). */
  readonly instrument: string;
  /** The lowest price a seller asks (exact), when there is one. */
  readonly ask?: Money | undefined;
  /** How many are offered at `ask` (a count as the venue gives it: listings, contracts), when known. */
  readonly askQuantity?: string | undefined;
  /** The highest price a buyer bids (exact), when there is one. */
  readonly bid?: Money | undefined;
  /** How many are wanted at `bid`, when known. */
  readonly bidQuantity?: string | undefined;
  /** ISO time the venue last changed this price, when given. */
  readonly updatedAt?: string | undefined;
  /** A link to the listing, when the API gives one. */
  readonly url?: string | undefined;
}

export interface QuoteOptions extends CallOptions {
  /** Currency to quote in, where the provider can (default USD). */
  currency?: string | undefined;
}

/** The face every provider client shows, so bots can treat them alike where it makes sense. */
export interface MarketProvider {
  /** The provider's id, as this client's errors and events name it. */
  readonly id: string;
  /** What this client can do with its key (asks, bids, listings, trading, …). */
  readonly has: Capabilities;
  /** Quotes for one instrument: a CS2 market hash name, or a Kalshi market ticker. */
  getQuotes(instrument: string, options?: QuoteOptions): Promise<readonly Quote[]>;
  /** End agents, timers and shared-quota connections. */
  close(): Promise<void>;
}
