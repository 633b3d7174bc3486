import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
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

/** `files` of package.json as a test of a path: the last entry that matches it decides (a `!` one excludes). */
function shippedBy(files: readonly string[]): (path: string) => boolean {
  const toRegExp = (glob: string): RegExp =>
    new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\//g, '\u0000').replace(/\*/g, '[^/]*').replace(/\u0000/g, '(?:.*/)?')}(?:/.*)?$`);
  const rules = files.map((entry) => ({ exclude: entry.startsWith('!'), test: toRegExp(entry.replace(/^!/, '').replace(/\/$/, '')) }));
  const file = (path: string): boolean => ['package.json', 'README.md', 'LICENSE'].includes(path) || rules.reduce((shipped, r) => (r.test.test(path) ? !r.exclude : shipped), false);
  // A folder is shipped when something in it is.
  const any = (path: string): boolean => (statSync(path).isDirectory() ? readdirSync(path).some((f) => any(posix.join(path, f))) : file(path));
  return any;
}

/** GitHub's anchors: the heading's text, lower-cased, punctuation dropped, spaces as hyphens. */
function anchorsOf(markdown: string): Set<string> {
  const out = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.+?)\s*$/.exec(line);
    if (heading) out.add(heading[1]!.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-'));
  }
  return out;
}

describe('the shipped docs link only to what is shipped', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { files: string[] };
  const shipped = shippedBy(pkg.files);
  const pages = ['README.md', ...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

  it('the rule reads package.json `files` as npm does', () => {
    expect(['docs/kalshi.md', 'examples/first-bot.ts', 'examples', 'bench/results.md', 'README.md', 'LICENSE', 'dist/src/index.js'].filter((p) => !shipped(p) && existsSync(p))).toEqual([]);
    expect(['src/index.ts', 'test/e2e/docs.test.ts', 'tsconfig.json', 'scripts/check-pack.sh', 'providers/kalshi/sandbox.ts', 'bench/run.ts'].filter((p) => existsSync(p) && shipped(p))).toEqual([]);
  });

  for (const page of pages) {
    it(`${page}: every relative link is to a shipped file, and every #anchor is a heading there`, () => {
      const text = readFileSync(page, 'utf8').replace(/```[\s\S]*?```/g, '');
      const broken: string[] = [];
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target!)) continue; // https:, mailto:
        const [file, anchor] = target!.split('#') as [string, string | undefined];
        const path = file ? posix.normalize(join(dirname(page), file)).replace(/\/$/, '') : page;
        if (!existsSync(path)) broken.push(`${target}: no such file`);
        else if (!shipped(path)) broken.push(`${target}: not in package.json files`);
        else if (anchor && path.endsWith('.md') && !anchorsOf(readFileSync(path, 'utf8')).has(anchor)) broken.push(`${target}: no such heading`);
      }
      expect(broken).toEqual([]);
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
