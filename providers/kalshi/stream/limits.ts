/**
 * Client-side limits of the Kalshi WebSocket: a token bucket for commands (the server
 * answers error 27 past its command rate) and a per-user count of open connections (the
 * exchange caps connections per user by tier, default 200, reference/kalshi.md §7.5).
 */
import { ClientClosedError } from '../../../src/errors.js';

/** A token bucket: `capacity` commands at once, `refillPerSecond` after that. */
export interface CommandRate {
  capacity: number;
  refillPerSecond: number;
}

/** Waits for command tokens; the waits are cancelled by `close()`. */
export class CommandBucket {
  readonly #rate: CommandRate;
  #tokens: number;
  #at = Date.now();
  readonly #waits = new Map<NodeJS.Timeout, () => void>();
  #closed = false;

  constructor(rate: CommandRate) {
    this.#rate = rate;
    this.#tokens = rate.capacity;
  }

  /** Resolves when one token is taken (at once while the bucket holds one). */
  async take(): Promise<void> {
    for (;;) {
      if (this.#closed) throw closedError();
      const now = Date.now();
      this.#tokens = Math.min(this.#rate.capacity, this.#tokens + ((now - this.#at) / 1000) * this.#rate.refillPerSecond);
      this.#at = now;
      if (this.#tokens >= 1) {
        this.#tokens -= 1;
        return;
      }
      const waitMs = Math.ceil(((1 - this.#tokens) / this.#rate.refillPerSecond) * 1000);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.#waits.delete(timer);
          resolve();
        }, waitMs);
        this.#waits.set(timer, resolve);
      });
    }
  }

  /** Cancel every wait (they then reject). */
  close(): void {
    this.#closed = true;
    for (const [timer, resolve] of this.#waits) {
      clearTimeout(timer);
      resolve();
    }
    this.#waits.clear();
  }
}

const closedError = (): ClientClosedError => new ClientClosedError({ provider: 'kalshi', code: 'client_closed', message: 'kalshi stream: closed' });

/** Open connections per user key in this process. */
const openConnections = new Map<string, number>();

/** Count one more connection for `key`; false when `max` are already open. */
export function acquireConnection(key: string, max: number): boolean {
  const open = openConnections.get(key) ?? 0;
  if (open >= max) return false;
  openConnections.set(key, open + 1);
  return true;
}

/** One connection of `key` closed. */
export function releaseConnection(key: string): void {
  const open = (openConnections.get(key) ?? 0) - 1;
  if (open <= 0) openConnections.delete(key);
  else openConnections.set(key, open);
}

/** How many connections `key` has open in this process. */
export function openConnectionCount(key: string): number {
  return openConnections.get(key) ?? 0;
}
