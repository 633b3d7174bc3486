import { inspect } from 'node:util';

/**
 * A secret handed to the caller once (a reissued key, a generated private key). It prints,
 * logs and serializes as `[redacted]`; `reveal()` is the only way to read it.
 */
export class SecretString {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

/** The secret itself: store it, do not log it. */
  reveal(): string {
    return this.#value;
  }

/** Always `[redacted]`. */
  toString(): string {
    return '[redacted]';
  }

/** Always `[redacted]`. */
  toJSON(): string {
    return '[redacted]';
  }

/** Always `SecretString([redacted])`. */
  [inspect.custom](): string {
    return 'SecretString([redacted])';
  }
}
