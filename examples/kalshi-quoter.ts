/**
 * A Kalshi quoting loop with signed orders: keep one YES bid a tick under the best ask,
 * cancel and replace it when the book moves. Bounded by a number of rounds.
 */
import { createKalshiClient, subtractMoney, money, type KalshiClientOptions } from 'marketmux';
import { startSandbox } from 'marketmux/testkit';

export async function quote(options: KalshiClientOptions, ticker: string, rounds: number): Promise<{ placed: number; cancelled: number }> {
  const kalshi = createKalshiClient(options);
  let resting: string | undefined;
  let placed = 0;
  let cancelled = 0;
  try {
    for (let round = 0; round < rounds; round++) {
      const book = await kalshi.getOrderbook(ticker);
      if (!book.bestYesAsk) continue;
      // One cent under the best ask, exact decimal arithmetic.
      const price = subtractMoney(book.bestYesAsk, money('0.01', 'USD')).amount;
      if (resting) {
        await kalshi.cancelOrder(resting, { ticker });
        cancelled += 1;
      }
      // Each attempt is signed afresh; the client_order_id makes a retry land once.
      const order = await kalshi.createOrder({ ticker, side: 'bid', count: '1', price, timeInForce: 'good_till_canceled', postOnly: true });
      resting = order.order_id;
      placed += 1;
    }
    if (resting) {
      await kalshi.cancelOrder(resting, { ticker });
      cancelled += 1;
    }
    return { placed, cancelled };
  } finally {
    await kalshi.close();
  }
}

async function main(): Promise<void> {
  const sandbox = process.env.KALSHI_API_KEY_ID ? undefined : await startSandbox();
  const options: KalshiClientOptions = sandbox
    ? { keyId: sandbox.kalshi.keyId, privateKeyPem: sandbox.kalshi.privateKeyPem, baseUrl: sandbox.kalshi.baseUrl }
    : { keyId: process.env.KALSHI_API_KEY_ID, privateKeyPath: process.env.KALSHI_PRIVATE_KEY_PATH, environment: 'demo' };
  console.log(await quote(options, 'KXBTCMAXY-26-T150000', 3));
  await sandbox?.close();
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
