/**
 * `marketmux portfolio …` and `marketmux watchlist …`: a CS2Cap account's saved portfolios
 * (holdings, value, history, ledger, CSV export and import) and its watchlist. Money is
 * printed as the exact Money the client builds, never through a float.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Command, Option } from 'commander';
import { ValidationError } from '../errors.js';
import type { Money } from '../money.js';
import type { Cs2CapClient } from '../../providers/cs2cap/index.js';
import { MAX_CSV_IMPORT_BYTES } from '../../providers/cs2cap/portfolio.js';
import { need, withMarket } from './context.js';
import { amount, bold, createIo, dim, scrubEnvironmentSecrets, table, UsageError } from './output.js';
import { calendarDate, moneyText, wholeNumber, withFlags } from './values.js';
import { inline } from './terminal-text.js';

/** The flags every command takes (`--json`, `--debug`, `--sandbox`), as commands.ts adds them. */
export type AddCommonFlags = (cmd: Command) => Command;

interface Flags {
  json?: boolean;
  debug?: boolean;
  sandbox?: boolean;
}

const JSON_ONE = '--json: one JSON document on stdout.';
/** The API's largest 32-bit id and count (quantities, item ids). */
const MAX_INT = 2_147_483_647;

/** Run `fn` with the CS2Cap client of the environment or of a fresh sandbox. */
function withCs2Cap<T>(opts: Flags, fn: (client: Cs2CapClient) => Promise<T>): Promise<T> {
  return withMarket(opts.sandbox === true, ({ market }) => fn(need(market.cs2cap, 'cs2cap')));
}

const money = (m: Money | undefined): string => amount(m);
const today = (): string => new Date().toISOString().slice(0, 10);

/** The `portfolio` command group. */
export function portfolioCommand(common: AddCommonFlags): Command {
  const group = new Command('portfolio')
    .summary('CS2Cap saved portfolios: holdings, value, history, ledger, CSV export and import')
    .description('CS2Cap saved portfolios: holdings and their value, daily value history, the transaction ledger, CSV export and import. IDs are the portfolio UUIDs `portfolio list` prints.');
  const id = (cmd: Command): Command => cmd.argument('<id>', 'portfolio id (see portfolio list)');

  group.addCommand(
    common(new Command('list'))
      .summary('the saved portfolios')
      .addHelpText('after', `\n${JSON_ONE}`)
      .action(async (opts: Flags) => {
        const io = createIo(opts);
        await withCs2Cap(opts, async (client) => {
          const list = await client.portfolios.list();
          if (io.json) return io.out(JSON.stringify(list, null, 2));
          if (!list.length) return io.out(dim(io, 'no portfolios (create one: marketmux portfolio create <name>)'));
          io.out(table(['id', 'name', 'items', 'updated'], list.map((p) => [p.id, p.name, String(p.item_count), p.updated_at]), ['l', 'l', 'r', 'l']));
        });
      }),
  );

  group.addCommand(
    common(new Command('create'))
      .summary('create a portfolio (never repeated: if the answer is lost, check portfolio list)')
      .argument('<name>', 'its name, 1 to 100 characters')
      .addHelpText('after', `\n${JSON_ONE}`)
      .action(async (name: string, opts: Flags) => {
        const io = createIo(opts);
        await withCs2Cap(opts, async (client) => {
          const p = await withFlags({ name: 'NAME' }, () => client.portfolios.create({ name }));
          io.out(io.json ? JSON.stringify(p, null, 2) : inline(`created portfolio ${bold(io, p.name)} ${p.id}`));
        });
      }),
  );

  group.addCommand(
    id(common(new Command('show')))
      .summary('the holdings and their value now')
      .option('--currency <code>', 'value currency (default USD)')
      .addHelpText('after', `\n${JSON_ONE}`)
      .action(async (portfolioId: string, opts: Flags & { currency?: string }) => {
        const io = createIo(opts);
        await withCs2Cap(opts, async (client) => {
          const flags = { '(input)': 'ID', currency: '--currency' };
          const [items, valuation] = await withFlags(flags, () => Promise.all([client.portfolios.items(portfolioId), client.portfolios.getValue(portfolioId, { currency: opts.currency })]));
          if (io.json) return io.out(JSON.stringify({ id: portfolioId, items, valuation }, null, 2));
          const lines = valuation.data.line_items.map((l) => [String(l.item_id), l.market_hash_name, String(l.quantity), money(l.best_ask), money(l.item_value)]);
          io.out(table(['item', 'name', 'qty', 'best ask', 'value'], lines, ['r', 'l', 'r', 'r', 'r']));
          io.out(inline(`total ${bold(io, money(valuation.data.total_value))} · ${valuation.data.items_valued} of ${lines.length} items valued${valuation.data.items_not_found.length ? ` · not found: ${valuation.data.items_not_found.join(', ')}` : ''}`));
        });
      }),
  );

  group.addCommand(
    id(common(new Command('history')))
      .summary('the value day by day')
      .addOption(new Option('--days <n>', 'how many days back').argParser(wholeNumber(1, 3650)).default(30))
      .addOption(new Option('--basis <basis>', 'ledger: what the transactions held each day (needs transactions); holdings: the current holdings').choices(['ledger', 'holdings']).default('ledger'))
      .option('--currency <code>', 'value currency (default USD)')
      .addHelpText('after', `\n${JSON_ONE}`)
      .action(async (portfolioId: string, opts: Flags & { days: number; basis: 'ledger' | 'holdings'; currency?: string }) => {
        const io = createIo(opts);
        await withCs2Cap(opts, async (client) => {
          const days = await withFlags({ '(input)': 'ID', lookbackDays: '--days', currency: '--currency' }, async () => {
            const out = [];
            for await (const day of client.portfolios.getHistory(portfolioId, { lookbackDays: opts.days, basis: opts.basis, currency: opts.currency })) out.push(day);
            return out;
          });
          if (io.json) return io.out(JSON.stringify(days, null, 2));
          io.out(table(['date', 'value', 'positions', 'priced'], days.map((d) => [d.date, money(d.total_value), String(d.positions), String(d.items_valued)]), ['l', 'r', 'r', 'r']));
        });
      }),
  );

  group.addCommand(
    id(common(new Command('transactions')))
      .summary('the ledger, newest first')
      .addHelpText('after', `\n${JSON_ONE}`)
      .action(async (portfolioId: string, opts: Flags) => {
        const io = createIo(opts);
        await withCs2Cap(opts, async (client) => {
          const txs = await withFlags({ '(input)': 'ID' }, () => client.portfolios.transactions(portfolioId));
          if (io.json) return io.out(JSON.stringify(txs, null, 2));
          if (!txs.length) return io.out(dim(io, 'no transactions'));
          io.out(table(
            ['date', 'type', 'item', 'name', 'qty', 'price', 'fee', 'marketplace'],
            txs.map((t) => [t.date, t.type, String(t.item_id), t.market_hash_name, String(t.quantity), money(t.price), t.fee_amount ? money(t.fee_amount) : t.fee_percentage != null ? `${t.fee_percentage}%` : '—', t.marketplace ?? '']),
            ['l', 'l', 'r', 'l', 'r', 'r', 'r', 'l'],
          ));
        });
      }),
  );

  group.addCommand(
    id(common(new Command('add')))
      .summary('record a buy (or --type sell) in the ledger (never repeated: if the answer is lost, check transactions)')
      .requiredOption('--item <market_hash_name>', 'the item, e.g. "AK-47 | Redline (Field-Tested)"')
      .requiredOption('--quantity <n>', 'how many', wholeNumber(1, MAX_INT))
      .requiredOption('--price <usd>', 'price per unit in USD, e.g. 12.50', moneyText)
      .option('--date <YYYY-MM-DD>', 'the trade date (default today, UTC)', calendarDate)
      .addOption(new Option('--type <type>', 'buy or sell').choices(['buy', 'sell']).default('buy'))
      .addHelpText('after', `\n${JSON_ONE}`)
      .action(async (portfolioId: string, opts: Flags & { item: string; quantity: number; price: string; date?: string; type: 'buy' | 'sell' }) => {
        const io = createIo(opts);
        await withCs2Cap(opts, async (client) => {
          const flags = { '(input)': 'ID', marketHashName: '--item', quantity: '--quantity', price: '--price', date: '--date' };
          const t = await withFlags(flags, () =>
            client.portfolios.addTransaction(portfolioId, { marketHashName: opts.item, type: opts.type, quantity: opts.quantity, price: opts.price, date: opts.date ?? today(), currency: 'USD' }),
          );
          io.out(io.json ? JSON.stringify(t, null, 2) : inline(`recorded a ${t.type} of ${t.quantity} × ${t.market_hash_name} at ${money(t.price)} on ${t.date} (${t.id})`));
        });
      }),
  );

  group.addCommand(
    id(common(new Command('export')))
      .summary('the ledger (or --format items: the holdings) as CSV, to stdout or --out')
      .addOption(new Option('--format <format>', 'transactions (the ledger) or items (the holdings)').choices(['transactions', 'items']).default('transactions'))
      .option('--out <file>', 'write the CSV to FILE (replaced whole, never left half-written)')
      .addHelpText('after', '\n--json: one JSON document on stdout ({ id, format, csv }, or { id, format, file, bytes } with --out).')
      .action(async (portfolioId: string, opts: Flags & { format: 'transactions' | 'items'; out?: string }) => {
        const io = createIo(opts);
        await withCs2Cap(opts, async (client) => {
          const exported = await withFlags({ '(input)': 'ID' }, () => client.portfolios.exportCsv(portfolioId, { format: opts.format }));
          // The file is the CLI's output as stdout is: no key of the environment in it, whatever the server sent.
          const csv = opts.out === undefined ? exported : scrubEnvironmentSecrets(exported);
          if (opts.out === undefined) {
            io.out(io.json ? JSON.stringify({ id: portfolioId, format: opts.format, csv }) : csv.replace(/\r?\n$/, ''));
            return;
          }
          // A fresh name, created exclusively: a path planted in a shared directory (a
          // symlink to one of the user's files) is never written through.
          const partial = `${opts.out}.${randomBytes(6).toString('hex')}.partial`;
          try {
            await writeFile(partial, csv, { flag: 'wx' });
            await rename(partial, opts.out);
          } catch (error) {
            await rm(partial, { force: true }).catch(() => undefined);
            throw new UsageError(`--out: cannot write ${opts.out} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
          }
          const bytes = Buffer.byteLength(csv);
          io.out(io.json ? JSON.stringify({ id: portfolioId, format: opts.format, file: opts.out, bytes }) : `wrote ${opts.out} (${opts.format}, ${bytes} bytes)`);
        });
      }),
  );

  group.addCommand(
    id(common(new Command('import')))
      .summary('import a CSV file (a ledger or holdings, as export writes them); never repeated')
      .argument('<file.csv>', 'the CSV file: UTF-8, at most 16 MiB')
      .addOption(new Option('--format <format>', 'refuse a file that is not of this format (default: either, read from its header row)').choices(['transactions', 'items']))
      .addHelpText('after', `\nThe file is checked before it is sent; rows the server refuses are named with their line (exit 1) and nothing is imported. If the answer is lost the import is not repeated: list the transactions (or show the holdings) before importing again.\n${JSON_ONE}`)
      .action(async (portfolioId: string, file: string, opts: Flags & { format?: 'transactions' | 'items' }) => {
        const io = createIo(opts);
        const data = await readCsvFile(file);
        await withCs2Cap(opts, async (client) => {
          let result;
          try {
            result = await withFlags({ '(input)': 'ID', format: '--format' }, () => client.portfolios.importCsv(portfolioId, data, { format: opts.format }));
          } catch (error) {
            // What is wrong with the file itself is named after the file.
            if (error instanceof ValidationError && error.issues.every((i) => i.path.startsWith('csv'))) {
              throw new UsageError(`${basename(file)}: ${error.issues.map((i) => `${i.path.replace(/^csv\.?/, '') || 'file'}: ${i.message}`).join('; ')}`);
            }
            throw error;
          }
          io.out(io.json ? JSON.stringify({ id: portfolioId, ...result }) : inline(`imported ${result.imported ?? '?'} of ${result.rows} rows (${result.format}) from ${basename(file)}`));
        });
      }),
  );
  return group;
}

/** The file, read whole once it is known to be within the import's bound. */
async function readCsvFile(file: string): Promise<Buffer> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new UsageError(`${file}: not a file`);
    if (info.size > MAX_CSV_IMPORT_BYTES) throw new UsageError(`${file}: larger than ${MAX_CSV_IMPORT_BYTES} bytes, the most one import takes`);
    return await readFile(file);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/** The `watchlist` command group. */
export function watchlistCommand(common: AddCommonFlags): Command {
  const group = new Command('watchlist').summary('the CS2Cap watchlist: items you follow').description('The CS2Cap watchlist: the catalog items an account follows.');

  group.addCommand(
    common(new Command('list'))
      .summary('every watched item')
      .addHelpText('after', `\n${JSON_ONE}`)
      .action(async (opts: Flags) => {
        const io = createIo(opts);
        await withCs2Cap(opts, async (client) => {
          const entries = [];
          for await (const e of client.watchlist.list()) entries.push(e);
          if (io.json) return io.out(JSON.stringify(entries, null, 2));
          if (!entries.length) return io.out(dim(io, 'the watchlist is empty'));
          io.out(table(['item', 'name', 'since'], entries.map((e) => [String(e.item_id), e.market_hash_name, e.created_at]), ['r', 'l', 'l']));
        });
      }),
  );

  group.addCommand(
    common(new Command('add'))
      .summary('watch an item, by market hash name (or catalog item id)')
      .argument('<market_hash_name>', 'e.g. "AK-47 | Redline (Field-Tested)"; a number is taken as the item id')
      .addHelpText('after', `\n${JSON_ONE}`)
      .action(async (item: string, opts: Flags) => {
        const io = createIo(opts);
        await withCs2Cap(opts, async (client) => {
          const itemId = /^\d+$/.test(item) ? wholeNumber(1, MAX_INT)(item) : await itemIdOf(client, item);
          const [entry] = await withFlags({ '(input)': 'MARKET_HASH_NAME' }, () => client.watchlist.add(itemId));
          io.out(io.json ? JSON.stringify(entry, null, 2) : inline(`watching ${entry!.market_hash_name} (item ${entry!.item_id})`));
        });
      }),
  );

  group.addCommand(
    common(new Command('remove'))
      .summary('stop watching an item, by its catalog item id (as watchlist list prints it)')
      .argument('<id>', 'the catalog item id', (text: string) => wholeNumber(1, MAX_INT)(text))
      .addHelpText('after', `\n${JSON_ONE}`)
      .action(async (itemId: number, opts: Flags) => {
        const io = createIo(opts);
        await withCs2Cap(opts, async (client) => {
          const res = await client.watchlist.remove(itemId);
          io.out(io.json ? JSON.stringify({ itemId, ...res }) : `stopped watching item ${itemId}`);
        });
      }),
  );
  return group;
}

/** The catalog id of an exact market hash name; an unknown name is a usage error. */
async function itemIdOf(client: Cs2CapClient, name: string): Promise<number> {
  const page = await withFlags({ marketHashName: 'MARKET_HASH_NAME' }, () => client.listItems({ marketHashName: name, limit: 1 }));
  const id = page.items[0]?.item_id;
  if (id == null) throw new UsageError(`MARKET_HASH_NAME: no catalog item is named ${JSON.stringify(name.slice(0, 300))}`);
  return id;
}
