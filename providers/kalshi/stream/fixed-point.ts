/**
 * Exact fixed-point numbers for the order book: a decimal string becomes a BigInt count of
 * the smallest unit (a millionth of a dollar for prices, a hundredth of a contract for
 * counts), so adding deltas never drifts the way floats do.
 */

/** Decimals kept for prices: Kalshi sends 4 today and documents sub-cent ticks down to 6. */
export const PRICE_SCALE = 6;
/** Decimals kept for contract counts (`*_fp` fields have 2). */
export const COUNT_SCALE = 2;

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * `text` in units of 10^-scale, or `undefined` when it is not a plain decimal or carries
 * more significant decimals than `scale` (trailing zeros beyond the scale are fine).
 */
export function parseFixed(text: string, scale: number): bigint | undefined {
  const m = DECIMAL.exec(text);
  if (!m) return undefined;
  let fraction = m[3] ?? '';
  if (fraction.length > scale) {
    if (!/^0*$/.test(fraction.slice(scale))) return undefined;
    fraction = fraction.slice(0, scale);
  }
  const units = BigInt(m[2]! + fraction.padEnd(scale, '0'));
  return m[1] ? -units : units;
}

/**
 * `units` (of 10^-scale) as a decimal string with at least `minDecimals` decimals and no
 * trailing zeros beyond them: `formatFixed(560000n, 6, 4)` is `"0.5600"`.
 */
export function formatFixed(units: bigint, scale: number, minDecimals: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  let fraction = digits.slice(digits.length - scale);
  while (fraction.length > minDecimals && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** One dollar in price units: a NO bid at `p` is a YES ask at `ONE_DOLLAR - p`. */
export const ONE_DOLLAR = 10n ** BigInt(PRICE_SCALE);

/** A price in units as the wire writes it (at least 4 decimals). */
export const formatPrice = (units: bigint): string => formatFixed(units, PRICE_SCALE, 4);
/** A count in units as the wire writes it (2 decimals). */
export const formatCount = (units: bigint): string => formatFixed(units, COUNT_SCALE, 2);
