import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeQuery, pathSegment } from '../../src/http/query.js';
import { ValidationError } from '../../src/errors.js';

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
    const refused = (s: string): boolean => s.trim() === '' || s === '.' || s === '..' || /\p{Cs}/u.test(s);
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        if (refused(s)) {
          expect(() => pathSegment(s)).toThrow(ValidationError);
          return;
        }
        const seg = pathSegment(s);
        expect(seg).not.toMatch(/[/?#]/);
        expect(decodeURIComponent(seg)).toBe(s);
      }),
    );
  });

  it('refuses ids that would change the path or cannot be encoded, as a ValidationError', () => {
    for (const id of ['', ' ', '.', '..', 'a\uD800', '\uDC00b']) {
      expect(() => pathSegment(id, 'csboard')).toThrow(ValidationError);
    }
    expect(pathSegment('...')).toBe('...');
    expect(pathSegment('a/../b')).toBe('a%2F..%2Fb');
    expect(pathSegment('😀')).toBe('%F0%9F%98%80');
  });
});
