/** The marketmux subcommands. Each returns when done; errors are reported by main. */
import { createWriteStream } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { writeSecretFile } from '../crypto/key-file.js';
import { generateRsaKeyPair, loadPrivateKey, type RsaKeyBits } from '../crypto/rsa-keys.js';
import { createHash } from 'node:crypto';
import { startSandbox } from '../testkit/index.js';
import { withMarket } from './context.js';
import { amount, bold, comparisonTable, dim, formatBytes, progress, sparkline, table, UsageError, type Io } from './output.js';
import type { MarketClient } from '../market.js';

export interface Command {
  summary: string;
  usage: string;
  options: Record<string, { type: 'string' | 'boolean'; short?: string; description: string }>;
  run(io: Io, args: { values: Record<string, string | boolean | undefined>; positionals: string[] }): Promise<void>;
}

const common = {
  json: { type: 'boolean', description: 'print JSON for scripts' },
  debug: { type: 'boolean', description: 'print error details' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
} as const;
const sandboxFlag = { sandbox: { type: 'boolean', description: 'run against a built-in sandbox (no keys, no network)' } } as const;

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new UsageError(`${what} is not configured (see --help for the environment variables)`);
  return value;
}

/** A short sha256 fingerprint of a public key, to tell keys apart without printing them. */
const fingerprintOf = (publicKeyPem: string): string => createHash('sha256').update(publicKeyPem).digest('hex').slice(0, 16);

const CANDLE_ROWS = 20;

const DEMO_ITEMS = ['AK-47 | Redline (Field-Tested)', 'AWP | Asiimov (Field-Tested)', '★ Karambit | Doppler (Factory New)'];

export const commands: Record<string, Command> = {
  demo: {
    summary: 'start the sandbox, compare a few items, show a Kalshi market, make a throwaway key pair',
    usage: 'marketmux demo [--json]',
    options: { ...common },
    async run(io) {
      await withMarket(true, async (market, sandbox) => {
        const comparisons = [];
        for (const item of DEMO_ITEMS) comparisons.push(await market.compare(item, { includeListings: false }));
        const kalshi = need(market.kalshi, 'Kalshi');
        const ticker = 'KXFEDDECISION-26DEC-C25';
        const [marketInfo, book] = await Promise.all([kalshi.getMarket(ticker), kalshi.getOrderbook(ticker)]);
        const pair = await generateRsaKeyPair({ bits: 2048 });
        const fingerprint = fingerprintOf(pair.publicKeyPem);
        if (io.json) {
          io.out(JSON.stringify({ comparisons, kalshi: { ticker, title: marketInfo.title, bestYesBid: book.bestYesBid, bestYesAsk: book.bestYesAsk }, keyPair: { publicKeyPem: pair.publicKeyPem, fingerprint } }, null, 2));
          return;
        }
        io.out(bold(io, 'marketmux demo') + dim(io, ` — sandbox on ${new URL(sandbox!.cs2cap.baseUrl).host}, ${new URL(sandbox!.csboard.baseUrl).host}, ${new URL(sandbox!.kalshi.baseUrl).host}; no keys, no network`));
        for (const c of comparisons) io.out('\n' + comparisonTable(io, c));
        io.out('\n' + bold(io, `Kalshi ${ticker}`) + ` — ${marketInfo.title ?? ''}`);
        io.out(table(['side', 'best bid', 'size', 'best ask', 'size'], [['YES', amount(book.bestYesBid), book.yesBids.at(-1)?.count ?? '—', amount(book.bestYesAsk), book.noBids.at(-1)?.count ?? '—']], ['l', 'r', 'r', 'r', 'r']));
        io.out('\n' + bold(io, 'Throwaway RSA key pair') + ` (2048-bit, native generation): public key sha256 ${fingerprint}`);
        io.out(dim(io, pair.publicKeyPem.split('\n').slice(0, 2).join('\n') + '\n…'));
      });
    },
  },

  compare: {
    summary: 'where is an item cheapest, and what would reselling make',
    usage: 'marketmux compare <market hash name> [--currency EUR] [--listings] [--json] [--sandbox]',
    options: { ...common, ...sandboxFlag, currency: { type: 'string', description: 'result currency (default USD)' }, listings: { type: 'boolean', description: 'also the cheapest CSBoard listings' } },
    async run(io, { values, positionals }) {
      const item = positionals.join(' ').trim();
      if (!item) throw new UsageError('compare needs an item name, e.g. marketmux compare "AK-47 | Redline (Field-Tested)"');
      await withMarket(values.sandbox === true, async (market) => {
        if (!market.cs2cap && !market.csboard) throw new UsageError('set CS2C_API_KEY and/or CSBOARD_API_KEY, or pass --sandbox');
        const c = await market.compare(item, { currency: values.currency as string | undefined, includeListings: values.listings === true });
        io.out(io.json ? JSON.stringify(c, null, 2) : comparisonTable(io, c));
        if (!c.rows.length) throw Object.assign(new Error(`no venue has prices for "${item}"`), { quiet: io.json });
      });
    },
  },

  candles: {
    summary: 'price candles of an item across all marketplaces (CS2Cap)',
    usage: 'marketmux candles <market hash name> [--interval 1d|1h|5m] [--days N] [--currency EUR] [--json] [--sandbox]',
    options: {
      ...common,
      ...sandboxFlag,
      interval: { type: 'string', description: '1d (default), 1h or 5m' },
      days: { type: 'string', description: 'how many days back (1d: up to 365, 1h: 30, 5m: 7)' },
      currency: { type: 'string', description: 'price currency (default USD)' },
    },
    async run(io, { values, positionals }) {
      const item = positionals.join(' ').trim();
      if (!item) throw new UsageError('candles needs an item name, e.g. marketmux candles "AK-47 | Redline (Field-Tested)"');
      await withMarket(values.sandbox === true, async (market) => {
        const cs2cap = need(market.cs2cap, 'CS2Cap (CS2C_API_KEY)');
        const res = await cs2cap.getPriceCandles({
          marketHashName: item,
          interval: values.interval as '1d' | undefined,
          lookbackDays: values.days === undefined ? undefined : Number(values.days),
          currency: values.currency as string | undefined,
        });
        if (io.json) return io.out(JSON.stringify(res, null, 2));
        const { meta, data } = res;
        io.out(bold(io, meta.market_hash_name) + dim(io, ` — ${data.length} ${meta.interval} candles, ${meta.start} → ${meta.end}, ${meta.currency}`));
        if (!data.length) return;
        io.out(`close ${sparkline(data.map((k) => Number(k.close.amount)))}`);
        const shown = data.slice(-CANDLE_ROWS);
        if (shown.length < data.length) io.out(dim(io, `the last ${shown.length}:`));
        io.out(table(['time', 'open', 'high', 'low', 'close', 'volume'], shown.map((k) => [k.time.replace('T', ' ').slice(0, 16), k.open.amount, k.high.amount, k.low.amount, k.close.amount, String(k.v)]), ['l', 'r', 'r', 'r', 'r', 'r']));
      });
    },
  },

  listings: {
    summary: 'CSBoard listings; --watch polls the newest within the rate limit',
    usage: 'marketmux listings [--search TEXT] [--wear W] [--max-price N] [--sort newest|price_asc|price_desc] [--limit N] [--watch [--polls N]] [--json] [--sandbox]',
    options: {
      ...common,
      ...sandboxFlag,
      search: { type: 'string', description: 'text in the item name' },
      wear: { type: 'string', description: 'Factory New, Minimal Wear, …' },
      'max-price': { type: 'string', description: 'USD' },
      sort: { type: 'string', description: 'id, newest, price_asc, price_desc' },
      limit: { type: 'string', description: '1-200 (default 20)' },
      watch: { type: 'boolean', description: 'keep polling for new listings' },
      polls: { type: 'string', description: 'stop watching after N polls (default: until Ctrl-C)' },
    },
    async run(io, { values }) {
      await withMarket(values.sandbox === true, async (market, sandbox) => {
        const csboard = need(market.csboard, 'CSBoard (CSBOARD_API_KEY)');
        const query = {
          search: values.search as string | undefined,
          wear: values.wear as never,
          maxPrice: values['max-price'] ? Number(values['max-price']) : undefined,
          sort: ((values.sort as string | undefined) ?? (values.watch ? 'newest' : 'price_asc')) as 'newest',
          limit: values.limit ? Number(values.limit) : 20,
        };
        const print = (items: Awaited<ReturnType<typeof csboard.listListings>>['items']) => {
          if (io.json) for (const l of items) io.out(JSON.stringify(l));
          else if (items.length) io.out(table(['id', 'item', 'float', 'price'], items.map((l) => [l.id, l.market_hash_name, l.float_value?.toFixed(4) ?? '—', amount(l.price)]), ['l', 'l', 'r', 'r']));
        };
        const first = await csboard.listListings(query);
        print(first.items);
        if (!values.watch) return;
        const seen = new Set(first.items.map((l) => l.id));
        const polls = values.polls ? Number(values.polls) : Infinity;
        let stop = false;
        const onSigint = () => (stop = true);
        process.once('SIGINT', onSigint);
        try {
          for (let i = 0; i < polls && !stop; i++) {
            // In the sandbox nobody else lists: list one per poll so there is something to see.
            if (sandbox) sandbox.csboard.server.addListing(DEMO_ITEMS[i % DEMO_ITEMS.length]!, 10 + i);
            // The limiter spaces the polls: at most the key's read rate, never a 429.
            const page = await csboard.listListings({ ...query, sort: 'newest' });
            const fresh = page.items.filter((l) => !seen.has(l.id));
            for (const l of fresh) seen.add(l.id);
            print(fresh);
            await new Promise((r) => setTimeout(r, 250));
          }
        } finally {
          process.off('SIGINT', onSigint);
        }
      });
    },
  },

  snapshot: {
    summary: 'download the CSBoard price snapshot as NDJSON, skipping it when unchanged',
    usage: 'marketmux snapshot --out FILE [--force] [--sandbox]',
    options: { ...common, ...sandboxFlag, out: { type: 'string', description: 'where to write the rows (NDJSON); FILE.etag keeps the version' }, force: { type: 'boolean', description: 'ignore the saved ETag' } },
    async run(io, { values }) {
      const out = values.out as string | undefined;
      if (!out) throw new UsageError('snapshot needs --out FILE');
      const etagFile = `${out}.etag`;
      const saved = values.force ? undefined : await readFile(etagFile, 'utf8').catch(() => undefined);
      await withMarket(values.sandbox === true, async (market) => {
        const csboard = need(market.csboard, 'CSBoard (CSBOARD_API_KEY)');
        let bytes = 0;
        let rows = 0;
        const bar = progress(io);
        const snap = await csboard.downloadSnapshot({ etag: saved?.trim() || undefined, onBytes: (n) => (bytes += n) });
        if (snap.status === 'unchanged') {
          io.err(`unchanged since the last download (ETag ${snap.etag}); ${out} is current`);
          if (io.json) io.out(JSON.stringify({ status: 'unchanged', etag: snap.etag }));
          return;
        }
        const tmp = `${out}.partial`;
        const file = createWriteStream(tmp);
        try {
          for await (const row of snap.rows) {
            rows += 1;
            if (!file.write(JSON.stringify(row) + '\n')) await once(file, 'drain');
            bar.update(`snapshot: ${formatBytes(bytes)} received, ${rows.toLocaleString('en-US')} rows`);
          }
          file.end();
          await once(file, 'finish');
          await rename(tmp, out);
        } catch (error) {
          file.destroy();
          await rm(tmp, { force: true });
          throw error;
        }
        if (snap.etag) await writeFile(etagFile, snap.etag);
        bar.done(`snapshot: ${formatBytes(bytes)} received, ${rows.toLocaleString('en-US')} rows → ${out}`);
        if (io.json) io.out(JSON.stringify({ status: 'ok', rows, bytes, etag: snap.etag, out }));
      });
    },
  },

  'keys generate': {
    summary: 'generate an RSA key pair (for Kalshi) into a 0600 file; never overwrites',
    usage: 'marketmux keys generate --out FILE [--bits 2048|3072|4096] [--pkcs8] [--json]',
    options: { ...common, out: { type: 'string', description: 'private key file (FILE.pub gets the public key)' }, bits: { type: 'string', description: '2048 (default), 3072 or 4096' }, pkcs8: { type: 'boolean', description: 'PKCS#8 instead of PKCS#1' } },
    async run(io, { values }) {
      const out = values.out as string | undefined;
      if (!out) throw new UsageError('keys generate needs --out FILE');
      const bits = Number(values.bits ?? 2048);
      if (![2048, 3072, 4096].includes(bits)) throw new UsageError('--bits must be 2048, 3072 or 4096');
      const pair = await generateRsaKeyPair({ bits: bits as RsaKeyBits, format: values.pkcs8 ? 'pkcs8' : 'pkcs1' });
      await writeSecretFile(out, pair.privateKeyPem);
      await writeFile(`${out}.pub`, pair.publicKeyPem, { flag: 'wx' }).catch(() => undefined);
      const fingerprint = fingerprintOf(pair.publicKeyPem);
      if (io.json) io.out(JSON.stringify({ privateKeyFile: out, publicKeyFile: `${out}.pub`, bits, fingerprint, publicKeyPem: pair.publicKeyPem }));
      else io.out(`wrote ${out} (mode 0600) and ${out}.pub — ${bits}-bit, public key sha256 ${fingerprint}`);
      loadPrivateKey({ path: out }); // proves the file reads back
    },
  },

  'keys info': {
    summary: "CS2Cap key metadata: tier limits and quota",
    usage: 'marketmux keys info [--json] [--sandbox]',
    options: { ...common, ...sandboxFlag },
    async run(io, { values }) {
      await withMarket(values.sandbox === true, async (market) => {
        const info = await need(market.cs2cap, 'CS2Cap (CS2C_API_KEY)').getKeyInfo();
        if (io.json) return io.out(JSON.stringify(info, null, 2));
        io.out(table(['field', 'value'], [
          ['id', info.id], ['kind', info.is_root_key ? 'root' : 'child'], ['prefix', info.key_prefix], ['active', String(info.is_active)],
          ['requests / minute', String(info.effective_rate_requests_per_minute)], ['requests / month', String(info.effective_quota_requests_per_month)], ['created', info.created_at],
        ]));
      });
    },
  },

  kalshi: {
    summary: 'Kalshi: balance | markets [--event TICKER] | orderbook TICKER',
    usage: 'marketmux kalshi balance|markets|orderbook [TICKER] [--event TICKER] [--limit N] [--json] [--sandbox]',
    options: { ...common, ...sandboxFlag, event: { type: 'string', description: 'markets of one event' }, limit: { type: 'string', description: 'markets per page (default 20)' } },
    async run(io, { values, positionals }) {
      const [what, ticker] = positionals;
      if (!what || !['balance', 'markets', 'orderbook'].includes(what)) throw new UsageError('kalshi needs balance, markets or orderbook');
      if (what === 'orderbook' && !ticker) throw new UsageError('kalshi orderbook needs a market ticker');
      await withMarket(values.sandbox === true, async (market: MarketClient) => {
        const kalshi = need(market.kalshi, 'Kalshi (KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY_PATH, or KALSHI_API_BASE)');
        if (what === 'balance') {
          const b = await kalshi.getBalance();
          io.out(io.json ? JSON.stringify(b) : `balance ${amount(b.balance)} · portfolio value ${amount(b.portfolioValue)}`);
        } else if (what === 'markets') {
          const page = await kalshi.listMarkets({ eventTicker: values.event as string | undefined, limit: values.limit ? Number(values.limit) : 20 });
          if (io.json) return io.out(JSON.stringify(page.markets, null, 2));
          io.out(table(['ticker', 'title', 'yes bid', 'yes ask', 'status'], page.markets.map((m) => [m.ticker, m.title ?? '', m.yes_bid_dollars ?? '—', m.yes_ask_dollars ?? '—', m.status]), ['l', 'l', 'r', 'r', 'l']));
        } else {
          const book = await kalshi.getOrderbook(ticker!);
          if (io.json) return io.out(JSON.stringify(book, null, 2));
          const depth = Math.max(book.yesBids.length, book.noBids.length);
          const rows = Array.from({ length: depth }, (_, i) => {
            const y = book.yesBids[book.yesBids.length - 1 - i];
            const n = book.noBids[book.noBids.length - 1 - i];
            return [y?.price ?? '', y?.count ?? '', n?.price ?? '', n?.count ?? ''];
          });
          io.out(`${bold(io, ticker!)} best YES bid ${amount(book.bestYesBid)} · best YES ask ${amount(book.bestYesAsk)}`);
          io.out(table(['YES bid', 'size', 'NO bid', 'size'], rows, ['r', 'r', 'r', 'r']));
        }
      });
    },
  },

  health: {
    summary: 'is each configured provider reachable and is its key accepted',
    usage: 'marketmux health [--json] [--sandbox]',
    options: { ...common, ...sandboxFlag },
    async run(io, { values }) {
      await withMarket(values.sandbox === true, async (market) => {
        const checks: [string, () => Promise<string>][] = [];
        if (market.csboard) checks.push(['csboard', async () => `ok, ${(await market.csboard!.health()).price_list_age_seconds} s old prices`]);
        if (market.cs2cap) checks.push(['cs2cap', async () => `key ok, ${(await market.cs2cap!.getKeyInfo()).effective_rate_requests_per_minute} req/min`]);
        if (market.kalshi) checks.push(['kalshi', async () => ((await market.kalshi!.getExchangeStatus()).trading_active ? 'trading active' : 'trading paused')]);
        if (!checks.length) throw new UsageError('no provider is configured; set the environment variables or pass --sandbox');
        const results = await Promise.allSettled(checks.map(([, f]) => f()));
        const rows = results.map((r, i) => [checks[i]![0], r.status === 'fulfilled' ? r.value : `FAILED: ${(r.reason as Error).message}`]);
        io.out(io.json ? JSON.stringify(Object.fromEntries(rows)) : table(['provider', 'status'], rows));
        if (results.some((r) => r.status === 'rejected')) throw Object.assign(new Error('a provider is unhealthy'), { quiet: true });
      });
    },
  },

  sandbox: {
    summary: 'serve the three sandboxes in the foreground and print their URLs and keys',
    usage: 'marketmux sandbox [--json]',
    options: { ...common },
    async run(io) {
      const sandbox = await startSandbox();
      if (io.json) io.out(JSON.stringify(sandbox.env));
      else {
        io.out(bold(io, 'marketmux sandbox') + ' — Ctrl-C to stop. For your bot:');
        for (const [k, v] of Object.entries(sandbox.env)) io.out(`export ${k}=${JSON.stringify(v)}`);
        io.out(dim(io, `CSBoard trading key: ${sandbox.csboard.tradingApiKey}`));
      }
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      await sandbox.close();
    },
  },
};

export function commandHelp(c: Command): string {
  const lines = [`${c.usage}`, '', c.summary, '', 'options:'];
  for (const [flag, o] of Object.entries(c.options)) lines.push(`  --${flag}${o.type === 'string' ? ' VALUE' : ''}`.padEnd(26) + o.description);
  return lines.join('\n');
}

export function parseCommand(c: Command, argv: string[]): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const parsed = parseArgs({ args: argv, options: c.options, allowPositionals: true, strict: true });
    return { values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
