/** A query value; arrays become repeated keys (`providers=a&providers=b`). */
export type QueryValue = string | number | boolean | undefined | null | readonly (string | number)[];
export type QueryParams = Readonly<Record<string, QueryValue>>;

/** Encode a query string: repeated keys for arrays, undefined/null skipped, RFC 3986 escaping. */
export function encodeQuery(params: QueryParams | undefined): string {
  if (!params) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    const values = Array.isArray(value) ? value : [value];
    for (const v of values as (string | number | boolean)[]) parts.push(`${escape(key)}=${escape(String(v))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

function escape(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Percent-encode one path segment (an id taken from the caller). */
export function pathSegment(value: string | number): string {
  return escape(String(value));
}
