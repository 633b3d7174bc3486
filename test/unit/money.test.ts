import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addMoney, compareMoney, convertMoney, decimalFromNumber, fromMinorUnits, fxTable, money, multiplyMoney, subtractMoney, toMinorUnits, ValidationError } from '../../src/index.js';

describe('money', () => {
  it('JSON numbers become the exact decimal the server wrote', () => {
    expect(money(14.37, 'usd')).toEqual({ currency: 'USD', amount: '14.37' });
    expect(money(980.1, 'USD').amount).toBe('980.10');
    expect(decimalFromNumber(1e-7)).toBe('0.0000001');
    expect(decimalFromNumber(1.5e21)).toBe('1500000000000000000000.0');
  });

  it('sums without float error', () => {
    const a = money(0.1, 'USD');
    const b = money(0.2, 'USD');
    expect(addMoney(a, b).amount).toBe('0.30');
    expect(subtractMoney(money(26.47, 'USD'), money(14.37, 'USD')).amount).toBe('12.10');
  });

  it('refuses to mix currencies', () => {
    expect(() => addMoney(money(1, 'USD'), money(1, 'EUR'))).toThrow(ValidationError);
  });

  it('minor units round-trip exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), (minor) => {
        expect(toMinorUnits(fromMinorUnits(minor, 'USD'))).toBe(minor);
      }),
    );
  });

  it('any two-decimal JSON number parses to its own text', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_00 }), (cents) => {
        const text = (cents / 100).toFixed(2);
        expect(money(Number(text), 'USD').amount).toBe(text);
      }),
    );
  });

  it('addition is exact and commutative', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: -1e9, max: 1e9 }), (x, y) => {
        const a = fromMinorUnits(x, 'USD');
        const b = fromMinorUnits(y, 'USD');
        expect(toMinorUnits(addMoney(a, b))).toBe(BigInt(x + y));
        expect(compareMoney(addMoney(a, b), addMoney(b, a))).toBe(0);
      }),
    );
  });

  it('converts only through an FX table, rounding half away from zero', () => {
    const table = fxTable('USD', { EUR: 0.92, GBP: 0.79 }, 'test');
    expect(convertMoney(money(14.37, 'USD'), 'EUR', table).amount).toBe('13.22'); // 13.2204
    expect(convertMoney(money(10, 'EUR'), 'USD', table).amount).toBe('10.87'); // 10.869…
    expect(convertMoney(money(10, 'EUR'), 'GBP', table).amount).toBe('8.59'); // 8.5869…
    expect(() => convertMoney(money(1, 'USD'), 'JPY', table)).toThrow(/no JPY rate/);
  });

  it('multiplies by fee fractions exactly', () => {
    expect(multiplyMoney(money(100, 'USD'), 0.025).amount).toBe('2.50');
    expect(multiplyMoney(money(0.05, 'USD'), '0.5').amount).toBe('0.03');
  });
});
