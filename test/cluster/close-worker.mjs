// Uses every kind of client, leaves calls queued, closes, and must then exit on its own.
// argv: JSON of { cs2cap, csboard, kalshi, redisUrl }
import { createCs2CapClient, createCsboardClient, createKalshiClient } from '../../dist/src/index.js';

const env = JSON.parse(process.argv[2]);
const cs2cap = createCs2CapClient({ apiKey: env.cs2cap.apiKey, baseUrl: env.cs2cap.baseUrl, rateLimit: { default: { limit: 2, windowMs: 60_000 } } });
const csboard = createCsboardClient({ apiKey: env.csboard.apiKey, baseUrl: env.csboard.baseUrl, redis: { url: env.redisUrl } });
const kalshi = createKalshiClient({ keyId: env.kalshi.keyId, privateKeyPem: env.kalshi.privateKeyPem, baseUrl: env.kalshi.baseUrl, redis: { url: env.redisUrl } });

await Promise.all([cs2cap.getFxRates(), csboard.getBalance(), kalshi.getBalance(), kalshi.getExchangeStatus()]);
// Two more than the window allows: these wait in the queue when we close.
const queued = [cs2cap.getFxRates(), cs2cap.getFxRates(), cs2cap.getFxRates()].map((p) => p.then(() => 'done', (e) => e.name));
await new Promise((r) => setTimeout(r, 100));
await Promise.all([cs2cap.close(), csboard.close(), kalshi.close()]);
const outcomes = await Promise.all(queued);
process.stdout.write(JSON.stringify({ closed: true, outcomes }) + '\n');
// No process.exit(): the test checks that nothing keeps the event loop alive.
