import { AuthenticationError } from '../../src/errors.js';
import { keyFingerprint } from '../../src/limits/registry.js';

/**
 * Keeps this process from ever tripping CSBoard's bad-key IP ban (more than 30 bad-key
 * requests a minute bans the IP for 5 minutes, valid keys included):
 * - a key sends one request at a time until the server has accepted it once;
 * - after a 401 the key is dead: calls fail fast without sending;
 * - after `too_many_failed_auth` nothing goes to that host until the ban is over.
 * State is process-wide: the ban is per IP, a dead key is dead for every client.
 */
const bannedUntilByHost = new Map<string, number>();
const deadKeys = new Set<string>();
const verifiedKeys = new Set<string>();
const readOnlyKeys = new Set<string>();

export class CsboardAuthGuard {
  readonly #host: string;
  readonly #key: string;
  #probe: Promise<void> | undefined;

  constructor(baseUrl: string, apiKey: string) {
    this.#host = new URL(baseUrl).host;
    this.#key = keyFingerprint(apiKey);
  }

  /** Throws if nothing may be sent now. */
  check(auth: boolean): void {
    const until = bannedUntilByHost.get(this.#host) ?? 0;
    const left = until - Date.now();
    if (left > 0) {
      throw new AuthenticationError({
        provider: 'csboard',
        code: 'auth_banned',
        message: `csboard: this IP is banned for bad keys; nothing is sent for another ${Math.ceil(left / 1000)} s`,
        retryAfterMs: left,
        providerCode: 'too_many_failed_auth',
      });
    }
    if (auth && deadKeys.has(this.#key)) {
      throw new AuthenticationError({
        provider: 'csboard',
        code: 'authentication_failed',
        message: 'csboard: this key was refused (401) earlier; it is no longer used — check or replace it',
      });
    }
  }

  /** Until the key is known good, serialize its requests so a bad key costs one request, not thirty. */
  async enter<T>(auth: boolean, send: () => Promise<T>): Promise<T> {
    if (!auth || verifiedKeys.has(this.#key)) return send();
    while (this.#probe) await this.#probe.catch(() => undefined);
    this.check(auth);
    if (verifiedKeys.has(this.#key)) return send();
    const run = send();
    this.#probe = run.then(
      () => undefined,
      () => undefined,
    );
    try {
      return await run;
    } finally {
      this.#probe = undefined;
    }
  }

  /** After `403 trading_not_enabled` the key is read-only for the rest of the process. */
  markReadOnly(): void {
    readOnlyKeys.add(this.#key);
  }

  isReadOnly(): boolean {
    return readOnlyKeys.has(this.#key);
  }

  accepted(): void {
    verifiedKeys.add(this.#key);
  }

  refused(bannedForMs?: number): void {
    if (bannedForMs !== undefined) {
      bannedUntilByHost.set(this.#host, Date.now() + Math.max(bannedForMs, 1000));
      return;
    }
    deadKeys.add(this.#key);
    verifiedKeys.delete(this.#key);
  }
}

