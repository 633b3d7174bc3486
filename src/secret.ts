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

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '[redacted]';
  }

  toJSON(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return 'SecretString([redacted])';
  }
}
