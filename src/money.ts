/**
 * Exact money. An amount is a canonical decimal string ("14.37", "0.00041600") with its
 * currency; arithmetic runs on bigint, never on floats.
 */
import { ValidationError } from './errors.js';

/** An exact amount of money (see the module comment). */
export interface Money {
  readonly currency: string;
  /** Canonical decimal string in major units, e.g. "14.37". */
  readonly amount: string;
}

interface Fixed {
  units: bigint;
  scale: number;
}

/** The decimal text money accepts: digits, optionally a point and more digits (`25.50`, `-3`). */
export const DECIMAL_TEXT = /^([+-])?(\d+)(?:\.(\d+))?$/;
const DECIMAL = DECIMAL_TEXT;

function parseFixed(text: string): Fixed {
  const m = DECIMAL.exec(text.trim());
  if (!m) throw new ValidationError({ provider: 'marketmux', message: `not a decimal number: ${JSON.stringify(text.slice(0, 40))}` });
  const frac = m[3] ?? '';
  const units = BigInt((m[2] ?? '0') + frac) * (m[1] === '-' ? -1n : 1n);
  return { units, scale: frac.length };
}

function rescale(f: Fixed, scale: number): bigint {
  return f.scale === scale ? f.units : f.units * 10n ** BigInt(scale - f.scale);
}

function formatFixed(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const frac = scale ? '.' + digits.slice(digits.length - scale) : '';
  return (negative ? '-' : '') + whole + frac;
}

/** Divide with rounding half away from zero. */
function divRound(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  if (r === 0n) return q;
  const up = (r < 0n ? -r : r) * 2n >= (d < 0n ? -d : d);
  if (!up) return q;
  return (n < 0n) !== (d < 0n) ? q - 1n : q + 1n;
}

/** A decimal string with trailing zeros kept to `minScale` (2 for most currencies). */
export function normalizeDecimal(text: string, minScale = 0): string {
  const f = parseFixed(text);
  let { units, scale } = f;
  while (scale > minScale && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  if (scale < minScale) {
    units *= 10n ** BigInt(minScale - scale);
    scale = minScale;
  }
  return formatFixed(units, scale);
}

/** Money from a decimal string or a JSON number (its exact decimal text), e.g. `money(14.37, 'USD')`. */
export function money(amount: string | number, currency: string): Money {
  return Object.freeze({ currency: upperCase(currency), amount: fastNormalize(amount) ?? normalizeDecimal(decimalFromNumber(amount), 2) });
}

/** Plain decimal text (no exponent, sign or spaces): the form every price on the wire takes. */
const PLAIN_DECIMAL = /^\d+(?:\.\d+)?$/;
let lastCurrency = '';
let lastUpper = '';

/** `toUpperCase`, remembered for the last currency (a stream of rows names one currency). */
function upperCase(currency: string): string {
  if (currency !== lastCurrency) {
    lastCurrency = currency;
    lastUpper = currency.toUpperCase();
  }
  return lastUpper;
}

/**
 * `normalizeDecimal(text, 2)` on text alone for a non-negative price such as 14.37, 0.5 or
 * 1200 (what a snapshot of 200,000 rows is made of): no bigint, one string. Anything else
 * (a sign, an exponent, leading zeros, spaces) returns undefined and takes the exact path.
 */
function fastNormalize(amount: string | number): string | undefined {
  let text: string;
  if (typeof amount === 'number') {
    // Whole cents below 10^13 (a double's spacing there is far below a cent): the shortest
    // text of the double has at most two decimals and is exactly cents/100, so it is built
    // from the integer, without the costly double-to-text conversion.
    if (amount >= 0 && amount < 1e13) {
      const cents = Math.round(amount * 100);
      if (cents / 100 === amount) {
        const frac = cents % 100;
        return `${(cents - frac) / 100}.${frac < 10 ? '0' : ''}${frac}`;
      }
    }
    if (!(amount >= 0) || amount >= 1e21 || !Number.isFinite(amount)) return undefined;
    text = String(amount);
    if (text.includes('e')) return undefined;
  } else {
    text = amount;
    if (!PLAIN_DECIMAL.test(text)) return undefined;
  }
  const dot = text.indexOf('.');
  const whole = dot < 0 ? text : text.slice(0, dot);
  if (whole.length > 1 && whole.charCodeAt(0) === 48) return undefined; // leading zeros
  if (dot < 0) return `${whole}.00`;
  let end = text.length;
  // Trailing zeros beyond two decimals go.
  while (end > dot + 3 && text.charCodeAt(end - 1) === 48) end -= 1;
  const decimals = end - dot - 1;
  if (decimals === 2) return end === text.length ? text : text.slice(0, end);
  if (decimals === 1) return `${text.slice(0, end)}0`;
  return text.slice(0, end);
}

/**
 * A JSON number as its exact decimal text. JSON money like 14.37 arrives as the double
 * nearest to 14.37; its shortest round-trip form is "14.37", the text the server sent.
 */
export function decimalFromNumber(value: number | string): string {
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) throw new ValidationError({ provider: 'marketmux', message: 'money must be a finite number' });
  const text = String(value);
  if (!/e/i.test(text)) return text;
  // Exponent form (1e-7, 1e+21): expand exactly.
  const [mantissa = '0', exp = '0'] = text.toLowerCase().split('e');
  const f = parseFixed(mantissa);
  const e = Number(exp);
  return e >= 0 ? formatFixed(f.units * 10n ** BigInt(e), f.scale) : formatFixed(f.units, f.scale - e);
}

/** Integer minor units (e.g. cents) → Money. */
export function fromMinorUnits(minor: number | bigint, currency: string, exponent = 2): Money {
  return Object.freeze({ currency: currency.toUpperCase(), amount: normalizeDecimal(formatFixed(BigInt(minor), exponent), 2) });
}

/** Money → integer minor units, exact or it throws. */
export function toMinorUnits(m: Money, exponent = 2): bigint {
  const f = parseFixed(m.amount);
  if (f.scale > exponent) {
    const factor = 10n ** BigInt(f.scale - exponent);
    if (f.units % factor !== 0n) throw new ValidationError({ provider: 'marketmux', message: `${m.amount} ${m.currency} has more than ${exponent} decimals` });
    return f.units / factor;
  }
  return rescale(f, exponent);
}

function sameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) {
    throw new ValidationError({ provider: 'marketmux', message: `cannot combine ${a.currency} with ${b.currency} without an FX rate` });
  }
}

/** a + b, exactly; both in one currency. */
export function addMoney(a: Money, b: Money): Money {
  sameCurrency(a, b);
  const fa = parseFixed(a.amount);
  const fb = parseFixed(b.amount);
  const scale = Math.max(fa.scale, fb.scale);
  return Object.freeze({ currency: a.currency, amount: normalizeDecimal(formatFixed(rescale(fa, scale) + rescale(fb, scale), scale), 2) });
}

/** a − b, exactly; both in one currency. */
export function subtractMoney(a: Money, b: Money): Money {
  return addMoney(a, { currency: b.currency, amount: negate(b.amount) });
}

function negate(amount: string): string {
  return amount.startsWith('-') ? amount.slice(1) : '-' + amount;
}

/** -1, 0 or 1. */
export function compareMoney(a: Money, b: Money): number {
  sameCurrency(a, b);
  const fa = parseFixed(a.amount);
  const fb = parseFixed(b.amount);
  const scale = Math.max(fa.scale, fb.scale);
  const d = rescale(fa, scale) - rescale(fb, scale);
  return d === 0n ? 0 : d < 0n ? -1 : 1;
}

/** Multiply by an exact decimal factor (a quantity, a fee fraction), rounded to `scale` decimals. */
export function multiplyMoney(m: Money, factor: string | number, scale = 2): Money {
  const fm = parseFixed(m.amount);
  const ff = parseFixed(decimalFromNumber(factor));
  const product = fm.units * ff.units; // scale fm.scale + ff.scale
  const from = fm.scale + ff.scale;
  const units = from > scale ? divRound(product, 10n ** BigInt(from - scale)) : product * 10n ** BigInt(scale - from);
  return Object.freeze({ currency: m.currency, amount: normalizeDecimal(formatFixed(units, scale), Math.min(2, scale)) });
}

/**
 * An FX table from a provider: `rates[CODE]` units of CODE per one unit of `base`.
 * Only conversions through such a table are allowed.
 */
export interface FxTable {
  readonly base: string;
  readonly rates: Readonly<Record<string, string>>;
  readonly source: string;
  readonly asOf?: string | undefined;
}

/** Build an FX table from a provider's rates (numbers become their exact decimal text). */
export function fxTable(base: string, rates: Record<string, number | string>, source: string, asOf?: string): FxTable {
  const exact: Record<string, string> = {};
  for (const [code, rate] of Object.entries(rates)) exact[code.toUpperCase()] = decimalFromNumber(rate);
  return Object.freeze({ base: base.toUpperCase(), rates: Object.freeze(exact), source, asOf });
}

/** Convert with an explicit FX table; rounds half away from zero to `scale` decimals. */
export function convertMoney(m: Money, to: string, table: FxTable, scale = 2): Money {
  const target = to.toUpperCase();
  if (m.currency === target) return m;
  const rateOf = (code: string): string => {
    if (code === table.base) return '1';
    const r = table.rates[code];
    if (r === undefined) throw new ValidationError({ provider: 'marketmux', message: `no ${code} rate in the ${table.source} FX table` });
    return r;
  };
  // amount[from] / rate[from] * rate[to], in one exact step.
  const fa = parseFixed(m.amount);
  const rf = parseFixed(rateOf(m.currency));
  const rt = parseFixed(rateOf(target));
  if (rf.units === 0n) throw new ValidationError({ provider: 'marketmux', message: `zero ${m.currency} rate` });
  // value = fa.units/10^fa.scale * rt.units/10^rt.scale / (rf.units/10^rf.scale)
  const num = fa.units * rt.units * 10n ** BigInt(rf.scale + scale);
  const den = rf.units * 10n ** BigInt(fa.scale + rt.scale);
  return Object.freeze({ currency: target, amount: normalizeDecimal(formatFixed(divRound(num, den), scale), Math.min(2, scale)) });
}

/** `"14.37 USD"`. */
export function formatMoney(m: Money): string {
  return `${m.amount} ${m.currency}`;
}
