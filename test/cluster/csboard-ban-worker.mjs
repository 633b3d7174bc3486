// One process of a fleet on one machine (one IP) sharing CSBoard's bad-key guard through Redis.
// argv: baseUrl redisUrl sharedBadKey burst ownKeyWaitMs
// stdin "go": a burst of `burst` calls with the shared bad key; "go2": one call with a bad key
// of its own, cancelled after ownKeyWaitMs. Each phase prints one JSON line of error codes.
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { createCsboardClient } from '../../dist/providers/csboard/index.js';

const [baseUrl, redisUrl, sharedBadKey, burst, ownKeyWaitMs] = process.argv.slice(2);
const options = { baseUrl, timeoutMs: 5000, retry: { retries: 0 }, redis: { url: redisUrl } };
const shared = createCsboardClient({ ...options, apiKey: sharedBadKey });
const own = createCsboardClient({ ...options, apiKey: `csb_pub_${randomBytes(18).toString('base64url')}` });
const outcome = (p) => p.then(() => 'ok', (e) => (e && typeof e === 'object' && 'code' in e ? e.code : String(e)));
const say = (msg) => process.stdout.write(JSON.stringify(msg) + '\n');
// A worker the parent forgot must not outlive the test.
setTimeout(() => process.exit(3), 60_000).unref();

const lines = createInterface({ input: process.stdin });
say({ ready: true });
for await (const line of lines) {
  if (line === 'go') {
    const codes = await Promise.all(Array.from({ length: Number(burst) }, () => outcome(shared.listListings({ limit: 1 }))));
    say({ phase: 1, codes });
  } else if (line === 'go2') {
    const code = await outcome(own.getBalance({ signal: globalThis.AbortSignal.timeout(Number(ownKeyWaitMs)) }));
    say({ phase: 2, code });
    break;
  }
}
await Promise.all([shared.close(), own.close()]);
process.exit(0);
