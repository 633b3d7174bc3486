/**
 * Option values: each parser turns the text of one flag into a value or refuses it, so a bad
 * value is a usage error that names the flag (commander adds the flag and the text).
 */
import { InvalidArgumentError } from 'commander';
import { ValidationError } from '../errors.js';
import { UsageError } from './output.js';

/** A whole number between `min` and `max`. */
export const wholeNumber = (min: number, max = Number.MAX_SAFE_INTEGER) => (text: string): number => {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new InvalidArgumentError(max === Number.MAX_SAFE_INTEGER ? `must be a whole number, ${min} or more` : `must be a whole number from ${min} to ${max}`);
  }
  return Number(text);
};

/** A positive decimal amount with at most two decimals (a price in USD). */
export const price = (text: string): number => {
  if (!/^\d+(\.\d{1,2})?$/.test(text) || Number(text) <= 0) throw new InvalidArgumentError('must be a price above 0 with at most two decimals, e.g. 12.50');
  return Number(text);
};

/** Seconds, at least `min` (decimals allowed). */
export const seconds = (min: number) => (text: string): number => {
  if (!/^\d+(\.\d+)?$/.test(text) || Number(text) < min) throw new InvalidArgumentError(`must be a number of seconds, ${min} or more`);
  return Number(text);
};

/**
 * Run a library call and turn its input refusal into a usage error that names the flag the
 * field came from (`--days`, not `lookbackDays`). Unmapped fields keep the library's message.
 */
export async function withFlags<T>(flags: Record<string, string>, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const named = error.issues
      .map((issue) => ({ flag: flags[issue.path.split('.').at(-1) ?? ''], message: issue.message }))
      .filter((i): i is { flag: string; message: string } => i.flag !== undefined);
    if (!named.length) throw error;
    throw new UsageError(named.map((i) => `${i.flag}: ${i.message}`).join('; '));
  }
}

/**
 * An amount of money, 0 or more, with at most two decimals (`12.50`), kept as its text so it
 * stays exact (never a float).
 */
export const moneyText = (text: string): string => {
  if (!/^\d{1,15}(\.\d{1,2})?$/.test(text)) throw new InvalidArgumentError('must be an amount of 0 or more with at most two decimals, e.g. 12.50');
  return text;
};

/** A calendar date as YYYY-MM-DD. */
export const calendarDate = (text: string): string => {
  const day = new Date(`${text}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== text) throw new InvalidArgumentError('must be a date as YYYY-MM-DD, e.g. 2026-01-31');
  return text;
};
