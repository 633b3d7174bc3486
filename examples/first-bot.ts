/**
 * A first bot in three parts, against the built-in sandbox: compare an item's prices on CS2Cap
 * and CSBoard, buy its cheapest CSBoard listing exactly once, then place a Kalshi limit order,
 * read it back and cancel it. docs/getting-started.md ("A first bot") walks through it.
 *
 *   node dist/examples/first-bot.js
 */
import { randomUUID } from 'node:crypto';
import {
  AuthenticationError,
  CapabilityError,
  createMarketClient,
  MarketError,
  OrderRejectedError,
  OutcomeUnknownError,
  RateLimitError,
  ValidationError,
  type Comparison,
  type CsboardClient,
  type CsboardListing,
  type CsboardPlacedOrder,
  type KalshiClient,
  type KalshiCreateOrder,
  type KalshiCreatedOrder,
  type MarketClient,
  type Money,
} from 'marketmux';
import { startSandbox } from 'marketmux/testkit';

/** What part (b) did on CSBoard: the listing bought and the balance around it, or why nothing was bought. */
export type Purchase =
  | { readonly bought: true; readonly listing: CsboardListing; readonly order: CsboardPlacedOrder; readonly balanceBefore: Money; readonly balanceAfter: Money; readonly repeatedAfterLostAnswer: boolean }
  | { readonly bought: false; readonly reason: string };

/** What part (c) did on Kalshi: the order placed, read back and canceled. */
export interface KalshiRoundTrip {
  /** The market traded. */
  readonly ticker: string;
  /** The book's best YES bid and ask when it was read. */
  readonly bestYesBid?: Money | undefined;
  readonly bestYesAsk?: Money | undefined;
  /** The YES price the bid was placed at. */
  readonly price: string;
  /** Kalshi's id of the order, and the `client_order_id` it was placed under. */
  readonly orderId: string;
  readonly clientOrderId: string;
  /** True when a repeat after a lost answer found the order the first attempt placed. */
  readonly reconciled: boolean;
  /** The order's status read back after placing it (`resting`) and after canceling it (`canceled`). */
  readonly statusPlaced: string;
  readonly statusCanceled: string;
}

/** Everything the bot did, in order. */
export interface FirstBotReport {
  readonly comparison: Comparison;
  readonly purchase: Purchase;
  readonly kalshi: KalshiRoundTrip;
}

/** (a) Where is the item cheapest? One row per venue: CS2Cap's marketplaces and CSBoard. */
export async function compareItem(market: MarketClient, item: string): Promise<Comparison> {
  const comparison = await market.compare(item); // in USD; the providers are asked in parallel
  for (const [provider, error] of Object.entries(comparison.errors)) console.warn(`${provider} gave no prices: ${error.message}`);
  return comparison;
}

/** (b) Buy the cheapest CSBoard listing named exactly `item`, never twice. */
export async function buyCheapest(csboard: CsboardClient, item: string): Promise<Purchase> {
  // `search` is fuzzy: it also finds "StatTrak™ AK-47 | Redline (Field-Tested)". Sorted by
  // price, the first listing whose market_hash_name is exactly the item is its cheapest.
  let cheapest: CsboardListing | undefined;
  for await (const listing of csboard.listListings({ search: item, sort: 'price_asc', limit: 50 })) {
    if (listing.market_hash_name === item) {
      cheapest = listing;
      break; // nothing more is fetched
    }
  }
  if (!cheapest) return { bought: false, reason: `no CSBoard listing is named exactly "${item}"` };

  const balanceBefore = (await csboard.getBalance()).balance_usd;
  const order = {
    itemIds: [cheapest.id],
    // The cap is the price we saw (a number of USD, at most 2 decimals): if the live price is
    // higher the server refuses the order (price_moved) and charges nothing.
    maxPriceUsd: Number(cheapest.price_usd.amount),
    // One key per purchase, from the listing: a retry, a repeat or a restart replays this order.
    idempotencyKey: `first-bot-${cheapest.id}`,
  };
  let placed: CsboardPlacedOrder;
  let repeatedAfterLostAnswer = false;
  try {
    placed = await csboard.placeOrder(order);
  } catch (error) {
    if (error instanceof OrderRejectedError) return { bought: false, reason: `CSBoard refused the order (${error.providerCode}): nothing was charged` };
    if (!(error instanceof OutcomeUnknownError)) throw error;
    // The order may have gone through and its answer been lost. Repeating it under the same
    // key cannot buy twice: the server answers with the first order.
    placed = await csboard.placeOrder({ ...order, idempotencyKey: error.idempotencyKey ?? order.idempotencyKey });
    repeatedAfterLostAnswer = true;
  }
  const balanceAfter = (await csboard.getBalance()).balance_usd;
  return { bought: true, listing: cheapest, order: placed, balanceBefore, balanceAfter, repeatedAfterLostAnswer };
}

/** (c) Read a Kalshi book, rest a YES bid at its best bid, read the order back, cancel it. */
export async function tradeOnKalshi(kalshi: KalshiClient, ticker: string): Promise<KalshiRoundTrip> {
  const book = await kalshi.getOrderbook(ticker);
  // A post-only bid at the best YES bid joins the queue and never trades on arrival.
  const price = book.bestYesBid?.amount ?? '0.01';
  const input: KalshiCreateOrder = {
    ticker,
    side: 'bid', // a YES bid; the book holds bids only, the best YES ask is 1 − the best NO bid
    count: '1',
    price, // an exact decimal string, never a float
    timeInForce: 'good_till_canceled',
    postOnly: true,
    clientOrderId: randomUUID(), // fixed before the first attempt: a repeat cannot place a second order
  };
  let created: KalshiCreatedOrder;
  try {
    created = await kalshi.createOrder(input);
  } catch (error) {
    if (!(error instanceof OutcomeUnknownError)) throw error;
    // The same client_order_id again: Kalshi answers 409 and the client returns the order
    // the first attempt placed (`reconciled: true`) instead of placing another.
    created = await kalshi.createOrder(input);
  }
  const placed = await kalshi.getOrder(created.order_id);
  await kalshi.cancelOrder(created.order_id, { ticker }); // repeat-safe: retried like a read
  const canceled = await kalshi.getOrder(created.order_id);
  return {
    ticker,
    bestYesBid: book.bestYesBid,
    bestYesAsk: book.bestYesAsk,
    price,
    orderId: created.order_id,
    clientOrderId: created.client_order_id,
    reconciled: created.reconciled,
    statusPlaced: placed.status,
    statusCanceled: canceled.status,
  };
}

/** The three parts with one client for every market, closed at the end whatever happens. */
export async function firstBot(env: Readonly<Record<string, string | undefined>>, item: string, ticker: string): Promise<FirstBotReport> {
  const market = createMarketClient({ env });
  try {
    const { csboard, kalshi } = market; // each is there when its keys are in `env`
    if (!csboard || !kalshi) throw new Error('set CSBOARD_TRADING_API_KEY and the KALSHI_* variables');
    const comparison = await compareItem(market, item);
    const purchase = await buyCheapest(csboard, item);
    const trade = await tradeOnKalshi(kalshi, ticker);
    return { comparison, purchase, kalshi: trade };
  } finally {
    await market.close();
  }
}

/** What a failure means for the bot, decided by the error's class. */
export function whatToDo(error: unknown): string {
  if (error instanceof ValidationError) return `bad input, nothing was sent: ${error.message}`;
  if (error instanceof CapabilityError) return 'a read-only key: nothing was sent; use the trading key';
  if (error instanceof AuthenticationError) return 'fix the key: the client will not use it again';
  if (error instanceof RateLimitError) return `rate limited: wait ${error.retryAfterMs ?? 'a while'} ms`;
  if (error instanceof OutcomeUnknownError) return `still unknown after a repeat: look ${error.idempotencyKey} up before acting again`;
  if (error instanceof MarketError) return `${error.name} ${error.code} ${error.providerCode ?? ''}`;
  return error instanceof Error ? error.message : String(error);
}

async function main(): Promise<void> {
  const sandbox = await startSandbox();
  // The sandbox's environment holds the read-only CSBoard key; the trading one may buy.
  const env = { ...sandbox.env, CSBOARD_TRADING_API_KEY: sandbox.csboard.tradingApiKey };
  try {
    const report = await firstBot(env, 'AK-47 | Redline (Field-Tested)', 'KXFEDDECISION-26DEC-C25');
    const { bestAsk, bestBid } = report.comparison;
    console.log(`best ask ${bestAsk?.ask?.amount} USD on ${bestAsk?.venue}, best bid ${bestBid?.bid?.amount} USD on ${bestBid?.venue}`);
    const p = report.purchase;
    if (p.bought) console.log(`bought ${p.listing.id} (${p.listing.market_hash_name}) for ${p.order.total_charged_usd.amount} USD: balance ${p.balanceBefore.amount} → ${p.balanceAfter.amount}`);
    else console.log(`bought nothing: ${p.reason}`);
    const k = report.kalshi;
    console.log(`kalshi ${k.ticker}: bid ${k.price} ${k.statusPlaced}, then ${k.statusCanceled} (order ${k.orderId})`);
  } catch (error) {
    console.error(whatToDo(error));
    process.exitCode = 1;
  } finally {
    await sandbox.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
