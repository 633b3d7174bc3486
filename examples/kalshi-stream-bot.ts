/**
 * A Kalshi bot on the WebSocket: quotes one contract at the best YES bid of the live book,
 * follows each order through the stream to its end (a lost answer included), cancels what is
 * still resting after a moment and quotes again. Bounded by a number of rounds; ends by itself.
 *
 * Run against your own sandbox (no env), the sandbox's env (KALSHI_API_BASE, KALSHI_WS_BASE,
 * KALSHI_API_KEY_ID, KALSHI_PRIVATE_KEY), or the demo exchange (KALSHI_API_KEY_ID and
 * KALSHI_PRIVATE_KEY_PATH).
 */
import { randomUUID } from 'node:crypto';
import { createKalshiClient, InvalidRequestError, OutcomeUnknownError, type KalshiClientOptions, type KalshiOrderTracker, type KalshiTrackedOrder } from 'marketmux';
import { startSandbox } from 'marketmux/testkit';

/** What the bot did: orders placed, and how each one ended. */
export interface StreamBotReport {
  placed: number;
  executed: number;
  canceled: number;
  /** Orders whose answer was lost and that turned out never to have been placed. */
  notPlaced: number;
}

export async function streamBot(options: KalshiClientOptions, ticker: string, rounds: number, restMs = 300): Promise<StreamBotReport> {
  const kalshi = createKalshiClient(options);
  const report: StreamBotReport = { placed: 0, executed: 0, canceled: 0, notPlaced: 0 };
  try {
    const book = kalshi.orderBook(ticker);
    // Subscribe to your orders and fills before placing any.
    await kalshi.watchOrders();
    for (let round = 0; round < rounds; round++) {
      // Waits out a resync (after a gap or a reconnect): never quotes from a stale book.
      const view = await book.live({ timeoutMs: 10_000 });
      if (!view.bestYesBid || !view.bestYesAsk) continue;
      const clientOrderId = randomUUID();
      const tracker = kalshi.trackOrder(clientOrderId, { ticker });
      try {
        await kalshi.createOrder({ ticker, side: 'bid', count: '1', price: view.bestYesBid.price, timeInForce: 'good_till_canceled', postOnly: true, clientOrderId });
        report.placed += 1;
      } catch (error) {
        // The answer was lost: the tracker finds out whether the order exists. Never re-place it under a new id.
        if (!(error instanceof OutcomeUnknownError)) throw error;
      }
      const final = await endOf(tracker, restMs, (orderId) => kalshi.cancelOrder(orderId, { ticker }));
      if (final === undefined) report.notPlaced += 1;
      else if (final.status === 'executed') report.executed += 1;
      else report.canceled += 1;
    }
    return report;
  } finally {
    await kalshi.close();
  }
}

/** Let an order rest for `restMs`, cancel what still rests, and resolve with how it ended (undefined: it never existed). */
async function endOf(tracker: KalshiOrderTracker, restMs: number, cancel: (orderId: string) => Promise<unknown>): Promise<KalshiTrackedOrder | undefined> {
  const timer = new Promise<'rest over'>((resolve) => setTimeout(() => resolve('rest over'), restMs));
  const first = await Promise.race([tracker.done, timer]).catch((error: unknown) => error);
  if (first === 'rest over' && tracker.order?.status === 'resting') await cancel(tracker.order.order_id);
  try {
    return await tracker.done;
  } catch (error) {
    if (error instanceof InvalidRequestError && error.code === 'not_found') return undefined;
    throw error;
  }
}

async function main(): Promise<void> {
  const env = process.env;
  const sandbox = env.KALSHI_API_KEY_ID ? undefined : await startSandbox({ kalshi: { simulate: { seed: 1, intervalMs: 50 } } });
  const key: KalshiClientOptions = env.KALSHI_PRIVATE_KEY ? { privateKeyPem: env.KALSHI_PRIVATE_KEY } : { privateKeyPath: env.KALSHI_PRIVATE_KEY_PATH };
  const options: KalshiClientOptions = sandbox
    ? { keyId: sandbox.kalshi.keyId, privateKeyPem: sandbox.kalshi.privateKeyPem, baseUrl: sandbox.kalshi.baseUrl, streamUrl: sandbox.kalshi.streamUrl }
    : { keyId: env.KALSHI_API_KEY_ID, ...key, ...(env.KALSHI_API_BASE ? { baseUrl: env.KALSHI_API_BASE, streamUrl: env.KALSHI_WS_BASE } : { environment: 'demo' }) };
  console.log(await streamBot(options, 'KXBTCMAXY-26-T150000', 3));
  await sandbox?.close();
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
