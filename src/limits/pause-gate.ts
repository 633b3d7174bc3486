import { setTimeout as sleep } from 'node:timers/promises';

/**
 * One per provider and key: after a 429 every request to that provider and key waits
 * until the pause is over, not just the one that got the 429.
 */
export class PauseGate {
  #until = 0;

  /** Extend the pause; a shorter pause never cuts a longer one. */
  pauseFor(ms: number): void {
    this.#until = Math.max(this.#until, Date.now() + Math.max(0, ms));
  }

  remainingMs(): number {
    return Math.max(0, this.#until - Date.now());
  }

  async wait(signal?: AbortSignal): Promise<void> {
    // Loop: the pause may be extended while we sleep.
    for (let left = this.remainingMs(); left > 0; left = this.remainingMs()) {
      await sleep(left, undefined, { signal });
    }
  }
}
