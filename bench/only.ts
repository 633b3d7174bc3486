/** `node dist/bench/only.js call-path …`: run some bench steps alone and print their rows. */
import { rows } from './lib.js';

const steps: Record<string, () => Promise<void>> = {
  'call-path': async () => (await import('./call-path.js')).callPath(),
  snapshot: async () => (await import('./snapshot.js')).snapshot(),
  'cs2cap-streams': async () => (await import('./snapshot.js')).cs2capStreams(),
  bucket: async () => (await import('./bucket.js')).bucketAccuracy(process.env.BENCH_REDIS_URL),
  import: async () => (await import('./import-cost.js')).importCost(),
  signing: async () => (await import('./signing.js')).signing(),
  'signed-calls': async () => (await import('./signing.js')).signedCalls(),
  queue: async () => (await import('./queue.js')).queuedHeap(),
  stream: async () => (await import('./stream.js')).streaming(),
};
// The limiter's timers are unref()'d (the request sender holds the process for real calls).
const keepAlive = setInterval(() => undefined, 1000);
for (const name of process.argv.slice(2)) {
  const step = steps[name];
  if (!step) throw new Error(`unknown step ${name}; known: ${Object.keys(steps).join(', ')}`);
  await step();
}
for (const r of rows) process.stdout.write(`${r.name} | ${r.ours} | ${r.anchor} | ${r.ratio} | ${r.goal} | ${r.met}\n`);
clearInterval(keepAlive);
process.exit(0);
