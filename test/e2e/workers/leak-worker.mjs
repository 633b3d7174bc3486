// createMarketClient with REDIS_URL set and a Kalshi key that cannot be read: the factory
// throws, and the clients it built before (with Redis connections that keep retrying) must be
// closed, so this process exits by itself.
import { createMarketClient } from '../../../dist/src/index.js';

const env = JSON.parse(process.argv[2]);
try {
  createMarketClient({ env });
  process.stdout.write('built\n');
} catch (error) {
  process.stdout.write(`${error.name}\n`);
}
