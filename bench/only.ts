/** `node dist/bench/only.js call-path …`: run some bench steps alone and print their rows. */
import { rows } from './lib.js';

const steps: Record<string, () => Promise<void>> = {
  'call-path': async () => (await import('./call-path.js')).callPath(),
  snapshot: async () => (await import('./snapshot.js')).snapshot(),
  queue: async () => (await import('./queue.js')).queuedHeap(),
};
for (const name of process.argv.slice(2)) {
  const step = steps[name];
  if (!step) throw new Error(`unknown step ${name}; known: ${Object.keys(steps).join(', ')}`);
  await step();
}
for (const r of rows) process.stdout.write(`${r.name} | ${r.ours} | ${r.anchor} | ${r.ratio} | ${r.goal} | ${r.met}\n`);
process.exit(0);
