/**
 * The waiting line in front of one quota: calls are granted strictly in arrival order, a
 * cancelled call leaves the line in O(1) (a doubly linked list), and one timer, armed for
 * what the head still needs, is all the line ever holds. The quota itself (in process or in
 * Redis) only answers "taken" or "try again in n ms".
 */
import { CancelScope, onAbort, type AbortListener, type CallSignal } from './cancel.js';

/** The longest delay a Node timer holds (2^31 − 1 ms); longer ones fire at once, with a warning. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A delay a timer can hold: at least 1 ms, at most `MAX_TIMER_MS` (a longer wait re-arms). */
export function timerDelay(ms: number): number {
  if (!(ms > 1)) return 1;
  return Math.min(Math.ceil(ms), MAX_TIMER_MS);
}

/** What a quota answers when asked for `cost`: taken (with what to give back later), or a wait. */
export type Take<G> = { grant: G } | { waitMs: number };

/** A quota the line can ask. `waitMs: Infinity` means "until `wake()`". */
export interface QuotaSource<G> {
  take(cost: number): Take<G> | Promise<Take<G>>;
  /** A grant whose caller left while it was being taken: nothing will be sent on it. */
  release(grant: G): void;
}

/**
 * One call in a line, linked in place (the line wraps it in nothing): a queued call can be a
 * single object from the client to its grant. The line grants it (`admit`), refuses it
 * (`refuse`: a closed or failed line, or `cancelWaiter` when its call was cancelled).
 */
export interface LineEntry<G> {
  /** What it needs of the quota. */
  cost: number;
  prev: LineEntry<G> | undefined;
  next: LineEntry<G> | undefined;
  /** Out of the line (granted, cancelled, refused). */
  gone: boolean;
  /** Told the line's owner it waits (once). */
  waited: boolean;
  /** Given its grant: it now owns it. */
  admit(grant: G): void;
  /** Out of the line without a grant, with why. */
  refuse(error: unknown): void;
}

/** One call of `acquire()`: a promise's ends, listening to the call's signal. */
class Waiter<G> implements LineEntry<G>, AbortListener {
  prev: LineEntry<G> | undefined = undefined;
  next: LineEntry<G> | undefined = undefined;
  gone = false;
  waited = false;
  /** Stops listening to a plain AbortSignal. */
  stop: (() => void) | undefined = undefined;
  /** The call's scope, listened to by this waiter itself (no closure per queued call). */
  scope: CancelScope | undefined = undefined;

  constructor(
    readonly line: Admission<G>,
    readonly cost: number,
    readonly resolveWith: (grant: G) => void,
    readonly rejectWith: (error: unknown) => void,
  ) {}

  /** The scope aborted (it drops its listeners itself): out of the line with its reason. */
  handleAbort(): void {
    const reason = this.scope?.reason;
    this.scope = undefined;
    this.line.cancelWaiter(this, reason);
  }

  unlisten(): void {
    this.stop?.();
    this.stop = undefined;
    this.scope?.unlisten(this);
    this.scope = undefined;
  }

  admit(grant: G): void {
    this.unlisten();
    this.resolveWith(grant);
  }

  refuse(error: unknown): void {
    this.unlisten();
    this.rejectWith(error);
  }
}

/** How an `Admission` refuses: a full line, a closed one. */
export interface AdmissionOptions {
  /** More waiting than this: refused with `queueFull()`. */
  maxQueued?: number | undefined;
  queueFull(): Error;
  /** Called once for a call that cannot be granted at once, with the wait the quota named (0 when behind others). */
  onWait?: ((waitMs: number) => void) | undefined;
}

/** One FIFO line of calls waiting for one quota. */
export class Admission<G> {
  readonly #source: QuotaSource<G>;
  readonly #options: AdmissionOptions;
  #head: LineEntry<G> | undefined;
  #tail: LineEntry<G> | undefined;
  #size = 0;
  #timer: NodeJS.Timeout | undefined;
  /** A take of the source (Redis) is in flight for the head. */
  #asking = false;
  #closed: (() => Error) | undefined;
  /** In `#pump` now (an admitted call may start a new one, or cancel one, synchronously). */
  #pumping = false;
  /** The line changed while pumping: pump again before resting. */
  #repump = false;

  constructor(source: QuotaSource<G>, options: AdmissionOptions) {
    this.#source = source;
    this.#options = options;
  }

  /** Calls waiting in the line. */
  get size(): number {
    return this.#size;
  }

  /** Wait for `cost` of the quota, in arrival order; the signal takes the call out of the line. */
  acquire(cost: number, signal?: CallSignal): Promise<G> {
    if (this.#closed) return Promise.reject(this.#closed());
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    return new Promise<G>((resolve, reject) => {
      const waiter = new Waiter<G>(this, cost, resolve, reject);
      if (signal instanceof CancelScope) {
        waiter.scope = signal;
        signal.listen(waiter);
      } else if (signal) waiter.stop = onAbort(signal, () => this.cancelWaiter(waiter, signal.reason));
      const refused = this.enqueue(waiter);
      if (refused) waiter.refuse(refused);
    });
  }

  /**
   * Put `entry` at the end of the line, or say why not (the line is closed or full: nothing was
   * queued). The entry may be admitted before this returns; its cancellation is its own (it
   * calls `cancelWaiter`).
   */
  enqueue(entry: LineEntry<G>): Error | undefined {
    if (this.#closed) return this.#closed();
    const { maxQueued } = this.#options;
    if (maxQueued !== undefined && this.#size >= maxQueued) return this.#options.queueFull();
    entry.gone = false;
    entry.waited = false;
    entry.next = undefined;
    entry.prev = this.#tail;
    if (this.#tail) this.#tail.next = entry;
    else this.#head = entry;
    this.#tail = entry;
    this.#size += 1;
    if (entry === this.#head) {
      if (!this.#asking) this.#pump();
    } else this.#told(entry, 0);
    return undefined;
  }

  /** The call's signal fired: out of the line at once, refused with its reason (internal to the line). */
  cancelWaiter(waiter: LineEntry<G>, reason: unknown): void {
    if (waiter.gone) return;
    const wasHead = waiter === this.#head;
    this.#unlink(waiter);
    waiter.refuse(reason);
    // The head's wait was for its own cost: the next may need less.
    if (wasHead && !this.#asking) this.#pump();
  }

  /** The quota may have room again (an answer freed a slot, the limit grew): ask for the head now. */
  wake(): void {
    if (this.#head && !this.#asking && !this.#closed) this.#pump();
  }

  /** Refuse every waiting call with `error` (the quota failed, or the line is retired). */
  failAll(error: unknown): void {
    this.#disarm();
    for (let w = this.#head; w; w = w.next) w.gone = true;
    let w = this.#head;
    this.#head = this.#tail = undefined;
    this.#size = 0;
    while (w) {
      const next = w.next;
      w.prev = w.next = undefined;
      w.refuse(error);
      w = next;
    }
  }

  /** Refuse everything waiting and everything that comes later with `closed()`. */
  close(closed: () => Error): void {
    if (this.#closed) return;
    this.#closed = closed;
    this.failAll(closed());
  }

  #pump(): void {
    if (this.#pumping) {
      this.#repump = true;
      return;
    }
    this.#pumping = true;
    try {
      do {
        this.#repump = false;
        this.#pumpOnce();
      } while (this.#repump && !this.#asking && !this.#closed);
    } finally {
      this.#pumping = false;
    }
  }

  #pumpOnce(): void {
    this.#disarm();
    while (this.#head && !this.#closed) {
      const head = this.#head;
      let answer: Take<G> | Promise<Take<G>>;
      try {
        answer = this.#source.take(head.cost);
      } catch (error) {
        this.failAll(error);
        return;
      }
      if (answer instanceof Promise) {
        this.#asking = true;
        answer.then(
          (a) => {
            this.#asking = false;
            if (this.#settle(head, a)) this.#pump();
          },
          (error: unknown) => {
            this.#asking = false;
            if (!head.gone) this.failAll(error);
            else if (this.#head) this.#pump();
          },
        );
        return;
      }
      if (!this.#settle(head, answer)) return;
    }
  }

  /** Apply the answer for `waiter`; false when the line now waits (a timer is armed). */
  #settle(waiter: LineEntry<G>, answer: Take<G>): boolean {
    if ('grant' in answer) {
      if (waiter.gone || this.#closed) {
        this.#source.release(answer.grant);
        return true;
      }
      this.#unlink(waiter);
      waiter.admit(answer.grant);
      return true;
    }
    // Left while we asked: ask again for the new head at once.
    if (waiter.gone) return true;
    this.#told(waiter, answer.waitMs);
    if (answer.waitMs !== Infinity) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        if (!this.#asking) this.#pump();
      }, timerDelay(answer.waitMs));
      // The line never keeps the process alive: the caller's own call does that.
      this.#timer.unref();
    }
    return false;
  }

  #told(waiter: LineEntry<G>, waitMs: number): void {
    if (waiter.waited) return;
    waiter.waited = true;
    this.#options.onWait?.(waitMs === Infinity ? 0 : waitMs);
  }

  #unlink(waiter: LineEntry<G>): void {
    waiter.gone = true;
    if (waiter.prev) waiter.prev.next = waiter.next;
    else this.#head = waiter.next;
    if (waiter.next) waiter.next.prev = waiter.prev;
    else this.#tail = waiter.prev;
    waiter.prev = waiter.next = undefined;
    this.#size -= 1;
  }

  #disarm(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
