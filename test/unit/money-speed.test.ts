import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalFromNumber, money, normalizeDecimal } from '../../src/money.js';

/** What money() gave before its fast path: the exact bigint route, for every input. */
const exact = (amount: string | number): string => normalizeDecimal(decimalFromNumber(amount), 2);
/** The amount, or the name of the error thrown. */
const outcome = (f: () => string): string => {
  try {
    return f();
  } catch (error) {
    return (error as Error).name;
  }
};

describe('money() fast path for plain prices', () => {
  it('equals the exact route for any double, however formatted', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(money(x, 'usd').amount).toBe(exact(x));
      }),
      { numRuns: 5000 },
    );
  });

  it('equals the exact route for cents and sub-cent prices', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000 }), fc.integer({ min: 0, max: 8 }), (units, scale) => {
        const x = units / 10 ** scale;
        expect(money(x, 'USD').amount).toBe(exact(x));
      }),
      { numRuns: 5000 },
    );
  });

  it('equals the exact route for decimal text, with and without odd forms', () => {
    const text = fc.oneof(
      fc.stringMatching(/^[0-9]{1,12}(\.[0-9]{1,10})?$/),
      fc.stringMatching(/^[+-]?0*[0-9]{1,6}(\.[0-9]{0,6}0*)?$/).filter((t) => !t.endsWith('.')),
    );
    fc.assert(
      fc.property(text, (t) => {
        expect(money(t, 'eur').amount).toBe(exact(t));
      }),
      { numRuns: 5000 },
    );
    for (const t of ['0', '0.0', '0.10', '1.000', '1.2300', '007.5', '-0', '-0.00', '1e-7', '12.345000', ' 1.5', '1.', '.5']) {
      expect(outcome(() => money(t, 'USD').amount)).toBe(outcome(() => exact(t)));
    }
    for (const x of [0, -0, 0.1, 1e21, 1e-7, 123456789.125, 5e-324]) expect(money(x, 'USD').amount).toBe(exact(x));
  });

  it('upper-cases each currency, also when they alternate', () => {
    expect([money(1, 'usd'), money(1, 'eur'), money(1, 'usd')].map((m) => m.currency)).toEqual(['USD', 'EUR', 'USD']);
    expect(Object.isFrozen(money(14.37, 'usd'))).toBe(true);
  });
});
