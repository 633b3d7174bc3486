/**
 * The levels of one Kalshi order book, exact: Kalshi books hold bids only, YES bids and NO
 * bids; a NO bid at p is a YES ask at 1 − p. Prices and counts are BigInt units
 * (fixed-point.ts); a level that reaches zero is removed.
 */
import { COUNT_SCALE, formatCount, formatFixed, formatPrice, ONE_DOLLAR, parseFixed, PRICE_SCALE } from './fixed-point.js';

/** One price level as exact strings: `{ price: "0.5600", count: "146.00" }`. */
export interface BookLevel {
  readonly price: string;
  readonly count: string;
}

/** The two sides of the book, price units → count units. */
export type BookSideName = 'yes' | 'no';

/** Why a snapshot or delta could not be applied; the book must be fetched again. */
export type BookInconsistency = 'bad_number' | 'unknown_side' | 'negative_level';

/** The best-first levels and the derived figures of one book. */
export interface BookLevels {
  /** YES bids, best (highest) first. */
  readonly yesBids: readonly BookLevel[];
  /** NO bids, best (highest) first. */
  readonly noBids: readonly BookLevel[];
  /** YES asks (1 − NO bid), best (lowest) first. */
  readonly yesAsks: readonly BookLevel[];
  /** NO asks (1 − YES bid), best (lowest) first. */
  readonly noAsks: readonly BookLevel[];
  /** Highest YES bid. */
  readonly bestYesBid: BookLevel | undefined;
  /** Lowest YES ask. */
  readonly bestYesAsk: BookLevel | undefined;
  /** Highest NO bid. */
  readonly bestNoBid: BookLevel | undefined;
  /** Lowest NO ask. */
  readonly bestNoAsk: BookLevel | undefined;
  /** (best YES bid + best YES ask) / 2, exact; undefined unless both exist. */
  readonly mid: string | undefined;
  /** best YES ask − best YES bid, exact; undefined unless both exist. */
  readonly spread: string | undefined;
}

/** Mutable book levels with exact arithmetic (used by the live book and by tests as the oracle's twin). */
export class BookState {
  readonly #sides: Record<BookSideName, Map<bigint, bigint>> = { yes: new Map(), no: new Map() };
  readonly #sorted: Partial<Record<BookSideName, [bigint, bigint][]>> = {};

  /** Replace everything with a snapshot's levels; an inconsistency leaves the book unchanged. */
  replace(yes: readonly (readonly [string, string])[], no: readonly (readonly [string, string])[]): BookInconsistency | undefined {
    const next: Record<BookSideName, Map<bigint, bigint>> = { yes: new Map(), no: new Map() };
    for (const [side, levels] of [['yes', yes], ['no', no]] as const) {
      for (const [priceText, countText] of levels) {
        const price = parseFixed(priceText, PRICE_SCALE);
        const count = parseFixed(countText, COUNT_SCALE);
        if (price === undefined || count === undefined || price < 0n || price > ONE_DOLLAR) return 'bad_number';
        if (count < 0n) return 'negative_level';
        const total = (next[side].get(price) ?? 0n) + count;
        if (total === 0n) next[side].delete(price);
        else next[side].set(price, total);
      }
    }
    for (const side of ['yes', 'no'] as const) {
      this.#sides[side] = next[side];
      delete this.#sorted[side];
    }
    return undefined;
  }

  /** Add `delta` contracts at `price` on `side`; a level reaching zero disappears, one below zero is an inconsistency. */
  apply(side: string, priceText: string, deltaText: string): BookInconsistency | undefined {
    if (side !== 'yes' && side !== 'no') return 'unknown_side';
    const price = parseFixed(priceText, PRICE_SCALE);
    const delta = parseFixed(deltaText, COUNT_SCALE);
    if (price === undefined || delta === undefined || price < 0n || price > ONE_DOLLAR) return 'bad_number';
    const levels = this.#sides[side];
    const total = (levels.get(price) ?? 0n) + delta;
    if (total < 0n) return 'negative_level';
    if (total === 0n) levels.delete(price);
    else levels.set(price, total);
    delete this.#sorted[side];
    return undefined;
  }

  /** Bids of one side as units, best first. */
  bids(side: BookSideName): readonly [bigint, bigint][] {
    let sorted = this.#sorted[side];
    if (!sorted) {
      sorted = [...this.#sides[side]].sort((a, b) => (a[0] > b[0] ? -1 : a[0] < b[0] ? 1 : 0));
      this.#sorted[side] = sorted;
    }
    return sorted;
  }

  /** The levels as exact strings, at most `depth` per list (all when undefined). */
  levels(depth?: number): BookLevels {
    const cut = <T>(list: readonly T[]): readonly T[] => (depth === undefined ? list : list.slice(0, depth));
    const yes = this.bids('yes');
    const no = this.bids('no');
    const asText = ([p, c]: readonly [bigint, bigint]): BookLevel => Object.freeze({ price: formatPrice(p), count: formatCount(c) });
    const asAsk = ([p, c]: readonly [bigint, bigint]): BookLevel => Object.freeze({ price: formatPrice(ONE_DOLLAR - p), count: formatCount(c) });
    const yesBids = Object.freeze(cut(yes).map(asText));
    const noBids = Object.freeze(cut(no).map(asText));
    const yesAsks = Object.freeze(cut(no).map(asAsk));
    const noAsks = Object.freeze(cut(yes).map(asAsk));
    const topYes = yes[0];
    const topNo = no[0];
    let mid: string | undefined;
    let spread: string | undefined;
    if (topYes && topNo) {
      const bid = topYes[0];
      const ask = ONE_DOLLAR - topNo[0];
      // Half a unit needs one more decimal: compute the mid at scale + 1.
      mid = formatFixed((bid + ask) * 5n, PRICE_SCALE + 1, 4);
      spread = formatPrice(ask - bid);
    }
    return Object.freeze({
      yesBids,
      noBids,
      yesAsks,
      noAsks,
      bestYesBid: yesBids[0],
      bestYesAsk: yesAsks[0],
      bestNoBid: noBids[0],
      bestNoAsk: noAsks[0],
      mid,
      spread,
    });
  }
}
