import { ValidationError } from '../errors.js';
import { createMarketClient, type MarketClient } from '../market.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../testkit/index.js';
import { UsageError } from './output.js';

/** The environment variables that configure each provider, for configuration messages. */
export const PROVIDER_ENV: Record<string, string> = {
  cs2cap: 'CS2C_API_KEY',
  csboard: 'CSBOARD_API_KEY',
  kalshi: 'KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY_PATH (or KALSHI_PRIVATE_KEY)',
};

/** What a command runs with: the market client, the environment it was built from, the sandbox if any. */
export interface MarketContext {
  readonly market: MarketClient;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly sandbox: Sandbox | undefined;
}

/**
 * Run with a market client from the environment, or from a fresh in-process sandbox. A key
 * or key file the client refuses is configuration (exit 2), whichever provider it is for.
 */
export async function withMarket<T>(useSandbox: boolean, fn: (context: MarketContext) => Promise<T>, sandboxOptions?: SandboxOptions): Promise<T> {
  const sandbox = useSandbox ? await startSandbox(sandboxOptions) : undefined;
  const env = sandbox ? { ...process.env, ...sandbox.env, REDIS_URL: undefined } : process.env;
  let market: MarketClient;
  try {
    market = createMarketClient({ env, ...(sandbox ? { csboard: { trading: true, apiKey: sandbox.csboard.tradingApiKey } } : {}) });
  } catch (error) {
    await sandbox?.close();
    if (error instanceof ValidationError) throw new UsageError(`configuration: ${PROVIDER_ENV[error.provider] ?? error.provider}: ${error.message}`);
    throw error;
  }
  try {
    return await fn({ market, env, sandbox });
  } finally {
    await market.close();
    await sandbox?.close();
  }
}

/** The provider's client, or a configuration error naming its environment variables. */
export function need<T>(client: T | undefined, provider: string): T {
  if (client === undefined) throw new UsageError(`${provider} is not configured: set ${PROVIDER_ENV[provider] ?? provider}, or pass --sandbox`);
  return client;
}
