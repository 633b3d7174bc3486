// One process of a fleet on one IP, each with bad keys of its own (one process per key, so
// `processes: 1` is the right quota setting: "How many processes share the key").
// argv: baseUrl redisUrl keys. stdin "go": one getBalance per key, all at once; prints the codes.
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { createCsboardClient } from '../../dist/providers/csboard/index.js';

const [baseUrl, redisUrl, keys] = process.argv.slice(2);
setTimeout(() => process.exit(3), 90_000).unref();
const clients = Array.from({ length: Number(keys) }, () =>
  createCsboardClient({
    apiKey: `csb_pub_${randomBytes(18).toString('base64url')}`,
    baseUrl,
    retry: { retries: 0 },
    // A short read window: the quota's own local fallback starts by waiting one window.
    rateLimit: { read: { limit: 8, windowMs: 300 } },
    redis: { url: redisUrl, onRedisDown: 'local', processes: 1 },
  }),
);
await Promise.all(clients.map((c) => c.health())); // every connection ready
const say = (msg) => process.stdout.write(JSON.stringify(msg) + '\n');
say({ ready: true });
for await (const line of createInterface({ input: process.stdin })) {
  if (line !== 'go') continue;
  const codes = await Promise.all(clients.map((c) => c.getBalance().then(() => 'ok', (e) => e?.code ?? String(e))));
  say({ codes });
  break;
}
await Promise.all(clients.map((c) => c.close()));
process.exit(0);
