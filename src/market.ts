/**
 * createMarketClient: several providers behind one object, credentials from options or
 * the environment, cross-market comparison and quotes. A composing face: it may import
 * providers; the core never does.
 */
import { createCs2CapClient, type Cs2CapClient, type Cs2CapClientOptions } from '../providers/cs2cap/index.js';
import { createCsboardClient, type CsboardClient, type CsboardClientOptions } from '../providers/csboard/index.js';
import { createKalshiClient, type KalshiClient, type KalshiClientOptions } from '../providers/kalshi/index.js';
import { summarize, convertRow, type Comparison, type VenueRow } from './compare.js';
import { InvalidRequestError, MarketError } from './errors.js';
import type { CallOptions } from './http/request-sender.js';
import type { FxTable } from './money.js';
import type { MarketProvider, Quote } from './provider.js';

/** Options of `createMarketClient`. */
export interface MarketClientOptions {
  /** Options, `false` to leave it out; omitted = from the environment when its key is set. */
  cs2cap?: Partial<Cs2CapClientOptions> | false | undefined;
  csboard?: Partial<CsboardClientOptions> | false | undefined;
  kalshi?: Partial<KalshiClientOptions> | false | undefined;
  /**
   * Where credentials and endpoints come from (default `process.env`), read by each factory
   * by the same rule (src/env.ts); a provider is included when its key (Kalshi: its key or
   * `KALSHI_API_BASE`) is set there or its options are given. `REDIS_URL` shares every quota.
   */
  env?: Readonly<Record<string, string | undefined>> | undefined;
}

export interface CompareOptions extends CallOptions {
  /** Currency of the result; converted only with a provider's FX table (default USD). */
  currency?: string | undefined;
  /** Only these providers (`cs2cap`, `csboard`). */
  providers?: readonly string[] | undefined;
  /** Also the cheapest individual CSBoard listings. */
  includeListings?: boolean | undefined;
}

/** Several providers behind one object: comparison, quotes, and each client. */
export interface MarketClient {
  readonly providers: readonly MarketProvider[];
  readonly cs2cap?: Cs2CapClient | undefined;
  readonly csboard?: CsboardClient | undefined;
  readonly kalshi?: KalshiClient | undefined;
  /** Where is this CS2 item cheapest, and what would reselling make? Providers are asked in parallel. */
  compare(item: string, options?: CompareOptions): Promise<Comparison>;
  /** `getQuotes` of every provider (or the named ones), in parallel; failures beside the quotes. */
  quotes(instrument: string, options?: CallOptions & { providers?: readonly string[] }): Promise<{ quotes: Quote[]; errors: Record<string, MarketError> }>;
/** Close every provider client. */
  close(): Promise<void>;
}

const FX_TTL_MS = 10 * 60_000;
const FEES_TTL_MS = 60 * 60_000;

/** Several providers behind one object, from options or the environment. */
export function createMarketClient(options: MarketClientOptions = {}): MarketClient {
  const env = options.env ?? process.env;
  // One quota for every process on a key when REDIS_URL is set.
  const redis = env.REDIS_URL ? { redis: { url: env.REDIS_URL } } : {};
  // A factory that throws (a bad key, an unreadable key file) must not leave the clients built
  // before it running: with Redis they would hold the process open for good.
  const built: MarketProvider[] = [];
  const keep = <C extends MarketProvider>(client: C | undefined): C | undefined => {
    if (client) built.push(client);
    return client;
  };
  let cs2cap: Cs2CapClient | undefined;
  let csboard: CsboardClient | undefined;
  let kalshi: KalshiClient | undefined;
  try {
    cs2cap = keep(pick(options.cs2cap, env.CS2C_API_KEY, (o) => createCs2CapClient({ env, ...redis, ...o })));
    csboard = keep(pick(options.csboard, env.CSBOARD_TRADING_API_KEY || env.CSBOARD_API_KEY, (o) => createCsboardClient({ env, ...redis, ...o })));
    const kalshiKeyed = env.KALSHI_API_KEY_ID && (env.KALSHI_PRIVATE_KEY || env.KALSHI_PRIVATE_KEY_PATH);
    kalshi = keep(pick(options.kalshi, kalshiKeyed || env.KALSHI_API_BASE, (o) => createKalshiClient({ env, ...redis, ...o })));
  } catch (error) {
    for (const client of built) void client.close().catch(() => undefined);
    throw error;
  }
  const providers = [cs2cap, csboard, kalshi].filter((p): p is NonNullable<typeof p> => p !== undefined);

  let fxCache: { table: FxTable; at: number } | undefined;
  let feesCache: { fees: Map<string, string>; at: number } | undefined;

  const fxTableFor = async (call: CallOptions): Promise<FxTable> => {
    if (fxCache && Date.now() - fxCache.at < FX_TTL_MS) return fxCache.table;
    const table = cs2cap ? await cs2cap.getFxRates(call) : csboard ? await csboard.getCurrencyRates(call) : undefined;
    if (!table) throw new InvalidRequestError({ provider: 'marketmux', code: 'invalid_request', message: 'no provider with an FX table is configured' });
    fxCache = { table, at: Date.now() };
    return table;
  };
  const cs2capFees = async (client: Cs2CapClient, call: CallOptions): Promise<Map<string, string>> => {
    if (feesCache && Date.now() - feesCache.at < FEES_TTL_MS) return feesCache.fees;
    const info = await client.getProviders({}, call);
    const fees = new Map<string, string>();
    // Fees are fractions (0.025 = 2.5%; reference/cs2cap.md §5.4): keep their exact text.
    for (const p of Object.values(info)) if (typeof p.fees.sell_fee === 'number') fees.set(p.key, String(p.fees.sell_fee));
    feesCache = { fees, at: Date.now() };
    return fees;
  };

  const cs2capRows = async (client: Cs2CapClient, item: string, call: CallOptions): Promise<VenueRow[]> => {
    const [quotes, fees] = await Promise.all([client.getQuotes(item, { ...call, currency: 'USD' }), cs2capFees(client, call).catch(() => new Map<string, string>())]);
    if (!quotes.length) throw notFound('cs2cap', item);
    return quotes.map((q) => ({ ...q, sellFee: fees.get(q.venue) }));
  };
  const csboardRows = async (client: CsboardClient, item: string, call: CallOptions, includeListings: boolean): Promise<VenueRow[]> => {
    const quotes = await client.getQuotes(item, call);
    if (!quotes.length) throw notFound('csboard', item);
    const rows: VenueRow[] = [...quotes];
    if (includeListings) {
      const page = await client.listListings({ search: item, sort: 'price_asc', limit: 5 }, call);
      for (const l of page.items.filter((x) => x.market_hash_name === item)) {
        rows.push({ provider: 'csboard', venue: `csboard:${l.id}`, instrument: l.market_hash_name, ask: l.price_usd, askQuantity: '1', url: l.inspect_link ?? undefined });
      }
    }
    return rows;
  };

  return {
    providers,
    cs2cap,
    csboard,
    kalshi,

    async compare(item, compareOptions = {}) {
      const call = { signal: compareOptions.signal, timeoutMs: compareOptions.timeoutMs, maxRetries: compareOptions.maxRetries };
      const currency = (compareOptions.currency ?? 'USD').toUpperCase();
      const want = (id: string): boolean => !compareOptions.providers || compareOptions.providers.includes(id);
      const jobs: [string, Promise<VenueRow[]>][] = [];
      if (cs2cap && want('cs2cap')) jobs.push(['cs2cap', cs2capRows(cs2cap, item, call)]);
      if (csboard && want('csboard')) jobs.push(['csboard', csboardRows(csboard, item, call, compareOptions.includeListings ?? false)]);
      // Fetched beside the prices; without it no conversion is possible, so its failure is the call's.
      const fxJob = currency === 'USD' ? undefined : fxTableFor(call);
      fxJob?.catch(() => undefined);
      const settled = await Promise.allSettled(jobs.map(([, p]) => p));
      const table = await fxJob;
      const errors: Record<string, MarketError> = {};
      const rows: VenueRow[] = [];
      settled.forEach((r, i) => {
        const provider = jobs[i]![0];
        if (r.status === 'fulfilled') rows.push(...r.value);
        else errors[provider] = asMarketError(provider, r.reason);
      });
      return summarize(item, currency, rows.map((r) => convertRow(r, currency, table)), errors, table);
    },

    async quotes(instrument, quoteOptions = {}) {
      const chosen = providers.filter((p) => !quoteOptions.providers || quoteOptions.providers.includes(p.id));
      const settled = await Promise.allSettled(chosen.map((p) => p.getQuotes(instrument, quoteOptions)));
      const quotes: Quote[] = [];
      const errors: Record<string, MarketError> = {};
      settled.forEach((r, i) => {
        if (r.status === 'fulfilled') quotes.push(...r.value);
        else errors[chosen[i]!.id] = asMarketError(chosen[i]!.id, r.reason);
      });
      return { quotes, errors };
    },

    async close() {
      await Promise.all(providers.map((p) => p.close()));
    },
  };
}

function pick<O, C>(given: Partial<O> | false | undefined, envSignal: unknown, make: (o: Partial<O>) => C): C | undefined {
  if (given === false) return undefined;
  if (given === undefined && !envSignal) return undefined;
  return make(given ?? {});
}

function notFound(provider: string, item: string): InvalidRequestError {
  return new InvalidRequestError({ provider, code: 'not_found', status: 404, message: `${provider}: no prices for "${item}"` });
}

function asMarketError(provider: string, error: unknown): MarketError {
  if (error instanceof MarketError) return error;
  return new MarketError({ provider, code: 'server_error', message: `${provider}: ${error instanceof Error ? error.message : 'failed'}` });
}
