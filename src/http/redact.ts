import { MarketError } from '../errors.js';

const MIN_SECRET_LENGTH = 6;

/** Replace every occurrence of a current secret with `[redacted]`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  }
  return out;
}

/** `redact` through every string of a JSON-like value (object keys too); other values as they are. */
export function redactDeep<T>(value: T, secrets: readonly string[], depth = 0): T {
  if (typeof value === 'string') return redact(value, secrets) as T;
  if (value === null || typeof value !== 'object' || depth > 20) return value;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v, secrets, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[redact(k, secrets)] = redactDeep(v, secrets, depth + 1);
  return out as T;
}

/**
 * The same error with every secret scrubbed from every field (message, stack, provider code,
 * request id, details, field paths …), of the same class. Returns the error itself when it
 * holds none, so the common case costs one scan.
 */
export function redactError<E extends MarketError>(error: E, secrets: readonly string[]): E {
  const live = secrets.filter((s) => s.length >= MIN_SECRET_LENGTH);
  if (!live.length) return error;
  const text = `${error.stack ?? ''}\n${JSON.stringify(error)}`;
  if (!live.some((s) => text.includes(s))) return error;
  const copy = Object.create(Object.getPrototypeOf(error) as object) as object;
  for (const key of Object.getOwnPropertyNames(error)) {
    const descriptor = Object.getOwnPropertyDescriptor(error, key)!;
    // `reason` is the caller's own abort reason, never the server's: left as given.
    if ('value' in descriptor && key !== 'reason') {
      const clean: unknown = redactDeep(descriptor.value, live);
      descriptor.value = clean !== null && typeof clean === 'object' ? Object.freeze(clean) : clean;
    }
    Object.defineProperty(copy, key, descriptor);
  }
  return copy as unknown as E;
}
