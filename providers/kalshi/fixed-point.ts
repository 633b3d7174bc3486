/**
 * Kalshi's fixed-point request forms (reference/kalshi.md §6.1), checked and normalised
 * exactly — on the digits, never through a float — so a value is sent as given or refused.
 */
import { decimalFromNumber } from '../../src/money.js';

/** Counts take 0–2 decimals on the wire; the finest granularity is 0.01 contracts. */
export const COUNT_DECIMALS = 2;
/** Prices take 2–4 decimals on the wire. */
export const PRICE_MIN_DECIMALS = 2;
export const PRICE_MAX_DECIMALS = 4;

/** The wire text, or why there is none. */
export type WireForm = { ok: true; value: string } | { ok: false; reason: string };

const UNSIGNED_DECIMAL = /^(\d*)(?:\.(\d*))?$/;
const MAX_EXACT_COUNT_NUMBER = Number.MAX_SAFE_INTEGER / 100;
/** No market comes near a quadrillion contracts; longer digit strings are typos. */
const MAX_COUNT_WHOLE_DIGITS = 15;

/**
 * A count as Kalshi's `FixedPointCount` request text. A string that already is one (`"10"`,
 * `"10.5"`, `"10.00"`) is sent as written, leading zeros dropped; a number is taken only
 * when its shortest round-trip decimal (`String(n)`, the literal that was written) has at
 * most two decimals (`2.5` → `"2.50"`; `2.999`, `0.1 + 0.2` = `0.30000000000000004` and
 * `1e-7` are refused, never rounded).
 */
export function countToWire(input: string | number): WireForm {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return { ok: false, reason: 'a count must be a finite number' };
    // Beyond this a double no longer holds every hundredth: the number may not be what was meant.
    if (Math.abs(input) > MAX_EXACT_COUNT_NUMBER) return { ok: false, reason: 'a count this large must be given as a string' };
    const text = decimalFromNumber(input);
    const checked = countToWire(text);
    if (!checked.ok) return checked;
    const [whole, frac = ''] = checked.value.split('.');
    return { ok: true, value: `${whole}.${frac.padEnd(COUNT_DECIMALS, '0')}` };
  }
  const m = UNSIGNED_DECIMAL.exec(input);
  if (!m || !m[1] || (m[2] !== undefined && m[2] === '')) return { ok: false, reason: 'a count is a decimal such as "10" or "2.50" (digits, optionally a point and 1–2 decimals)' };
  const frac = m[2];
  if (frac !== undefined && frac.length > COUNT_DECIMALS) return { ok: false, reason: `a count has at most ${COUNT_DECIMALS} decimals (0.01 contracts is the smallest step); it is not rounded` };
  const whole = m[1].replace(/^0+(?=\d)/, '');
  if (whole.length > MAX_COUNT_WHOLE_DIGITS) return { ok: false, reason: `a count has at most ${MAX_COUNT_WHOLE_DIGITS} digits before the point` };
  if (/^0*$/.test(whole + (frac ?? ''))) return { ok: false, reason: 'a count must be more than 0' };
  return { ok: true, value: frac === undefined ? whole : `${whole}.${frac}` };
}

/**
 * A YES price as Kalshi's `FixedPointDollars` request text: strictly between 0 and 1, at
 * most four decimals, padded to the two the API needs at least (`"0.5"` → `"0.50"`,
 * `".56"` → `"0.56"`, `"0.5600"` stays). Only strings: a price is money, and a float
 * cannot hold every price.
 */
export function priceToWire(input: string): WireForm {
  const m = UNSIGNED_DECIMAL.exec(input);
  if (!m || m[2] === undefined || m[2] === '' || !/^0?$/.test(m[1] ?? '')) {
    return { ok: false, reason: 'a price is a dollar string strictly between 0 and 1, such as "0.56" or "0.5600"' };
  }
  const frac = m[2];
  if (frac.length > PRICE_MAX_DECIMALS) return { ok: false, reason: `a price has at most ${PRICE_MAX_DECIMALS} decimals; it is not rounded` };
  if (/^0+$/.test(frac)) return { ok: false, reason: 'a price must be more than 0' };
  return { ok: true, value: `0.${frac.padEnd(PRICE_MIN_DECIMALS, '0')}` };
}

/**
 * A wire decimal (request or response form, up to `scale` decimals) as an integer number
 * of `10^-scale` units, for exact comparison; undefined if it is not such a decimal.
 */
export function decimalUnits(text: string | null | undefined, scale: number): bigint | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return undefined;
  const frac = m[3] ?? '';
  if (frac.length > scale && !/^0*$/.test(frac.slice(scale))) return undefined;
  const units = BigInt(m[2]! + frac.slice(0, scale).padEnd(scale, '0'));
  return m[1] ? -units : units;
}
