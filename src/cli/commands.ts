/** The marketmux subcommands, declared with commander. Each action returns when done; main maps errors to exit codes. */
import { createWriteStream, rmSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { Command, Option } from 'commander';
import { writeSecretFile } from '../crypto/key-file.js';
import { generateRsaKeyPair, loadPrivateKey, type RsaKeyBits } from '../crypto/rsa-keys.js';
import { CSBOARD_DEFAULT_LIMITS, type CsboardListing } from '../../providers/csboard/index.js';
import { Cs2CapSandbox, CsboardSandbox, KalshiSandbox } from '../testkit/index.js';
import type { Comparison } from '../compare.js';
import { need, withMarket } from './context.js';
import { fromMinorUnits, money } from '../money.js';
import { amount, bold, comparisonTable, createIo, dim, environmentScrubber, fit, formatBytes, InterruptedError, progress, ReportedFailure, sparkline, table, UsageError, width, type Io } from './output.js';
import { price, seconds, wholeNumber, withFlags } from './values.js';
import { inline, jsonLine } from './terminal-text.js';
import { portfolioCommand, watchlistCommand } from './portfolio-commands.js';

/** The flags every command takes. */
interface CommonOptions {
  json?: boolean;
  debug?: boolean;
  sandbox?: boolean;
}

/** A short sha256 fingerprint of a public key, to tell keys apart without printing them. */
const fingerprintOf = (publicKeyPem: string): string => createHash('sha256').update(publicKeyPem).digest('hex').slice(0, 16);

const CANDLE_ROWS = 20;
const DEMO_ITEMS = ['AK-47 | Redline (Field-Tested)', 'AWP | Asiimov (Field-Tested)', '★ Karambit | Doppler (Factory New)'];

/** One poll of `listings --watch` per this many ms at most: the key's whole CSBoard read rate. */
const READ = CSBOARD_DEFAULT_LIMITS.read;
const FASTEST_POLL_S = READ.windowMs / READ.limit / 1000;
/** By default the watch takes half the read budget, so the key's other calls still fit. */
const DEFAULT_POLL_S = 2 * FASTEST_POLL_S;

const JSON_ONE = '--json: one JSON document on stdout.';

function withCommon(cmd: Command, { sandbox = true }: { sandbox?: boolean } = {}): Command {
  cmd.option('--json', 'print JSON for scripts').option('--debug', 'print error details');
  if (sandbox) cmd.option('--sandbox', 'run against a built-in sandbox (no keys, no network)');
  return cmd;
}

/** Tell which configured providers failed, on stderr; true when one did. */
function reportProviderErrors(io: Io, command: string, errors: Comparison['errors']): boolean {
  for (const [provider, error] of Object.entries(errors)) io.err(`marketmux ${command}: ${provider} failed: ${error.name}: ${inline(error.message)}`);
  return Object.keys(errors).length > 0;
}

/** Resolves on the first SIGINT (Ctrl-C); `stop()` removes the handler. */
function onCtrlC(handler: () => void): () => void {
  process.once('SIGINT', handler);
  return () => process.off('SIGINT', handler);
}

function demoCommand(): Command {
  return withCommon(new Command('demo'), { sandbox: false })
    .summary('start the sandbox, compare a few items, show a Kalshi market, make a throwaway key pair')
    .description('Start the built-in sandbox, compare a few items, show a Kalshi market and make a throwaway key pair. No keys, no network.')
    .addHelpText('after', `\n${JSON_ONE}`)
    .action(async (opts: CommonOptions) => {
      const io = createIo(opts);
      await withMarket(true, async ({ market, sandbox }) => {
        const comparisons = [];
        for (const item of DEMO_ITEMS) comparisons.push(await market.compare(item, { includeListings: false }));
        const kalshi = need(market.kalshi, 'kalshi');
        const ticker = 'KXFEDDECISION-26DEC-C25';
        const [marketInfo, book] = await Promise.all([kalshi.getMarket(ticker), kalshi.getOrderbook(ticker)]);
        const pair = await generateRsaKeyPair({ bits: 2048 });
        const fingerprint = fingerprintOf(pair.publicKeyPem);
        const failed = comparisons.map((c) => reportProviderErrors(io, 'demo', c.errors)).some(Boolean);
        if (io.json) {
          io.out(JSON.stringify({ comparisons, kalshi: { ticker, title: marketInfo.title, bestYesBid: book.bestYesBid, bestYesAsk: book.bestYesAsk }, keyPair: { publicKeyPem: pair.publicKeyPem, fingerprint } }, null, 2));
        } else {
          io.out(bold(io, 'marketmux demo') + dim(io, ` — sandbox on ${new URL(sandbox!.cs2cap.baseUrl).host}, ${new URL(sandbox!.csboard.baseUrl).host}, ${new URL(sandbox!.kalshi.baseUrl).host}; no keys, no network`));
          for (const c of comparisons) io.out('\n' + comparisonTable(io, c));
          io.out('\n' + bold(io, `Kalshi ${ticker}`) + ` — ${inline(marketInfo.title ?? '')}`);
          io.out(table(['side', 'best bid', 'size', 'best ask', 'size'], [['YES', amount(book.bestYesBid), book.orderbook_fp.yes_dollars?.at(-1)?.[1] ?? '—', amount(book.bestYesAsk), book.orderbook_fp.no_dollars?.at(-1)?.[1] ?? '—']], ['l', 'r', 'r', 'r', 'r']));
          io.out('\n' + bold(io, 'Throwaway RSA key pair') + ` (2048-bit, native generation): public key sha256 ${fingerprint}`);
          io.out(dim(io, pair.publicKeyPem.split('\n').slice(0, 2).join('\n') + '\n…'));
        }
        if (failed) throw new ReportedFailure('a provider failed');
      });
    });
}

function compareCommand(): Command {
  return withCommon(new Command('compare'))
    .summary('where is an item cheapest, and what would reselling make')
    .description('Where is a CS2 item cheapest across the configured providers, and what would reselling make. Exit code 1 when a configured provider failed (named on stderr); the other providers\' rows are still printed.')
    .argument('[item...]', 'market hash name, e.g. "AK-47 | Redline (Field-Tested)"')
    .option('--currency <code>', 'result currency (default USD)')
    .option('--listings', 'also the cheapest CSBoard listings')
    .addHelpText('after', `\n${JSON_ONE}`)
    .action(async (words: string[], opts: CommonOptions & { currency?: string; listings?: boolean }) => {
      const io = createIo(opts);
      const item = words.join(' ').trim();
      if (!item) throw new UsageError('compare needs an item name, e.g. marketmux compare "AK-47 | Redline (Field-Tested)"');
      await withMarket(opts.sandbox === true, async ({ market }) => {
        if (!market.cs2cap && !market.csboard) throw new UsageError('no CS2 provider is configured: set CS2C_API_KEY and/or CSBOARD_API_KEY, or pass --sandbox');
        const c = await withFlags({ currency: '--currency' }, () => market.compare(item, { currency: opts.currency, includeListings: opts.listings === true }));
        io.out(io.json ? JSON.stringify(c, null, 2) : comparisonTable(io, c));
        if (reportProviderErrors(io, 'compare', c.errors)) throw new ReportedFailure('a provider failed');
      });
    });
}

function candlesCommand(): Command {
  return withCommon(new Command('candles'))
    .summary('price candles of an item across all marketplaces (CS2Cap)')
    .description('Price candles of an item across all marketplaces (CS2Cap): a sparkline that fits the terminal and a table of the last buckets.')
    .argument('[item...]', 'market hash name')
    .addOption(new Option('--interval <interval>', 'candle length').choices(['1d', '1h', '5m']).default('1d'))
    .addOption(new Option('--days <n>', 'how many days back (1d: up to 365, 1h: 30, 5m: 7)').argParser(wholeNumber(1, 365)))
    .option('--currency <code>', 'price currency (default USD)')
    .addHelpText('after', `\n${JSON_ONE}`)
    .action(async (words: string[], opts: CommonOptions & { interval: '1d' | '1h' | '5m'; days?: number; currency?: string }) => {
      const io = createIo(opts);
      const item = words.join(' ').trim();
      if (!item) throw new UsageError('candles needs an item name, e.g. marketmux candles "AK-47 | Redline (Field-Tested)"');
      await withMarket(opts.sandbox === true, async ({ market }) => {
        const cs2cap = need(market.cs2cap, 'cs2cap');
        const res = await withFlags({ lookbackDays: '--days', interval: '--interval', currency: '--currency', marketHashName: 'the item name' }, () =>
          cs2cap.getPriceCandles({ marketHashName: item, interval: opts.interval, lookbackDays: opts.days, currency: opts.currency }),
        );
        if (io.json) return io.out(JSON.stringify(res, null, 2));
        const { meta, data } = res;
        io.out(inline(bold(io, meta.market_hash_name) + dim(io, ` — ${data.length} ${meta.interval} candles, ${meta.start} → ${meta.end}, ${meta.currency}`)));
        if (!data.length) return;
        const label = 'close ';
        io.out(label + sparkline(data.map((k) => Number(k.c.amount)), io.columns - label.length));
        const shown = data.slice(-CANDLE_ROWS);
        if (shown.length < data.length) io.out(dim(io, `the last ${shown.length}:`));
        io.out(table(['time', 'open', 'high', 'low', 'close', 'volume'], shown.map((k) => [new Date(k.t * 1000).toISOString().replace('T', ' ').slice(0, 16), k.o.amount, k.h.amount, k.l.amount, k.c.amount, String(k.v)]), ['l', 'r', 'r', 'r', 'r', 'r']));
      });
    });
}

/** Rows of listings in fixed columns, so rows printed later line up under the first header. */
function listingRows(io: Io, first: readonly CsboardListing[]): { header(): string; row(l: CsboardListing): string } {
  const idWidth = Math.max(10, ...first.map((l) => width(l.id)));
  const priceWidth = Math.max(12, ...first.map((l) => width(amount(l.price_usd))));
  const floatWidth = 6;
  const itemWidth = Math.max(20, Math.min(60, io.columns - idWidth - priceWidth - floatWidth - 6));
  const line = (cells: [string, string, string, string]) =>
    [fit(cells[0], idWidth), fit(cells[1], itemWidth), fit(cells[2], floatWidth, 'r'), fit(cells[3], priceWidth, 'r')].join('  ').trimEnd();
  return {
    header: () => [line(['id', 'item', 'float', 'price']), ['─'.repeat(idWidth), '─'.repeat(itemWidth), '─'.repeat(floatWidth), '─'.repeat(priceWidth)].join('  ')].join('\n'),
    row: (l) => line([l.id, l.market_hash_name, l.float_value?.toFixed(4) ?? '—', amount(l.price_usd)]),
  };
}

function listingsCommand(): Command {
  return withCommon(new Command('listings'))
    .summary('CSBoard listings; --watch polls for new ones within the read limit')
    .description(
      `CSBoard listings. --watch keeps polling the newest and prints only new rows until Ctrl-C (exit 0), a poll every ${DEFAULT_POLL_S} s by default: half the key's read limit (${READ.limit} per ${READ.windowMs / 1000} s), so its other calls still fit.`,
    )
    .option('--search <text>', 'text in the item name')
    .option('--wear <wear>', 'Factory New, Minimal Wear, Field-Tested, Well-Worn, Battle-Scarred')
    .addOption(new Option('--max-price <usd>', 'highest price in USD').argParser(price))
    .addOption(new Option('--sort <order>', 'order (default price_asc; newest with --watch)').choices(['id', 'newest', 'price_asc', 'price_desc']))
    .addOption(new Option('--limit <n>', 'listings per page').argParser(wholeNumber(1, 200)).default(20))
    .option('--watch', 'keep polling for new listings until Ctrl-C')
    .addOption(new Option('--every <seconds>', `seconds between polls (at least ${FASTEST_POLL_S}: the key's full read rate)`).argParser(seconds(FASTEST_POLL_S)))
    .addOption(new Option('--polls <n>', 'stop watching after N polls').argParser(wholeNumber(1)))
    .addHelpText('after', '\n--json: NDJSON, one listing per line (with --watch: each new listing as it appears).')
    .action(async (opts: CommonOptions & { search?: string; wear?: string; maxPrice?: number; sort?: string; limit: number; watch?: boolean; every?: number; polls?: number }) => {
      const io = createIo(opts);
      if (!opts.watch && (opts.every !== undefined || opts.polls !== undefined)) throw new UsageError(`${opts.every !== undefined ? '--every' : '--polls'} needs --watch`);
      const flags = { search: '--search', wear: '--wear', maxPrice: '--max-price', sort: '--sort', limit: '--limit' };
      await withMarket(opts.sandbox === true, async ({ market, sandbox }) => {
        const csboard = need(market.csboard, 'csboard');
        const query = {
          search: opts.search,
          wear: opts.wear as never,
          maxPrice: opts.maxPrice,
          sort: (opts.sort ?? (opts.watch ? 'newest' : 'price_asc')) as 'newest',
          limit: opts.limit,
        };
        const stopWatching = new AbortController();
        const off = opts.watch ? onCtrlC(() => stopWatching.abort()) : () => undefined;
        try {
          const first = await withFlags(flags, () => csboard.listListings(query, { signal: stopWatching.signal }));
          const rows = listingRows(io, first.items);
          const print = (items: readonly CsboardListing[]) => {
            for (const l of items) io.out(io.json ? JSON.stringify(l) : rows.row(l));
          };
          if (!io.json && (first.items.length || opts.watch)) io.out(rows.header());
          print(first.items);
          if (!opts.watch) return;
          const every = (opts.every ?? DEFAULT_POLL_S) * 1000;
          if (io.stderrIsTty) io.err(dim(io, `watching for new listings, a poll every ${every / 1000} s — Ctrl-C to stop`));
          const seen = new Set(first.items.map((l) => l.id));
          for (let i = 0; i < (opts.polls ?? Infinity) && !stopWatching.signal.aborted; i++) {
            await sleep(every, stopWatching.signal);
            if (stopWatching.signal.aborted) break;
            // In the sandbox nobody else lists: list one per poll so there is something to see.
            if (sandbox) sandbox.csboard.server.addListing(DEMO_ITEMS[i % DEMO_ITEMS.length]!, 10 + i);
            const page = await csboard.listListings({ ...query, sort: 'newest' }, { signal: stopWatching.signal }).catch((error: unknown) => {
              if (stopWatching.signal.aborted) return undefined;
              throw error;
            });
            const fresh = page?.items.filter((l) => !seen.has(l.id)) ?? [];
            for (const l of fresh) seen.add(l.id);
            print(fresh.reverse()); // oldest first, so the newest ends up at the bottom
          }
          if (io.stderrIsTty) io.err(dim(io, 'stopped watching'));
        } catch (error) {
          if (!stopWatching.signal.aborted) throw error; // Ctrl-C is how a watch ends, even mid-call
        } finally {
          off();
        }
      });
    });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

function snapshotCommand(): Command {
  return withCommon(new Command('snapshot'))
    .summary('download the CSBoard price snapshot as NDJSON, skipping it when unchanged')
    .description('Download the CSBoard price snapshot into FILE as NDJSON, skipping the download when FILE.etag says it is unchanged. The rows go to a temporary file beside FILE, renamed on success: Ctrl-C (exit 130) or a failure leaves FILE as it was and no partial file.')
    .requiredOption('--out <file>', 'where to write the rows (NDJSON); FILE.etag keeps the version')
    .option('--force', 'ignore the saved ETag')
    .addHelpText('after', `\n--json: one JSON document on stdout ({ status, rows, bytes, etag, out }).`)
    .action(async (opts: CommonOptions & { out: string; force?: boolean }) => {
      const io = createIo(opts);
      const out = opts.out;
      const etagFile = `${out}.etag`;
      const saved = opts.force ? undefined : await readFile(etagFile, 'utf8').catch(() => undefined);
      await withMarket(opts.sandbox === true, async ({ market }) => {
        const csboard = need(market.csboard, 'csboard');
        let bytes = 0;
        let rows = 0;
        const bar = progress(io);
        const interrupt = new AbortController();
        const tmp = join(dirname(out), `.${basename(out)}.${randomBytes(4).toString('hex')}.partial`);
        // The handler removes the partial file itself: the stream may still be waiting for bytes.
        const off = onCtrlC(() => {
          interrupt.abort();
          rmSync(tmp, { force: true });
        });
        try {
          const snap = await csboard.downloadSnapshot({ etag: saved?.trim() || undefined, onBytes: (n) => (bytes += n), signal: interrupt.signal });
          if (snap.status === 'unchanged') {
            io.err(`unchanged since the last download (ETag ${inline(snap.etag ?? '')}); ${out} is current`);
            if (io.json) io.out(JSON.stringify({ status: 'unchanged', etag: snap.etag }));
            return;
          }
          const file = createWriteStream(tmp, { flags: 'wx' });
          const scrub = environmentScrubber();
          try {
            for await (const row of snap.rows) {
              if (interrupt.signal.aborted) break;
              rows += 1;
              // As --json writes it: no key the server echoed, nothing a terminal acts on when the file is read.
              if (!file.write(jsonLine(scrub(JSON.stringify(row))) + '\n')) await once(file, 'drain');
              bar.update(`snapshot: ${formatBytes(bytes)} received, ${rows.toLocaleString('en-US')} rows`);
            }
            if (interrupt.signal.aborted) throw new InterruptedError('interrupted');
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
        } catch (error) {
          if (interrupt.signal.aborted) {
            bar.clear();
            throw new InterruptedError(`interrupted; ${out} is unchanged and no partial file is left`);
          }
          throw error;
        } finally {
          off();
        }
      });
    });
}

function keysCommand(): Command {
  const keys = new Command('keys').summary('RSA key pairs for Kalshi, and CS2Cap key metadata').description('RSA key pairs for Kalshi, and CS2Cap key metadata.');
  keys.addCommand(
    withCommon(new Command('generate'), { sandbox: false })
      .summary('generate an RSA key pair (for Kalshi) into a 0600 file; never overwrites')
      .description('Generate an RSA key pair (for Kalshi): the private key into FILE with mode 0600, the public key into FILE.pub. An existing FILE is a usage error (exit 2): nothing is overwritten.')
      .requiredOption('--out <file>', 'private key file (FILE.pub gets the public key)')
      .addOption(new Option('--bits <bits>', 'key size').choices(['2048', '3072', '4096']).default('2048'))
      .option('--pkcs8', 'PKCS#8 instead of PKCS#1')
      .addHelpText('after', `\n${JSON_ONE}`)
      .action(async (opts: CommonOptions & { out: string; bits: string; pkcs8?: boolean }) => {
        const io = createIo(opts);
        const bits = Number(opts.bits) as RsaKeyBits;
        const pair = await generateRsaKeyPair({ bits, format: opts.pkcs8 ? 'pkcs8' : 'pkcs1' });
        try {
          await writeSecretFile(opts.out, pair.privateKeyPem);
        } catch (error) {
          throw new UsageError(`--out: ${(error as Error).message}`);
        }
        await writeFile(`${opts.out}.pub`, pair.publicKeyPem, { flag: 'wx' }).catch(() => undefined);
        const fingerprint = fingerprintOf(pair.publicKeyPem);
        loadPrivateKey({ path: opts.out }); // proves the file reads back
        if (io.json) io.out(JSON.stringify({ privateKeyFile: opts.out, publicKeyFile: `${opts.out}.pub`, bits, fingerprint, publicKeyPem: pair.publicKeyPem }));
        else io.out(`wrote ${opts.out} (mode 0600) and ${opts.out}.pub — ${bits}-bit, public key sha256 ${fingerprint}`);
      }),
  );
  keys.addCommand(
    withCommon(new Command('info'))
      .summary('CS2Cap key metadata: tier limits and quota')
      .addHelpText('after', `\n${JSON_ONE}`)
      .action(async (opts: CommonOptions) => {
        const io = createIo(opts);
        await withMarket(opts.sandbox === true, async ({ market }) => {
          const info = await need(market.cs2cap, 'cs2cap').getKeyInfo();
          if (io.json) return io.out(JSON.stringify(info, null, 2));
          io.out(table(['field', 'value'], [
            ['id', info.id], ['kind', info.is_root_key ? 'root' : 'child'], ['prefix', info.key_prefix], ['active', String(info.is_active)],
            ['requests / minute', String(info.effective_rate_requests_per_minute)], ['requests / month', String(info.effective_quota_requests_per_month)], ['created', info.created_at],
          ]));
        });
      }),
  );
  return keys;
}

function kalshiCommand(): Command {
  const kalshi = new Command('kalshi').summary('Kalshi: balance, markets, orderbook').description('Kalshi: the balance, markets and order books.');
  kalshi.addCommand(
    withCommon(new Command('balance'))
      .summary('cash balance and portfolio value (needs a key)')
      .addHelpText('after', `\n${JSON_ONE}`)
      .action(async (opts: CommonOptions) => {
        const io = createIo(opts);
        await withMarket(opts.sandbox === true, async ({ market, env }) => {
          // A missing key is configuration here as for every provider: refuse before any call.
          if (!env.KALSHI_API_KEY_ID) throw new UsageError(`kalshi balance needs a key: set KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY_PATH (or KALSHI_PRIVATE_KEY), or pass --sandbox`);
          const b = await need(market.kalshi, 'kalshi').getBalance();
          // Kalshi sends the balance in cents and as dollars, the portfolio value in cents only.
          io.out(io.json ? JSON.stringify(b) : `balance ${amount(money(b.balance_dollars, 'USD'))} · portfolio value ${amount(fromMinorUnits(b.portfolio_value, 'USD'))}`);
        });
      }),
  );
  kalshi.addCommand(
    withCommon(new Command('markets'))
      .summary('markets, optionally of one event')
      .option('--event <ticker>', 'markets of one event')
      .addOption(new Option('--limit <n>', 'markets per page').argParser(wholeNumber(1, 1000)).default(20))
      .addHelpText('after', `\n${JSON_ONE}`)
      .action(async (opts: CommonOptions & { event?: string; limit: number }) => {
        const io = createIo(opts);
        await withMarket(opts.sandbox === true, async ({ market }) => {
          const client = need(market.kalshi, 'kalshi');
          const page = await withFlags({ eventTicker: '--event', limit: '--limit' }, () => client.listMarkets({ eventTicker: opts.event, limit: opts.limit }));
          if (io.json) return io.out(JSON.stringify(page.markets, null, 2));
          io.out(table(['ticker', 'title', 'yes bid', 'yes ask', 'status'], page.markets.map((m) => [m.ticker, m.title ?? '', m.yes_bid_dollars ?? '—', m.yes_ask_dollars ?? '—', m.status]), ['l', 'l', 'r', 'r', 'l']));
        });
      }),
  );
  kalshi.addCommand(
    withCommon(new Command('orderbook'))
      .summary('the order book of one market')
      .argument('<ticker>', 'market ticker')
      .addHelpText('after', `\n${JSON_ONE}`)
      .action(async (ticker: string, opts: CommonOptions) => {
        const io = createIo(opts);
        await withMarket(opts.sandbox === true, async ({ market }) => {
          const client = need(market.kalshi, 'kalshi');
          const book = await withFlags({ ticker: 'TICKER' }, () => client.getOrderbook(ticker));
          if (io.json) return io.out(JSON.stringify(book, null, 2));
          const yes = book.orderbook_fp.yes_dollars ?? [];
          const no = book.orderbook_fp.no_dollars ?? [];
          // Levels come ascending: the table shows the best (last) first.
          const rows = Array.from({ length: Math.max(yes.length, no.length) }, (_, i) => {
            const y = yes[yes.length - 1 - i];
            const n = no[no.length - 1 - i];
            return [y?.[0] ?? '', y?.[1] ?? '', n?.[0] ?? '', n?.[1] ?? ''];
          });
          io.out(`${bold(io, ticker)} best YES bid ${amount(book.bestYesBid)} · best YES ask ${amount(book.bestYesAsk)}`);
          io.out(table(['YES bid', 'size', 'NO bid', 'size'], rows, ['r', 'r', 'r', 'r']));
        });
      }),
  );
  kalshi.addCommand(
    withCommon(new Command('watch'))
      .summary('the live order book of one market, redrawn in place (WebSocket)')
      .argument('<ticker>', 'market ticker')
      .addOption(new Option('--depth <n>', 'levels per side').argParser(wholeNumber(1, 50)).default(5))
      .addOption(new Option('--updates <n>', 'stop after N book updates (default: until Ctrl-C)').argParser(wholeNumber(1, 1_000_000)))
      .addHelpText('after', '\n--json: NDJSON on stdout, one book view per update. With --sandbox the sandbox runs simulated traders so the book moves.')
      .action(async (ticker: string, opts: CommonOptions & { depth: number; updates?: number }) => {
        const io = createIo(opts);
        await withMarket(
          opts.sandbox === true,
          async ({ market, env }) => {
            if (!env.KALSHI_API_KEY_ID) throw new UsageError('kalshi watch needs a key (the WebSocket is authenticated): set KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY_PATH (or KALSHI_PRIVATE_KEY), or pass --sandbox');
            const client = need(market.kalshi, 'kalshi');
            const book = await withFlags({ ticker: 'TICKER' }, async () => client.orderBook(ticker, { depth: opts.depth }));
            const trades: string[] = [];
            const tradeSub = client.stream.subscribe({ channel: 'trade', marketTickers: [ticker] });
            tradeSub.on('message', (m) => {
              trades.unshift(inline(`${new Date(m.msg.ts_ms).toISOString().slice(11, 19)}  ${m.msg.count_fp} @ YES ${m.msg.yes_price_dollars} (${m.msg.taker_outcome_side} taker)`));
              trades.length = Math.min(trades.length, 5);
            });
            const controller = new AbortController();
            const stop = onCtrlC(() => controller.abort());
            let shown = 0;
            try {
              for await (const view of book.updates({ depth: opts.depth, allowStale: true, signal: controller.signal })) {
                if (io.json) io.out(JSON.stringify(view));
                else {
                  const rows = Array.from({ length: opts.depth }, (_, i) => {
                    const bid = view.yesBids[i];
                    const ask = view.yesAsks[i];
                    return [bid?.count ?? '', bid?.price ?? '', ask?.price ?? '', ask?.count ?? ''];
                  });
                  const status = inline(view.status === 'live' ? view.status : `${view.status}${view.reason ? ` (${view.reason})` : ''}`);
                  const lines = [
                    `${bold(io, ticker)}  ${status}  ${dim(io, `${Math.round(view.ageMs)} ms old`)}`,
                    inline(`best YES bid ${view.bestYesBid?.price ?? '—'} · best YES ask ${view.bestYesAsk?.price ?? '—'} · mid ${view.mid ?? '—'} · spread ${view.spread ?? '—'}`),
                    table(['size', 'YES bid', 'YES ask', 'size'], rows, ['r', 'r', 'r', 'r']),
                    'last trades:',
                    ...(trades.length ? trades : ['—']),
                  ];
                  // Redraw in place on a terminal (the CLI's own escape, not a server's); append when piped.
                  if (process.stdout.isTTY) process.stdout.write('\u001b[H\u001b[2J');
                  io.out(lines.join('\n'));
                }
                shown += 1;
                if (opts.updates !== undefined && shown >= opts.updates) break;
              }
            } finally {
              stop();
              await tradeSub.unsubscribe().catch(() => undefined);
            }
          },
          { kalshi: { simulate: { seed: 7, intervalMs: 100 } } },
        );
      }),
  );
  return kalshi;
}

function healthCommand(): Command {
  return withCommon(new Command('health'))
    .summary('is each configured provider reachable and is its key accepted')
    .description('Is each configured provider reachable and is its key accepted. Exit code 1 when one is not.')
    .addHelpText('after', `\n${JSON_ONE}`)
    .action(async (opts: CommonOptions) => {
      const io = createIo(opts);
      await withMarket(opts.sandbox === true, async ({ market }) => {
        const checks: [string, () => Promise<string>][] = [];
        if (market.csboard) checks.push(['csboard', async () => `ok, ${(await market.csboard!.health()).price_list_age_seconds} s old prices`]);
        if (market.cs2cap) checks.push(['cs2cap', async () => `key ok, ${(await market.cs2cap!.getKeyInfo()).effective_rate_requests_per_minute} req/min`]);
        if (market.kalshi) checks.push(['kalshi', async () => ((await market.kalshi!.getExchangeStatus()).trading_active ? 'trading active' : 'trading paused')]);
        if (!checks.length) throw new UsageError('no provider is configured; set the environment variables (see marketmux --help) or pass --sandbox');
        const results = await Promise.allSettled(checks.map(([, f]) => f()));
        const rows = results.map((r, i) => [checks[i]![0], r.status === 'fulfilled' ? r.value : `FAILED: ${(r.reason as Error).message}`]);
        io.out(io.json ? JSON.stringify(Object.fromEntries(rows)) : table(['provider', 'status'], rows));
        results.forEach((r, i) => {
          if (r.status === 'rejected') io.err(`marketmux health: ${checks[i]![0]} failed: ${inline((r.reason as Error).message)}`);
        });
        if (results.some((r) => r.status === 'rejected')) throw new ReportedFailure('a provider is unhealthy');
      });
    });
}

/** A fixed port that is taken is the user's choice to fix: a usage error naming --port. */
async function assertPortFree(port: number): Promise<void> {
  const probe = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(port, '127.0.0.1', resolve);
    });
  } catch (error) {
    throw new UsageError(`--port: 127.0.0.1:${port} is not free (${(error as NodeJS.ErrnoException).code ?? 'error'}); the sandbox needs PORT, PORT+1 and PORT+2`);
  }
  await new Promise((resolve) => probe.close(resolve));
}

/** `export NAME='value'` for a POSIX shell: single quotes keep every character as it is. */
const shellExport = (name: string, value: string): string => `export ${name}='${value.replace(/'/g, `'\\''`)}'`;

function sandboxCommand(): Command {
  return withCommon(new Command('sandbox'), { sandbox: false })
    .summary('serve the three sandboxes in the foreground and print their URLs and keys')
    .description(
      'Serve the CS2Cap, CSBoard and Kalshi sandboxes on 127.0.0.1 until Ctrl-C (exit 0) and print `export` lines for a bot in any language: every URL and key, the CSBoard trading key too (CSBOARD_TRADING_API_KEY; use it as CSBOARD_API_KEY with trading enabled). The sandboxes\' data is the same on every run (fixed seeds).',
    )
    .addOption(new Option('--port <port>', 'fixed ports: cs2cap PORT, csboard PORT+1, kalshi PORT+2 (default: free ports)').argParser(wholeNumber(1, 65533)))
    .addHelpText('after', '\n--json: one JSON document on stdout ({ env, cs2cap, csboard, kalshi }), then it serves until Ctrl-C.')
    .action(async (opts: CommonOptions & { port?: number }) => {
      const io = createIo(opts);
      const port = (offset: number) => (opts.port === undefined ? 0 : opts.port + offset);
      const cs2cap = new Cs2CapSandbox();
      const csboard = new CsboardSandbox();
      const kalshi = new KalshiSandbox();
      const close = () => Promise.all([cs2cap.close(), csboard.close(), kalshi.close()]).then(() => undefined, () => undefined);
      if (opts.port !== undefined) for (const offset of [0, 1, 2]) await assertPortFree(port(offset));
      try {
        const [cs2capUrl, csboardUrl, kalshiUrl] = [await cs2cap.start(port(0)), await csboard.start(port(1)), await kalshi.start(port(2))];
        const cs2capKey = cs2cap.createKey('quant');
        const csboardKey = csboard.createKey();
        const csboardTradingKey = csboard.createKey({ trading: true });
        const user = await kalshi.createUser({ balanceUsd: 1000 });
        const env = {
          CS2C_API_BASE: cs2capUrl,
          CS2C_API_KEY: cs2capKey,
          CSBOARD_API_BASE: csboardUrl,
          CSBOARD_API_KEY: csboardKey,
          CSBOARD_TRADING_API_KEY: csboardTradingKey,
          KALSHI_API_BASE: kalshiUrl,
          KALSHI_API_KEY_ID: user.keyId,
          KALSHI_PRIVATE_KEY: user.privateKeyPem.replace(/\r?\n/g, '\\n'),
        };
        if (io.json) {
          io.out(JSON.stringify({
            env,
            cs2cap: { baseUrl: cs2capUrl, apiKey: cs2capKey },
            csboard: { baseUrl: csboardUrl, apiKey: csboardKey, tradingApiKey: csboardTradingKey },
            kalshi: { baseUrl: kalshiUrl, keyId: user.keyId, privateKeyPem: user.privateKeyPem },
          }));
        } else {
          io.out(`# marketmux sandbox — Ctrl-C to stop. For your bot:`);
          for (const [k, v] of Object.entries(env)) io.out(shellExport(k, v));
          io.out('# CSBOARD_TRADING_API_KEY may buy: use it as CSBOARD_API_KEY with trading enabled');
        }
      } catch (error) {
        await close();
        throw error;
      }
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      await close();
    });
}

/** Every command, in the order `marketmux --help` lists them. */
export function commands(): Command[] {
  const common = (cmd: Command): Command => withCommon(cmd);
  return [demoCommand(), compareCommand(), candlesCommand(), listingsCommand(), snapshotCommand(), keysCommand(), portfolioCommand(common), watchlistCommand(common), kalshiCommand(), healthCommand(), sandboxCommand()];
}
