import { ValidationError } from '../errors.js';

/** A query value; arrays become repeated keys (`providers=a&providers=b`). */
export type QueryValue = string | number | boolean | undefined | null | readonly (string | number)[];
export type QueryParams = Readonly<Record<string, QueryValue>>;

/** Encode a query string: repeated keys for arrays, undefined/null skipped, RFC 3986 escaping. */
export function encodeQuery(params: QueryParams | undefined, provider = 'marketmux'): string {
  if (!params) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    const values = Array.isArray(value) ? value : [value];
    for (const v of values as (string | number | boolean)[]) {
      const text = String(v);
      if (LONE_SURROGATE.test(text)) throw new ValidationError({ provider, message: `${provider}: query ${key} must be well-formed text (it holds a lone surrogate)`, issues: [{ path: key, message: 'holds a lone surrogate' }] });
      parts.push(`${escape(key)}=${escape(text)}`);
    }
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

function escape(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** With the `u` flag a surrogate pair is one code point: what matches stands alone. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Percent-encode one path segment (an id taken from the caller). The one place ids become
 * paths: an id that would change the path (`.`, `..`, empty) or cannot be encoded (a lone
 * surrogate) is refused here, before anything is sent.
 */
export function pathSegment(value: string | number, provider = 'marketmux'): string {
  const text = String(value);
  const problem =
    text === '' || text.trim() === ''
      ? 'must not be empty'
      : text === '.' || text === '..'
        ? 'must not be "." or ".." (it would change the request path)'
        : LONE_SURROGATE.test(text)
          ? 'must be well-formed text (it holds a lone surrogate)'
          : text.length > 1_000
            ? 'must be at most 1000 characters'
            : undefined;
  if (problem) throw new ValidationError({ provider, message: `${provider}: an id ${problem}`, issues: [{ path: '(id)', message: problem }] });
  return escape(text);
}
