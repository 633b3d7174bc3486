import type { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { timerDelay } from './admission.js';

/** Extend a pause in Redis only if it makes it longer (KEYS: pause key; ARGV: ms). */
const EXTEND = `
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], '1', 'PX', tonumber(ARGV[1]))
end
return 1`;

/**
 * One per provider and key: after a 429 every request to that provider and key waits
 * until the pause is over, not just the one that got the 429. With Redis the pause is
 * shared too, so every process on the key waits it out.
 */
export class PauseGate {
  #until = 0;
  readonly #shared: { client: Redis & { mmExtendPause?: (key: string, ms: number) => Promise<number> }; key: string } | undefined;

  constructor(shared?: { client: Redis; key: string }) {
    if (shared && typeof (shared.client as { mmExtendPause?: unknown }).mmExtendPause !== 'function') {
      shared.client.defineCommand('mmExtendPause', { numberOfKeys: 1, lua: EXTEND });
    }
    this.#shared = shared;
  }

  /** Extend the pause; a shorter pause never cuts a longer one. */
  pauseFor(ms: number): void {
    this.#until = Math.max(this.#until, Date.now() + Math.max(0, ms));
    if (this.#shared && ms > 0) void this.#shared.client.mmExtendPause?.(this.#shared.key, Math.ceil(ms)).catch(() => undefined);
  }

  /** What is left of this process's view of the pause. */
  remainingMs(): number {
    return Math.max(0, this.#until - Date.now());
  }

  /** The Redis key holding the shared pause (its PTTL is what is left), if shared. */
  get sharedKey(): string | undefined {
    return this.#shared?.key;
  }

  /** Wait out this process's view of the pause only. */
  async waitHere(signal?: AbortSignal): Promise<void> {
    // Loop: the pause may be extended while we sleep.
    for (let left = this.remainingMs(); left > 0; left = this.remainingMs()) await sleep(timerDelay(left), undefined, { signal });
  }

  /** Wait out the pause: this process's view, then the shared one in Redis. */
  async wait(signal?: AbortSignal): Promise<void> {
    await this.waitHere(signal);
    if (!this.#shared) return;
    for (;;) {
      const left = await this.#shared.client.pttl(this.#shared.key).catch(() => 0);
      if (left <= 0) return;
      await sleep(timerDelay(left), undefined, { signal });
    }
  }
}
