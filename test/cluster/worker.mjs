// One process of a bot fleet sharing one CSBoard key's quota through Redis.
// argv: baseUrl apiKey redisUrl calls limit windowMs [inFlight]
import { createCsboardClient } from '../../dist/src/index.js';

const [baseUrl, apiKey, redisUrl, calls, limit, windowMs, inFlight = '3'] = process.argv.slice(2);
const client = createCsboardClient({
  apiKey,
  baseUrl,
  timeoutMs: 2000,
  retry: { retries: 0 },
  redis: { url: redisUrl },
  rateLimit: { read: { limit: Number(limit), windowMs: Number(windowMs) } },
});
let next = 0;
let ok = 0;
const failed = [];
async function lane() {
  while (next < Number(calls)) {
    next += 1;
    try {
      await client.listListings({ limit: 1 });
      ok += 1;
      process.stdout.write(JSON.stringify({ progress: ok }) + '\n');
    } catch (error) {
      failed.push(`${error.name}: ${error.message}`);
    }
  }
}
await Promise.all(Array.from({ length: Number(inFlight) }, lane));
await client.close();
process.stdout.write(JSON.stringify({ done: true, ok, failed }) + '\n');
