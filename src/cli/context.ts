import { createMarketClient, type MarketClient } from '../market.js';
import { startSandbox, type Sandbox } from '../testkit/index.js';

/** Run with a market client from the environment, or from a fresh in-process sandbox. */
export async function withMarket<T>(useSandbox: boolean, fn: (market: MarketClient, sandbox: Sandbox | undefined) => Promise<T>): Promise<T> {
  const sandbox = useSandbox ? await startSandbox() : undefined;
  const env = sandbox ? { ...process.env, ...sandbox.env, REDIS_URL: undefined } : process.env;
  const market = createMarketClient({ env, ...(sandbox ? { csboard: { trading: true, apiKey: sandbox.csboard.tradingApiKey } } : {}) });
  try {
    return await fn(market, sandbox);
  } finally {
    await market.close();
    await sandbox?.close();
  }
}
