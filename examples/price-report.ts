/**
 * A cross-market price report: for each item, every venue's ask and bid, the best of
 * each and the spread, in the currency you ask for.
 *
 *   node dist/examples/price-report.js            # against the built-in sandbox
 *   CS2C_API_KEY=… CSBOARD_API_KEY=… node dist/examples/price-report.js EUR
 */
import { createMarketClient, type Comparison } from 'marketmux';
import { startSandbox } from 'marketmux/testkit';

export async function priceReport(env: Record<string, string | undefined>, items: string[], currency = 'USD'): Promise<Comparison[]> {
  const market = createMarketClient({ env });
  try {
    // Providers are asked in parallel; one failing provider never fails the report.
    return await Promise.all(items.map((item) => market.compare(item, { currency })));
  } finally {
    await market.close();
  }
}

async function main(): Promise<void> {
  const sandbox = process.env.CS2C_API_KEY ? undefined : await startSandbox();
  const env = sandbox ? sandbox.env : process.env;
  const reports = await priceReport(env, ['AK-47 | Redline (Field-Tested)', 'AWP | Asiimov (Field-Tested)'], process.argv[2] ?? 'USD');
  for (const r of reports) {
    console.log(`${r.item}: best ask ${r.bestAsk?.ask?.amount} on ${r.bestAsk?.venue}, best bid ${r.bestBid?.bid?.amount} on ${r.bestBid?.venue}, spread ${r.spread?.amount} ${r.currency}`);
    for (const [provider, error] of Object.entries(r.errors)) console.log(`  ${provider} failed: ${error.message}`);
  }
  await sandbox?.close();
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
