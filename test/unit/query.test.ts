import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeQuery, pathSegment } from '../../src/http/query.js';

describe('query encoding', () => {
  it('repeats keys for arrays and skips undefined', () => {
    expect(encodeQuery({ providers: ['steam', 'buff163'], limit: 5, x: undefined, y: null })).toBe('?providers=steam&providers=buff163&limit=5');
    expect(encodeQuery({})).toBe('');
  });

  it('round-trips any values through URLSearchParams', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), fc.array(fc.string(), { minLength: 1, maxLength: 4 })), (params) => {
        const parsed = new URLSearchParams(encodeQuery(params).slice(1));
        for (const [key, values] of Object.entries(params)) expect(parsed.getAll(key)).toEqual(values);
      }),
    );
  });

  it('a path segment cannot escape its place', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const seg = pathSegment(s);
        expect(seg).not.toMatch(/[/?#]/);
        expect(decodeURIComponent(seg)).toBe(s);
      }),
    );
  });
});
