import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKalshiClient } from '../../src/index.js';
import { startSandbox, type Sandbox } from '../../src/testkit/index.js';
import * as snippets from '../../examples/snippets.js';
import { startRedis } from '../cluster/redis-server.js';

const lines = (text: string): string[] => text.split('\n').map((l) => l.trim()).filter(Boolean);
const examples = readdirSync('examples').filter((f) => f.endsWith('.ts')).map((f) => lines(readFileSync(join('examples', f), 'utf8')));

function containedIn(block: string[], file: string[]): boolean {
  for (let i = 0; i + block.length <= file.length; i++) if (block.every((l, j) => file[i + j] === l)) return true;
  return false;
}

describe('the docs', () => {
  const docs = readdirSync('docs').filter((f) => f.endsWith('.md'));
  it('have every guide the README promises', () => {
    expect(docs).toEqual(expect.arrayContaining(['getting-started.md', 'cs2cap.md', 'csboard.md', 'kalshi.md', 'limits-and-retries.md', 'redis.md', 'security.md', 'sandbox.md', 'errors.md']));
  });

  for (const doc of docs) {
    const blocks = [...readFileSync(join('docs', doc), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => lines(m[1]!));
    it(`${doc}: every TypeScript sample is compiled and run code from examples/`, () => {
      for (const block of blocks) expect(examples.some((file) => containedIn(block, file)), block.join('\n')).toBe(true);
    });
  }
});

describe('the doc samples run against the sandbox', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox();
  });
  afterAll(() => sb.close());

  it('events and logging: the error event names the failed call', async () => {
    expect(await snippets.eventsAndLogging(sb)).toEqual(['cs2cap /portfolio/no-such-portfolio/items: InvalidRequestError after 1 attempts']);
  });
  it('CS2Cap webhooks: the documented receiver verifies a signed delivery and acts on it once', async () => {
    expect(await snippets.cs2capWebhooks(sb)).toEqual(['AK-47 | Redline (Field-Tested)']);
  });
  it('CS2Cap keys, events', async () => {
    expect(await snippets.events(sb)).toBe(0);
    // Last: it rotates the sandbox key.
    expect(await snippets.cs2capKeys(sb)).toBe(300);
  });
  it('CSBoard buying, snapshot, errors', async () => {
    expect(await snippets.csboardResults(sb)).toEqual({ currency: 'USD', amount: expect.stringMatching(/^\d+\.\d{2}$/) });
    expect(await snippets.csboardBuying(sb)).toMatch(/^ord_|^moved to/);
    expect(await snippets.csboardSnapshot(sb)).toBeGreaterThan(50);
    expect(await snippets.handlingErrors(sb)).toBe('read-only key: nothing was sent');
  });
  it('Kalshi keys and orders', async () => {
    expect(await snippets.kalshiKeys(sb)).toMatch(/-/);
    expect(await snippets.kalshiOrder(sb)).toMatch(/^[0-9a-f-]{36}$/);
    expect(await snippets.kalshiRfq(sb)).toBe('yes');
  });
  it('lists: one call awaited is a page, iterated is every item', async () => {
    // Every open market, as one page big enough to hold them all says: more than the first page.
    const kalshi = createKalshiClient({ baseUrl: sb.kalshi.baseUrl });
    const open = (await kalshi.listMarkets({ status: 'open', limit: 1000 })).markets.length;
    await kalshi.close();
    expect(open).toBeGreaterThan(2);
    expect(await snippets.lists(sb)).toEqual({ firstPage: 2, all: open });
  });
  it('the sandbox and a shared quota', async () => {
    await snippets.sandboxForTests();
    const redis = await startRedis();
    await snippets.sharedQuota(redis.url, sb);
    await redis.stop();
  });
});
