/**
 * Cross-market comparison over normalized rows: best ask, best bid, spread and the edge of
 * reselling after each venue's fee. Provider-agnostic and exact (Money arithmetic only).
 */
import { InvalidRequestError, type MarketError } from './errors.js';
import { compareMoney, convertMoney, multiplyMoney, subtractMoney, type FxTable, type Money } from './money.js';
import type { Quote } from './provider.js';

export interface VenueRow extends Quote {
  /** The venue's seller fee as a decimal fraction ("0.025" = 2.5%), when published. */
  readonly sellFee?: string | undefined;
  /**
   * Buying at the best ask anywhere and selling here, after this venue's fee:
   * `instantSell` into its best bid, `relist` at its current lowest ask. Absent when the fee
   * is not published.
   */
  readonly edge?: { readonly instantSell?: Money | undefined; readonly relist?: Money | undefined } | undefined;
}

/** One item compared across venues. */
export interface Comparison {
  readonly item: string;
  readonly currency: string;
  readonly rows: readonly VenueRow[];
  readonly bestAsk?: VenueRow | undefined;
  readonly bestBid?: VenueRow | undefined;
  /** bestAsk − bestBid (negative means a bid above an ask: an arbitrage). */
  readonly spread?: Money | undefined;
  /** Per provider, why it gave no rows. A failing provider never fails the comparison. */
  readonly errors: Readonly<Record<string, MarketError>>;
  /** The FX table used, if any conversion happened. */
  readonly fx?: { readonly source: string; readonly asOf?: string | undefined } | undefined;
}

/** Convert a row's money into `currency` with an explicit provider table. */
export function convertRow(row: VenueRow, currency: string, fx: FxTable | undefined): VenueRow {
  const conv = (m: Money | undefined): Money | undefined => {
    if (!m || m.currency === currency) return m;
    if (!fx) throw new InvalidRequestError({ provider: row.provider, code: 'invalid_request', message: `no FX table to convert ${m.currency} to ${currency}` });
    return convertMoney(m, currency, fx);
  };
  return { ...row, ask: conv(row.ask), bid: conv(row.bid) };
}

function better(a: Money | undefined, b: Money | undefined, want: 'lower' | 'higher'): boolean {
  if (!a) return false;
  if (!b) return true;
  const c = compareMoney(a, b);
  return want === 'lower' ? c < 0 : c > 0;
}

/** Rows (already in one currency) → the comparison. */
export function summarize(item: string, currency: string, rows: VenueRow[], errors: Record<string, MarketError>, fx?: FxTable): Comparison {
  let bestAsk: VenueRow | undefined;
  let bestBid: VenueRow | undefined;
  for (const r of rows) {
    if (better(r.ask, bestAsk?.ask, 'lower')) bestAsk = r;
    if (better(r.bid, bestBid?.bid, 'higher')) bestBid = r;
  }
  const buy = bestAsk?.ask;
  const withEdges = rows.map((r): VenueRow => {
    if (!buy || r.sellFee === undefined) return r;
    const keep = subtractMoney({ currency: buy.currency, amount: '1' }, { currency: buy.currency, amount: r.sellFee }).amount;
    return {
      ...r,
      edge: {
        instantSell: r.bid ? subtractMoney(multiplyMoney(r.bid, keep), buy) : undefined,
        relist: r.ask ? subtractMoney(multiplyMoney(r.ask, keep), buy) : undefined,
      },
    };
  });
  const pick = (row: VenueRow | undefined): VenueRow | undefined => (row ? withEdges[rows.indexOf(row)] : undefined);
  return Object.freeze({
    item,
    currency,
    rows: Object.freeze(withEdges),
    bestAsk: pick(bestAsk),
    bestBid: pick(bestBid),
    spread: bestAsk?.ask && bestBid?.bid ? subtractMoney(bestAsk.ask, bestBid.bid) : undefined,
    errors: Object.freeze({ ...errors }),
    fx: fx ? { source: fx.source, asOf: fx.asOf } : undefined,
  });
}
