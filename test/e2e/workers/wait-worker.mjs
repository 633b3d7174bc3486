// A one-shot script whose last calls must wait (for a rolling-window slot, bucket tokens or a
// server pause). It never calls process.exit(): the test checks that the process stays alive
// until every call has settled and then exits by itself (exit code 13 would mean a top-level
// await never settled because the event loop emptied under a waiting call).
// argv: kind, JSON of the sandbox's { cs2cap, csboard, kalshi }.
import { createCs2CapClient, createCsboardClient, createKalshiClient } from '../../../dist/src/index.js';

const [kind, json] = process.argv.slice(2);
const sb = JSON.parse(json);
const started = Date.now();
let results;
if (kind === 'window') {
  const client = createCs2CapClient({ apiKey: sb.cs2cap.apiKey, baseUrl: sb.cs2cap.baseUrl, rateLimit: { default: { limit: 2, windowMs: 1_200 } } });
  results = await Promise.all([1, 2, 3].map(() => client.getFxRates().then(() => 'ok')));
  await client.close();
} else if (kind === 'bucket') {
  // Each call costs 10 tokens: two fit, the third waits about a second for its tokens.
  const client = createKalshiClient({ baseUrl: sb.kalshi.baseUrl, rateLimit: { read: { capacity: 20, refillPerSecond: 10 } } });
  results = await Promise.all([1, 2, 3].map(() => client.getExchangeStatus().then(() => 'ok')));
  await client.close();
} else if (kind === 'pause') {
  // The sandbox answers the first call 429 with Retry-After: 1.
  const client = createCsboardClient({ apiKey: sb.csboard.apiKey, baseUrl: sb.csboard.baseUrl });
  results = [await client.getBalance().then(() => 'ok')];
  await client.close();
} else if (kind === 'idle') {
  // One call, then nothing: an idle client that is never closed must not hold the process.
  const client = createCs2CapClient({ apiKey: sb.cs2cap.apiKey, baseUrl: sb.cs2cap.baseUrl });
  results = [await client.getFxRates().then(() => 'ok')];
}
process.stdout.write(JSON.stringify({ results, ms: Date.now() - started }) + '\n');
